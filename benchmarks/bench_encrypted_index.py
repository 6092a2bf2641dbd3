"""What encryption at rest costs ingestion and keyword search (issue 19).

    python benchmarks/bench_encrypted_index.py [--package rich==13.7.1] [--rounds 2] [--write]

Ingests a real codebase nobody here wrote (a PyPI sdist, fetched once with pip into
``benchmarks/.data/``) into fresh homes, lexical index only (no embeddings), alternating
without a key and with one (Fernet columns + keyed-hash full-text tokens), and times a
fixed set of lexical searches on each. Prints a markdown table; ``--write`` puts it in
docs/benchmarks.md ("Encryption at rest: ingestion and search cost").
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fetch_sdist, machine, markdown_table, write_docs_section

QUERIES = ["render table", "console print", "parse markup style", "progress bar", "syntax theme"]


def one_round(source: Path, key: str) -> tuple[float, float, int]:
    """(ingest seconds, median search ms, database bytes) in a fresh home."""
    from devlab.codebase.ingest import ingest_source
    from devlab.config import load_settings
    from devlab.search.models import SearchRequest
    from devlab.search.retrieval import search
    from devlab.store import crypto
    from devlab.store.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(home=Path(tmp), encryption_key=key)
        db = Database(settings)
        try:
            started = time.perf_counter()
            ingest_source(db, settings, name="bench", source=str(source))
            ingest_s = time.perf_counter() - started
            times = []
            for _ in range(3):
                for q in QUERIES:
                    t = time.perf_counter()
                    hits = search(
                        db, settings, SearchRequest(project="bench", query=q, mode="lexical")
                    )
                    times.append((time.perf_counter() - t) * 1000)
                    assert hits, q
            size = sum(p.stat().st_size for p in Path(tmp).glob("devlab.db*"))
        finally:
            db.close()
            crypto.configure([])
    return ingest_s, statistics.median(times), size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--package", default="rich==13.7.1")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--write", action="store_true")
    ns = ap.parse_args()
    from devlab.store import crypto

    source = fetch_sdist(ns.package)
    runs: dict[str, list[tuple[float, float, int]]] = {"no key": [], "key": []}
    for _ in range(ns.rounds):  # alternating, so load changes hit both alike
        runs["no key"].append(one_round(source, ""))
        runs["key"].append(one_round(source, crypto.new_key()))
    rows = []
    for name, got in runs.items():
        rows.append(
            [
                name,
                " / ".join(f"{g[0]:.1f}" for g in got),
                " / ".join(f"{g[1]:.1f}" for g in got),
                f"{got[-1][2] / 1e6:.1f}",
            ]
        )
    table = markdown_table(["", "ingest s (each round)", "search ms median", "DB MB"], rows)
    info = machine()
    info["load_average"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    section = (
        f"{ns.package}'s sdist, lexical ingestion (parse, chunk, store, full-text index) "
        f"and {len(QUERIES)} lexical queries x 3, fresh home each round, rounds alternating. "
        f"Machine: {info.get('cpu', '?')}, load average at start "
        f"{info.get('load_average', '?')} (2 cores shared with other agents' work).\n\n"
        f"{table}\n\nCommand: `python benchmarks/bench_encrypted_index.py --package "
        f"{ns.package} --rounds {ns.rounds} --write`\n"
    )
    print(section)
    if ns.write:
        write_docs_section("Encryption at rest: ingestion and search cost (issue 19)", section)


if __name__ == "__main__":
    main()
