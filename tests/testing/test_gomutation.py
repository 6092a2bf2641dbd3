"""Mutation score for Go (issue 15): the dataset pipeline's tree-sitter mutants of a Go
function, each run against its package's tests by `go test` in the real sandbox."""

from __future__ import annotations

import shutil

import pytest

from devlab.config import Settings
from devlab.testing import ProjectFiles, SnippetTestsRequest, generate_for_snippet, mutation_score
from devlab.testing.mutation import mutant_tests

CALC = """package calc

// Abs returns the absolute value of x.
func Abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
"""
WEAK = 'package calc\n\nimport "testing"\n\nfunc TestAbs(t *testing.T) {\n\tAbs(3)\n}\n'
STRONG = (
    'package calc\n\nimport "testing"\n\nfunc TestAbs(t *testing.T) {\n'
    '\tif Abs(-2) != 2 || Abs(3) != 3 || Abs(0) != 0 {\n\t\tt.Fatal("abs")\n\t}\n}\n'
)


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
def test_go_mutants_run_against_the_packages_tests(lab_settings: Settings) -> None:
    files = {"go.mod": "module example.com/calc\n\ngo 1.19\n", "calc.go": CALC,
             "calc_test.go": WEAK, "other/x_test.go": "package other\n"}  # fmt: skip
    pf = ProjectFiles("calc", None, None, files)
    assert mutant_tests(pf, "calc.go") == ["calc_test.go"]  # the package's tests only
    weak, _ = mutation_score(pf, lab_settings, path="calc.go", tests=["calc_test.go"])
    assert weak.symbols == ["Abs"] and weak.mutants >= 3 and weak.score == 0.0
    assert all(m.diff.startswith("--- a/calc.go") for m in weak.survived)
    strong, _ = mutation_score(pf, lab_settings, path="calc.go", tests=["calc_test.go"],
                               extra_files={"calc_test.go": STRONG})  # fmt: skip
    assert strong.mutants == weak.mutants and strong.score is not None and strong.score > 50


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
def test_a_go_test_adding_no_coverage_is_kept_when_it_kills_a_mutant(
    lab_settings: Settings,
) -> None:
    """``Square(1)``, the first boundary call, covers the whole function and lets
    ``x * x`` -> ``x / x`` survive (both give 1); a later call adds no coverage but
    kills it, so it is kept for that."""
    code = "package calc\n\n// Square is x times x.\nfunc Square(x int) int {\n\treturn x * x\n}\n"
    body = SnippetTestsRequest(code=code, framework="go test", coverage=100)
    result = generate_for_snippet(lab_settings, body, model=None)
    killers = [c for c in result.kept if "kills" in c.reason]
    assert killers and all(c.kills for c in killers), (result.message, result.dropped)
    assert "kept for killing mutants" in result.message
    keep = result.mutant_keep  # what the step did, within its time budget
    assert keep is not None and keep.kept == len(killers) and keep.tried and not keep.skipped
    assert result.proof["failing_generated"] == []
