"""Plain records passed between the ingestion stages (hot loops use these, not pydantic).

Pipeline: sources (materialise a tree) -> walk (pick files, record skips) ->
secrets (scrub) -> parsing (symbols, imports, references) -> chunking (chunks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Symbol(NamedTuple):
    """A definition found by the parser. Lines are 1-based and inclusive."""

    name: str  # short name: "get"
    qualname: str  # dotted within the file: "Client.get"; a module symbol uses the module name
    kind: str  # "module" | "class" | "function" | "method"
    signature: str  # the header line(s) up to the body: "def get(self, url: str) -> Response"
    docstring: str  # docstring, or the leading comment block; "" when none
    start_line: int
    end_line: int
    parent: str | None  # qualname of the enclosing class/function, None at top level


class Import(NamedTuple):
    """An import statement; ``module`` is what is imported ("os.path", "./util")."""

    module: str
    names: tuple[str, ...]  # imported names ("join",); empty for "import os"
    line: int


class Reference(NamedTuple):
    """A use of a name: a call site or another reference to an identifier."""

    name: str  # the referenced short name ("get" for self.client.get(...))
    kind: str  # "call" | "ref"
    line: int
    scope: str | None  # qualname of the enclosing symbol, None at module level


@dataclass
class ParsedFile:
    """What the parser learned about one file. ``error`` is set when parsing failed
    (or the tree had syntax errors); the file is then still indexed as text."""

    language: str
    symbols: list[Symbol] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    error: str | None = None


class Chunk(NamedTuple):
    """A piece of a file that is indexed and embedded on its own."""

    path: str  # repository-relative, "/" separated
    start_line: int
    end_line: int
    language: str
    symbol: str | None  # qualname of the symbol the chunk belongs to, None for module-level code
    kind: str  # "module" | "class" | "function" | "method" | "text"
    content: str  # context header + code
    content_hash: str  # sha256 hex of content


class SourceFile(NamedTuple):
    """A file chosen for ingestion."""

    path: str  # repository-relative, "/" separated
    abs_path: str
    size: int
    language: str


class SkippedFile(NamedTuple):
    """A file not ingested, and why ("binary", "too large: 2.1 MB > 1.0 MB cap", ...)."""

    path: str
    reason: str


class SecretFinding(NamedTuple):
    """A secret found in a file: never the value itself."""

    path: str
    line: int
    type: str  # detect-secrets plugin name, e.g. "AWS Access Key"
