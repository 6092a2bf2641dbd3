"""The ``devlab`` command: mounts each capability's Typer sub-app."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from devlab import __version__
from devlab.clitools import STATE, bench, emit_json, handle_errors, settings, stdout

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
    tls_cert: Path = typer.Option(None, "--tls-cert", help="PEM certificate: serve HTTPS"),
    tls_key: Path = typer.Option(None, "--tls-key", help="PEM private key of --tls-cert"),
) -> None:
    """Run the DevLab server: web UI at /, REST API under /api/v1, docs at /docs.

    On a loopback address with no accounts it serves the single local user; any other
    address needs an admin first (`devlab users create-admin NAME`)."""
    import uvicorn

    from devlab.auth.serving import check_serving
    from devlab.config import load_settings
    from devlab.search.remote import serving
    from devlab.server.app import create_app

    cfg = load_settings(home=STATE["home"], host=host, port=port)
    tls = check_serving(cfg, tls_cert, tls_key)
    # recorded in DEVLAB_HOME so `devlab search` can ask this warm server (issue 14)
    with serving(cfg.home, cfg.host, cfg.port):
        uvicorn.run(
            create_app(cfg),
            host=cfg.host,
            port=cfg.port,
            log_level="info",
            proxy_headers=True,
            ssl_certfile=tls.get("ssl_certfile"),
            ssl_keyfile=tls.get("ssl_keyfile"),
        )


@app.command()
@handle_errors
def config() -> None:
    """Print the resolved settings as JSON (secrets masked)."""
    data = settings().model_dump(mode="json")
    if data.get("embedding_api_key"):
        data["embedding_api_key"] = "***"
    from devlab.clitools import emit_json

    emit_json(data)


# Commands a user runs many times a minute: `devlab def x` must not import every
# capability (the companion, training, analysis...) to answer from SQLite (issue 14).
_SEARCH_COMMANDS = frozenset({"search", "map", "symbols", "def", "refs", "callers", "callees"})
_ROOT_OPTIONS_WITH_VALUE = frozenset({"--home"})


def _command_word(argv: list[str]) -> str | None:
    """The sub-command ``argv`` names (root options such as ``--home X`` skipped)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word in _ROOT_OPTIONS_WITH_VALUE:
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def _mount_search_only() -> bool:
    """Whether this process is the ``devlab`` command running a search command (then
    only the search sub-app is imported); importers (tests, the server) get everything."""
    program = Path(sys.argv[0]).name if sys.argv else ""
    if program not in ("devlab", "__main__.py"):
        return False
    return _command_word(sys.argv[1:]) in _SEARCH_COMMANDS


def _mount() -> None:
    if _mount_search_only():
        from devlab.search.cli import app as search_app

        app.registered_commands.extend(search_app.registered_commands)
        return
    from devlab.cli_llm import app as llm_usage_app
    from devlab.cli_llm import llm_app
    from devlab.companion.cli import app as companion_app
    from devlab.insights.cli import analysis_app
    from devlab.insights.cli import app as insights_app
    from devlab.reverse.cli import app as reverse_app
    from devlab.reverse.cli import vulndb_app
    from devlab.sandbox.cli import app as sandbox_app
    from devlab.search.cli import app as search_app
    from devlab.search.cli import ingest_app
    from devlab.search.project_cli import app as codebase_app
    from devlab.testing.cli import app as testing_app  # issue 15
    from devlab.testing.cli import chaos_app
    from devlab.training.cli import app as training_app
    from devlab.training.cli import models_app
    from devlab.training.datasets.cli import app as dataset_app

    for sub in (
        ingest_app,
        codebase_app,
        search_app,
        jobs_app,
        sandbox_app,
        reverse_app,
        analysis_app,
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
    from devlab.search.project_cli import projects_app  # `projects` + `projects delete`

    app.add_typer(projects_app, name="projects")
    app.add_typer(models_app, name="models")
    # access control (issue 19)
    from devlab.auth.cli import (
        audit_app,
        keys_app,
        members_app,
        purge_app,
        tokens_app,
        users_app,
    )

    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.add_typer(members_app, name="members")
    app.add_typer(audit_app, name="audit")
    app.add_typer(purge_app, name="purge")
    app.add_typer(keys_app, name="keys")
    app.add_typer(testing_app, name="tests")  # issue 15
    app.add_typer(chaos_app, name="chaos")
    from devlab.apibuilder.cli import app as api_app  # issue 16

    app.add_typer(api_app, name="api")


# ``devlab jobs``, ``job``, ``cancel``: jobs are the plumbing every capability shares
# (mounted among the capabilities' commands by ``_mount``).
jobs_app = typer.Typer(no_args_is_help=True)


@jobs_app.command()
@handle_errors
def jobs(
    limit: int = typer.Option(20, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help="print JSON on stdout"),
) -> None:
    """List recent jobs."""
    with bench() as wb:
        items = wb.jobs.list(limit)
    if as_json:
        emit_json([j.model_dump(mode="json") for j in items])
        return
    for j in items:
        stdout.print(
            f"{j.id}\t{j.kind}\t{j.status}\t{j.progress.done}/{j.progress.total}\t"
            f"{j.error or j.progress.message}",
            highlight=False,
            markup=False,
        )


@jobs_app.command()
@handle_errors
def job(
    job_id: str = typer.Argument(..., help="job id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON on stdout"),
) -> None:
    """Show one job with its log."""
    with bench() as wb:
        info, logs = wb.jobs.get(job_id), wb.jobs.logs(job_id)
    if as_json:
        emit_json(
            {**info.model_dump(mode="json"), "logs": [x.model_dump(mode="json") for x in logs]}
        )
        return
    stdout.print_json(info.model_dump_json())
    for line in logs:
        stdout.print(f"{line.created_at:%H:%M:%S} {line.level}: {line.message}", markup=False)


@jobs_app.command()
@handle_errors
def cancel(
    job_id: str = typer.Argument(..., help="job id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON on stdout"),
) -> None:
    """Ask a running job to stop (a queued job stops at once)."""
    with bench() as wb:
        info = wb.jobs.cancel(job_id)
    if as_json:
        emit_json(info)
    else:
        stdout.print(f"{info.id}: {info.status} (cancel requested)")


_mount()


def main() -> None:
    app()
