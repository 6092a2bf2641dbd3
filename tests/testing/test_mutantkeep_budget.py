"""The mutant-killing keep step's time budget (issue 15): the step stops starting mutant
runs once ``testing_mutant_keep_seconds`` is spent and says what it tried and skipped.
The budget runs out for certain here (a zero budget, or a scripted clock on which every
mutant run takes 100 s), never by racing a real clock."""

from __future__ import annotations

import pytest

from devlab.config import Settings
from devlab.testing import ProjectFiles
from devlab.testing.killkeep import keep_mutant_killers as keep_other
from devlab.testing.models import CandidateResult, MutantKeepReport
from devlab.testing.mutantkeep import keep_mutant_killers
from devlab.testing.mutation import MutantBudget
from devlab.testing.strategies import Candidate

CLIP = (
    "def clip(x, lo, hi):\n"
    "    if x < lo:\n        return lo\n"
    "    if x > hi:\n        return hi\n"
    "    return x\n"
)
# every line and branch of clip runs, nothing is checked: its mutants all survive
KEPT = {"test_kept.py": "from clip import clip\n\n\ndef test_runs():\n"
        "    clip(-1, 0, 3)\n    clip(5, 0, 3)\n    clip(1, 0, 3)\n"}  # fmt: skip
EXACT = Candidate("test_clip_exact", "boundary", "clip",
                  "def test_clip_exact():\n    assert clip(-1, 0, 3) == 0\n",
                  ("from clip import clip",))  # fmt: skip
WEAK = Candidate("test_clip_weak", "boundary", "clip", "def test_clip_weak():\n    clip(2, 0, 3)\n",
                 ("from clip import clip",))  # fmt: skip


def _step(settings: Settings, budget: MutantBudget | None = None):
    dropped = [
        CandidateResult(name=c.name, strategy="boundary", target="clip", kept=False,
                        reason="adds no line or branch coverage over the tests kept before it",
                        runs=["passed"] * 3, code=c.code)
        for c in (EXACT, WEAK)
    ]  # fmt: skip
    return keep_mutant_killers(
        ProjectFiles("clip", None, None, {"clip.py": CLIP}), settings, path="clip.py",
        symbol=None, existing=[], kept=[], dropped=dropped,
        candidates={c.name: c for c in (EXACT, WEAK)}, render=KEPT, budget=budget,
    )  # fmt: skip


def test_a_spent_budget_runs_no_mutant_and_says_so(lab_settings: Settings) -> None:
    settings = lab_settings.model_copy(update={"testing_mutant_keep_seconds": 0})
    kept, dropped, rep = _step(settings)
    assert rep is not None and rep.budget_seconds == 0
    assert kept == [] and len(dropped) == 2
    assert rep.mutants == 4 and rep.tried == 0 and rep.skipped == 4 and rep.kept == 0
    assert "4 skipped" in rep.note and "testing_mutant_keep_seconds" in rep.note


def test_go_java_js_step_shares_the_budget(lab_settings: Settings) -> None:
    ran: list[int] = []
    files = {"sq.js": "function sq(x) {\n  return x * x;\n}\nmodule.exports = { sq };\n"}
    tries = {"t": CandidateResult(name="t", strategy="boundary", target="sq", kept=False,
                                  reason="adds no coverage", code="test('t');")}  # fmt: skip
    rep = MutantKeepReport(budget_seconds=0)
    won, note = keep_other(
        ProjectFiles("sq", None, None, files), lab_settings, path="sq.js", symbol=None,
        kept_file=("k.test.js", "// kept\n"), tries_file=("t.test.js", "// tries\n"),
        tries=tries, run_tries=lambda *a: ran.append(1), budget=MutantBudget(0), report=rep,
    )  # fmt: skip
    assert won == [] and ran == []
    assert "not run: the time budget ran out" in note and "skipped" in note
    assert rep.tried == 0 and rep.skipped == rep.mutants > 0 and rep.note == note


@pytest.mark.sandbox
@pytest.mark.slow
def test_the_step_stops_when_its_budget_runs_out_midway(lab_settings: Settings) -> None:
    # each mutant run takes 100 s on this clock: the kept tests' run against the 4
    # mutants spends the 50 s budget, so no (survivor, candidate) pair is run
    # (test_generate.py keeps a killer through the whole step with the default budget)
    holder: list[MutantBudget] = []
    budget = MutantBudget(50, clock=lambda: 100.0 * bool(holder and holder[0].tried))
    holder.append(budget)
    kept, dropped, rep = _step(lab_settings, budget)
    assert kept == [] and len(dropped) == 2
    assert rep is not None and rep.tried == 4 and rep.survivors == 4  # nothing asserted
    assert rep.skipped == 4 * 2 and "8 skipped" in rep.note and rep.kept == 0
