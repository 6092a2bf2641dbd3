"""Verified test generation in the real sandbox; a scripted model only where the
orchestration of model candidates is under test."""

from __future__ import annotations

import subprocess
import sys

import pytest

from devlab.testing import (
    GenerateRequest,
    ProjectFiles,
    SnippetTestsRequest,
    UnsupportedFramework,
    generate_for_project,
    generate_for_snippet,
    generate_tests,
)
from devlab.workbench import Workbench
from helpers import write_tree
from lab_projects import CALC

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

STACK = """
class Stack:
    def __init__(self):
        self.items = []

    def push(self, x):
        self.items.append(x)
        return len(self.items)

    def pop(self):
        if not self.items:
            raise IndexError("empty")
        return self.items.pop()
"""


def test_generated_tests_raise_coverage_and_pass_outside_devlab(calc: Workbench, tmp_path):
    request = GenerateRequest(project="calc", path="calc/util.py", use_model=False)
    result = generate_for_project(calc.db, calc.settings, request, model=None)
    assert result.before.line_percent < result.after.line_percent
    assert result.after.line_percent >= 90 and result.after.branch_percent >= 80
    assert result.kept and all(k.runs == ["passed"] * 3 for k in result.kept)
    assert all(k.new_lines + k.new_branches > 0 for k in result.kept)
    assert "boundary" in result.strategies
    # the docstring example repeats what the project's own test covers: judged, dropped
    doctest = next(c for c in result.dropped if c.strategy == "doctest")
    assert doctest.runs == ["passed"] * 3 and "no line or branch coverage" in doctest.reason
    assert all(d.reason for d in result.dropped)
    assert result.test_path == "tests/test_util_generated.py"
    assert result.diff.startswith("--- /dev/null\n+++ b/tests/test_util_generated.py")
    assert result.proof["failing_generated"] == []
    # a crash on well-typed input is a suspected bug, not a test
    assert [(b.target, b.exception) for b in result.suspected_bugs] == [
        ("ratio", "ZeroDivisionError")
    ]
    # the diff applies to the project, and its tests pass in a fresh pytest outside DevLab
    root = write_tree(tmp_path / "fresh", {k: v for k, v in CALC.items() if "tests/" not in k})
    patch = tmp_path / "gen.diff"
    patch.write_text(result.diff)
    subprocess.run(["git", "apply", str(patch)], cwd=root, check=True)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_util_generated.py",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(result.kept)} passed" in run.stdout


def test_model_candidates_are_kept_only_when_they_pass_and_add_coverage(lab_settings):
    pf = ProjectFiles("stack", None, None, {"stack.py": STACK})
    replies = []

    def model(system: str, user: str) -> str:
        replies.append(user)
        return (
            "```python\nfrom stack import Stack\nimport random\n\n"
            "def test_push_then_pop():\n    s = Stack()\n    s.push(4)\n    assert s.pop() == 4\n\n"
            "def test_wrong():\n    assert Stack().push(1) == 2\n\n"
            "def test_flaky():\n    assert random.random() < 0.2\n\n"
            "def test_nothing_new():\n    assert Stack().push(9) == 1\n```\n"
        )

    result = generate_tests(pf, lab_settings, path="stack.py", model=model, target_coverage=100)
    assert replies and "def pop(self):" in replies[0]
    by_name = {c.name: c for c in [*result.kept, *result.dropped] if c.strategy == "model"}
    assert by_name["test_push_then_pop"].kept
    assert not by_name["test_wrong"].kept and by_name["test_wrong"].reason.startswith("failed")
    assert not by_name["test_nothing_new"].kept
    assert "no line or branch coverage" in by_name["test_nothing_new"].reason
    flaky = by_name["test_flaky"]
    assert not flaky.kept and (
        flaky.reason.startswith("flaky") or "failed" in flaky.reason or "no line" in flaky.reason
    )
    assert result.after.line_percent == 100


def test_snippet_generation_and_unsupported_framework(lab_settings):
    result = generate_for_snippet(
        lab_settings, SnippetTestsRequest(code=STACK, use_model=False, coverage=80), model=None
    )
    assert result.project is None and result.test_path == "tests/test_snippet_generated.py"
    assert result.after.line_percent > result.before.line_percent
    with pytest.raises(UnsupportedFramework) as info:
        generate_for_snippet(
            lab_settings, SnippetTestsRequest(code=STACK, framework="mocha"), model=None
        )
    assert info.value.status_code == 400 and "pytest" in info.value.message


WEAK = {
    "clip/__init__.py": "",
    "clip/core.py": "def clip(x: int, lo: int, hi: int) -> int:\n"
    '    """Bound x to [lo, hi].\n\n    >>> clip(-1, 0, 3)\n    0\n    >>> clip(5, 0, 3)\n'
    '    3\n    """\n'
    "    if x < lo:\n        return lo\n    if x > hi:\n        return hi\n    return x\n\n\n"
    "def double(x: int) -> int:\n    return x * 2\n",
    # every line and branch of clip runs, nothing is checked: its mutants all survive
    "tests/test_core.py": "from clip.core import clip\n\n\n"
    "def test_runs():\n    clip(-1, 0, 3)\n    clip(5, 0, 3)\n    clip(1, 0, 3)\n",
}


def test_a_test_that_adds_no_coverage_is_kept_when_it_kills_a_surviving_mutant(lab_settings):
    files = {k: v for k, v in WEAK.items()}
    pf = ProjectFiles("clip", None, None, files)
    result = generate_tests(pf, lab_settings, path="clip/core.py", model=None)
    by_mutants = [k for k in result.kept if "kills" in k.reason]
    assert by_mutants, [(d.name, d.reason) for d in result.dropped]
    assert all(k.new_lines == k.new_branches == 0 for k in by_mutants)
    assert all(k.target == "clip" for k in by_mutants)
    assert "kept for killing surviving mutants" in result.message
    assert result.proof["failing_generated"] == []


LOCK = """
import hashlib


def check(word):
    if hashlib.sha256(word.encode()).hexdigest()[:8] == "SHA":
        return "open"
    return "closed"
"""


def test_model_inputs_are_kept_with_the_code_s_own_outcome(lab_settings):
    """A wrong expected value fails the model's test as written, but its input reaches
    a branch nothing else does: the probe records what the call really returns and that
    characterisation test is kept (strategy ``model``)."""
    import hashlib

    sha = hashlib.sha256(b"open sesame").hexdigest()[:8]
    pf = ProjectFiles("lock", None, None, {"lock.py": LOCK.replace("SHA", sha)})

    def model(system: str, user: str) -> str:
        return (
            "```python\nfrom lock import check\n\n"
            "def test_check():\n    assert check('open sesame') == 'shut'\n```\n"
        )

    result = generate_tests(pf, lab_settings, path="lock.py", model=model, target_coverage=100)
    by_name = {c.name: c for c in [*result.kept, *result.dropped] if c.strategy == "model"}
    assert not by_name["test_check"].kept and by_name["test_check"].reason.startswith("failed")
    kept = [c for c in result.kept if c.strategy == "model"]
    assert len(kept) == 1 and "check('open sesame') == 'open'" in kept[0].code
    assert result.after.line_percent == 100
