"""Dataset builds as jobs: what ``POST /datasets`` and ``devlab dataset build`` start.

Cheap checks run before a job is queued (a bad name, an unknown kind, a project that does
not exist or has no snapshot answer 4xx at once); the build itself runs in the job
runner's pool, reporting progress and logging what it did.
"""

from __future__ import annotations

from devlab.codebase import require_snapshot, resolve_project
from devlab.jobs import JobContext, JobInfo
from devlab.progress import ProgressFn
from devlab.training.datasets.catalog import get_dataset, validate_name
from devlab.training.datasets.decontam import load_needles
from devlab.training.datasets.models import DatasetBuildRequest, DatasetInfo
from devlab.training.datasets.pipeline import build_dataset, check_config
from devlab.workbench import Workbench

__all__ = ["run_build", "submit_build"]


def _prepare(bench: Workbench, request: DatasetBuildRequest) -> int | None:
    validate_name(request.name)
    cfg = check_config(request.config())
    projects = request.project_list()
    if not projects:
        from devlab.errors import InvalidInput

        raise InvalidInput("give the project(s) to build from: 'project' or 'projects'")
    first = None
    for project in projects:
        ref = resolve_project(bench.db, project)
        require_snapshot(ref)
        first = first or ref.id
    if cfg.decontaminate and cfg.eval_sets:
        load_needles(bench.settings, cfg.eval_sets)
    return first


def _job(bench: Workbench, request: DatasetBuildRequest):  # type: ignore[no-untyped-def]
    def run(ctx: JobContext) -> dict:
        ctx.log(f"building dataset {request.name!r} from {', '.join(request.project_list())}")
        info = build_dataset(
            bench.db, bench.settings, request, progress=ctx.progress, log=ctx.log, job_id=ctx.job_id
        )
        return info.model_dump(mode="json", exclude={"card"})

    return run


def _params(request: DatasetBuildRequest) -> dict:
    return {"name": request.name, "projects": request.project_list(), "kinds": request.kinds}


def submit_build(bench: Workbench, request: DatasetBuildRequest) -> JobInfo:
    """Queue a build; returns the queued job (its result is the dataset version)."""
    project_id = _prepare(bench, request)
    job_id = bench.jobs.submit(
        "dataset-build", _job(bench, request), params=_params(request), project_id=project_id
    )
    return bench.jobs.get(job_id)


def run_build(
    bench: Workbench, request: DatasetBuildRequest, *, progress: ProgressFn | None = None
) -> tuple[JobInfo, DatasetInfo]:
    """Build in this thread (the CLI), recorded as a job like any other."""
    project_id = _prepare(bench, request)
    job = bench.jobs.run_inline(
        "dataset-build",
        _job(bench, request),
        params=_params(request),
        project_id=project_id,
        listener=progress,
    )
    if job.status != "succeeded" or not job.result:
        from devlab.errors import DevLabError

        raise DevLabError(f"dataset build {job.status}: {job.error}")
    return job, get_dataset(bench.db, job.result["id"])
