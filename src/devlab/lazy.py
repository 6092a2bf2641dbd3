"""Lazy public names for package faces (PEP 562).

A package's ``__init__`` names its public API in ``__all__``; the names that live in
heavy modules are imported on first use, so ``import devlab.search`` (or reaching one
cheap submodule) does not pay for the indexer, torch or tree-sitter::

    _LAZY = {"index_project": "devlab.search.indexer", "crypto": "devlab.store.crypto:"}
    __getattr__ = lazy_names(__name__, _LAZY)

A value ``"module"`` means the attribute of that name in the module; ``"module:"``
means the module itself (a public sub-module such as ``devlab.store.crypto``).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, table: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports ``table``'s names on first
    use and keeps them in the package's namespace afterwards."""

    def __getattr__(name: str) -> Any:
        home = table.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module_name, whole, _ = home.partition(":")  # "module:" names the module itself
        module = importlib.import_module(module_name)
        value = module if whole else getattr(module, name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


__all__ = ["lazy_names"]
