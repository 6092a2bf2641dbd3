"""Limits and quotas live in the database: two real servers on one database file share
them, a restarted server still refuses what the first one counted (429 + Retry-After),
and sandbox time is metered as the sandbox's own measured run time, inside jobs too,
charged to the token and the project that started the work."""

from __future__ import annotations

import time

import httpx
import pytest

from devlab.auth import tokens, users
from devlab.codebase.ingest import get_or_create_project
from devlab.config import Settings, load_settings
from devlab.store import counters
from devlab.store.db import Database
from devlab.workbench import Workbench
from helpers import assert_error_shape, serve_in_thread
from lab_projects import ingest

API = "/api/v1/devlab"
MINI = {
    "mini/__init__.py": "",
    "mini/m.py": "def inc(x):\n    return x + 1\n",
    "tests/test_m.py": "from mini.m import inc\n\n\ndef test_inc():\n    assert inc(1) == 2\n",
}


def _developer(settings: Settings, project: str | None = None) -> tuple[str, int]:
    """A user ``dev`` (developer on ``project``) and a token; answers (token, token id)."""
    db = Database(settings)
    try:
        users.create_user(db, "dev", "long-enough-pw")
        made = tokens.create_token(db, "dev")
        if project is not None:
            pid = get_or_create_project(db, project, "/src")
            users.set_member(db, pid, "dev", "developer")
        return made.token, made.id
    finally:
        db.close()


def _spent(settings: Settings, key: str, window: float) -> float:
    db = Database(settings)
    try:
        return counters.check(db, key, 10**9, window).spent
    finally:
        db.close()


@pytest.mark.slow
def test_two_servers_on_one_database_share_limits_and_a_restart_keeps_them(tmp_path) -> None:
    settings = load_settings(home=tmp_path / "home", rate_limit_requests_per_minute=4)
    token, _ = _developer(settings, "p")
    auth = {"Authorization": f"Bearer {token}"}
    seen: list[int] = []
    for first in serve_in_thread(settings):
        for second in serve_in_thread(settings):
            for base in (first, second, first, second):
                seen.append(httpx.get(f"http://{base}{API}/projects", headers=auth).status_code)
            refused = httpx.get(f"http://{second}{API}/projects", headers=auth)
            body = assert_error_shape(refused, 429)
            assert "4 requests per 60 s" in body["error"]
            assert 1 <= int(refused.headers["Retry-After"]) <= 61
            # the login throttle too: failures on one server count on the other
            wrong = {"name": "dev", "password": "wrong-password"}
            for base in (first, second, first, second, first):
                assert httpx.post(f"http://{base}{API}/auth/login", json=wrong).status_code == 401
            throttled = httpx.post(f"http://{second}{API}/auth/login", json=wrong)
            assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    assert seen == [200, 200, 200, 200]
    for again in serve_in_thread(settings):  # a fresh server process' worth of state
        refused = httpx.get(f"http://{again}{API}/projects", headers=auth)
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        ok = {"name": "dev", "password": "long-enough-pw"}
        assert httpx.post(f"http://{again}{API}/auth/login", json=ok).status_code == 429


def _wait_job(base: str, job_id: str, auth: dict[str, str], timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"http://{base}{API}/jobs/{job_id}", headers=auth).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still running")


@pytest.mark.sandbox
@pytest.mark.slow
def test_sandbox_time_is_the_runs_own_and_a_used_quota_survives_a_restart(tmp_path) -> None:
    settings = load_settings(home=tmp_path / "home", quota_project_sandbox_seconds_per_day=0.001)
    bench = Workbench.open(settings)
    try:
        ingest(bench, tmp_path / "src", "mini", MINI)
    finally:
        bench.close()
    token, token_id = _developer(settings, "mini")
    auth = {"Authorization": f"Bearer {token}"}
    user_key = f"sbx:token:{token_id}"
    for base in serve_in_thread(settings):
        # a direct run: the token pays the run's own time, not the request's
        run = httpx.post(
            f"http://{base}{API}/execute",
            json={"language": "python", "code": "import time\ntime.sleep(0.3)\nprint(1)"},
            headers=auth,
            timeout=60,
        )
        assert run.status_code == 200, run.text
        charged = _spent(settings, user_key, 60)
        assert charged == pytest.approx(run.json()["wall_ms"] / 1000, abs=1e-3)
        assert charged >= 0.3
        # a job's sandbox runs are charged to the token and the project that started it
        started = httpx.post(
            f"http://{base}{API}/testing/coverage", json={"project": "mini"}, headers=auth
        )
        assert started.status_code == 202, started.text
        job = _wait_job(base, started.json()["id"], auth)
        assert job["status"] == "succeeded", job
        project_spent = _spent(settings, "psbx:project:1", 86400)
        assert project_spent > 0.001
        assert _spent(settings, user_key, 60) == pytest.approx(charged + project_spent, abs=1e-3)
        refused = httpx.post(
            f"http://{base}{API}/testing/coverage", json={"project": "mini"}, headers=auth
        )
        body = assert_error_shape(refused, 429)
        assert "quota_project_sandbox_seconds_per_day" in body["error"]
    for base in serve_in_thread(settings):  # restarted: the day's quota is still used
        refused = httpx.post(
            f"http://{base}{API}/testing/coverage", json={"project": "mini"}, headers=auth
        )
        assert_error_shape(refused, 429)
        # the day's window, rounded up to its bucket (a 60th of it)
        assert 86400 <= int(refused.headers["Retry-After"]) <= 86400 + 1441


@pytest.mark.sandbox
def test_a_streamed_run_is_charged_its_own_time_to_the_callers_meter(tmp_path) -> None:
    import asyncio
    import contextvars

    from devlab.actor import use_sandbox_meter
    from devlab.sandbox import SandboxRequest, stream_code

    settings = load_settings(home=tmp_path / "home")
    charged: list[float] = []

    async def stream() -> float:
        use_sandbox_meter(charged.append)  # what the access check sets for a request
        request = SandboxRequest(language="python", code="print(1)")
        events = [e async for e in stream_code(request, settings)]
        assert events[-1].result is not None
        return events[-1].result.wall_ms

    wall_ms = contextvars.copy_context().run(asyncio.run, stream())
    assert charged == [pytest.approx(wall_ms / 1000)]
