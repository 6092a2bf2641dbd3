"""CLI door for ingestion and projects: ``devlab ingest``, ``projects``, ``files``."""

from __future__ import annotations

import typer
from rich.table import Table

from devlab.clitools import bench, emit_json, handle_errors, progress_bar, stderr, stdout
from devlab.codebase.jobs import run_ingest
from devlab.codebase.models import IngestRequest
from devlab.codebase.projects import list_files, list_projects, project_info
from devlab.errors import DevLabError

app = typer.Typer(no_args_is_help=True)


@app.command()
@handle_errors
def ingest(
    source: str = typer.Argument(
        ..., help="a directory, a .zip file, a local git repo or a git URL"
    ),
    name: str = typer.Option(..., "--name", "-n", help="project name (letters, digits, . _ -)"),
    ref: str = typer.Option(None, "--ref", help="git commit, branch or tag to ingest"),
    no_embed: bool = typer.Option(
        False, "--no-embed", help="skip embeddings (lexical search only)"
    ),
    own_code: bool = typer.Option(
        None,
        "--own-code/--not-own-code",
        help="whether this is your team's own code (datasets then keep its files whatever "
        "their licence); default: decided once from the source (a local directory or "
        "private git remote: yes; a package from a registry or a public forge: no)",
    ),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON on stdout"),
) -> None:
    """Ingest and index a codebase as a new snapshot of project NAME (incremental)."""
    with bench() as wb, progress_bar(enabled=True) as progress:
        job = run_ingest(
            wb,
            IngestRequest(name=name, source=source, ref=ref, own_code=own_code),
            progress=progress,
            embed=not no_embed,
        )
    if job.status != "succeeded":
        raise DevLabError(f"ingestion {job.status}: {job.error}")
    result = job.result or {}
    if as_json:
        emit_json({"job_id": job.id, **result})
        return
    if result.get("message"):
        stderr.print(f"[yellow]{result['message']}[/yellow]")
    stdout.print(
        f"[bold]{name}[/bold]: snapshot {result['snapshot_id']} - {result['files']} files "
        f"({result['parsed']} parsed, {result['reused']} unchanged, {result['removed']} removed, "
        f"{result['skipped']} skipped), {result['lines']} lines, {result['symbols']} symbols, "
        f"{result['chunks']} chunks, {result['secrets']} secrets redacted, "
        f"{result['parse_errors']} parse errors"
    )
    if "own_code" in result:
        own = result["own_code"]
        keeps = "its files whatever their licence" if own else "only allow-listed licences"
        stderr.print(
            f"own code: {'yes' if own else 'no'} ({result['own_code_reason']}): datasets keep "
            f"{keeps}; change with --{'not-' if own else ''}own-code",
            markup=False,
        )


# ``devlab projects`` lists; ``devlab projects delete NAME`` deletes (issue 13).
projects_app = typer.Typer(help="List projects (no sub-command) or delete one.")


@projects_app.callback(invoke_without_command=True)
@handle_errors
def projects(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="print JSON on stdout"),
) -> None:
    """List projects and their current snapshots."""
    if ctx.invoked_subcommand is not None:
        return
    with bench() as wb:
        items = list_projects(wb.db)
    if as_json:
        emit_json(items)
        return
    if not items:
        stderr.print("no projects yet: run `devlab ingest SOURCE --name NAME`")
        return
    table = Table(
        "id", "name", "files", "lines", "symbols", "chunks", "licence", "latest", "source"
    )
    for p in items:
        s = p.current_snapshot
        table.add_row(
            str(p.id),
            p.name,
            *(
                str(getattr(s, k)) if s else "-"
                for k in ("file_count", "line_count", "symbol_count", "chunk_count")
            ),
            (s.license or "") if s else "",
            p.latest_snapshot.status if p.latest_snapshot else "",
            p.source,
        )
    stdout.print(table)


@projects_app.command("delete")
@handle_errors
def delete_project_command(
    project: str = typer.Argument(..., help="project name or id"),
    yes: bool = typer.Option(False, "--yes", "-y", help="do not ask for confirmation"),
    as_json: bool = typer.Option(False, "--json", help="print what was deleted as JSON"),
) -> None:
    """Delete a project: snapshots, files, index entries, findings (refused while a job
    runs on it)."""
    from devlab.codebase.removal import delete_project

    if not yes and not typer.confirm(f"delete project {project} and everything indexed?"):
        raise typer.Exit(1)
    with bench() as wb:
        done = delete_project(wb.db, wb.settings, project)
    if as_json:
        emit_json(done)
    else:
        stderr.print(
            f"deleted project {done.name}: {done.snapshots} snapshots, "
            f"{done.files} files, {done.chunks} chunks"
        )


@app.command()
@handle_errors
def project(
    name: str = typer.Argument(..., help="project name or id"),
    as_json: bool = typer.Option(False, "--json", help="print JSON on stdout"),
) -> None:
    """Show one project: its current snapshot, provenance and counts."""
    with bench() as wb:
        info = project_info(wb.db, name)
    if as_json:
        emit_json(info)
    else:
        stdout.print_json(info.model_dump_json())


@app.command()
@handle_errors
def files(
    project: str = typer.Option(..., "--project", "-p", help="project name or id"),
    language: str = typer.Option(None, "--language", help="only files of this language"),
    skipped: bool = typer.Option(False, "--skipped", help="list skipped files with reasons"),
    as_json: bool = typer.Option(False, "--json", help="print JSON on stdout"),
) -> None:
    """List the current snapshot's files (or, with --skipped, what was skipped and why)."""
    with bench() as wb:
        listing = list_files(wb.db, project, language=language)
    if as_json:
        emit_json(listing)
        return
    if skipped:
        for s in listing.skipped:
            stdout.print(f"{s.path}\t{s.reason}", highlight=False)
        return
    for f in listing.files:
        err = f"\tparse error: {f.parse_error}" if f.parse_error else ""
        stdout.print(
            f"{f.path}\t{f.language}\t{f.line_count} lines\t{f.license or ''}{err}", highlight=False
        )
