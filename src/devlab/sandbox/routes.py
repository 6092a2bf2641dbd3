"""REST door: ``POST /api/v1/devlab/execute`` and ``WS /api/v1/devlab/execute/stream``."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Literal

from fastapi import APIRouter, Depends, Request, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, ValidationError

from devlab.errors import DevLabError, InvalidInput, describe_validation_errors
from devlab.sandbox import (
    Limits,
    SandboxBusy,
    SandboxRequest,
    SandboxResult,
    SourceTooLarge,
    run_code,
    stream_code,
    supported_languages,
)
from devlab.webtools import error_body, send_error_frame, workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab", tags=["sandbox"])
_INBOX_MESSAGES = 4


class ExecuteBody(SandboxRequest):
    """The seed's body: ``timeout`` is milliseconds and maps to ``limits.wall_seconds``."""

    model_config = ConfigDict(extra="forbid")  # unknown fields: 422 naming them

    timeout: int | None = None
    # the seed's label of the run's environment; DevLab has one sandbox, so only "dev"
    environment: Literal["dev"] | None = None

    def to_request(self) -> SandboxRequest:
        data = self.model_dump(exclude={"timeout", "environment"})
        if self.timeout is not None:
            if self.timeout <= 0:
                raise InvalidInput("timeout must be a positive number of milliseconds")
            data["limits"]["wall_seconds"] = self.timeout / 1000
        return SandboxRequest.model_validate(data)


def _parse(raw: bytes | str, cap: int) -> SandboxRequest:
    if len(raw) > cap:
        raise SourceTooLarge(f"request body is {len(raw)} bytes; the maximum is {cap}")
    try:
        return ExecuteBody.model_validate_json(raw).to_request()
    except ValidationError as exc:
        problems = describe_validation_errors(exc.errors(), "body")
        raise InvalidInput(f"invalid request: {problems}") from exc


def _body_cap(bench: Workbench) -> int:
    # JSON escaping can double a source; leave room for the envelope too.
    return 2 * bench.settings.sandbox_max_source_bytes + 65536


def _busy(exc: SandboxBusy) -> JSONResponse:
    retry = str(exc.detail.get("retry_after", 1))
    return JSONResponse(
        error_body(429, exc.message, exc.detail), status_code=429, headers={"Retry-After": retry}
    )


@router.post("/execute", response_model=SandboxResult)
async def execute(request: Request, bench: Workbench = Depends(workbench)):
    """Run code in the sandbox and return its result (recorded in ``executions``)."""
    cap = _body_cap(bench)
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > cap:
        raise SourceTooLarge(f"request body is {length} bytes; the maximum is {cap}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise SourceTooLarge(f"request body is over the maximum of {cap} bytes")
    sandbox_request = _parse(bytes(body), cap)
    try:
        return await run_in_threadpool(run_code, sandbox_request, bench.settings, db=bench.db)
    except SandboxBusy as exc:
        return _busy(exc)


@router.get("/execute/languages")
def languages() -> dict[str, list[str]]:
    return {"languages": supported_languages()}


@router.get("/execute/limits", response_model=Limits)
def default_limits() -> Limits:
    return Limits()


@router.websocket("/execute/stream")
async def execute_stream(ws: WebSocket) -> None:
    """First message: the request JSON. Then ``{"stdin": "..."}`` / ``{"eof": true}``.
    Frames out: ``{"type": "stdout"|"stderr", "data"}``..., then ``{"type": "result"}``;
    a bad request gets ``{"type": "error", "status", "error"}``. Disconnect kills the run."""
    await ws.accept()
    bench: Workbench = ws.app.state.workbench
    try:
        first = await ws.receive_text()
        request = _parse(first, _body_cap(bench))
    except WebSocketDisconnect:
        return
    except DevLabError as exc:
        await _send_error(ws, exc)
        return
    # Bounded on every hop: a few messages wait here (then the socket is not
    # read, which is TCP backpressure on the client), the run's StdinFeed holds
    # at most _FEED_BUFFER bytes, and the run's total stdin is capped.
    inbox: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=_INBOX_MESSAGES)
    gone = asyncio.Event()
    cap = bench.settings.sandbox_max_stdin_bytes
    over_cap = asyncio.Event()

    async def reader() -> None:
        eof = False
        total = 0
        try:
            while True:
                message = json.loads(await ws.receive_text())
                if not eof and isinstance(message, dict):
                    if message.get("stdin"):
                        chunk = str(message["stdin"]).encode()
                        total += len(chunk)
                        if total > cap:
                            over_cap.set()
                            gone.set()
                            return
                        await inbox.put(chunk)
                    if message.get("eof"):
                        eof = True
                        await inbox.put(None)
        except (WebSocketDisconnect, RuntimeError, ValueError):
            gone.set()
            with contextlib.suppress(asyncio.QueueFull):
                inbox.put_nowait(None)

    async def stdin() -> AsyncIterator[bytes]:
        while (chunk := await inbox.get()) is not None:
            yield chunk

    async def consume() -> None:
        events = stream_code(request, bench.settings, db=bench.db, stdin=stdin())
        try:
            async for event in events:
                await ws.send_json(event.frame())
        finally:
            await events.aclose()

    read_task = asyncio.create_task(reader())
    run_task = asyncio.create_task(consume())
    gone_task = asyncio.create_task(gone.wait())
    try:
        await asyncio.wait({run_task, gone_task}, return_when=asyncio.FIRST_COMPLETED)
        if not run_task.done():
            run_task.cancel()  # the client left: cancelling kills the sandbox
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await run_task
    except DevLabError as exc:
        await _send_error(ws, exc)
        return
    finally:
        for task in (read_task, gone_task):
            task.cancel()
    await _close_run(ws, run_task, over_cap=over_cap.is_set(), gone=gone.is_set(), cap=cap)


async def _close_run(
    ws: WebSocket, run_task: asyncio.Task, *, over_cap: bool, gone: bool, cap: int
) -> None:
    """The socket's last word after the run: stdin over the cap (1009), the run's
    error frame, or a normal close (nothing when the client left)."""
    failure = run_task.exception() if run_task.done() and not run_task.cancelled() else None
    if over_cap:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.close(
                code=1009, reason=f"stdin over sandbox_max_stdin_bytes={cap}; run stopped"
            )
    elif isinstance(failure, DevLabError):
        await _send_error(ws, failure)
    elif not gone:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await ws.close()


async def _send_error(ws: WebSocket, exc: DevLabError) -> None:
    extra = (
        {"retry_after": exc.detail.get("retry_after", 1)} if isinstance(exc, SandboxBusy) else {}
    )
    await send_error_frame(ws, exc, **extra)


__all__ = ["router"]
