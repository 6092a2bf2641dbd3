"""Writing snapshots to the store: file versions, their rows, and pruning.

A snapshot becomes visible to queries only in ``complete_snapshot`` (one short
transaction that moves ``projects.current_snapshot_id``). Until then its rows
sit beside the current snapshot's, invisible because every query is scoped to
the current snapshot's ``snapshot_files``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from devlab.codebase.analysis import FileAnalysis
from devlab.codebase.records import Reference, Symbol
from devlab.store import (
    ChunkRow,
    Database,
    FileVersion,
    ImportRow,
    Project,
    SecretFindingRow,
    SkippedFileRow,
    Snapshot,
    SnapshotFile,
    crypto,
    utcnow,
)


def existing_versions(db: Database, project_id: int) -> dict[tuple[str, str], int]:
    """``(path, content_hash) -> file id`` for every stored version of the project."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(FileVersion.id, FileVersion.path, FileVersion.content_hash).where(
                FileVersion.project_id == project_id
            )
        )
        return {(path, h): fid for fid, path, h in rows}


def store_analysis(
    db: Database, conn: Connection, project_id: int, analysis: FileAnalysis, license_id: str | None
) -> int:
    """Insert one new file version and everything parsed from it; returns its id."""
    f = analysis.file
    file_id = conn.execute(
        insert(FileVersion).returning(FileVersion.id),
        {
            "project_id": project_id,
            "path": f.path,
            "content_hash": analysis.content_hash,
            "language": f.language,
            "size": f.size,
            "line_count": analysis.line_count,
            "license": license_id,
            "parse_error": analysis.parsed.error,
            "created_at": utcnow(),
        },
    ).scalar_one()
    # a raw insert skips the column type: encrypt here (a no-op without a key); the
    # symbols' signatures and docstrings too (names stay plain: queries match them)
    seal = crypto.encrypt
    text = seal(analysis.text)
    _bulk_insert(conn, "file_texts", ("file_id", "text"), [(file_id, text)])
    parsed = analysis.parsed
    if parsed.symbols:
        _bulk_insert(
            conn,
            "symbols",
            ("file_id", *Symbol._fields, "rank"),
            [
                (file_id, *x._replace(signature=seal(x.signature), docstring=seal(x.docstring)), 0)
                for x in parsed.symbols
            ],
        )
    if parsed.references:
        _bulk_insert(
            conn,
            "symbol_refs",
            ("file_id", *Reference._fields),
            [(file_id, *r) for r in parsed.references],
        )
    if parsed.imports:
        conn.execute(
            insert(ImportRow),
            [
                {"file_id": file_id, "module": i.module, "names": list(i.names), "line": i.line}
                for i in parsed.imports
            ],
        )
    if analysis.secrets:
        conn.execute(
            insert(SecretFindingRow),
            [{"file_id": file_id, "line": s.line, "type": s.type} for s in analysis.secrets],
        )
    if analysis.chunks:
        rows = [
            {
                "file_id": file_id,
                "start_line": c.start_line,
                "end_line": c.end_line,
                "language": c.language,
                "symbol": c.symbol,
                "kind": c.kind,
                "content": c.content,
                "content_hash": c.content_hash,
                "embedded_with": None,
            }
            for c in analysis.chunks
        ]
        ids = (
            conn.execute(
                insert(ChunkRow).returning(ChunkRow.id, sort_by_parameter_order=True), rows
            )
            .scalars()
            .all()
        )
        db.lexical.add(
            conn, [(cid, c.content) for cid, c in zip(ids, analysis.chunks, strict=True)]
        )
    return file_id


def _bulk_insert(conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """``executemany`` with plain tuples: for the largest tables (a file can hold
    thousands of references) SQLAlchemy's per-row parameter handling cost more
    than the insert itself."""
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    )
    conn.exec_driver_sql(sql, rows)


def link_files(conn: Connection, snapshot_id: int, file_ids: list[int]) -> None:
    if file_ids:
        conn.execute(
            insert(SnapshotFile), [{"snapshot_id": snapshot_id, "file_id": f} for f in file_ids]
        )


def record_skipped(
    conn: Connection,
    snapshot_id: int,
    skipped: list[tuple[str, str]],
    texts: dict[str, str] | None = None,
) -> None:
    """Record the files a snapshot skipped, with the text of those in ``texts``."""
    texts = texts or {}
    if skipped:
        conn.execute(
            insert(SkippedFileRow),
            [
                {"snapshot_id": snapshot_id, "path": p, "reason": r, "text": texts.get(p)}
                for p, r in skipped
            ],
        )


def complete_snapshot(db: Database, snapshot_id: int, values: dict[str, Any]) -> None:
    """Mark the snapshot complete and make it the project's current one, atomically."""
    with db.session() as s:
        snap = s.get(Snapshot, snapshot_id)
        assert snap is not None
        project = s.get(Project, snap.project_id)
        assert project is not None
        if project.current_snapshot_id is not None:
            s.execute(
                update(Snapshot)
                .where(Snapshot.id == project.current_snapshot_id)
                .values(status="superseded")
            )
        for key, value in values.items():
            setattr(snap, key, value)
        snap.status, snap.finished_at = "complete", utcnow()
        project.current_snapshot_id = snapshot_id
        project.updated_at = utcnow()


def fail_snapshot(db: Database, snapshot_id: int, error: str, status: str = "failed") -> None:
    with db.session() as s:
        snap = s.get(Snapshot, snapshot_id)
        if snap is not None:
            snap.status, snap.error, snap.finished_at = status, error, utcnow()


def prune_project(db: Database, project_id: int) -> int:
    """Drop file versions no live snapshot uses (and their index entries).

    Live: the current snapshot and any snapshot still running. Older snapshots
    keep their provenance row (source, commit, counts) but lose their file list.
    Returns the number of file versions removed.
    """
    with db.session() as s:
        current = s.scalar(select(Project.current_snapshot_id).where(Project.id == project_id))
        live = set(
            s.scalars(
                select(Snapshot.id).where(
                    Snapshot.project_id == project_id, Snapshot.status == "running"
                )
            )
        )
        if current is not None:
            live.add(current)
        dead = select(Snapshot.id).where(
            Snapshot.project_id == project_id, Snapshot.id.not_in(live)
        )
        s.execute(delete(SnapshotFile).where(SnapshotFile.snapshot_id.in_(dead)))
        used = select(SnapshotFile.file_id).where(SnapshotFile.snapshot_id.in_(live))
        orphans = list(
            s.scalars(
                select(FileVersion.id).where(
                    FileVersion.project_id == project_id, FileVersion.id.not_in(used)
                )
            )
        )
    if not orphans:
        return 0
    with db.engine.begin() as conn:
        for start in range(0, len(orphans), 500):
            batch = orphans[start : start + 500]
            chunk_ids = list(
                conn.execute(select(ChunkRow.id).where(ChunkRow.file_id.in_(batch))).scalars()
            )
            db.lexical.delete(conn, chunk_ids)
            db.vectors.delete(conn, chunk_ids)
            conn.execute(delete(FileVersion).where(FileVersion.id.in_(batch)))
    return len(orphans)
