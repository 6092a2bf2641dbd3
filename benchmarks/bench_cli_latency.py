"""CLI latency: ``devlab search`` (hybrid), ``def`` and ``callers``, medians of N runs.

    python benchmarks/bench_cli_latency.py [--runs 7] [--write-docs]

Ingests express 4.19.2 (npm tarball, fetched once into ``benchmarks/.data/faithful/``)
with embeddings into a fresh ``DEVLAB_HOME``, then times each command as a user runs
it: a new ``devlab`` process each time (``python -m devlab``), wall clock from start
to exit. Hybrid search is timed twice: with no server (the process loads the
embedding model itself) and with ``devlab serve`` running for the same home (the
CLI asks the warm server). The machine's load average is recorded next to the
figures: these machines are shared, and every number moves with it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, DOCS, machine, markdown_table, serve_devlab, write_json
from bench_symbols import _npm

RESULTS = DATA_DIR / "cli-latency-results.json"
DEVLAB = [sys.executable, "-m", "devlab"]
COMMANDS = {
    "def res.send": ["def", "res.send", "-p", "express"],
    "callers send": ["callers", "send", "-p", "express"],
    "search (hybrid), no server": [
        "search", "send a JSON response body", "-p", "express", "--mode", "hybrid",
    ],
}  # fmt: skip


def _time(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([*DEVLAB, *args], env=env, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"devlab {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return took


def _median(args: list[str], env: dict[str, str], runs: int) -> dict[str, Any]:
    times = [_time(args, env) for _ in range(runs)]
    return {"median_s": round(statistics.median(times), 2), "runs": [round(t, 2) for t in times]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    source = _npm("express@4.19.2")
    results: dict[str, Any] = {"machine": machine(), "commands": {}}
    with tempfile.TemporaryDirectory(prefix="devlab-latency-") as tmp:
        env = {**os.environ, "DEVLAB_HOME": str(Path(tmp) / "home")}
        env.pop("DEVLAB_DATABASE_URL", None)
        t0 = time.perf_counter()
        subprocess.run([*DEVLAB, "ingest", str(source), "--name", "express"], env=env, check=True)
        results["ingest_s"] = round(time.perf_counter() - t0, 1)
        results["load_before"] = os.getloadavg()
        for label, command in COMMANDS.items():
            results["commands"][label] = _median(command, env, args.runs)
            print(label, results["commands"][label], file=sys.stderr)
        server, _ = serve_devlab(env, wait_s=120)
        try:
            _time(COMMANDS["search (hybrid), no server"], env)  # the server loads its model
            label = "search (hybrid), server running"
            results["commands"][label] = _median(
                COMMANDS["search (hybrid), no server"], env, args.runs
            )
            print(label, results["commands"][label], file=sys.stderr)
        finally:
            server.terminate()
            server.wait(timeout=60)
        results["load_after"] = os.getloadavg()
    write_json(RESULTS, results)
    section = render(results)
    print(section)
    if args.write_docs:
        _write_docs(section)


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    rows = [
        [label, f"{r['median_s']:.2f}", ", ".join(f"{t:.2f}" for t in r["runs"])]
        for label, r in results["commands"].items()
    ]
    load = " / ".join(f"{x:.1f}" for x in results["load_before"][:1] + results["load_after"][:1])
    return (
        "## CLI latency (issue 14)\n\n"
        f"`python benchmarks/bench_cli_latency.py --write-docs` ({m['date']}, {m['cpu']}, "
        f"{m['cores']} cores shared with other agents; 1-minute load average {load} before / "
        "after). express 4.19.2 ingested with embeddings; each figure is a new `devlab` "
        "process, start to exit.\n\n"
        + markdown_table(["command", "median s", "runs (s)"], rows)
        + "\n"
    )


def _write_docs(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    head = "## CLI latency (issue 14)"
    if head in text:
        before, _, rest = text.partition(head)
        after = rest.split("\n## ", 1)
        text = before + section + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
