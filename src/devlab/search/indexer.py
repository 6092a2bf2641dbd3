"""Ingest and index a project: the codebase pipeline plus search's work on it.

``index_project`` is the one function the CLI, the REST API and jobs call. It runs
``codebase.ingest_source`` with two finalisers that run before the new snapshot
becomes current: ``graph.rank_snapshot`` (PageRank) and ``embedding_plan`` (which
loads the embedder, so a bad embedding setting fails the ingestion, and records its
key). The snapshot is then current: lexical and graph search work at once. Only then
``embed_snapshot`` fills the vectors, most important code first (the chunk's symbol
PageRank), one committed batch at a time, writing its coverage into the snapshot's
``stats["semantic"]`` (the project's status shows it; semantic and hybrid searches
say when it is partial). An interrupted fill leaves the vectors it wrote; ingesting
again embeds only the rest.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import bindparam, select, text, update

from devlab.codebase import IngestReport, ingest_source
from devlab.config import Settings
from devlab.progress import JobCancelled, ProgressFn, report
from devlab.search import summaries
from devlab.search.embeddings import get_embedder
from devlab.search.embedtext import embedding_text, index_key
from devlab.search.graph import rank_snapshot
from devlab.store import ChunkRow, Database, Project, Snapshot, crypto


def _chunks_by_importance(db: Database, snapshot_id: int, key: str) -> tuple[list[int], int]:
    """The snapshot's chunks that lack a ``key`` vector, most important first, and the
    snapshot's chunk count. Importance is the PageRank of the chunk's symbol, else of
    its file's module (code outside any definition), else 0; ties keep chunk order."""
    with db.engine.connect() as conn:
        ranks: dict[tuple[int, str], float] = {}
        modules: dict[int, float] = {}
        for fid, qualname, kind, rank in conn.execute(
            text(
                "SELECT x.file_id, x.qualname, x.kind, x.rank FROM symbols x "
                "JOIN snapshot_files sf ON sf.file_id = x.file_id WHERE sf.snapshot_id = :s"
            ),
            {"s": snapshot_id},
        ):
            r = float(rank or 0.0)
            ranks[(fid, qualname)] = max(r, ranks.get((fid, qualname), 0.0))
            if kind == "module":
                modules[fid] = max(r, modules.get(fid, 0.0))
        chunks = conn.execute(
            text(
                "SELECT c.id, c.file_id, c.symbol, c.embedded_with FROM chunks c "
                "JOIN snapshot_files sf ON sf.file_id = c.file_id WHERE sf.snapshot_id = :s"
            ),
            {"s": snapshot_id},
        ).all()
    todo = [
        (-ranks.get((fid, sym), modules.get(fid, 0.0)) if sym else -modules.get(fid, 0.0), cid)
        for cid, fid, sym, done in chunks
        if done != key
    ]
    todo.sort()
    return [cid for _, cid in todo], len(chunks)


def _set_coverage(db: Database, snapshot_id: int, coverage: dict[str, Any]) -> None:
    """Write the fill's coverage into the snapshot's stats (what the status shows)."""
    with db.session() as s:
        snap = s.get(Snapshot, snapshot_id)
        if snap is not None:
            snap.stats = {**(snap.stats or {}), "semantic": coverage}


def _is_current(db: Database, project_id: int, snapshot_id: int) -> bool:
    with db.session() as s:
        current = s.scalar(select(Project.current_snapshot_id).where(Project.id == project_id))
    return current == snapshot_id


def _embed_batch(
    db: Database, settings: Settings, project_id: int, key: str, ids: list[int], embedder: Any
) -> None:
    """Embed chunks ``ids`` and store their vectors in one transaction. Any older vector
    of these chunks is deleted first, so two fills that meet never leave two."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(ChunkRow.id, ChunkRow.content).where(ChunkRow.id.in_(ids))).all()
    limit, style = settings.embedding_max_chars, settings.embedding_text
    texts = {cid: embedding_text(crypto.decrypt(c), limit, style) for cid, c in rows}
    kept = [cid for cid in ids if cid in texts]  # a chunk pruned meanwhile is skipped
    if not kept:
        return
    vectors = embedder.embed([texts[cid] for cid in kept])
    with db.engine.begin() as conn:
        db.vectors.delete(conn, kept)
        db.vectors.add(conn, project_id, [(cid, vectors[i]) for i, cid in enumerate(kept)])
        conn.execute(
            update(ChunkRow).where(ChunkRow.id == bindparam("cid")).values(embedded_with=key),
            [{"cid": cid} for cid in kept],
        )


def embedding_plan(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Ingestion finaliser: load the embedder (a bad setting fails the ingestion before
    the snapshot is current) and record its key and the coverage so far."""
    key = index_key(get_embedder(settings).key, settings.embedding_text)
    todo, total = _chunks_by_importance(db, snapshot_id, key)
    state = "complete" if not todo else "pending"
    semantic = {"embedded": total - len(todo), "total": total, "state": state}
    return {"embedding_model": key, "semantic": semantic}


def embed_snapshot(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Embed the snapshot's chunks that lack a current vector, by PageRank, one
    committed batch at a time, keeping ``stats["semantic"]`` up to date. Stops early
    (state ``superseded``) when a newer snapshot became current: that one's fill
    covers the chunks the two share."""
    embedder = get_embedder(settings)
    key = index_key(embedder.key, settings.embedding_text)
    todo, total = _chunks_by_importance(db, snapshot_id, key)
    done = total - len(todo)
    coverage: dict[str, Any] = {"embedded": done, "total": total, "state": "filling"}
    report(progress, "embed", done, total, f"embedding {len(todo)} chunks with {key}")
    batch = settings.embedding_batch_size * 4
    try:
        for start in range(0, len(todo), batch):
            if start and not _is_current(db, project_id, snapshot_id):
                coverage["state"] = "superseded"
                break
            _set_coverage(db, snapshot_id, coverage)
            _embed_batch(db, settings, project_id, key, todo[start : start + batch], embedder)
            coverage["embedded"] = done = min(done + batch, total)
            report(progress, "embed", done, total, f"{key}, most important first")
        else:
            coverage["state"] = "complete"
    except BaseException as exc:
        cancelled = isinstance(exc, JobCancelled)
        coverage["state"] = "cancelled" if cancelled else f"failed: {type(exc).__name__}"
        raise
    finally:
        _set_coverage(db, snapshot_id, coverage)
    out = {"embedded": len(todo), "embedding_model": key, "semantic": coverage}
    if coverage["state"] == "complete" and settings.search_rerank == "summary":
        # the rerank's summary vectors, once here rather than per query (summaries.py)
        out["summaries_embedded"] = summaries.fill(
            db, settings, snapshot_id, embedder.key, embedder.embed, progress
        )
    return out


def semantic_coverage(stats: dict[str, Any] | None) -> float | None:
    """The share of a snapshot's chunks that have vectors, from its stats; None when
    the snapshot predates the background fill (its vectors were complete)."""
    semantic = (stats or {}).get("semantic")
    if not isinstance(semantic, dict) or not semantic.get("total"):
        return None
    return min(1.0, float(semantic.get("embedded", 0)) / float(semantic["total"]))


def index_project(
    db: Database,
    settings: Settings,
    *,
    name: str,
    source: str,
    ref: str | None = None,
    label: str | None = None,
    progress: ProgressFn | None = None,
    embed: bool = True,
    own_code: bool | None = None,
) -> IngestReport:
    """Ingest ``source`` into project ``name``; index it for lexical, graph and (``embed``)
    semantic search. The snapshot becomes current before its vectors are filled (see the
    module's docstring); the report's ``stats["semantic"]`` says how far the fill got."""
    finalisers = [rank_snapshot, embedding_plan] if embed else [rank_snapshot]
    rep = ingest_source(
        db,
        settings,
        name=name,
        source=source,
        ref=ref,
        label=label,
        progress=progress,
        finalisers=finalisers,
        own_code=own_code,
    )
    if embed:
        started = time.perf_counter()
        rep.stats.update(embed_snapshot(db, settings, rep.project_id, rep.snapshot_id, progress))
        rep.seconds["embed_snapshot"] = time.perf_counter() - started
    return rep
