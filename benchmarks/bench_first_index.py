"""The first index of a large codebase, two tiers (issue 18), and what each state finds.

    python benchmarks/bench_first_index.py [--codebase django] [--packages werkzeug==3.1.3,...]

Part 1, the first index of Django 5.1.4's ``django/`` package (Python files, as
bench_retrieval_large.py builds it) into a fresh DEVLAB_HOME with the default settings
(two tiers on): when lexical search is usable (the snapshot is current), when every
chunk has a vector (the static tier done), the static tier's chunks/s, when MiniLM has
replaced half and all of them, and the peak RSS (this process's ``ru_maxrss`` and the
sampled process tree, parse workers included). The one-time conversions (the ONNX
export and the model2vec distillation, kept in ``--cache``) happen before the clock
starts and are timed apart. At three moments of the fill (static only, MiniLM half
done, MiniLM complete) the fill stops while the hand-written Django questions
(benchmarks/retrieval_queries/django.toml) are asked in semantic and hybrid mode with
the default ranking; the questions' time is taken off the fill's clock.

Part 2, retrieval quality per state on the docstring benchmark of bench_retrieval.py
(queries: docstring first sentences; the indexed copy has no docstrings): Werkzeug
(the tuning package), requests and Flask (held out). Each package is indexed with
the two tiers (``embedding_static_min_chunks = 0``) and scored at the same three
moments; then with the tier off (MiniLM alone: the complete state must equal it) and
with ``onnx-int8`` (MiniLM-only), for the runtime question (within 0.01 MRR@10?).

Writes benchmarks/.data/first-index-results.json and prints markdown tables.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

import bench_retrieval as br
import bench_retrieval_large as brl
from _common import DATA_DIR, TreeRssSampler, fetch_sdist, machine, markdown_table, write_json

MODES = ("semantic", "hybrid")


class Stop(Exception):
    """Raised from the progress callback to stop a fill at a chosen moment."""


def _settings(home: Path, cache: Path, **extra: Any) -> Any:
    from devlab.config import load_settings

    return load_settings(home=home, embedding_cache_dir=cache, **extra)


def warm_conversions(cache: Path, backends: list[str]) -> dict[str, float]:
    """The one-time conversions into ``cache``, timed (0 when already there)."""
    from devlab.search.embeddings import get_embedder, static_embedder

    took: dict[str, float] = {}
    scratch = Path(tempfile.mkdtemp(prefix="devlab-first-index-warm-"))
    for backend in backends:
        t0 = time.perf_counter()
        get_embedder(_settings(scratch, cache, embedding_backend=backend))
        took[f"load {backend} (export on first use)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    static_embedder(_settings(scratch, cache), 10**6)
    took["load static (distil on first use)"] = time.perf_counter() - t0
    return took


class Clock:
    """Wall time of a fill with the questions' time taken off."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.paused = 0.0
        self.marks: dict[str, float] = {}

    def now(self) -> float:
        return time.perf_counter() - self.start - self.paused

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, round(self.now(), 2))


def django_first_index(ns: argparse.Namespace, cache: Path) -> dict[str, Any]:
    from devlab.search import index_project
    from devlab.workbench import Workbench

    scratch = Path(tempfile.mkdtemp(prefix="devlab-first-index-"))
    tree = brl.build_tree("django", scratch)
    queries = brl.load_queries("django", tree)
    wb = Workbench.open(_settings(scratch / "home", cache, embedding_backend=ns.runtime))
    clock, quality, seen = Clock(), {}, {"total": 0}

    def ask(state: str) -> None:
        if ns.no_questions:
            return
        t0 = time.perf_counter()
        quality[state] = {
            mode: brl.evaluate(wb, "django", queries, {}, mode)  # the default ranking
            for mode in MODES
        }
        clock.paused += time.perf_counter() - t0
        print(f"  django questions at {state}: {_brief(quality[state])}", file=sys.stderr)

    def progress(p: Any) -> None:
        clock.mark(f"first {p.stage}")
        if p.stage == "embed-static":
            seen["static_done"] = p.done
            if p.done == p.total:
                clock.mark("every chunk has a vector")
        if p.stage == "embed":
            seen["total"] = p.total
            if "minilm fill starts" not in clock.marks:
                clock.mark("minilm fill starts")
                ask("static")
            if ns.minilm_chunks and p.done >= ns.minilm_chunks:
                clock.mark("minilm stopped")
                seen["minilm_done"] = p.done
                raise Stop(f"MiniLM's fill stopped after {p.done} chunks (--minilm-chunks)")
            if p.done * 2 >= p.total and "minilm half" not in clock.marks:
                clock.mark("minilm half")
                seen["mixed_share"] = round(p.done / p.total, 3)
                ask("mixed")
        if p.stage == "summaries":
            clock.mark("minilm complete")
            if not ns.with_summaries:
                raise Stop("the rerank's summaries are not the embedding fill")

    import devlab.search.indexer as indexer

    fill = indexer.embed_snapshot

    def timed_fill(*args: Any, **kwargs: Any) -> Any:
        clock.mark("snapshot current (lexical usable)")
        return fill(*args, **kwargs)

    indexer.embed_snapshot = timed_fill  # type: ignore[assignment]
    try:
        with TreeRssSampler() as sampler:
            with contextlib.suppress(Stop):
                index_project(
                    wb.db, wb.settings, name="django", source=str(tree), progress=progress
                )
            if "minilm stopped" not in clock.marks:
                clock.mark("minilm complete")
        tree_peak = sampler.peak_mib
        ask("full")
    finally:
        indexer.embed_snapshot = fill  # type: ignore[assignment]
    marks = clock.marks
    static_s = marks.get("every chunk has a vector", 0) - marks.get("first embed-static", 0)
    end = marks.get("minilm complete", marks.get("minilm stopped", 0))  # stopped: a rate
    fill_s = end - marks.get("minilm fill starts", 0)
    from devlab.codebase import project_info

    snap = project_info(wb.db, "django").current_snapshot
    assert snap is not None
    chunks = snap.chunk_count
    out = {
        "chunks": chunks,
        "files": snap.file_count,
        "mixed_share": seen.get("mixed_share"),
        "runtime": ns.runtime,
        "marks_s": marks,
        "static_chunks_per_s": chunks / static_s if static_s else None,
        "minilm_fill_s": fill_s,
        "minilm_chunks": seen.get("minilm_done", chunks),
        "minilm_chunks_per_s": seen.get("minilm_done", chunks) / fill_s if fill_s else None,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "tree_peak_rss_mib": tree_peak,
        "semantic_stats": snap.stats.get("semantic"),
        "quality": quality,
        "load_after": _load(),
    }
    wb.close()
    return out


def _brief(q: dict[str, Any]) -> str:
    parts = []
    for mode, r in q.items():
        part = r.get("heldout", r)
        parts.append(f"{mode} MRR {part['mrr@10']:.3f} R@10 {part['recall@10']:.2f}")
    return "; ".join(parts)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def set_merge(spec: str) -> None:
    """The mixed state's semantic merge for the next queries (``--merges``):
    ``quantile`` (the first merge), ``rrf`` (the default), ``static`` (the static
    ranking of every candidate alone), options ``:w=2`` (the MiniLM vote's weight) and
    ``:k=60`` (the reciprocal-rank constant)."""
    import devlab.search.retrieval as retrieval

    name, _, options = spec.partition(":")
    retrieval.MIXED_MERGE = "quantile" if name == "quantile" else "rrf"
    retrieval.MIXED_MODEL_WEIGHT = 0.0 if name == "static" else 1.0
    retrieval.MIXED_RRF_K = 10
    for option in filter(None, options.split(",")):
        key, _, value = option.partition("=")
        if key == "w":
            retrieval.MIXED_MODEL_WEIGHT = float(value)
        elif key == "k":
            retrieval.MIXED_RRF_K = int(value)


def package_states(
    label: str,
    tree: Path,
    queries: list[Any],
    cache: Path,
    runtime: str,
    tiers: bool,
    merges: tuple[str, ...] = ("rrf",),
    until_mixed: bool = False,
) -> dict[str, Any]:
    """Scores of one package's index at static / mixed / full (``tiers``), or full only."""
    from devlab.search import SearchRequest, index_project, search
    from devlab.workbench import Workbench

    extra = {"embedding_first_tier": "static" if tiers else "off"}
    home = tree.parent / f"home-{label}-{runtime}-{'tiers' if tiers else 'off'}"
    wb = Workbench.open(
        _settings(home, cache, embedding_backend=runtime, embedding_static_min_chunks=0, **extra)
    )
    out: dict[str, Any] = {"runtime": runtime, "tiers": tiers, "load_before": _load()}

    def run_all(state: str) -> None:
        out[state] = {}
        # the mixed state: semantic mode under each merge (the first one's is the row;
        # hybrid under the first only)
        asks = [(m, merges[0]) for m in MODES]
        asks += [("semantic", merge) for merge in merges[1:] if state == "mixed"]
        for mode, merge in asks:

            def run(text: str, mode: str = mode) -> list[Any]:
                req = SearchRequest(project="p", query=text, mode=mode, limit=br.LIMIT)
                return search(wb.db, wb.settings, req)

            set_merge(merge)
            scored = br.score(queries, run)
            scored.pop("ranks")
            name = mode if merge == merges[0] else f"{mode} ({merge})"
            out[state][name] = scored
        set_merge(merges[0])
        print(f"  {label} {runtime} {state}: {_brief(out[state])}", file=sys.stderr)

    def progress(p: Any) -> None:
        if not tiers or p.stage != "embed":
            return
        if "static" not in out:
            run_all("static")
        elif p.done * 2 >= p.total and "mixed" not in out:
            out["mixed_share"] = round(p.done / p.total, 3)
            run_all("mixed")
            if until_mixed:
                raise Stop("--until-mixed: the full state is the one-tier search")

    t0 = time.perf_counter()
    try:
        rep = index_project(wb.db, wb.settings, name="p", source=str(tree), progress=progress)
        out["chunks"], out["index_s"] = rep.chunks, time.perf_counter() - t0
        run_all("full")
    except Stop:
        out["index_s"] = time.perf_counter() - t0
    finally:
        wb.close()
    out["load_after"] = _load()
    return out


def retrieval_states(ns: argparse.Namespace, cache: Path) -> dict[str, Any]:
    import random

    results: dict[str, Any] = {}
    for req in ns.packages.split(","):
        root = fetch_sdist(req)
        scratch = Path(tempfile.mkdtemp(prefix="devlab-first-index-ret-"))
        tree = scratch / "src"
        tree.mkdir()
        got, _ = br.build_copy(root, tree / root.name, 6)
        queries = [br.Query(q.text, f"{root.name}/{q.path}", q.line, q.qualname) for q in got]
        if len(queries) > ns.max_queries:
            queries = sorted(
                random.Random(0).sample(queries, ns.max_queries), key=lambda q: (q.path, q.line)
            )
        print(f"{req}: {len(queries)} queries", file=sys.stderr)
        merges = tuple(ns.merges.split(","))
        runs = [package_states(req, tree, queries, cache, "onnx", True, merges, ns.until_mixed)]
        if ns.check_unchanged:
            runs.append(package_states(req, tree, queries, cache, "onnx", False))
        if not ns.no_int8:
            runs.append(package_states(req, tree, queries, cache, "onnx-int8", False))
        results[req] = {"queries": len(queries), "runs": runs}
    return results


def render(results: dict[str, Any]) -> str:
    lines = [f"Machine: {results['machine']}", ""]
    d = results.get("django")
    if d:
        m = d["marks_s"]
        lines.append(
            markdown_table(
                ["Django first index", "value"],
                [
                    ["chunks", d["chunks"]],
                    [
                        "lexical search usable (snapshot current), s",
                        m.get("snapshot current (lexical usable)"),
                    ],
                    ["every chunk has a vector, s", m.get("every chunk has a vector")],
                    ["static tier, chunks/s", _r(d["static_chunks_per_s"], 0)],
                    ["MiniLM half, s", m.get("minilm half")],
                    ["MiniLM complete, s", m.get("minilm complete")],
                    [
                        f"MiniLM fill ({d['runtime']}, {d['minilm_chunks']} chunks), s",
                        _r(d["minilm_fill_s"], 1),
                    ],
                    ["MiniLM fill, chunks/s", _r(d["minilm_chunks_per_s"], 1)],
                    ["MiniLM share at the 'mixed' questions", d.get("mixed_share")],
                    ["peak RSS, this process, MiB", _r(d["peak_rss_mib"], 0)],
                    ["peak RSS, process tree (sampled), MiB", _r(d["tree_peak_rss_mib"], 0)],
                ],
            )
        )
        rows = []
        for state, q in d["quality"].items():
            for mode, r in q.items():
                rows.append(
                    [state, mode]
                    + [
                        f"{r[s]['mrr@10']:.3f} / {r[s]['recall@10']:.2f}"
                        for s in ("heldout", "all")
                    ]
                )
        lines += [
            "",
            markdown_table(["state", "mode", "held-out MRR / R@10", "all MRR / R@10"], rows),
        ]
    rows = []
    for pkg, data in results.get("retrieval", {}).items():
        for run in data["runs"]:
            for state in ("static", "mixed", "full"):
                if state not in run:
                    continue
                sem, hyb = run[state]["semantic"], run[state]["hybrid"]
                rows.append(
                    [
                        pkg,
                        data["queries"],
                        f"{run['runtime']}{'' if run['tiers'] else ' (tier off)'}",
                        state,
                        f"{sem['mrr@10']:.3f} / {sem['recall@10']:.3f}",
                        f"{hyb['mrr@10']:.3f} / {hyb['recall@10']:.3f}",
                        run["load_after"].split()[0],
                    ]
                )
                for name, r in run[state].items():  # the mixed state's other merges
                    if name.startswith("semantic ("):
                        merge = name[len("semantic (") : -1]
                        hyb = run[state].get(f"hybrid ({merge})")
                        rows.append(
                            [pkg, data["queries"], run["runtime"], f"{state}, merge {merge}",
                             f"{r['mrr@10']:.3f} / {r['recall@10']:.3f}",
                             f"{hyb['mrr@10']:.3f} / {hyb['recall@10']:.3f}" if hyb else "",
                             run["load_after"].split()[0]]
                        )  # fmt: skip
    if rows:
        headers = [
            "package",
            "queries",
            "runtime",
            "state",
            "semantic MRR / R@10",
            "hybrid MRR / R@10",
            "load",
        ]
        lines += ["", markdown_table(headers, rows)]
    return "\n".join(lines)


def _r(x: float | None, nd: int) -> Any:
    return None if x is None else round(x, nd)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runtime", default="onnx", help="MiniLM runtime of the Django index")
    ap.add_argument("--packages", default="werkzeug==3.1.3,requests==2.32.3,flask==3.1.0")
    ap.add_argument("--max-queries", type=int, default=200)
    ap.add_argument("--skip-django", action="store_true")
    ap.add_argument("--skip-retrieval", action="store_true")
    ap.add_argument("--no-questions", action="store_true", help="Django: timings only")
    ap.add_argument(
        "--minilm-chunks", type=int, default=0, help="Django: stop MiniLM's fill after N chunks"
    )
    ap.add_argument(
        "--with-summaries", action="store_true", help="Django: time the rerank's summaries too"
    )
    ap.add_argument("--check-unchanged", action="store_true", help="also index with the tier off")
    ap.add_argument(
        "--merges",
        default="rrf",
        help="the mixed state's semantic merges to score (set_merge): e.g. rrf,quantile,static",
    )
    ap.add_argument("--no-int8", action="store_true", help="skip the onnx-int8 runs")
    ap.add_argument(
        "--until-mixed",
        action="store_true",
        help="stop each package's fill after the mixed state (its full state is the one-tier "
        "search, unchanged by the merge)",
    )
    ap.add_argument("--cache", default=str(DATA_DIR / "first-index-cache"))
    ap.add_argument("--out", default=str(DATA_DIR / "first-index-results.json"))
    ns = ap.parse_args()
    cache = Path(ns.cache)
    results: dict[str, Any] = {"machine": machine(), "load_before": _load()}
    runtimes = [ns.runtime] + ([] if ns.skip_retrieval else ["onnx"])
    runtimes += [] if ns.skip_retrieval or ns.no_int8 else ["onnx-int8"]
    results["conversions_s"] = warm_conversions(cache, list(dict.fromkeys(runtimes)))
    print(f"conversions: {results['conversions_s']}", file=sys.stderr)
    if not ns.skip_django:
        results["django"] = django_first_index(ns, cache)
        write_json(Path(ns.out), results)
    if not ns.skip_retrieval:
        results["retrieval"] = retrieval_states(ns, cache)
    results["load_after"] = _load()
    write_json(Path(ns.out), results)
    print(render(results))


if __name__ == "__main__":
    main()
