"""Reverse-engineering endpoints (the seed's names):

* ``POST /api/v1/devlab/reverse/analyze``: a ZIP upload (multipart), a source on the
  server or a git URL, or an existing project -> the analysis job (202);
* ``POST /api/v1/devlab/reverse/detect-vulnerabilities``: security, secrets and
  dependency phases only -> a job (202), or a code snippet -> its findings (200);
* ``POST /api/v1/devlab/reverse/generate-diagram``: a diagram of an ingested project.

Analyses land in the insights feed (``/api/v1/devlab/insights``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from devlab.reverse.diagrams import render_diagram
from devlab.reverse.models import DiagramRequest, DiagramResponse
from devlab.reverse.snippets import SnippetAnalysis, SnippetAnalysisRequest, analyze_snippet
from devlab.webtools import workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/reverse", tags=["reverse"])
# the seed's snippet analysis sits at /api/v1/devlab/analyze
snippet_router = APIRouter(prefix="/api/v1/devlab", tags=["reverse"])


@snippet_router.post("/analyze", response_model=SnippetAnalysis)
def analyze_code(body: SnippetAnalysisRequest) -> SnippetAnalysis:
    """Security, performance or quality findings of one snippet, at once (the seed's
    ``{code, language, analysis_type}``)."""
    return analyze_snippet(body)


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
