"""Licence filter: an allow-list of SPDX ids decides which files a dataset may use.

A file's licence is what ingestion recorded (its SPDX header, else the nearest licence
file). Expressions are honoured: ``A OR B`` passes when one side does, ``A AND B`` only
when both do, ``X WITH exception`` is judged by ``X``; ids compare case-insensitively.
A file with no recognised licence is dropped, like one with an excluded licence, unless
the user marks the project as their own. Every decision, kept or not, goes into the
provenance log with its reason.
"""

from __future__ import annotations

import re

__all__ = ["licence_decision"]

# issue 13: a match may only start where a run starts (linear, not quadratic)
_SPLIT_OR = re.compile(r"(?<!\s)\s+OR\s+", re.I)
_SPLIT_AND = re.compile(r"(?<!\s)\s+AND\s+", re.I)


def _allowed(expr: str, allowed: set[str]) -> bool:
    expr = expr.strip().strip("()").strip()
    alternatives = _SPLIT_OR.split(expr)
    if len(alternatives) > 1:
        return any(_allowed(a, allowed) for a in alternatives)
    parts = _SPLIT_AND.split(expr)
    if len(parts) > 1:
        return all(_allowed(p, allowed) for p in parts)
    spdx = re.split(r"\s+WITH\s+", expr, flags=re.I)[0].strip().strip("()").lower()
    return spdx.removesuffix("+") in allowed


def licence_decision(
    licence: str | None, allowed: list[str], *, own_project: bool
) -> tuple[bool, str]:
    """``(keep, reason)`` for a file under ``licence``."""
    if own_project:
        return True, f"own project: kept whatever the licence ({licence or 'unknown'})"
    if not licence:
        return False, "unknown licence: no SPDX header or licence file covers it"
    if _allowed(licence, {a.lower() for a in allowed}):
        return True, f"allowed licence {licence}"
    return False, f"licence {licence} is not in the allow-list"
