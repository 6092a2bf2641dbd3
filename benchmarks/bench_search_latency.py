"""Search latency on a large indexed codebase: where a query's time goes, and the CLI.

    python benchmarks/bench_search_latency.py --home HOME --project django \
        [--backend onnx-int8] [--embedding-cache DIR] [--queries 8] [--skip-cli]

Reuses an index built by bench_retrieval_large.py (``--home`` is one of its
``home-<codebase>-<style>-<backend>`` folders). Questions are the codebase's developer
questions (benchmarks/retrieval_queries/<project>.toml), each asked once per phase
so no phase is warmed by an earlier identical question.

1. In one process: loading the embedding model, then per question the default
   hybrid search (summary rerank + graph) with the rerank's summary vectors read from
   the home's store (filled at index time, devlab.search.summaries) and, for
   comparison, embedded per question as before (store bypassed, process cache empty).
2. ``devlab search`` as a user runs it, a new process per question: with no server,
   then with ``devlab serve`` running for the same home (the CLI asks the warm
   server). Wall clock from start to exit.

Every figure moves with the machine's load: the 1-minute load average is recorded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, machine, serve_devlab, write_json

QUERY_DIR = Path(__file__).resolve().parent / "retrieval_queries"
DEVLAB = [sys.executable, "-m", "devlab"]


def _questions(project: str, n: int, offset: int) -> list[str]:
    data = tomllib.loads((QUERY_DIR / f"{project}.toml").read_text(encoding="utf-8"))
    items = [q["q"] for q in data["query"]]
    return [items[(offset + i) % len(items)] for i in range(n)]


def _ms(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(1000 * statistics.median(values)),
        "max_ms": round(1000 * max(values)),
    }


def in_process(env: dict[str, str], project: str, n: int) -> dict[str, Any]:
    """Phase 1 (see the module docstring), in this process."""
    os.environ.update(env)
    from devlab.config import load_settings
    from devlab.search import SearchRequest, ranking, search, summaries
    from devlab.search.embeddings import get_embedder
    from devlab.workbench import Workbench

    settings = load_settings()
    wb = Workbench.open(settings)
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    get_embedder(settings).embed(["warm up"])
    out["model_load_ms"] = round(1000 * (time.perf_counter() - t0))

    def timed(questions: list[str]) -> list[float]:
        took = []
        for q in questions:
            t = time.perf_counter()
            search(wb.db, settings, SearchRequest(project=project, query=q, mode="hybrid"))
            took.append(time.perf_counter() - t)
        return took

    ranking._SUMMARY_VECTORS.clear()
    out["default, summaries from the store"] = _ms(timed(_questions(project, n, 0)))
    real_store = summaries.store_for
    summaries.store_for = lambda s: None  # type: ignore[assignment,return-value]
    try:
        ranking._SUMMARY_VECTORS.clear()
        out["default, summaries embedded per query"] = _ms(timed(_questions(project, n, n)))
    finally:
        summaries.store_for = real_store
    off = settings.model_copy(update={"search_rerank": "off"})
    took = []
    for q in _questions(project, n, 2 * n):
        t = time.perf_counter()
        search(wb.db, off, SearchRequest(project=project, query=q, mode="hybrid"))
        took.append(time.perf_counter() - t)
    out["rerank off"] = _ms(took)
    wb.close()
    return out


def _cli(env: dict[str, str], project: str, query: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        [*DEVLAB, "search", query, "-p", project, "--mode", "hybrid"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"devlab search failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - t0


def cli(env: dict[str, str], project: str, n: int) -> dict[str, Any]:
    """Phase 2: ``devlab search`` processes, without then with a server."""
    out: dict[str, Any] = {}
    out["devlab search, no server"] = _ms(
        [_cli(env, project, q) for q in _questions(project, n, 0)]
    )
    server, _ = serve_devlab(env, wait_s=180)
    try:
        _cli(env, project, "warm the server's model")
        took = [_cli(env, project, q) for q in _questions(project, n, n)]
        out["devlab search, server running"] = _ms(took)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", required=True)
    ap.add_argument("--project", default="django")
    ap.add_argument("--backend", default="onnx-int8")
    ap.add_argument("--embedding-cache", default="")
    ap.add_argument("--queries", type=int, default=8)
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--out", default=str(DATA_DIR / "search-latency.json"))
    ns = ap.parse_args()
    env = {
        **os.environ,
        "DEVLAB_HOME": ns.home,
        "DEVLAB_EMBEDDING_BACKEND": ns.backend,
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    if ns.embedding_cache:
        env["DEVLAB_EMBEDDING_CACHE_DIR"] = ns.embedding_cache
    env.pop("DEVLAB_DATABASE_URL", None)
    results: dict[str, Any] = {"machine": machine(), "load_before": os.getloadavg()}
    results["in_process"] = in_process(env, ns.project, ns.queries)
    print(results["in_process"], file=sys.stderr, flush=True)
    if not ns.skip_cli:
        results["cli"] = cli(env, ns.project, ns.queries)
        print(results["cli"], file=sys.stderr, flush=True)
    results["load_after"] = os.getloadavg()
    write_json(Path(ns.out), results)
    print(results)


if __name__ == "__main__":
    main()
