"""Provider plumbing: stop strings across pieces, cost estimates."""

from __future__ import annotations

import pytest

from devlab.llm.providers.common import StopScanner, estimate_cost, estimate_tokens


def _run(pieces: list[str], stops: list[str]) -> tuple[str, bool]:
    scanner = StopScanner(stops)
    out = "".join(scanner.feed(p) for p in pieces) + scanner.flush()
    return out, scanner.stopped


def test_stop_string_split_across_pieces_is_found_and_never_emitted():
    assert _run(["ret", "urn x\n", "\nmore"], ["\n\n"]) == ("return x", True)
    assert _run(["a <", "/ans", "wer> tail"], ["</answer>"]) == ("a ", True)


def test_a_near_miss_is_emitted_in_full():
    assert _run(["a <", "/ans", "wer-not> tail"], ["</answer>"]) == ("a </answer-not> tail", False)
    assert _run(["no stops"], []) == ("no stops", False)


def test_earliest_of_several_stops_wins():
    assert _run(["x = 1; y = 2\nz"], ["\n", ";"]) == ("x = 1", True)


def test_cost_only_for_priced_models():
    assert estimate_cost(1000, 500, 0.0, 0.0) is None
    assert estimate_cost(1000, 500, 0.5, 1.5) == pytest.approx(1.25)
    assert estimate_tokens("abcdefghi") == 3
