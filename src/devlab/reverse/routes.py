"""Reverse-engineering endpoints: ``POST /api/v1/devlab/reverse/generate-diagram``."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from devlab.reverse.diagrams import render_diagram
from devlab.server.deps import workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/reverse", tags=["reverse"])


class DiagramRequest(BaseModel):
    project: str = Field(description="project name or id")
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
def generate_diagram(req: DiagramRequest, bench: Workbench = Depends(workbench)):
    """Render a diagram of an ingested project; an unknown type answers 400 with the
    valid ones."""
    text = render_diagram(
        bench.db, req.project, req.diagram_type, req.format, scope=req.scope, depth=req.depth
    )
    return DiagramResponse(
        project=req.project, diagram_type=req.diagram_type, format=req.format, text=text
    )
