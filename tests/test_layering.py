"""The import layering of docs/architecture.md, checked on every import of src/devlab.

Each module has a layer; an import may only point to a lower layer (or stay inside its
own package). Doors (``cli.py``, ``routes.py``) sit above every capability's library
code, the composition root (``devlab.server``, ``devlab.cli``) above everything. Imports
inside functions and under ``TYPE_CHECKING`` count too: a lazy import is still an arrow.
A second check keeps the packages' public faces: another package is imported through
its ``__init__`` (its ``__all__``), not through its private modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# Bottom to top; a module may import only from layers before its own (or its package).
LAYERS: list[tuple[str, ...]] = [
    ("errors", "progress", "apitypes", "actor", "lazy", "__init__"),
    ("config",),
    ("store",),
    ("codebase", "jobs"),  # the code model every capability reads; the job plumbing
    ("llm",),
    ("workbench",),
    ("clitools", "webtools"),  # the doors' shared plumbing
    ("sandbox",),
    ("search", "reverse"),
    ("insights",),
    ("companion", "training", "apibuilder"),
    ("testing",),
    ("auth",),  # the server's access check: locates every capability's rows
    ("<doors>",),  # each capability's cli.py / routes.py
    ("server", "cli", "cli_llm", "__main__"),  # the composition root
]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}
DOOR_FILES = {"cli.py", "routes.py", "history_routes.py", "project_cli.py", "project_routes.py"}
ROOT = {"server", "cli", "cli_llm", "__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def layer(path: Path) -> int:
    package = top(module_name(path))
    if path.name in DOOR_FILES and package not in ROOT | {"auth"}:
        return RANK["<doors>"]
    return RANK[package]


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) of every ``devlab`` import in ``path``."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target
            for alias in node.names:  # ``from devlab.x import y`` may import module x.y
                yield node.lineno, f"{target}.{alias.name}"


@cache
def module_paths() -> dict[str, Path]:
    return {module_name(p): p for p in (SRC / "devlab").rglob("*.py")}


def resolve(target: str) -> Path | None:
    """The file of an imported ``devlab`` module (None: not a module, e.g. a name)."""
    return module_paths().get(target) if target.startswith("devlab") else None


def source_files() -> list[Path]:
    return sorted(p for p in (SRC / "devlab").rglob("*.py") if "migrations" not in p.parts)


def test_every_package_has_a_layer() -> None:
    missing = {top(module_name(p)) for p in source_files()} - set(RANK)
    assert not missing, f"add these to LAYERS in tests/test_layering.py: {sorted(missing)}"


def test_imports_only_point_down() -> None:
    upward = []
    for path in source_files():
        here, mine = layer(path), top(module_name(path))
        for line, target in imports(path):
            dest = resolve(target)
            if dest is None or top(module_name(dest)) == mine:
                continue
            if mine in ROOT and top(module_name(dest)) in ROOT:
                continue  # the composition root: the CLI starts the server
            if layer(dest) >= here:
                upward.append(f"{path.relative_to(SRC)}:{line} imports {module_name(dest)}")
    assert not upward, "imports that run back up (see docs/architecture.md):\n" + "\n".join(
        sorted(set(upward))
    )


def test_other_packages_import_public_faces() -> None:
    """Outside the composition root, a package is imported through its ``__init__``
    (whose ``__all__`` names its public API), or through a door module (cli/routes) by
    the root only. Top-level modules (``devlab.errors``, ``devlab.webtools``...) are
    faces themselves."""
    private = []
    for path in source_files():
        mine = top(module_name(path))
        if mine in ROOT:
            continue
        for line, target in imports(path):
            dest = resolve(target)
            if dest is None or top(module_name(dest)) == mine:
                continue
            is_face = dest.name == "__init__.py" or dest.parent == SRC / "devlab"
            if not is_face and not public_submodule(dest):
                private.append(f"{path.relative_to(SRC)}:{line} imports {module_name(dest)}")
    assert not private, "import these through the package's __init__:\n" + "\n".join(
        sorted(set(private))
    )


def public_submodule(path: Path) -> bool:
    """A sub-module its package's ``__all__`` names (e.g. ``devlab.store.crypto``)."""
    package = path.parent / "__init__.py"
    if path.name == "__init__.py" or not package.exists():
        return False
    return f'"{path.stem}"' in package.read_text(encoding="utf-8").split("__all__", 1)[-1]


def test_public_faces_name_their_api() -> None:
    """Every package's ``__init__`` declares ``__all__``, and each name in it resolves."""
    import importlib

    missing, broken = [], []
    for path in sorted((SRC / "devlab").rglob("__init__.py")):
        if "migrations" in path.parts:
            continue
        name = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [
            t.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(t, ast.Name)
        ]
        if "__all__" not in names:
            missing.append(name)
            continue
        module = importlib.import_module(name)
        broken += [f"{name}.{n}" for n in module.__all__ if not hasattr(module, n)]
    assert not missing, f"packages without __all__: {missing}"
    assert not broken, f"__all__ names that do not resolve: {broken}"
