"""What a chunk's vector is computed from: the "embedding text" styles.

``head`` (the first style): the chunk as stored, cut to ``embedding_max_chars``:
its context header (``# File: ...`` / ``# Class: ...`` / ``# Symbol: ...``), then the
signature, docstring and first lines.

``context``: the same, opened by one line of plain words saying what the chunk is
and where it lives, so a question in English meets the code's names half-way:
``method: select related, of class query set, in module django db models query``.
Identifiers are split (``select_related`` -> ``select related``), the path becomes
words, and the header's verbatim names stay below it. Retrieval on large codebases
(docs/benchmarks.md, "Retrieval on large codebases") measured it against ``head``.

Vectors from different styles of the same model live in one space (a query is
embedded the same way for both), so the style is part of the index key only to tell
which chunks a re-index must re-embed; searching an index built with another style
of the same model works, and ``devlab ingest`` again re-embeds it.
"""

from __future__ import annotations

import re

__all__ = ["EMBEDDING_TEXT_STYLES", "context_line", "embedding_text", "index_key", "model_of_key"]

EMBEDDING_TEXT_STYLES = ("head", "context")
_STYLE_SEP = "+text="
_HEADER = re.compile(r"^\W*(File|Class|Symbol|Section):\s*(.+?)\s*$")
_SYMBOL = re.compile(r"^(\S+)\s*\(([a-z ]+)")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_SOURCE_SUFFIX = re.compile(r"\.(py|pyi|js|jsx|mjs|cjs|ts|tsx|java|go|sh|bash)$")


def words(identifier: str) -> str:
    """``QuerySet.select_related`` -> ``query set select related`` (lower case)."""
    out: list[str] = []
    for piece in re.split(r"[\W_]+", identifier):
        out.extend(p.lower() for p in _CAMEL.findall(piece))
    return " ".join(out)


def _header(content: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in content.splitlines()[:4]:
        match = _HEADER.match(line)
        if match is None:
            break
        fields.setdefault(match.group(1), match.group(2))
    return fields


def context_line(content: str) -> str:
    """The plain-words line the ``context`` style puts first ('' for a chunk without a
    header, e.g. text pasted by a test)."""
    fields = _header(content)
    if "File" not in fields:
        return ""
    module = words(_SOURCE_SUFFIX.sub("", fields["File"]))
    symbol = _SYMBOL.match(fields.get("Symbol", ""))
    if symbol is None:
        return f"code in module {module}"
    qualname, kind = symbol.group(1), symbol.group(2).strip()
    name = qualname.rsplit(".", 1)[-1]
    parts = [f"{kind}: {words(name)}"]
    if "Class" in fields:
        parts.append(f"of class {words(fields['Class'])}")
    parts.append(f"in module {module}")
    return ", ".join(parts)


def embedding_text(content: str, max_chars: int, style: str = "head") -> str:
    """What gets embedded for one chunk in ``style`` (see the module docstring)."""
    if style == "context":
        line = context_line(content)
        if line:
            return f"{line}\n{content}"[:max_chars]
    return content[:max_chars]


def index_key(embedder_key: str, style: str) -> str:
    """The key stored with an index's vectors: the model's, plus the text style
    unless it is the first one (so indexes built before styles existed keep theirs)."""
    return embedder_key if style == "head" else f"{embedder_key}{_STYLE_SEP}{style}"


def model_of_key(key: str) -> str:
    """The embedding model's own key inside an index key (what queries must match)."""
    return key.split(_STYLE_SEP, 1)[0]
