"""The ``devlab`` command: mounts each capability's Typer sub-app."""

from __future__ import annotations

from pathlib import Path

import typer

from devlab import __version__
from devlab.clitools import STATE, handle_errors, settings

app = typer.Typer(
    name="devlab",
    no_args_is_help=True,
    add_completion=False,
    help="DevLab: a self-hosted AI workbench that learns your codebase.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"devlab {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    home: Path = typer.Option(
        None, "--home", help="data directory (default $DEVLAB_HOME or ~/.devlab)"
    ),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks on errors"),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    STATE["home"], STATE["debug"] = home, debug


@app.command()
@handle_errors
def serve(
    host: str = typer.Option(None, "--host", help="bind address (default 127.0.0.1)"),
    port: int = typer.Option(None, "--port", help="port (default 8000)", min=1, max=65535),
) -> None:
    """Run the DevLab server: web UI at /, REST API under /api/v1, docs at /docs."""
    import uvicorn

    from devlab.config import load_settings
    from devlab.server.app import create_app

    cfg = load_settings(home=STATE["home"], host=host, port=port)
    uvicorn.run(create_app(cfg), host=cfg.host, port=cfg.port, log_level="info")


@app.command()
@handle_errors
def config() -> None:
    """Print the resolved settings as JSON (secrets masked)."""
    data = settings().model_dump(mode="json")
    if data.get("embedding_api_key"):
        data["embedding_api_key"] = "***"
    from devlab.clitools import emit_json

    emit_json(data)


def _mount() -> None:
    from devlab.codebase.cli import app as codebase_app
    from devlab.companion.cli import app as companion_app
    from devlab.insights.cli import app as insights_app
    from devlab.jobs.cli import app as jobs_app
    from devlab.llm.cli import app as llm_usage_app
    from devlab.llm.cli import llm_app
    from devlab.reverse.cli import app as reverse_app
    from devlab.reverse.cli import vulndb_app
    from devlab.sandbox.cli import app as sandbox_app
    from devlab.search.cli import app as search_app
    from devlab.training.cli import app as training_app
    from devlab.training.cli import models_app
    from devlab.training.datasets.cli import app as dataset_app

    for sub in (
        codebase_app,
        search_app,
        jobs_app,
        sandbox_app,
        reverse_app,
        companion_app,
        llm_usage_app,
        training_app,
    ):
        for command in sub.registered_commands:
            app.registered_commands.append(command)
    app.add_typer(vulndb_app, name="vulndb")
    app.add_typer(insights_app, name="insights")
    app.add_typer(llm_app, name="llm")
    app.add_typer(dataset_app, name="dataset")
    app.add_typer(models_app, name="models")
    from devlab.apibuilder.cli import app as api_app  # issue 16

    app.add_typer(api_app, name="api")


_mount()


def main() -> None:
    app()
