"""CLI door for the insights feed: ``devlab insights`` (list), ``dismiss``, ``reopen``, and
``devlab analyze`` (run an analysis into the feed)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, progress_bar, stderr, stdout
from devlab.codebase import IngestRequest, is_git_url, project_name_from
from devlab.errors import DevLabError
from devlab.insights.feed import list_insights, open_findings, update_insight
from devlab.insights.jobs import run_analysis
from devlab.insights.models import InsightUpdate
from devlab.reverse import PHASES, to_sarif

# ``devlab analyze`` (a root command: its commands are mounted at the top level)
analysis_app = typer.Typer(no_args_is_help=True)
app = typer.Typer(
    invoke_without_command=True,
    help="The insights feed: every finding of a project, ranked, with status.",
)


@app.callback()
@handle_errors
def insights(
    ctx: typer.Context,
    project: str = typer.Option(None, "--project", "-p", help="project name or id"),
    kind: str = typer.Option(
        "all", "--type", "-t", help="security, performance, quality, dependency or all"
    ),
    status: str = typer.Option("open", "--status", help="open, dismissed, fixed or all"),
    new: bool = typer.Option(False, "--new", help="only insights new in the latest analysis"),
    severity: str = typer.Option(None, "--severity", help="minimum severity, e.g. high"),
    path: str = typer.Option(None, "--path", help="only under this path prefix"),
    limit: int = typer.Option(30, "--limit", min=0, help="how many to show"),
    sarif: Path = typer.Option(None, "--sarif", help="write the open insights as SARIF 2.1.0"),
    as_json: bool = typer.Option(False, "--json", help="print the page as JSON"),
) -> None:
    """List a project's insights, best first (severity x confidence x reachability)."""
    if ctx.invoked_subcommand is not None:
        return
    if project is None:
        raise typer.BadParameter("give the project with --project NAME", param_hint="--project")
    with bench() as wb:
        page = list_insights(
            wb.db,
            project,
            type=kind,
            status=status,  # type: ignore[arg-type]
            new=True if new else None,
            min_severity=severity,
            path=path,
            limit=limit,
        )
        if sarif is not None:
            findings = open_findings(wb.db, project)
            sarif.write_text(json.dumps(to_sarif(findings), indent=2), encoding="utf-8")
            stderr.print(f"wrote {sarif} ({len(findings)} results)")
    if as_json:
        emit_json(page)
        return
    if page.last_analysis is None:
        stderr.print(f"project {page.project!r} has not been analysed yet: run `devlab analyze`")
    else:
        a = page.last_analysis
        stderr.print(
            f"last analysis #{a.id} (snapshot {a.snapshot_id}): {a.new} new, {a.fixed} fixed, "
            f"{a.open} open",
            markup=False,
        )
    stdout.print(f"{page.total} {status} insights" + (f" ({kind})" if kind != "all" else ""))
    for i in page.items:
        flag = "NEW " if i.new else "    "
        # with more than one status listed, each line says which one it is
        state = f"{i.status:<9} " if status == "all" else ""
        stdout.print(
            f"#{i.id:<6} {flag}{state}{i.severity:<8} {i.confidence:<6} {i.rule_id:<14} "
            f"{i.path}:{i.start_line}  {i.title}",
            markup=False,
            highlight=False,
        )


@app.command()
@handle_errors
def dismiss(
    insight_id: int = typer.Argument(..., help="the insight's id (the #N in the list)"),
    reason: str = typer.Option(..., "--reason", "-r", help="why, e.g. 'false positive'"),
    as_json: bool = typer.Option(False, "--json", help="print the insight as JSON"),
) -> None:
    """Dismiss an insight: it stays out of the open feed, even when analysis finds it again."""
    with bench() as wb:
        insight = update_insight(
            wb.db, insight_id, InsightUpdate(status="dismissed", reason=reason)
        )
    if as_json:
        emit_json(insight)
    else:
        stdout.print(f"dismissed #{insight.id}: {insight.title} ({insight.path})", markup=False)


@app.command()
@handle_errors
def reopen(
    insight_id: int = typer.Argument(..., help="the insight's id"),
    as_json: bool = typer.Option(False, "--json", help="print the insight as JSON"),
) -> None:
    """Put a dismissed insight back in the open feed."""
    with bench() as wb:
        insight = update_insight(wb.db, insight_id, InsightUpdate(status="open"))
    if as_json:
        emit_json(insight)
    else:
        stdout.print(f"reopened #{insight.id}: {insight.title} ({insight.path})", markup=False)


@analysis_app.command()
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
