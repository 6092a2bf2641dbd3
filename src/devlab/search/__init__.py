"""Search a project's code: lexical (BM25), semantic (embeddings), hybrid, repo map, navigation."""

from devlab.search.indexer import embed_snapshot, index_project
from devlab.search.models import (
    ReferenceInfo,
    RepoMap,
    SearchMode,
    SearchRequest,
    SearchResult,
    SymbolInfo,
)
from devlab.search.navigation import callees, callers, definitions, find_symbols, references
from devlab.search.repomap import repo_map
from devlab.search.retrieval import search

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
