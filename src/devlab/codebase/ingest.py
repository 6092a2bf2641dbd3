"""Ingest a source into a project snapshot: the ingestion pipeline in reading order.

    materialise source -> select files -> analyse changed files -> store ->
    finalisers (embedding, ranking: supplied by devlab.search) -> complete

Re-ingesting reuses every file version whose (path, content hash) is already
stored, so only changed files are parsed and embedded; deleted files simply are
not in the new snapshot. Ingestions of one project are serialised by a lock
file in ``DEVLAB_HOME``; a failure (or a crash, found by ``recover_interrupted``)
leaves the previous snapshot current and searchable.
"""

from __future__ import annotations

import fcntl
import hashlib
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from sqlalchemy import select, text

from devlab.actor import current_user_id
from devlab.codebase.analysis import content_hash
from devlab.codebase.licenses import find_project_licenses, license_for
from devlab.codebase.ownership import default_own_code
from devlab.codebase.parallel import analyse_many, default_workers
from devlab.codebase.records import SkippedFile, SourceFile
from devlab.codebase.secrets import scrub_secrets
from devlab.codebase.snapshots import (
    complete_snapshot,
    existing_versions,
    fail_snapshot,
    link_files,
    prune_project,
    record_skipped,
    store_analysis,
)
from devlab.codebase.sources import materialize_source
from devlab.codebase.walk import (
    MAX_KEPT_LOCKFILE_BYTES,
    MAX_KEPT_TEST_DATA_BYTES,
    MAX_KEPT_TEST_DATA_TOTAL,
    kept_test_data,
    kept_text,
    select_files,
)
from devlab.config import Settings
from devlab.errors import DevLabError, InvalidInput
from devlab.progress import JobCancelled, ProgressFn, report
from devlab.store import Database, Project, ProjectMemberRow, Snapshot

# A finaliser runs after the files are stored and before the snapshot becomes
# current; it returns stats merged into ``snapshot.stats``.
Finaliser = Callable[[Database, Settings, int, int, ProgressFn | None], dict[str, Any]]

PROJECT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
BATCH_FILES = 64  # files per write transaction: short locks, bounded memory
T = TypeVar("T")


@dataclass
class IngestReport:
    project_id: int
    project: str
    snapshot_id: int
    source_kind: str
    commit: str | None
    files: int
    skipped: int
    parsed: int
    reused: int
    removed: int
    lines: int = 0  # the totals are counted in SQL once the files are stored
    symbols: int = 0
    chunks: int = 0
    secrets: int = 0
    parse_errors: int = 0
    license: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    message: str = ""
    stats: dict[str, Any] = field(default_factory=dict)
    own_code: bool = True  # the project's own-code setting after this ingestion
    own_code_reason: str = ""


def validate_project_name(name: str) -> str:
    if not PROJECT_NAME.match(name or ""):
        raise InvalidInput(
            f"invalid project name {name!r}: use 1-100 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def project_name_from(source: str, default: str) -> str:
    """A project name made from a source's file or directory name (``myapp.zip`` ->
    ``myapp``), or ``default`` when nothing usable is left."""
    stem = PurePosixPath(source.rstrip("/")).stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or default


@contextmanager
def project_lock(settings: Settings, name: str, blocking: bool = True) -> Iterator[bool]:
    """An exclusive lock per project name, across threads and processes."""
    lock_dir = settings.home / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    with open(lock_dir / f"project-{digest}.lock", "w") as handle:
        flags = fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB)
        try:
            fcntl.flock(handle, flags)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def get_or_create_project(db: Database, name: str, source: str) -> int:
    with db.session() as s:
        project = s.scalar(select(Project).where(Project.name == name))
        if project is None:
            project = Project(name=name, source=source)
            s.add(project)
            s.flush()
            owner = current_user_id()
            if owner is not None:  # a signed-in user's new project: they maintain it
                s.add(ProjectMemberRow(project_id=project.id, user_id=owner, role="maintainer"))
        else:
            project.source = source
        return project.id


_URL_CREDENTIALS = re.compile(r"(://)[^/\s:@\"']+:[^/\s@\"']+@")


def _kept_lockfiles(root: Path, skipped: Iterable[SkippedFile]) -> dict[str, str]:
    """path -> text of the skipped files whose text is kept: the lock files and manifests
    the dependency analysis reads (``walk.kept_text``, any ``user:password@`` in URLs
    removed), and the test data the project's own tests read (``walk.kept_test_data``,
    secrets scrubbed as in code, within their size caps). Binary files are not kept."""
    out: dict[str, str] = {}
    data_bytes = 0
    for item in skipped:
        lockfile = kept_text(Path(item.path).name)
        if not lockfile and not kept_test_data(item.path):
            continue
        cap = MAX_KEPT_LOCKFILE_BYTES if lockfile else MAX_KEPT_TEST_DATA_BYTES
        path = root / item.path
        try:
            if path.is_symlink() or path.stat().st_size > cap:
                continue
            text_ = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if lockfile:
            out[item.path] = _URL_CREDENTIALS.sub(r"\1<REDACTED>@", text_)
        elif data_bytes + len(text_) <= MAX_KEPT_TEST_DATA_TOTAL and "\x00" not in text_:
            out[item.path] = scrub_secrets(text_, item.path)
            data_bytes += len(text_)
    return out


def _settle_own_code(
    project: Project, asked: bool | None, source: str, kind: str, root: Path
) -> str:
    """Set ``project.own_code`` (asked for, else kept, else decided from the source) and
    say why it has the value it has."""
    if asked is not None:
        project.own_code = asked
        return "set by the user"
    if project.own_code is not None:
        return "as set for this project"
    project.own_code, why = default_own_code(source, kind, root)
    return why


def ingest_source(
    db: Database,
    settings: Settings,
    *,
    name: str,
    source: str,
    ref: str | None = None,
    label: str | None = None,
    progress: ProgressFn | None = None,
    finalisers: Sequence[Finaliser] = (),
    own_code: bool | None = None,
) -> IngestReport:
    """Ingest ``source`` (directory, .zip, git repo/URL) as a new snapshot of ``name``.

    ``label`` is what to record as the source when ``source`` is a temporary
    path (an uploaded archive). ``own_code`` sets the project's own-code setting;
    None keeps it, or decides it from the source at the first ingestion
    (``ownership.default_own_code``).
    """
    validate_project_name(name)
    if not source or not str(source).strip():
        raise InvalidInput("no source given: pass a directory, a .zip file or a git URL")
    with project_lock(settings, name):
        project_id = get_or_create_project(db, name, label or source)
        recover_interrupted(db, settings, project_id=project_id, locked=True)
        with db.session() as s:
            snap = Snapshot(
                project_id=project_id, source=label or source, source_kind="pending", ref=ref
            )
            s.add(snap)
            s.flush()
            snapshot_id = snap.id
        work = settings.home / "work" / f"snapshot-{snapshot_id}"
        try:
            return _run(
                db, settings, project_id, name, snapshot_id, source, ref, work, progress,
                finalisers, own_code,
            )  # fmt: skip
        except BaseException as exc:
            message = (
                exc.message if isinstance(exc, DevLabError) else f"{type(exc).__name__}: {exc}"
            )
            cancelled = isinstance(exc, JobCancelled)
            fail_snapshot(
                db,
                snapshot_id,
                "cancelled" if cancelled else message,
                status="cancelled" if cancelled else "failed",
            )
            prune_project(db, project_id)
            raise
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _run(
    db: Database,
    settings: Settings,
    project_id: int,
    name: str,
    snapshot_id: int,
    source: str,
    ref: str | None,
    work: Path,
    progress: ProgressFn | None,
    finalisers: Sequence[Finaliser],
    own_code: bool | None = None,
) -> IngestReport:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    report(progress, "source", 0, 1, f"materialising {source}")
    work.parent.mkdir(parents=True, exist_ok=True)
    tree = materialize_source(source, work, settings, ref=ref)
    with db.session() as s:
        snap = s.get(Snapshot, snapshot_id)
        assert snap is not None
        snap.source_kind, snap.commit, snap.ref = tree.kind, tree.commit, tree.ref
        project = s.get(Project, project_id)
        assert project is not None
        own_reason = _settle_own_code(project, own_code, source, tree.kind, tree.root)
        own = bool(project.own_code)
    timings["source"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    files, skipped = select_files(
        tree.root, settings, progress=lambda n: report(progress, "walk", n, 0, f"{n} files seen")
    )
    dir_licenses = find_project_licenses(tree.root)
    timings["walk"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with db.session() as s:
        previous = s.scalar(select(Project.current_snapshot_id).where(Project.id == project_id))
    prev_paths = _snapshot_paths(db, previous)
    changes = _split_changed(files, existing_versions(db, project_id))
    with db.engine.begin() as conn:
        link_files(conn, snapshot_id, changes.file_ids)
    _store_changed(db, settings, project_id, snapshot_id, changes, dir_licenses, progress)
    all_skipped = [(s.path, s.reason) for s in skipped] + changes.unreadable
    with db.engine.begin() as conn:
        record_skipped(conn, snapshot_id, all_skipped, _kept_lockfiles(tree.root, skipped))
    timings["parse"] = time.perf_counter() - t0

    stats: dict[str, Any] = {}
    for finalise in finalisers:
        t0 = time.perf_counter()
        stats.update(finalise(db, settings, project_id, snapshot_id, progress))
        timings[getattr(finalise, "__name__", "finalise")] = time.perf_counter() - t0

    new_paths = {f.path for f in files} - {p for p, _ in changes.unreadable}
    removed = len(prev_paths - new_paths) if previous is not None else 0
    counts = {"parsed": changes.parsed, "reused": changes.reused}
    stats.update(counts, removed=removed, seconds=timings)
    return _complete(
        db,
        IngestReport(
            project_id=project_id,
            project=name,
            snapshot_id=snapshot_id,
            source_kind=tree.kind,
            commit=tree.commit,
            files=len(changes.file_ids),
            skipped=len(all_skipped),
            removed=removed,
            license=dir_licenses.get(""),
            seconds=timings,
            own_code=own,
            own_code_reason=own_reason,
            parsed=changes.parsed,
            reused=changes.reused,
        ),
        dir_licenses,
        stats,
        progress,
    )


@dataclass
class _Changes:
    """One pass's files: reused from earlier snapshots (their ids) or to analyse now."""

    file_ids: list[int] = field(default_factory=list)
    todo: list[tuple[SourceFile, bytes]] = field(default_factory=list)
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    parsed: int = 0
    reused: int = 0


def _split_changed(files: Sequence[SourceFile], known: dict[tuple[str, str], int]) -> _Changes:
    """Hash each file (cheap): a (path, hash) already stored is reused, the rest analysed."""
    changes = _Changes()
    for f in files:
        try:
            raw = Path(f.abs_path).read_bytes()
        except OSError as exc:
            changes.unreadable.append((f.path, f"unreadable: {exc.strerror or exc}"))
            continue
        key = (f.path, content_hash(raw))
        if key in known:
            changes.reused += 1
            changes.file_ids.append(known[key])
        else:
            changes.todo.append((f, raw))
    return changes


def _store_changed(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    changes: _Changes,
    dir_licenses: dict[str, str],
    progress: ProgressFn | None,
) -> None:
    """Analyse the changed files (in parallel) and store them in batches, each batch
    linked to the snapshot in its own transaction; files that fail are recorded."""
    results = analyse_many(
        changes.todo,
        max_lines=settings.chunk_max_lines,
        overlap_lines=settings.chunk_overlap_lines,
        workers=default_workers(settings.ingest_workers),
    )
    done = 0
    for batch in _batched(results, BATCH_FILES):
        with db.engine.begin() as conn:
            batch_ids: list[int] = []
            for f, analysis in batch:
                if isinstance(analysis, str):
                    changes.unreadable.append((f.path, analysis))
                    continue
                lic = license_for(f.path, analysis.spdx, dir_licenses)
                batch_ids.append(store_analysis(db, conn, project_id, analysis, lic))
                changes.parsed += 1
            link_files(conn, snapshot_id, batch_ids)
            changes.file_ids.extend(batch_ids)
        done += len(batch)
        message = f"{changes.parsed} parsed, {changes.reused} unchanged"
        report(progress, "parse", done, len(changes.todo), message)


def _complete(
    db: Database,
    rep: IngestReport,
    dir_licenses: dict[str, str],
    stats: dict[str, Any],
    progress: ProgressFn | None,
) -> IngestReport:
    """Count the snapshot's totals in SQL, mark it complete (now the project's current
    one) and prune file versions no snapshot uses any more."""
    totals = _snapshot_totals(db, rep.snapshot_id)
    rep.message = "" if rep.files else "no source files found: the project has zero indexed files"
    complete_snapshot(
        db,
        rep.snapshot_id,
        {
            "file_count": rep.files,
            "skipped_count": rep.skipped,
            "line_count": totals["lines"],
            "symbol_count": totals["symbols"],
            "chunk_count": totals["chunks"],
            "secret_count": totals["secrets"],
            "parse_error_count": totals["parse_errors"],
            "license": rep.license,
            "licenses": dir_licenses,
            "stats": stats,
            "message": rep.message or None,
            "embedding_model": stats.get("embedding_model"),
        },
    )
    pruned = prune_project(db, rep.project_id)
    report(progress, "done", 1, 1, rep.message or f"{rep.files} files indexed")
    rep.lines, rep.symbols, rep.chunks = totals["lines"], totals["symbols"], totals["chunks"]
    rep.secrets, rep.parse_errors = totals["secrets"], totals["parse_errors"]
    rep.stats = {**stats, "pruned_file_versions": pruned}
    return rep


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _snapshot_paths(db: Database, snapshot_id: int | None) -> set[str]:
    if snapshot_id is None:
        return set()
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT f.path FROM files f JOIN snapshot_files sf ON sf.file_id = f.id "
                "WHERE sf.snapshot_id = :s"
            ),
            {"s": snapshot_id},
        )
        return {r[0] for r in rows}


def _snapshot_totals(db: Database, snapshot_id: int) -> dict[str, int]:
    sql = {
        "lines": "SELECT COALESCE(SUM(f.line_count), 0) FROM files f JOIN snapshot_files sf "
        "ON sf.file_id = f.id WHERE sf.snapshot_id = :s",
        "parse_errors": "SELECT COUNT(*) FROM files f JOIN snapshot_files sf ON sf.file_id = f.id "
        "WHERE sf.snapshot_id = :s AND f.parse_error IS NOT NULL",
        "symbols": "SELECT COUNT(*) FROM symbols x JOIN snapshot_files sf "
        "ON sf.file_id = x.file_id "
        "WHERE sf.snapshot_id = :s",
        "chunks": "SELECT COUNT(*) FROM chunks x JOIN snapshot_files sf ON sf.file_id = x.file_id "
        "WHERE sf.snapshot_id = :s",
        "secrets": "SELECT COUNT(*) FROM secret_findings x JOIN snapshot_files sf "
        "ON sf.file_id = x.file_id WHERE sf.snapshot_id = :s",
    }
    with db.engine.connect() as conn:
        return {
            k: int(conn.execute(text(q), {"s": snapshot_id}).scalar() or 0) for k, q in sql.items()
        }


def recover_interrupted(
    db: Database, settings: Settings, *, project_id: int | None = None, locked: bool = False
) -> int:
    """Fail snapshots a crash left "running" (unless their ingestion is alive) and prune.

    ``locked`` means the caller already holds ``project_id``'s lock.
    """
    with db.session() as s:
        q = (
            select(Snapshot.id, Snapshot.project_id, Project.name)
            .join(Project, Project.id == Snapshot.project_id)
            .where(Snapshot.status == "running")
        )
        if project_id is not None:
            q = q.where(Snapshot.project_id == project_id)
        stale = s.execute(q).all()
    fixed = 0
    for snap_id, proj_id, proj_name in stale:
        if locked and proj_id == project_id:
            fail_snapshot(db, snap_id, "interrupted: the ingesting process stopped")
            prune_project(db, proj_id)
            fixed += 1
            continue
        with project_lock(settings, proj_name, blocking=False) as acquired:
            if acquired:  # nobody is ingesting it: the snapshot is a crash's leftover
                fail_snapshot(db, snap_id, "interrupted: the ingesting process stopped")
                prune_project(db, proj_id)
                fixed += 1
    return fixed
