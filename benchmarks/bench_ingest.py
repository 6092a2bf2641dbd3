"""Ingestion benchmark: parse + chunk + lexical index, re-ingest, embedding throughput.

    python benchmarks/bench_ingest.py [--source DIR] [--embed-sample 2000]

Without ``--source`` it indexes Django 5.1.4's sdist (fetched with pip into
``benchmarks/.data/`` on the first run). The source is copied to a temporary
directory (outside any git work tree, so DevLab reads it as a plain directory,
and so the re-ingest edit never touches the cached copy). Every phase runs in a
fresh child process with ``DEVLAB_HOME`` in a temporary directory; the peak RSS
reported is that child's own ``ru_maxrss``, so phases do not mask each other.

Phases:
  lexical      ingest_source with no finalisers: walk, parse, chunk, store, FTS5
  reingest     append one function to one .py file, ingest_source again
  embed-*      embed a fixed random sample of the lexical index's chunks with
               each backend (all of Django with MiniLM would take most of an hour)
  full         index_project with model2vec embeddings + PageRank, then a
               re-index with one more changed file (the path a user really takes)

Prints a markdown table and writes benchmarks/.data/ingest-results.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DATA_DIR,
    TreeRssSampler,
    ensure_model2vec,
    fetch_sdist,
    machine,
    markdown_table,
    peak_rss_mib,
    write_json,
)

DEFAULT_PACKAGE = "Django==5.1.4"
PROJECT = "bench"
LINES_PER_S_TARGET = 20_000
REINGEST_TARGET_S = 2.0
ADDED_FUNCTION = '''

def devlab_benchmark_added_{n}(value):
    """Added by bench_ingest.py to measure re-ingesting one changed file."""
    return [value] * {n}
'''


# --- child-process phases ---------------------------------------------------


def _open(home: str, backend: str = "sentence-transformers", workers: int | None = None) -> Any:
    from devlab.config import load_settings
    from devlab.workbench import Workbench

    extra = {"ingest_workers": workers} if workers is not None else {}
    return Workbench.open(load_settings(home=home, embedding_backend=backend, **extra))


def phase_ingest(home: str, source: str, workers: int | None) -> dict[str, Any]:
    from devlab.codebase.ingest import ingest_source

    wb = _open(home, workers=workers)
    try:
        with TreeRssSampler() as tree_rss:
            t0 = time.perf_counter()
            rep = ingest_source(wb.db, wb.settings, name=PROJECT, source=source, finalisers=[])
            wall = time.perf_counter() - t0
    finally:
        wb.close()
    return {
        "wall_s": wall,
        "ingest_workers": getattr(wb.settings, "ingest_workers", None),
        "tree_peak_rss_mib": tree_rss.peak_mib,
        "files": rep.files,
        "parsed": rep.parsed,
        "reused": rep.reused,
        "skipped": rep.skipped,
        "lines": rep.lines,
        "symbols": rep.symbols,
        "chunks": rep.chunks,
        "parse_errors": rep.parse_errors,
        "stages_s": rep.seconds,
    }


def phase_index(home: str, source: str) -> dict[str, Any]:
    from devlab.search import index_project

    wb = _open(home, "model2vec")
    try:
        with TreeRssSampler() as tree_rss:
            t0 = time.perf_counter()
            rep = index_project(wb.db, wb.settings, name=PROJECT, source=source, embed=True)
            wall = time.perf_counter() - t0
    finally:
        wb.close()
    return {
        "wall_s": wall,
        "tree_peak_rss_mib": tree_rss.peak_mib,
        "files": rep.files,
        "parsed": rep.parsed,
        "reused": rep.reused,
        "lines": rep.lines,
        "chunks": rep.chunks,
        "embedded": rep.stats.get("embedded"),
        "stages_s": rep.seconds,
    }


def phase_embed(home: str, backend: str, sample: int) -> dict[str, Any]:
    from sqlalchemy import text

    from devlab.search.embeddings import get_embedder
    from devlab.search.indexer import embedding_text

    wb = _open(home, backend)
    try:
        with wb.db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, content FROM chunks ORDER BY id")).all()
        total = len(rows)
        picked = sorted(random.Random(0).sample(range(total), min(sample, total)))
        max_chars = wb.settings.embedding_max_chars
        texts = [embedding_text(rows[i][1], max_chars) for i in picked]
        t0 = time.perf_counter()
        embedder = get_embedder(wb.settings)
        embedder.embed(["warm-up"])
        load_s = time.perf_counter() - t0
        batch = wb.settings.embedding_batch_size * 4  # what embed_snapshot passes per call
        t0 = time.perf_counter()
        for start in range(0, len(texts), batch):
            embedder.embed(texts[start : start + batch])
        embed_s = time.perf_counter() - t0
    finally:
        wb.close()
    return {
        "backend": backend,
        "model": embedder.key,
        "sample": len(texts),
        "mean_chars": round(sum(map(len, texts)) / max(1, len(texts))),
        "load_s": load_s,
        "embed_s": embed_s,
        "chunks_per_s": len(texts) / embed_s if embed_s else None,
        "index_chunks": total,
    }


def run_child(args: list[str]) -> dict[str, Any]:
    """Run one phase in a fresh interpreter; return its result plus its peak RSS."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", *args]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    line = next(x for x in reversed(out.splitlines()) if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def child_main(ns: argparse.Namespace) -> None:
    name = ns.phase[0]
    if name == "ingest":
        result = phase_ingest(ns.home, ns.src, ns.workers)
    elif name == "index":
        result = phase_index(ns.home, ns.src)
    elif name == "embed":
        result = phase_embed(ns.home, ns.phase[1], ns.embed_sample)
    else:
        raise SystemExit(f"unknown phase {name}")
    result["peak_rss_mib"] = peak_rss_mib()
    print("RESULT " + json.dumps(result))


# --- the driver ----------------------------------------------------------------


def pick_file(root: Path) -> Path:
    """A deterministic, ordinary .py file to edit: the median-sized one."""
    files = sorted(
        (p for p in root.rglob("*.py") if "test" not in p.as_posix()),
        key=lambda p: (p.stat().st_size, p.as_posix()),
    )
    if not files:
        raise SystemExit(f"no .py files under {root}")
    return files[len(files) // 2]


def append_function(path: Path, n: int) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(ADDED_FUNCTION.format(n=n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", help=f"directory to index (default: {DEFAULT_PACKAGE}'s sdist)")
    ap.add_argument("--embed-sample", type=int, default=2000, help="chunks to embed per backend")
    ap.add_argument(
        "--backends",
        default="sentence-transformers,model2vec",
        help="comma-separated embedding backends to time",
    )
    ap.add_argument("--skip-full", action="store_true", help="skip the model2vec full index")
    ap.add_argument("--out", default=str(DATA_DIR / "ingest-results.json"))
    ap.add_argument("--workers", type=int, help="ingest_workers (default: DevLab's setting)")
    ap.add_argument("--no-serial", action="store_true", help="skip the 1-worker comparison")
    ap.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--home", help=argparse.SUPPRESS)
    ap.add_argument("--src", help=argparse.SUPPRESS)
    ns = ap.parse_args()
    if ns.phase:
        child_main(ns)
        return

    source = Path(ns.source).resolve() if ns.source else fetch_sdist(DEFAULT_PACKAGE)
    codebase = source.name if ns.source else DEFAULT_PACKAGE
    scratch = Path(tempfile.mkdtemp(prefix="devlab-bench-ingest-"))
    try:
        results = run_all(ns, source, codebase, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(render(results))
    write_json(Path(ns.out), results)


def run_all(ns: argparse.Namespace, source: Path, codebase: str, scratch: Path) -> dict[str, Any]:
    tree = scratch / "src"
    print(f"copying {source} -> {tree}", file=sys.stderr)
    shutil.copytree(source, tree, symlinks=True)
    edited = pick_file(tree)
    home = str(scratch / "home-lexical")
    results: dict[str, Any] = {"machine": machine(), "codebase": codebase, "phases": {}}
    phases = results["phases"]

    print("phase: parse + chunk + lexical index", file=sys.stderr)
    workers = ["--workers", str(ns.workers)] if ns.workers is not None else []
    lex = phases["lexical"] = run_child(["ingest", "--home", home, "--src", str(tree), *workers])
    lex["lines_per_s"] = lex["lines"] / lex["wall_s"]
    lex["files_per_s"] = lex["files"] / lex["wall_s"]
    if not ns.no_serial:
        print("phase: the same with one worker (no process pool)", file=sys.stderr)
        serial_home = str(scratch / "home-serial")
        one = run_child(["ingest", "--home", serial_home, "--src", str(tree), "--workers", "1"])
        one["lines_per_s"] = one["lines"] / one["wall_s"]
        phases["lexical_1_worker"] = one

    backends = [b.strip() for b in ns.backends.split(",") if b.strip()]
    if "model2vec" in backends or not ns.skip_full:
        results["model2vec_distill_s"] = ensure_model2vec(Path(home))
    for backend in backends:
        print(f"phase: embed {ns.embed_sample} chunks with {backend}", file=sys.stderr)
        emb = run_child(["embed", backend, "--home", home, "--embed-sample", str(ns.embed_sample)])
        emb["extrapolated_full_s"] = lex["chunks"] / emb["chunks_per_s"]
        phases[f"embed:{backend}"] = emb

    print(f"phase: re-ingest after editing {edited.relative_to(tree)}", file=sys.stderr)
    append_function(edited, 1)
    ri = phases["reingest"] = run_child(["ingest", "--home", home, "--src", str(tree), *workers])
    ri["edited"] = edited.relative_to(tree).as_posix()

    if not ns.skip_full:
        full_home = str(scratch / "home-full")
        ensure_model2vec(Path(full_home))
        print("phase: index_project with model2vec embeddings + PageRank", file=sys.stderr)
        phases["full_index"] = run_child(["index", "--home", full_home, "--src", str(tree)])
        append_function(edited, 2)
        print("phase: re-index after a second edit", file=sys.stderr)
        phases["full_reindex"] = run_child(["index", "--home", full_home, "--src", str(tree)])

    results["targets"] = {
        "lexical_lines_per_s": {"target": LINES_PER_S_TARGET, "met": lex["lines_per_s"] >= 20_000},
        "reingest_s": {"target": REINGEST_TARGET_S, "met": ri["wall_s"] < REINGEST_TARGET_S},
    }
    return results


def render(results: dict[str, Any]) -> str:
    p = results["phases"]
    lex, ri = p["lexical"], p["reingest"]
    st = lex["stages_s"]
    rows = [
        ["files indexed / skipped", f"{lex['files']:,} / {lex['skipped']:,}"],
        ["lines / symbols / chunks", f"{lex['lines']:,} / {lex['symbols']:,} / {lex['chunks']:,}"],
        ["parse + chunk + lexical index: seconds", f"{lex['wall_s']:.1f}"],
        [
            "  split: source / walk / parse+chunk+store",
            f"{st.get('source', 0):.2f} / {st.get('walk', 0):.2f} / {st.get('parse', 0):.2f}",
        ],
        ["  files/s", f"{lex['files_per_s']:,.0f}"],
        ["  lines/s (target >= 20,000)", f"{lex['lines_per_s']:,.0f}"],
        [
            f"  peak RSS MiB: main process / with {lex['ingest_workers'] or 'auto'} workers (sum)",
            f"{lex['peak_rss_mib']:,.0f} / {lex['tree_peak_rss_mib']:,.0f}",
        ],
        *(
            [
                [
                    "  same with 1 worker: seconds / lines/s / peak RSS MiB",
                    f"{p['lexical_1_worker']['wall_s']:.1f} / "
                    f"{p['lexical_1_worker']['lines_per_s']:,.0f} / "
                    f"{p['lexical_1_worker']['peak_rss_mib']:,.0f}",
                ]
            ]
            if "lexical_1_worker" in p
            else []
        ),
        [
            f"re-ingest, 1 file changed ({ri['edited']}): seconds (target < 2)",
            f"{ri['wall_s']:.2f} (parsed {ri['parsed']}, reused {ri['reused']:,})",
        ],
        [
            "  split: source / walk / parse+chunk+store",
            " / ".join(f"{ri['stages_s'].get(k, 0):.2f}" for k in ("source", "walk", "parse")),
        ],
    ]
    for key, emb in p.items():
        if not key.startswith("embed:"):
            continue
        rows += [
            [
                f"embed {emb['sample']:,} chunks ({emb['model']}, mean {emb['mean_chars']} chars)",
                f"{emb['chunks_per_s']:,.1f} chunks/s",
            ],
            [
                "  model load (s) / peak RSS (MiB)",
                f"{emb['load_s']:.1f} / {emb['peak_rss_mib']:,.0f}",
            ],
            [
                f"  extrapolated: all {lex['chunks']:,} chunks",
                f"{emb['extrapolated_full_s'] / 60:,.1f} min",
            ],
        ]
    if "full_index" in p:
        fi, fr = p["full_index"], p["full_reindex"]
        fmt = "{:.1f}"
        rows += [
            [
                "index_project, model2vec: total s (parse / embed / PageRank)",
                f"{fi['wall_s']:.1f} ({fmt.format(fi['stages_s'].get('parse', 0))} / "
                f"{fmt.format(fi['stages_s'].get('embed_snapshot', 0))} / "
                f"{fmt.format(fi['stages_s'].get('rank_snapshot', 0))})",
            ],
            [
                "  re-index, 1 file changed: total s (parse / embed / PageRank)",
                f"{fr['wall_s']:.2f} ({fr['stages_s'].get('parse', 0):.2f} / "
                f"{fr['stages_s'].get('embed_snapshot', 0):.2f} / "
                f"{fr['stages_s'].get('rank_snapshot', 0):.2f}), embedded {fr['embedded']}",
            ],
            [
                "  index_project peak RSS MiB, with workers (sum)",
                f"{fi['tree_peak_rss_mib']:,.0f}",
            ],
        ]
    return f"Ingestion: {results['codebase']}\n\n" + markdown_table(["measure", "value"], rows)


if __name__ == "__main__":
    main()
