"""CLI door for reverse engineering: ``devlab analyze``, ``diagram``, ``vulndb``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, progress_bar, settings, stderr, stdout
from devlab.codebase.jobs import run_ingest
from devlab.codebase.models import IngestRequest
from devlab.codebase.projects import resolve_project
from devlab.codebase.sources import is_git_url
from devlab.errors import DevLabError
from devlab.reverse.analyze import analyze_project
from devlab.reverse.diagrams import render_diagram
from devlab.reverse.sarif import to_sarif
from devlab.reverse.vulndb import import_vulndb, vulndb_status

app = typer.Typer(no_args_is_help=True)
vulndb_app = typer.Typer(no_args_is_help=True, help="The offline vulnerability database (OSV).")


@app.command()
@handle_errors
def diagram(
    project: str = typer.Option(..., "--project", "-p", help="project name or id"),
    diagram_type: str = typer.Option(
        "dependency", "--type", "-t", help="uml, dependency, architecture or call"
    ),
    fmt: str = typer.Option("mermaid", "--format", "-f", help="mermaid, plantuml, svg or dot"),
    scope: str = typer.Option(None, "--scope", help="only this subtree, e.g. src/app"),
    depth: int = typer.Option(None, "--depth", min=1, help="collapse modules to this depth"),
    out: Path = typer.Option(None, "--out", "-o", help="write to this file instead of stdout"),
    as_json: bool = typer.Option(False, "--json", help="print {type, format, text} as JSON"),
) -> None:
    """Draw the project's architecture: class (uml), module dependency, services or call graph."""
    with bench() as wb:
        text = render_diagram(wb.db, project, diagram_type, fmt, scope=scope, depth=depth)
    if out is not None:
        out.write_text(text, encoding="utf-8")
        stderr.print(f"wrote {out} ({len(text):,} characters)")
    elif as_json:
        emit_json({"type": diagram_type, "format": fmt, "text": text})
    else:
        stdout.print(text, markup=False, highlight=False, end="")


@app.command()
@handle_errors
def analyze(
    target: str = typer.Argument(
        ..., help="an ingested project (name or id), or a directory, .zip or git URL to ingest"
    ),
    name: str = typer.Option(None, "--name", "-n", help="project name when ingesting"),
    sarif: Path = typer.Option(None, "--sarif", help="also write the findings as SARIF 2.1.0"),
    embed: bool = typer.Option(
        False, "--embed", help="also embed when ingesting (semantic search)"
    ),
    limit: int = typer.Option(20, "--limit", min=0, help="findings to print (without --json)"),
    as_json: bool = typer.Option(False, "--json", help="print the whole report as JSON"),
) -> None:
    """Analyse a project: code quality, Python security, secrets, dependencies."""
    with bench() as wb, progress_bar() as progress:
        project, root = _project_for(wb, target, name, embed, progress)
        result = analyze_project(wb.db, wb.settings, project, source_root=root, progress=progress)
    if sarif is not None:
        sarif.write_text(json.dumps(to_sarif(result.findings), indent=2), encoding="utf-8")
        stderr.print(f"wrote {sarif} ({len(result.findings)} results)")
    if as_json:
        emit_json(result)
        return
    for category, counts in sorted(result.counts.items()):
        stdout.print(f"{category}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    if not result.vulndb_loaded:
        stderr.print(
            "no vulnerability database loaded: dependency status is 'unknown' "
            "(import one with `devlab vulndb import FILE`)"
        )
    for f in result.findings[:limit]:
        stdout.print(
            f"{f.severity:<8} {f.rule_id:<16} {f.path}:{f.start_line}  {f.title}",
            markup=False,
            highlight=False,
        )


def _project_for(wb, target: str, name: str | None, embed: bool, progress):  # type: ignore[no-untyped-def]
    """The project to analyse: ``target`` itself if it is one, else ingest it first."""
    if not Path(target).exists() and not is_git_url(target):
        return resolve_project(wb.db, target).name, None
    project = name or re.sub(r"[^A-Za-z0-9._-]+", "-", Path(target.rstrip("/")).stem).strip("-.")
    job = run_ingest(
        wb, IngestRequest(name=project or "project", source=target), progress=progress, embed=embed
    )
    if job.status != "succeeded":
        raise DevLabError(f"ingestion {job.status}: {job.error}")
    root = Path(target) if Path(target).is_dir() else None
    return job.result["project"], root


@vulndb_app.command("import")
@handle_errors
def vulndb_import(
    file: Path = typer.Argument(..., help="OSV JSON file, JSON array, directory or .zip"),
    replace: bool = typer.Option(
        False, "--replace", help="replace the database instead of merging"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the import report as JSON"),
) -> None:
    """Import an OSV-format vulnerability database for offline dependency checks."""
    result = import_vulndb(settings(), file, replace=replace)
    if as_json:
        emit_json(result)
    else:
        stdout.print(f"imported {result.imported} advisories; {result.total} in the database")


@vulndb_app.command("status")
@handle_errors
def vulndb_show(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Show whether a vulnerability database is loaded and what it covers."""
    status = vulndb_status(settings())
    if as_json:
        emit_json(status)
    else:
        stdout.print_json(json.dumps(status))
