"""Reading projects, snapshots and files back out of the store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import select

from devlab.apitypes import numeric_id
from devlab.codebase.models import (
    FileInfo,
    FileList,
    ProjectInfo,
    SecretInfo,
    SkippedInfo,
    SnapshotInfo,
)
from devlab.errors import InvalidInput, NotFound
from devlab.store import (
    Database,
    FileText,
    FileVersion,
    Project,
    SecretFindingRow,
    SkippedFileRow,
    Snapshot,
    SnapshotFile,
)


@dataclass(frozen=True)
class ProjectRef:
    id: int
    name: str
    snapshot_id: int | None  # the current (latest complete) snapshot


def resolve_project(db: Database, project: str | int) -> ProjectRef:
    """Find a project by name or numeric id; ``NotFound`` says how to list them."""
    with db.session() as s:
        row = None
        if (number := numeric_id(project)) is not None:
            row = s.get(Project, number)
        if row is None and isinstance(project, str):
            row = s.scalar(select(Project).where(Project.name == project))
        if row is None:
            raise NotFound(
                f"no project {project!r}: list projects with `devlab projects` "
                "or GET /api/v1/devlab/projects"
            )
        return ProjectRef(row.id, row.name, row.current_snapshot_id)


def require_snapshot(ref: ProjectRef) -> int:
    if ref.snapshot_id is None:
        raise NotFound(
            f"project {ref.name!r} has no complete snapshot yet: wait for its ingestion job "
            "or run `devlab ingest` again"
        )
    return ref.snapshot_id


def _snapshot_info(s: Snapshot) -> SnapshotInfo:
    return SnapshotInfo.model_validate(s, from_attributes=True)


def project_info(db: Database, project: str | int) -> ProjectInfo:
    ref = resolve_project(db, project)
    with db.session() as s:
        row = s.get(Project, ref.id)
        assert row is not None
        current = s.get(Snapshot, row.current_snapshot_id) if row.current_snapshot_id else None
        latest = s.scalar(
            select(Snapshot).where(Snapshot.project_id == ref.id).order_by(Snapshot.id.desc())
        )
        return ProjectInfo(
            id=row.id,
            name=row.name,
            source=row.source,
            created_at=row.created_at,
            updated_at=row.updated_at,
            current_snapshot=_snapshot_info(current) if current else None,
            latest_snapshot=_snapshot_info(latest) if latest else None,
            own_code=project_own_code(row, current.source_kind if current else None),
        )


def project_own_code(row: Project, source_kind: str | None = None) -> bool:
    """The project's own-code setting; a project ingested before the setting existed
    gets what a first ingestion of its source would decide."""
    if row.own_code is not None:
        return row.own_code
    from devlab.codebase.ownership import default_own_code

    kind = source_kind or ("git-remote" if "://" in row.source or "@" in row.source else "")
    return default_own_code(row.source, kind or "directory")[0]


def list_projects(db: Database) -> list[ProjectInfo]:
    with db.session() as s:
        ids = list(s.scalars(select(Project.id).order_by(Project.name)))
    return [project_info(db, i) for i in ids]


def list_snapshots(db: Database, project: str | int) -> list[SnapshotInfo]:
    ref = resolve_project(db, project)
    with db.session() as s:
        rows = s.scalars(
            select(Snapshot).where(Snapshot.project_id == ref.id).order_by(Snapshot.id.desc())
        )
        return [_snapshot_info(r) for r in rows]


def list_files(
    db: Database,
    project: str | int,
    *,
    language: str | None = None,
    limit: int = 10_000,
    offset: int = 0,
) -> FileList:
    """Files of the current snapshot, the files it skipped (with reasons) and secret findings."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be >= 1 and offset >= 0")
    ref = resolve_project(db, project)
    if ref.snapshot_id is None:
        return FileList(project=ref.name, snapshot_id=None, files=[], skipped=[], secrets=[])
    with db.session() as s:
        q = (
            select(FileVersion)
            .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
            .where(SnapshotFile.snapshot_id == ref.snapshot_id)
        )
        if language:
            q = q.where(FileVersion.language == language)
        files = s.scalars(q.order_by(FileVersion.path).limit(limit).offset(offset)).all()
        skipped = s.scalars(
            select(SkippedFileRow)
            .where(SkippedFileRow.snapshot_id == ref.snapshot_id)
            .order_by(SkippedFileRow.path)
        ).all()
        secrets = s.execute(
            select(FileVersion.path, SecretFindingRow.line, SecretFindingRow.type)
            .join(SecretFindingRow, SecretFindingRow.file_id == FileVersion.id)
            .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
            .where(SnapshotFile.snapshot_id == ref.snapshot_id)
            .order_by(FileVersion.path, SecretFindingRow.line)
        ).all()
        return FileList(
            project=ref.name,
            snapshot_id=ref.snapshot_id,
            files=[FileInfo.model_validate(f, from_attributes=True) for f in files],
            skipped=[SkippedInfo(path=k.path, reason=k.reason) for k in skipped],
            secrets=[SecretInfo(path=p, line=ln, type=t) for p, ln, t in secrets],
        )


class SnapshotText(NamedTuple):
    path: str
    language: str
    text: str  # scrubbed: secret values replaced by placeholders
    parse_error: str | None


def snapshot_texts(
    db: Database, project: str | int, *, languages: Iterable[str] | None = None
) -> Iterator[SnapshotText]:
    """The text of every file in the project's current snapshot, by path. Whole-file
    analyses (security, quality, architecture) read these instead of the source tree,
    which may be a temporary upload long gone."""
    snapshot_id = require_snapshot(resolve_project(db, project))
    wanted = set(languages) if languages is not None else None
    with db.session() as s:
        rows = s.execute(
            select(FileVersion.path, FileVersion.language, FileText.text, FileVersion.parse_error)
            .join(FileText, FileText.file_id == FileVersion.id)
            .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
            .where(SnapshotFile.snapshot_id == snapshot_id)
            .order_by(FileVersion.path)
        )
        for path, language, text, parse_error in rows:
            if wanted is None or language in wanted:
                yield SnapshotText(path, language, text, parse_error)


def snapshot_lockfiles(db: Database, project: str | int) -> list[tuple[str, str]]:
    """``(path, text)`` of the lock files the current snapshot skipped but kept the text
    of (see ``walk.kept_text``): the dependency analysis reads them."""
    snapshot_id = require_snapshot(resolve_project(db, project))
    with db.session() as s:
        rows = s.execute(
            select(SkippedFileRow.path, SkippedFileRow.text)
            .where(SkippedFileRow.snapshot_id == snapshot_id, SkippedFileRow.text.is_not(None))
            .order_by(SkippedFileRow.path)
        )
        return [(path, text) for path, text in rows if text is not None]


def file_text(db: Database, project: str | int, path: str) -> SnapshotText:
    """One file of the project's current snapshot (scrubbed text): the workbench opens
    cited lines, findings and search hits with it. 404 when the snapshot lacks it."""
    snapshot_id = require_snapshot(resolve_project(db, project))
    with db.session() as s:
        row = s.execute(
            select(FileVersion.path, FileVersion.language, FileText.text, FileVersion.parse_error)
            .join(FileText, FileText.file_id == FileVersion.id)
            .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
            .where(SnapshotFile.snapshot_id == snapshot_id, FileVersion.path == path)
        ).first()
    if row is None:
        raise NotFound(f"project {project!r} has no file {path[:300]!r} in its current snapshot")
    return SnapshotText(*row)
