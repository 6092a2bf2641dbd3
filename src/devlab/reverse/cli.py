"""CLI door for reverse engineering: ``devlab diagram``, ``vulndb`` (``devlab analyze``,
which folds an analysis into the feed, is the insights package's door)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, settings, stderr, stdout
from devlab.reverse.diagrams import render_diagram
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
