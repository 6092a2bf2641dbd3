"""CLI door for reverse engineering: ``devlab analyze``, ``diagram``, ``vulndb``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, progress_bar, settings, stderr, stdout
from devlab.codebase.ingest import project_name_from
from devlab.codebase.models import IngestRequest
from devlab.codebase.sources import is_git_url
from devlab.errors import DevLabError
from devlab.insights.jobs import run_analysis
from devlab.reverse.analyze import PHASES
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
    phases: str = typer.Option(
        ",".join(PHASES), "--phases", help=f"comma-separated subset of {','.join(PHASES)}"
    ),
    embed: bool = typer.Option(
        False, "--embed", help="also embed when ingesting (semantic search)"
    ),
    limit: int = typer.Option(20, "--limit", min=0, help="findings to print (without --json)"),
    as_json: bool = typer.Option(False, "--json", help="print the whole report as JSON"),
) -> None:
    """Analyse a project (security in every parsed language, code quality, secrets,
    dependencies) and fold the findings into its insights feed (`devlab insights`)."""
    chosen = [p.strip() for p in phases.split(",") if p.strip()]
    with bench() as wb, progress_bar() as progress:
        if not Path(target).exists() and not is_git_url(target):
            job, result = run_analysis(wb, project=target, phases=chosen, progress=progress)
        else:
            project = name or project_name_from(target, "project")
            ingest = IngestRequest(name=project, source=target)
            job, result = run_analysis(
                wb, ingest=ingest, phases=chosen, embed=embed, progress=progress
            )
    if result is None:
        raise DevLabError(f"analysis {job.status}: {job.error}")
    summary = job.result or {}
    if sarif is not None:
        sarif.write_text(json.dumps(to_sarif(result.findings), indent=2), encoding="utf-8")
        stderr.print(f"wrote {sarif} ({len(result.findings)} results)")
    if as_json:
        emit_json({**result.model_dump(mode="json"), "analysis": summary})
        return
    for category, counts in sorted(result.counts.items()):
        stdout.print(f"{category}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    cov = result.security_coverage
    if cov:
        line = (
            f"security coverage: {int(cov['files'])} files, {int(cov['unanalysed'])} not "
            f"analysed ({100 * cov['unanalysed_share']:.1f}%)"
        )
        stdout.print(f"[yellow]{line}[/]" if cov["unanalysed"] else line)
    stdout.print(
        f"insights: {summary.get('new', 0)} new, {summary.get('fixed', 0)} fixed, "
        f"{summary.get('open', 0)} open (`devlab insights --project {result.project}`)"
    )
    for error in result.errors:
        stderr.print(
            f"[yellow]could not analyse[/] {error.path} ({error.analysis}): {error.message}"
        )
    if "dependencies" in result.phases and not result.vulndb_loaded:
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
