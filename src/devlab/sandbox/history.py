"""Version history of sandbox snippets: the web workbench saves a version on every run,
so a user can list what they ran, diff two versions and restore an old one.

A snippet is a name (``scratch``, ``fizzbuzz``) with numbered versions; a version holds
the language, the files (path -> text) and the entry file. Saving the same content as
the latest version returns that version instead of adding a copy; restoring adds a new
version with the old content, so a restore is itself undoable. Each snippet keeps its
latest ``MAX_VERSIONS`` versions.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from datetime import UTC, datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import delete, func, select

from devlab.errors import InvalidInput, NotFound
from devlab.store import Database, SnippetVersion

MAX_VERSIONS = 200
MAX_FILES = 50
MAX_SNIPPET_BYTES = 1_000_000
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class SnippetSave(BaseModel):
    """A version to save: the editor's language, files and entry file."""

    language: str = Field(min_length=1, max_length=32)
    files: dict[str, str] = Field(min_length=1, description="path -> text")
    entry: str | None = Field(default=None, max_length=255)
    note: str = Field(default="", max_length=200, description="e.g. 'run', 'restore of v3'")

    @field_validator("files")
    @classmethod
    def _bounded(cls, files: dict[str, str]) -> dict[str, str]:
        if len(files) > MAX_FILES:
            raise ValueError(f"at most {MAX_FILES} files per snippet")
        size = sum(len(p.encode()) + len(t.encode()) for p, t in files.items())
        if size > MAX_SNIPPET_BYTES:
            raise ValueError(f"the files total {size} bytes; the maximum is {MAX_SNIPPET_BYTES}")
        for path in files:
            if not path or len(path) > 255 or path.startswith("/") or ".." in path.split("/"):
                raise ValueError(f"file path {path[:80]!r} must be relative, without '..'")
        return files


class VersionInfo(BaseModel):
    """One version, without its files (the list)."""

    snippet: str
    version: int
    language: str
    entry: str | None
    note: str
    paths: list[str]
    created_at: datetime


class VersionDetail(VersionInfo):
    files: dict[str, str]


class SnippetInfo(BaseModel):
    snippet: str
    versions: int
    latest: int
    updated_at: datetime


class VersionDiff(BaseModel):
    snippet: str
    a: int
    b: int
    diff: str = Field(description="unified diff from version a to version b, file by file")


def check_name(name: str) -> str:
    """A snippet name: letters, digits, '.', '_', '-' (1-100 characters)."""
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            f"snippet name {name[:100]!r} must be 1-100 letters, digits, '.', '_' or '-'"
            " and start with a letter or digit"
        )
    return name


def _hash(body: SnippetSave) -> str:
    text = json.dumps([body.language, body.entry, body.files], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _info(row: SnippetVersion) -> VersionInfo:
    return VersionInfo(
        snippet=row.snippet,
        version=row.version,
        language=row.language,
        entry=row.entry,
        note=row.note,
        paths=sorted(row.files),
        created_at=row.created_at.replace(tzinfo=UTC),
    )


def _detail(row: SnippetVersion) -> VersionDetail:
    return VersionDetail(**_info(row).model_dump(), files=dict(row.files))


def save_version(db: Database, snippet: str, body: SnippetSave) -> VersionDetail:
    """Save ``body`` as the snippet's next version (or return the latest if identical)."""
    check_name(snippet)
    digest = _hash(body)
    with db.session() as session:
        latest = session.scalars(
            select(SnippetVersion)
            .where(SnippetVersion.snippet == snippet)
            .order_by(SnippetVersion.version.desc())
            .limit(1)
        ).first()
        if latest is not None and latest.content_hash == digest:
            return _detail(latest)
        row = SnippetVersion(
            snippet=snippet,
            version=(latest.version + 1) if latest else 1,
            language=body.language,
            files=dict(body.files),
            entry=body.entry,
            note=body.note,
            content_hash=digest,
        )
        session.add(row)
        session.flush()
        cutoff = row.version - MAX_VERSIONS
        if cutoff > 0:
            session.execute(
                delete(SnippetVersion).where(
                    SnippetVersion.snippet == snippet, SnippetVersion.version <= cutoff
                )
            )
        return _detail(row)


def list_snippets(db: Database, limit: int = 100) -> list[SnippetInfo]:
    """Snippets with their version count, most recently changed first."""
    with db.session() as session:
        rows = session.execute(
            select(
                SnippetVersion.snippet,
                func.count(),
                func.max(SnippetVersion.version),
                func.max(SnippetVersion.created_at),
            )
            .group_by(SnippetVersion.snippet)
            .order_by(func.max(SnippetVersion.created_at).desc())
            .limit(limit)
        ).all()
    return [
        SnippetInfo(snippet=s, versions=n, latest=v, updated_at=t.replace(tzinfo=UTC))
        for s, n, v, t in rows
    ]


def list_versions(db: Database, snippet: str, limit: int = 100) -> list[VersionInfo]:
    """The snippet's versions, newest first (404 for an unknown snippet)."""
    check_name(snippet)
    with db.session() as session:
        rows = session.scalars(
            select(SnippetVersion)
            .where(SnippetVersion.snippet == snippet)
            .order_by(SnippetVersion.version.desc())
            .limit(limit)
        ).all()
        if not rows:
            raise NotFound(f"no snippet named {snippet!r}; running code saves its first version")
        return [_info(r) for r in rows]


def get_version(db: Database, snippet: str, version: int) -> VersionDetail:
    check_name(snippet)
    with db.session() as session:
        row = session.scalars(
            select(SnippetVersion).where(
                SnippetVersion.snippet == snippet, SnippetVersion.version == version
            )
        ).first()
        if row is None:
            raise NotFound(f"snippet {snippet!r} has no version {version}")
        return _detail(row)


def diff_versions(db: Database, snippet: str, a: int, b: int) -> VersionDiff:
    """A unified diff from version ``a`` to version ``b`` (every file of either)."""
    old, new = get_version(db, snippet, a), get_version(db, snippet, b)
    parts: list[str] = []
    if old.language != new.language:
        parts.append(f"# language: {old.language} -> {new.language}\n")
    for path in sorted(set(old.files) | set(new.files)):
        before = old.files.get(path, "").splitlines(keepends=True)
        after = new.files.get(path, "").splitlines(keepends=True)
        for line in difflib.unified_diff(
            before, after, f"v{a}/{path}", f"v{b}/{path}", lineterm="\n"
        ):
            parts.append(line if line.endswith("\n") else line + "\n")
    return VersionDiff(snippet=snippet, a=a, b=b, diff="".join(parts))


def restore_version(db: Database, snippet: str, version: int) -> VersionDetail:
    """Make version ``version``'s content the latest again (a new version)."""
    old = get_version(db, snippet, version)
    body = SnippetSave(
        language=old.language, files=old.files, entry=old.entry, note=f"restore of v{version}"
    )
    return save_version(db, snippet, body)


__all__ = [
    "SnippetInfo",
    "SnippetSave",
    "VersionDetail",
    "VersionDiff",
    "VersionInfo",
    "diff_versions",
    "get_version",
    "list_snippets",
    "list_versions",
    "restore_version",
    "save_version",
]
