"""Evaluation: the pass@k estimator, HumanEval samples executed in the sandbox (a
scripted model whose answers are known, so pass@1 is exact), resuming, A/B comparison;
one slow test generates with the real packaged model."""

from __future__ import annotations

import math

import pytest

from devlab.config import load_settings
from devlab.llm.providers.scripted import ScriptedProvider
from devlab.llm.service import LLMService
from devlab.store.models import EvaluationResultRow
from devlab.training.evaluate import (
    Target,
    compare_evaluations,
    evaluate,
    get_evaluation,
    humaneval_program,
    load_humaneval,
)
from devlab.training.metrics import bootstrap_ci, edit_similarity, pass_at_k
from devlab.training.models import EvaluationRequest
from devlab.workbench import Workbench
from training.model_helpers import MODELS_DIR


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (10, 1, 1, 0.1),
        (10, 0, 5, 0.0),
        (5, 5, 1, 1.0),
        (10, 3, 5, 1 - math.comb(7, 5) / math.comb(10, 5)),  # 0.91666...
        (200, 13, 10, 1 - math.comb(187, 10) / math.comb(200, 10)),
        (2, 1, 2, 1.0),
    ],
)
def test_pass_at_k_matches_the_closed_form(n, c, k, expected):
    assert pass_at_k(n, c, k) == pytest.approx(expected, rel=1e-9)


def test_pass_at_k_rejects_k_above_n():
    with pytest.raises(ValueError):
        pass_at_k(3, 1, 4)


def test_static_metrics():
    assert edit_similarity("return a + b", "return a + b") == 1.0
    assert 0 < edit_similarity("return a + b", "return a - b") < 1
    low, high = bootstrap_ci([1.0, 0.0, 1.0, 1.0], resamples=200)
    assert 0 <= low <= 0.75 <= high <= 1


@pytest.fixture
def wb(tmp_path):
    bench = Workbench.open(load_settings(home=tmp_path / "home"))
    yield bench
    bench.close()


def _scripted_target(wb, replies):
    provider = ScriptedProvider("scripted", replies)
    llm = LLMService(wb.settings, wb.db, providers={"scripted": provider})
    return Target("scripted", None, llm, None), provider


@pytest.mark.sandbox
def test_humaneval_samples_run_in_the_sandbox_and_pass_at_1_is_exact(wb):
    problems = load_humaneval(3)
    replies = [
        problems[0]["canonical_solution"],
        "    return None\n",  # wrong
        problems[2]["canonical_solution"],
    ]
    target, provider = _scripted_target(wb, replies)
    info = evaluate(wb, EvaluationRequest(suite="humaneval", limit=3), target=target)
    assert info.status == "succeeded"
    assert info.metrics["pass@1"] == pytest.approx(2 / 3)
    assert info.metrics["tasks"] == 3
    stored = get_evaluation(wb, info.id, results=True).results
    assert [r["passed"] for r in stored] == [True, False, True]
    assert stored[1]["detail"]["status"] == "runtime_error"  # ran, and the tests failed
    assert len(provider.calls) == 3

    # resumable: a lost result is redone, the others are not generated again
    with wb.db.session() as s:
        row = s.query(EvaluationResultRow).filter_by(evaluation_id=info.id, sample=0).all()[-1]
        s.delete(row)
    again, provider2 = _scripted_target(wb, [problems[2]["canonical_solution"]])
    resumed = evaluate(wb, EvaluationRequest(resume=info.id), target=again)
    assert resumed.id == info.id and len(provider2.calls) == 1
    assert resumed.metrics["pass@1"] == pytest.approx(2 / 3)

    # A/B: a model that solves all three wins task 2 and loses none
    target_b, _ = _scripted_target(wb, [p["canonical_solution"] for p in problems])
    better = evaluate(wb, EvaluationRequest(suite="humaneval", limit=3), target=target_b)
    comparison = compare_evaluations(wb, info.id, better.id, resamples=200)
    delta = comparison.deltas[0]
    assert delta.metric == "pass" and delta.delta == pytest.approx(1 / 3)
    assert delta.ci_low <= delta.delta <= delta.ci_high
    assert comparison.wins == [problems[1]["task_id"]] and comparison.losses == []


def test_a_whole_function_in_a_code_block_is_run_as_written():
    problem = load_humaneval(1)[0]
    reply = "```python\n" + problem["prompt"] + problem["canonical_solution"] + "```"
    program = humaneval_program(problem, reply)
    assert program.count(f"def {problem['entry_point']}(") == 1


@pytest.mark.model
@pytest.mark.sandbox
@pytest.mark.slow
def test_real_model_generates_and_runs_one_humaneval_task(tmp_path):
    settings = load_settings(home=tmp_path / "home", llm_models_dir=MODELS_DIR)
    bench = Workbench.open(settings)
    try:
        info = evaluate(
            bench, EvaluationRequest(model="base", suite="humaneval", limit=1, max_tokens=24)
        )
    finally:
        bench.close()
    assert info.status == "succeeded" and info.model == "base"
    assert info.metrics["pass@1"] in (0.0, 1.0)


def test_evaluations_with_nothing_in_common_say_why():
    from types import SimpleNamespace

    from devlab.training.evaluate import _why_incomparable

    a = SimpleNamespace(id=1, suite="humaneval")
    b = SimpleNamespace(id=2, suite="teamtasks")
    assert "ran suite 'humaneval' and evaluation 2 ran 'teamtasks'" in _why_incomparable(
        a, b, {"pass": {}}, {"pass": {}}
    )
    same = SimpleNamespace(id=3, suite="humaneval")
    assert "share no metric" in _why_incomparable(a, same, {"pass": {}}, {"nll": {}})
    assert "share no task" in _why_incomparable(a, same, {"pass": {"t1": 1}}, {"pass": {"t2": 1}})
