"""One error shape for every failure: ``{"ok": false, "error": ..., "status": ...}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from devlab.errors import DevLabError, describe_validation_errors
from devlab.webtools import error_body


class ErrorBody(BaseModel):
    """The one error shape (documented for every route, issue 13)."""

    ok: bool = False
    error: str
    status: int
    detail: Any = None


_DESCRIPTIONS = {
    400: "bad request (a value that cannot be used; the message says what to change)",
    401: "not signed in, or an invalid, expired or revoked API token / session",
    403: "refused: a role too low (named), a cross-site Origin, or a server path outside "
    "the ingestion roots",
    404: "not found",
    409: "conflict (a job runs on it, or it already exists)",
    413: "too large (the message names the limit)",
    415: "unsupported Content-Type: send application/json (or multipart for uploads)",
    422: "invalid request (the message lists each problem)",
    429: "busy: retry after Retry-After seconds",
    503: "a component (toolchain, model, sandbox) is unavailable",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in _DESCRIPTIONS.items()
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DevLabError)
    async def _devlab(_: Request, exc: DevLabError) -> JSONResponse:
        headers = {}
        if exc.status_code == 429 and "retry_after" in exc.detail:
            headers["Retry-After"] = str(exc.detail["retry_after"])
        if exc.status_code == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="devlab"'
        return JSONResponse(
            error_body(exc.status_code, exc.message, exc.detail or None),
            status_code=exc.status_code,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = describe_validation_errors(list(exc.errors()), "body")
        return JSONResponse(error_body(422, f"invalid request: {problems}"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(  # keeps e.g. the Allow header of a 405
            error_body(exc.status_code, str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _bug(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            error_body(500, f"internal error: {type(exc).__name__}: {exc}"), status_code=500
        )
