"""The local job runner: records, progress, failure, cancellation, crash recovery."""

from __future__ import annotations

import threading
import time

import pytest

from devlab.errors import Conflict, InvalidInput, NotFound
from devlab.jobs import JobRunner
from devlab.progress import Progress
from devlab.store.db import Database
from devlab.store.models import Job


@pytest.fixture
def runner(settings):
    db = Database(settings)
    r = JobRunner(db, workers=2)
    yield r
    r.shutdown(wait=True)
    db.close()


def _wait_terminal(runner: JobRunner, job_id: str, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = runner.get(job_id)
        if job.status in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {runner.get(job_id)}")


def test_job_reports_progress_logs_and_result(runner):
    def work(ctx):
        ctx.log("starting")
        for i in range(1, 4):
            ctx.progress(Progress("count", i, 3, f"step {i}"))
        return {"answer": 42}

    job_id = runner.submit("demo", work, params={"x": 1})
    job = _wait_terminal(runner, job_id)
    assert job.status == "succeeded"
    assert job.result == {"answer": 42}
    assert (job.progress.done, job.progress.total) == (3, 3)
    assert job.params == {"x": 1}
    assert [line.message for line in runner.logs(job_id)] == ["starting"]


def test_failed_job_keeps_error_message(runner):
    def work(ctx):
        raise InvalidInput("the source is empty")

    job = _wait_terminal(runner, runner.submit("demo", work))
    assert job.status == "failed"
    assert job.error == "the source is empty"


def test_unexpected_exception_is_logged_with_traceback(runner):
    def work(ctx):
        return 1 / 0

    job_id = runner.submit("demo", work)
    job = _wait_terminal(runner, job_id)
    assert job.status == "failed" and "ZeroDivisionError" in job.error
    assert any("Traceback" in line.message for line in runner.logs(job_id))


def test_running_job_can_be_cancelled(runner):
    started = threading.Event()

    def work(ctx):
        started.set()
        for i in range(1000):
            time.sleep(0.01)
            ctx.progress(Progress("loop", i, 1000))
        return {"finished": True}

    job_id = runner.submit("demo", work)
    assert started.wait(5)
    runner.cancel(job_id)
    job = _wait_terminal(runner, job_id)
    assert job.status == "cancelled"
    with pytest.raises(Conflict):
        runner.cancel(job_id)


def test_unknown_job_is_not_found(runner):
    with pytest.raises(NotFound):
        runner.get("no-such-job")


def test_jobs_left_running_by_a_crash_are_failed_on_restart(settings):
    db = Database(settings)
    with db.session() as s:
        s.add(Job(id="crashed", kind="ingest", status="running"))
        s.add(Job(id="waiting", kind="ingest", status="queued"))
    runner = JobRunner(db)
    assert runner.recover() == 2
    for job_id in ("crashed", "waiting"):
        job = runner.get(job_id)
        assert job.status == "failed" and "interrupted" in job.error
    runner.shutdown()
    db.close()
