"""Insights endpoints: the feed, one insight, dismiss/reopen, generate, SARIF export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from devlab.apitypes import DbId, DbOffset
from devlab.codebase import IngestRequest, project_name_from
from devlab.errors import InvalidInput, describe_validation_errors
from devlab.insights.feed import get_insight, list_insights, open_findings, update_insight
from devlab.insights.jobs import SECURITY_PHASES, submit_analysis
from devlab.insights.models import (
    AnalyzeRequest,
    GenerateRequest,
    Insight,
    InsightPage,
    InsightUpdate,
    SnippetFindings,
    VulnerabilityRequest,
)
from devlab.reverse import PHASES, to_sarif
from devlab.reverse.security import scan_snippet
from devlab.webtools import discard, save_zip_upload, workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/insights", tags=["insights"])
# the seed's reverse-engineering paths that start an analysis into the feed
analysis_router = APIRouter(prefix="/api/v1/devlab/reverse", tags=["reverse"])


@router.get("", response_model=InsightPage)
def get_feed(
    project_id: str = Query(..., description="project name or id"),
    type: str = Query(
        "all",
        description="security | performance | quality | dependency | coverage | resilience | all",
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


def _accepted(job: BaseModel) -> JSONResponse:
    return JSONResponse(job.model_dump(mode="json"), status_code=202)


_UPLOAD_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "a .zip of the code"},
        "name": {"type": "string", "description": "project name (default: the file's)"},
        "phases": {"type": "string", "description": f"comma-separated: {','.join(PHASES)}"},
    },
}


@analysis_router.post(
    "/analyze",
    status_code=202,
    responses={202: {"description": "the analysis job"}},
    openapi_extra={  # the body is read by hand (JSON or multipart): documented here
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": AnalyzeRequest.model_json_schema()},
                "multipart/form-data": {"schema": _UPLOAD_FORM},
            },
        }
    },
)
async def analyze(request: Request, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Analyse code into the insights feed: multipart with a ZIP ``file`` (optional
    ``name``, ``phases`` comma-separated), or JSON ``{"project_id"}`` / ``{"source",
    "name"}``. Returns the job (202); its result is the analysis summary."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        upload = await save_zip_upload(request, bench, name_required=False)
        name = upload.name or project_name_from(upload.filename, "upload")
        ingest = IngestRequest(name=name, source=str(upload.path), ref=None)
        phases = [p.strip() for p in upload.fields.get("phases", ",".join(PHASES)).split(",") if p]
        try:
            job = submit_analysis(
                bench, ingest=ingest, phases=phases, label=upload.label, cleanup=ingest.source
            )
        except BaseException:
            discard(ingest.source)
            raise
        return _accepted(job)
    try:
        body = AnalyzeRequest.model_validate(await request.json())
    except ValidationError as exc:
        raise InvalidInput(describe_validation_errors(exc.errors())) from exc
    except ValueError as exc:
        raise InvalidInput(f"invalid JSON body: {exc}") from exc
    if body.project_id is not None:
        job = submit_analysis(bench, project=body.project_id, phases=body.phases)
    else:
        ingest = IngestRequest(name=body.name or "", source=body.source or "", ref=body.ref)
        job = submit_analysis(bench, ingest=ingest, phases=body.phases, embed=body.embed)
    return _accepted(job)


@analysis_router.post(
    "/detect-vulnerabilities",
    responses={
        200: {"description": "findings of a code snippet", "model": SnippetFindings},
        202: {"description": "the analysis job for a project"},
    },
)
def detect_vulnerabilities(
    body: VulnerabilityRequest, bench: Workbench = Depends(workbench)
) -> JSONResponse:
    """Security, secrets and dependency analysis of a project (202 with the job), or the
    security findings of a snippet at once (200)."""
    if body.code is not None:
        findings = scan_snippet(body.code, language=body.language, path=body.path)
        return JSONResponse(SnippetFindings(findings=findings).model_dump(mode="json"))
    return _accepted(submit_analysis(bench, project=body.project_id, phases=SECURITY_PHASES))
