"""Ingest and index a project: the codebase pipeline plus search finalisers.

``index_project`` is the one function the CLI, the REST API and jobs call. It
runs ``codebase.ingest_source`` with two finalisers that run before the new
snapshot becomes current: ``embed_snapshot`` (vectors for every chunk not yet
embedded with the configured model) and ``graph.rank_snapshot`` (PageRank).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, text, update

from devlab.codebase import IngestReport, ingest_source
from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.search.embeddings import get_embedder
from devlab.search.graph import rank_snapshot
from devlab.store import ChunkRow, Database, crypto


def embedding_text(content: str, max_chars: int) -> str:
    """What gets embedded: the chunk's head (header, signature, docstring, first lines)."""
    return content[:max_chars]


def embed_snapshot(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Ingestion finaliser: embed the snapshot's chunks that lack a current vector."""
    embedder = get_embedder(settings)
    with db.engine.connect() as conn:
        todo = conn.execute(
            text(
                "SELECT c.id, c.content, c.embedded_with FROM chunks c "
                "JOIN snapshot_files sf ON sf.file_id = c.file_id WHERE sf.snapshot_id = :s "
                "AND (c.embedded_with IS NULL OR c.embedded_with != :k) ORDER BY c.id"
            ),
            {"s": snapshot_id, "k": embedder.key},
        ).all()
    total = len(todo)
    report(progress, "embed", 0, total, f"embedding {total} chunks with {embedder.key}")
    batch = settings.embedding_batch_size * 4
    for start in range(0, total, batch):
        part = todo[start : start + batch]
        vectors = embedder.embed(
            [embedding_text(crypto.decrypt(c), settings.embedding_max_chars) for _, c, _ in part]
        )
        with db.engine.begin() as conn:
            stale = [cid for cid, _, old in part if old is not None]
            if stale:
                db.vectors.delete(conn, stale)
            db.vectors.add(
                conn, project_id, [(cid, vectors[i]) for i, (cid, _, _) in enumerate(part)]
            )
            conn.execute(
                update(ChunkRow)
                .where(ChunkRow.id == bindparam("cid"))
                .values(embedded_with=embedder.key),
                [{"cid": cid} for cid, _, _ in part],
            )
        report(progress, "embed", min(start + batch, total), total, f"{embedder.key}")
    return {"embedded": total, "embedding_model": embedder.key}


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
    """Ingest ``source`` into project ``name``; index it for lexical, semantic, graph search."""
    finalisers = [embed_snapshot, rank_snapshot] if embed else [rank_snapshot]
    return ingest_source(
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
