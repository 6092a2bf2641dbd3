"""The symbol graph of a snapshot and its PageRank.

Nodes are definitions (classes, functions, methods, modules). A reference to
name N from inside symbol S adds an edge S -> every definition named N, with
weight 1/(number of definitions named N): an unambiguous reference says more
than one to a name defined in forty places. Names defined more than
``MAX_DEFS`` times (``get``, ``__init__``) carry too little to keep. Private
names count a tenth, as in aider's repomap.

PageRank over this graph says which symbols the rest of the code leans on;
it boosts hybrid search and orders the repo map.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, text, update

from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.store.db import Database
from devlab.store.models import SymbolRow

MAX_DEFS = 25


def load_symbols(db: Database, snapshot_id: int) -> list[tuple[int, int, str, str, str]]:
    """``(symbol id, file id, name, qualname, kind)`` of every symbol in the snapshot."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT x.id, x.file_id, x.name, x.qualname, x.kind FROM symbols x "
                "JOIN snapshot_files sf ON sf.file_id = x.file_id WHERE sf.snapshot_id = :s"
            ),
            {"s": snapshot_id},
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def build_graph(db: Database, snapshot_id: int) -> Any:
    """A weighted networkx DiGraph of symbol ids for the snapshot."""
    import networkx as nx

    symbols = load_symbols(db, snapshot_id)
    by_name: dict[str, list[int]] = defaultdict(list)
    by_scope: dict[tuple[int, str], int] = {}
    module_of: dict[int, int] = {}
    for sid, fid, name, qualname, kind in symbols:
        if kind == "module":
            module_of[fid] = sid
        else:
            by_name[name].append(sid)
        by_scope[(fid, qualname)] = sid
    graph = nx.DiGraph()
    graph.add_nodes_from(s[0] for s in symbols)
    weights: dict[tuple[int, int], float] = defaultdict(float)
    with db.engine.connect() as conn:
        refs = conn.execute(
            text(
                "SELECT r.file_id, r.name, r.scope FROM symbol_refs r "
                "JOIN snapshot_files sf ON sf.file_id = r.file_id WHERE sf.snapshot_id = :s"
            ),
            {"s": snapshot_id},
        )
        for fid, name, scope in refs:
            targets = by_name.get(name)
            if not targets or len(targets) > MAX_DEFS:
                continue
            src = by_scope.get((fid, scope)) if scope else None
            if src is None:
                src = module_of.get(fid)
            if src is None:
                continue
            w = (0.1 if name.startswith("_") else 1.0) / len(targets)
            for dst in targets:
                if dst != src:
                    weights[(src, dst)] += w
    graph.add_weighted_edges_from((s, d, w) for (s, d), w in weights.items())
    return graph


def pagerank(graph: Any) -> dict[int, float]:
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    try:
        return nx.pagerank(graph, weight="weight", max_iter=200, tol=1e-8)
    except nx.PowerIterationFailedConvergence:
        return nx.pagerank(graph, weight="weight", max_iter=1000, tol=1e-5)


def rank_snapshot(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Ingestion finaliser: compute PageRank and store it on ``symbols.rank``."""
    report(progress, "rank", 0, 1, "ranking symbols")
    graph = build_graph(db, snapshot_id)
    ranks = pagerank(graph)
    if ranks:
        top = max(ranks.values())
        rows = [{"sid": sid, "r": r / top} for sid, r in ranks.items()]
        with db.engine.begin() as conn:
            for start in range(0, len(rows), 5000):
                conn.execute(
                    update(SymbolRow)
                    .where(SymbolRow.id == bindparam("sid"))
                    .values(rank=bindparam("r")),
                    rows[start : start + 5000],
                )
    report(progress, "rank", 1, 1, f"{graph.number_of_edges()} reference edges")
    return {"graph_nodes": graph.number_of_nodes(), "graph_edges": graph.number_of_edges()}
