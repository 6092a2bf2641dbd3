"""The HumanEval benchmark's checkpoint: a stopped run resumes where it stopped.

Orchestration only: a scripted model and an in-process runner stand in for the packaged
model and the sandbox (the benchmark itself runs the real ones)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from devlab.llm.base import Completion, Usage

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_humaneval.py"


@pytest.fixture(scope="module")
def he() -> Any:
    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("bench_humaneval_under_test", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def problem(n: int) -> dict[str, Any]:
    return {
        "task_id": f"Toy/{n}",
        "entry_point": f"add{n}",
        "prompt": f'def add{n}(a, b):\n    """Add.\n    >>> add{n}(1, 2)\n    3\n    """\n',
        "test": "def check(f):\n    assert f(3, 4) == 7\n",
    }


class FakeLLM:
    """Answers completions from a per-task script; the repair always gives the right body.
    ``stop_at`` raises KeyboardInterrupt at that task (a run killed mid-problem)."""

    def __init__(self, bodies: dict[str, str], stop_at: str | None = None) -> None:
        self.bodies, self.stop_at = bodies, stop_at
        self.asked: list[str] = []

    def _reply(self, text: str) -> Completion:
        usage = Usage(completion_tokens=10, latency_ms=500.0, time_to_first_token_ms=50.0)
        return Completion(text=text, provider="fake", model="toy", usage=usage)

    def complete(self, task: str, prompt: str, params: Any) -> Completion:
        name = prompt.split("(")[0].removeprefix("def ")
        if name == self.stop_at:
            raise KeyboardInterrupt
        self.asked.append(name)
        return self._reply(self.bodies[name])

    def chat(self, task: str, messages: list[Any], params: Any) -> Completion:
        name = messages[-1].content.split("`")[-2]
        return self._reply(f"```python\ndef {name}(a, b):\n    return a + b\n```")


def run(code: str) -> tuple[bool, str]:
    """Run a program in-process: (exited 0, nothing)."""
    try:
        exec(compile(code, "<candidate>", "exec"), {"__name__": "__candidate__"})
    except SystemExit as exc:
        return not exc.code, ""
    except Exception as exc:  # a failing candidate
        return False, repr(exc)
    return True, ""


BODIES = {"add0": "    return a + b\n", "add1": "    return a - b\n", "add2": "    return a * b\n"}


def test_a_stopped_run_resumes_and_reports_from_the_checkpoint(he: Any, tmp_path: Path) -> None:
    problems = [problem(n) for n in range(3)]
    config = he.RunConfig("fake: toy", 3, 64)
    checkpoint = he.Checkpoint(tmp_path / "ck.jsonl")
    with pytest.raises(KeyboardInterrupt):
        he.run_all(FakeLLM(BODIES, stop_at="add2"), problems, run, config, checkpoint)
    lines = checkpoint.path.read_text().splitlines()
    assert [json.loads(line)["task_id"] for line in lines] == ["Toy/0", "Toy/1"]

    partial, _ = he.summarize(checkpoint.records(), problems)
    assert partial["problems"] == "2 of 3"
    assert partial["pass@1 single shot"] == "0.5000 (1/2)"

    llm = FakeLLM(BODIES)
    he.run_all(llm, problems, run, config, checkpoint)
    assert llm.asked == ["add2"]  # the finished problems were skipped
    result, rows = he.summarize(checkpoint.records(), problems)
    assert result["problems"] == 3
    assert result["pass@1 single shot"] == "0.3333 (1/3)"
    assert result["pass@1 repair loop"] == "1.0000 (3/3)"  # the repair fixed 1 and 2
    assert [r[3] for r in rows] == [1, 2, 2]
    assert result["tokens/s"] == 20.0


def test_a_torn_last_line_is_redone(he: Any, tmp_path: Path) -> None:
    problems = [problem(0), problem(1)]
    config = he.RunConfig("fake: toy", 2, 64)
    checkpoint = he.Checkpoint(tmp_path / "ck.jsonl")
    he.run_all(FakeLLM(BODIES), problems[:1], run, config, checkpoint)
    with checkpoint.path.open("a") as fh:
        fh.write('{"task_id": "Toy/1", "sing')  # killed mid-write
    assert list(checkpoint.records()) == ["Toy/0"]
    llm = FakeLLM(BODIES)
    he.run_all(llm, problems, run, config, checkpoint)
    assert llm.asked == ["add1"]
    assert list(checkpoint.records()) == ["Toy/0", "Toy/1"]


def test_other_limits_or_a_second_writer_are_refused(he: Any, tmp_path: Path) -> None:
    problems = [problem(0)]
    checkpoint = he.Checkpoint(tmp_path / "ck.jsonl")
    he.run_all(FakeLLM(BODIES), problems, run, he.RunConfig("fake: toy", 3, 64), checkpoint)
    with pytest.raises(SystemExit, match="--max-rounds"):
        he.run_all(FakeLLM(BODIES), problems, run, he.RunConfig("fake: toy", 1, 64), checkpoint)
    with checkpoint, pytest.raises(SystemExit, match="another run"):
        he.Checkpoint(checkpoint.path).__enter__()
    with pytest.raises(SystemExit, match="no finished problem"):
        he.summarize({}, problems)
