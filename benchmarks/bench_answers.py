"""Answers a user can use (issue 18): a fixed set of 30 questions and requests over a real
codebase nobody here wrote, asked through the Dev Companion, scored on three things:

- **no echo**: the answer does not repeat the prompt's own words (the instructions, the
  labels, the question) for 50 characters or more; the code the prompt quoted is left
  out of that comparison, since quoting the sources is allowed;
- **cites a correct location**: a citation the answer refers to (``[n]``) is in one of
  the files that answer the question (chat, code requests) or is the symbol's own file
  (explain);
- **code parses**: for code requests, the first fenced block (else the whole answer)
  parses as Python;
- **readable**: at least six different words, and not one line repeated over and over
  (a small model's loop: at least half of the non-blank lines are different).

The questions are ``benchmarks/answers/<package>.json`` (written before any run; the
note in the file says how). The model is whatever ``devlab.toml`` / ``DEVLAB_*`` route
the tasks to: the packaged model by default, or ``--provider`` / ``--base-url`` for an
OpenAI-compatible server.

    pip download --no-deps --no-binary :all: itsdangerous==2.2.0 -d /tmp/answers
    tar xzf /tmp/answers/itsdangerous-2.2.0.tar.gz -C /tmp/answers
    python benchmarks/bench_answers.py /tmp/answers/itsdangerous-2.2.0 [--limit N] [--json OUT]
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from devlab.companion import ChatRequest, ExplainRequest, chat, explain
from devlab.config import load_settings
from devlab.search import index_project
from devlab.store.models import MessageRow
from devlab.workbench import Workbench

HERE = Path(__file__).resolve().parent
ECHO_CHARS = 50
_FENCE = re.compile(r"```[^\n]*\n.*?(?:```|$)", re.S)


def prompt_text(bench: Workbench, message_id: int) -> str | None:
    """The stored prompt of an answer (all its messages' text), or None."""
    with bench.db.session() as s:
        row = s.get(MessageRow, message_id)
        prompt = row.prompt if row is not None else None
    if not prompt:
        return None
    parts = [m.get("content", "") if isinstance(m, dict) else str(m) for m in prompt]
    return "\n".join(p for p in parts if isinstance(p, str))


def echoes(answer: str, prompt: str | None) -> bool | None:
    """Whether ``answer`` repeats ECHO_CHARS+ characters of the prompt outside its code."""
    if prompt is None:
        return None
    words = _FENCE.sub("\n", prompt)
    match = difflib.SequenceMatcher(None, answer[:6000], words[:20000], autojunk=False)
    found = match.find_longest_match(0, min(len(answer), 6000), 0, min(len(words), 20000))
    return found.size >= ECHO_CHARS


def code_parses(answer: str) -> bool:
    block = re.search(r"```(?:python|py)?[^\n]*\n(.*?)(?:```|$)", answer, re.S)
    code = block.group(1) if block else answer
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return bool(code.strip())


def readable(answer: str) -> bool:
    words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", answer)}
    lines = [ln.strip() for ln in answer.splitlines() if ln.strip()]
    return len(words) >= 6 and (not lines or len(set(lines)) >= len(lines) / 2)


def ask(bench: Workbench, project: str, q: dict[str, Any], max_tokens: int) -> dict[str, Any]:
    started = time.monotonic()
    if q["kind"] == "explain":
        got = explain(bench, ExplainRequest(project=project, path=q["path"], symbol=q["symbol"],
                                            max_tokens=max_tokens))  # fmt: skip
        text, citations, files = got.text, got.citations, [q["path"]]
    else:
        got_chat = chat(bench, ChatRequest(message=q["ask"], project=project,
                                           max_tokens=max_tokens))  # fmt: skip
        text, citations, files = got_chat.answer, got_chat.citations, q["files"]
        got = got_chat  # type: ignore[assignment]
    seconds = time.monotonic() - started
    cited = [c.path for c in citations if c.cited]
    return {
        "kind": q["kind"],
        "ask": q.get("ask") or f"explain {q['symbol']}",
        "answer": text,
        "seconds": round(seconds, 2),
        "echo": echoes(text, prompt_text(bench, got.message_id)),
        "cites_correct": any(path in files for path in cited),
        "code_parses": code_parses(text) if q["kind"] == "code" else None,
        "readable": readable(text),
        "model": got.model,
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    known = [r for r in rows if r["echo"] is not None]
    code = [r for r in rows if r["code_parses"] is not None]
    return {
        "answers": len(rows),
        "no_echo": sum(not r["echo"] for r in known) / len(known) if known else None,
        "cites_correct": sum(r["cites_correct"] for r in rows) / len(rows) if rows else None,
        "code_parses": sum(r["code_parses"] for r in code) / len(code) if code else None,
        "readable": sum(readable(r["answer"]) for r in rows) / len(rows) if rows else None,
        "median_seconds": sorted(r["seconds"] for r in rows)[len(rows) // 2] if rows else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the unpacked sdist")
    parser.add_argument("--questions", type=Path,
                        default=HERE / "answers" / "itsdangerous-2.2.0.json")  # fmt: skip
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N")
    parser.add_argument("--kind", choices=["chat", "explain", "code"], help="only this kind")
    parser.add_argument("--max-tokens", type=int, default=200)
    parser.add_argument("--json", type=Path, help="write every answer and the summary here")
    parser.add_argument("--rescore", type=Path, help="score the answers of an earlier --json")
    args = parser.parse_args()
    if args.rescore:
        rows = json.loads(args.rescore.read_text())["answers"]
        print(json.dumps({"model": rows[0]["model"] if rows else None, **summary(rows)}, indent=2))
        return 0
    questions = json.loads(args.questions.read_text())["questions"]
    if args.kind:
        questions = [q for q in questions if q["kind"] == args.kind]
    if args.limit:
        questions = questions[: args.limit]
    home = Path(tempfile.mkdtemp(prefix="bench-answers-"))
    bench = Workbench.open(load_settings(home=home))
    rows: list[dict[str, Any]] = []
    try:
        index_project(bench.db, bench.settings, name="pkg", source=str(args.source), embed=True)
        for i, q in enumerate(questions, 1):
            row = ask(bench, "pkg", q, args.max_tokens)
            rows.append(row)
            print(f"{i:2d} {row['kind']:7s} echo={row['echo']} cites={row['cites_correct']} "
                  f"parses={row['code_parses']} {row['seconds']:.1f}s  "
                  f"{row['answer'][:90]!r}", flush=True)  # fmt: skip
    finally:
        bench.close()
    result = {"model": rows[0]["model"] if rows else None, **summary(rows)}
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"summary": result, "answers": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
