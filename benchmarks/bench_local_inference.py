"""Local inference, old path vs new path in one run (issue 18).

    python benchmarks/bench_local_inference.py [--tokens 64] [--skip-loop]
        [--engines transformers,ctranslate2,onnxruntime-genai] [--loop-engines ...]
        [--embed-package django==5.1.4] [--old-embed-chunks 256] [--skip-old]

1. **Generation** with the packaged Gemma 3 270M, the same greedy requests on every
   engine, each engine in its own child process (so each has its own peak RSS), one
   after the other: transformers fp32 (the old path), CTranslate2 int8 (the previous
   fast path) and ONNX Runtime GenAI int8 (the default on CPU since #18 d). Decoding
   speed is completion tokens over the time after the first token (median of the
   prompts); TTFT is measured on a 500-token prompt; the greedy texts are compared
   with the first engine's (leading tokens equal).
2. **Verified loop**: ``devlab generate``'s loop on the issue's is_palindrome request
   (2 rounds at most), on each of ``--loop-engines``: each round's duration and the
   verdict.
3. **Embeddings**: the sdist's chunks (ingested lexically first, so the same texts go to
   each) embedded with sentence-transformers (the old path), the fp32 ONNX export
   (``onnx``) and the int8 one (``onnx-int8``), each on the first ``--old-embed-chunks``
   chunks (``--embed-all``: the ONNX runtimes on all of them): chunks/s, chunks per
   CPU-second (what the runtime costs whatever else runs on the machine), the cosine
   of each vector with sentence-transformers', and the peak RSS of the process.

Prints a table and writes benchmarks/.data/local-inference.json and a section of
docs/benchmarks.md. The machine is shared: the load average is recorded with the figures.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DATA_DIR,
    fetch_sdist,
    machine,
    markdown_table,
    peak_rss_mib,
    write_docs_section,
    write_json,
)

PROMPTS = [
    "def is_palindrome(s):\n",
    'import json\n\n\ndef load_config(path):\n    """Read a JSON config file."""\n',
    "class Stack:\n    def __init__(self):\n",
]
PALINDROME = (
    "Write a Python function is_palindrome(s) that returns True when the string s reads "
    "the same backwards, ignoring case."
)
HEADING = "## Local inference (issue 18)"
# The generation engines' run (#18 d) has its own section, so an embeddings run does not
# overwrite it (and this one leaves the earlier #18 figures alone).
ENGINES_HEADING = "## Local generation engines (issue 18 d)"


def load_avg() -> float:
    return round(os.getloadavg()[0], 1)


def bench_engine(engine: str, models_dir: Path, tokens: int) -> dict[str, Any]:
    """One engine's figures, measured in this process (run it in a child: peak RSS)."""
    from devlab.llm import GenerationParams
    from devlab.llm.providers.local import TransformersProvider

    provider = TransformersProvider("local", models_dir=models_dir, engine=engine, device="cpu")
    started = time.perf_counter()
    provider.complete("x", GenerationParams(max_tokens=1, temperature=0))  # load + warm up
    load_s = time.perf_counter() - started
    rates, texts = [], []
    for prompt in PROMPTS:
        c = provider.complete(prompt, GenerationParams(max_tokens=tokens, temperature=0))
        decode_s = (c.usage.latency_ms - (c.usage.time_to_first_token_ms or 0)) / 1000
        texts.append(c.text)
        if c.usage.completion_tokens > 1 and decode_s > 0:
            rates.append((c.usage.completion_tokens - 1) / decode_s)
    tokenizer = provider.engine_model().tokenizer
    source = Path(__file__).read_text(encoding="utf-8")
    long_prompt = tokenizer.decode(tokenizer.encode(source)[:499])
    ttfts = []
    for _ in range(3):
        c = provider.complete(long_prompt, GenerationParams(max_tokens=2, temperature=0))
        ttfts.append(c.usage.time_to_first_token_ms or 0.0)
    return {
        "engine": engine,
        "load_s": round(load_s, 1),
        "tokens_per_s": round(statistics.median(rates), 1) if rates else None,
        "tokens_per_s_each": [round(r, 1) for r in rates],
        "ttft_500_ms": round(statistics.median(ttfts)),
        "prompt_tokens": c.usage.prompt_tokens,
        "peak_rss_mib": peak_rss_mib(),
        "texts": texts,
        "token_ids": [tokenizer.encode(t) for t in texts],
        "load_avg": load_avg(),
    }


def bench_engine_child(engine: str, models_dir: Path, tokens: int) -> dict[str, Any]:
    """``bench_engine`` in a child process: its own memory, its own peak RSS."""
    import json
    import subprocess

    command = [
        sys.executable,
        __file__,
        "--engine-worker",
        engine,
        "--models-dir",
        str(models_dir),
        "--tokens",
        str(tokens),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if lines and lines[-1].startswith("{"):  # measured, even if the exit then crashed
        figures = json.loads(lines[-1])
        if done.returncode != 0:
            figures["exit"] = f"{done.returncode}: {done.stderr.strip()[-200:]}"
        return figures
    return {"engine": engine, "error": done.stderr.strip()[-600:], "load_avg": load_avg()}


def leading_equal(a: list[int], b: list[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def bench_loop(home: Path, models_dir: Path, engine: str = "auto") -> dict[str, Any]:
    from devlab.companion.generate import generate_code
    from devlab.companion.models import GenerateRequest
    from devlab.config import load_settings
    from devlab.workbench import Workbench

    settings = load_settings(home=home, llm_models_dir=models_dir, llm_local_engine=engine)
    bench = Workbench.open(settings)
    stamps: list[float] = [time.perf_counter()]
    seen: set[int] = set()

    def progress(p: Any) -> None:  # one stamp per finished round (reported more than once)
        if p.stage == "round" and p.done > 0 and p.done not in seen:
            seen.add(p.done)
            stamps.append(time.perf_counter())

    started = time.perf_counter()
    try:
        req = GenerateRequest(requirement=PALINDROME, language="python", max_rounds=2)
        result = generate_code(bench, req, progress=progress)
    finally:
        bench.close()
    total = time.perf_counter() - started
    rounds = [round(b - a, 1) for a, b in itertools.pairwise(stamps)]
    return {
        "engine": engine,
        "verdict": result.verdict,
        "rounds": [r.status for r in result.rounds],
        "round_s": rounds,
        "round_median_s": round(statistics.median(rounds), 1) if rounds else None,
        "total_s": round(total, 1),
        "load_avg": load_avg(),
    }


def bench_embeddings(
    package: str, home: Path, old_chunks: int, skip_old: bool, all_chunks: bool = False
) -> dict:
    from devlab.config import load_settings
    from devlab.search.embeddings import get_embedder
    from devlab.search.indexer import embedding_text, index_project
    from devlab.store.db import Database

    source = fetch_sdist(package)
    settings = load_settings(home=home)
    db = Database(settings)
    started = time.perf_counter()
    index_project(db, settings, name="corpus", source=str(source), embed=False)
    lexical_s = time.perf_counter() - started
    with db.engine.connect() as conn:
        from sqlalchemy import text

        rows = conn.execute(text("SELECT content FROM chunks ORDER BY id")).all()
    db.close()
    texts = [embedding_text(r[0], settings.embedding_max_chars) for r in rows]
    out: dict[str, Any] = {"package": package, "chunks": len(texts), "lexical_s": round(lexical_s)}
    reference = None
    for backend in ("sentence-transformers", "onnx", "onnx-int8"):
        if skip_old and backend == "sentence-transformers":
            continue
        embedder = get_embedder(load_settings(home=home, embedding_backend=backend))
        embedder.embed(texts[:8])  # warm up (and the one-time export for onnx)
        part = texts[:old_chunks] if backend == "sentence-transformers" or not all_chunks else texts
        t, cpu = time.perf_counter(), time.process_time()
        vectors = embedder.embed(part)
        seconds, cpu_s = time.perf_counter() - t, time.process_time() - cpu
        if reference is None:
            reference = vectors
        n = min(len(reference), len(vectors))
        cosines = (reference[:n] * vectors[:n]).sum(axis=1)
        out[backend] = {
            "key": embedder.key,
            "chunks": len(part),
            "seconds": round(seconds, 1),
            "chunks_per_s": round(len(part) / seconds, 1),
            "chunks_per_cpu_s": round(len(part) / cpu_s, 1),
            "cosine_mean": round(float(cosines.mean()), 5),
            "cosine_min": round(float(cosines.min()), 5),
            "peak_rss_mib": peak_rss_mib(),
            "load_avg": load_avg(),
        }
    return out


def machine_line(results: dict[str, Any]) -> str:
    m = results["machine"]
    return (
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['date']}; **shared with other "
        "sessions** (the load average next to each figure; 2.0 would be both cores busy)."
    )


def render_engines(results: dict[str, Any]) -> str:
    """The generation engines and the verified loop (their own docs section)."""
    gen = [g for g in results.get("generation", []) if "error" not in g]
    lines = [ENGINES_HEADING, "", "```", results["command"], "```", "", machine_line(results), ""]
    if gen:
        ref = gen[0]
        rows = []
        for g in gen:
            agree = [
                leading_equal(a, b) for a, b in zip(ref["token_ids"], g["token_ids"], strict=False)
            ]
            rows.append(
                [
                    g["engine"],
                    g["load_s"],
                    g["tokens_per_s"],
                    " / ".join(str(r) for r in g["tokens_per_s_each"]),
                    g["ttft_500_ms"],
                    g["peak_rss_mib"],
                    " / ".join(str(n) for n in agree),
                    g["load_avg"],
                ]
            )
        lines += [
            f"Generation, packaged Gemma 3 270M, greedy, {results['tokens']} new tokens, "
            "the same 3 prompts on every engine, each engine in its own process:",
            "",
            markdown_table(
                [
                    "engine",
                    "load s",
                    "tokens/s (median)",
                    "tokens/s per prompt",
                    f"TTFT {gen[0]['prompt_tokens']}-token prompt (ms)",
                    "peak RSS MiB",
                    f"tokens equal to {ref['engine']}'s",
                    "load avg",
                ],
                rows,
            ),
            "",
        ]
    for g in results.get("generation", []):
        if "error" in g:
            lines += [f"{g['engine']}: failed: {g['error']}", ""]
    for loop in results.get("loops", []):
        lines += [
            f"Verified loop, is_palindrome request, engine {loop['engine']}: verdict "
            f"**{loop['verdict']}**, rounds {loop['rounds']}, round durations "
            f"{loop['round_s']} s (median {loop['round_median_s']} s; spec + tests are in "
            f"round 1), total {loop['total_s']} s (load avg {loop['load_avg']}).",
            "",
        ]
    return "\n".join(lines)


def render(results: dict[str, Any]) -> str:
    """The embeddings runtimes (the original #18 section)."""
    lines = [HEADING, "", "```", results["command"], "```", "", machine_line(results), ""]
    emb = results.get("embeddings")
    if emb:
        rows = []
        for backend in ("sentence-transformers", "onnx", "onnx-int8"):
            if backend in emb:
                e = emb[backend]
                rows.append(
                    [
                        backend,
                        e["chunks"],
                        e["seconds"],
                        e["chunks_per_s"],
                        e.get("chunks_per_cpu_s", ""),
                        e.get("cosine_mean", ""),
                        e["peak_rss_mib"],
                        e["load_avg"],
                    ]
                )
        lines += [
            f"Embeddings, {emb['package']} ({emb['chunks']} chunks; lexical index first, "
            f"{emb['lexical_s']} s):",
            "",
            markdown_table(
                [
                    "runtime",
                    "chunks",
                    "s",
                    "chunks/s",
                    "chunks/CPU-s",
                    "cosine vs s-t",
                    "peak RSS MiB",
                    "load avg",
                ],
                rows,
            ),
            "",
        ]
    if results.get("reading"):
        lines += [results["reading"], ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tokens", type=int, default=64)
    ap.add_argument("--engines", default="transformers,ctranslate2,onnxruntime-genai")
    ap.add_argument("--loop-engines", default="onnxruntime-genai,ctranslate2")
    ap.add_argument("--engine-worker", help=argparse.SUPPRESS)  # one engine, JSON out
    ap.add_argument("--skip-old", action="store_true", help="new paths only")
    ap.add_argument("--skip-generation", action="store_true")
    ap.add_argument("--skip-loop", action="store_true")
    ap.add_argument("--skip-embeddings", action="store_true")
    ap.add_argument("--embed-package", default="django==5.1.4")
    ap.add_argument("--old-embed-chunks", type=int, default=256)
    ap.add_argument("--embed-all", action="store_true", help="ONNX runtimes on every chunk")
    ap.add_argument("--models-dir", help="converted models (default: a fresh DEVLAB_HOME's)")
    ap.add_argument("--out", default=str(DATA_DIR / "local-inference.json"))
    ap.add_argument("--no-docs", action="store_true")
    ns = ap.parse_args()
    if ns.engine_worker:
        import json

        figures = bench_engine(ns.engine_worker, Path(ns.models_dir), ns.tokens)
        print(json.dumps(figures))
        return
    results: dict[str, Any] = {
        "machine": machine(),
        "command": "python benchmarks/bench_local_inference.py " + " ".join(sys.argv[1:]),
        "tokens": ns.tokens,
    }
    with tempfile.TemporaryDirectory(prefix="devlab-bench-llm-") as scratch:
        home = Path(scratch)
        models_dir = Path(ns.models_dir) if ns.models_dir else home / "models"
        if not ns.skip_generation:
            engines = [e for e in ns.engines.split(",") if e]
            if ns.skip_old:
                engines = [e for e in engines if e != "transformers"]
            results["generation"] = []
            for engine in engines:
                results["generation"].append(bench_engine_child(engine, models_dir, ns.tokens))
                print(results["generation"][-1], file=sys.stderr)
        if not ns.skip_loop:
            results["loops"] = []
            for engine in [e for e in ns.loop_engines.split(",") if e]:
                loop = bench_loop(home / f"loop-{engine}", models_dir, engine)
                results["loops"].append(loop)
                print(loop, file=sys.stderr)
        if not ns.skip_embeddings:
            results["embeddings"] = bench_embeddings(
                ns.embed_package, home / "embed", ns.old_embed_chunks, ns.skip_old, ns.embed_all
            )
            print(results["embeddings"], file=sys.stderr)
    write_json(Path(ns.out), results)
    sections = []
    if results.get("generation") or results.get("loops"):
        sections.append((ENGINES_HEADING, render_engines(results)))
    if results.get("embeddings"):
        sections.append((HEADING, render(results)))
    for heading, section in sections:
        print(section)
        if not ns.no_docs:
            write_docs_section(heading, section)


if __name__ == "__main__":
    main()
