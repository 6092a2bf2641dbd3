"""CLI door: ``devlab run FILE`` (streams output, exits with the program's code)
and ``devlab doctor``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from devlab.clitools import emit_json, handle_errors, settings, stderr, stdout
from devlab.errors import InvalidInput
from devlab.sandbox import (
    Limits,
    SandboxRequest,
    SandboxResult,
    stream_code,
)
from devlab.sandbox import (
    doctor as sandbox_doctor,
)
from devlab.sandbox.languages import EXTENSIONS

if TYPE_CHECKING:
    from devlab.config import Settings
    from devlab.store import Database

app = typer.Typer(no_args_is_help=True)
_SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv"}


def _read_source(path: Path, lang: str | None) -> tuple[str, dict[str, str], str | None]:
    """A file, or a directory read as a multi-file project; returns language, files, entry."""
    if path.is_dir():
        files = {
            str(p.relative_to(path)): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(path.rglob("*"))
            if p.is_file() and not _SKIP_DIRS & set(p.relative_to(path).parts)
        }
        if not lang:
            guesses = [EXTENSIONS[Path(f).suffix] for f in files if Path(f).suffix in EXTENSIONS]
            if not guesses:
                raise InvalidInput(f"cannot tell the language of {path}; pass --lang")
            lang = max(set(guesses), key=guesses.count)
        return lang, files, None
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file or directory")
    lang = lang or EXTENSIONS.get(path.suffix)
    if not lang:
        raise InvalidInput(f"cannot tell the language of {path.name}; pass --lang")
    return lang, {path.name: path.read_text(encoding="utf-8", errors="replace")}, path.name


def _exit_code(result: SandboxResult) -> int:
    if result.status == "timeout":
        return 124
    if result.exit_code is not None:
        return result.exit_code
    if result.signal is not None:
        return 128 + result.signal
    return 0 if result.status == "ok" else 1


@app.command()
@handle_errors
def run(
    file: Path = typer.Argument(..., help="source file, or a directory (multi-file project)"),
    lang: str = typer.Option(None, "--lang", "-l", help="language (default: from the extension)"),
    stdin_text: str = typer.Option(None, "--stdin", help="text to send to the program's stdin"),
    timeout: float = typer.Option(None, "--timeout", help="wall-clock limit in seconds"),
    memory: int = typer.Option(None, "--memory", help="memory limit in MB"),
    entry: str = typer.Option(None, "--entry", help="file to run in a directory project"),
    test: bool = typer.Option(False, "--test", help="run the language's test runner"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON on stdout"),
    args: list[str] = typer.Argument(None, help="arguments for the program (after --)"),
) -> None:
    """Run FILE in the sandbox; output streams live and the exit code is the program's."""
    cfg = settings()
    language, files, default_entry = _read_source(file, lang)
    limits = Limits()
    if timeout is not None:
        limits.wall_seconds = timeout
    if memory is not None:
        limits.memory_mb = memory
    request = SandboxRequest(
        language=language,
        files=files,
        entry=entry or default_entry,
        stdin=stdin_text or "",
        args=list(args or []),
        limits=limits,
        mode="test" if test else "run",
    )
    from devlab.store import Database

    db = Database(cfg)
    try:
        result = asyncio.run(_stream(request, cfg, db, live=not as_json))
    finally:
        db.close()
    if as_json:
        emit_json(result)
    else:
        if result.status == "compile_error":
            sys.stderr.write(result.stderr)
        if result.tests:
            passed = sum(t.outcome == "passed" for t in result.tests)
            stderr.print(f"tests: {passed}/{len(result.tests)} passed", highlight=False)
        if result.status not in ("ok", "runtime_error", "compile_error"):
            stderr.print(f"[yellow]{result.status}[/yellow] after {result.wall_ms:.0f} ms")
    raise typer.Exit(_exit_code(result))


async def _stream(
    request: SandboxRequest, cfg: Settings, db: Database, *, live: bool
) -> SandboxResult:
    async for event in stream_code(request, cfg, db=db):
        if event.type == "result":
            assert event.result is not None
            return event.result
        if live:
            out = sys.stdout if event.type == "stdout" else sys.stderr
            out.write(event.data)
            out.flush()
    raise RuntimeError("stream ended without a result")  # pragma: no cover


@app.command()
@handle_errors
def doctor(as_json: bool = typer.Option(False, "--json", help="print JSON on stdout")) -> None:
    """Check which sandbox languages and isolation features work here, and what to install."""
    report = sandbox_doctor(settings())
    if as_json:
        emit_json(report)
        return
    for lang in report.languages:
        mark = "[green]ok[/green]" if lang.available else "[red]missing[/red]"
        extra = lang.toolchain if lang.available else f"{lang.reason} (install: {lang.install})"
        stdout.print(f"{mark:<20} {lang.language:<11} {extra}", highlight=False)
    for feature in report.isolation:
        mark = "[green]ok[/green]" if feature.works else "[red]no[/red]"
        stdout.print(f"{mark:<20} {feature.feature:<19} {feature.detail}", highlight=False)
    for name, how in report.enforcement.items():
        stdout.print(f"  limit {name:<11} {how}", highlight=False)
    if not report.ok:
        raise typer.Exit(1)
