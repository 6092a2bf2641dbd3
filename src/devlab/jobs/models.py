"""Job schemas that cross the REST/CLI boundary."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled", "quota_used_up"]
# quota_used_up: stopped because the caller's sandbox/model quota ran out (issue 19)
TERMINAL: frozenset[str] = frozenset({"succeeded", "failed", "cancelled", "quota_used_up"})


class JobProgress(BaseModel):
    done: int
    total: int
    message: str


class JobInfo(BaseModel):
    id: str
    kind: str
    status: JobStatus
    project_id: int | None
    params: dict[str, Any]
    progress: JobProgress
    result: dict[str, Any] | None
    error: str | None
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobLogLine(BaseModel):
    id: int
    created_at: datetime
    level: str
    message: str
