"""Reverse-engineering endpoints (the seed's names):

* ``POST /api/v1/devlab/reverse/analyze``: a ZIP upload (multipart), a source on the
  server or a git URL, or an existing project -> the analysis job (202);
* ``POST /api/v1/devlab/reverse/detect-vulnerabilities``: security, secrets and
  dependency phases only -> a job (202), or a code snippet -> its findings (200);
* ``POST /api/v1/devlab/reverse/generate-diagram``: a diagram of an ingested project.

Analyses land in the insights feed (``/api/v1/devlab/insights``).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, model_validator

from devlab.apitypes import ProjectRef
from devlab.codebase.models import IngestRequest
from devlab.errors import InvalidInput, describe_validation_errors
from devlab.insights.jobs import SECURITY_PHASES, submit_analysis
from devlab.reverse.analyze import PHASES
from devlab.reverse.diagrams import render_diagram
from devlab.reverse.models import Finding
from devlab.reverse.security import scan_snippet
from devlab.reverse.snippets import SnippetAnalysis, SnippetAnalysisRequest, analyze_snippet
from devlab.server.deps import workbench
from devlab.server.uploads import discard, save_zip_upload
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/reverse", tags=["reverse"])
# the seed's snippet analysis sits at /api/v1/devlab/analyze
snippet_router = APIRouter(prefix="/api/v1/devlab", tags=["reverse"])


@snippet_router.post("/analyze", response_model=SnippetAnalysis)
def analyze_code(body: SnippetAnalysisRequest) -> SnippetAnalysis:
    """Security, performance or quality findings of one snippet, at once (the seed's
    ``{code, language, analysis_type}``)."""
    return analyze_snippet(body)


class AnalyzeRequest(BaseModel):
    """JSON body of ``/reverse/analyze``: an existing project, or a source to ingest."""

    model_config = ConfigDict(extra="forbid")

    project_id: ProjectRef | None = Field(
        default=None,
        validation_alias=AliasChoices("project_id", "project"),
        description="an ingested project (name or id)",
    )
    source: str | None = Field(
        default=None,
        validation_alias=AliasChoices("source", "git_url"),
        description="a directory or .zip on the server, or a git URL, to ingest first",
    )
    name: str | None = Field(default=None, description="project name for the source")
    ref: str | None = Field(default=None, description="git commit, branch or tag")
    phases: list[str] = Field(default=list(PHASES), description=f"any of {', '.join(PHASES)}")
    embed: bool = Field(default=False, description="also embed the source (semantic search)")

    @model_validator(mode="after")
    def _one_target(self) -> AnalyzeRequest:
        if (self.project_id is None) == (self.source is None):
            raise ValueError("give either 'project_id' (analyse it) or 'source' (ingest it first)")
        if self.source is not None and not self.name:
            raise ValueError("'source' needs a 'name' for the project")
        return self


class VulnerabilityRequest(BaseModel):
    project_id: ProjectRef | None = Field(
        default=None,
        validation_alias=AliasChoices("project_id", "project"),
        description="an ingested project (name or id)",
    )
    code: str | None = Field(default=None, description="a snippet to scan now")
    language: str | None = Field(default=None, description="the snippet's language")
    path: str | None = Field(default=None, description="the snippet's file name (language)")

    @model_validator(mode="after")
    def _one_target(self) -> VulnerabilityRequest:
        if (self.project_id is None) == (self.code is None):
            raise ValueError("give either 'project_id' (analyse a project) or 'code' (a snippet)")
        return self


class SnippetFindings(BaseModel):
    findings: list[Finding]


def _accepted(job: BaseModel) -> JSONResponse:
    return JSONResponse(job.model_dump(mode="json"), status_code=202)


@router.post("/analyze", status_code=202, responses={202: {"description": "the analysis job"}})
async def analyze(request: Request, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Analyse code into the insights feed: multipart with a ZIP ``file`` (optional
    ``name``, ``phases`` comma-separated), or JSON ``{"project_id"}`` / ``{"source",
    "name"}``. Returns the job (202); its result is the analysis summary."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        ingest, label, fields = await save_zip_upload(request, bench, name_required=False)
        phases = [p.strip() for p in fields.get("phases", ",".join(PHASES)).split(",") if p]
        try:
            job = submit_analysis(
                bench, ingest=ingest, phases=phases, label=label, cleanup=ingest.source
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


@router.post(
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


class DiagramRequest(BaseModel):
    project: str = Field(
        validation_alias=AliasChoices("project", "project_id"), description="project name or id"
    )
    diagram_type: str = Field(
        default="dependency", description="uml | dependency | architecture | call"
    )
    format: Literal["mermaid", "plantuml", "svg", "dot"] = "mermaid"
    scope: str | None = Field(default=None, description="only this subtree (path prefix)")
    depth: int | None = Field(default=None, ge=1, description="collapse modules to this depth")


class DiagramResponse(BaseModel):
    project: str
    diagram_type: str
    format: str
    text: str


@router.post("/generate-diagram", response_model=DiagramResponse)
def generate_diagram(req: DiagramRequest, bench: Workbench = Depends(workbench)) -> DiagramResponse:
    """Render a diagram of an ingested project; an unknown type answers 400 with the
    valid ones."""
    text = render_diagram(
        bench.db, req.project, req.diagram_type, req.format, scope=req.scope, depth=req.depth
    )
    return DiagramResponse(
        project=req.project, diagram_type=req.diagram_type, format=req.format, text=text
    )
