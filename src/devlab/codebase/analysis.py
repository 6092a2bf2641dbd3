"""Per-file analysis: decode, scrub secrets, parse, chunk. Pure: no storage.

Secrets are scrubbed first, so nothing downstream (symbols, docstrings, chunks,
embeddings) ever sees a secret value.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from devlab.codebase.chunking import chunk_file
from devlab.codebase.licenses import spdx_header
from devlab.codebase.parsing import parse_source
from devlab.codebase.records import Chunk, ParsedFile, SecretFinding, SourceFile
from devlab.codebase.secrets import scrub


@dataclass
class FileAnalysis:
    file: SourceFile
    content_hash: str
    line_count: int
    parsed: ParsedFile
    chunks: list[Chunk]
    secrets: list[SecretFinding]
    spdx: str | None
    text: str  # the file as stored: secrets already replaced by placeholders


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def module_name(path: str) -> str:
    """``pkg/sub/mod.py`` -> ``pkg.sub.mod``; ``pkg/__init__.py`` -> ``pkg``."""
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    parts = [p for p in stem.split("/") if p]
    if parts and parts[-1] in {"__init__", "index", "mod"}:
        parts = parts[:-1]
    return ".".join(parts)


def analyse_file(
    file: SourceFile, raw: bytes, *, max_lines: int = 60, overlap_lines: int = 5
) -> FileAnalysis:
    """Analyse one file's bytes; undecodable text is the caller's to skip."""
    text = raw.decode("utf-8")
    text, secrets = scrub(file.path, text)
    parsed = parse_source(text, file.language, module_name(file.path))
    chunks = chunk_file(
        file.path, text, file.language, parsed, max_lines=max_lines, overlap_lines=overlap_lines
    )
    return FileAnalysis(
        file=file,
        content_hash=content_hash(raw),
        line_count=text.count("\n") + (0 if text.endswith("\n") or not text else 1),
        parsed=parsed,
        chunks=chunks,
        secrets=secrets,
        spdx=spdx_header(text),
        text=text,
    )
