"""Analysis as a job: what ``POST /reverse/analyze``, ``/reverse/detect-vulnerabilities``,
``/insights/generate`` and ``devlab analyze`` start.

One job optionally ingests a source first (a ZIP upload, a directory or a git URL), then
runs the chosen analysis phases over the project's current snapshot and folds the
findings into the insights feed. Its result is the ``AnalysisSummary``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from devlab.codebase import IngestRequest, require_snapshot, resolve_project
from devlab.errors import InvalidInput
from devlab.insights.feed import record_analysis
from devlab.jobs import JobContext, JobInfo
from devlab.progress import ProgressFn
from devlab.reverse import PHASES, AnalysisReport, analyze_project, check_phases
from devlab.search import ingest_job, prepare_ingest
from devlab.workbench import Workbench

__all__ = ["SECURITY_PHASES", "run_analysis", "submit_analysis"]

SECURITY_PHASES: tuple[str, ...] = ("security", "secrets", "dependencies")
"""What ``detect-vulnerabilities`` runs: everything but code quality."""


def _analysis_job(
    bench: Workbench,
    project: str | None,
    ingest: IngestRequest | None,
    phases: list[str],
    *,
    embed: bool,
    label: str | None,
    cleanup: str | None,
    keep: list[AnalysisReport] | None = None,
):  # type: ignore[no-untyped-def]
    """The job function; ``keep`` (inline runs) receives the full report with every
    finding, which the job row does not store."""

    def run(ctx: JobContext) -> dict:
        name, root = project, None
        if ingest is not None:
            ingested = ingest_job(bench, ingest, label=label, cleanup=cleanup, embed=embed)(ctx)
            name = ingested["project"]
            root = Path(ingest.source) if Path(ingest.source).is_dir() else None
        assert name is not None
        ctx.log(f"analysing project {name!r}: {', '.join(phases)}")
        report = analyze_project(
            bench.db, bench.settings, name, source_root=root, progress=ctx.progress, phases=phases
        )
        summary = record_analysis(bench.db, name, report, job_id=ctx.job_id)
        if keep is not None:
            keep.append(report)
        for error in report.errors:
            ctx.log(f"{error.analysis}: {error.path}: {error.message}", level="warning")
        ctx.log(
            f"analysis {summary.id}: {summary.findings} findings, {summary.new} new, "
            f"{summary.fixed} fixed, {summary.reopened} reopened; {summary.open} open"
        )
        return summary.model_dump(mode="json")

    return run


def _prepare(
    bench: Workbench,
    project: str | int | None,
    ingest: IngestRequest | None,
    label: str | None,
    *,
    confine: bool = True,
) -> tuple[str | None, int]:
    """Cheap checks before queuing (4xx at once): exactly one of project / source, the
    project exists and has a snapshot, or the source passes ingestion's checks (confined
    to the ingestion roots for the server's doors, not for the CLI's own user)."""
    if (project is None) == (ingest is None):
        raise InvalidInput("give either an existing project or a source to ingest, not both")
    if ingest is not None:
        return None, prepare_ingest(bench, ingest, label, confine=confine)
    ref = resolve_project(bench.db, project)  # type: ignore[arg-type]
    require_snapshot(ref)
    return ref.name, ref.id


def submit_analysis(
    bench: Workbench,
    *,
    project: str | int | None = None,
    ingest: IngestRequest | None = None,
    phases: Sequence[str] = PHASES,
    embed: bool = False,
    label: str | None = None,
    cleanup: str | None = None,
) -> JobInfo:
    """Queue an analysis (after ingesting ``ingest`` if given); returns the queued job."""
    chosen = list(check_phases(phases))
    name, project_id = _prepare(bench, project, ingest, label)
    kind = "analyze" if "quality" in chosen else "detect-vulnerabilities"
    job_id = bench.jobs.submit(
        kind,
        _analysis_job(bench, name, ingest, chosen, embed=embed, label=label, cleanup=cleanup),
        params={
            "project": name or (ingest.name if ingest else None),
            "source": label or (ingest.source if ingest else None),
            "phases": chosen,
        },
        project_id=project_id,
    )
    return bench.jobs.get(job_id)


def run_analysis(
    bench: Workbench,
    *,
    project: str | int | None = None,
    ingest: IngestRequest | None = None,
    phases: Sequence[str] = PHASES,
    embed: bool = False,
    progress: ProgressFn | None = None,
) -> tuple[JobInfo, AnalysisReport | None]:
    """Run an analysis in this thread (the CLI), recorded as a job like any other.
    Returns the job and, when it succeeded, the full report (every finding)."""
    chosen = list(check_phases(phases))
    name, project_id = _prepare(bench, project, ingest, None, confine=False)  # the CLI's user
    keep: list[AnalysisReport] = []
    job = bench.jobs.run_inline(
        "analyze" if "quality" in chosen else "detect-vulnerabilities",
        _analysis_job(
            bench, name, ingest, chosen, embed=embed, label=None, cleanup=None, keep=keep
        ),
        params={"project": name or (ingest.name if ingest else None), "phases": chosen},
        project_id=project_id,
        listener=progress,
    )
    return job, (keep[0] if keep else None)
