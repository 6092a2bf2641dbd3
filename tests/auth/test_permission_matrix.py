"""The permission matrix, generated from the app's own route table: every route x every
caller (anonymous, outsider, viewer, developer, maintainer, admin) x own/other project.

Requests carry ``X-DevLab-Probe: 1`` (the app is built with ``permission_probe``), so a
request that passes the access check is answered 200 without running the route: the
matrix checks the access rules, not the routes' work. A route with no rule fails
``test_every_route_has_a_rule``; so a new route cannot ship without one."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from access_world import Resources, World, build_world
from devlab.auth.models import role_rank
from devlab.auth.routetable import iter_routes
from devlab.auth.rules import RULES, Rule
from devlab.config import Settings
from devlab.server.app import create_app
from devlab.store.db import Database
from helpers import serve_in_thread

CALLERS = ("anonymous", "outsider", "viewer", "developer", "maintainer", "admin")


def route_keys(settings: Settings) -> list[str]:
    return [key for key, _ in iter_routes(create_app(settings))]


def test_every_route_has_a_rule(sqlite_settings: Settings) -> None:
    missing = [k for k in route_keys(sqlite_settings) if k not in RULES]
    assert not missing, f"routes without an access rule in devlab.auth.rules.RULES: {missing}"


def test_every_rule_names_a_route(sqlite_settings: Settings) -> None:
    keys = set(route_keys(sqlite_settings))
    stale = [k for k in RULES if k not in keys]
    assert not stale, f"rules for routes that do not exist (typo?): {stale}"


def expected(rule: Rule, caller: str, which: str) -> int:
    """The status the access check must answer (200: allowed, the probe's answer)."""
    if rule.role == "public":
        return 200
    if caller == "anonymous":
        return 401
    if rule.role == "admin":
        return 200 if caller == "admin" else 403
    if caller == "admin":
        return 200
    if rule.project is not None:  # the probe request names the project every way
        if which == "other" or caller == "outsider":
            return 404
        return 200 if rule.role == "user" or role_rank(caller) >= role_rank(rule.role) else 403
    if rule.role == "user":
        return 200
    best = 0 if caller == "outsider" else role_rank(caller)
    return 200 if best >= role_rank(rule.role) else 403


def probe_request(key: str, res: Resources) -> tuple[str, str, dict, dict]:
    method, template = key.split(" ", 1)
    values = {
        "project": res.project,
        "job_id": res.job,
        "insight_id": res.insight,
        "conversation_id": res.conversation,
        "feedback_id": res.feedback,
        "dataset": res.dataset,
        "version": res.version,
        "run_id": res.test_run if "/testing/" in template else res.version,
        "design_id": res.design,
        "evaluation_id": res.evaluation,
        "name": "kinds.png",
        "user": "victim",
        "token_id": 1,
        "task": "chat",
    }
    path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(values[m.group(1)]), template)
    query = {
        "project_id": res.project,
        "project": res.project,
        "a": res.evaluation,
        "b": res.evaluation,
    }
    body = {
        "project": res.project,
        "project_id": res.project,
        "projects": [res.project],
        "name": res.project,
        "conversation_id": res.conversation,
        "message_id": res.message,
        "dataset": res.dataset,
        "suite": res.dataset,
        "design_id": res.design,
    }
    return method, path, query, body


@pytest.fixture(scope="module")
def world_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World]]:
    from devlab.config import load_settings

    settings = load_settings(home=tmp_path_factory.mktemp("matrix") / "home")
    db = Database(settings)
    world = build_world(db)
    db.close()
    for hostport in serve_in_thread(settings, permission_probe=True):
        yield f"http://{hostport}", world


@pytest.mark.slow
def test_permission_matrix(world_server: tuple[str, World], sqlite_settings: Settings) -> None:
    base, world = world_server
    assert world.own is not None and world.other is not None
    failures, checked = [], 0
    keys = [k for k in route_keys(sqlite_settings) if not k.startswith("WS ")]
    with httpx.Client(base_url=base, timeout=30) as client:
        for key in keys:
            rule = RULES[key]
            if rule.role == "public":
                continue  # no check to probe (login, health, the page)
            for which, res in (("own", world.own), ("other", world.other)):
                method, path, query, body = probe_request(key, res)
                for caller in CALLERS:
                    headers = {"X-DevLab-Probe": "1"}
                    if caller != "anonymous":
                        headers["Authorization"] = f"Bearer {world.tokens[caller]}"
                    send = {"json": body} if method not in ("GET", "HEAD") else {}
                    resp = client.request(method, path, params=query, headers=headers, **send)
                    want = expected(rule, caller, which)
                    checked += 1
                    if resp.status_code != want:
                        failures.append(
                            f"{key} as {caller} on {which}: {resp.status_code} "
                            f"(want {want}) {resp.text[:160]}"
                        )
                    elif want == 403 and rule.role not in ("admin", "user"):
                        assert rule.role in resp.json()["error"], resp.text  # names the role
    assert checked > 500
    assert not failures, "\n".join(failures)
