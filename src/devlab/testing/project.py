"""A project's files as the sandbox sees them, and its test layout and conventions.

Files come from the project's current snapshot in the store (what ingestion kept), so a
coverage run or a generation works on exactly the code the index knows. The layout
questions every later step asks are answered here, once: which files are tests, which
directories are import roots (``src/`` layouts), where new tests go.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from sqlalchemy import select

from devlab.codebase import (
    kept_test_data,
    require_snapshot,
    resolve_project,
    snapshot_lockfiles,
)
from devlab.reverse import manifest_kind
from devlab.store import Database, FileText, FileVersion, SnapshotFile

__all__ = ["ProjectFiles", "is_test_file", "load_files", "module_of", "without_addopts"]

_TEST_FILE = re.compile(r"(^|/)(test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$")
_TEST_DIR = re.compile(r"(^|/)(tests?|testing)/")
# What a pytest run needs besides Python sources: its configuration and data files.
_CONFIG = ("pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "conftest.py")
MAX_MANIFEST_BYTES = 8_000_000  # lock files can be large; beyond this they are not read


def is_test_file(path: str) -> bool:
    """``tests/x.py``, ``test_x.py``, ``x_test.py`` and ``conftest.py`` are tests."""
    return bool(_TEST_FILE.search(path) or (_TEST_DIR.search(path) and path.endswith(".py")))


def without_addopts(files: dict[str, str]) -> dict[str, str]:
    """``files`` with pytest's ``addopts`` taken out of the configuration files: they
    name plugins (``--cov``, ``-n``) that the sandbox does not have, and a run that
    must not fail on them cannot pass ``-o addopts=`` to every runner."""
    out = dict(files)
    for path, text in files.items():
        if posixpath.basename(path) not in _CONFIG or "addopts" not in text:
            continue
        kept, skipping = [], False
        for line in text.splitlines(keepends=True):
            if line.lstrip().startswith("addopts"):
                skipping = True
                continue
            if skipping and line[:1] in (" ", "\t") and line.strip():
                continue  # a continuation line of addopts
            skipping = False
            kept.append(line)
        out[path] = "".join(kept)
    return out


def module_of(path: str, roots: list[str]) -> str:
    """``src/pkg/mod.py`` with root ``src`` -> ``pkg.mod``."""
    best = ""
    for root in roots:
        prefix = "" if root in ("", ".") else root.rstrip("/") + "/"
        if path.startswith(prefix) and len(prefix) >= len(best):
            best = prefix
    stem = path[len(best) :].removesuffix(".py")
    parts = [p for p in stem.split("/") if p]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@dataclass
class ProjectFiles:
    """The files of one snapshot (path -> text) and what the lab derives from them."""

    name: str
    project_id: int | None
    snapshot_id: int | None
    files: dict[str, str] = field(default_factory=dict)
    # Dependency manifests at the project's root (and under ``requirements/``): read on
    # the host to prepare the environment cache, never sent to the sandbox for that.
    manifests: dict[str, str] = field(default_factory=dict)
    # Files a run wanted that did not fit under ``max_bytes`` (not sent to the sandbox).
    left_out: list[str] = field(default_factory=list)

    def left_out_note(self, limit: int) -> str:
        """What did not fit under the sandbox's source limit, for a run's message ("" when
        everything fit): the count, the test files among them first, and what to raise."""
        if not self.left_out:
            return ""
        # every is_test_file path, src/test/, __tests__/, x.test.js, x_test.go, XTest.java
        tests = [p for p in self.left_out if "test" in p.lower()]
        named = (tests or self.left_out)[:5]
        more = " ..." if len(tests or self.left_out) > len(named) else ""
        kind = f"{len(tests)} test files among them: " if tests else ""
        return (
            f"{len(self.left_out)} files did not fit the sandbox's source limit and were "
            f"not run ({kind}{', '.join(named)}{more}); raise sandbox_max_source_bytes "
            f"(now {limit}) to include them"
        )

    @property
    def python_sources(self) -> list[str]:
        return sorted(p for p in self.files if p.endswith(".py") and not is_test_file(p))

    @property
    def test_files(self) -> list[str]:
        return sorted(
            p
            for p in self.files
            if p.endswith(".py") and is_test_file(p) and not p.endswith("conftest.py")
        )

    @property
    def roots(self) -> list[str]:
        """Import roots: ``.``, plus ``src`` (or ``lib``) when the code lives there."""
        roots = ["."]
        for candidate in ("src", "lib"):
            used = any(p.startswith(candidate + "/") and p.endswith(".py") for p in self.files)
            if used and f"{candidate}/__init__.py" not in self.files:
                roots.append(candidate)
        return roots

    def test_dir(self) -> str:
        """Where the project keeps its tests (``tests`` when it has none yet)."""
        dirs = sorted({posixpath.dirname(p) for p in self.test_files}, key=len)
        return dirs[0] if dirs else "tests"

    def test_omit(self) -> list[str]:
        """coverage omit patterns: the project's tests and set-up scripts."""
        found = [
            *self.test_files,
            "conftest.py",
            "*/conftest.py",
            "setup.py",
            "tests/*",
            "test/*",
            "docs/*",
            "doc/*",
        ]
        return sorted(set(found))


def load_files(
    db: Database,
    project: str | int,
    *,
    max_bytes: int = 900_000,
    also: tuple[str, ...] = (),
) -> ProjectFiles:
    """The project's current snapshot: Python sources and test configuration.

    Only what a Python test run reads is sent to the sandbox (``.py`` files and the
    pytest configuration files); ``max_bytes`` keeps the request under the sandbox's
    source cap, sources first, so a huge project is measured on what fits. ``also``
    adds files by suffix (a chaos run's service needs its templates and SQL). The test
    data the snapshot kept (``src/test/resources``, ``testdata/``, ``tests/data/``...)
    comes last, for the tests that read it.
    """
    ref = resolve_project(db, project)
    snapshot_id = require_snapshot(ref)
    out = ProjectFiles(ref.name, ref.id, snapshot_id)
    with db.session() as s:
        rows = s.execute(
            select(FileVersion.path, FileText.text)
            .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
            .join(FileText, FileText.file_id == FileVersion.id)
            .where(SnapshotFile.snapshot_id == snapshot_id)
            .order_by(FileVersion.path)
        ).all()
    total = 0
    manifest_bytes = 0
    kept = snapshot_lockfiles(db, ref.id)
    for path, text in [*rows, *kept]:
        root_level = "/" not in path or path.startswith("requirements/")
        if root_level and manifest_kind(path) and manifest_bytes + len(text) <= MAX_MANIFEST_BYTES:
            out.manifests[path] = text
            manifest_bytes += len(text)
    wanted = [
        (p, t) for p, t in rows if p.endswith((".py", *also)) or posixpath.basename(p) in _CONFIG
    ]
    wanted.sort(key=lambda pt: (is_test_file(pt[0]), pt[0]))
    chosen = {p for p, _ in wanted}  # then the data the tests read, if it fits
    wanted += sorted((p, t) for p, t in [*rows, *kept] if kept_test_data(p) and p not in chosen)
    for path, text in wanted:
        size = len(text.encode())
        if total + size > max_bytes:
            out.left_out.append(path)
            continue
        out.files[path] = text
        total += size
    return out
