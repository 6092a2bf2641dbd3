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

Two tiers (``embedding_first_tier = "static"``, for fills of at least
``embedding_static_min_chunks``): before the configured model's fill, every chunk
lacking its vector gets one from the static model distilled from it
(``embeddings.static_embedder``, model2vec: thousands of chunks a second), so semantic
and hybrid search cover all the code within seconds to minutes. The configured
model's vectors then replace them in PageRank order (a chunk holds one vector: its
tier's). Coverage says which tier the snapshot is at (``semantic_tier``): ``static``,
``mixed``, ``full`` (today's search exactly) or ``partial`` (some chunks have none);
retrieval ranks each chunk by its own model's vector meanwhile.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import bindparam, select, text, update

from devlab.codebase import IngestReport, ingest_source
from devlab.config import Settings
from devlab.errors import ComponentUnavailable
from devlab.progress import JobCancelled, ProgressFn, report
from devlab.search import adapter, summaries
from devlab.search.embeddings import Embedder, get_embedder, static_embedder
from devlab.search.embedtext import embedding_text, index_key
from devlab.search.graph import rank_snapshot
from devlab.store import ChunkRow, Database, Project, Snapshot, crypto

log = logging.getLogger(__name__)
STATIC_BATCH = 1024  # chunks per committed batch of the static tier


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


def _keyed(db: Database, snapshot_id: int, key: str) -> set[int]:
    """The snapshot's chunks whose vector is ``key``'s."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.id FROM chunks c JOIN snapshot_files sf ON sf.file_id = c.file_id "
                "WHERE sf.snapshot_id = :s AND c.embedded_with = :k"
            ),
            {"s": snapshot_id, "k": key},
        )
        return {int(r[0]) for r in rows}


def semantic_tier(semantic: dict[str, Any]) -> str:
    """Which tier a snapshot's vectors are at, from its coverage: ``full`` (all the
    configured model's), ``mixed`` (the rest static), ``static`` (none of the
    configured model's yet) or ``partial`` (some chunks have no vector)."""
    total, embedded = int(semantic.get("total", 0)), int(semantic.get("embedded", 0))
    static = int(semantic.get("static", 0))
    if embedded >= total:
        return "full"
    if embedded + static < total:
        return "partial"
    return "mixed" if embedded else "static"


def _set_coverage(db: Database, snapshot_id: int, coverage: dict[str, Any]) -> None:
    """Write the fill's coverage into the snapshot's stats (what the status shows)."""
    coverage["tier"] = semantic_tier(coverage)
    with db.session() as s:
        snap = s.get(Snapshot, snapshot_id)
        if snap is not None:
            snap.stats = {**(snap.stats or {}), "semantic": dict(coverage)}


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
    semantic["tier"] = semantic_tier(semantic)
    return {"embedding_model": key, "semantic": semantic}


def _static_tier(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    todo: list[int],
    coverage: dict[str, Any],
    progress: ProgressFn | None,
) -> set[int]:
    """Give every chunk of ``todo`` (those lacking the configured model's vector) a
    static vector, in committed batches, and return the chunks that hold one; only for
    a snapshot of at least ``embedding_static_min_chunks``. A static model that cannot
    be loaded (no distillation extra) is logged and skipped: the configured model's
    fill goes on as without the tier."""
    if not todo:
        return set()
    try:  # the tier is for large snapshots: a resumed fill of one finds its vectors
        static = static_embedder(settings, coverage["total"])
    except (ComponentUnavailable, ImportError, OSError) as exc:
        log.warning("static first tier skipped: %s", exc)
        coverage["static_error"] = str(exc)[:300]
        return set()
    if static is None:
        return set()
    key = index_key(static.key, settings.embedding_text)
    have = _keyed(db, snapshot_id, key) & set(todo)
    need = [cid for cid in todo if cid not in have]
    coverage.update(static_model=key, static=len(have))
    report(progress, "embed-static", len(have), len(todo), f"static vectors with {key}")
    for start in range(0, len(need), STATIC_BATCH):
        ids = need[start : start + STATIC_BATCH]
        _embed_batch(db, settings, project_id, key, ids, static)
        have.update(ids)
        coverage["static"] = len(have)
        _set_coverage(db, snapshot_id, coverage)  # searches see the tier as it grows
        report(progress, "embed-static", len(have), len(todo), f"{key}, every chunk")
    return have


def embed_snapshot(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Embed the snapshot's chunks that lack a current vector, by PageRank, one
    committed batch at a time, keeping ``stats["semantic"]`` up to date; on a large
    fill a static vector for each first (``_static_tier``, the module's docstring).
    Stops early (state ``superseded``) when a newer snapshot became current: that
    one's fill covers the chunks the two share."""
    embedder = get_embedder(settings)
    key = index_key(embedder.key, settings.embedding_text)
    todo, total = _chunks_by_importance(db, snapshot_id, key)
    done = total - len(todo)
    coverage: dict[str, Any] = {"embedded": done, "total": total, "state": "filling"}
    try:
        static = _static_tier(db, settings, project_id, snapshot_id, todo, coverage, progress)
        report(progress, "embed", done, total, f"embedding {len(todo)} chunks with {key}")
        _fill(
            db, settings, project_id, snapshot_id, (key, embedder), todo, coverage, static, progress
        )
    except BaseException as exc:
        cancelled = isinstance(exc, JobCancelled)
        coverage["state"] = "cancelled" if cancelled else f"failed: {type(exc).__name__}"
        raise
    finally:
        _set_coverage(db, snapshot_id, coverage)
    out = {"embedded": len(todo), "embedding_model": key, "semantic": coverage}
    if coverage["state"] == "complete" and settings.search_rerank in ("summary", "rich"):
        # the rerank's summary vectors, once here rather than per query (summaries.py)
        out["summaries_embedded"] = summaries.fill(
            db, settings, snapshot_id, embedder.key, embedder.embed, progress,
            style=settings.search_rerank,
        )  # fmt: skip
    if coverage["state"] == "complete" and settings.search_adapter == "codebase":
        # the query-side adapter, trained on the codebase's own pairs (adapter.py)
        out["search_adapter"] = adapter.train(
            db, settings, snapshot_id, key, embedder.embed, embedder.dim, progress
        )
    return out


def _fill(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    model: tuple[str, Embedder],
    todo: list[int],
    coverage: dict[str, Any],
    static: set[int],
    progress: ProgressFn | None,
) -> None:
    """The configured model's fill of ``todo`` (most important first), replacing the
    static vectors of ``static`` as it goes; sets ``coverage["state"]``."""
    key, embedder = model
    total, batch = coverage["total"], settings.embedding_batch_size * 4
    for start in range(0, len(todo), batch):
        if start and not _is_current(db, project_id, snapshot_id):
            coverage["state"] = "superseded"
            return
        _set_coverage(db, snapshot_id, coverage)
        ids = todo[start : start + batch]
        _embed_batch(db, settings, project_id, key, ids, embedder)
        coverage["embedded"] = min(coverage["embedded"] + len(ids), total)
        if static:
            static.difference_update(ids)
            coverage["static"] = len(static)
        report(progress, "embed", coverage["embedded"], total, f"{key}, most important first")
    coverage["state"] = "complete"


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
