"""Unified diffs built with difflib, and a strict applier that proves they apply.

``unified_diff`` marks a last line without a newline the way ``patch`` and ``git apply``
expect (``\\ No newline at end of file``), which difflib alone does not. ``apply_diff``
applies a one-file diff exactly (every context and removed line must match), so the
companion checks each diff it returns reproduces the new code.
"""

from __future__ import annotations

import difflib
import re

from devlab.errors import DevLabError

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
NO_NEWLINE = "\\ No newline at end of file"


class DiffDoesNotApply(DevLabError):
    """A diff's context does not match the text it is applied to."""

    status_code = 422
    exit_code = 1


def unified_diff(original: str, new: str, path: str = "code", *, context: int = 3) -> str:
    """The diff from ``original`` to ``new`` ('' when equal); ``path`` names both sides
    (``a/path``, ``b/path``), or ``/dev/null`` for a created file when ``original`` is
    None-like empty and ``path`` is new."""
    if original == new:
        return ""
    out = []
    lines = difflib.unified_diff(
        original.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{path}" if original else "/dev/null",
        tofile=f"b/{path}",
        n=context,
    )
    for line in lines:
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE + "\n")
    return "".join(out)


def apply_diff(original: str, diff: str) -> str:
    """Apply a one-file unified diff to ``original``; ``DiffDoesNotApply`` on mismatch."""
    if not diff.strip():
        return original
    source = original.splitlines(keepends=True)
    result: list[str] = []
    pos = 0  # index into source of the next line not yet copied
    lines = diff.splitlines(keepends=True)
    i = 0
    while i < len(lines) and not lines[i].startswith("@@"):
        i += 1  # headers
    while i < len(lines):
        match = _HUNK.match(lines[i])
        if not match:
            raise DiffDoesNotApply(f"diff line {i + 1} is not a hunk header: {lines[i]!r}")
        start = int(match.group(1))
        old_start = start - 1 if match.group(2) != "0" else start
        if old_start < pos:
            raise DiffDoesNotApply(f"hunk at line {start} overlaps the previous one")
        result.extend(source[pos:old_start])
        pos = old_start
        i += 1
        while i < len(lines) and not lines[i].startswith("@@"):
            line = lines[i]
            tag, body = line[:1], line[1:]
            if line.startswith("\\"):
                target = result if lines[i - 1].startswith(("+", " ")) else None
                if target:  # the previous new line has no newline at the end
                    target[-1] = target[-1].rstrip("\n")
                i += 1
                continue
            if tag in (" ", "-"):
                have = source[pos] if pos < len(source) else None
                if have is None or have.rstrip("\n") != body.rstrip("\n"):
                    raise DiffDoesNotApply(
                        f"context mismatch at line {pos + 1}: expected {body.rstrip()!r}"
                    )
                if tag == " ":
                    result.append(have)
                pos += 1
            elif tag == "+":
                result.append(body)
            else:
                raise DiffDoesNotApply(f"unexpected diff line {i + 1}: {line!r}")
            i += 1
    result.extend(source[pos:])
    return "".join(result)


def checked_diff(original: str, new: str, path: str = "code") -> str:
    """``unified_diff`` proven to turn ``original`` into ``new``."""
    diff = unified_diff(original, new, path)
    if apply_diff(original, diff) != new:  # pragma: no cover - a bug in this module
        raise DiffDoesNotApply(f"internal error: the diff for {path} does not reproduce it")
    return diff


__all__ = ["DiffDoesNotApply", "apply_diff", "checked_diff", "unified_diff"]
