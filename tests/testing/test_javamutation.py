"""Mutation score for Java (issue 15): the dataset pipeline's tree-sitter mutants of a
Java method, each compiled over the original classes and run against the project's
JUnit tests by the console launcher in the real sandbox."""

from __future__ import annotations

import shutil

import pytest

from devlab.config import Settings
from devlab.testing import (
    ProjectFiles,
    SnippetTestsRequest,
    generate_for_snippet,
    gomutate,
    javamutate,
    jsmutate,
    mutation_score,
)
from devlab.testing.javamutate import _outcomes
from devlab.testing.mutation import _CHUNK, file_mutants, mutant_tests

CALC = """package demo;

public class Calc {
    /** The absolute value of x. */
    public static int abs(int x) {
        if (x < 0) {
            return -x;
        }
        return x;
    }

    static String pick(String a, int n) {
        return n > 0 ? a : "";
    }
}
"""
TEST = """package demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.Test;

class CalcTest {
    @Test
    void abs() {
        %s
    }
}
"""
WEAK = TEST % "Calc.abs(3);"
STRONG = (
    TEST
    % "assertEquals(2, Calc.abs(-2)); assertEquals(3, Calc.abs(3)); assertEquals(0, Calc.abs(0));"
)
MAIN, TESTS = "src/main/java/demo/Calc.java", "src/test/java/demo/CalcTest.java"


def test_java_mutants_come_from_the_parsers_methods() -> None:
    found = file_mutants(MAIN, CALC, symbol="abs")
    assert list(found) == ["Calc.abs"] and len(found["Calc.abs"]) >= 3
    assert all(text.startswith("package demo;") for _, text in found["Calc.abs"])
    # the driver's lines: a killed, a surviving, a timed-out and an unviable mutant
    mark = "@@DEVLAB_JAVA_MUTANT@@"
    out = _outcomes(f"{mark} a 1\n{mark} b 0\nnoise\n{mark} c 124\n{mark} d unviable\n")
    assert out == {"a": "failed", "b": "passed", "c": "timeout", "d": "unviable"}
    # a budget check spans one sandbox run of each runner: its own batch size
    assert _CHUNK == {"go": gomutate.BATCH, "java": javamutate.BATCH,
                      "javascript": jsmutate.BATCH, "typescript": jsmutate.BATCH}  # fmt: skip


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("javac") is None, reason="javac is not installed")
def test_java_mutants_run_against_the_projects_junit_tests(lab_settings: Settings) -> None:
    pf = ProjectFiles("calc", None, None, {MAIN: CALC, TESTS: WEAK})
    assert mutant_tests(pf, MAIN) == [TESTS]
    args = {"path": MAIN, "tests": [TESTS], "symbol": "abs", "per_function": 6}
    weak, _ = mutation_score(pf, lab_settings, **args)
    assert weak.message == "" and weak.symbols == ["Calc.abs"]
    assert weak.mutants >= 3 and weak.score == 0.0
    assert all(m.diff.startswith(f"--- a/{MAIN}") for m in weak.survived)
    # a test class failing on the original code is left out (named), the rest judges
    red = "src/test/java/demo/RedTest.java"
    red_class = TEST.replace("class CalcTest", "class RedTest") % "assertEquals(1, Calc.abs(3));"
    strong, _ = mutation_score(pf, lab_settings, **{**args, "tests": [TESTS, red]},
                               extra_files={TESTS: STRONG, red: red_class})  # fmt: skip
    assert strong.mutants == weak.mutants and strong.score is not None and strong.score > 50
    assert "1 test class failing on the original code left out: demo.RedTest" in (strong.message)
    # a suite that fails on the original judges nothing, and says why
    broken = TEST % "assertEquals(1, Calc.abs(3));"
    none, _ = mutation_score(pf, lab_settings, **args, extra_files={TESTS: broken})
    assert none.score is None and "do not pass on the original" in none.message


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("javac") is None, reason="javac is not installed")
def test_a_junit_test_adding_no_coverage_is_kept_when_it_kills_a_mutant(
    lab_settings: Settings,
) -> None:
    """``square(1)``, the first boundary call, covers the whole method and lets
    ``x * x`` -> ``x / x`` survive (both give 1); the other calls add no coverage but
    kill it, so the fewest of them that do are kept for that."""
    code = "package demo;\n\npublic class Square {\n    public static int square(int x) {\n"
    code += "        return x * x;\n    }\n}\n"
    body = SnippetTestsRequest(code=code, framework="junit", coverage=100)
    result = generate_for_snippet(lab_settings, body, model=None)
    killers = [c for c in result.kept if "kills" in c.reason]
    assert killers and all(c.kills for c in killers), (result.message, result.dropped)
    assert "kept for killing mutants" in result.message
    assert result.proof["failing_generated"] == [] and result.proof["generated"] == len(result.kept)
