"""Shared plumbing for the CLI doors: settings, errors, JSON output, progress bars.

Errors: a ``DevLabError`` prints ``error: <message>`` on stderr and exits with
its ``exit_code`` (2 for bad input or an unknown project); ``--debug`` shows
the traceback. ``--json`` output goes to stdout and nothing else does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from devlab.config import Settings, load_settings
from devlab.errors import DevLabError, describe_validation_errors
from devlab.progress import Progress as ProgressEvent
from devlab.progress import ProgressFn

if TYPE_CHECKING:  # imported on use: a CLI call answered by the server never opens the store
    from devlab.workbench import Workbench

stderr = Console(stderr=True)
stdout = Console(soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

STATE: dict[str, Any] = {"debug": False, "home": None}


def settings() -> Settings:
    return load_settings(home=STATE["home"])


@contextmanager
def bench() -> Iterator[Workbench]:
    from devlab.workbench import Workbench

    wb = Workbench.open(settings())
    try:
        yield wb
    finally:
        wb.close()


def handle_errors(fn: F) -> F:
    """Turn DevLab errors into a message on stderr and the error's exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DevLabError as exc:
            if STATE["debug"]:
                stderr.print_exception()
            stderr.print(f"[red]error:[/red] {exc.message}", highlight=False)
            raise typer.Exit(exc.exit_code) from None
        except ValidationError as exc:
            problems = describe_validation_errors(exc.errors())
            stderr.print(f"[red]error:[/red] invalid input: {problems}", highlight=False)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            stderr.print("[yellow]interrupted[/yellow]")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def emit_json(data: Any) -> None:
    """Machine-readable output on stdout (models, lists of models, plain data)."""
    if isinstance(data, BaseModel):
        text = data.model_dump_json(indent=2)
    elif isinstance(data, list) and data and isinstance(data[0], BaseModel):
        text = json.dumps([d.model_dump(mode="json") for d in data], indent=2)
    else:
        text = json.dumps(data, indent=2, default=str)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[ProgressFn | None]:
    """A Rich progress bar on stderr, fed by ``Progress`` events (one task per stage)."""
    if not enabled:
        yield None
        return
    columns = (
        TextColumn("{task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[message]}"),
    )
    with Progress(*columns, console=stderr, transient=False) as bar:
        tasks: dict[str, Any] = {}

        def on_progress(event: ProgressEvent) -> None:
            if event.stage not in tasks:
                tasks[event.stage] = bar.add_task(
                    event.stage, total=event.total or None, message=""
                )
            bar.update(
                tasks[event.stage],
                completed=event.done,
                total=event.total or None,
                message=event.message[:60],
            )

        yield on_progress
