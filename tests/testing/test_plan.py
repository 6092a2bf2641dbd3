"""Test plans (issue 15, seed 004): structured cases from the code, and from a
requirement through the model (a scripted model where the orchestration is tested)."""

from __future__ import annotations

import functools

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.testing.plan import parse_model_cases, plan_for_code, plan_for_requirement
from helpers import assert_error_shape, serve_in_thread

CODE = '''def clip(x: int, lo: int, hi: int) -> int:
    """Bound x to [lo, hi].

    >>> clip(5, 0, 3)
    3
    """
    if lo > hi:
        raise ValueError("lo > hi")
    return max(lo, min(x, hi))
'''


def test_the_code_gives_examples_boundaries_and_errors() -> None:
    plan = plan_for_code(CODE, path="clip.py")
    kinds = {c.kind for c in plan.cases}
    assert kinds == {"example", "boundary", "error"} and not plan.model_used
    example = next(c for c in plan.cases if c.kind == "example")
    assert (example.inputs, example.expected) == ("clip(5, 0, 3)", "returns 3")
    assert any(c.expected == "raises ValueError" for c in plan.cases)
    assert all(c.target == "clip" for c in plan.cases)
    with pytest.raises(InvalidInput, match="line 1"):
        plan_for_code("def broken(:\n", path="x.py")
    with pytest.raises(InvalidInput, match="'nope'"):
        plan_for_code(CODE, path="clip.py", symbol="nope")


def test_a_requirement_adds_the_model_cases_read_line_by_line() -> None:
    asked = []

    def scripted(system: str, user: str) -> str:
        asked.append(user)
        return (
            "Here are the cases:\n- below: x=-5, lo=0, hi=3 -> 0\n"
            "- above: x=9 -> 3\nnot a case line\n- broken line without arrow\n"
        )

    plan = plan_for_code(CODE, path="clip.py", requirement="clamp x into the range", model=scripted)
    added = [c for c in plan.cases if c.source == "model"]
    assert [(c.name, c.inputs, c.expected) for c in added] == [
        ("below", "x=-5, lo=0, hi=3", "0"), ("above", "x=9", "3"),
    ]  # fmt: skip
    assert plan.model_used and "clamp x into the range" in asked[0] and "def clip" in asked[0]

    def failing(system: str, user: str) -> str:
        raise TimeoutError("model too slow")

    kept = plan_for_code(CODE, path="clip.py", requirement="r", model=failing)
    assert kept.cases and "model too slow" in kept.message  # the code's cases stay
    alone = plan_for_requirement("parse dates like 2024-01-31", scripted)
    assert alone.subject == "requirement" and len(alone.cases) == 2
    with pytest.raises(InvalidInput, match="needs the language model"):
        plan_for_requirement("anything", None)
    assert parse_model_cases("- a: 1 -> 2\n" * 50)[-1].name == "a"  # capped
    assert len(parse_model_cases("- a: 1 -> 2\n" * 50)) == 12


@pytest.mark.slow
def test_doors(lab_settings: Settings, tmp_path) -> None:
    source = tmp_path / "clip.py"
    source.write_text(CODE)
    done = CliRunner().invoke(
        app, ["--home", str(lab_settings.home), "tests", "plan", "--file", str(source),
              "--no-model"],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "[example] clip example 1: clip(5, 0, 3) -> returns 3" in done.output
    post = functools.partial(httpx.post, timeout=60)  # not httpx's 5 s: a loaded host is slow
    for hostport in serve_in_thread(lab_settings):
        api = f"http://{hostport}/api/v1/devlab/testing/plan"
        resp = post(api, json={"code": CODE, "use_model": False})
        assert resp.status_code == 200 and resp.json()["cases"], resp.text
        body = assert_error_shape(post(api, json={"use_model": False}), 422)
        assert "requirement" in body["error"]
        body = assert_error_shape(post(api, json={"requirement": "x", "use_model": False}), 422)
        assert "needs the language model" in body["error"]
        assert_error_shape(post(api, json={"code": CODE, "colour": 1}), 422)
        assert_error_shape(
            post(api, json={"project": "nope", "path": "a.py", "use_model": False}), 404
        )
