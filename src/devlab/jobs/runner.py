"""The local job runner: long work runs in the server process's worker pool.

A job is a row in ``jobs`` (status, progress, result, error) plus log lines in
``job_logs``. The same records are written whether a job runs in the pool
(``submit``) or in the caller's thread (``run_inline``, used by the CLI), so
``GET /jobs/{id}`` shows CLI-started work too. On start, ``recover`` marks jobs
that a crash left queued or running as failed: nothing stays "running" forever.

Cancellation is cooperative: the job function calls ``ctx.check_cancelled()``
between units of work (progress updates do it too).
"""

from __future__ import annotations

import contextvars
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from devlab.actor import begin_job, current_user_id, end_job, job_stopped
from devlab.errors import Conflict, DevLabError, NotFound
from devlab.jobs.models import TERMINAL, JobInfo, JobLogLine, JobProgress
from devlab.progress import JobCancelled, Progress, ProgressFn, QuotaUsedUp
from devlab.store import Database, Job, JobLog, Visibility, utcnow, visible_clause


class JobContext:
    """Handed to a job function: report progress, log, and honour cancellation."""

    # Progress rows are written at most this often (seconds); logs always.
    WRITE_INTERVAL = 0.25

    def __init__(self, runner: JobRunner, job_id: str, listener: ProgressFn | None = None) -> None:
        self.runner = runner
        self.job_id = job_id
        self.listener = listener
        self._last_write = 0.0
        self._last_cancel_check = 0.0

    def progress(self, update_: Progress) -> None:
        """Record progress (throttled) and raise ``JobCancelled`` if asked to stop."""
        if self.listener is not None:
            self.listener(update_)
        now = time.monotonic()
        final = update_.total > 0 and update_.done >= update_.total
        if final or now - self._last_write >= self.WRITE_INTERVAL:
            self._last_write = now
            message = f"{update_.stage}: {update_.message}" if update_.message else update_.stage
            with self.runner.db.session() as s:
                s.execute(
                    update(Job)
                    .where(Job.id == self.job_id)
                    .values(
                        progress_done=update_.done,
                        progress_total=update_.total,
                        progress_message=message,
                    )
                )
        self.check_cancelled()

    def log(self, message: str, level: str = "info") -> None:
        with self.runner.db.session() as s:
            s.add(JobLog(job_id=self.job_id, level=level, message=message))

    def check_cancelled(self) -> None:
        if self.runner._cancel_event(self.job_id).is_set():
            raise JobCancelled()
        # Another process (the CLI, a second server) may have asked: look at the row.
        now = time.monotonic()
        if now - self._last_cancel_check >= 1.0:
            self._last_cancel_check = now
            with self.runner.db.session() as s:
                if s.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)):
                    raise JobCancelled()


JobFn = Callable[[JobContext], dict[str, Any] | None]


class JobRunner:
    """Runs job functions in a thread pool and keeps their records."""

    def __init__(self, db: Database, workers: int = 2) -> None:
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="devlab-job")
        self._events: dict[str, threading.Event] = {}
        self._futures: dict[str, Future[Exception | None]] = {}
        self._lock = threading.Lock()

    # -- lifecycle -------------------------------------------------------
    def recover(self) -> int:
        """Mark jobs left queued/running by a previous process as failed."""
        with self.db.session() as s:
            # an UPDATE answers a CursorResult (Session.execute is typed for any statement)
            result = cast(
                CursorResult[Any],
                s.execute(
                    update(Job)
                    .where(Job.status.in_(("queued", "running")))
                    .values(
                        status="failed",
                        error="interrupted: the process running this job stopped",
                        finished_at=utcnow(),
                    ),
                ),
            )
            return int(result.rowcount or 0)

    def shutdown(self, wait: bool = False) -> None:
        for event in list(self._events.values()):
            event.set()
        self._pool.shutdown(wait=wait, cancel_futures=True)

    # -- creating and running -------------------------------------------
    def create(
        self, kind: str, *, params: dict[str, Any] | None = None, project_id: int | None = None
    ) -> str:
        job_id = str(uuid.uuid4())
        with self.db.session() as s:
            s.add(
                Job(
                    id=job_id,
                    kind=kind,
                    params=params or {},
                    project_id=project_id,
                    user_id=current_user_id(),
                )
            )
        return job_id

    def submit(
        self,
        kind: str,
        fn: JobFn,
        *,
        params: dict[str, Any] | None = None,
        project_id: int | None = None,
    ) -> str:
        """Queue ``fn`` in the worker pool; returns the job id at once."""
        job_id = self.create(kind, params=params, project_id=project_id)
        self._cancel_event(job_id)
        # the submitter's context goes with the job: who started it and the sandbox meter
        # that charges its runs to them (devlab.actor, issue 19)
        context = contextvars.copy_context()
        future = self._pool.submit(context.run, self._execute, job_id, fn, None)
        with self._lock:
            self._futures[job_id] = future
        return job_id

    def run_inline(
        self,
        kind: str,
        fn: JobFn,
        *,
        params: dict[str, Any] | None = None,
        project_id: int | None = None,
        listener: ProgressFn | None = None,
    ) -> JobInfo:
        """Run ``fn`` in this thread with the same records as a pooled job.

        A ``DevLabError`` is recorded on the job and then re-raised, so the caller
        (the CLI) reports it with its own message and exit code.
        """
        job_id = self.create(kind, params=params, project_id=project_id)
        error = self._execute(job_id, fn, listener)
        if isinstance(error, DevLabError):
            raise error
        return self.get(job_id)

    def wait(self, job_id: str, timeout: float | None = None) -> JobInfo:
        future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout=timeout)
        return self.get(job_id)

    def _cancel_event(self, job_id: str) -> threading.Event:
        with self._lock:
            return self._events.setdefault(job_id, threading.Event())

    def _execute(self, job_id: str, fn: JobFn, listener: ProgressFn | None) -> Exception | None:
        """Run one job to its end; returns the exception that ended it, if any."""
        with self.db.session() as s:
            job = s.get(Job, job_id)
            if job is None or job.status != "queued":
                return None  # cancelled before it started
            job.status, job.started_at = "running", utcnow()
        ctx = JobContext(self, job_id, listener)
        status, result, error = "succeeded", None, None
        raised: Exception | None = None
        meter = begin_job()  # the caller's budgets apply; the job's own spending (#19)
        try:
            ctx.check_cancelled()
            result = fn(ctx)
        except QuotaUsedUp as exc:  # before JobCancelled, its parent
            status, error, raised = "quota_used_up", exc.message, exc
            ctx.log(f"stopped: {exc.message}; what was done so far is kept", level="warning")
        except JobCancelled as exc:
            status, error, raised = "cancelled", "cancelled on request", exc
        except DevLabError as exc:
            status, error, raised = "failed", exc.message, exc
        except Exception as exc:  # a bug: keep the traceback in the job's log
            status, error, raised = "failed", f"{type(exc).__name__}: {exc}", exc
            ctx.log(traceback.format_exc(), level="error")
        reason = job_stopped()
        if reason and status in ("succeeded", "failed"):  # the job's code caught the stop
            status, error = "quota_used_up", reason  # and ended with what it had: kept
            ctx.log(f"stopped early: {reason}; its result so far is kept", level="warning")
        with self.db.session() as s:
            job = s.get(Job, job_id)
            if job is not None:
                job.status, job.result, job.error = status, result, error
                job.finished_at = utcnow()
                if status == "succeeded" and job.progress_total:
                    job.progress_done = job.progress_total
        end_job(job_id, status, meter)
        with self._lock:
            self._events.pop(job_id, None)
            self._futures.pop(job_id, None)
        return raised

    # -- reading and cancelling -----------------------------------------
    def get(self, job_id: str) -> JobInfo:
        with self.db.session() as s:
            job = s.get(Job, job_id)
            if job is None:
                raise NotFound(f"no job with id {job_id!r}")
            return _job_info(job)

    def logs(self, job_id: str, after: int = 0) -> list[JobLogLine]:
        self.get(job_id)
        with self.db.session() as s:
            rows = s.scalars(
                select(JobLog).where(JobLog.job_id == job_id, JobLog.id > after).order_by(JobLog.id)
            )
            return [
                JobLogLine(id=r.id, created_at=r.created_at, level=r.level, message=r.message)
                for r in rows
            ]

    def list(self, limit: int = 50, visible: Visibility | None = None) -> list[JobInfo]:
        """Newest first; only the ``visible`` ones (a shared server's caller) when given."""
        with self.db.session() as s:
            q = select(Job)
            if visible is not None:
                q = q.where(visible_clause(visible, Job.project_id, Job.user_id))
            rows = s.scalars(q.order_by(Job.created_at.desc()).limit(limit))
            return [_job_info(j) for j in rows]

    def cancel(self, job_id: str) -> JobInfo:
        """Ask a job to stop; a queued job is cancelled at once."""
        with self.db.session() as s:
            job = s.get(Job, job_id)
            if job is None:
                raise NotFound(f"no job with id {job_id!r}")
            if job.status in TERMINAL:
                raise Conflict(f"job {job_id} already {job.status}; nothing to cancel")
            job.cancel_requested = True
            if job.status == "queued":
                job.status, job.error, job.finished_at = (
                    "cancelled",
                    "cancelled on request",
                    utcnow(),
                )
        with self._lock:
            event = self._events.get(job_id)
        if event is not None:
            event.set()
        return self.get(job_id)


def _job_info(job: Job) -> JobInfo:
    return JobInfo(
        id=job.id,
        kind=job.kind,
        status=job.status,
        project_id=job.project_id,
        params=job.params or {},
        progress=JobProgress(
            done=job.progress_done, total=job.progress_total, message=job.progress_message
        ),
        result=job.result,
        error=job.error,
        cancel_requested=job.cancel_requested,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )
