"""Patterns that meet uploaded code or program output stay linear (issue 13).

Each of these was quadratic on a long run of one character (a 4,000-character
run took 0.1-3 s, so an uploaded file could freeze the server); the fix lets a
match start only where a run starts, or caps the text. A quadratic pattern on
the 50,000-character inputs below would take minutes; linear ones take
milliseconds, so the bound is generous for a loaded machine.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pytest

from devlab.codebase.languages import _VERSION_SUFFIX
from devlab.codebase.source_text import _SPACE_BEFORE_CLOSE
from devlab.codebase.sources import mask_credentials
from devlab.reverse.architecture import _JAVA_PACKAGE
from devlab.reverse.security.python_templates import unescaped_names
from devlab.training.datasets.licensing import _SPLIT_AND, _SPLIT_OR

N = 50_000
_AUTOESCAPE_OFF = "{% autoescape false %}"
CASES = [
    ("java package", lambda: _JAVA_PACKAGE.search("\n" * N + " " * N)),
    ("space before close", lambda: _SPACE_BEFORE_CLOSE.sub(r"\1", " " * N + "x")),
    ("licence OR", lambda: _SPLIT_OR.split("\t" * N + "x")),
    ("licence AND", lambda: _SPLIT_AND.split(" " * N + "x")),
    ("url credentials", lambda: mask_credentials("a." * N)),
    ("version suffix", lambda: _VERSION_SUFFIX.sub("", "1" * N + "x")),
    # templates written in analysed code (i17m's first patterns took 14 s and 2.9 s here)
    ("jinja expressions never closed", lambda: unescaped_names("{{a" * (N // 3), False)),
    (
        "jinja autoescape never ended",
        lambda: unescaped_names("{% autoescape false %}" * 3000, True),
    ),
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
    page = "{{ a|safe }}{% autoescape false %}{{ b }}{% endautoescape %}{{ c }}{{ d|e|safe }}"
    assert unescaped_names(page, True) == {"a", "b"}
    assert unescaped_names("{{ a }}{{ b|e }}{{ c|length }}", False) == {"a"}


# ---------------------------------------------------------------------------
# Function-local literals in the security analysers: ``re.search(r"...", text)``
# inside the checks. They run on tree-sitter node texts of uploaded code (an
# argument, a receiver, a function body), so each one is found by parsing the
# sources and timed on long runs of the characters patterns tend to repeat on.

_SECURITY_DIR = Path(__file__).resolve().parent.parent / "src" / "devlab" / "reverse"
_RE_CALLS = {"search", "match", "fullmatch", "finditer", "findall", "sub", "split"}
_FLAG_NAMES = {"I": re.I, "IGNORECASE": re.I, "M": re.M, "MULTILINE": re.M, "S": re.S,
               "DOTALL": re.S, "X": re.X, "VERBOSE": re.X}  # fmt: skip


def _flags(call: ast.Call) -> int:
    nodes = [k.value for k in call.keywords if k.arg == "flags"]
    nodes += call.args[3:] if call.func.attr == "sub" else call.args[2:]  # type: ignore[attr-defined]
    flags = 0
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute) and sub.attr in _FLAG_NAMES:
                flags |= _FLAG_NAMES[sub.attr]
    return flags


def _local_literals() -> list[tuple[str, str, re.Pattern[str]]]:
    found = []
    files = sorted(_SECURITY_DIR.glob("security*.py")) + sorted(
        (_SECURITY_DIR / "security").glob("*.py")
    )
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.func.attr in _RE_CALLS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                continue  # f-string patterns are built from fixed names, not input
            where = f"{path.name}:{node.lineno}"
            pattern = re.compile(node.args[0].value, _flags(node))
            found.append((where, node.func.attr, pattern))
    return found


def _run(method: str, pattern: re.Pattern[str], text: str) -> None:
    """Use the pattern the way its call does: anchored calls try one start only."""
    if method in ("search", "match", "fullmatch"):
        getattr(pattern, method)(text)  # up to the first match (search: every start)
    else:  # finditer, findall, sub, split: every match
        list(pattern.finditer(text))


LOCAL_PATTERNS = _local_literals()
_RUN_CHARS = " \t\na0._-(),:=*&$\"'kK"
_LOCAL_N = 20_000


def test_the_sweep_finds_the_security_checks_literals() -> None:
    assert len(LOCAL_PATTERNS) >= 40, len(LOCAL_PATTERNS)


@pytest.mark.parametrize(
    ("where", "method", "pattern"), LOCAL_PATTERNS, ids=[w for w, _, _ in LOCAL_PATTERNS]
)
def test_security_local_pattern_is_linear_on_long_runs(
    where: str, method: str, pattern: re.Pattern[str]
) -> None:
    """Each literal, called as its code calls it, against 20,000-character runs of
    20 characters (and the same run after a word, so anchored patterns get going):
    a quadratic one takes seconds per input, a linear one a millisecond or two."""
    worst = 0.0
    for ch in _RUN_CHARS:
        for text in (ch * _LOCAL_N + "!", "session" + ch * _LOCAL_N + "!"):
            start = time.perf_counter()
            _run(method, pattern, text)
            worst = max(worst, time.perf_counter() - start)
    # A quadratic pattern takes 30 s or more here; linear ones milliseconds. The
    # bound leaves room for a loaded machine.
    assert worst < 3.0, f"{where} {pattern.pattern!r} took {worst:.2f} s on a long run"
