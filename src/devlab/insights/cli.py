"""CLI door for the insights feed: ``devlab insights`` (list), ``dismiss``, ``reopen``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, stderr, stdout
from devlab.insights.feed import list_insights, open_findings, update_insight
from devlab.insights.models import InsightUpdate
from devlab.reverse.sarif import to_sarif

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
