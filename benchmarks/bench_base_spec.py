"""The verified loop on a base model with and without a constrained spec (issue 18).

On a base model the loop asks no spec by default (the requirement is the spec). With
``generate.BASE_MODEL_SPEC`` on, it continues a spec page under the spec's JSON schema
and puts the spec's examples in front of the acceptance tests' asserts. This runs the
real loop (``generate_code``) on six small requirements, both ways, one after the other
for each requirement (same process, same load), and reports per run: the loop's
verdict, whether the final code passes reference checks written here (which the loop
never sees), the rounds' durations, and the spec's examples that became asserts.

    DEVLAB_LLM_MODELS_DIR=/tmp/devlab-test-models PYTHONPATH=src nice -n 10 \\
        python benchmarks/bench_base_spec.py --home /tmp/bench-base-spec [--max-rounds 2] \
        [--ways off,on] [--rules off,on]

``--rules off,on`` alternates the base model's file stop rules (``BASE_STOP_RULES``,
issue 18 i18h) per requirement in one process: before/after under the same load.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from devlab.companion import generate as loop_module
from devlab.companion.models import GenerateRequest
from devlab.config import load_settings
from devlab.sandbox.models import Limits, SandboxRequest
from devlab.sandbox.runner import run_code
from devlab.workbench import Workbench

# (requirement, reference checks): written before any run; the loop never sees the checks.
CASES: list[tuple[str, list[str]]] = [
    (
        "Write a Python function is_palindrome(s) that returns True when the string s reads "
        "the same backwards, ignoring case.",
        ['is_palindrome("Racecar") is True', 'is_palindrome("abc") is False',
         'is_palindrome("") is True'],
    ),
    (
        "Write a Python function fizzbuzz(n) that returns 'Fizz' for multiples of 3, 'Buzz' "
        "for multiples of 5, 'FizzBuzz' for both, else str(n).",
        ['fizzbuzz(9) == "Fizz"', 'fizzbuzz(10) == "Buzz"', 'fizzbuzz(30) == "FizzBuzz"',
         'fizzbuzz(7) == "7"'],
    ),
    (
        "Write a Python function word_count(text) that returns a dict mapping each word to "
        "how many times it appears.",
        ['word_count("a b a") == {"a": 2, "b": 1}', 'word_count("") == {}'],
    ),
    (
        "Write a Python function reverse_words(sentence) that returns the words of the "
        "string sentence in reverse order, separated by single spaces.",
        ['reverse_words("hello big world") == "world big hello"', 'reverse_words("x") == "x"'],
    ),
    (
        "Write a Python function sum_of_squares(numbers) that returns the sum of the squares "
        "of the integers in the list numbers.",
        ["sum_of_squares([1, 2, 3]) == 14", "sum_of_squares([]) == 0",
         "sum_of_squares([-2]) == 4"],
    ),
    (
        "Write a Python function count_words_longer(text, n) that returns how many words "
        "of the string text have more than n letters.",
        ['count_words_longer("a bb ccc", 1) == 2', 'count_words_longer("", 3) == 0'],
    ),
]  # fmt: skip


def reference_passes(code: str, checks: list[str], settings: Any) -> bool:
    program = code + "\n\n" + "\n".join(f"assert {c}, {c!r}" for c in checks) + "\n"
    result = run_code(
        SandboxRequest(language="python", code=program, limits=Limits(wall_seconds=10)),
        settings,
    )
    return result.status == "ok" and result.exit_code == 0


def count_calls(bench: Workbench) -> list[dict]:
    """Every ``llm.complete`` call's tokens and finish reason, appended as they end."""
    calls: list[dict] = []
    complete = bench.llm.complete

    def counted(*args: Any, **kwargs: Any) -> Any:
        completion = complete(*args, **kwargs)
        calls.append(
            {"tokens": completion.usage.completion_tokens, "finish": completion.finish_reason}
        )
        return completion

    bench.llm.complete = counted  # type: ignore[method-assign]
    return calls


def one_run(
    bench: Workbench, requirement: str, checks: list[str], rounds: int, calls: list[dict]
) -> dict:
    first = len(calls)
    stamps: list[float] = [time.perf_counter()]
    seen: set[int] = set()

    def progress(p: Any) -> None:  # one stamp per finished round (reported more than once)
        if p.stage == "round" and p.done > 0 and p.done not in seen:
            seen.add(p.done)
            stamps.append(time.perf_counter())

    req = GenerateRequest(requirement=requirement, language="python", max_rounds=rounds)
    result = loop_module.generate_code(bench, req, progress=progress)
    durations = [round(b - a, 1) for a, b in itertools.pairwise(stamps)]
    head = result.tests.split("assert", 1)
    return {
        "function": result.spec.function,
        "spec_source": result.spec.source,
        "spec_examples": result.spec.examples[:4],
        "spec_summary": result.spec.summary[:120],
        "tests_head": ("assert" + head[1])[:300] if len(head) > 1 else result.tests[:300],
        "verdict": result.verdict,
        "rounds": len(result.rounds),
        "reference": reference_passes(result.code, checks, bench.settings),
        "round_s": durations,
        "tokens": sum(c["tokens"] for c in calls[first:]),
        "cut_at_limit": sum(c["finish"] == "length" for c in calls[first:]),
        "load": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--max-rounds", type=int, default=2)
    parser.add_argument("--cases", type=int, default=len(CASES))
    parser.add_argument("--ways", default="off,on", help="off (no spec), on (the spec), or both")
    parser.add_argument(
        "--rules",
        default="on",
        help="the base model's file stop rules (generate.BASE_STOP_RULES): off, on or off,on "
        "(alternated per requirement in one process)",
    )
    args = parser.parse_args()
    bench = Workbench.open(load_settings(home=args.home))
    if not bench.llm.base_model("generate"):
        raise SystemExit("the generate route's model is not a base model: nothing to compare")
    ways = [w for w in args.ways.split(",") if w in ("off", "on")]
    if not ways:
        raise SystemExit("--ways takes off, on or off,on")
    rules = [r for r in args.rules.split(",") if r in ("off", "on")]
    if not rules:
        raise SystemExit("--rules takes off, on or off,on")
    combos = [(way, rule) for way in ways for rule in rules]
    runs: dict[str, list[dict]] = {f"spec {w}, rules {r}": [] for w, r in combos}
    calls = count_calls(bench)
    try:
        for requirement, checks in CASES[: args.cases]:
            for way, rule in combos:
                loop_module.BASE_MODEL_SPEC = way == "on"
                loop_module.BASE_STOP_RULES = rule == "on"
                row = one_run(bench, requirement, checks, args.max_rounds, calls)
                runs[f"spec {way}, rules {rule}"].append(row)
                print(json.dumps({"way": way, "rules": rule, **row}), file=sys.stderr, flush=True)
    finally:
        bench.close()
    summary = {}
    for way, rows in runs.items():
        all_rounds = [s for r in rows for s in r["round_s"]]
        summary[way] = {
            "passed verdicts": sum(r["verdict"] == "passed" for r in rows),
            "reference checks pass": sum(r["reference"] for r in rows),
            "runs": len(rows),
            "round median s": round(statistics.median(all_rounds), 1) if all_rounds else None,
            "round max s": max(all_rounds) if all_rounds else None,
            "tokens": sum(r["tokens"] for r in rows),
            "calls cut at the token limit": sum(r["cut_at_limit"] for r in rows),
            "load": [min(r["load"] for r in rows), max(r["load"] for r in rows)],
        }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
