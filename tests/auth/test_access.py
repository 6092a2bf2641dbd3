"""Access control on a real server (uvicorn on loopback) over a real SQLite store:
sign-in with a session cookie and CSRF token, login throttling, API tokens (revoked,
expired, scoped), hidden projects (404), roles too low (403 naming the role), listings
filtered to the caller's projects, unknown body fields (422), rate limits (429)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update

from access_world import PASSWORD, World, build_world
from devlab.actor import set_current_user
from devlab.auth import tokens, users
from devlab.codebase.ingest import get_or_create_project
from devlab.config import load_settings
from devlab.store.db import Database
from devlab.store.models import ApiTokenRow, utcnow
from helpers import assert_error_shape, serve_in_thread

P = "/api/v1/devlab"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, World, Database]]:
    settings = load_settings(home=tmp_path_factory.mktemp("access") / "home")
    db = Database(settings)
    world = build_world(db)
    for hostport in serve_in_thread(settings):
        yield f"http://{hostport}", world, db
    db.close()


def bearer(world: World, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[who]}"}


def test_without_credentials_a_server_with_accounts_answers_401(served) -> None:
    base, _, _ = served
    resp = httpx.get(f"{base}{P}/projects")
    body = assert_error_shape(resp, 401)
    assert "Bearer" in body["error"] and resp.headers["www-authenticate"].startswith("Bearer")
    assert httpx.get(f"{base}/api/v1/health").status_code == 200  # public
    bad = httpx.get(f"{base}{P}/projects", headers={"Authorization": "Bearer dlt_1_nope"})
    assert_error_shape(bad, 401)


def test_login_session_cookie_and_csrf(served) -> None:
    base, _, _ = served
    with httpx.Client(base_url=base) as client:
        wrong = client.post(f"{P}/auth/login", json={"name": "viewer", "password": "nope-nope"})
        assert_error_shape(wrong, 401)
        ok = client.post(f"{P}/auth/login", json={"name": "developer", "password": PASSWORD})
        assert ok.status_code == 200, ok.text
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        csrf = ok.json()["csrf_token"]
        me = client.get(f"{P}/auth/me").json()
        assert me["user"] == "developer" and me["projects"] == {"own": "developer"}
        # a state-changing request by cookie needs the CSRF token
        body = {"project": "own", "code": "x = 1", "language": "python"}
        denied = client.post(f"{P}/reverse/detect-vulnerabilities", json=body)
        assert_error_shape(denied, 403)
        assert "CSRF" in denied.json()["error"]
        allowed = client.post(
            f"{P}/reverse/detect-vulnerabilities",
            json={"code": "x = 1", "language": "python"},
            headers={"X-CSRF-Token": csrf},
        )
        assert allowed.status_code == 200, allowed.text
        client.post(f"{P}/auth/logout")
        assert_error_shape(client.get(f"{P}/auth/me"), 401)


def test_login_is_throttled_after_repeated_failures(served) -> None:
    base, _, _ = served
    for _ in range(5):
        wrong = httpx.post(f"{base}{P}/auth/login", json={"name": "victim", "password": "x" * 9})
        assert wrong.status_code == 401
    blocked = httpx.post(f"{base}{P}/auth/login", json={"name": "victim", "password": PASSWORD})
    assert_error_shape(blocked, 429)
    assert int(blocked.headers["retry-after"]) >= 1


def test_revoked_expired_and_scoped_tokens(served) -> None:
    base, _, db = served
    made = tokens.create_token(db, "maintainer", scopes=["read"])
    headers = {"Authorization": f"Bearer {made.token}"}
    assert httpx.get(f"{base}{P}/projects", headers=headers).status_code == 200
    write = httpx.post(f"{base}{P}/search", json={"project": "own", "query": "x"}, headers=headers)
    assert_error_shape(write, 403)
    assert "'write' scope" in write.json()["error"]
    with db.session() as s:
        s.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == made.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    expired = httpx.get(f"{base}{P}/projects", headers=headers)
    assert_error_shape(expired, 401)
    assert "expired" in expired.json()["error"]
    other = tokens.create_token(db, "maintainer")
    tokens.revoke_token(db, other.id)
    revoked = httpx.get(f"{base}{P}/projects", headers={"Authorization": f"Bearer {other.token}"})
    assert "revoked" in assert_error_shape(revoked, 401)["error"]


def test_hidden_projects_answer_404_and_low_roles_403(served) -> None:
    base, world, _ = served
    hidden = httpx.get(f"{base}{P}/projects/other", headers=bearer(world, "maintainer"))
    missing = httpx.get(f"{base}{P}/projects/no-such", headers=bearer(world, "maintainer"))
    assert_error_shape(hidden, 404)
    assert hidden.json()["error"].replace("other", "X") == missing.json()["error"].replace(
        "no-such", "X"
    )  # the same answer: nothing tells a hidden project from a missing one
    low = httpx.post(
        f"{base}{P}/generate/fix",
        json={"project": "own", "code": "x", "error": "e"},
        headers=bearer(world, "viewer"),
    )
    assert "developer role" in assert_error_shape(low, 403)["error"]
    job = httpx.get(f"{base}{P}/jobs/{world.other.job}", headers=bearer(world, "developer"))
    assert_error_shape(job, 404)


def test_listings_hold_only_the_callers_projects(served) -> None:
    base, world, _ = served
    names = [
        p["name"] for p in httpx.get(f"{base}{P}/projects", headers=bearer(world, "viewer")).json()
    ]
    assert names == ["own"]
    assert httpx.get(f"{base}{P}/projects", headers=bearer(world, "outsider")).json() == []
    jobs = httpx.get(f"{base}{P}/jobs", headers=bearer(world, "viewer")).json()
    assert [j["id"] for j in jobs] == [world.own.job]
    admin_jobs = httpx.get(f"{base}{P}/jobs", headers=bearer(world, "admin")).json()
    assert {j["id"] for j in admin_jobs} >= {world.own.job, world.other.job}
    convs = httpx.get(f"{base}{P}/companion/conversations", headers=bearer(world, "viewer"))
    assert [c["id"] for c in convs.json()] == [world.own.conversation]
    datasets = httpx.get(f"{base}{P}/datasets", headers=bearer(world, "developer")).json()
    assert [d["name"] for d in datasets] == [world.own.dataset]
    models = httpx.get(f"{base}{P}/models", headers=bearer(world, "developer")).json()
    assert [m["tag"] for m in models] == [world.own.version]
    feedback = httpx.get(f"{base}{P}/feedback", headers=bearer(world, "viewer")).json()
    assert [f["id"] for f in feedback] == [world.own.feedback]


def test_unknown_body_fields_are_422_naming_them(served) -> None:
    base, world, _ = served
    resp = httpx.post(
        f"{base}{P}/search",
        json={"project": "own", "query": "cart", "bogus": 1, "limitt": 3},
        headers=bearer(world, "viewer"),
    )
    body = assert_error_shape(resp, 422)
    assert body["detail"]["unknown_fields"] == ["bogus", "limitt"]
    assert "bogus" in body["error"]


def test_members_are_managed_by_maintainers_and_audited(served) -> None:
    base, world, _ = served
    put = httpx.put(
        f"{base}{P}/projects/own/members",
        json={"user": "outsider", "role": "viewer"},
        headers=bearer(world, "developer"),
    )
    assert "maintainer role" in assert_error_shape(put, 403)["error"]
    put = httpx.put(
        f"{base}{P}/projects/own/members",
        json={"user": "victim", "role": "viewer"},
        headers=bearer(world, "maintainer"),
    )
    assert put.status_code == 200, put.text
    events = httpx.get(
        f"{base}{P}/audit", params={"action": "member.set"}, headers=bearer(world, "admin")
    ).json()
    assert events[-1]["actor"] == "maintainer" and events[-1]["target"] == "victim"
    assert_error_shape(httpx.get(f"{base}{P}/audit", headers=bearer(world, "maintainer")), 403)
    check = httpx.get(f"{base}{P}/audit/verify", headers=bearer(world, "admin")).json()
    assert check["ok"] is True and check["events"] >= 2
    export = httpx.get(f"{base}{P}/audit/export", headers=bearer(world, "admin"))
    assert export.headers["content-type"].startswith("application/x-ndjson")
    assert len(export.text.splitlines()) == check["events"]


def test_a_disabled_user_is_locked_out_at_once(served) -> None:
    base, world, db = served
    made = tokens.create_token(db, "victim")
    headers = {"Authorization": f"Bearer {made.token}"}
    assert httpx.get(f"{base}{P}/auth/me", headers=headers).status_code == 200
    resp = httpx.post(f"{base}{P}/users/victim/disable", headers=bearer(world, "admin"))
    assert resp.status_code == 200 and resp.json()["disabled"] is True
    assert_error_shape(httpx.get(f"{base}{P}/auth/me", headers=headers), 401)
    users.set_disabled(db, "victim", False)


def test_new_project_of_a_signed_in_user_is_theirs(sqlite_settings) -> None:
    db = Database(sqlite_settings)
    try:
        alice = users.create_user(db, "alice", PASSWORD)
        set_current_user(alice.id)
        pid = get_or_create_project(db, "alices", "/src")
        set_current_user(None)
        assert users.roles_of(db, alice.id) == {pid: "maintainer"}
    finally:
        db.close()


@pytest.mark.slow
def test_rate_limit_answers_429_with_retry_after(tmp_path) -> None:
    settings = load_settings(home=tmp_path / "home", rate_limit_requests_per_minute=3)
    db = Database(settings)
    users.create_user(db, "bob", PASSWORD)
    token = tokens.create_token(db, "bob").token
    second = tokens.create_token(db, "bob").token
    db.close()
    for hostport in serve_in_thread(settings):
        headers = {"Authorization": f"Bearer {token}"}
        codes = [
            httpx.get(f"http://{hostport}{P}/projects", headers=headers).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        last = httpx.get(f"http://{hostport}{P}/projects", headers=headers)
        assert 1 <= int(last.headers["retry-after"]) <= 61  # a 60th of the window: its buckets
        # per user too: bob's other token shares bob's window, already used up
        other = httpx.get(
            f"http://{hostport}{P}/projects", headers={"Authorization": f"Bearer {second}"}
        )
        assert_error_shape(other, 429)


@pytest.mark.slow
def test_no_accounts_and_not_loopback_refuses_anonymous_requests(tmp_path) -> None:
    settings = load_settings(home=tmp_path / "home")
    for hostport in serve_in_thread(settings, open_local=False):
        assert_error_shape(httpx.get(f"http://{hostport}{P}/projects"), 401)
    for hostport in serve_in_thread(settings):  # loopback: the single local user
        me = httpx.get(f"http://{hostport}{P}/auth/me").json()
        assert me["local"] is True and me["is_admin"] is True


def test_chat_stream_checks_the_project_its_message_names(served) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    base, world, _ = served
    url = base.replace("http://", "ws://") + f"{P}/companion/stream"
    with pytest.raises(InvalidStatus) as refused:  # no role anywhere: refused at handshake
        connect(url, additional_headers=bearer(world, "outsider"))
    assert refused.value.response.status_code == 403
    for message in (
        {"message": "hi", "project": "other"},
        {"message": "hi", "conversation_id": world.other.conversation},
    ):
        with connect(url, additional_headers=bearer(world, "viewer")) as ws:
            ws.send(json.dumps(message))
            frame = json.loads(ws.recv(timeout=30))
        assert frame["type"] == "error" and frame["status"] == 404, frame


def test_uploads_and_big_bodies_cannot_slip_past_the_project_check(served) -> None:
    import io
    import zipfile

    base, world, _ = served
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.py", "x = 1\n")
    # no 'name': the route would name the project after the file, so the check does too
    resp = httpx.post(
        f"{base}{P}/reverse/analyze",
        files={"file": ("own.zip", buf.getvalue(), "application/zip")},
        headers=bearer(world, "outsider"),
    )
    assert_error_shape(resp, 404)
    big = b'{"project": "other", "query": "' + b"x" * (5 * 1024 * 1024) + b'"}'
    resp = httpx.post(
        f"{base}{P}/search",
        content=big,
        headers={**bearer(world, "viewer"), "Content-Type": "application/json"},
    )
    assert_error_shape(resp, 413)

    def chunks():  # no Content-Length: chunked transfer
        yield b'{"project": "other", "query": "x"}'

    resp = httpx.post(
        f"{base}{P}/search",
        content=chunks(),
        headers={**bearer(world, "viewer"), "Content-Type": "application/json"},
    )
    assert_error_shape(resp, 411)
