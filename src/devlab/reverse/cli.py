"""CLI door for reverse engineering: ``devlab diagram``."""

from __future__ import annotations

from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, stderr, stdout
from devlab.reverse.diagrams import render_diagram

app = typer.Typer(no_args_is_help=True)


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
