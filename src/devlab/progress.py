"""Progress reporting for long work: library functions take a ``ProgressFn``.

The CLI renders these as a Rich progress bar on stderr; the job runner stores
them on the job row so ``GET /jobs/{id}`` and its SSE stream can show them, and its
progress callback raises ``JobCancelled`` when the job was asked to stop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple


class Progress(NamedTuple):
    stage: str  # "walk", "parse", "embed", ...
    done: int
    total: int
    message: str = ""


ProgressFn = Callable[[Progress], None]


class JobCancelled(Exception):
    """Raised from a ``ProgressFn`` (a job's progress callback) when the job was asked to
    stop; long work lets it pass, after cleaning up, so the job ends "cancelled"."""


class QuotaUsedUp(JobCancelled):
    """Raised inside a job before a sandbox run or a model call once the caller's quota
    or rate limit for it is used up (issue 19): the job stops like a cancelled one (what
    it stored so far is kept) and ends with status ``quota_used_up`` and this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def report(
    progress: ProgressFn | None, stage: str, done: int, total: int, message: str = ""
) -> None:
    """Call ``progress`` if given; a tiny helper so callers need no ``if``."""
    if progress is not None:
        progress(Progress(stage, done, total, message))
