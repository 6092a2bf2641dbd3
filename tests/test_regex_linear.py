"""Patterns that meet uploaded code or program output stay linear (issue 13).

Each of these was quadratic on a long run of one character (a 4,000-character
run took 0.1-3 s, so an uploaded file could freeze the server); the fix lets a
match start only where a run starts, or caps the text. A quadratic pattern on
the 50,000-character inputs below would take minutes; linear ones take
milliseconds, so the bound is generous for a loaded machine.
"""

from __future__ import annotations

import time

import pytest

from devlab.codebase.languages import _VERSION_SUFFIX
from devlab.codebase.source_text import _SPACE_BEFORE_CLOSE
from devlab.codebase.sources import mask_credentials
from devlab.reverse.architecture import _JAVA_PACKAGE
from devlab.training.datasets.licensing import _SPLIT_AND, _SPLIT_OR

N = 50_000
CASES = [
    ("java package", lambda: _JAVA_PACKAGE.search("\n" * N + " " * N)),
    ("space before close", lambda: _SPACE_BEFORE_CLOSE.sub(r"\1", " " * N + "x")),
    ("licence OR", lambda: _SPLIT_OR.split("\t" * N + "x")),
    ("licence AND", lambda: _SPLIT_AND.split(" " * N + "x")),
    ("url credentials", lambda: mask_credentials("a." * N)),
    ("version suffix", lambda: _VERSION_SUFFIX.sub("", "1" * N + "x")),
]


@pytest.mark.parametrize(("name", "run"), CASES, ids=[c[0] for c in CASES])
def test_pattern_is_linear_on_long_runs(name: str, run) -> None:
    start = time.perf_counter()
    run()
    assert time.perf_counter() - start < 1.5, f"{name} is super-linear"


def test_the_fixed_patterns_still_match_what_they_did() -> None:
    assert _JAVA_PACKAGE.search("// x\n  package a.b.c ;\nclass A {}").group(1) == "a.b.c"
    assert _SPACE_BEFORE_CLOSE.sub(r"\1", "f(a  )") == "f(a)"
    assert _SPLIT_OR.split("MIT  OR Apache-2.0") == ["MIT", "Apache-2.0"]
    assert mask_credentials("https://user:pw@host/x.git") == "https://***@host/x.git"
    assert _VERSION_SUFFIX.sub("", "python3.11") == "python"
