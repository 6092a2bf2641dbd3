"""Retrieval benchmark: docstring first lines as queries against code without docstrings.

    python benchmarks/bench_retrieval.py [--package werkzeug==3.1.3] [--max-queries 400]

For every function or method (outside tests/docs/examples) whose docstring's first
sentence has at least ``--min-words`` words, the query is that sentence and the
target is the function. The indexed copy of the codebase has *every* docstring
blanked out (replaced by ``""`` with the same line count, so line numbers do not
move), so a query can only be answered from the code itself, as when someone
describes what they are looking for. Sentences that occur more than once
(overloads, copied docs) are dropped: they have no single right answer.

The copy is indexed once per embedding backend with ``index_project`` (embeddings
on), and each query runs in lexical, semantic and hybrid mode with limit 10. A
result is a hit when its path is the target's file and its line span contains
the target's ``def`` line, or its symbol is the target's qualname in that file.
MRR@10 and recall@10 are reported per mode and backend.

``--rrf-k`` / ``--graph-boost`` take comma-separated values and add hybrid runs
with ``devlab.search.retrieval.RRF_K`` / ``GRAPH_BOOST`` patched (for tuning;
the first run always uses the shipped values). ``--max-chars`` likewise adds
indexes built with other ``embedding_max_chars`` values.

Prints a markdown table and writes benchmarks/.data/retrieval-results.json.
"""

from __future__ import annotations

import argparse
import ast
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DATA_DIR,
    ensure_model2vec,
    fetch_sdist,
    machine,
    markdown_table,
    peak_rss_mib,
    write_json,
)

DEFAULT_PACKAGE = "werkzeug==3.1.3"
NOT_LIBRARY = {"tests", "test", "docs", "doc", "examples", "example", "benchmarks"}
MODES = ("lexical", "semantic", "hybrid")
LIMIT = 10
DEPTH = 50  # lexical/semantic lists kept per query, for offline fusion experiments
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s")


@dataclass(frozen=True)
class Query:
    text: str
    path: str  # relative to the indexed root, "/" separators
    line: int  # the def line
    qualname: str


# --- queries and the docstring-free copy -------------------------------------------


def first_sentence(doc: str) -> str:
    """The docstring's first sentence (within its first paragraph), on one line."""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    return _SENTENCE_END.split(paragraph, maxsplit=1)[0].strip()


def _docstring_node(node: ast.AST) -> ast.Constant | None:
    body = getattr(node, "body", None)
    if not body or not isinstance(body[0], ast.Expr):
        return None
    value = body[0].value
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value
    return None


def _walk_defs(tree: ast.Module):  # type: ignore[no-untyped-def]
    """Yield (node, qualname) for every class and function, nested ones included."""
    stack: list[tuple[ast.AST, str]] = [(tree, "")]
    while stack:
        parent, prefix = stack.pop()
        for child in ast.iter_child_nodes(parent):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                qual = f"{prefix}.{child.name}" if prefix else child.name
                yield child, qual
                stack.append((child, qual))
            else:
                stack.append((child, prefix))


def strip_docstrings(source: str, tree: ast.Module) -> str:
    """``source`` with every docstring replaced by ``""`` plus the same number of newlines."""
    nodes = [_docstring_node(tree)] + [_docstring_node(n) for n, _ in _walk_defs(tree)]
    lines = source.encode("utf-8").splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    raw = source.encode("utf-8")
    spans = sorted(
        (offsets[n.lineno - 1] + n.col_offset, offsets[n.end_lineno - 1] + n.end_col_offset)
        for n in nodes
        if n is not None and n.end_lineno is not None and n.end_col_offset is not None
    )
    out, pos = [], 0
    for start, end in spans:
        out.append(raw[pos:start])
        out.append(b'""' + b"\n" * raw[start:end].count(b"\n"))
        pos = end
    out.append(raw[pos:])
    return b"".join(out).decode("utf-8")


def build_copy(root: Path, dest: Path, min_words: int) -> tuple[list[Query], dict[str, int]]:
    """Copy ``root`` to ``dest`` without docstrings; return the queries and counts."""
    shutil.copytree(root, dest, symlinks=True)
    found: list[Query] = []
    counts = {"py_files": 0, "stripped_files": 0, "unparsable": 0, "candidates": 0}
    for path in sorted(dest.rglob("*.py")):
        rel = path.relative_to(dest).as_posix()
        source = path.read_text(encoding="utf-8")
        counts["py_files"] += 1
        try:
            tree = ast.parse(source)
        except SyntaxError:
            counts["unparsable"] += 1
            continue
        stripped = strip_docstrings(source, tree)
        new_tree = ast.parse(stripped)  # must still parse
        if len(stripped.splitlines()) != len(source.splitlines()):
            raise AssertionError(f"stripping docstrings moved lines in {rel}")
        assert ast.get_docstring(new_tree) in (None, "")
        path.write_text(stripped, encoding="utf-8")
        counts["stripped_files"] += stripped != source
        if NOT_LIBRARY & set(rel.split("/")[:-1]):
            continue
        for node, qual in _walk_defs(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            doc = ast.get_docstring(node)
            if not doc:
                continue
            counts["candidates"] += 1
            text = first_sentence(doc)
            if len(text.split()) >= min_words:
                found.append(Query(text, rel, node.lineno, qual))
    seen: dict[str, int] = {}
    for q in found:
        seen[q.text.lower()] = seen.get(q.text.lower(), 0) + 1
    unique = [q for q in found if seen[q.text.lower()] == 1]
    counts["duplicates_dropped"] = len(found) - len(unique)
    return unique, counts


# --- scoring -------------------------------------------------------------------------


def is_hit(result: Any, q: Query) -> bool:
    if result.path != q.path:
        return False
    return result.start_line <= q.line <= result.end_line or result.symbol == q.qualname


def score(queries: list[Query], run, keep: bool = False) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """MRR@10, recall@10 and mean latency of ``run(query_text)`` over ``queries``.

    With ``keep``, each query's result list (chunk key, hit) is kept too.
    """
    rr, found, took = [], 0, []
    ranks: list[int | None] = []
    lists: list[list[tuple[str, bool]]] = []
    for q in queries:
        t0 = time.perf_counter()
        results = run(q.text)
        took.append(time.perf_counter() - t0)
        if keep:
            lists.append([(f"{r.path}:{r.start_line}", is_hit(r, q)) for r in results])
        rank = next((i + 1 for i, r in enumerate(results[:LIMIT]) if is_hit(r, q)), None)
        ranks.append(rank)
        rr.append(1.0 / rank if rank else 0.0)
        found += rank is not None
    return {
        "mrr@10": statistics.fmean(rr),
        "recall@10": found / len(queries),
        "recall@1": sum(r == 1 for r in ranks) / len(queries),
        "ms_per_query": 1000 * statistics.fmean(took),
        "ranks": ranks,
        **({"lists": lists} if keep else {}),
    }


# --- one index per backend -----------------------------------------------------------


def evaluate_backend(
    tree: Path,
    queries: list[Query],
    backend: str,
    scratch: Path,
    max_chars: int | None,
    rrf_ks: list[int],
    boosts: list[float],
    stages: list[str] = [],  # noqa: B006 - read only
    embedding_text: str | None = None,
) -> dict[str, Any]:
    from devlab.config import load_settings
    from devlab.search import SearchRequest, index_project, retrieval, search
    from devlab.workbench import Workbench

    home = scratch / f"home-{backend}-{max_chars}"
    if backend == "model2vec":
        ensure_model2vec(home)
    settings = load_settings(
        home=home,
        embedding_backend=backend,
        embedding_max_chars=max_chars,
        embedding_text=embedding_text,
    )
    wb = Workbench.open(settings)
    try:
        print(
            f"indexing with {backend} (max_chars={settings.embedding_max_chars})", file=sys.stderr
        )
        t0 = time.perf_counter()
        rep = index_project(wb.db, wb.settings, name="bench", source=str(tree), embed=True)
        index_s = time.perf_counter() - t0
        out: dict[str, Any] = {
            "backend": backend,
            "embedding_model": rep.stats.get("embedding_model"),
            "embedding_max_chars": settings.embedding_max_chars,
            "files": rep.files,
            "chunks": rep.chunks,
            "index_s": index_s,
            "stages_s": rep.seconds,
            "modes": {},
        }

        def runner(mode: str, limit: int = LIMIT, settings=None):  # type: ignore[no-untyped-def]
            def run(text: str) -> list[Any]:
                req = SearchRequest(project="bench", query=text, mode=mode, limit=limit)
                return search(wb.db, settings or wb.settings, req)

            return run

        for mode in MODES:
            print(f"  {len(queries)} queries, {mode}", file=sys.stderr)
            deep = mode != "hybrid"  # a longer list costs nothing; its top 10 is the same
            out["modes"][mode] = score(queries, runner(mode, DEPTH if deep else LIMIT), deep)
        shipped = (retrieval.RRF_K, retrieval.GRAPH_BOOST)
        variants: dict[str, Any] = {}
        try:
            for k in rrf_ks:
                for boost in boosts:
                    if (k, boost) == shipped:
                        continue
                    retrieval.RRF_K, retrieval.GRAPH_BOOST = k, boost
                    variants[f"hybrid rrf_k={k} graph_boost={boost}"] = score(
                        queries, runner("hybrid")
                    )
        finally:
            retrieval.RRF_K, retrieval.GRAPH_BOOST = shipped
        for stage in stages:  # ranking stages (devlab.search.ranking), e.g. search_graph=expand
            update = dict(kv.split("=", 1) for kv in stage.split("+"))
            variants[f"hybrid {stage}"] = score(
                queries, runner("hybrid", settings=wb.settings.model_copy(update=update))
            )
        out["hybrid_variants"] = variants
        out["shipped"] = {"rrf_k": shipped[0], "graph_boost": shipped[1]}
        out["peak_rss_mib"] = peak_rss_mib()
        return out
    finally:
        wb.close()


def _floats(text: str | None, kind: type) -> list[Any]:
    return [kind(x) for x in text.split(",") if x.strip()] if text else []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--package", action="append", help=f"name==version (default {DEFAULT_PACKAGE})")
    ap.add_argument("--source", help="index this directory instead of a fetched sdist")
    ap.add_argument("--max-queries", type=int, default=400)
    ap.add_argument("--min-words", type=int, default=6)
    ap.add_argument("--backends", default="sentence-transformers,model2vec")
    ap.add_argument("--rrf-k", help="extra RRF_K values to try for hybrid, e.g. 10,30")
    ap.add_argument("--graph-boost", help="extra GRAPH_BOOST values to try, e.g. 0,0.001")
    ap.add_argument("--max-chars", help="extra embedding_max_chars values to index with")
    ap.add_argument(
        "--stages",
        help="hybrid runs with ranking settings, ';'-separated, '+' joins settings: "
        "search_graph=expand;search_rewrite=feedback+search_rerank=summary",
    )
    ap.add_argument("--embedding-text", choices=["head", "context"], default=None)
    ap.add_argument("--out", default=str(DATA_DIR / "retrieval-results.json"))
    ns = ap.parse_args()

    if ns.source:
        roots = {Path(ns.source).name: Path(ns.source).resolve()}
    else:
        roots = {req: fetch_sdist(req) for req in (ns.package or [DEFAULT_PACKAGE])}
    scratch = Path(tempfile.mkdtemp(prefix="devlab-bench-retrieval-"))
    try:
        tree = scratch / "src"
        tree.mkdir()
        queries: list[Query] = []
        counts: dict[str, int] = {}
        for label, root in roots.items():
            got, c = build_copy(root, tree / root.name, ns.min_words)
            queries += [Query(q.text, f"{root.name}/{q.path}", q.line, q.qualname) for q in got]
            counts = {k: counts.get(k, 0) + v for k, v in c.items()}
            print(f"{label}: {len(got)} queries, {c}", file=sys.stderr)
        available = len(queries)
        if len(queries) > ns.max_queries:
            queries = sorted(
                random.Random(0).sample(queries, ns.max_queries), key=lambda q: (q.path, q.line)
            )
        import devlab.search.retrieval as retrieval

        rrf_ks = [retrieval.RRF_K, *_floats(ns.rrf_k, int)]
        boosts = [retrieval.GRAPH_BOOST, *_floats(ns.graph_boost, float)]
        runs = []
        for backend in [b.strip() for b in ns.backends.split(",") if b.strip()]:
            for max_chars in [None, *_floats(ns.max_chars, int)]:
                runs.append(
                    evaluate_backend(
                        tree,
                        queries,
                        backend,
                        scratch,
                        max_chars,
                        rrf_ks,
                        boosts,
                        [x for x in (ns.stages or "").split(";") if x],
                        ns.embedding_text,
                    )
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results = {
        "machine": machine(),
        "codebase": list(roots),
        "queries": len(queries),
        "queries_available": available,
        "min_words": ns.min_words,
        "copy": counts,
        "runs": runs,
        "query_list": [asdict(q) for q in queries],
        "note": "modes.lexical/semantic.lists: top-50 (chunk, hit) per query, for offline fusion",
    }
    print(render(results))
    write_json(Path(ns.out), results)


def render(results: dict[str, Any]) -> str:
    rows = []
    for run in results["runs"]:
        label = f"{run['embedding_model']} ({run['embedding_max_chars']} chars)"
        entries = [(m, run["modes"][m]) for m in MODES] + list(run["hybrid_variants"].items())
        for mode, m in entries:
            rows.append(
                [
                    label,
                    mode,
                    f"{m['mrr@10']:.3f}",
                    f"{m['recall@10']:.3f}",
                    f"{m['recall@1']:.3f}",
                    f"{m['ms_per_query']:.0f}",
                ]
            )
    head = (
        f"Retrieval: {', '.join(results['codebase'])}, {results['queries']} queries "
        f"(of {results['queries_available']})\n\n"
    )
    table = markdown_table(
        ["embedding", "mode", "MRR@10", "recall@10", "recall@1", "ms/query"], rows
    )
    index = markdown_table(
        ["embedding", "chunks", "index_project s", "embed s", "peak RSS MiB"],
        [
            [
                r["embedding_model"],
                r["chunks"],
                f"{r['index_s']:.1f}",
                f"{r['stages_s'].get('embed_snapshot', 0):.1f}",
                f"{r['peak_rss_mib']:.0f}",
            ]
            for r in results["runs"]
        ],
    )
    return head + table + "\n\n" + index


if __name__ == "__main__":
    main()
