"""Search schemas that cross the REST/CLI boundary."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SearchMode = Literal["hybrid", "lexical", "semantic"]
SymbolKind = Literal["module", "class", "function", "method", "text"]


class SearchRequest(BaseModel):
    project: str = Field(description="project name or id")
    query: str = Field(min_length=1, max_length=2000)
    limit: int = Field(default=10, ge=1, le=200)
    mode: SearchMode = "hybrid"
    language: str | None = Field(default=None, description="only chunks of this language")
    path: str | None = Field(
        default=None, description="only paths matching this glob, e.g. 'src/**/*.py'"
    )
    kind: SymbolKind | None = Field(default=None, description="only chunks of this symbol kind")


class SearchResult(BaseModel):
    path: str
    start_line: int
    end_line: int
    symbol: str | None
    kind: str
    language: str
    snippet: str
    score: float
    lexical_rank: int | None = None
    semantic_rank: int | None = None
    semantic_coverage: float | None = Field(
        default=None,
        description="set while the project's vectors are still being filled (most "
        "important code first): the share of its chunks with the configured model's "
        "vectors",
    )
    semantic_tier: Literal["static", "mixed"] | None = Field(
        default=None,
        description="set while a large first index fills: the chunks without the "
        "configured model's vectors were ranked by the static first-tier model's "
        '("static": all of them; "mixed": each chunk by its own model\'s vector)',
    )


class SymbolInfo(BaseModel):
    name: str
    qualname: str
    kind: str
    path: str
    start_line: int
    end_line: int
    signature: str
    docstring: str
    rank: float = 0.0


class ReferenceInfo(BaseModel):
    name: str
    kind: str
    path: str
    line: int
    scope: str | None


class RepoMap(BaseModel):
    project: str
    snapshot_id: int
    max_tokens: int
    tokens: int
    files: int
    symbols: int
    text: str
