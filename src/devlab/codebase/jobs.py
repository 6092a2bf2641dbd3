"""Ingestion as a job: what the REST door and ``devlab ingest`` start."""

from __future__ import annotations

from pathlib import Path

from devlab.codebase.ingest import get_or_create_project, validate_project_name
from devlab.codebase.models import IngestRequest
from devlab.codebase.sources import check_zip_archive
from devlab.jobs.models import JobInfo
from devlab.jobs.runner import JobContext
from devlab.progress import ProgressFn
from devlab.workbench import Workbench


def ingest_job(
    bench: Workbench,
    body: IngestRequest,
    *,
    label: str | None = None,
    cleanup: str | None = None,
    embed: bool = True,
):
    """The job function for one ingestion; deletes ``cleanup`` (an upload) when done."""
    from devlab.search.indexer import index_project

    def run(ctx: JobContext) -> dict:
        try:
            ctx.log(f"ingesting {label or body.source} into project {body.name!r}")
            report = index_project(
                bench.db,
                bench.settings,
                name=body.name,
                source=body.source,
                ref=body.ref,
                label=label,
                progress=ctx.progress,
                embed=embed,
                own_code=body.own_code,
            )
            ctx.log(
                f"snapshot {report.snapshot_id}: {report.files} files, {report.parsed} parsed, "
                f"{report.reused} unchanged, {report.removed} removed, {report.skipped} skipped"
            )
            return report.__dict__
        finally:
            if cleanup:
                Path(cleanup).unlink(missing_ok=True)

    return run


def prepare_ingest(bench: Workbench, body: IngestRequest, label: str | None) -> int:
    """Cheap checks before any work is queued, so the caller gets a 4xx at once (the
    project name; every archive-safety check for a ZIP). Returns the project id."""
    validate_project_name(body.name)
    archive = Path(body.source)
    if archive.suffix.lower() == ".zip" and archive.is_file():
        check_zip_archive(archive, bench.settings)
    return get_or_create_project(bench.db, body.name, label or body.source)


def submit_ingest(
    bench: Workbench, body: IngestRequest, *, label: str | None = None, cleanup: str | None = None
) -> JobInfo:
    """Queue an ingestion in the worker pool; returns the queued job."""
    project_id = prepare_ingest(bench, body, label)
    job_id = bench.jobs.submit(
        "ingest",
        ingest_job(bench, body, label=label, cleanup=cleanup),
        params={"name": body.name, "source": label or body.source, "ref": body.ref},
        project_id=project_id,
    )
    return bench.jobs.get(job_id)


def run_ingest(
    bench: Workbench, body: IngestRequest, *, progress: ProgressFn | None = None, embed: bool = True
) -> JobInfo:
    """Run an ingestion in this thread (the CLI), recorded as a job like any other."""
    project_id = prepare_ingest(bench, body, None)
    return bench.jobs.run_inline(
        "ingest",
        ingest_job(bench, body, embed=embed),
        params={"name": body.name, "source": body.source, "ref": body.ref},
        project_id=project_id,
        listener=progress,
    )
