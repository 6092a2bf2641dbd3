"""CLI door: ``devlab chat``, ``explain``, ``bugs``, ``suggest``, ``refactor``, ``fix``,
``translate``, ``generate``, ``feedback``, ``feedback-consent`` and ``conversations``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from pydantic import BaseModel

from devlab import companion
from devlab.clitools import bench, emit_json, handle_errors, progress_bar, stderr, stdout
from devlab.companion import (
    ActiveFile,
    ChangeResult,
    ChatAnswer,
    ChatRequest,
    CodeAnswer,
    CodeInput,
    ExplainRequest,
    FeedbackRequest,
    FixRequest,
    GenerateRequest,
    GenerationResult,
    RefactorRequest,
    Selection,
    SuggestRequest,
    TextAnswer,
    TranslateRequest,
)
from devlab.errors import InvalidInput
from devlab.search import ask_server, stream_from_server

app = typer.Typer(no_args_is_help=True)
A = TypeVar("A", bound=BaseModel)

JSON = typer.Option(False, "--json", help="print JSON on stdout")
MAX_TOKENS = typer.Option(512, "--max-tokens", min=1, max=8192, help="reply budget (tokens)")
PROJECT = typer.Option(None, "--project", "-p", help="project name or id")


def _read(path: Path | None) -> str | None:
    if path is None:
        return None
    if str(path) == "-":
        return sys.stdin.read()
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file")
    return path.read_text(encoding="utf-8", errors="replace")


def _lines(spec: str | None) -> Selection | None:
    if not spec:
        return None
    start, _, end = spec.partition("-")
    try:
        return Selection(start_line=int(start), end_line=int(end or start))
    except ValueError as exc:
        raise InvalidInput(f"--lines takes START-END, e.g. 10-24 (got {spec!r})") from exc


def _print_sources(citations: list) -> None:  # type: ignore[type-arg]
    if not citations:
        return
    label = "sources" if any(c.cited for c in citations) else "context (not cited)"
    stderr.print(f"\n[dim]{label}:[/dim]")
    for c in citations:
        extra = f" [yellow]licence {c.licence}[/yellow]" if c.licence else ""
        symbol = f" ({c.symbol})" if c.symbol else ""
        stderr.print(f"  [{c.ref}] {c.location()}{symbol}{extra}", highlight=False)


@app.command()
@handle_errors
def chat(
    message: str = typer.Argument(..., help="your question or request"),
    project: str = PROJECT,
    conversation: int = typer.Option(None, "--conversation", "-c", help="continue it (id)"),
    file: str = typer.Option(None, "--file", help="the open file (path in the project)"),
    lines: str = typer.Option(None, "--lines", help="selected lines of --file, e.g. 10-24"),
    working_tree: Path = typer.Option(None, "--changes-from", help="git tree for changes"),
    max_tokens: int = MAX_TOKENS,
    as_json: bool = JSON,
) -> None:
    """Ask about a project's code; the answer cites its sources (path:lines)."""
    active = None
    if file:
        local = Path(file)
        content = local.read_text("utf-8", errors="replace") if local.is_file() else None
        active = ActiveFile(path=file, content=content, selection=_lines(lines))
    req = ChatRequest(
        message=message,
        project=project,
        conversation_id=conversation,
        active_file=active,
        working_tree=str(working_tree) if working_tree else None,
        max_tokens=max_tokens,
    )

    def live(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    answer = _chat_on_server(req, None if as_json else live)
    if answer is None:
        with bench() as wb:
            answer = companion.chat(wb, req, on_token=None if as_json else live)
    if as_json:
        emit_json(answer)
        return
    sys.stdout.write("\n")
    _print_sources(answer.citations)
    stderr.print(
        f"[dim]conversation {answer.conversation_id}, message {answer.message_id} "
        f"({answer.provider}/{answer.model})[/dim]",
        highlight=False,
    )


def _running_server() -> tuple[str, float] | None:
    """The server running for this DEVLAB_HOME (its model is already loaded) and how long
    to wait for its next token, or None to answer here."""
    from devlab.clitools import settings
    from devlab.search import running_server

    config = settings()
    url = running_server(config.home)
    return None if url is None else (url, config.llm_local_timeout_s)


def _answered_by(url: str) -> None:
    stderr.print(f"answered by the server at {url}", markup=False, highlight=False)


def _chat_on_server(req: ChatRequest, live: Callable[[str], None] | None) -> ChatAnswer | None:
    """The running server's answer (streamed to ``live`` when given), or None when there is
    no server to ask (or it refused the credentials): then the CLI answers itself. A
    request naming a local working tree stays local (the path is this process's)."""
    server = None if req.working_tree else _running_server()
    if server is None:
        return None
    url, wait = server
    body = req.model_dump(mode="json", exclude_none=True)
    if live is None:
        data = ask_server(url, "/api/v1/devlab/companion/chat", body, timeout=wait)
    else:
        data = stream_from_server(
            url, "/api/v1/devlab/companion/stream", body, live, gap_timeout=wait
        )
    if data is None:
        return None
    _answered_by(url)
    return ChatAnswer.model_validate(data)


def _ask_on_server(path: str, req: BaseModel, answer: type[A]) -> A | None:
    """POST ``req`` to the running server's ``path`` (see ``_chat_on_server``)."""
    server = _running_server()
    if server is None:
        return None
    url, wait = server
    data = ask_server(url, path, req.model_dump(mode="json", exclude_none=True), timeout=wait)
    if data is None:
        return None
    _answered_by(url)
    return answer.model_validate(data)


def _text_out(answer: TextAnswer, as_json: bool) -> None:
    if as_json:
        emit_json(answer)
        return
    stdout.print(answer.text, markup=False, highlight=False)
    _print_sources(answer.citations)
    stderr.print(f"[dim]message {answer.message_id}[/dim]", highlight=False)


def _code_out(answer: CodeAnswer, as_json: bool, write: Path | None) -> None:
    if write is not None:
        write.write_text(answer.code, encoding="utf-8")
        stderr.print(f"wrote {write}", highlight=False)
    if as_json:
        emit_json(answer)
        return
    stdout.print(answer.diff or answer.code, markup=False, highlight=False)
    if answer.explanation:
        stderr.print(answer.explanation, markup=False, highlight=False)
    stderr.print(f"[dim]message {answer.message_id}[/dim]", highlight=False)


FILE = typer.Argument(None, help="source file ('-' for stdin)")
SYMBOL = typer.Option(None, "--symbol", "-s", help="a symbol of --project instead of FILE")
LANGUAGE = typer.Option(None, "--language", "-l", help="the code's language")


def _code_input(cls, file, project, symbol, language, max_tokens, **extra):  # type: ignore[no-untyped-def]
    code = _read(file)
    path = file.name if file is not None and str(file) != "-" else None
    return cls(
        code=code,
        path=path,
        project=project,
        symbol=symbol,
        language=language,
        max_tokens=max_tokens,
        **extra,
    )


@app.command()
@handle_errors
def explain(
    file: Path = FILE,
    project: str = PROJECT,
    symbol: str = SYMBOL,
    language: str = LANGUAGE,
    question: str = typer.Option(None, "--question", "-q", help="what to focus on"),
    max_tokens: int = MAX_TOKENS,
    as_json: bool = JSON,
) -> None:
    """Explain a file, or a symbol of a project."""
    req = _code_input(
        ExplainRequest, file, project, symbol, language, max_tokens, question=question
    )
    answer = _ask_on_server("/api/v1/devlab/explain", req, TextAnswer)
    if answer is None:
        with bench() as wb:
            answer = companion.explain(wb, req)
    _text_out(answer, as_json)


@app.command()
@handle_errors
def bugs(
    file: Path = FILE,
    project: str = PROJECT,
    symbol: str = SYMBOL,
    language: str = LANGUAGE,
    max_tokens: int = MAX_TOKENS,
    as_json: bool = JSON,
) -> None:
    """Find bugs in a file, or in a symbol of a project."""
    req = _code_input(CodeInput, file, project, symbol, language, max_tokens)
    with bench() as wb:
        _text_out(companion.find_bugs(wb, req), as_json)


@app.command()
@handle_errors
def suggest(
    file: Path = FILE,
    kind: str = typer.Option("refactor", "--kind", help="optimisation, security or refactor"),
    project: str = PROJECT,
    symbol: str = SYMBOL,
    language: str = LANGUAGE,
    max_tokens: int = MAX_TOKENS,
    as_json: bool = JSON,
) -> None:
    """Suggest optimisation, security or refactoring improvements."""
    req = _code_input(SuggestRequest, file, project, symbol, language, max_tokens, kind=kind)
    with bench() as wb:
        _text_out(companion.suggest(wb, req), as_json)


WRITE = typer.Option(None, "--write", help="also write the new code to this file")


@app.command()
@handle_errors
def refactor(
    file: Path = FILE,
    kind: str = typer.Option("simplify", "--kind", help="extract_method, simplify or optimise"),
    instructions: str = typer.Option(None, "--instructions", help="extra guidance"),
    project: str = PROJECT,
    symbol: str = SYMBOL,
    language: str = LANGUAGE,
    write: Path = WRITE,
    max_tokens: int = MAX_TOKENS,
    as_json: bool = JSON,
) -> None:
    """Refactor code; prints a unified diff that applies to FILE."""
    req = _code_input(
        RefactorRequest,
        file,
        project,
        symbol,
        language,
        max_tokens,
        kind=kind,
        instructions=instructions,
    )
    with bench() as wb:
        _code_out(companion.refactor(wb, req), as_json, write)


@app.command()
@handle_errors
def fix(
    file: Path = FILE,
    error: str = typer.Option(None, "--error", "-e", help="the error message"),
    error_file: Path = typer.Option(None, "--error-file", help="read the error from a file"),
    project: str = PROJECT,
    symbol: str = SYMBOL,
    language: str = LANGUAGE,
    write: Path = WRITE,
    max_tokens: int = MAX_TOKENS,
    as_json: bool = JSON,
) -> None:
    """Fix code given the error it fails with; prints a unified diff."""
    text = error if error is not None else _read(error_file) or ""
    req = _code_input(FixRequest, file, project, symbol, language, max_tokens, error=text)
    with bench() as wb:
        _code_out(companion.fix(wb, req), as_json, write)


@app.command()
@handle_errors
def translate(
    file: Path = FILE,
    to: str = typer.Option(..., "--to", help="target language, e.g. javascript"),
    project: str = PROJECT,
    symbol: str = SYMBOL,
    language: str = LANGUAGE,
    write: Path = WRITE,
    max_tokens: int = MAX_TOKENS,
    as_json: bool = JSON,
) -> None:
    """Translate code to another language."""
    req = _code_input(
        TranslateRequest, file, project, symbol, language, max_tokens, target_language=to
    )
    with bench() as wb:
        _code_out(companion.translate(wb, req), as_json, write)


@app.command()
@handle_errors
def generate(
    requirement: str = typer.Argument(
        None, help="what the code must do (leave out with --resume)", show_default=False
    ),
    language: str = typer.Option("python", "--language", "-l", help="language of the code"),
    max_rounds: int = typer.Option(
        None, "--max-rounds", min=1, max=10, help="repair rounds [default: 3]"
    ),
    tests: Path = typer.Option(None, "--tests", help="acceptance tests to use as given"),
    project: str = typer.Option(None, "--project", "-p", help="change this project instead"),
    test_command: str = typer.Option(None, "--test-command", help="test runner arguments"),
    max_tokens: int = typer.Option(1024, "--max-tokens", min=16, max=8192),
    resume: int = typer.Option(
        None,
        "--resume",
        help="go on with the stopped generation of this conversation id (its spec and "
        "tests; --max-rounds sets the new total)",
    ),
    as_json: bool = JSON,
) -> None:
    """Write code that is proven by running: spec -> code + tests -> sandbox -> repair.
    Exits 0 when the tests pass, 1 when they still fail after --max-rounds. Every round
    is saved: a generation that stopped goes on with --resume CONVERSATION_ID."""
    if resume is not None:
        if requirement:
            raise InvalidInput("give either a requirement or --resume ID, not both")
        with bench() as wb, progress_bar(enabled=not as_json) as progress:
            resumed = companion.resume_generation_job(
                wb, resume, max_rounds=max_rounds, wait=True, progress=progress
            )
        assert isinstance(resumed, GenerationResult)
        _show_generation(resumed, as_json)
        return
    if not requirement:
        raise InvalidInput("say what the code must do, or give --resume CONVERSATION_ID")
    req = GenerateRequest(
        requirement=requirement,
        language=language,
        max_rounds=max_rounds or 3,
        tests=_read(tests),
        project=project,
        test_command=test_command,
        max_tokens=max_tokens,
    )
    with bench() as wb, progress_bar(enabled=not as_json) as progress:
        result = companion.run_generation(wb, req, progress=progress)
    _show_generation(result, as_json)


def _show_generation(result: GenerationResult | ChangeResult, as_json: bool) -> None:
    """Print a loop's result (rounds on stderr, code on stdout); exit 0 when it passed."""
    if as_json:
        emit_json(result)
    else:
        for r in result.rounds:
            execution = r.execution
            ran = (
                f" ({execution.status}, {execution.tests.passed}/{execution.tests.total} "
                "tests passed)"
                if execution
                else ""
            )
            stderr.print(f"round {r.round}: {r.status}{ran}", highlight=False)
        shown = result.code if isinstance(result, GenerationResult) else result.diff
        stdout.print(shown, markup=False, highlight=False)
        color = "green" if result.verdict == "passed" else "red"
        stderr.print(f"[{color}]{result.verdict}[/{color}]: {result.summary}", highlight=False)
    raise typer.Exit(0 if result.verdict == "passed" else 1)


CONSENT_HELP = (
    "consent to train on the correction: it may be used to train the team's models (it "
    "becomes an example of the next dataset version built from this project)"
)


@app.command()
@handle_errors
def feedback(
    message_id: int = typer.Argument(
        None, help="the answer's message id (leave out to list recent feedback)"
    ),
    up: bool = typer.Option(False, "--up", help="thumbs up"),
    down: bool = typer.Option(False, "--down", help="thumbs down"),
    correction: str = typer.Option(None, "--correction", help="what the answer should be"),
    consent: bool = typer.Option(False, "--consent", help=CONSENT_HELP),
    limit: int = typer.Option(20, "--limit", min=1, max=100_000, help="feedback listed"),
    as_json: bool = JSON,
) -> None:
    """Rate an answer and/or correct it (stored; a correction trains models only with
    --consent), or list recent feedback."""
    if message_id is None:
        if up or down or correction is not None or consent:
            raise InvalidInput("give the answer's message id to rate or correct it")
        _list_feedback(limit, as_json)
        return
    if up and down:
        raise InvalidInput("give --up or --down, not both")
    rating = "up" if up else "down" if down else None
    request = FeedbackRequest(
        message_id=message_id, rating=rating, correction=correction, training_consent=consent
    )
    with bench() as wb:
        info = companion.record_feedback(wb.db, request)
    if as_json:
        emit_json(info)
    else:
        used = "may train models" if info.training_consent else "not used for training"
        stdout.print(f"feedback {info.id} stored on message {message_id} ({used})", highlight=False)


def _list_feedback(limit: int, as_json: bool) -> None:
    with bench() as wb:
        found = companion.list_feedback(wb.db, limit=limit)
    if as_json:
        emit_json([f.model_dump(mode="json") for f in found])
        return
    if not found:
        stdout.print("no feedback yet: `devlab feedback MESSAGE_ID --up|--down|--correction`")
    for f in found:
        text = " ".join((f.correction or "").split())
        stdout.print(
            f"{f.id:>5}  message {f.message_id or '-':<6} {f.rating or '-':<4} "
            f"consent {'yes' if f.training_consent else 'no ':<3}  {f.model_version:<28} "
            f"{text[:60]}",
            markup=False,
            highlight=False,
        )


@app.command("feedback-consent")
@handle_errors
def feedback_consent(
    feedback_id: int = typer.Argument(..., help="the feedback's id (see `devlab feedback`)"),
    withdraw: bool = typer.Option(
        False, "--withdraw", help="withdraw consent: the next dataset versions leave it out"
    ),
    as_json: bool = JSON,
) -> None:
    """Give consent to train the team's models on a correction, or withdraw it."""
    with bench() as wb:
        info = companion.set_training_consent(wb.db, feedback_id, not withdraw)
    if as_json:
        emit_json(info)
    else:
        state = "given" if info.training_consent else "withdrawn"
        stdout.print(f"feedback {info.id}: training consent {state}", highlight=False)


@app.command()
@handle_errors
def conversations(
    conversation_id: int = typer.Argument(None, help="show this conversation's messages"),
    limit: int = typer.Option(20, "--limit", min=1, max=1000),
    as_json: bool = JSON,
) -> None:
    """List conversations, or show one."""
    with bench() as wb:
        if conversation_id is not None:
            found = companion.get_conversation(wb.db, conversation_id)
            if as_json:
                emit_json(found)
                return
            for m in found.messages:
                stdout.print(f"[bold]{m.role}[/bold] #{m.id} ({m.action})")
                stdout.print(m.content, markup=False, highlight=False)
            return
        listed = companion.list_conversations(wb.db, limit=limit)
    if as_json:
        emit_json([c.model_dump(mode="json") for c in listed])
        return
    for c in listed:
        stdout.print(f"{c.id:>5}  {c.kind:<9} {c.project or '-':<16} {c.title}", highlight=False)
