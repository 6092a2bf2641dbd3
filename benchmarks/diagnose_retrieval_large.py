"""Where each developer question's answer ranks, and what sits above it.

    python benchmarks/diagnose_retrieval_large.py django [--split tune] [--home DIR]

For every question of the split (bench_retrieval_large.py's sets and cached index), prints
the answer's rank under the default stages (top 50), under BM25 alone and semantic alone
(top 100), the labelled targets, and the first six results whenever the answer is not
first. docs/benchmarks.md ("Retrieval on large codebases, continued") sums these up.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_retrieval_large as large
from _common import DATA_DIR


def _rank(wb: Any, settings: Any, name: str, mode: str, q: Any, limit: int) -> tuple[Any, list]:
    from devlab.search import SearchRequest, search

    res = search(wb.db, settings, SearchRequest(project=name, query=q.text, mode=mode, limit=limit))
    return next((i + 1 for i, r in enumerate(res) if large.is_hit(r, q)), None), res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("codebase", choices=sorted(large.CODEBASES))
    ap.add_argument("--split", default="tune", choices=["tune", "heldout", "all"])
    ap.add_argument("--style", default="head")
    ap.add_argument("--backend", default="onnx-int8")
    ap.add_argument(
        "--home", default=os.environ.get("DEVLAB_BENCH_HOME", str(DATA_DIR / "retrieval-large"))
    )
    ns = ap.parse_args()
    home = Path(ns.home)
    tree = large.build_tree(ns.codebase, home / "trees")
    queries = [q for q in large.load_queries(ns.codebase, tree) if ns.split in ("all", q.split)]
    wb = large.open_index(ns.codebase, tree, home, ns.style, ns.backend)
    try:
        default = wb.settings
        alone = wb.settings.model_copy(update=large.OFF)
        for q in queries:
            rank, res = _rank(wb, default, ns.codebase, "hybrid", q, 50)
            lex, _ = _rank(wb, alone, ns.codebase, "lexical", q, 100)
            sem, _ = _rank(wb, alone, ns.codebase, "semantic", q, 100)
            print(f"\n## d={rank} lex={lex} sem={sem} :: {q.text}")
            print("   target:", [f"{t.path}::{t.qualname}" for t in q.targets])
            if rank != 1:
                for i, r in enumerate(res[:6], 1):
                    span = f"L{r.start_line}-{r.end_line}"
                    print(f"   {i}. {r.path}::{r.symbol} ({r.kind}) {span}")
    finally:
        wb.close()


if __name__ == "__main__":
    main()
