"""Job endpoints: state, log, events (SSE) and cancel. The server's own routes: jobs are
plumbing every capability shares (``devlab.jobs`` runs them), not a capability."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from devlab.apitypes import DbOffset
from devlab.jobs.models import TERMINAL, JobInfo, JobLogLine
from devlab.webtools import Principal, principal, workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/jobs", tags=["jobs"])
POLL_SECONDS = 0.3


@router.get("", response_model=list[JobInfo])
def list_jobs(
    limit: int = Query(50, ge=1, le=1000),
    bench: Workbench = Depends(workbench),
    who: Principal = Depends(principal),
):
    """Newest first: the jobs of the caller's projects, and their own others."""
    return bench.jobs.list(limit, visible=who.visibility())


@router.get("/{job_id}", response_model=JobInfo)
def get_job(job_id: str, bench: Workbench = Depends(workbench)):
    return bench.jobs.get(job_id)


@router.get("/{job_id}/logs", response_model=list[JobLogLine])
def job_logs(
    job_id: str, after: Annotated[DbOffset, Query()] = 0, bench: Workbench = Depends(workbench)
):
    return bench.jobs.logs(job_id, after)


@router.post("/{job_id}/cancel", response_model=JobInfo)
def cancel_job(job_id: str, bench: Workbench = Depends(workbench)):
    return bench.jobs.cancel(job_id)


def _sse(event: str, data: str) -> str:
    return f"event: {event}\ndata: {data}\n\n"


@router.get("/{job_id}/events")
async def job_events(job_id: str, request: Request, bench: Workbench = Depends(workbench)):
    """Server-sent events: ``progress`` on every change, ``log`` per log line,
    and a final ``end`` carrying the finished job."""
    bench.jobs.get(job_id)  # 404 before the stream starts

    async def stream() -> AsyncIterator[str]:
        last_state, last_log = None, 0
        while True:
            job = await asyncio.to_thread(bench.jobs.get, job_id)
            for line in await asyncio.to_thread(bench.jobs.logs, job_id, last_log):
                last_log = line.id
                yield _sse("log", line.model_dump_json())
            state = (job.status, job.progress.done, job.progress.total, job.progress.message)
            if state != last_state:
                last_state = state
                yield _sse(
                    "progress", json.dumps({"status": job.status, **job.progress.model_dump()})
                )
            if job.status in TERMINAL:
                yield _sse("end", job.model_dump_json())
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(POLL_SECONDS)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
