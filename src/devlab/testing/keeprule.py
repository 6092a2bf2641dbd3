"""The keep rule of generated tests, shared by the languages whose candidates each run
alone three times with their own coverage (Go, Java, JavaScript/TypeScript).

A candidate is kept only when all three runs passed, all three covered exactly the same
coverage units (a unit is whatever the language's tool counts: a Go statement block,
a JaCoCo line or probe, a V8 line or block), and its units add something over the
project's tests and the candidates kept before it; ``covered`` grows with each kept
candidate, so the order of the candidates is the order of preference (cheapest first).
Python's pytest path runs three module copies in one session and applies the same rule
to coverage.py's lines and arcs (``generate._verify``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from devlab.testing.models import CandidateResult

__all__ = ["RUNS", "Run", "judge_runs"]

RUNS = 3


@dataclass
class Run:
    """One run of one candidate: passed or not, why not, and the units it covered."""

    passed: bool
    message: str = ""
    units: frozenset[Any] = field(default_factory=frozenset)


Describe = Callable[[set[Any]], tuple[int, int, str]]
"""``new units -> (new lines, new branches, the kept reason)``."""


def judge_runs(
    cands: Sequence[tuple[str, str, str, str]],
    runs: dict[str, list[Run]],
    covered: set[Any],
    describe: Describe,
    *,
    not_run: str = "did not run",
) -> tuple[list[tuple[tuple[str, str, str, str], CandidateResult]], list[CandidateResult]]:
    """Judge ``cands`` (``(name, target, code, strategy)``) by their ``runs`` (name ->
    the runs, in order); ``covered`` is updated in place with what the kept ones add.
    Returns ``([(candidate, result)] kept, [result] dropped)``, each with its reason."""
    kept: list[tuple[tuple[str, str, str, str], CandidateResult]] = []
    dropped: list[CandidateResult] = []
    for cand in cands:
        name, target, code, strategy = cand
        mine = runs.get(name, [])
        shown = ["passed" if r.passed else "failed" for r in mine]
        res = CandidateResult(name=name, strategy=strategy, target=target, kept=False,  # type: ignore[arg-type]
                              reason="", runs=shown, code=code)  # fmt: skip
        if len(mine) < RUNS:
            res.reason = f"ran {len(mine)} of {RUNS} times: {not_run}"
        elif not all(r.passed for r in mine):
            flaky = any(r.passed for r in mine)
            first = next(r for r in mine if not r.passed)
            last = first.message.strip().splitlines()[:1]
            res.reason = ("flaky: " if flaky else "failed in the sandbox: ") + (
                last[0][:300] if last else "no message"
            )
        elif len({r.units for r in mine}) != 1:
            res.reason = "not deterministic: covered different code across the runs"
        elif not mine[0].units - covered:
            res.reason = "adds no coverage over the project's tests and the tests kept before"
        else:
            new = set(mine[0].units - covered)
            res.new_lines, res.new_branches, res.reason = describe(new)
            res.kept = True
            covered |= new
            kept.append((cand, res))
            continue
        dropped.append(res)
    return kept, dropped
