"""The verified generation loop: scripted model, real sandbox (bubblewrap)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from devlab.companion import (
    EmptyInput,
    GenerateRequest,
    GenerationResult,
    generate_change,
    generate_code,
    get_conversation,
    resume_generation_job,
    submit_generation,
)
from devlab.companion.conversations import open_conversation, save_state
from devlab.errors import Conflict, InvalidInput, NotFound
from devlab.llm.base import ProviderError
from devlab.store.models import Execution as ExecutionRow
from helpers import write_tree

from .conftest import TESTED_PROJECT

pytestmark = [pytest.mark.sandbox]

SPEC = json.dumps(
    {
        "summary": "FizzBuzz for one number",
        "function": "fizz",
        "inputs": ["n: a positive int"],
        "outputs": ["'Fizz', 'Buzz', 'FizzBuzz' or the number as a string"],
        "constraints": ["n >= 1"],
        "examples": [{"input": "3", "output": "Fizz"}],
        "acceptance_tests": ["fizz(3) == 'Fizz'", "fizz(15) == 'FizzBuzz'"],
    }
)
TESTS = """```python
from solution import fizz


def test_fizz():
    assert fizz(3) == "Fizz"


def test_buzz():
    assert fizz(10) == "Buzz"


def test_fizzbuzz():
    assert fizz(15) == "FizzBuzz"


def test_number():
    assert fizz(7) == "7"
```"""
WRONG = "```python\ndef fizz(n):\n    return str(n)\n```"
CRASHES = "```python\ndef fizz(n):\n    return {3: 'Fizz'}[n]\n```"
RIGHT = """```python
def fizz(n):
    if n % 15 == 0:
        return "FizzBuzz"
    if n % 3 == 0:
        return "Fizz"
    if n % 5 == 0:
        return "Buzz"
    return str(n)
```"""


@pytest.mark.slow
def test_loop_fails_twice_then_passes_and_keeps_every_round(bench, scripted):
    model = scripted(SPEC, TESTS, WRONG, CRASHES, RIGHT)
    events: list[str] = []
    result = generate_code(
        bench,
        GenerateRequest(requirement="fizzbuzz of one number", max_rounds=3),
        progress=lambda p: events.append(f"{p.stage} {p.done}/{p.total}"),
        log=events.append,
    )
    assert result.verdict == "passed" and result.summary == "passed in round 3 of 3"
    assert result.spec.function == "fizz" and result.spec.source == "model"
    # the test plan made from the spec, and the tests prompt asked to cover it
    assert result.plan is not None
    assert [(c.kind, c.inputs) for c in result.plan.cases] == [
        ("example", "3"),
        ("requirement", "fizz(3) == 'Fizz'"),
        ("requirement", "fizz(15) == 'FizzBuzz'"),
        ("boundary", "n >= 1"),
    ]
    assert "- example 1: 3 -> returns Fizz" in model.prompt(1)
    assert "def test_fizzbuzz" in result.tests and 'return "FizzBuzz"' in result.code
    assert result.files == {"solution.py": result.code, "test_solution.py": result.tests}
    assert [r.status for r in result.rounds] == ["failed", "failed", "passed"]
    first, second, third = (r.execution for r in result.rounds)
    assert first.status == "runtime_error" and first.exit_code == 1 and not first.passed
    assert (first.tests.total, first.tests.passed, first.tests.failed) == (4, 1, 3)
    assert {f.name for f in first.failures} >= {"test_solution::test_fizz"}
    assert "KeyError" in second.stdout_tail
    assert third.status == "ok" and third.passed and third.tests.passed == 4
    # the second code request is a repair that carries round 1's failure
    repair = model.prompt(3)
    assert "Current solution.py:" in repair and "FAILED test_solution::test_fizz" in repair
    assert "KeyError" in model.prompt(4)
    # every run is a recorded sandbox execution
    with bench.db.session() as s:
        for r in result.rounds:
            assert s.get(ExecutionRow, r.execution.execution_id).mode == "test"
    assert sum(1 for e in events if e.startswith("round 1: failed")) == 1
    assert "round 3/3" in events
    # the final answer is stored, ready for feedback
    stored = get_conversation(bench.db, result.conversation_id)
    assert stored.kind == "generate" and stored.messages[-1].id == result.message_id


def test_unparsable_code_is_a_failed_round_not_a_crash(bench, scripted):
    model = scripted("Sure! Here is a plan, not JSON.", TESTS, "I cannot write that.", RIGHT)
    result = generate_code(bench, GenerateRequest(requirement="fizzbuzz", max_rounds=3))
    assert result.spec.source == "fallback" and result.spec.summary == "fizzbuzz"
    assert [r.status for r in result.rounds] == ["unparsable", "passed"]
    assert result.rounds[0].execution is None and "python" in result.rounds[0].error
    assert "Your previous reply failed" in model.prompt(3)
    assert result.verdict == "passed"


@pytest.mark.slow
def test_verdict_is_failed_after_max_rounds(bench, scripted):
    scripted(SPEC, TESTS, WRONG, WRONG)
    result = generate_code(bench, GenerateRequest(requirement="fizzbuzz", max_rounds=2))
    assert result.verdict == "failed" and result.summary == "failed after 2 rounds"
    assert len(result.rounds) == 2 and all(r.execution for r in result.rounds)
    assert result.code.strip() == "def fizz(n):\n    return str(n)"


@pytest.mark.slow
def test_given_tests_are_used_and_a_hanging_program_times_out(bench, scripted):
    hang = "```python\ndef fizz(n):\n    while True:\n        pass\n```"
    model = scripted(SPEC, hang, RIGHT)
    tests = "from solution import fizz\n\n\ndef test_one():\n    assert fizz(3) == 'Fizz'\n"
    result = generate_code(
        bench,
        GenerateRequest(requirement="fizzbuzz", tests=tests, max_rounds=2, timeout_seconds=6),
    )
    assert len(model.calls) == 3  # spec, code, repair: no tests were asked for
    assert result.tests == tests
    assert result.rounds[0].execution.status == "timeout" and result.verdict == "passed"


def test_bad_input_to_the_loop(bench, scripted):
    scripted()
    with pytest.raises(EmptyInput):
        generate_code(bench, GenerateRequest(requirement="  "))
    with pytest.raises(InvalidInput, match="cannot test sqlite"):
        generate_code(bench, GenerateRequest(requirement="x", language="sql"))
    with pytest.raises(InvalidInput, match="do not parse"):
        generate_code(bench, GenerateRequest(requirement="x", tests="def test(:\n"))
    with pytest.raises(InvalidInput, match="sandbox_max_wall_seconds"):
        generate_code(bench, GenerateRequest(requirement="x", timeout_seconds=500))


def test_provider_down_mid_loop_names_it_and_keeps_the_conversation(bench, scripted):
    scripted(SPEC, ProviderError("connection refused"))
    with pytest.raises(ProviderError) as err:
        generate_code(bench, GenerateRequest(requirement="fizzbuzz"))
    assert "scripted" in err.value.message
    kept = get_conversation(bench.db, err.value.detail["conversation_id"])
    assert kept.messages[0].content == "fizzbuzz"


@pytest.mark.slow
def test_provider_timeout_after_a_round_keeps_the_finished_rounds(bench, scripted):
    from devlab.llm.base import ProviderTimeout

    scripted(SPEC, TESTS, WRONG, ProviderTimeout("no token for 600 s"))
    with pytest.raises(ProviderTimeout) as err:
        generate_code(bench, GenerateRequest(requirement="fizzbuzz", max_rounds=3))
    detail = err.value.detail
    assert [r["status"] for r in detail["rounds"]] == ["failed"]  # round 1 ran, is kept
    assert detail["code"].startswith("def fizz(n):") and "def test_fizz" in detail["tests"]
    kept = get_conversation(bench.db, detail["conversation_id"])
    last = kept.messages[-1]
    assert last.role == "assistant" and last.content.startswith("stopped after 1 round:")
    assert "def fizz(n):" in last.content

    # Resumed by its conversation id: round 2 on, with the same spec and tests (the
    # model is asked only for the repair), and the finished round kept.
    conversation_id = detail["conversation_id"]
    scripted(RIGHT)
    resumed = resume_generation_job(bench, conversation_id, wait=True)
    assert isinstance(resumed, GenerationResult) and resumed.verdict == "passed"
    assert [r.status for r in resumed.rounds] == ["failed", "passed"]
    assert resumed.conversation_id == conversation_id and "def test_fizz" in resumed.tests
    with pytest.raises(Conflict, match="passed already"):
        resume_generation_job(bench, conversation_id)


def test_resume_refuses_what_cannot_go_on(bench, scripted):
    with pytest.raises(NotFound):
        resume_generation_job(bench, 9999)
    chat_id = open_conversation(bench.db, None, kind="chat")
    with pytest.raises(NotFound, match="no resumable generation"):
        resume_generation_job(bench, chat_id)
    save_state(bench.db, chat_id, {
        "kind": "generate", "request": GenerateRequest(requirement="x", max_rounds=1).model_dump(),
        "spec": {"summary": "x"}, "tests": None, "rounds": [{"round": 1, "status": "failed",
                                                              "code": "x = 1"}],
    })  # fmt: skip
    with pytest.raises(Conflict, match="used 1 of its 1 rounds"):
        resume_generation_job(bench, chat_id)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_loop_in_javascript(bench, scripted):
    tests = """```javascript
const test = require("node:test");
const assert = require("node:assert");
const { add } = require("./solution");
test("adds", () => assert.strictEqual(add(2, 3), 5));
```"""
    code = "```javascript\nfunction add(a, b) { return a + b; }\nmodule.exports = { add };\n```"
    scripted(SPEC, tests, code)
    result = generate_code(bench, GenerateRequest(requirement="add", language="js"))
    assert result.verdict == "passed" and result.language == "javascript"
    assert set(result.files) == {"solution.js", "solution.test.js"}


BROKEN_CHANGE = '''FILE: calc/ops.py
```python
"""Arithmetic helpers."""


def add(a, b):
    """Sum of a and b."""
    return a - b


def sub(a, b):
    """Difference of a and b."""
    return a - b


def mean(values):
    """Arithmetic mean of a non-empty list."""
    return sum(values) / len(values)
```

FILE: tests/test_sub.py
```python
from calc.ops import sub


def test_sub():
    assert sub(5, 3) == 2
```
'''
REPAIRED_CHANGE = BROKEN_CHANGE.split("FILE: tests/")[0].replace(
    '"""Sum of a and b."""\n    return a - b', '"""Sum of a and b."""\n    return a + b'
)


@pytest.mark.slow
def test_change_on_an_existing_project_runs_its_tests_and_repairs(calc, scripted, tmp_path):
    model = scripted(BROKEN_CHANGE, REPAIRED_CHANGE)
    result = generate_change(
        calc,
        GenerateRequest(
            requirement="add a sub(a, b) function with a test",
            project="calc",
            test_command="python -m pytest tests",
        ),
    )
    assert result.baseline.passed and result.baseline.tests.total == 2
    assert result.test_command == ["tests"]
    assert [r.status for r in result.rounds] == ["failed", "passed"]
    assert result.rounds[0].execution.failures[0].name.endswith("test_add")
    assert "FILE: calc/ops.py" in model.prompt(0) and "def mean(values):" in model.prompt(0)
    assert "test_add" in model.prompt(1) and "return a - b" in model.prompt(1)
    assert result.rounds[1].execution.tests.total == 3
    assert set(result.files) == {"calc/ops.py", "tests/test_sub.py"}
    assert result.verdict == "passed"
    # the one diff over all files applies to the original tree
    tree = write_tree(tmp_path / "check", TESTED_PROJECT)
    done = subprocess.run(
        ["patch", "-p1", "--batch", "-d", str(tree)],
        input=result.diff,
        text=True,
        capture_output=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for path, text in result.files.items():
        assert (tree / path).read_text() == text


@pytest.mark.slow
def test_change_with_unparsable_reply_fails_the_round(calc, scripted):
    scripted("I changed it for you.", "FILE: calc/ops.py\n```python\ndef add(:\n```")
    result = generate_change(
        calc, GenerateRequest(requirement="rename add", project="calc", max_rounds=2)
    )
    assert [r.status for r in result.rounds] == ["unparsable", "unparsable"]
    assert "does not parse" in result.rounds[1].error
    assert result.verdict == "failed" and result.files == {} and result.diff == ""


@pytest.mark.slow
def test_loop_as_a_job_logs_and_reports_each_round(bench, scripted):
    scripted(SPEC, TESTS, WRONG, RIGHT)
    job = submit_generation(bench, GenerateRequest(requirement="fizzbuzz", max_rounds=3))
    done = bench.jobs.wait(job.id, timeout=60)
    assert done.status == "succeeded", done.error
    assert done.result["verdict"] == "passed" and len(done.result["rounds"]) == 2
    assert done.result["rounds"][0]["execution"]["tests"]["failed"] == 3
    lines = [line.message for line in bench.jobs.logs(job.id)]
    assert any(m.startswith("round 1: failed") for m in lines)
    assert any(m.startswith("round 2: passed") for m in lines)
    assert lines[-1] == "verdict: passed (passed in round 2 of 3)"
    assert done.progress.message.startswith("round: round 2: passed")


def test_loop_asks_with_stop_sequences_so_a_model_that_runs_on_is_cut(bench):
    from devlab.companion.generate import CODE_STOPS, SPEC_STOPS
    from devlab.companion.models import SPEC_SCHEMA
    from devlab.llm import LLMService
    from devlab.llm.providers.scripted import ScriptedProvider

    # The spec reply runs on into another "Requirement (" the way a base model does.
    model = ScriptedProvider("s", [SPEC + "\nRequirement (python): more", TESTS, RIGHT])
    bench.llm = LLMService(bench.settings, bench.db, providers={"s": model})
    result = generate_code(bench, GenerateRequest(requirement="fizzbuzz", max_rounds=1))
    assert [p.stop for p in model.params] == [SPEC_STOPS, CODE_STOPS, CODE_STOPS]
    assert result.spec.function == "fizz" and result.verdict == "passed"
    # Only the spec is structured: its request carries the schema the local engines
    # decode under (llm/constrained.py); code and tests are free text.
    assert [p.json_schema for p in model.params] == [SPEC_SCHEMA, None, None]
