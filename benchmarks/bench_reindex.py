"""Re-indexing an unchanged tree: what the rerank's summary step costs, before and after.

    python benchmarks/bench_reindex.py --home HOME --project django --source TREE \
        [--backend onnx-int8] [--embedding-cache DIR] [--runs 3]

Reuses an index built by bench_retrieval_large.py (``--home`` is one of its
``home-<codebase>-<style>-<backend>`` folders, ``--source`` the tree it indexed). Each
run re-indexes the unchanged tree twice, in one process, with the embedder loaded:

* ``before``: the summary store's done-markers are emptied first, so the summary step
  does what it did before they existed (read every chunk, compute its summary, look it
  up in the store), plus writing the markers back;
* ``after``: the markers are there, so the step reads only the chunk hashes.

Both runs embed nothing (the tree is unchanged). Prints the median wall time of the
whole ``index_project`` call and of its ``embed_snapshot`` phase (the vector check plus
the summary step) per variant, with the 1-minute load average before and after.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, machine, write_json


def _reindex(wb: Any, project: str, source: str) -> tuple[float, float, Any]:
    from devlab.search import index_project

    t0 = time.perf_counter()
    rep = index_project(wb.db, wb.settings, name=project, source=source, embed=True)
    return time.perf_counter() - t0, rep.seconds.get("embed_snapshot", 0.0), rep


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--backend", default="onnx-int8")
    ap.add_argument("--embedding-cache")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=str(DATA_DIR / "reindex.json"))
    ns = ap.parse_args()
    from devlab.config import load_settings
    from devlab.search import summaries
    from devlab.search.embeddings import get_embedder
    from devlab.workbench import Workbench

    extra = {"embedding_cache_dir": Path(ns.embedding_cache)} if ns.embedding_cache else {}
    settings = load_settings(home=Path(ns.home), embedding_backend=ns.backend, **extra)
    wb = Workbench.open(settings)
    get_embedder(settings)  # loaded once: the figures are the re-index's own work
    store_path = settings.cache_dir / summaries.STORE_NAME
    load_before = os.getloadavg()
    times: dict[str, list[float]] = {"before": [], "after": []}
    phase: dict[str, list[float]] = {"before": [], "after": []}
    try:
        _reindex(wb, ns.project, ns.source)  # warm the OS cache; fills markers if missing
        for _ in range(ns.runs):
            summaries.store_for(settings).close()
            with sqlite3.connect(store_path) as conn:
                conn.execute("DELETE FROM filled_chunks")
            for variant in ("before", "after"):
                wall, embed_s, rep = _reindex(wb, ns.project, ns.source)
                assert rep.stats.get("embedded") == 0, "the tree changed: nothing to compare"
                times[variant].append(wall)
                phase[variant].append(embed_s)
    finally:
        wb.close()
    results: dict[str, Any] = {
        "machine": machine(),
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "project": ns.project,
        "chunks": rep.chunks,
    }
    for variant in ("before", "after"):
        results[variant] = {
            "index_project_s": round(statistics.median(times[variant]), 3),
            "embed_snapshot_s": round(statistics.median(phase[variant]), 3),
            "runs": [round(t, 3) for t in times[variant]],
        }
    print(
        f"{ns.project} ({rep.chunks} chunks), load {load_before[0]:.2f} -> "
        f"{results['load_after'][0]:.2f}, median of {ns.runs}:\n"
        f"  before (every summary recomputed and looked up): "
        f"{results['before']['index_project_s']:.2f} s "
        f"(embed_snapshot {results['before']['embed_snapshot_s']:.2f} s)\n"
        f"  after (unchanged chunks skipped by their hash):  "
        f"{results['after']['index_project_s']:.2f} s "
        f"(embed_snapshot {results['after']['embed_snapshot_s']:.2f} s)"
    )
    write_json(Path(ns.out), results)


if __name__ == "__main__":
    main()
