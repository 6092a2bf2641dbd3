"""Long jobs and the caller's limits (issue 19): an evaluation job checks the caller's
sandbox time before each run and the per-minute model-token limit before each model
call; once one is used up the job stops with status ``quota_used_up`` and a message
naming the limit, keeping the results it stored. Model tokens spent inside a job are
charged to the caller's window like a direct call's, and the job's spending is audited
with the user, token and models. The model is a scripted OpenAI-compatible endpoint
served over real HTTP; the server is a real uvicorn server."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from devlab.auth import audit, tokens, users
from devlab.codebase.ingest import get_or_create_project
from devlab.config import Settings, load_settings
from devlab.store import counters
from devlab.store.db import Database
from helpers import serve_in_thread
from scripted import scripted_model_server

API = "/api/v1/devlab"
EVALUATE = {"provider": "scripted", "suite": "humaneval", "limit": 3, "timeout_s": 10}


def _settings(home: Path, url: str, **limits: float) -> Settings:
    provider = {"kind": "openai", "base_url": url, "model": "scripted-1", "timeout_s": 30}
    return load_settings(home=home, llm_providers={"scripted": provider}, **limits)


def _maintainer(settings: Settings) -> tuple[dict[str, str], int]:
    db = Database(settings)
    try:
        users.create_user(db, "mia", "long-enough-pw")
        users.set_member(db, get_or_create_project(db, "p", "/src"), "mia", "maintainer")
        made = tokens.create_token(db, "mia")
        return {"Authorization": f"Bearer {made.token}"}, made.id
    finally:
        db.close()


def _evaluate(settings: Settings, auth: dict[str, str]) -> tuple[dict, dict]:
    """Run the evaluation job on a fresh server; answers (the job, the evaluation), read
    from the store (the caller's used-up limit answers its further requests 429)."""
    from devlab.store import Job
    from devlab.training.evaluate import get_evaluation
    from devlab.workbench import Workbench

    for base in serve_in_thread(settings):
        started = httpx.post(f"http://{base}{API}/evaluations", json=EVALUATE, headers=auth)
        assert started.status_code == 202, started.text
        db, deadline = Database(settings), time.monotonic() + 180
        try:
            while time.monotonic() < deadline:
                with db.session() as s:
                    job = s.get_one(Job, started.json()["id"])
                    job_dict = {"status": job.status, "error": job.error}
                if job_dict["status"] not in ("queued", "running"):
                    break
                time.sleep(0.2)
        finally:
            db.close()
    bench = Workbench.open(settings)
    try:
        evaluation = get_evaluation(bench, 1, results=True).model_dump(mode="json")
    finally:
        bench.close()
    return job_dict, evaluation


def _job_audit(settings: Settings) -> list[dict]:
    db = Database(settings)
    try:
        return [e.model_dump() for e in audit.list_events(db, action="job.usage", limit=10)]
    finally:
        db.close()


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_job_stops_when_the_callers_sandbox_time_is_used_up(tmp_path) -> None:
    with scripted_model_server() as model:
        model.script("    return 1\n")
        settings = _settings(
            tmp_path / "home", model.url, rate_limit_sandbox_seconds_per_minute=0.001
        )  # any one run is longer (a quiet machine runs one in ~30 ms: 0.05 s let two in)
        auth, token_id = _maintainer(settings)
        job, evaluation = _evaluate(settings, auth)
    assert job["status"] == "quota_used_up", job
    assert "rate_limit_sandbox_seconds_per_minute" in job["error"], job["error"]
    # stopped before the second task's run: the first task's result is kept
    assert evaluation["status"] == "quota_used_up"
    assert len(evaluation["results"]) == 1, evaluation["results"]
    spent = counters.check(Database(settings), f"sbx:token:{token_id}", 10**9, 60).spent
    assert 0.001 <= spent < 30
    (entry,) = _job_audit(settings)
    assert entry["actor"] == "mia" and entry["token_id"] == token_id
    assert entry["outcome"] == "quota_used_up"
    assert entry["detail"]["sandbox_seconds"] == pytest.approx(spent, abs=1e-3)


@pytest.mark.sandbox
@pytest.mark.slow
def test_model_tokens_inside_a_job_are_charged_and_rate_limited(tmp_path) -> None:
    with scripted_model_server() as model:
        model.script("    return 1\n")
        settings = _settings(tmp_path / "home", model.url, rate_limit_model_tokens_per_minute=2)
        auth, token_id = _maintainer(settings)
        job, evaluation = _evaluate(settings, auth)
        calls = len(model.prompts)
    assert job["status"] == "quota_used_up", job
    assert "rate_limit_model_tokens_per_minute" in job["error"], job["error"]
    assert calls == 1 and len(evaluation["results"]) == 1  # the second call never went out
    # the job's model tokens went to the token's window, like a direct call's
    spent = counters.check(Database(settings), f"tok:token:{token_id}", 10**9, 60).spent
    (entry,) = _job_audit(settings)
    assert entry["detail"]["model_tokens"] == spent > 2  # the scripted reply: 3 tokens
    (call,) = entry["detail"]["model_calls"]
    assert (call["provider"], call["model"]) == ("scripted", "scripted-1")


@pytest.mark.sandbox
def test_a_job_stops_between_runs_when_the_projects_daily_quota_is_used_up(tmp_path) -> None:
    """The project quota path, on a real job runner and the real sandbox: what the access
    check hands a request (charge + budget) goes with the job it starts."""
    import contextvars

    from devlab.actor import use_sandbox_meter
    from devlab.auth.guard import access_state, sandbox_budget, sandbox_charge
    from devlab.sandbox import SandboxRequest, run_code
    from devlab.webtools import Principal
    from devlab.workbench import Workbench

    settings = load_settings(home=tmp_path / "home", quota_project_sandbox_seconds_per_day=0.001)
    bench = Workbench.open(settings)
    try:
        state = access_state(settings, open_local=False)
        who = Principal(name="dev", user_id=1, is_admin=False, via="token", token_id=7)
        runs: list[str] = []

        def job(ctx) -> dict:  # a long job: three sandbox runs, each result kept as it goes
            for n in range(3):
                out = run_code(SandboxRequest(language="python", code=f"print({n})"), settings)
                runs.append(out.stdout.strip())
                ctx.log(f"run {n}: {out.stdout.strip()}")
            return {"runs": runs}

        def request() -> str:  # what the guard does for a request on project 1
            use_sandbox_meter(
                sandbox_charge(bench, state, who, [1]), sandbox_budget(bench, state, who, [1])
            )
            return bench.jobs.submit("long", job, project_id=None)

        job_id = contextvars.copy_context().run(request)
        info = bench.jobs.wait(job_id, timeout=120)
        assert info.status == "quota_used_up", info
        assert "quota_project_sandbox_seconds_per_day" in (info.error or "")
        assert runs == ["0"]  # stopped before the second run; the first one's log is kept
        logs = [line.message for line in bench.jobs.logs(job_id)]
        assert "run 0: 0" in logs and any("quota" in m for m in logs)

        def tolerant(ctx) -> dict:  # job code that catches every error and goes on
            done: list[str] = []
            for n in range(2):
                try:
                    run_code(SandboxRequest(language="python", code=f"print({n})"), settings)
                    done.append(str(n))
                except Exception as exc:
                    done.append(f"skipped: {exc}")
            return {"runs": done}

        def second() -> str:
            use_sandbox_meter(
                sandbox_charge(bench, state, who, [1]), sandbox_budget(bench, state, who, [1])
            )
            return bench.jobs.submit("tolerant", tolerant)

        info = bench.jobs.wait(contextvars.copy_context().run(second), timeout=120)
        # still marked as stopped by the quota, and its own result is kept
        assert info.status == "quota_used_up" and "quota" in (info.error or "")
        assert [r[:8] for r in info.result["runs"]] == ["skipped:", "skipped:"]
    finally:
        bench.close()
