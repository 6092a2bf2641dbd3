"""API Builder endpoints under ``/api/v1/devlab/api`` (the seed's names) and the
visual builder page at ``/devlab/api``:

* ``POST /parse-schema``: a multipart OpenAPI / ZIP bundle / DDL file -> the parse report;
* ``POST /generate-sdk``: ``{schema, language, framework}`` -> a ZIP of the SDK (with its
  sandbox proof in ``devlab-proof.json``), or JSON with ``?format=json``;
* ``POST /test``: ``{endpoint, method, params}`` -> one live request checked against the
  spec; ``POST /test-spec``: property tests of a whole spec (schemathesis), a job (202);
* ``POST /suggest``: design suggestions from the language model;
* ``POST /diff``, ``POST /lint``; ``POST /lint/insights`` and
  ``POST /designs/{id}/lint`` also fold the lint into the project's insights feed;
  designs CRUD, builder edits, undo and diff under ``/designs``.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from importlib.resources import files
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from devlab.apibuilder import (
    AllowList,
    ApiModel,
    DesignEdit,
    DesignSuggestions,
    LintRecord,
    ParseReport,
    create_design,
    delete_design,
    design_source,
    diff_design,
    diff_models,
    edit_design,
    generate_sdk,
    get_design,
    lint_model,
    list_designs,
    mock_server,
    parse_schema,
    prove_sdk,
    record_lint,
    send_request,
    submit_spec_test,
    suggest_design,
    undo_design,
    write_overview,
)
from devlab.apibuilder.errors import SpecTooLarge
from devlab.apibuilder.loader import MAX_BYTES
from devlab.apitypes import DbId
from devlab.codebase import resolve_project
from devlab.errors import InvalidInput
from devlab.webtools import Principal, principal, workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/api", tags=["api-builder"])
page_router = APIRouter(include_in_schema=False)


class SchemaRef(BaseModel):
    """A spec given inline (an OpenAPI object, or OpenAPI/DDL text) or by stored design."""

    schema_: dict[str, Any] | str | None = Field(default=None, alias="schema")
    design_id: DbId | None = None
    dialect: str | None = Field(default=None, description="SQL dialect when schema is DDL")

    model_config = {"populate_by_name": True, "extra": "forbid"}

    def load(self, bench: Workbench) -> ApiModel:
        if self.design_id is not None:
            return get_design(bench.db, self.design_id).model
        if self.schema_ is None:
            raise InvalidInput("give 'schema' (an OpenAPI document or DDL) or 'design_id'")
        text = json.dumps(self.schema_) if isinstance(self.schema_, dict) else self.schema_
        name = "openapi.json" if isinstance(self.schema_, dict) else "schema.yaml"
        return parse_schema(text, name, dialect=self.dialect).model


class SdkRequest(SchemaRef):
    language: str = Field(description="typescript | python | java | go")
    framework: str | None = Field(
        default=None, description="axios|fetch, requests|httpx, okhttp, net/http"
    )
    prove: bool = Field(default=True, description="compile + smoke-test it in the sandbox")
    docs: bool = Field(
        default=False,
        description="add an overview written by the language model to the README "
        "(off: the SDK is template-only, same spec, same bytes)",
    )
    docs_max_tokens: int = Field(default=300, ge=1, le=1024)


class SuggestRequest(SchemaRef):
    max_tokens: int = Field(default=300, ge=1, le=1024, description="the reply's length cap")


class LiveRequest(SchemaRef):
    endpoint: str = Field(max_length=2000, description="a URL, or a path with base_url")
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] = "GET"
    params: dict[str, Any] = Field(default_factory=dict, description="query parameters")
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    base_url: str | None = Field(default=None, max_length=2000)


class SpecTestRequest(SchemaRef):
    base_url: str = Field(max_length=2000)
    examples: int = Field(default=10, ge=1, le=100)
    max_requests: int = Field(default=300, ge=1, le=5000)


class LintIntoFeed(SchemaRef):
    project_id: DbId | str | None = Field(
        default=None, description="the project (id or name); default: the design's project"
    )
    name: str | None = Field(
        default=None,
        max_length=300,
        description="the spec's path in the feed (default: openapi.yaml, or the design's)",
    )


class DiffRequest(BaseModel):
    old: dict[str, Any] | str
    new: dict[str, Any] | str


class DesignCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    schema_: dict[str, Any] | str | None = Field(default=None, alias="schema")
    dialect: str | None = None
    title: str | None = Field(default=None, max_length=200)
    project_id: DbId | None = None

    model_config = {"populate_by_name": True, "extra": "forbid"}


def _allow(bench: Workbench, model: ApiModel | None, base_url: str | None) -> AllowList:
    declared = [u for u in [base_url, *(model.servers if model else [])] if u and "://" in u]
    return AllowList(base_urls=declared)


@router.post("/parse-schema", response_model=ParseReport)
async def parse_schema_route(request: Request) -> ParseReport:
    """Multipart ``file`` (OpenAPI YAML/JSON, a ZIP bundle, or .sql DDL); optional
    ``dialect`` and ``lenient`` fields. 422 names the JSON pointer and line."""
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise InvalidInput("multipart upload needs a 'file' field with the OpenAPI or DDL file")
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise SpecTooLarge(
            f"upload larger than {MAX_BYTES} bytes", detail={"limit": "bytes", "maximum": MAX_BYTES}
        )
    dialect = form.get("dialect")
    lenient = str(form.get("lenient") or "").lower() in ("1", "true", "yes")
    import anyio

    return await anyio.to_thread.run_sync(
        lambda: parse_schema(
            data,
            upload.filename or "openapi.yaml",
            dialect=dialect if isinstance(dialect, str) and dialect else None,
            strict=not lenient,
        )
    )


@router.post("/generate-sdk", response_model=None)
def generate_sdk_route(
    body: SdkRequest,
    format: Literal["zip", "json"] = "zip",
    bench: Workbench = Depends(workbench),
) -> Response | dict[str, Any]:
    model = body.load(bench)
    sdk = generate_sdk(model, body.language, body.framework)
    if body.docs:
        write_overview(bench.llm, model, sdk, max_tokens=body.docs_max_tokens)
    if body.prove:
        sdk.proof = prove_sdk(sdk, model, bench.settings)
    if format == "json":
        return sdk.model_dump(mode="json")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(sdk.files):
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, sdk.files[path])
        if sdk.proof is not None:
            archive.writestr(
                zipfile.ZipInfo("devlab-proof.json", (2020, 1, 1, 0, 0, 0)),
                sdk.proof.model_dump_json(indent=2),
            )
    headers = {"Content-Disposition": f'attachment; filename="{sdk.language}-sdk.zip"'}
    if sdk.docs_model:
        headers["X-DevLab-Docs-Model"] = sdk.docs_model
    if sdk.proof is not None:
        headers["X-DevLab-Compiled"] = str(sdk.proof.compiled).lower()
        headers["X-DevLab-Smoke"] = (
            "none"
            if sdk.proof.smoke is None
            else f"{sdk.proof.smoke.passed} passed, {sdk.proof.smoke.failed} failed"
        )
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


@router.post("/test")
def live_test_route(body: LiveRequest, bench: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Send one request (SSRF allow-list: 403 names the rule) and check it against the spec."""
    model = body.load(bench) if body.schema_ is not None or body.design_id is not None else None
    result = send_request(
        body.endpoint,
        body.method,
        body.params,
        allow=_allow(bench, model, body.base_url),
        model=model,
        base_url=body.base_url,
        headers=body.headers,
        body=body.body,
    )
    return result.model_dump(mode="json")


@router.post("/test-spec", status_code=202)
def spec_test_route(body: SpecTestRequest, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Property tests of every operation, as a job (202; follow ``events``); the job's
    result is the report. A target outside the allow-list is a 403 at once."""
    model = body.load(bench)
    project_id = get_design(bench.db, body.design_id).project_id if body.design_id else None
    job = submit_spec_test(
        bench,
        model,
        body.base_url,
        allow=_allow(bench, model, body.base_url),
        examples=body.examples,
        max_requests=body.max_requests,
        project_id=project_id,
    )
    answer = job.model_dump(mode="json")
    answer["events"] = f"/api/v1/devlab/jobs/{job.id}/events"
    return JSONResponse(answer, status_code=202)


@router.post("/diff")
def diff_route(body: DiffRequest) -> dict[str, Any]:
    def load(s: dict[str, Any] | str) -> ApiModel:
        return parse_schema(json.dumps(s) if isinstance(s, dict) else s, "spec.json").model

    return diff_models(load(body.old), load(body.new)).model_dump(mode="json")


@router.post("/lint")
def lint_route(body: SchemaRef, bench: Workbench = Depends(workbench)) -> list[dict[str, Any]]:
    return [f.model_dump() for f in lint_model(body.load(bench))]


@router.post("/suggest", response_model=DesignSuggestions)
def suggest_route(body: SuggestRequest, bench: Workbench = Depends(workbench)) -> DesignSuggestions:
    """Design suggestions from the language model (shown the lint findings, which come
    back in ``lint``)."""
    return suggest_design(bench.llm, body.load(bench), max_tokens=body.max_tokens)


@router.post("/lint/insights", response_model=LintRecord)
def lint_insights_route(body: LintIntoFeed, bench: Workbench = Depends(workbench)) -> LintRecord:
    """Lint a spec (or a stored design) into a project's insights feed: new findings are
    added, repeated ones kept (no duplicates), ones no longer reported marked fixed."""
    design = get_design(bench.db, body.design_id) if body.design_id is not None else None
    project = body.project_id
    if project is None and design is not None:
        project = design.project_id
    if project is None:
        raise InvalidInput("give 'project_id': the project whose insights feed gets the lint")
    if design is not None:
        model, source, text = design.model, body.name or design_source(design.name), None
    else:
        model = body.load(bench)
        source = body.name or "openapi.yaml"
        text = body.schema_ if isinstance(body.schema_, str) else None
    return record_lint(bench.db, project, model, source=source, text=text)


# ---------------------------------------------------------------- designs


@router.get("/designs")
def designs_list(
    project_id: str | None = Query(
        None, max_length=300, description="only this project's designs (name or id)"
    ),
    bench: Workbench = Depends(workbench),
    who: Principal = Depends(principal),
) -> list[dict[str, Any]]:
    """The stored designs: those of projects the caller can see, and unattached ones."""
    only = resolve_project(bench.db, project_id).id if project_id else None
    return [
        d.model_dump(mode="json")
        for d in list_designs(bench.db, project_id=only)
        if d.project_id is None or who.can_see(d.project_id)
    ]


@router.post("/designs", status_code=201)
def designs_create(body: DesignCreate, bench: Workbench = Depends(workbench)) -> dict[str, Any]:
    if body.schema_ is None:
        model = ApiModel(title=body.title or body.name, servers=["http://localhost:8080/v1"])
    else:
        model = SchemaRef(schema_=body.schema_, dialect=body.dialect).load(bench)
    return create_design(bench.db, body.name, model, project_id=body.project_id).model_dump(
        mode="json", by_alias=True
    )


@router.get("/designs/{design_id}")
def designs_get(
    design_id: DbId, version: int | None = None, bench: Workbench = Depends(workbench)
) -> dict[str, Any]:
    return get_design(bench.db, design_id, version).model_dump(mode="json", by_alias=True)


@router.delete("/designs/{design_id}", status_code=204)
def designs_delete(design_id: DbId, bench: Workbench = Depends(workbench)) -> Response:
    delete_design(bench.db, design_id)
    return Response(status_code=204)


@router.post("/designs/{design_id}/edits")
def designs_edit(
    design_id: DbId, edit: DesignEdit, bench: Workbench = Depends(workbench)
) -> dict[str, Any]:
    """One builder edit (add/remove resource, field, operation, relation; set info)."""
    return edit_design(bench.db, design_id, edit).model_dump(mode="json", by_alias=True)


@router.post("/designs/{design_id}/undo")
def designs_undo(design_id: DbId, bench: Workbench = Depends(workbench)) -> dict[str, Any]:
    return undo_design(bench.db, design_id).model_dump(mode="json", by_alias=True)


@router.get("/designs/{design_id}/diff")
def designs_diff(
    design_id: DbId,
    from_version: int,
    to_version: int | None = None,
    bench: Workbench = Depends(workbench),
) -> dict[str, Any]:
    return diff_design(bench.db, design_id, from_version, to_version).model_dump(mode="json")


@router.get("/designs/{design_id}/lint")
def designs_lint(design_id: DbId, bench: Workbench = Depends(workbench)) -> list[dict]:
    return [f.model_dump() for f in lint_model(get_design(bench.db, design_id).model)]


@router.post("/designs/{design_id}/lint", response_model=LintRecord)
def designs_lint_record(design_id: DbId, bench: Workbench = Depends(workbench)) -> LintRecord:
    """Lint the head version into the design's project's insights feed."""
    design = get_design(bench.db, design_id)
    if design.project_id is None:
        raise InvalidInput(
            f"design {design.name!r} belongs to no project, so it has no insights feed; "
            "create it with 'project_id', or lint it with POST /lint/insights and a project_id"
        )
    source = design_source(design.name)
    return record_lint(bench.db, design.project_id, design.model, source=source)


class TryRequest(BaseModel):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    path: str = Field(max_length=2000, pattern=r"^/")
    params: dict[str, Any] = Field(default_factory=dict)
    body: Any = None


@router.post("/designs/{design_id}/try")
def designs_try(
    design_id: DbId, body: TryRequest, bench: Workbench = Depends(workbench)
) -> dict[str, Any]:
    """The try-it panel: the request against a mock of the design, on loopback."""
    model = get_design(bench.db, design_id).model
    server = mock_server(model, "127.0.0.1", 0, log=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        result = send_request(
            body.path,
            body.method,
            body.params,
            allow=AllowList(),
            model=model,
            base_url=base,
            body=body.body,
            timeout=5,
        )
    finally:
        server.shutdown()
        server.server_close()
    return result.model_dump(mode="json")


# ---------------------------------------------------------------- the page


_WEB = files("devlab.apibuilder").joinpath("web")
_ASSETS = {"app.js": "text/javascript", "style.css": "text/css"}


@page_router.get("/devlab/api", response_class=HTMLResponse)
def builder_page() -> HTMLResponse:
    return HTMLResponse(_WEB.joinpath("index.html").read_text("utf-8"))


@page_router.get("/devlab/api/static/{name}")
def builder_asset(name: str) -> Response:
    if name not in _ASSETS:
        return Response("not found", status_code=404)
    return Response(_WEB.joinpath(name).read_text("utf-8"), media_type=_ASSETS[name])
