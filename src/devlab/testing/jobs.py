"""Coverage, generation, mutation and chaos scenarios as jobs (REST: queued, 202; CLI: inline with a
progress bar). Each job's result is its report's JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devlab.codebase import require_snapshot, resolve_project
from devlab.jobs import JobContext, JobInfo
from devlab.progress import ProgressFn
from devlab.testing.chaos import ready_scenario, run_chaos
from devlab.testing.chaos_models import ChaosRequest
from devlab.testing.generate import check_framework
from devlab.testing.gorun import GO_SUFFIXES
from devlab.testing.javarun import JAVA_SUFFIXES
from devlab.testing.jsrun import JS_SUFFIXES, TS_SUFFIXES
from devlab.testing.measure import measure_coverage
from devlab.testing.models import CoverageRequest, GenerateRequest
from devlab.testing.mutation import run_mutation
from devlab.testing.project import load_files
from devlab.testing.service import generate_for_project, llm_model
from devlab.workbench import Workbench

__all__ = ["run_testing_job", "submit_testing_job"]

Work = Callable[[Workbench, ProgressFn | None, str | None], Any]


def _coverage(project: str, test_timeout: float, install: bool) -> Work:
    def work(bench: Workbench, progress: ProgressFn | None, job_id: str | None) -> Any:
        return measure_coverage(
            bench.db,
            bench.settings,
            project,
            test_timeout=test_timeout,
            progress=progress,
            job_id=job_id,
            install=install,
        )

    return work


def _generate(request: GenerateRequest) -> Work:
    def work(bench: Workbench, progress: ProgressFn | None, job_id: str | None) -> Any:
        model = llm_model(bench.llm) if request.use_model else None
        return generate_for_project(
            bench.db, bench.settings, request, model=model, progress=progress, job_id=job_id
        )

    return work


def _mutation(project: str, path: str, symbol: str | None) -> Work:
    def work(bench: Workbench, progress: ProgressFn | None, job_id: str | None) -> Any:
        also: tuple[str, ...] = ()
        for suffixes in ((*JS_SUFFIXES, *TS_SUFFIXES), GO_SUFFIXES, JAVA_SUFFIXES):
            if path.endswith(suffixes):  # the file and its tests are not Python: send them
                also = suffixes
        pf = load_files(bench.db, project, also=also)
        return run_mutation(
            bench.db, bench.settings, pf, path=path, symbol=symbol, progress=progress, job_id=job_id
        )

    return work


def _chaos(request: ChaosRequest) -> Work:
    def work(bench: Workbench, progress: ProgressFn | None, job_id: str | None) -> Any:
        return run_chaos(bench.db, bench.settings, request, progress=progress, job_id=job_id)

    return work


def _work(kind: str, params: dict[str, Any]) -> Work:
    if kind == "chaos":
        chaos = ChaosRequest.model_validate(params)
        if chaos.scenario is not None:
            ready_scenario(chaos.scenario)  # an unknown name is a 422 before queueing
        return _chaos(chaos)
    if kind == "coverage":
        wanted = CoverageRequest.model_validate(params)
        return _coverage(wanted.project, wanted.test_timeout, wanted.install_dependencies)
    if kind == "generate":
        request = GenerateRequest.model_validate(params)
        check_framework(request.framework)
        return _generate(request)
    return _mutation(params["project"], params["path"], params.get("symbol"))


def _job(bench: Workbench, work: Work, label: str):  # type: ignore[no-untyped-def]
    def run(ctx: JobContext) -> dict:
        ctx.log(label)
        result = work(bench, ctx.progress, ctx.job_id)
        return result.model_dump(mode="json")

    return run


def submit_testing_job(bench: Workbench, kind: str, params: dict[str, Any]) -> JobInfo:
    """Queue a ``coverage`` / ``generate`` / ``mutation`` / ``chaos`` job (checks first:
    4xx at once)."""
    ref = resolve_project(bench.db, params["project"])
    require_snapshot(ref)
    params = {**params, "project": ref.name}
    work = _work(kind, params)
    job_id = bench.jobs.submit(
        f"tests-{kind}",
        _job(bench, work, f"{kind} of {ref.name}"),
        params=params,
        project_id=ref.id,
    )
    return bench.jobs.get(job_id)


def run_testing_job(
    bench: Workbench, kind: str, params: dict[str, Any], *, progress: ProgressFn | None = None
) -> Any:
    """Run the job in this thread (the CLI), recorded like any other; returns the report."""
    ref = resolve_project(bench.db, params["project"])
    require_snapshot(ref)
    params = {**params, "project": ref.name}
    work = _work(kind, params)
    keep: list[Any] = []

    def run(ctx: JobContext) -> dict:
        result = work(bench, ctx.progress, ctx.job_id)
        keep.append(result)
        return result.model_dump(mode="json")

    bench.jobs.run_inline(f"tests-{kind}", run, params=params, project_id=ref.id, listener=progress)
    return keep[0]
