"""REST door: ``/api/v1/devlab/testing/...`` (jobs, follow them with
``GET /api/v1/devlab/jobs/{id}/events``) and the seed's ``POST /api/v1/devlab/generate/tests``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from devlab.apitypes import DbId
from devlab.errors import NotFound
from devlab.testing import (
    ChaosRequest,
    CoverageReport,
    GenerateRequest,
    GenerateResult,
    PlanRequest,
    ScenarioInfo,
    SnippetTestsRequest,
    TestPlan,
    check_framework,
    generate_for_snippet,
    get_coverage,
    get_run,
    latest_coverage,
    list_runs,
    list_scenarios,
    llm_model,
    plan_tests,
    submit_testing_job,
)
from devlab.testing.models import CoverageRequest, MutationRequest
from devlab.webtools import workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/testing", tags=["testing"])
seed_router = APIRouter(prefix="/api/v1/devlab/generate", tags=["testing"])


def _queued(job: Any) -> JSONResponse:
    body = job.model_dump(mode="json")
    body["events"] = f"/api/v1/devlab/jobs/{job.id}/events"
    return JSONResponse(body, status_code=202)


@router.post("/coverage", status_code=202)
def start_coverage(body: CoverageRequest, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Run the project's own tests under coverage in the sandbox (a job; 202)."""
    return _queued(submit_testing_job(bench, "coverage", body.model_dump()))


@router.get("/coverage", response_model=CoverageReport)
def read_coverage(
    project: str = Query(..., max_length=300, description="project name or id"),
    bench: Workbench = Depends(workbench),
) -> CoverageReport:
    """The project's latest stored coverage (per file and per function)."""
    found = latest_coverage(bench.db, project)
    if found is None:
        raise NotFound(f"no coverage of {project!r} yet: POST /api/v1/devlab/testing/coverage")
    return found


@router.get("/coverage/{run_id}", response_model=CoverageReport)
def read_coverage_run(run_id: DbId, bench: Workbench = Depends(workbench)) -> CoverageReport:
    return get_coverage(bench.db, run_id)


@router.post("/generate", status_code=202)
def start_generate(body: GenerateRequest, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Generate verified tests for a project's file or symbol (a job; 202)."""
    check_framework(body.framework)
    return _queued(submit_testing_job(bench, "generate", body.model_dump()))


@router.post("/mutation", status_code=202)
def start_mutation(body: MutationRequest, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Mutation score of the project's tests on a file (a job; 202; incremental)."""
    return _queued(submit_testing_job(bench, "mutation", body.model_dump()))


@router.post("/plan", response_model=TestPlan)
def plan_route(body: PlanRequest, bench: Workbench = Depends(workbench)) -> TestPlan:
    """A test plan: structured cases (docstring examples, boundary inputs, the errors
    raised on purpose; with ``use_model`` and a ``requirement``, cases from the
    requirement's words) for a project's file (``project`` + ``path``), a snippet
    (``code``), or a requirement alone (needs the model)."""
    model = llm_model(bench.llm) if body.use_model else None
    return plan_tests(bench.db, body, model)


@router.post("/chaos", status_code=202)
def start_chaos(body: ChaosRequest, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Run a chaos scenario (a ready one by ``scenario``, or your own ``definition``)
    against the project's web service in the sandbox (a job; 202). The job's result is
    the report: steady state and latency percentiles before/during/after the faults, the
    verdict, the first failure with its stack, and resilience findings (also in the
    insights feed, type ``resilience``)."""
    return _queued(submit_testing_job(bench, "chaos", body.model_dump(mode="json")))


@router.get("/chaos/scenarios", response_model=list[ScenarioInfo])
def chaos_scenarios() -> list[ScenarioInfo]:
    """The ready scenarios (they probe the project's own routes; no YAML to write)."""
    return list_scenarios()


@router.get("/runs")
def runs(
    project: str = Query(..., max_length=300),
    kind: str | None = Query(None, pattern="^(coverage|generate|mutation|chaos)$"),
    limit: int = Query(50, ge=1, le=500),
    bench: Workbench = Depends(workbench),
) -> list[dict[str, Any]]:
    """The project's stored results, newest first."""
    return list_runs(bench.db, project, kind, limit)


@router.get("/runs/{run_id}")
def run(run_id: DbId, bench: Workbench = Depends(workbench)) -> dict[str, Any]:
    return get_run(bench.db, run_id)


@seed_router.post("/tests", response_model=GenerateResult)
def generate_snippet_tests(
    body: SnippetTestsRequest, bench: Workbench = Depends(workbench)
) -> GenerateResult:
    """The seed's body ``{code, framework, coverage}``: verified tests for a snippet,
    answered at once (``use_model: false`` keeps it to the fast model-free strategies)."""
    check_framework(body.framework)
    model = llm_model(bench.llm) if body.use_model else None
    return generate_for_snippet(bench.settings, body, model=model)
