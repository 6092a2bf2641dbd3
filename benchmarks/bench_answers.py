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
note in the file says how). ``<package>-actions.json`` holds the other Companion actions
(bugs, suggest, refactor, fix, translate): a code action's code "parses" when the
Companion returned it (its own syntax check of the target language; Python also through
``ast``), and ``changed`` says whether a refactor/fix differs from the code it was given.
``--before`` asks every question twice in one run, one after the other: the model taken
as instruction-tuned (the chat-template prompts, the path before base-model prompts)
and as it is detected. The model is whatever ``devlab.toml`` / ``DEVLAB_*`` route
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
import textwrap
import time
from pathlib import Path
from typing import Any

from devlab.companion import (
    ChatRequest,
    CodeInput,
    ExplainRequest,
    FixRequest,
    RefactorRequest,
    SuggestRequest,
    TranslateRequest,
    UnparsableCode,
    chat,
    explain,
    find_bugs,
    fix,
    refactor,
    suggest,
    translate,
)
from devlab.config import LLMProviderConfig, load_settings
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


ACTIONS = ("bugs", "suggest", "refactor", "fix", "translate")
CODE_ACTIONS = ("refactor", "fix", "translate")


def stored_text(bench: Workbench, message_id: int | None) -> str:
    with bench.db.session() as s:
        row = s.get(MessageRow, message_id) if message_id else None
        return row.content if row is not None else ""


def act(bench: Workbench, project: str, q: dict[str, Any], max_tokens: int) -> dict[str, Any]:
    """One of the other actions: the answer, its message and (code actions) the code."""
    where = {"project": project, "symbol": q.get("symbol"), "path": q.get("path")}
    if q.get("code"):
        where = {"code": q["code"], "language": q.get("language")}
    kind, common = q["kind"], {**where, "max_tokens": max_tokens}
    if kind in ("bugs", "suggest"):
        if kind == "bugs":
            got = find_bugs(bench, CodeInput(**common))
        else:
            got = suggest(bench, SuggestRequest(**common, kind=q.get("suggest", "refactor")))
        return {"text": got.text, "message_id": got.message_id, "model": got.model,
                "citations": got.citations, "code": None, "parses": None}  # fmt: skip
    try:
        if kind == "refactor":
            code = refactor(bench, RefactorRequest(**common, kind=q["refactor"]))
        elif kind == "fix":
            code = fix(bench, FixRequest(**common, error=q["error"]))
        else:
            code = translate(bench, TranslateRequest(**common, target_language=q["target"]))
    except UnparsableCode as exc:
        message_id = exc.detail.get("message_id")
        return {"text": stored_text(bench, message_id), "message_id": message_id,
                "model": None, "citations": [], "code": None, "parses": False}  # fmt: skip
    python = code.language == "python"  # a method comes back indented: parse it dedented
    parses = code_parses(f"```\n{textwrap.dedent(code.code)}\n```") if python else True
    return {"text": stored_text(bench, code.message_id), "message_id": code.message_id,
            "model": code.model, "citations": [], "code": code.code, "parses": parses}  # fmt: skip


def original_code(bench: Workbench, project: str, q: dict[str, Any]) -> str:
    if q.get("code"):
        return str(q["code"])
    from devlab.companion.actions import code_subject

    subject = code_subject(bench, CodeInput(project=project, symbol=q["symbol"], path=q["path"]))
    return subject.code


def ask_action(bench: Workbench, project: str, q: dict[str, Any], max_tokens: int) -> dict:
    started = time.monotonic()
    got = act(bench, project, q, max_tokens)
    seconds = time.monotonic() - started
    changed = None
    if q["kind"] in ("refactor", "fix"):
        before = original_code(bench, project, q).split()
        changed = got["code"] is not None and got["code"].split() != before
    cited = [c.path for c in got["citations"] if c.cited]
    label = q.get("symbol") or (q.get("code") or "").split("(")[0]
    return {
        "kind": q["kind"],
        "ask": f"{q['kind']} {label}",
        "answer": got["text"],
        "seconds": round(seconds, 2),
        "echo": echoes(got["text"], prompt_text(bench, got["message_id"]))
        if got["message_id"]
        else None,
        "cites_correct": any(path in q.get("files", []) for path in cited),
        "code_parses": got["parses"],
        "changed": changed,
        "readable": readable(got["text"]),
        "model": got["model"],
    }


def ask(bench: Workbench, project: str, q: dict[str, Any], max_tokens: int) -> dict[str, Any]:
    if q["kind"] in ACTIONS:
        return ask_action(bench, project, q, max_tokens)
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
        "changed": _share([r["changed"] for r in rows if r.get("changed") is not None]),
    }


def _share(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def open_bench(source: Path, tuned: bool | None) -> Workbench:
    """A fresh workbench with the project ingested; ``tuned`` overrides the local model's
    detection (True: chat-template prompts; None: as detected)."""
    home = Path(tempfile.mkdtemp(prefix="bench-answers-"))
    extra: dict[str, Any] = {}
    if tuned is not None:
        extra["llm_providers"] = {"local": LLMProviderConfig(kind="local", instruction_tuned=tuned)}
    bench = Workbench.open(load_settings(home=home, **extra))
    index_project(bench.db, bench.settings, name="pkg", source=str(source), embed=True)
    return bench


def run_questions(
    source: Path, questions: list[dict], max_tokens: int, variants: list[tuple[str, bool | None]]
) -> dict[str, list[dict[str, Any]]]:
    """Every question on every variant's workbench, the variants one after the other
    for each question (so a change of machine load falls on both alike)."""
    benches = {label: open_bench(source, tuned) for label, tuned in variants}
    rows: dict[str, list[dict[str, Any]]] = {label: [] for label in benches}
    try:
        for i, q in enumerate(questions, 1):
            for label, bench in benches.items():
                row = ask(bench, "pkg", q, max_tokens)
                rows[label].append(row)
                print(f"{label} {i:2d} {row['kind']:9s} echo={row['echo']} "
                      f"cites={row['cites_correct']} parses={row['code_parses']} "
                      f"changed={row.get('changed')} {row['seconds']:.1f}s  "
                      f"{row['answer'][:90]!r}", flush=True)  # fmt: skip
    finally:
        for bench in benches.values():
            bench.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the unpacked sdist")
    parser.add_argument("--questions", type=Path,
                        default=HERE / "answers" / "itsdangerous-2.2.0.json")  # fmt: skip
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N")
    parser.add_argument("--kind", choices=["chat", "explain", "code", *ACTIONS],
                        help="only this kind")  # fmt: skip
    parser.add_argument("--before", action="store_true",
                        help="also ask each question with the model taken as instruction-tuned "
                        "(the chat-template prompts), in the same run")  # fmt: skip
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
    variants = [("before", True), ("after", None)] if args.before else [("after", None)]
    all_rows = run_questions(args.source, questions, args.max_tokens, variants)
    results: dict[str, Any] = {}
    for label, rows in all_rows.items():
        model = next((r["model"] for r in rows if r["model"]), None)
        results[label] = {"model": model, **summary(rows)}
    print(json.dumps(results if args.before else results["after"], indent=2))
    if args.json:
        body = {"summary": results["after"], "answers": all_rows["after"]}
        if args.before:
            body.update(before={"summary": results["before"], "answers": all_rows["before"]})
        args.json.write_text(json.dumps(body, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
