"""Where each developer question's answer ranks after each stage of the default search.

    python benchmarks/diagnose_stages_large.py sqlalchemy [--split tune] [--home DIR] \
        [--no-summary-fill]

For every question of the split (bench_retrieval_large.py's sets and cached index): the
answer's rank in BM25 alone and semantic alone (top 200), plain hybrid (top 100), the
default stages without the rerank (the rerank's candidate pool, top 100) and the full
default (top 50); one JSON line per question, then recall@k per stage. The gap between
the pool's recall@50 and the default's recall@10 is what any reranker of the top 50
could win at most (docs/benchmarks.md, i14r).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_retrieval_large as large
from _common import DATA_DIR

STAGES = {  # label -> (mode, overrides on top of large.OFF, depth)
    "lexical": ("lexical", {}, 200),
    "semantic": ("semantic", {}, 200),
    "hybrid": ("hybrid", {}, 100),
    "pool": ("hybrid", {**large.DEFAULT, "search_rerank": "off"}, 100),
    "default": ("hybrid", large.DEFAULT, 50),
}


def main() -> None:
    from devlab.search import SearchRequest, search

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("codebase", choices=sorted(large.CODEBASES))
    ap.add_argument("--split", default="tune", choices=["tune", "heldout", "all"])
    ap.add_argument(
        "--home", default=os.environ.get("DEVLAB_BENCH_HOME", str(DATA_DIR / "retrieval-large"))
    )
    ap.add_argument("--no-summary-fill", action="store_true")
    ns = ap.parse_args()
    home = Path(ns.home)
    tree = large.build_tree(ns.codebase, home / "trees")
    queries = [q for q in large.load_queries(ns.codebase, tree) if ns.split in ("all", q.split)]
    options = {"search_rerank": "off"} if ns.no_summary_fill else {}
    wb = large.open_index(ns.codebase, tree, home, "head", "onnx-int8", options)
    rows = []
    try:
        for q in queries:
            row: dict = {"q": q.text}
            for label, (mode, overrides, depth) in STAGES.items():
                settings = wb.settings.model_copy(update={**large.OFF, **overrides})
                req = SearchRequest(project=ns.codebase, query=q.text, mode=mode, limit=depth)
                res = search(wb.db, settings, req)
                row[label] = next((i + 1 for i, r in enumerate(res) if large.is_hit(r, q)), None)
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        wb.close()
    for label in STAGES:
        cells = []
        for k in (1, 5, 10, 20, 50, 100, 200):
            found = sum(1 for r in rows if r[label] and r[label] <= k)
            cells.append(f"R@{k}={found / len(rows):.2f}")
        print(label, " ".join(cells))


if __name__ == "__main__":
    main()
