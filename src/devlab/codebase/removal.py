"""Deleting a project: rows, search-index entries, work files; refused while a job runs.

The database's foreign keys cascade from ``projects`` to snapshots, file
versions, chunks (and their vectors' rows), symbols, analyses and findings;
conversations, feedback and job records keep their history with the project
link cleared (``SET NULL``). What the cascade cannot reach is removed here
first: the lexical (FTS5 / tsvector) and vector (sqlite-vec) index entries of
every chunk, and any snapshot work directory under ``home/work``.
"""

from __future__ import annotations

import shutil

from pydantic import BaseModel
from sqlalchemy import delete, select

from devlab.codebase.projects import resolve_project
from devlab.config import Settings
from devlab.errors import Conflict
from devlab.store import ChunkRow, Database, FileVersion, Job, Project, Snapshot

ACTIVE = ("queued", "running")


class ProjectDeleted(BaseModel):
    """What ``delete_project`` removed."""

    id: int
    name: str
    snapshots: int
    files: int
    chunks: int


def active_jobs(db: Database, *, project_id: int | None = None) -> list[str]:
    """Ids of queued or running jobs (on ``project_id`` when given)."""
    with db.session() as s:
        q = select(Job.id).where(Job.status.in_(ACTIVE))
        if project_id is not None:
            q = q.where(Job.project_id == project_id)
        return list(s.scalars(q))


def delete_project(db: Database, settings: Settings, project: str | int) -> ProjectDeleted:
    """Delete ``project`` and everything derived from it; ``Conflict`` (409) while a job
    (an ingestion, an analysis, ...) runs on it."""
    ref = resolve_project(db, project)
    running = active_jobs(db, project_id=ref.id)
    if running:
        raise Conflict(
            f"project {ref.name!r} has a running job ({', '.join(running)}); wait for it or "
            "cancel it (`devlab jobs cancel ID`), then delete",
            detail={"jobs": running},
        )
    with db.session() as s:
        snapshot_ids = list(s.scalars(select(Snapshot.id).where(Snapshot.project_id == ref.id)))
        file_ids = list(s.scalars(select(FileVersion.id).where(FileVersion.project_id == ref.id)))
    chunks = 0
    with db.engine.begin() as conn:
        for start in range(0, len(file_ids), 500):
            batch = file_ids[start : start + 500]
            chunk_ids = list(
                conn.execute(select(ChunkRow.id).where(ChunkRow.file_id.in_(batch))).scalars()
            )
            chunks += len(chunk_ids)
            db.lexical.delete(conn, chunk_ids)
            db.vectors.delete(conn, chunk_ids)
            conn.execute(delete(FileVersion).where(FileVersion.id.in_(batch)))
        conn.execute(delete(Project).where(Project.id == ref.id))
    for snapshot_id in snapshot_ids:
        shutil.rmtree(settings.home / "work" / f"snapshot-{snapshot_id}", ignore_errors=True)
    return ProjectDeleted(
        id=ref.id, name=ref.name, snapshots=len(snapshot_ids), files=len(file_ids), chunks=chunks
    )


__all__ = ["ProjectDeleted", "active_jobs", "delete_project"]
