"""CLI doors for projects: ``devlab projects``, ``project``, ``files`` (``devlab ingest``
is in ``cli.py`` here). Doors of the ``codebase`` library, which has none of its own."""

from __future__ import annotations

import typer
from rich.table import Table

from devlab.clitools import bench, emit_json, handle_errors, stderr, stdout
from devlab.codebase import list_files, list_projects, project_info
from devlab.search.indexer import semantic_coverage

app = typer.Typer(no_args_is_help=True)


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
        "id",
        "name",
        "files",
        "lines",
        "symbols",
        "chunks",
        "semantic",
        "licence",
        "latest",
        "source",
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
            _semantic_cell(s.stats if s else None, s.embedding_model if s else None),
            (s.license or "") if s else "",
            p.latest_snapshot.status if p.latest_snapshot else "",
            p.source,
        )
    stdout.print(table)


def _semantic_cell(stats: dict | None, model: str | None) -> str:
    """The share of chunks with vectors while the fill runs (or stopped), else yes/no."""
    if model is None:
        return "-" if stats is None else "no"
    share = semantic_coverage(stats)
    if share is None or share >= 1.0:
        return "yes"
    semantic = (stats or {}).get("semantic", {})
    state = semantic.get("state", "")
    rest = ", rest static" if semantic.get("tier") in ("static", "mixed") else ""
    return f"{share:.0%} {state}{rest}".strip()


@projects_app.command("delete")
@handle_errors
def delete_project_command(
    project: str = typer.Argument(..., help="project name or id"),
    yes: bool = typer.Option(False, "--yes", "-y", help="do not ask for confirmation"),
    as_json: bool = typer.Option(False, "--json", help="print what was deleted as JSON"),
) -> None:
    """Delete a project: snapshots, files, index entries, findings (refused while a job
    runs on it)."""
    from devlab.codebase import delete_project

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


@app.command()
@handle_errors
def warm() -> None:
    """Prepare the models a first large index uses, ahead of it: the static first
    tier's model (distilled once from the embedding model, a minute or more) is made
    now if missing, so the index does not wait for it. `bash scripts/setup.sh serve`
    runs this in the background beside the server; a second run finds the cache."""
    import time

    from devlab.clitools import settings
    from devlab.search.embeddings import prepare_static_model

    started = time.perf_counter()
    path, made = prepare_static_model(settings())
    if path is None:
        stdout.print("no static first tier in this configuration: nothing to prepare")
    elif made:
        took = time.perf_counter() - started
        stdout.print(f"static first-tier model distilled in {took:.0f} s: {path}", markup=False)
    else:
        stdout.print(f"static first-tier model ready (cached): {path}", markup=False)
