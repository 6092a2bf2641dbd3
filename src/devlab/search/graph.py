"""The symbol graph of a snapshot and its PageRank.

Nodes are definitions (classes, functions, methods, modules). A reference to
name N from inside symbol S adds an edge S -> every definition named N, with
weight 1/(number of definitions named N): an unambiguous reference says more
than one to a name defined in forty places. Names defined more than
``MAX_DEFS`` times (``get``, ``__init__``) carry too little to keep. Private
names count a tenth, as in aider's repomap.

PageRank over this graph says which symbols the rest of the code leans on; it
boosts hybrid search and orders the repo map. The graph is a SciPy sparse
matrix and PageRank a plain power iteration: on Django (42k symbols) building
and ranking take about a second, which keeps re-ingestion of one file fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import bindparam, select, update

from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.store import Database, Project, Snapshot, SymbolRow

MAX_DEFS = 25
DAMPING = 0.85


class SymbolGraph(NamedTuple):
    ids: np.ndarray  # symbol id of each node
    src: np.ndarray  # edge sources (node indices)
    dst: np.ndarray  # edge targets (node indices)
    weight: np.ndarray


def _rows(db: Database, sql: str, snapshot_id: int) -> Sequence[tuple]:
    """Plain tuples straight from the DB-API cursor: these queries return hundreds of
    thousands of rows, and SQLAlchemy's row objects would double the cost."""
    with db.engine.connect() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            marker = "?" if db.is_sqlite else "%s"
            cursor.execute(sql.replace(":s", marker), (snapshot_id,) * sql.count(":s"))
            return cursor.fetchall()
        finally:
            cursor.close()


def build_graph(db: Database, snapshot_id: int) -> SymbolGraph:
    """The weighted reference graph of the snapshot's symbols."""
    symbols = _rows(
        db,
        "SELECT x.id, x.file_id, x.name, x.qualname, x.kind FROM symbols x "
        "JOIN snapshot_files sf ON sf.file_id = x.file_id WHERE sf.snapshot_id = :s",
        snapshot_id,
    )
    # One row per (file, scope, name), and only names that resolve to at most
    # MAX_DEFS definitions: the database drops the references that add no edge.
    refs = _rows(
        db,
        "SELECT r.file_id, r.scope, r.name, COUNT(*) FROM symbol_refs r "
        "JOIN snapshot_files sf ON sf.file_id = r.file_id WHERE sf.snapshot_id = :s "
        "AND r.name IN (SELECT x.name FROM symbols x JOIN snapshot_files sf2 "
        "ON sf2.file_id = x.file_id WHERE sf2.snapshot_id = :s AND x.kind != 'module' "
        f"GROUP BY x.name HAVING COUNT(*) <= {MAX_DEFS}) "
        "GROUP BY r.file_id, r.scope, r.name",
        snapshot_id,
    )
    by_name: dict[str, list[int]] = defaultdict(list)
    by_scope: dict[tuple[int, str], int] = {}
    module_of: dict[int, int] = {}
    for index, (_sid, fid, name, qualname, kind) in enumerate(symbols):
        if kind == "module":
            module_of[fid] = index
        else:
            by_name[name].append(index)
        by_scope[(fid, qualname)] = index
    weights: dict[tuple[int, int], float] = defaultdict(float)
    for fid, scope, name, count in refs:
        targets = by_name.get(name)
        if not targets or len(targets) > MAX_DEFS:
            continue
        src = by_scope.get((fid, scope)) if scope else None
        if src is None:
            src = module_of.get(fid)
        if src is None:
            continue
        w = (0.1 if name.startswith("_") else 1.0) * min(count, 4) / len(targets)
        for dst in targets:
            if dst != src:
                weights[(src, dst)] += w
    pairs = np.array(list(weights), dtype=np.int64).reshape(-1, 2)
    return SymbolGraph(
        ids=np.array([s[0] for s in symbols], dtype=np.int64),
        src=pairs[:, 0],
        dst=pairs[:, 1],
        weight=np.fromiter(weights.values(), dtype=np.float64, count=len(weights)),
    )


def pagerank(graph: SymbolGraph, tol: float = 1e-9, max_iter: int = 200) -> np.ndarray:
    """PageRank scores of the graph's nodes (summing to 1), by power iteration."""
    from scipy.sparse import csr_matrix

    n = len(graph.ids)
    if n == 0:
        return np.zeros(0)
    out_weight = np.bincount(graph.src, weights=graph.weight, minlength=n)
    dangling = out_weight == 0
    norm = graph.weight / out_weight[graph.src] if len(graph.src) else graph.weight
    # transposed transition matrix: rank flows from src to dst
    flow = csr_matrix((norm, (graph.dst, graph.src)), shape=(n, n))
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = DAMPING * (flow @ rank + rank[dangling].sum() / n) + (1 - DAMPING) / n
        if np.abs(new - rank).sum() < tol * n:
            return new
        rank = new
    return rank


# Re-ranking after a small change moves almost nothing and costs seconds on a
# large project: below this share of changed files (accumulated since the last
# full ranking) the previous ranks are kept and new symbols start at 0.
RERANK_SHARE = 0.01


def _drift(db: Database, project_id: int, snapshot_id: int) -> tuple[int, int]:
    """Files changed since the last full ranking, and the snapshot's file count."""
    with db.session() as session:
        previous_id = session.scalar(
            select(Project.current_snapshot_id).where(Project.id == project_id)
        )
        previous = session.get(Snapshot, previous_id) if previous_id else None
    total = _rows(db, "SELECT COUNT(*) FROM snapshot_files WHERE snapshot_id = :s", snapshot_id)
    if previous is None or "rank_drift_files" not in (previous.stats or {}):
        return -1, int(total[0][0])
    prev = int(previous.id)
    changed = _rows(
        db,
        "SELECT (SELECT COUNT(*) FROM snapshot_files WHERE snapshot_id = :s AND file_id NOT IN "
        f"(SELECT file_id FROM snapshot_files WHERE snapshot_id = {prev})) + "
        # deleted paths; a modified file is counted once, by its new version
        f"(SELECT COUNT(*) FROM snapshot_files b JOIN files f ON f.id = b.file_id "
        f"WHERE b.snapshot_id = {prev} AND f.path NOT IN (SELECT f2.path FROM snapshot_files c "
        "JOIN files f2 ON f2.id = c.file_id WHERE c.snapshot_id = :s))",
        snapshot_id,
    )
    return int(previous.stats["rank_drift_files"]) + int(changed[0][0]), int(total[0][0])


def rank_snapshot(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Ingestion finaliser: compute PageRank and store it, scaled to a maximum of 1,
    on ``symbols.rank`` (or keep the previous ranks after a small change)."""
    drift, total = _drift(db, project_id, snapshot_id)
    if 0 <= drift <= RERANK_SHARE * total:
        report(progress, "rank", 1, 1, f"kept ranks: {drift} of {total} files changed")
        return {"ranked": False, "rank_drift_files": drift}
    report(progress, "rank", 0, 1, "ranking symbols")
    graph = build_graph(db, snapshot_id)
    ranks = pagerank(graph)
    if len(ranks):
        scaled = ranks / ranks.max()
        rows = [{"sid": int(sid), "r": float(r)} for sid, r in zip(graph.ids, scaled, strict=True)]
        with db.engine.begin() as conn:
            for start in range(0, len(rows), 5000):
                conn.execute(
                    update(SymbolRow)
                    .where(SymbolRow.id == bindparam("sid"))
                    .values(rank=bindparam("r")),
                    rows[start : start + 5000],
                )
    report(progress, "rank", 1, 1, f"{len(graph.src)} reference edges")
    return {
        "ranked": True,
        "rank_drift_files": 0,
        "graph_nodes": len(graph.ids),
        "graph_edges": len(graph.src),
    }
