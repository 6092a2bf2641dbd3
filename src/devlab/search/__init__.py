"""Search a project's code: lexical (BM25), semantic (embeddings), hybrid, repo map, navigation.

The public names are imported on first use (PEP 562), so ``devlab def x`` importing
``devlab.search.navigation`` does not pay for the indexer and everything it pulls in.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    "embed_snapshot": "indexer",
    "index_project": "indexer",
    "ReferenceInfo": "models",
    "RepoMap": "models",
    "SearchMode": "models",
    "SearchRequest": "models",
    "SearchResult": "models",
    "SymbolInfo": "models",
    "callees": "navigation",
    "callers": "navigation",
    "definitions": "navigation",
    "find_symbols": "navigation",
    "references": "navigation",
    "repo_map": "repomap",
    "search": "retrieval",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'devlab.search' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"devlab.search.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ReferenceInfo",
    "RepoMap",
    "SearchMode",
    "SearchRequest",
    "SearchResult",
    "SymbolInfo",
    "callees",
    "callers",
    "definitions",
    "embed_snapshot",
    "find_symbols",
    "index_project",
    "references",
    "repo_map",
    "search",
]
