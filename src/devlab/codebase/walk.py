"""Choose which files of a source tree are ingested, and record why the others are not.

``select_files`` walks a tree deterministically (sorted, depth first) and sorts
every file into one of two lists: ``SourceFile`` (ingest it) or ``SkippedFile``
(with a reason a person can act on). Nothing is dropped silently except the
contents of version-control metadata directories, which get one record each.

Reasons, in the order they are checked::

    symlink                       links are never followed (they can leave the tree)
    not a regular file            fifos, sockets, devices
    version control metadata      .git/, .hg/, .svn/ (one record per directory)
    ignored by .gitignore         root and nested .gitignore files, git's semantics
    ignored by .devlabignore      a .devlabignore at the root, same syntax
    vendored directory            node_modules/, vendor/, third_party/, .venv/, ...
    build output or cache         dist/, build/, __pycache__/, .tox/, ... (per directory;
                                  a "build" or "dist" with an __init__.py is a package)
    generated (...)               lockfiles, *.min.js, *.pb.go, *_pb2.py, or a
                                  "Code generated ... DO NOT EDIT" / "@generated" header
    too large (N bytes > cap)     bigger than settings.max_file_bytes
    unreadable: <error>           the OS refused to read it
    binary                        a NUL byte in the first 8 KiB
    unknown language              devlab.codebase.languages does not know it
    not UTF-8 text                the whole file does not decode as UTF-8

A directory that is skipped whole (ignored, vendored, build output) yields one
record with a trailing "/" instead of one per file inside it: git itself cannot
re-include a file under an excluded directory, so neither do we.

``.devlabignore`` only adds exclusions: a ``!pattern`` there can re-include a
path it excluded itself, not one that ``.gitignore`` excludes.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from pathspec import GitIgnoreSpec

from devlab.codebase.languages import detect_language
from devlab.codebase.records import SkippedFile, SourceFile
from devlab.config import Settings

HEAD_BYTES = 8192
# Report progress every this many files examined (and once at the end).
PROGRESS_EVERY = 200

VCS_DIRS = frozenset({".git", ".hg", ".svn", ".bzr"})
VENDORED_DIRS = frozenset(
    {
        "node_modules",
        "bower_components",
        "vendor",
        "third_party",
        "third-party",
        ".venv",
        "venv",
        "site-packages",
        "Pods",
    }
)
BUILD_DIRS = frozenset(
    {
        "dist",
        "build",
        "__pycache__",
        ".tox",
        ".nox",
        ".eggs",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".gradle",
        ".next",
        ".nuxt",
        "coverage",
        "htmlcov",
    }
)
LOCKFILES = frozenset(
    {
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "pdm.lock",
        "Cargo.lock",
        "composer.lock",
        "Gemfile.lock",
        "go.sum",
        "npm-shrinkwrap.json",
        "packages.lock.json",
        "Podfile.lock",
        "mix.lock",
    }
)
KEPT_LOCKFILES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "poetry.lock", "Pipfile.lock"}
)
"""Lock files not indexed (generated) whose text is still kept with the snapshot, so the
dependency analysis can list transitive versions after the source tree is gone."""
_KEPT_MANIFEST = re.compile(
    r"^(?:requirements[^/]*|constraints[^/]*|[^/]*requirements)\.(?:txt|in)$"
    r"|^Pipfile$|^setup\.cfg$|^go\.(?:mod|sum)$",
    re.IGNORECASE,
)


def kept_text(name: str) -> bool:
    """Whether a skipped file's text is kept with the snapshot: the lock files above and
    the dependency manifests no parser indexes (requirements/constraints files, Pipfile,
    setup.cfg), which the dependency analysis and the Testing Lab's environment cache
    read after the source tree is gone."""
    return name in KEPT_LOCKFILES or bool(_KEPT_MANIFEST.match(name))


MAX_KEPT_LOCKFILE_BYTES = 32 << 20
# Test data: files a project's own tests read at run time (Maven's src/test/resources,
# Go's testdata/, tests/data/, fixtures/). No parser indexes them, but the Testing Lab's
# sandbox runs need them to be there; their text is kept (secrets scrubbed) up to these caps.
_TEST_DATA = re.compile(
    r"(?:^|/)(?:src/test/resources|testdata|test_?data|fixtures|__fixtures__|__snapshots__)/"
    r"|(?:^|/)tests?/(?:[^/]+/)*(?:data|resources|files)/"
)
MAX_KEPT_TEST_DATA_BYTES = 1 << 20  # per file
MAX_KEPT_TEST_DATA_TOTAL = 16 << 20  # per snapshot


def kept_test_data(path: str) -> bool:
    """Whether ``path`` (relative, POSIX) is test data whose text is kept (see above)."""
    return bool(_TEST_DATA.search(path[:4096]))


# (regex on the file name, what kind of generated file it is)
_GENERATED_NAMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\.min\.(?:js|css|mjs)$"), "minified"),
    (re.compile(r"(?:\.js|\.css)\.map$"), "source map"),
    (re.compile(r"\.pb\.(?:go|cc|h|swift)$|_pb2(?:_grpc)?\.pyi?$|\.pb\.gw\.go$"), "protobuf"),
    (re.compile(r"_grpc\.pb\.go$|\.g\.dart$|\.designer\.cs$"), "code generator output"),
)
# Markers tools write at the top of generated files (Go's convention, Facebook's
# @generated, .NET's <auto-generated>, protoc's banner); looked for in the first lines.
_GENERATED_HEADER = re.compile(
    rb"Code generated .{0,200}DO NOT EDIT|@generated\b|<auto-generated|"
    rb"Generated by the protocol buffer compiler",
    re.IGNORECASE,
)
_HEADER_LINES = 10

ProgressFn = Callable[[int], None]


class _Ignores:
    """The .gitignore files met so far (directory prefix -> spec), plus .devlabignore.

    Git's rule: patterns in ``a/b/.gitignore`` match paths relative to ``a/b``, and
    the deepest file with a matching pattern decides (so a nested ``!keep.log``
    overrides the root's ``*.log``).
    """

    def __init__(self, root: Path) -> None:
        self.gitignores: dict[str, GitIgnoreSpec] = {}
        self.devlab = _load_spec(root / ".devlabignore")

    def enter(self, dir_abs: Path, dir_rel: str) -> None:
        spec = _load_spec(dir_abs / ".gitignore")
        if spec is not None:
            self.gitignores[dir_rel] = spec

    def reason(self, rel: str, is_dir: bool) -> str | None:
        probe = rel + "/" if is_dir else rel
        parts = rel.split("/")
        # Ancestor directories, deepest first: "a/b", "a", "".
        for depth in range(len(parts) - 1, -1, -1):
            prefix = "/".join(parts[:depth])
            spec = self.gitignores.get(prefix)
            if spec is None:
                continue
            result = spec.check_file(probe[len(prefix) + 1 :] if prefix else probe)
            if result.include is not None:
                if result.include:
                    return "ignored by .gitignore"
                break  # re-included by a deeper "!pattern": shallower files cannot re-exclude
        if self.devlab is not None and self.devlab.match_file(probe):
            return "ignored by .devlabignore"
        return None


def _load_spec(path: Path) -> GitIgnoreSpec | None:
    """A compiled ignore file, or None when there is none (links are not followed)."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return GitIgnoreSpec.from_lines(lines)


def _read_head(path: str, size: int) -> bytes:
    """The first bytes of a file (a seam tests use to simulate unreadable files)."""
    with open(path, "rb") as handle:
        return handle.read(size)


def _read_all(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _generated_by_name(name: str) -> str | None:
    if name in LOCKFILES:
        return "generated (lockfile)"
    for pattern, kind in _GENERATED_NAMES:
        if pattern.search(name):
            return f"generated ({kind})"
    return None


def _classify_file(abs_path: str, rel: str, size: int, settings: Settings) -> str | SourceFile:
    """A SourceFile for a file worth ingesting, else the reason it is skipped."""
    name = rel.rsplit("/", 1)[-1]
    generated = _generated_by_name(name)
    if generated:
        return generated
    cap = settings.max_file_bytes
    if size > cap:
        return f"too large ({size:,} bytes > {cap:,} byte cap)"
    try:
        head = _read_head(abs_path, HEAD_BYTES)
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    if b"\x00" in head:
        return "binary"
    first_lines = b"\n".join(head.split(b"\n", _HEADER_LINES)[:_HEADER_LINES])
    if _GENERATED_HEADER.search(first_lines):
        return "generated (header says so)"
    language = detect_language(rel, head)
    if language is None:
        return "unknown language"
    try:
        data = head if len(head) < HEAD_BYTES else _read_all(abs_path)
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return SourceFile(path=rel, abs_path=abs_path, size=len(data), language=language)


def _dir_reason(name: str, rel: str, dir_abs: str, ignores: _Ignores) -> str | None:
    if name in VCS_DIRS:
        return "version control metadata"
    ignored = ignores.reason(rel, is_dir=True)
    if ignored:
        return ignored
    if name in VENDORED_DIRS or name.endswith(".egg-info"):
        return "vendored directory"
    # A Python package may be called "build" or "dist" (pypa/build is): one with an
    # __init__.py is source, not output.
    if name in BUILD_DIRS and not os.path.isfile(os.path.join(dir_abs, "__init__.py")):
        return "build output or cache"
    return None


def select_files(
    root: Path, settings: Settings, progress: ProgressFn | None = None
) -> tuple[list[SourceFile], list[SkippedFile]]:
    """Walk ``root`` and return (files to ingest, files skipped with a reason).

    Paths are repository-relative with "/" separators; both lists are sorted by
    path, so the same tree always gives the same answer. ``progress`` receives
    the number of files examined so far, every few hundred files and at the end.
    Symbolic links are never followed, so nothing outside ``root`` is read.
    """
    root = Path(root).resolve()
    files: list[SourceFile] = []
    skipped: list[SkippedFile] = []
    ignores = _Ignores(root)
    examined = 0
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        dir_abs, dir_rel = stack.pop()
        ignores.enter(dir_abs, dir_rel)
        try:
            entries = sorted(os.scandir(dir_abs), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(SkippedFile(dir_rel + "/", f"unreadable: {exc.strerror or exc}"))
            continue
        subdirs: list[tuple[Path, str]] = []
        for entry in entries:
            rel = f"{dir_rel}/{entry.name}" if dir_rel else entry.name
            reason, file, is_dir = _examine(entry, rel, ignores, settings, subdirs)
            if is_dir:
                if reason is not None:
                    skipped.append(SkippedFile(rel + "/", reason))
                continue
            examined += 1
            if progress and examined % PROGRESS_EVERY == 0:
                progress(examined)
            if file is not None:
                files.append(file)
            elif reason is not None:
                skipped.append(SkippedFile(rel, reason))
        stack.extend(reversed(subdirs))
    if progress:
        progress(examined)
    files.sort(key=lambda f: f.path)
    skipped.sort(key=lambda s: s.path)
    return files, skipped


def _examine(
    entry: os.DirEntry[str],
    rel: str,
    ignores: _Ignores,
    settings: Settings,
    subdirs: list[tuple[Path, str]],
) -> tuple[str | None, SourceFile | None, bool]:
    """Decide about one directory entry: (skip reason, file to ingest, is a directory).

    A directory to walk is queued in ``subdirs`` and comes back as (None, None, True).
    """
    try:
        st = entry.stat(follow_symlinks=False)
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}", None, False
    if stat.S_ISLNK(st.st_mode):
        return "symlink", None, False
    if stat.S_ISDIR(st.st_mode):
        reason = _dir_reason(entry.name, rel, entry.path, ignores)
        if reason is None:
            subdirs.append((Path(entry.path), rel))
        return reason, None, True
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file", None, False
    ignored = ignores.reason(rel, is_dir=False)
    if ignored:
        return ignored, None, False
    result = _classify_file(entry.path, rel, st.st_size, settings)
    if isinstance(result, str):
        return result, None, False
    return None, result, False


__all__ = [
    "BUILD_DIRS",
    "KEPT_LOCKFILES",
    "LOCKFILES",
    "MAX_KEPT_LOCKFILE_BYTES",
    "MAX_KEPT_TEST_DATA_BYTES",
    "MAX_KEPT_TEST_DATA_TOTAL",
    "VCS_DIRS",
    "VENDORED_DIRS",
    "kept_test_data",
    "kept_text",
    "select_files",
]
