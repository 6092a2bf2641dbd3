"""Search endpoints: hybrid search, symbols, repo map and navigation."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from devlab.codebase import IngestRequest
from devlab.errors import InvalidInput
from devlab.search.ingest import submit_ingest
from devlab.search.models import ReferenceInfo, RepoMap, SearchRequest, SearchResult, SymbolInfo
from devlab.search.navigation import callees, callers, definitions, find_symbols, references
from devlab.search.repomap import repo_map
from devlab.search.retrieval import search
from devlab.webtools import discard, save_zip_upload, workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab", tags=["search"])
# ingestion (snapshot + index) starts at the seed's project path
ingest_router = APIRouter(prefix="/api/v1/devlab/projects", tags=["projects"])


@router.post("/search", response_model=list[SearchResult])
def post_search(req: SearchRequest, bench: Workbench = Depends(workbench)):
    """Search a project's latest complete snapshot (hybrid by default)."""
    return search(bench.db, bench.settings, req)


@router.get("/projects/{project}/symbols", response_model=list[SymbolInfo])
def get_symbols(
    project: str,
    pattern: str | None = None,
    kind: str | None = None,
    limit: int = Query(200, ge=1, le=100_000),
    bench: Workbench = Depends(workbench),
):
    return find_symbols(bench.db, project, pattern, kind=kind, limit=limit)


@router.get("/projects/{project}/repo-map", response_model=RepoMap)
def get_repo_map(
    project: str,
    max_tokens: int = Query(1024, ge=16, le=200_000),
    bench: Workbench = Depends(workbench),
):
    return repo_map(bench.db, project, max_tokens)


@router.get("/projects/{project}/definitions", response_model=list[SymbolInfo])
def get_definitions(
    project: str, name: str = Query(min_length=1), bench: Workbench = Depends(workbench)
):
    return definitions(bench.db, project, name)


@router.get("/projects/{project}/references", response_model=list[ReferenceInfo])
def get_references(
    project: str, name: str = Query(min_length=1), bench: Workbench = Depends(workbench)
):
    return references(bench.db, project, name)


@router.get("/projects/{project}/callers", response_model=list[ReferenceInfo])
def get_callers(
    project: str, name: str = Query(min_length=1), bench: Workbench = Depends(workbench)
):
    return callers(bench.db, project, name)


@router.get("/projects/{project}/callees", response_model=list[ReferenceInfo])
def get_callees(
    project: str, name: str = Query(min_length=1), bench: Workbench = Depends(workbench)
):
    return callees(bench.db, project, name)


@ingest_router.post("", status_code=202, responses={202: {"description": "the ingestion job"}})
async def create_project(request: Request, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Create (or re-ingest) a project. JSON body ``{"name", "source", "ref"}`` for a
    server-side directory, ZIP or git URL; or multipart with ``name`` and a ZIP ``file``.
    Returns the ingestion job (202); follow it at /api/v1/devlab/jobs/{id}."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        upload = await save_zip_upload(request, bench, name_required=True)
        body = IngestRequest(name=upload.name or "", source=str(upload.path), ref=None)
        label, cleanup = upload.label, body.source
    else:
        try:
            body = IngestRequest.model_validate(await request.json())
        except ValueError as exc:
            raise InvalidInput(
                f"invalid JSON body: {exc}. Send {{'name': ..., 'source': ...}}"
            ) from exc
        label, cleanup = None, None
    try:
        job = submit_ingest(bench, body, label=label, cleanup=cleanup)
    except BaseException:
        discard(cleanup)
        raise
    return JSONResponse(job.model_dump(mode="json"), status_code=202)
