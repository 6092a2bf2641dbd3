"""Ingestion as a job: what the REST door and ``devlab ingest`` start. It lives with
search because it composes search's work: ``codebase`` snapshots the source, then the
indexer fills the lexical and vector indexes (``index_project``)."""

from __future__ import annotations

from pathlib import Path

from devlab.codebase import (
    IngestRequest,
    check_zip_archive,
    get_or_create_project,
    is_remote_source,
    mask_credentials,
    validate_project_name,
)
from devlab.config import Settings
from devlab.errors import DevLabError, InvalidInput
from devlab.jobs import JobContext, JobInfo
from devlab.progress import ProgressFn
from devlab.search.indexer import index_project
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


class SourceNotAllowed(DevLabError):
    """A server-side path outside ``Settings.ingest_roots`` (403)."""

    status_code = 403


_NEVER = (Path("/etc"), Path("/proc"), Path("/sys"), Path("/dev"), Path("/boot"), Path("/run"))


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def check_source(source: str, settings: Settings, *, confine: bool) -> None:
    """Validate a source before anything is created (issue 13): not empty, a local
    path that exists, and (``confine``: the server's doors) inside the ingestion
    roots, never a system directory or DEVLAB_HOME. Git URLs are checked when cloned."""
    text = str(source).strip()
    if not text:
        raise InvalidInput("no source given: give a directory, a .zip file or a git URL")
    if is_remote_source(text):
        return
    path = Path(text).expanduser()
    if not path.exists():
        raise InvalidInput(
            f"source {mask_credentials(text)} does not exist: give a directory, "
            "a .zip file or a git URL"
        )
    if not confine:
        return
    real = path.resolve()
    home = settings.home.expanduser().resolve()
    if any(_inside(real, bad) for bad in _NEVER) or _inside(real, home):
        raise SourceNotAllowed(
            f"{real} may not be ingested (system directories and "
            "DEVLAB_HOME never are); upload a ZIP instead"
        )
    roots = [Path(r).expanduser().resolve() for r in settings.ingest_roots] or [
        Path.home().resolve(),
        Path.cwd().resolve(),
    ]
    if not any(_inside(real, root) for root in roots):
        raise SourceNotAllowed(
            f"{real} is outside the ingestion roots ({', '.join(map(str, roots))}); "
            "set DEVLAB_INGEST_ROOTS to allow it, or upload a ZIP"
        )


def prepare_ingest(
    bench: Workbench, body: IngestRequest, label: str | None, *, confine: bool = True
) -> int:
    """Cheap checks before any work is queued, so the caller gets a 4xx at once (the
    project name, the source (see ``check_source``; an upload, ``label`` set, is the
    server's own file); every archive-safety check for a ZIP). Nothing is created
    before they pass. Returns the project id."""
    validate_project_name(body.name)
    check_source(body.source, bench.settings, confine=confine and label is None)
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
    project_id = prepare_ingest(bench, body, None, confine=False)  # the CLI's own user
    return bench.jobs.run_inline(
        "ingest",
        ingest_job(bench, body, embed=embed),
        params={"name": body.name, "source": body.source, "ref": body.ref},
        project_id=project_id,
        listener=progress,
    )
