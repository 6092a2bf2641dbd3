"""Read what a build needs out of the store, in a few queries (no per-file round trips):
the snapshot's files with their text and licence, their symbols, their imports, and the
calls made in test files (for linking code to tests)."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from devlab.codebase import (
    PARSED_LANGUAGES,
    is_vendored,
    project_own_code,
    require_snapshot,
    resolve_project,
)
from devlab.errors import NotFound
from devlab.store import (
    Database,
    FileText,
    FileVersion,
    ImportRow,
    Project,
    ReferenceRow,
    Snapshot,
    SnapshotFile,
    SymbolRow,
)
from devlab.training.datasets.annotate import is_test_path
from devlab.training.datasets.licensing import licence_decision
from devlab.training.datasets.models import DatasetConfig
from devlab.training.datasets.units import FileTask, SymbolInfo

__all__ = ["ProjectInputs", "load_project", "module_name"]

_EXTENSIONS = (".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".java", ".go", ".sh")


def module_name(path: str) -> str:
    """``src/shop/cart.py`` -> ``shop.cart``; ``pkg/__init__.py`` -> ``pkg``."""
    stem = path
    for ext in _EXTENSIONS:
        if stem.endswith(ext):
            stem = stem[: -len(ext)]
            break
    parts = [p for p in stem.split("/") if p]
    if parts and parts[-1] in ("__init__", "index"):
        parts = parts[:-1]
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


@dataclass
class ProjectInputs:
    project_id: int
    name: str
    snapshot_id: int
    commit: str | None
    source: str
    source_kind: str
    tasks: list[FileTask] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    imports: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    # (test file path, enclosing symbol qualname or None) -> names called there
    test_calls: dict[tuple[str, str | None], set[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # kept files' (scrubbed) text
    own_code: bool = False  # every licence kept (vendored folders excepted)


def load_project(
    db: Database, project: str | int, cfg: DatasetConfig, snapshot_id: int | None = None
) -> ProjectInputs:
    """A snapshot of ``project`` (its current one unless ``snapshot_id`` is given): files
    (licence-filtered, with decisions), symbols, imports and test calls."""
    ref = resolve_project(db, project)
    snapshot_id = snapshot_id or require_snapshot(ref)
    languages = set(cfg.languages or PARSED_LANGUAGES) & PARSED_LANGUAGES
    with db.session() as s:
        snap = s.get(Snapshot, snapshot_id)
        proj = s.get(Project, ref.id)
        assert proj is not None
        if snap is None or snap.project_id != ref.id:
            raise NotFound(f"project {ref.name!r} has no snapshot {snapshot_id}")
        out = ProjectInputs(
            ref.id, ref.name, snapshot_id, snap.commit, proj.source, snap.source_kind
        )
        files = s.execute(
            select(FileVersion.id, FileVersion.path, FileVersion.language, FileVersion.license,
                   FileText.text)
            .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
            .join(FileText, FileText.file_id == FileVersion.id)
            .where(SnapshotFile.snapshot_id == snapshot_id)
            .order_by(FileVersion.path)
        ).all()  # fmt: skip
        kept: dict[int, tuple[str, str, str | None, str]] = {}
        own = cfg.own_project
        if own is None:  # the project's own setting, decided once at ingestion
            own = project_own_code(proj, snap.source_kind)
        out.own_code = own
        for file_id, path, language, licence, text in files:
            if language not in languages:
                continue
            # a vendored folder is someone else's code even inside the team's project
            keep, reason = licence_decision(
                licence, cfg.licenses, own_project=own and not is_vendored(path)
            )
            out.decisions.append({
                "project": ref.name, "path": path, "licence": licence,
                "decision": "kept" if keep else "dropped", "reason": reason,
            })  # fmt: skip
            if keep:
                kept[file_id] = (path, language, licence, text)
        symbols = _symbols(s, snapshot_id, kept)
        _imports_and_calls(s, snapshot_id, kept, out)
    for file_id, (path, language, licence, text) in kept.items():
        out.texts[path] = text
        out.tasks.append(
            FileTask(ref.name, snapshot_id, snap.commit, path, language, text, licence,
                     module_name(path), is_test_path(path), tuple(symbols.get(file_id, ())))
        )  # fmt: skip
    return out


def _symbols(
    s: Session, snapshot_id: int, kept: dict[int, tuple[str, str, str | None, str]]
) -> dict[int, list[SymbolInfo]]:
    """The functions, methods and classes of the kept files, by file id, in line order."""
    symbols: dict[int, list[SymbolInfo]] = defaultdict(list)
    rows = s.execute(
        select(SymbolRow.file_id, SymbolRow.name, SymbolRow.qualname, SymbolRow.kind,
               SymbolRow.signature, SymbolRow.docstring, SymbolRow.start_line,
               SymbolRow.end_line, SymbolRow.parent)
        .join(SnapshotFile, SnapshotFile.file_id == SymbolRow.file_id)
        .where(SnapshotFile.snapshot_id == snapshot_id,
               SymbolRow.kind.in_(("function", "method", "class")))
        .order_by(SymbolRow.file_id, SymbolRow.start_line)
    )  # fmt: skip
    for file_id, *rest in rows:
        if file_id in kept:
            symbols[file_id].append(SymbolInfo._make(rest))
    return symbols


def _imports_and_calls(
    s: Session,
    snapshot_id: int,
    kept: dict[int, tuple[str, str, str | None, str]],
    out: ProjectInputs,
) -> None:
    """Fill ``out.imports`` (per kept file) and ``out.test_calls`` (per kept test file)."""
    imports = s.execute(
        select(ImportRow.file_id, ImportRow.module, ImportRow.names)
        .join(SnapshotFile, SnapshotFile.file_id == ImportRow.file_id)
        .where(SnapshotFile.snapshot_id == snapshot_id)
    )
    for file_id, module, names in imports:
        if file_id in kept:
            out.imports.setdefault(kept[file_id][0], []).append((module, tuple(names or ())))
    test_ids = [i for i, (path, *_) in kept.items() if is_test_path(path)]
    for start in range(0, len(test_ids), 500):
        calls = s.execute(
            select(ReferenceRow.file_id, ReferenceRow.name, ReferenceRow.scope).where(
                ReferenceRow.file_id.in_(test_ids[start : start + 500]),
                ReferenceRow.kind == "call",
            )
        )
        for file_id, name, scope in calls:
            out.test_calls.setdefault((kept[file_id][0], scope), set()).add(name)


def relative_module(path: str, module: str) -> str:
    """Resolve a relative Python import (``.pricing``, ``..util``) against ``path``."""
    dots = len(module) - len(module.lstrip("."))
    package = module_name(path).split(".")
    if not path.endswith("__init__.py"):
        package = package[:-1]
    base = package[: len(package) - (dots - 1)] if dots > 1 else package
    rest = module[dots:]
    return ".".join([*base, *([rest] if rest else [])])


def js_target(path: str, module: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), module))
