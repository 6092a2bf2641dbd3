"""What a chat prompt holds, and fitting it into the model's window by priority.

Read as a pipeline: gather candidate items (the selection, retrieved chunks, earlier
turns, the open file, recent changes, the repo map) -> ``fit_context`` keeps the most
important that fit the token budget (cutting the cuttable ones at a line boundary) ->
the chat template renders what was kept. Priorities, most important first:

    0 selection   the lines the developer selected
    1 chunk       retrieved code, best-ranked first (numbered [1], [2], ... for citations)
    2 history     earlier turns, newest first
    3 file        the whole open file (cuttable)
    4 changes     git diff of the working tree or the last commits (cuttable)
    5 repomap     the project's outline (cuttable)

Fitting is ``devlab.llm.context.fit_context`` (priorities negated: there, higher is
kept first; only the cuttable kinds are trimmed).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from devlab.codebase import ProjectRef, require_snapshot
from devlab.errors import InvalidInput, NotFound
from devlab.llm import Section
from devlab.llm import fit_context as llm_fit_context
from devlab.store import Database, FileText, FileVersion, Snapshot, SnapshotFile, crypto

PRIORITY = {"selection": 0, "chunk": 1, "history": 2, "file": 3, "changes": 4, "repomap": 5}
CUTTABLE = frozenset({"file", "changes", "repomap"})
CUT_MARKER = "\n... (cut to fit)"
MIN_CUT_TOKENS = 16  # a cut shorter than this is dropped instead
MAX_CHANGES_BYTES = 200_000
GIT_TIMEOUT = 20


@dataclass
class ContextItem:
    kind: str
    id: str  # "chunk:12", "message:4", "file:shop/cart.py", "changes", "repomap:3"
    text: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def priority(self) -> int:
        return PRIORITY[self.kind]


def fit_context(
    items: list[ContextItem], budget: int, count: Callable[[str], int]
) -> list[ContextItem]:
    """The items to keep, in their original order (``devlab.llm.context.fit_context``):
    by priority (then position) each is kept if it fits what is left of ``budget``
    tokens; a cuttable item that does not fit keeps as many leading lines as do."""
    sections = [
        Section(str(i), item.text, priority=-item.priority, cuttable=item.kind in CUTTABLE)
        for i, item in enumerate(items)
    ]
    fitted = llm_fit_context(
        sections, budget, count, min_section_tokens=MIN_CUT_TOKENS, marker=CUT_MARKER
    )
    kept = []
    for section in fitted.sections:
        item = items[int(section.name)]
        if section.name in fitted.trimmed:
            item = ContextItem(item.kind, item.id, section.text, {**item.data, "cut": True})
        kept.append(item)
    return kept


# -- gathering candidates -------------------------------------------------------


@dataclass(frozen=True)
class ChunkSource:
    """A retrieved chunk with what a citation needs."""

    chunk_id: int
    path: str
    start_line: int
    end_line: int
    symbol: str | None
    language: str
    content: str
    licence: str | None  # the file's licence, whatever it is


def project_licence(db: Database, ref: ProjectRef) -> str | None:
    with db.session() as s:
        snap = s.get(Snapshot, require_snapshot(ref))
        return snap.license if snap else None


def chunk_sources(db: Database, snapshot_id: int, hits: list[Any]) -> list[ChunkSource]:
    """Chunk ids, full content and file licences of search hits (``SearchResult``s),
    in hit order."""
    sql = text(
        "SELECT c.id, f.path, c.start_line, c.end_line, c.symbol, c.language, c.content, "
        "f.license FROM chunks c JOIN files f ON f.id = c.file_id "
        "JOIN snapshot_files sf ON sf.file_id = c.file_id "
        "WHERE sf.snapshot_id = :s AND f.path = :p AND c.start_line = :a AND c.end_line = :b"
    )
    found: list[ChunkSource] = []
    seen: set[int] = set()
    with db.engine.connect() as conn:
        for hit in hits:
            row = conn.execute(
                sql, {"s": snapshot_id, "p": hit.path, "a": hit.start_line, "b": hit.end_line}
            ).first()
            if row is not None and row[0] not in seen:
                seen.add(row[0])
                chunk_id, path, start, end, symbol, language = row[:6]
                content = crypto.decrypt(row[6])
                found.append(
                    ChunkSource(chunk_id, path, start, end, symbol, language, content, row[7])
                )
    return found


def snapshot_file(db: Database, snapshot_id: int, path: str) -> tuple[str, str, str | None]:
    """``(text, language, licence)`` of ``path`` in the snapshot (scrubbed text)."""
    with db.session() as s:
        row = s.execute(
            select(FileText.text, FileVersion.language, FileVersion.license)
            .join(FileVersion, FileVersion.id == FileText.file_id)
            .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
            .where(SnapshotFile.snapshot_id == snapshot_id, FileVersion.path == path)
        ).first()
    if row is None:
        raise NotFound(
            f"file {path!r} is not in the project's current snapshot: send its content, "
            "or list the files with `devlab files`"
        )
    return row[0], row[1], row[2]


def _git(tree: Path, *args: str) -> str:
    # git is DevLab's own tool reading the user's repository; nothing from it is executed.
    try:
        done = subprocess.run(
            ["git", "-C", str(tree), *args],
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InvalidInput(f"cannot read git changes of {tree}: {exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InvalidInput(
            f"{tree} is not a git working tree ({message[-1] if message else 'git failed'})"
        )
    return done.stdout[:MAX_CHANGES_BYTES].decode("utf-8", "replace")


def recent_changes(tree: str | Path) -> str:
    """The working tree's uncommitted diff; when it is clean, the last three commits."""
    root = Path(tree)
    if not root.is_dir():
        raise InvalidInput(f"working tree {root} is not a directory on this machine")
    diff = _git(root, "diff", "HEAD", "--no-color", "--no-ext-diff")
    if diff.strip():
        return diff
    return _git(
        root, "log", "-p", "-n", "3", "--no-color", "--no-ext-diff", "--format=commit %h %s"
    )


def project_working_tree(source: str | None) -> Path | None:
    """The project's source when it is a local git working tree (else None)."""
    if not source:
        return None
    path = Path(source)
    try:
        return path if path.is_dir() and (path / ".git").exists() else None
    except OSError:
        return None


__all__ = [
    "CUTTABLE",
    "PRIORITY",
    "ChunkSource",
    "ContextItem",
    "chunk_sources",
    "fit_context",
    "project_licence",
    "project_working_tree",
    "recent_changes",
    "snapshot_file",
]
