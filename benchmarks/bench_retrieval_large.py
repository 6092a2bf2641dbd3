"""Retrieval on large codebases: developer questions, every ranking variant side by side.

    python benchmarks/bench_retrieval_large.py [--codebase django,sqlalchemy] [--home DIR]

Query sets are hand-written developer questions (benchmarks/retrieval_queries/*.toml),
each labelled with the symbol(s) that answer it; each set alternates tuning / held-out
queries in file order. The codebase is the package's own Python files from its sdist
(fetched with pip once into benchmarks/.data), docstrings kept (as users have them).

The tree is indexed once per embedding-text style ("head", "context"; see
devlab.search.embedtext) into ``--home`` (default benchmarks/.data/retrieval-large: reuse it
between runs, a re-index of an unchanged tree embeds nothing). Every variant of
``devlab.search.retrieval`` then answers every query from the same indexes in one
run: recall@10, MRR@10 and mean latency per query, per split.

A hit: a result in a target's file whose line span contains the target's def line,
or whose symbol is the target's qualified name (lenient: a class chunk spans its whole
class). The strict MRR counts only results that are a target symbol's own chunks.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import statistics
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, fetch_sdist, machine, write_json

QUERY_DIR = Path(__file__).resolve().parent / "retrieval_queries"
LIMIT = 10
CODEBASES = {  # name -> (requirement, package directory inside the sdist)
    "django": ("Django==5.1.4", "django"),
    "sqlalchemy": ("SQLAlchemy==2.0.36", "lib/sqlalchemy"),
}
STYLES = ("head", "context")


@dataclass(frozen=True)
class Target:
    path: str
    qualname: str
    line: int


@dataclass(frozen=True)
class Query:
    text: str
    split: str
    targets: tuple[Target, ...]


def _def_lines(path: Path) -> dict[str, int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[str, int] = {}
    stack: list[tuple[ast.AST, str]] = [(tree, "")]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                qual = f"{prefix}.{child.name}" if prefix else child.name
                out.setdefault(qual, child.lineno)
                if isinstance(child, ast.ClassDef):
                    stack.append((child, qual))
    return out


def load_queries(name: str, tree: Path) -> list[Query]:
    """The codebase's labelled questions; every target must exist in ``tree``."""
    data = tomllib.loads((QUERY_DIR / f"{name}.toml").read_text(encoding="utf-8"))
    cache: dict[str, dict[str, int]] = {}
    out = []
    for i, item in enumerate(data["query"]):
        targets = []
        for label in item["targets"]:
            path, _, qual = label.partition("::")
            if path not in cache:
                cache[path] = _def_lines(tree / path)
            if qual not in cache[path]:
                raise SystemExit(f"{name}.toml: {label} names no class or function")
            targets.append(Target(path, qual, cache[path][qual]))
        out.append(Query(item["q"], "tune" if i % 2 == 0 else "heldout", tuple(targets)))
    return out


def build_tree(name: str, dest: Path) -> Path:
    """The package's Python files (tests and docs are outside the package dirs)."""
    requirement, package = CODEBASES[name]
    tree = dest / name
    if tree.exists():  # built before: no sdist needed (pip may build its metadata)
        return tree
    root = fetch_sdist(requirement) / package
    if not tree.exists():
        for src in sorted(root.rglob("*.py")):
            out = tree / root.name / src.relative_to(root)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out)
    return tree


def open_index(
    name: str, tree: Path, home: Path, style: str, backend: str, options: dict[str, str]
) -> Any:
    """A workbench whose project ``name`` indexes ``tree`` in ``style`` (reused);
    ``options`` are index-time settings (e.g. ``search_adapter = "codebase"`` trains the
    query adapter at the end of the index, ``search_rerank = "off"`` skips the summary
    fill: the rerank then embeds missing summaries per query and stores them)."""
    from devlab.config import load_settings
    from devlab.search import index_project
    from devlab.workbench import Workbench

    settings = load_settings(
        home=home / f"home-{name}-{style}-{backend}",
        embedding_backend=backend,
        embedding_text=style,
        embedding_cache_dir=home / "embedding-cache",
        ingest_workers=1,
        **options,
    )
    wb = Workbench.open(settings)
    t0 = time.perf_counter()
    rep = index_project(wb.db, wb.settings, name=name, source=str(tree), embed=True)
    print(
        f"{name}/{style}: {rep.files} files, {rep.chunks} chunks, "
        f"{time.perf_counter() - t0:.0f} s ({rep.stats.get('embedded')} embedded, "
        f"{rep.stats.get('summaries_embedded')} summaries embedded)",
        file=sys.stderr,
    )
    if "search_adapter" in rep.stats:
        print(f"{name}/{style}: search adapter {rep.stats['search_adapter']}", file=sys.stderr)
    wb.index_report = rep
    return wb


# the default stages (docs/benchmarks.md, i14e): rerank + graph expansion + definitions
DEFAULT = {"search_rerank": "summary", "search_graph": "expand", "search_definitions": "prefer"}
# (label, mode, settings overrides): every variant, all answered from the same index
VARIANTS: list[tuple[str, str, dict[str, str]]] = [
    ("lexical (BM25)", "lexical", {}),
    ("semantic", "semantic", {}),
    ("hybrid", "hybrid", {}),
    ("hybrid + rewrite", "hybrid", {"search_rewrite": "feedback"}),
    ("hybrid + rerank", "hybrid", {"search_rerank": "summary"}),
    ("hybrid + graph", "hybrid", {"search_graph": "expand"}),
    (
        "hybrid + rewrite + graph",
        "hybrid",
        {"search_rewrite": "feedback", "search_graph": "expand"},
    ),
    ("hybrid + rerank + graph", "hybrid", {"search_rerank": "summary", "search_graph": "expand"}),
    (
        "hybrid + all three",
        "hybrid",
        {"search_rewrite": "feedback", "search_rerank": "summary", "search_graph": "expand"},
    ),
    ("hybrid + names", "hybrid", {"search_names": "field"}),
    (
        "hybrid + rerank + graph + names",
        "hybrid",
        {"search_rerank": "summary", "search_graph": "expand", "search_names": "field"},
    ),
    (
        "hybrid + rerank + graph + definitions",
        "hybrid",
        {"search_rerank": "summary", "search_graph": "expand", "search_definitions": "prefer"},
    ),
    (
        "hybrid + rerank + graph + diversity",
        "hybrid",
        {"search_rerank": "summary", "search_graph": "expand", "search_diversity": "family"},
    ),
    # i14f: the code's own vocabulary, consensus feedback and call-graph neighbours,
    # alone and on top of the default (rerank + graph + definitions)
    ("hybrid + vocabulary", "hybrid", {"search_rewrite": "vocabulary"}),
    ("hybrid + consensus", "hybrid", {"search_rewrite": "consensus"}),
    ("hybrid + calls", "hybrid", {"search_graph": "calls"}),
    ("default + vocabulary", "hybrid", {**DEFAULT, "search_rewrite": "vocabulary"}),
    ("default + consensus", "hybrid", {**DEFAULT, "search_rewrite": "consensus"}),
    ("default + calls", "hybrid", {**DEFAULT, "search_graph": "calls"}),
    (
        "default + consensus + calls",
        "hybrid",
        {**DEFAULT, "search_rewrite": "consensus", "search_graph": "calls"},
    ),
    # i14g: the query-side adapter trained on the codebase's own pairs (search/adapter.py)
    ("default", "hybrid", DEFAULT),
    ("semantic + adapter", "semantic", {"search_adapter": "codebase"}),
    ("hybrid + adapter", "hybrid", {"search_adapter": "codebase"}),
    ("default + adapter", "hybrid", {**DEFAULT, "search_adapter": "codebase"}),
    # i14r: the summary list, the question's nearest stored summaries over the whole
    # snapshot as a third list in the fusion (search/summaries.py nearest)
    ("hybrid + summary list", "hybrid", {"search_summaries": "list"}),
    ("default + summary list", "hybrid", {**DEFAULT, "search_summaries": "list"}),
    # i14r: the rerank on a richer text (summary + the code's identifier words)
    ("default + rich rerank", "hybrid", {**DEFAULT, "search_rerank": "rich"}),
    (
        "default + rich rerank + summary list",
        "hybrid",
        {**DEFAULT, "search_rerank": "rich", "search_summaries": "list"},
    ),
]
OFF = {
    "search_rewrite": "off",
    "search_rerank": "off",
    "search_graph": "boost",
    "search_names": "off",
    "search_diversity": "off",
    "search_definitions": "off",
    "search_adapter": "off",
    "search_summaries": "off",
}


def is_hit(result: Any, query: Query) -> bool:
    """Lenient: the result's line span contains a target's def line (a class chunk
    spans its whole class, so it counts for any of its methods) or names it."""
    return any(
        result.path == t.path
        and (result.symbol == t.qualname or result.start_line <= t.line <= result.end_line)
        for t in query.targets
    )


def is_strict_hit(result: Any, query: Query) -> bool:
    """Strict: the result is (a chunk of) a target symbol itself."""
    return any(result.path == t.path and result.symbol == t.qualname for t in query.targets)


def summary_list_build(wb: Any, name: str, settings: Any) -> float:
    """Seconds to gather the snapshot's stored summary vectors into the summary list's
    matrix (once per process; the questions then pay one product each), built cold."""
    from devlab.codebase import require_snapshot, resolve_project
    from devlab.search import summaries
    from devlab.search.embeddings import get_embedder

    snapshot_id = require_snapshot(resolve_project(wb.db, name))
    summaries._MATRICES.clear()
    t0 = time.perf_counter()
    ids, _ = summaries.summary_matrix(wb.db, settings, snapshot_id, get_embedder(settings).key)
    took = time.perf_counter() - t0
    print(f"{name}: summary list of {len(ids)} chunks built in {took:.2f} s", file=sys.stderr)
    return took


def evaluate(
    wb: Any, name: str, queries: list[Query], overrides: dict[str, str], mode: str
) -> dict[str, Any]:
    """Ranks, recall@10, MRR@10 and latency of one variant, per split."""
    from devlab.search import SearchRequest, search

    settings = wb.settings.model_copy(update={**OFF, **overrides})
    built = summary_list_build(wb, name, settings) if overrides.get("search_summaries") else None
    ranks: list[int | None] = []
    strict: list[int | None] = []
    took: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        results = search(
            wb.db, settings, SearchRequest(project=name, query=q.text, mode=mode, limit=LIMIT)
        )
        took.append(time.perf_counter() - t0)
        ranks.append(next((i + 1 for i, r in enumerate(results) if is_hit(r, q)), None))
        strict.append(next((i + 1 for i, r in enumerate(results) if is_strict_hit(r, q)), None))
    out: dict[str, Any] = {
        "ranks": ranks,
        "strict_ranks": strict,
        "ms_per_query": 1000 * statistics.fmean(took),
        "ms_median": 1000 * statistics.median(took),
        "summary_list_build_s": built,
    }
    for split in ("tune", "heldout", "all"):
        picked = [r for r, q in zip(ranks, queries, strict=True) if split in ("all", q.split)]
        tight = [r for r, q in zip(strict, queries, strict=True) if split in ("all", q.split)]
        if not picked:  # --split asked for the other half only
            out[split] = {"n": 0, "recall@10": float("nan"), "mrr@10": float("nan")}
            out[split]["strict_mrr@10"] = float("nan")
            continue
        out[split] = {
            "n": len(picked),
            "recall@10": sum(r is not None for r in picked) / len(picked),
            "mrr@10": statistics.fmean(1.0 / r if r else 0.0 for r in picked),
            "strict_mrr@10": statistics.fmean(1.0 / r if r else 0.0 for r in tight),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--codebase", default="django,sqlalchemy")
    ap.add_argument("--styles", default=",".join(STYLES))
    ap.add_argument(
        "--backend", default="onnx-int8", help="embedding backend (onnx-int8 saves CPU)"
    )
    ap.add_argument(
        "--home", default=os.environ.get("DEVLAB_BENCH_HOME", str(DATA_DIR / "retrieval-large"))
    )
    ap.add_argument("--variants", help="comma-separated labels to run (default all)")
    ap.add_argument(
        "--pairs",
        help="these codebase:style indexes in this order, e.g. django:head,django:context "
        "(instead of --codebase x --styles)",
    )
    ap.add_argument(
        "--split",
        choices=["tune", "heldout", "all"],
        default="all",
        help="ask only this half's questions (choose variants on 'tune' before any held-out run)",
    )
    ap.add_argument(
        "--no-summary-fill",
        action="store_true",
        help="index without filling the rerank's summary store (the rerank fills it per query)",
    )
    ap.add_argument("--out", default=str(DATA_DIR / "retrieval-large.json"))
    ns = ap.parse_args()
    home = Path(ns.home)
    by_label = {v[0]: v for v in VARIANTS}
    wanted = ns.variants.split(",") if ns.variants else list(by_label)
    unknown = [label for label in wanted if label not in by_label]
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}: choose among {list(by_label)}")
    chosen = [by_label[label] for label in wanted]  # in the order asked
    runs = []
    options = {"search_rerank": "off"} if ns.no_summary_fill else {}
    if any(o.get("search_adapter") == "codebase" for _, _, o in chosen):
        options["search_adapter"] = "codebase"  # trained (or found) when the index opens
    adapters: dict[str, Any] = {}
    pairs = [p.split(":", 1) for p in ns.pairs.split(",")] if ns.pairs else [
        [name, style] for name in ns.codebase.split(",") for style in ns.styles.split(",")
    ]  # fmt: skip
    for name, style in pairs:  # in the order given
        tree = build_tree(name, home / "trees")
        queries = [q for q in load_queries(name, tree) if ns.split in ("all", q.split)]
        wb = open_index(name, tree, home, style, ns.backend, options)
        adapters[f"{name}:{style}"] = wb.index_report.stats.get("search_adapter")
        try:
            for label, mode, overrides in chosen:
                res = evaluate(wb, name, queries, overrides, mode)
                load = os.getloadavg()[0]
                runs.append(
                    {"codebase": name, "style": style, "variant": label, "load": load, **res}
                )
                print(render_row(runs[-1]), file=sys.stderr, flush=True)
        finally:
            wb.close()
    results = {
        "machine": machine(),
        "load_after": os.getloadavg(),
        "backend": ns.backend,
        "adapters": adapters,
        "runs": runs,
    }
    print(render(results))
    write_json(Path(ns.out), results)


def render_row(run: dict[str, Any]) -> str:
    cells = [
        f"{run[s]['recall@10']:.2f} / {run[s]['mrr@10']:.2f}" for s in ("tune", "heldout", "all")
    ]
    strict = f"{run['tune']['strict_mrr@10']:.2f} / {run['heldout']['strict_mrr@10']:.2f}"
    return (
        f"| {run['codebase']} | {run['style']} | {run['variant']} | "
        + " | ".join(cells)
        + f" | {strict} | {run['ms_per_query']:.0f} / {run['ms_median']:.0f} |"
    )


def render(results: dict[str, Any]) -> str:
    head = (
        "| codebase | embedding text | variant | tuning R@10 / MRR@10 | held-out R@10 / MRR@10 "
        "| all R@10 / MRR@10 | strict MRR@10 tuning / held-out | ms/query mean / median |"
        "\n|---|---|---|---|---|---|---|---|"
    )
    return "\n".join([head, *(render_row(r) for r in results["runs"])])


if __name__ == "__main__":
    main()
