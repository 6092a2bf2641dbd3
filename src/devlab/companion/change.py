"""The generation loop on an existing project: change the code, run the project's tests
in the sandbox, repair.

Reading order: the project's current snapshot (its stored, secret-scrubbed file texts)
-> a baseline run of its tests -> the request with the repo map and the most relevant
files (hybrid search) -> the model answers with whole files (``FILE: path`` + a code
block) -> they must parse -> the changed tree runs its tests in the sandbox -> on failure
the failure and the current files go back to the model, up to ``max_rounds``. The
result is the changed files, one unified diff over all of them, and every round.

Limits: the sandbox gets the files the snapshot kept as text (binary, oversized and
vendored files were skipped at ingestion, secrets are placeholders), within the
sandbox's source cap; the tests run with the language's test runner (pytest,
node --test, go test, JUnit), ``test_command`` giving only its arguments; nothing is
installed (the standard library and pytest are there, the project's dependencies not).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import PurePosixPath

from devlab.codebase import detect_language, require_snapshot, resolve_project, snapshot_texts
from devlab.companion.conversations import add_message, open_conversation
from devlab.companion.diffs import checked_diff
from devlab.companion.generate import (
    LAYOUTS,
    LogFn,
    Loop,
    check_request,
    describe_failure,
    run_in_sandbox,
)
from devlab.companion.models import ChangeResult, Execution, GenerateRequest, Round
from devlab.companion.prompting import Prompt, code_blocks, fence, render_prompt, syntax_error
from devlab.errors import InvalidInput
from devlab.progress import ProgressFn, report
from devlab.search import SearchRequest, repo_map, search
from devlab.workbench import Workbench

_FILE_LINE = re.compile(
    r"^[ \t]*(?:#+[ \t]*)?(?:FILE|File|file)[ \t]*:[ \t]*`?([^\s`]+)`?[ \t]*$", re.M
)
_RUNNERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "python": (("python3", "-m", "pytest"), ("python", "-m", "pytest"), ("pytest",)),
    "javascript": (("node", "--test"),),
    "typescript": (("node", "--test"),),
    "go": (("go", "test"),),
}
_SHELL = set("|&;<>$`\\")
CONTEXT_FILES = 4
REPO_MAP_TOKENS = 512
PROMPT_OVERHEAD = 128


def runner_arguments(test_command: str | None, language: str) -> list[str]:
    """The test runner's arguments from ``test_command`` ("pytest tests -k cart" ->
    ["tests", "-k", "cart"]); shell syntax is refused (the runner is fixed)."""
    if not test_command or not test_command.strip():
        return []
    if _SHELL & set(test_command):
        raise InvalidInput(
            "test_command gives the arguments of the language's test runner (e.g. "
            "'tests/test_cart.py -k total'); pipes, redirections and ';' are not run"
        )
    try:
        args = shlex.split(test_command)
    except ValueError as exc:
        raise InvalidInput(f"test_command does not parse: {exc}") from exc
    for runner in _RUNNERS.get(language, ()):
        if tuple(args[: len(runner)]) == runner:
            return args[len(runner) :]
    return args


def parse_changes(reply: str) -> tuple[dict[str, str], str | None]:
    """``({path: new text}, None)`` from "FILE: path" + code block pairs, or ``({}, why)``
    when the reply has none, a bad path, or code that does not parse."""
    marks = list(_FILE_LINE.finditer(reply))
    changes: dict[str, str] = {}
    for i, mark in enumerate(marks):
        segment = reply[mark.end() : marks[i + 1].start() if i + 1 < len(marks) else None]
        blocks = code_blocks(segment)
        path = mark.group(1).strip()
        pure = PurePosixPath(path)
        if pure.is_absolute() or ".." in pure.parts or not path:
            return {}, f"bad file path {path!r}: use a path relative to the project root"
        if not blocks:
            return {}, f"no code block after FILE: {path}"
        text = blocks[0][1].strip("\n") + "\n"
        language = detect_language(path)
        error = syntax_error(text, language) if language else None
        if error:
            return {}, f"{path} does not parse: {error}"
        changes[path] = text
    if not changes:
        return {}, "the reply has no 'FILE: path' line followed by a code block"
    return changes, None


def _context_files(
    bench: Workbench, project_id: int, request: str, files: dict[str, str], language: str
) -> list[str]:
    """Paths of the files most relevant to ``request`` (search hits first)."""
    paths: list[str] = []
    try:
        hits = search(
            bench.db, bench.settings, SearchRequest(project=str(project_id), query=request[:2000])
        )
    except InvalidInput:
        hits = []
    for hit in hits:
        if hit.path in files and hit.path not in paths:
            paths.append(hit.path)
    for path in sorted(files):  # then the language's files, tests last
        if detect_language(path) == language and path not in paths:
            paths.append(path)
    return paths[: CONTEXT_FILES * 2]


def generate_change(
    bench: Workbench,
    req: GenerateRequest,
    *,
    progress: ProgressFn | None = None,
    log: LogFn | None = None,
) -> ChangeResult:
    """Change project ``req.project`` as ``req.requirement`` asks, verified by its tests."""
    language = check_request(bench, req)
    layout = LAYOUTS[language]
    request = req.requirement.strip()
    if not req.project:
        raise InvalidInput("generate_change needs a 'project'")
    if layout.mode != "test":
        raise InvalidInput(f"the project loop runs a test runner; {language} has none here")
    ref = resolve_project(bench.db, req.project)
    require_snapshot(ref)
    args = runner_arguments(req.test_command, language)
    original = {t.path: t.text for t in snapshot_texts(bench.db, ref.id)}
    _check_size(bench, ref.name, original)
    say = log or (lambda _m: None)
    conversation_id = open_conversation(
        bench.db, None, project_id=ref.id, kind="change", title=request[:120]
    )
    add_message(bench.db, conversation_id, "user", request, action="change")
    loop = Loop(bench, req, language, layout, conversation_id)

    def run(files: dict[str, str]) -> Execution:
        return run_in_sandbox(
            bench, language, files, mode="test", args=args, timeout=req.timeout_seconds
        )

    report(progress, "baseline", 0, 1, "running the project's tests")
    baseline = run(original)
    say(f"baseline: {baseline.status}, {baseline.tests.passed}/{baseline.tests.total} tests passed")
    outline = repo_map(bench.db, ref.id, max_tokens=REPO_MAP_TOKENS).text
    relevant = _context_files(bench, ref.id, request, original, language)
    budget = bench.llm.context_window("generate") - req.max_tokens - PROMPT_OVERHEAD
    budget -= bench.llm.count_tokens("generate", outline + request)

    changed: dict[str, str] = {}
    rounds: list[Round] = []
    feedback = ""
    for n in range(1, req.max_rounds + 1):
        report(progress, "round", n - 1, req.max_rounds, f"round {n}")
        current = {**original, **changed}
        shown = _fit_files(
            bench, [*changed, *(p for p in relevant if p not in changed)], current, budget
        )
        files = [{"path": p, "text": current[p]} for p in shown]
        prompt = _prompt(language, outline, files, request, feedback, n)
        this, feedback = _attempt(loop, n, prompt, language, run, original, changed)
        rounds.append(this)
        say(f"round {n}: {this.status}" + (f": {this.error}" if this.error else ""))
        report(progress, "round", n, req.max_rounds, f"round {n}: {this.status}")
        if this.status == "passed":
            break
    passed = bool(rounds) and rounds[-1].status == "passed"
    summary = (
        f"passed in round {len(rounds)} of {req.max_rounds}"
        if passed
        else f"failed after {len(rounds)} round{'s' * (len(rounds) != 1)}"
    )
    diff = "".join(checked_diff(original.get(p, ""), changed[p], p) for p in sorted(changed))
    message_id = _record(bench, conversation_id, loop, rounds, summary, diff)
    return ChangeResult(
        verdict="passed" if passed else "failed",
        summary=summary,
        project=ref.name,
        request=request,
        language=language,
        test_command=args,
        files=changed,
        diff=diff,
        baseline=baseline,
        rounds=rounds,
        max_rounds=req.max_rounds,
        conversation_id=conversation_id,
        message_id=message_id,
    )


def _prompt(
    language: str,
    outline: str,
    files: list[dict[str, str]],
    request: str,
    feedback: str,
    n: int,
) -> Prompt:
    """Round ``n``'s prompt: the repository map, the files shown, the request and the
    last round's feedback."""
    return render_prompt(
        "change",
        language=language,
        repo_map=outline,
        files=files,
        request=request,
        feedback=feedback,
        round=n - 1,
    )


def _check_size(bench: Workbench, name: str, original: dict[str, str]) -> None:
    """Refuse a project whose text is above the sandbox's source cap."""
    size = sum(len(t.encode()) for t in original.values())
    if size > bench.settings.sandbox_max_source_bytes:
        raise InvalidInput(
            f"project {name!r} is {size} bytes of text, above the sandbox's source cap of "
            f"{bench.settings.sandbox_max_source_bytes} (sandbox_max_source_bytes)"
        )


def _attempt(
    loop: Loop,
    n: int,
    prompt: Prompt,
    language: str,
    run: Callable[[dict[str, str]], Execution],
    original: dict[str, str],
    changed: dict[str, str],
) -> tuple[Round, str]:
    """Round ``n``: ask for the changes, apply them to ``changed`` and run the tests;
    the round and the feedback for the next one (the failure, or the parse error)."""
    new, error = parse_changes(loop.ask("generate" if n == 1 else "fix", prompt))
    last = loop.last
    this = Round(
        round=n,
        status="unparsable",
        code="",
        error=error,
        provider=last.provider if last else "",
        model=last.model if last else "",
    )
    if not error:
        changed.update(new)
        this.code = "".join(f"FILE: {p}\n{fence(t, language)}" for p, t in new.items())
        this.execution = run({**original, **changed})
        this.status = "passed" if this.execution.passed else "failed"
        feedback = describe_failure(this.execution)
        this.error = None if this.execution.passed else this.execution.status
    else:
        feedback = error
    return this, feedback


def _record(
    bench: Workbench,
    conversation_id: int,
    loop: Loop,
    rounds: list[Round],
    summary: str,
    diff: str,
) -> int:
    """The assistant's answer (summary and diff) in the conversation, citing each
    round's execution."""
    return add_message(
        bench.db,
        conversation_id,
        "assistant",
        f"{summary}\n\n{fence(diff, 'diff')}",
        action="change",
        context_ids=[f"execution:{r.execution.execution_id}" for r in rounds if r.execution],
        prompt=loop.last_prompt.messages if loop.last_prompt else None,
        prompt_version=loop.last_prompt.version if loop.last_prompt else None,
        completion=loop.last,
    )


def _fit_files(bench: Workbench, paths: list[str], files: dict[str, str], budget: int) -> list[str]:
    """The first ``CONTEXT_FILES`` of ``paths`` (changed files come first) that fit the
    token budget; whole files only, since the model answers with whole files."""
    shown: list[str] = []
    for path in paths:
        if path not in files or len(shown) >= CONTEXT_FILES:
            continue
        cost = bench.llm.count_tokens("generate", files[path])
        if cost <= budget:
            shown.append(path)
            budget -= cost
    return shown


__all__ = ["generate_change", "parse_changes", "runner_arguments"]
