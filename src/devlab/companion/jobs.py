"""The generation loop as a job: what ``POST /generate/code`` and ``devlab generate`` start.

Cheap checks run before queuing, so bad input is a 4xx at once rather than a failed
job. The job logs one line per round and reports progress per round (the SSE stream at
``/api/v1/devlab/jobs/{id}/events`` shows both); its result is the
``GenerationResult`` (or, with a project, the ``ChangeResult``).
"""

from __future__ import annotations

from typing import Any

from devlab.codebase import require_snapshot, resolve_project
from devlab.companion.change import generate_change, runner_arguments
from devlab.companion.conversations import conversation_project
from devlab.companion.generate import (
    check_request,
    check_resume,
    generate_code,
    resume_generation,
)
from devlab.companion.models import ChangeResult, GenerateRequest, GenerationResult
from devlab.errors import DevLabError
from devlab.jobs import JobContext, JobInfo
from devlab.progress import ProgressFn
from devlab.workbench import Workbench


def _check(bench: Workbench, req: GenerateRequest) -> int | None:
    """4xx before queuing; returns the project id (None for new code)."""
    language = check_request(bench, req)
    if req.project is None:
        return None
    runner_arguments(req.test_command, language)
    ref = resolve_project(bench.db, req.project)
    require_snapshot(ref)
    return ref.id


def _job(bench: Workbench, req: GenerateRequest, keep: list | None = None):  # type: ignore[no-untyped-def]
    def run(ctx: JobContext) -> dict[str, Any]:
        ctx.log(f"generating {req.language} code: {req.requirement.strip()[:200]}")
        if req.project is not None:
            result: GenerationResult | ChangeResult = generate_change(
                bench, req, progress=ctx.progress, log=ctx.log
            )
        else:
            result = generate_code(bench, req, progress=ctx.progress, log=ctx.log)
        ctx.log(f"verdict: {result.verdict} ({result.summary})")
        if keep is not None:
            keep.append(result)
        return result.model_dump(mode="json")

    return run


def _params(req: GenerateRequest) -> dict[str, Any]:
    return {
        "requirement": req.requirement.strip()[:500],
        "language": req.language,
        "max_rounds": req.max_rounds,
        "project": req.project,
        "test_command": req.test_command,
    }


def submit_generation(bench: Workbench, req: GenerateRequest) -> JobInfo:
    """Queue the loop; returns the job (its result is the loop's result)."""
    project_id = _check(bench, req)
    job_id = bench.jobs.submit(
        "generate", _job(bench, req), params=_params(req), project_id=project_id
    )
    return bench.jobs.get(job_id)


def run_generation(
    bench: Workbench, req: GenerateRequest, *, progress: ProgressFn | None = None
) -> GenerationResult | ChangeResult:
    """Run the loop in this thread with the same job records (the CLI's way)."""
    project_id = _check(bench, req)
    keep: list[GenerationResult | ChangeResult] = []
    info = bench.jobs.run_inline(
        "generate",
        _job(bench, req, keep),
        params=_params(req),
        project_id=project_id,
        listener=progress,
    )
    if not keep:  # a bug or a cancellation ended the job; its record says which
        raise DevLabError(f"generation job {info.id} {info.status}: {info.error}")
    return keep[0]


def _resume_job(bench: Workbench, conversation_id: int, max_rounds: int | None, keep: list):  # type: ignore[no-untyped-def]
    def run(ctx: JobContext) -> dict[str, Any]:
        ctx.log(f"resuming the generation of conversation {conversation_id}")
        result = resume_generation(
            bench, conversation_id, max_rounds=max_rounds, progress=ctx.progress, log=ctx.log
        )
        ctx.log(f"verdict: {result.verdict} ({result.summary})")
        keep.append(result)
        return result.model_dump(mode="json")

    return run


def resume_generation_job(
    bench: Workbench,
    conversation_id: int,
    *,
    max_rounds: int | None = None,
    wait: bool = False,
    progress: ProgressFn | None = None,
) -> JobInfo | GenerationResult:
    """Resume a stopped verified loop as a job: queued (REST) or run here (``wait``: the
    CLI's way, returning the result)."""
    check_resume(bench, conversation_id, max_rounds)  # 404 / 409 before queuing
    project_id = conversation_project(bench.db, conversation_id)
    keep: list[GenerationResult] = []
    work = _resume_job(bench, conversation_id, max_rounds, keep)
    params = {"resume": conversation_id, "max_rounds": max_rounds}
    if not wait:
        job_id = bench.jobs.submit("generate", work, params=params, project_id=project_id)
        return bench.jobs.get(job_id)
    info = bench.jobs.run_inline(
        "generate", work, params=params, project_id=project_id, listener=progress
    )
    if not keep:
        raise DevLabError(f"generation job {info.id} {info.status}: {info.error}")
    return keep[0]


__all__ = ["resume_generation_job", "run_generation", "submit_generation"]
