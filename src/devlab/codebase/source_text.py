"""Small text helpers shared by parsing and chunking: lines, signatures, doc comments.

Lines follow tree-sitter's rows: only ``\\n`` ends a line (``\\r`` stays on its
line and is trimmed for display), so line numbers agree everywhere.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable

SIGNATURE_MAX_CHARS = 300

_STRING_PREFIX = re.compile(r"^[rRuUbBfF]*")
_SPACE_AFTER_OPEN = re.compile(r"([(\[])\s+")
# issue 13: a match may only start where a run starts (linear, not quadratic)
_SPACE_BEFORE_CLOSE = re.compile(r"(?<!\s)\s+([)\]])")


def count_lines(text: str) -> int:
    """Number of lines in ``text`` (a final line without ``\\n`` counts; "" has 0)."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their ``\\n`` (and a trailing ``\\r``)."""
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def unquote(text: str) -> str:
    """``"./util"`` -> ``./util``; also strips single quotes and backticks."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        return text[1:-1]
    return text


def collapse_signature(text: str) -> str:
    """A definition header on one line: whitespace collapsed, trailing ``:``/``{``/``;`` dropped."""
    text = " ".join(text.split())
    text = _SPACE_BEFORE_CLOSE.sub(r"\1", _SPACE_AFTER_OPEN.sub(r"\1", text))
    while text.endswith((":", "{", ";")):
        text = text[:-1].rstrip()
    if len(text) > SIGNATURE_MAX_CHARS:
        text = text[: SIGNATURE_MAX_CHARS - 3].rstrip() + "..."
    return text


def clean_docstring(literal: str) -> str:
    """The value of a Python docstring literal, indentation removed (``inspect.cleandoc``)."""
    body = _STRING_PREFIX.sub("", literal.strip())
    for quote in ('"""', "'''", '"', "'"):
        if body.startswith(quote) and body.endswith(quote) and len(body) >= 2 * len(quote):
            body = body[len(quote) : -len(quote)]
            break
    return inspect.cleandoc(body).strip()


def clean_comments(comments: Iterable[str]) -> str:
    """Join comment tokens (``//``, ``#``, ``/* */``, ``/** */``) into plain text."""
    lines: list[str] = []
    for comment in comments:
        comment = comment.strip()
        if comment.startswith("/*"):
            comment = comment[2:]
            comment = comment.removesuffix("*/")
            comment = comment.lstrip("*!")
            for line in comment.split("\n"):
                line = line.strip()
                if line.startswith("*"):
                    line = line[1:].removeprefix(" ")
                lines.append(line)
        elif comment.startswith("//"):
            lines.append(comment.lstrip("/").removeprefix("!").removeprefix(" ").rstrip())
        elif comment.startswith("#"):
            lines.append(comment.lstrip("#").removeprefix(" ").rstrip())
        else:
            lines.append(comment)
    return inspect.cleandoc("\n".join(lines)).strip()
