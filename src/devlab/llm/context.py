"""Fitting a prompt into the model's context window, by priority.

A prompt is a list of ``Section``s: the instructions, the user's message, retrieved
code, history. ``fit_context`` keeps what matters whole and makes room by trimming or
dropping the least important retrieved context first::

    fitted = fit_context(
        [
            Section("question", question, required=True),
            Section("current file", text, priority=10),
            Section("search hit 1", hit1, priority=5),
            Section("search hit 2", hit2, priority=4),
        ],
        budget_tokens=llm.context_window("explain") - 512,
        count_tokens=lambda t: llm.count_tokens("explain", t),
    )

Required sections (the user's message, the instructions) are never trimmed: if they
alone exceed the budget the request is refused (``InputTooLong``, 413) with both
sizes, rather than silently answering a cut-off question. Optional sections are
visited from the highest priority down (earlier first among equals); each is kept
whole if it fits, else cut at a line boundary to what is left (with a marker line),
else dropped (a section that is not ``cuttable`` is only ever kept whole). The result
keeps the sections' original order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import NamedTuple

from devlab.llm.base import InputTooLong

TRIM_MARKER = "\n[... trimmed to fit the context window]\n"
# A trimmed section shorter than this is not worth its marker: drop it instead.
MIN_SECTION_TOKENS = 24


@dataclass(frozen=True)
class Section:
    """One part of a prompt. Higher ``priority`` is kept first; ``required`` is never cut;
    an optional section that is not ``cuttable`` is kept whole or dropped."""

    name: str
    text: str
    priority: int = 0
    required: bool = False
    cuttable: bool = True


class FittedContext(NamedTuple):
    """The sections that fit (original order; trimmed ones shortened) and what changed."""

    sections: list[Section]
    tokens: int
    trimmed: list[str]
    dropped: list[str]

    def text(self, separator: str = "\n\n") -> str:
        return separator.join(s.text for s in self.sections)


def fit_context(
    sections: Iterable[Section],
    budget_tokens: int,
    count_tokens: Callable[[str], int],
    *,
    min_section_tokens: int = MIN_SECTION_TOKENS,
    marker: str = TRIM_MARKER,
) -> FittedContext:
    """Keep ``sections`` within ``budget_tokens`` (see the module docstring)."""
    items = list(sections)
    sizes = [count_tokens(s.text) for s in items]
    required = [(s, n) for s, n in zip(items, sizes, strict=True) if s.required]
    used = sum(n for _, n in required)
    if used > budget_tokens:
        biggest, size = max(required, key=lambda pair: pair[1])
        raise InputTooLong(
            f"{biggest.name} is {size} tokens"
            + (f" ({used} with the other required parts)" if len(required) > 1 else "")
            + f"; the model's context window leaves {max(budget_tokens, 0)} tokens for it. "
            "Shorten it, or route this task to a model with a larger context window.",
            detail={"tokens": used, "budget": budget_tokens, "section": biggest.name},
        )
    kept: dict[int, Section] = {i: s for i, s in enumerate(items) if s.required}
    trimmed: list[str] = []
    dropped: list[str] = []
    optional = sorted(
        (i for i, s in enumerate(items) if not s.required), key=lambda i: -items[i].priority
    )
    for i in optional:
        section, size, room = items[i], sizes[i], budget_tokens - used
        if size <= room:
            kept[i], used = section, used + size
            continue
        cut = _trim(section.text, room, count_tokens, marker) if section.cuttable else None
        if cut is not None and cut[1] >= min_section_tokens:
            kept[i], used = replace(section, text=cut[0]), used + cut[1]
            trimmed.append(section.name)
        else:
            dropped.append(section.name)
    return FittedContext([kept[i] for i in sorted(kept)], used, trimmed, dropped)


def _trim(
    text: str, room: int, count_tokens: Callable[[str], int], marker: str = TRIM_MARKER
) -> tuple[str, int] | None:
    """The longest head of ``text`` (whole lines) plus the marker within ``room`` tokens."""
    lines = text.splitlines(keepends=True)
    best: tuple[str, int] | None = None
    low, high = 1, len(lines) - 1  # all lines would have fitted whole
    while low <= high:  # binary search on the number of lines kept
        mid = (low + high) // 2
        candidate = "".join(lines[:mid]).rstrip("\n") + marker
        size = count_tokens(candidate)
        if size <= room:
            best, low = (candidate, size), mid + 1
        else:
            high = mid - 1
    return best


__all__ = ["MIN_SECTION_TOKENS", "TRIM_MARKER", "FittedContext", "Section", "fit_context"]
