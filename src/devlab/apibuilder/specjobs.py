"""Property tests of a whole spec as a job: what ``POST /api/test-spec`` and
``devlab api test`` start.

A whole-spec run sends up to thousands of requests (bounded by its ``Budget``), so it is
a job with progress: one step per operation (``GET /jobs/{id}``, its event stream, the
CLI's bar), cancellable between operations. The target is checked before anything is
queued (a refused target is a 403 at once, not a failed job). Its result is the
``PropertyReport``.
"""

from __future__ import annotations

from typing import Any

from devlab.apibuilder.livetest import AllowList, Budget, check_target
from devlab.apibuilder.models import ApiModel
from devlab.apibuilder.propertytest import PropertyReport, test_spec
from devlab.jobs import JobContext, JobInfo
from devlab.progress import ProgressFn
from devlab.workbench import Workbench

__all__ = ["run_spec_test", "submit_spec_test"]

KIND = "api-test-spec"


def _job(
    model: ApiModel,
    base_url: str,
    allow: AllowList,
    examples: int,
    max_requests: int,
    keep: list[PropertyReport] | None = None,
):  # type: ignore[no-untyped-def]
    def run(ctx: JobContext) -> dict[str, Any]:
        ctx.log(f"property tests of {len(model.operations)} operations against {base_url}")
        report = test_spec(
            model,
            base_url,
            allow=allow,
            examples=examples,
            budget=Budget(max_requests=max_requests),
            progress=ctx.progress,
        )
        for failure in report.failures:
            ctx.log(f"FAIL {failure.operation} [{failure.check}]: {failure.curl}", "warning")
        if report.budget_exhausted:
            ctx.log(f"stopped: the budget of {max_requests} requests or its time ran out")
        ctx.log(f"{report.passed}/{report.tested} operations passed, {report.requests} requests")
        if keep is not None:
            keep.append(report)
        return report.model_dump(mode="json")

    return run


def _params(model: ApiModel, base_url: str, examples: int, max_requests: int) -> dict[str, Any]:
    return {
        "base_url": base_url,
        "title": model.title,
        "operations": len(model.operations),
        "examples": examples,
        "max_requests": max_requests,
    }


def submit_spec_test(
    bench: Workbench,
    model: ApiModel,
    base_url: str,
    *,
    allow: AllowList,
    examples: int = 10,
    max_requests: int = 300,
    project_id: int | None = None,
) -> JobInfo:
    """Check the target (403 naming the rule), then queue the run; returns the job."""
    check_target(base_url, allow)
    job_id = bench.jobs.submit(
        KIND,
        _job(model, base_url, allow, examples, max_requests),
        params=_params(model, base_url, examples, max_requests),
        project_id=project_id,
    )
    return bench.jobs.get(job_id)


def run_spec_test(
    bench: Workbench,
    model: ApiModel,
    base_url: str,
    *,
    allow: AllowList,
    examples: int = 10,
    max_requests: int = 300,
    progress: ProgressFn | None = None,
) -> tuple[JobInfo, PropertyReport | None]:
    """Run in this thread (the CLI), recorded as a job like any other; returns the job
    and, when it succeeded, its report."""
    check_target(base_url, allow)
    keep: list[PropertyReport] = []
    job = bench.jobs.run_inline(
        KIND,
        _job(model, base_url, allow, examples, max_requests, keep),
        params=_params(model, base_url, examples, max_requests),
        listener=progress,
    )
    return job, (keep[0] if keep else None)
