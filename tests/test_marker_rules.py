"""The marker rules of tests/marker_rules.py hold: an unmarked test that launches the
sandbox fails, a marked one passes, and fixture and language rules mark at collection.
(Run in a nested pytest session, in process, on a throw-away test file.)"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

INNER = """
import pytest

def _launch():
    # the sandbox's launch point, with arguments it refuses: noted before it runs,
    # so nothing is started and the rule still sees the attempt
    from devlab.sandbox import bwrap
    with pytest.raises(Exception):
        bwrap.spawn(None, seccomp_fd=None, procs_files=[], ulimits={})

def test_launches_unmarked():
    _launch()

@pytest.mark.sandbox
def test_launches_marked():
    _launch()

@pytest.mark.slow
def test_slow_launches_unmarked():
    _launch()

def test_plain():
    pass

@pytest.fixture
def hostile_run():
    return None

def test_by_fixture(hostile_run):
    pass

@pytest.mark.sandbox
@pytest.mark.parametrize("language", ["python", "java"])
def test_by_language(language):
    pass

@pytest.mark.model
def test_model_implies_slow():
    pass
"""

INI = """
[pytest]
markers =
    slow: slow
    sandbox: sandbox
    model: model
    postgres: postgres
"""


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.makeconftest('pytest_plugins = ["marker_rules"]\n')
    pytester.makepyfile(test_inner=INNER)
    return pytester


def test_an_unmarked_sandbox_launch_fails_and_says_which_marker_to_add(inner) -> None:
    result = inner.runpytest_inprocess("-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(passed=8, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_launches_unmarked*"])
    result.stdout.fnmatch_lines(["*not marked `sandbox`*"])
    # a slow one is listed, not failed (it cannot slow the fast subset) ...
    result.stdout.fnmatch_lines(["*marker rules: slow tests with a missing marker*"])
    result.stdout.fnmatch_lines(["test_inner.py::test_slow_launches_unmarked: add sandbox"])


def test_strict_marker_rules_fail_slow_tests_too(inner) -> None:
    result = inner.runpytest_inprocess(
        "-p", "no:cacheprovider", "--strict-markers", "--strict-marker-rules"
    )
    result.assert_outcomes(passed=8, errors=2)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_slow_launches_unmarked*"])


def test_fixture_language_and_model_rules_keep_tests_out_of_the_fast_subset(inner) -> None:
    result = inner.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "--strict-markers",
        "--collect-only",
        "-q",
        "-m",
        "not slow and not model",
    )
    selected = {line for line in result.stdout.lines if "::" in line}
    assert selected == {
        "test_inner.py::test_launches_unmarked",
        "test_inner.py::test_launches_marked",
        "test_inner.py::test_plain",
        "test_inner.py::test_by_language[python]",
    }, result.stdout.str()
