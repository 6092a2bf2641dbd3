"""Search a project's code: lexical (BM25), semantic (embeddings), hybrid, repo map, navigation.

The public names are imported on first use (PEP 562), so ``devlab def x`` importing
``devlab.search.navigation`` does not pay for the indexer and everything it pulls in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from devlab.lazy import lazy_names

# Public names imported on first use (PEP 562, devlab.lazy): the package stays cheap to import.
if TYPE_CHECKING:
    from devlab.search.embeddings import prepare_static_model
    from devlab.search.indexer import embed_snapshot, index_project
    from devlab.search.ingest import ingest_job, prepare_ingest
    from devlab.search.models import (
        ReferenceInfo,
        RepoMap,
        SearchMode,
        SearchRequest,
        SearchResult,
        SymbolInfo,
    )
    from devlab.search.navigation import callees, callers, definitions, find_symbols, references
    from devlab.search.remote import ask_server, running_server, stream_from_server
    from devlab.search.repomap import repo_map
    from devlab.search.retrieval import search

_LAZY = {
    "ReferenceInfo": "devlab.search.models",
    "RepoMap": "devlab.search.models",
    "SearchMode": "devlab.search.models",
    "SearchRequest": "devlab.search.models",
    "SearchResult": "devlab.search.models",
    "SymbolInfo": "devlab.search.models",
    "callees": "devlab.search.navigation",
    "callers": "devlab.search.navigation",
    "definitions": "devlab.search.navigation",
    "embed_snapshot": "devlab.search.indexer",
    "find_symbols": "devlab.search.navigation",
    "index_project": "devlab.search.indexer",
    "ingest_job": "devlab.search.ingest",
    "prepare_ingest": "devlab.search.ingest",
    "prepare_static_model": "devlab.search.embeddings",
    "references": "devlab.search.navigation",
    "repo_map": "devlab.search.repomap",
    "ask_server": "devlab.search.remote",
    "running_server": "devlab.search.remote",
    "stream_from_server": "devlab.search.remote",
    "search": "devlab.search.retrieval",
}
__getattr__ = lazy_names(__name__, _LAZY)

__all__ = [
    "ReferenceInfo",
    "RepoMap",
    "SearchMode",
    "SearchRequest",
    "SearchResult",
    "SymbolInfo",
    "ask_server",
    "callees",
    "callers",
    "definitions",
    "embed_snapshot",
    "find_symbols",
    "index_project",
    "ingest_job",
    "prepare_ingest",
    "prepare_static_model",
    "references",
    "repo_map",
    "running_server",
    "search",
    "stream_from_server",
]
