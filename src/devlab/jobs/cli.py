"""CLI door for jobs: ``devlab jobs``, ``job``, ``cancel``."""

from __future__ import annotations

import typer

from devlab.clitools import bench, emit_json, handle_errors, stdout

app = typer.Typer(no_args_is_help=True)


@app.command()
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


@app.command()
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


@app.command()
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
