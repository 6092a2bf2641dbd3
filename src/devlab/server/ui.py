"""The web UI: one static page that drives the REST API (projects, ingest, search,
insights, diagrams)."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    return HTMLResponse(files("devlab.server").joinpath("static/index.html").read_text("utf-8"))
