"""Mutation score with the training pipeline's mutants, in the real sandbox."""

from __future__ import annotations

import pytest

from devlab.testing import load_files, mutation_score, run_mutation
from devlab.workbench import Workbench
from lab_projects import ingest

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

SOURCE = (
    "def clamp(x, lo, hi):\n    if lo > hi:\n        raise ValueError('x')\n"
    "    if x < lo:\n        return lo\n    if x > hi:\n        return hi\n    return x\n"
)
TESTS = (
    "from pkg.util import clamp\n\n\ndef test_clamp():\n"
    "    assert clamp(5, 0, 3) == 3\n    assert clamp(-1, 0, 3) == 0\n"
)


@pytest.fixture
def clamp_project(lab_bench: Workbench, tmp_path) -> Workbench:
    files = {"pkg/__init__.py": "", "pkg/util.py": SOURCE, "tests/test_util.py": TESTS}
    ingest(lab_bench, tmp_path, "clamp", files)
    return lab_bench


def test_score_survivors_with_diffs_and_incremental_reuse(clamp_project: Workbench):
    db, settings = clamp_project.db, clamp_project.settings
    first = run_mutation(db, settings, load_files(db, "clamp"), path="pkg/util.py")
    assert first.mutants >= 6 and 0 < first.killed < first.mutants
    assert first.score == pytest.approx(100 * first.killed / first.mutants, abs=0.01)
    assert first.reused == 0 and first.survived
    # `x == hi` is never tested: a boundary mutant there survives, shown as a diff
    assert any("-    if x > hi:\n+    if x >= hi:" in m.diff for m in first.survived)
    assert all(m.diff.startswith("--- a/pkg/util.py") for m in first.results)
    # nothing changed: every function's results are reused, no sandbox run
    again = run_mutation(db, settings, load_files(db, "clamp"), path="pkg/util.py")
    assert again.reused == first.mutants and again.score == first.score and again.seconds < 2


def test_no_tests_gives_no_score_with_a_message(lab_settings):
    from devlab.testing import ProjectFiles

    files = {"pkg/__init__.py": "", "pkg/util.py": SOURCE}
    none, _ = mutation_score(
        ProjectFiles("p", None, None, files), lab_settings, path="pkg/util.py", tests=[]
    )
    assert none.score is None and "no tests" in none.message
