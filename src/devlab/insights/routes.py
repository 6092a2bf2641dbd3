"""Insights endpoints: the feed, one insight, dismiss/reopen, generate, SARIF export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import Field

from devlab.apitypes import DbId, DbOffset
from devlab.insights.feed import get_insight, list_insights, open_findings, update_insight
from devlab.insights.jobs import submit_analysis
from devlab.insights.models import Insight, InsightPage, InsightUpdate
from devlab.reverse.analyze import PHASES
from devlab.reverse.routes import SnippetFindings, VulnerabilityRequest
from devlab.reverse.sarif import to_sarif
from devlab.reverse.security import scan_snippet
from devlab.server.deps import workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/insights", tags=["insights"])


class GenerateRequest(VulnerabilityRequest):
    """Either a project to analyse (a job, with the phases to run) or a piece of code to
    scan now."""

    phases: list[str] = Field(default=list(PHASES), description=f"any of {', '.join(PHASES)}")


@router.get("", response_model=InsightPage)
def get_feed(
    project_id: str = Query(..., description="project name or id"),
    type: str = Query(
        "all", description="security | performance | quality | dependency | coverage | all"
    ),
    status: str = Query("open", description="open | dismissed | fixed | all"),
    new: bool | None = Query(None, description="only insights new in the latest analysis"),
    severity: str | None = Query(None, description="minimum severity"),
    path: str | None = Query(None, description="only under this path prefix"),
    limit: int = Query(50, ge=0, le=10_000),
    offset: Annotated[DbOffset, Query()] = 0,
    bench: Workbench = Depends(workbench),
):
    """The project's insights, best first (severity x confidence x reachability)."""
    return list_insights(
        bench.db,
        project_id,
        type=type,
        status=status,  # type: ignore[arg-type]
        new=new,
        min_severity=severity,
        path=path,
        limit=limit,
        offset=offset,
    )


@router.get("/sarif")
def get_sarif(
    project_id: str = Query(..., description="project name or id"),
    bench: Workbench = Depends(workbench),
):
    """The project's open insights as a SARIF 2.1.0 log."""
    return to_sarif(open_findings(bench.db, project_id))


@router.get("/{insight_id}", response_model=Insight)
def get_one(insight_id: DbId, bench: Workbench = Depends(workbench)):
    return get_insight(bench.db, insight_id)


@router.patch("/{insight_id}", response_model=Insight)
def patch_insight(insight_id: DbId, body: InsightUpdate, bench: Workbench = Depends(workbench)):
    """Dismiss an insight (``{"status": "dismissed", "reason": ...}``) or reopen it."""
    return update_insight(bench.db, insight_id, body)


@router.post(
    "/generate",
    responses={
        200: {"description": "findings of a code snippet", "model": SnippetFindings},
        202: {"description": "the analysis job for a project"},
    },
)
def generate(body: GenerateRequest, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Analyse a project into its feed (202 with the job; follow /jobs/{id}), or scan a
    snippet for security issues and answer with its findings at once (200)."""
    if body.code is not None:
        findings = scan_snippet(body.code, language=body.language, path=body.path)
        return JSONResponse(SnippetFindings(findings=findings).model_dump(mode="json"))
    job = submit_analysis(bench, project=body.project_id, phases=body.phases)
    return JSONResponse(job.model_dump(mode="json"), status_code=202)
