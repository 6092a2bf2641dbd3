"""fit_context: priority order, whole sections, line-boundary trims, never the user's message."""

from __future__ import annotations

import pytest

from devlab.llm import InputTooLong, Section, fit_context
from devlab.llm.context import TRIM_MARKER


def words(text: str) -> int:
    return len(text.split())


def lines(n: int, tag: str) -> str:
    return "\n".join(f"{tag} line {i} with words" for i in range(n))  # 5 words a line


def test_everything_fits_unchanged_in_original_order():
    sections = [Section("q", "a b c", required=True), Section("ctx", "d e", priority=1)]
    fitted = fit_context(sections, 10, words)
    assert fitted.sections == sections and fitted.tokens == 5
    assert fitted.trimmed == fitted.dropped == []


def test_highest_priority_kept_whole_lower_trimmed_then_dropped():
    question = Section("question", "why does total() ignore discounts", required=True)
    current = Section("current file", lines(20, "cur"), priority=10)  # 100 words
    hit1 = Section("hit 1", lines(20, "one"), priority=5)
    hit2 = Section("hit 2", lines(20, "two"), priority=1)
    fitted = fit_context([hit2, question, hit1, current], 160, words, min_section_tokens=10)

    names = [s.name for s in fitted.sections]
    assert names == ["question", "hit 1", "current file"]  # original order kept
    assert fitted.sections[2] == current  # whole
    trimmed = fitted.sections[1]
    assert fitted.trimmed == ["hit 1"] and fitted.dropped == ["hit 2"]
    assert trimmed.text.endswith(TRIM_MARKER) and trimmed.text.startswith("one line 0")
    assert all(
        line.startswith("one line") for line in trimmed.text.split(TRIM_MARKER)[0].split("\n")
    )
    assert fitted.tokens <= 160
    assert fitted.tokens == sum(words(s.text) for s in fitted.sections)


def test_a_small_low_priority_section_still_fits_after_a_big_one_is_dropped():
    fitted = fit_context(
        [
            Section("q", "one two", required=True),
            Section("huge", "x" * 10 + " " + "y " * 50, priority=5),
            Section("small", "tiny note", priority=1),
        ],
        12,
        words,
    )
    assert [s.name for s in fitted.sections] == ["q", "small"]
    assert fitted.dropped == ["huge"]


def test_required_sections_over_budget_are_refused_with_sizes():
    question = Section("your message", "word " * 50, required=True)
    with pytest.raises(InputTooLong) as info:
        fit_context([question, Section("ctx", "a b", priority=1)], 40, words)
    message = info.value.message
    assert "your message is 50 tokens" in message and "40 tokens" in message
    assert info.value.status_code == 413
    assert info.value.detail == {"tokens": 50, "budget": 40, "section": "your message"}


def test_user_message_is_never_trimmed():
    question = Section("q", lines(30, "q"), required=True)
    fitted = fit_context([question, Section("ctx", lines(30, "c"), priority=9)], 160, words)
    assert fitted.sections[0] == question
    assert fitted.dropped == ["ctx"] or fitted.trimmed == ["ctx"]


def test_a_section_that_is_not_cuttable_is_dropped_and_the_marker_can_change():
    question = Section("question", "why", required=True)
    whole = Section("whole", lines(20, "w"), priority=5, cuttable=False)
    cut = Section("cut", lines(20, "c"), priority=1)
    fitted = fit_context([question, whole, cut], 60, words, marker="\n(cut)")
    assert fitted.dropped == ["whole"] and fitted.trimmed == ["cut"]
    assert fitted.sections[-1].text.endswith("\n(cut)") and fitted.tokens <= 60
