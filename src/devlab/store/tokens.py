"""Identifier-aware tokenisation shared by indexing and querying.

``parseHTTPResponse`` -> parsehttpresponse, parse, http, response;
``get_user_by_id`` -> get_user_by_id, get, user, by, id;
``os.path.join`` -> os.path.join, os, path, join.
The original (lower-cased) identifier is kept so exact names rank first.
"""

from __future__ import annotations

import re

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|[0-9]+")
# camelCase / PascalCase / ACRONYMWord / digits boundaries
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def split_identifier(word: str) -> list[str]:
    """Split one identifier (no dots) into its lower-case parts."""
    parts: list[str] = []
    for piece in word.split("_"):
        if piece:
            parts.extend(p.lower() for p in _CAMEL.findall(piece))
    return parts


def identifier_tokens(text: str) -> list[str]:
    """Tokens for BM25: each identifier as written (lower-cased) plus its parts."""
    out: list[str] = []
    for match in _IDENT.finditer(text):
        word = match.group(0)
        lowered = word.lower()
        out.append(lowered)
        segments = word.split(".")
        if len(segments) > 1:
            out.extend(s.lower() for s in segments if s)
        for segment in segments:
            parts = split_identifier(segment)
            if len(parts) > 1:
                out.extend(parts)
    return out


def query_tokens(query: str) -> list[str]:
    """Distinct tokens of a search query, in order."""
    seen: dict[str, None] = {}
    for token in identifier_tokens(query):
        seen.setdefault(token, None)
    return list(seen)
