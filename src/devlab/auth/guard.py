"""The access check every route passes through (an app-wide FastAPI dependency).

For the route a request matched it reads the rule (``auth.rules.RULES``), resolves the
caller (token, session cookie, or the local single user), checks a token's scopes and a
session's CSRF token, applies the rate limits, finds the projects the request touches
and the caller's role on each (404 for a project the caller cannot see, 403 naming the
role needed), rejects unknown body fields (422 naming them), and appends state-changing
requests to the audit log once they are answered.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi import FastAPI
from starlette.requests import HTTPConnection, Request

from devlab.actor import (
    RequestMeter,
    set_current_user,
    start_meter,
    use_job_report,
    use_model_meter,
    use_sandbox_meter,
)
from devlab.auth import audit
from devlab.auth.errors import Forbidden, TooManyRequests
from devlab.auth.fields import unknown_fields
from devlab.auth.limits import LoginThrottle, SlidingWindow
from devlab.auth.locate import Where
from devlab.auth.models import role_rank
from devlab.auth.principal import Accounts, resolve_principal
from devlab.auth.routetable import iter_routes
from devlab.auth.rules import RULES, Rule
from devlab.auth.sessions import COOKIE, csrf_ok
from devlab.errors import DevLabError, InvalidInput, NotFound
from devlab.progress import QuotaUsedUp
from devlab.webtools import Principal, principal
from devlab.workbench import Workbench

PROBE_HEADER = "x-devlab-probe"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_PEEK_BYTES = 4 * 1024 * 1024  # bodies larger than this are not read for locating


@dataclass
class AccessState:
    """Per-app state of the access check (on ``app.state.access``)."""

    open_local: bool
    requests: SlidingWindow
    sandbox_seconds: SlidingWindow
    model_tokens: SlidingWindow
    logins: LoginThrottle
    project_sandbox: SlidingWindow = field(default_factory=lambda: SlidingWindow("psbx", 0, 86400))
    storage_quota_mb: int = 0
    accounts: Accounts = field(default_factory=Accounts)
    # answer PROBE_HEADER requests right after the access check (the permission matrix)
    probe: bool = False
    _keys: dict[tuple[Any, str], str] | None = None

    def key_for(self, app: FastAPI, endpoint: Callable[..., Any], method: str) -> str | None:
        if self._keys is None:
            keys: dict[tuple[Any, str], str] = {}
            for key, ep in iter_routes(app):
                keys[(ep, key.split(" ", 1)[0])] = key
            self._keys = keys
        return self._keys.get((endpoint, method))


class LengthRequired(DevLabError):
    status_code = 411
    exit_code = 2


class BodyTooLarge(DevLabError):
    status_code = 413
    exit_code = 2


class ProbeAllowed(DevLabError):
    """A probe request passed the access check (the route did not run)."""

    status_code = 200


def access_state(settings: Any, *, open_local: bool, probe: bool = False) -> AccessState:
    return AccessState(
        open_local=open_local,
        probe=probe,
        requests=SlidingWindow("req", settings.rate_limit_requests_per_minute),
        sandbox_seconds=SlidingWindow("sbx", settings.rate_limit_sandbox_seconds_per_minute),
        model_tokens=SlidingWindow("tok", settings.rate_limit_model_tokens_per_minute),
        logins=LoginThrottle(settings.login_max_failures),
        project_sandbox=SlidingWindow(
            "psbx", settings.quota_project_sandbox_seconds_per_day, 86400
        ),
        storage_quota_mb=settings.quota_project_storage_mb,
    )


def client_ip(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else ""


async def _peek_body(conn: HTTPConnection) -> dict[str, Any] | None:
    """The body as a dict (JSON, or a form's text fields and file names), read before
    the route so that the projects it names are checked. A body that cannot be read
    that way is refused rather than let through unchecked."""
    if not isinstance(conn, Request) or conn.method in READ_METHODS:
        return None
    kind = conn.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        form = await conn.form()  # the route reads the same parsed form
        data: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str):
                data[key] = value
            else:
                data[f"__file__:{key}"] = getattr(value, "filename", None) or ""
        return data
    length = conn.headers.get("content-length", "")
    if not length.isdigit():
        if conn.headers.get("transfer-encoding"):
            raise LengthRequired("send the request body with a Content-Length header")
        return None  # no body
    if int(length) > BODY_PEEK_BYTES:
        raise BodyTooLarge(f"request body of {length} bytes; the maximum is {BODY_PEEK_BYTES}")
    try:
        data = json.loads(await conn.body() or b"null")
    except ValueError:
        return None  # the route answers the broken body
    return data if isinstance(data, dict) else None


def _check_scope(who: Principal, rule: Rule, method: str) -> None:
    if who.scopes is None:
        return
    needed = "admin" if rule.role == "admin" else ("read" if method in READ_METHODS else "write")
    if needed not in who.scopes:
        raise Forbidden(
            f"this API token lacks the '{needed}' scope (it has {', '.join(who.scopes)})"
        )


def _check_role(who: Principal, rule: Rule, projects: list[int] | None) -> None:
    if rule.role in ("public", "user"):
        return
    if rule.role == "admin":
        if not who.is_admin:
            raise Forbidden("this needs an instance admin")
        return
    needed = role_rank(rule.role)
    if projects is None:
        if who.best_rank() < needed:
            raise Forbidden(f"this needs the {rule.role} role on a project")
        return
    for pid in projects:
        have = who.role_on(pid)
        if role_rank(have) < needed:
            raise Forbidden(
                f"this needs the {rule.role} role on project {pid} (you have {have or 'none'})"
            )


def _authorize(
    bench: Workbench,
    state: AccessState,
    conn: HTTPConnection,
    rule: Rule,
    method: str,
    body: dict[str, Any] | None,
) -> tuple[Principal, list[int] | None]:
    """The blocking part of the check (database look-ups), run in a worker thread."""
    who = resolve_principal(
        bench.db,
        state.accounts,
        authorization=conn.headers.get("authorization"),
        cookie=conn.cookies.get(COOKIE),
        open_local=state.open_local,
    )
    _check_scope(who, rule, method)
    state_changing = method not in READ_METHODS and method != "WS"
    if (
        who.via == "session"
        and state_changing
        and not csrf_ok(who, conn.headers.get("x-csrf-token"))
    ):
        raise Forbidden("missing or wrong X-CSRF-Token header (from the login answer)")
    if not who.local:
        # one round trip: count the request, and refuse while a used-up limit waits
        for key in limit_keys(who):  # the token's own limits, then its user's
            also = [(state.model_tokens, key, "model tokens")]
            if rule.meter == "sandbox":
                also.insert(0, (state.sandbox_seconds, key, "sandbox seconds"))
            state.requests.take(bench.db, key, 1, "requests", also=also)
    where = Where(
        db=bench.db,
        who=who,
        path=dict(conn.path_params),
        query=dict(conn.query_params),
        body=body,
    )
    try:
        projects = rule.project(where) if rule.project is not None else None
    except NotFound:
        if not who.is_admin:
            raise
        projects = []  # nothing is hidden from an admin: the route answers (422, 404)
    _check_role(who, rule, projects)
    _check_quotas(bench, state, rule, projects)
    return who, projects


def limit_keys(who: Principal) -> list[str]:
    """The rate-limit windows a caller spends from: its own (a token's, or a signed-in
    user's), and for a token also its user's, so limits hold per token and per user
    (a user with five tokens does not get five times the user's limits)."""
    keys = [who.key]
    if who.token_id and who.user_id:
        keys.append(f"user:{who.user_id}")
    return keys


def _check_quotas(
    bench: Workbench, state: AccessState, rule: Rule, projects: list[int] | None
) -> None:
    """Per-project quotas: sandbox seconds a day (metered routes) and stored source
    (routes that ingest into an existing project)."""
    for pid in projects or []:
        if rule.meter == "sandbox":
            wait = state.project_sandbox.retry_after(bench.db, f"project:{pid}", 0)
            if wait:
                raise TooManyRequests(
                    f"project {pid} used its {state.project_sandbox.limit:g} sandbox seconds "
                    f"of the day (quota_project_sandbox_seconds_per_day); retry in {wait} s",
                    retry_after=wait,
                )
        if rule.meter == "ingest" and state.storage_quota_mb:
            used = project_storage_mb(bench, pid)
            if used >= state.storage_quota_mb:
                raise QuotaExceeded(
                    f"project {pid} stores {used:.1f} MB of source, its quota is "
                    f"{state.storage_quota_mb} MB (quota_project_storage_mb): remove "
                    "snapshots or ask an admin for more"
                )


class QuotaExceeded(DevLabError):
    status_code = 413
    exit_code = 2


def project_storage_mb(bench: Workbench, project_id: int) -> float:
    """The project's stored source: the sizes of all its file versions."""
    from sqlalchemy import func, select

    from devlab.store import FileVersion

    with bench.db.session() as s:
        total = s.scalar(
            select(func.coalesce(func.sum(FileVersion.size), 0)).where(
                FileVersion.project_id == project_id
            )
        )
    return float(total or 0) / 1e6


def sandbox_charge(
    bench: Workbench, state: AccessState, who: Principal, projects: list[int] | None
) -> Callable[[float], None] | None:
    """What a sandbox run started by this request (or by a job it starts) costs: its
    measured seconds go to the caller's per-minute window and to each project's daily
    quota, in the shared counter table. None when neither is limited."""
    user_limited = not who.local and state.sandbox_seconds.limit > 0
    quota_keys = [f"project:{pid}" for pid in projects or []]
    if state.project_sandbox.limit <= 0:
        quota_keys = []
    if not user_limited and not quota_keys:
        return None

    def charge(seconds: float) -> None:
        if user_limited:
            for k in limit_keys(who):
                state.sandbox_seconds.add(bench.db, k, seconds)
        for key in quota_keys:
            state.project_sandbox.add(bench.db, key, seconds)

    return charge


def sandbox_budget(
    bench: Workbench, state: AccessState, who: Principal, projects: list[int] | None
) -> Callable[[], None] | None:
    """Asked before each sandbox run inside a job this request starts: raises
    ``QuotaUsedUp`` once the caller's per-minute sandbox window or a touched project's
    daily quota is used up, so a long job stops instead of running past them."""
    user_limited = not who.local and state.sandbox_seconds.limit > 0
    quota_keys = [f"project:{pid}" for pid in projects or []] if state.project_sandbox.limit else []
    if not user_limited and not quota_keys:
        return None

    def check() -> None:
        if user_limited:
            keys = limit_keys(who)
            wait = max(state.sandbox_seconds.retry_after(bench.db, k, 0) for k in keys)
            if wait:
                raise QuotaUsedUp(
                    f"sandbox time used up: {state.sandbox_seconds.limit:g} s a minute "
                    f"(rate_limit_sandbox_seconds_per_minute); run again in {wait} s"
                )
        for key in quota_keys:
            wait = state.project_sandbox.retry_after(bench.db, key, 0)
            if wait:
                raise QuotaUsedUp(
                    f"sandbox time quota used up: {key.replace(':', ' ')} used its "
                    f"{state.project_sandbox.limit:g} s of the day "
                    f"(quota_project_sandbox_seconds_per_day); run again in {wait} s"
                )

    return check


def model_meter(
    bench: Workbench, state: AccessState, who: Principal
) -> tuple[Callable[[float], None] | None, Callable[[], None] | None]:
    """``(charge, budget)`` for model tokens: every call of the request and of its jobs
    is charged at once to the caller's per-minute window; inside a job, a call is
    refused (``QuotaUsedUp``) while the window is used up."""
    if who.local or state.model_tokens.limit <= 0:
        return None, None

    def charge(tokens: float) -> None:
        for k in limit_keys(who):
            state.model_tokens.add(bench.db, k, tokens)

    def check() -> None:
        wait = max(state.model_tokens.retry_after(bench.db, k, 0) for k in limit_keys(who))
        if wait:
            raise QuotaUsedUp(
                f"model tokens used up: {state.model_tokens.limit:g} a minute "
                f"(rate_limit_model_tokens_per_minute); run again in {wait} s"
            )

    return charge, check


def _usage_detail(meter: Any, **first: Any) -> dict[str, Any]:
    """An audit entry's detail for what a request or job spent (sandbox seconds, the
    first 20 model calls and the tokens), after the fields given."""
    detail: dict[str, Any] = dict(first)
    if meter.sandbox_seconds:
        detail["sandbox_seconds"] = round(meter.sandbox_seconds, 3)
    if meter.model_calls:
        detail["model_calls"] = meter.model_calls[:20]
        detail["model_tokens"] = meter.tokens
    return detail


def job_report(
    bench: Workbench, who: Principal, projects: list[int] | None
) -> Callable[[str, str, RequestMeter], None]:
    """Audits what a job started by this request spent (model calls with provider,
    model and tokens; sandbox seconds), charged to the same user, token and project."""

    def report(job_id: str, status: str, meter: RequestMeter) -> None:
        if not meter.model_calls and not meter.sandbox_seconds:
            return
        detail = _usage_detail(meter, status=status)
        audit.record(
            bench.db,
            "job.usage",
            actor=who.name,
            user_id=who.user_id,
            token_id=who.token_id,
            project_id=projects[0] if projects else None,
            target=f"job:{job_id}",
            outcome="ok" if status == "succeeded" else status,
            detail=detail,
        )

    return report


async def guard(conn: HTTPConnection) -> AsyncIterator[None]:
    """The app-wide dependency: check, run the route, then meter and audit it."""
    app: FastAPI = conn.app
    state: AccessState = app.state.access
    method = conn.scope.get("method", "WS") if conn.scope["type"] == "http" else "WS"
    endpoint = getattr(conn.scope.get("route"), "endpoint", None)
    key = state.key_for(app, endpoint, method) if endpoint else None
    rule = RULES.get(key or "")
    if rule is None:
        raise Forbidden(f"route {key or conn.url.path} has no access rule (fail closed)")
    if rule.role == "public":
        yield
        return
    bench: Workbench = app.state.workbench
    body = await _peek_body(conn)
    who, projects = await anyio.to_thread.run_sync(
        _authorize, bench, state, conn, rule, method, body
    )
    conn.state.principal = who
    set_current_user(who.user_id)
    use_sandbox_meter(
        sandbox_charge(bench, state, who, projects), sandbox_budget(bench, state, who, projects)
    )
    use_model_meter(*model_meter(bench, state, who))
    use_job_report(job_report(bench, who, projects))
    if state.probe and conn.headers.get(PROBE_HEADER) == "1":
        raise ProbeAllowed("allowed")
    if body is not None and endpoint is not None:
        extra = unknown_fields(endpoint, body)
        if extra:
            raise InvalidInput(
                f"unknown field(s) {', '.join(extra)}: remove them or check their spelling",
                detail={"unknown_fields": extra},
            )
    meter, started, outcome = start_meter(), time.monotonic(), "ok"
    try:
        yield
    except BaseException as exc:
        outcome = f"error:{getattr(exc, 'status_code', 500)}"
        raise
    finally:
        seconds = time.monotonic() - started  # model tokens: charged per call (model_meter)
        # state-changing work, model calls and exports are audited; other reads not
        changing = method not in READ_METHODS and rule.role not in ("viewer", "user")
        exported = (key or "").endswith("/export")  # a dataset or the audit log taken away
        if changing or exported or meter.model_calls or method in ("PUT", "PATCH", "DELETE"):
            await anyio.to_thread.run_sync(
                _audit_request, bench, conn, who, key or "", projects, outcome, meter, seconds
            )


def _audit_request(
    bench: Workbench,
    conn: HTTPConnection,
    who: Principal,
    key: str,
    projects: list[int] | None,
    outcome: str,
    meter: Any,
    seconds: float,
) -> None:
    detail = _usage_detail(meter, seconds=round(seconds, 3))
    audit.record(
        bench.db,
        key,
        actor=who.name,
        user_id=who.user_id,
        token_id=who.token_id,
        project_id=projects[0] if projects else None,
        target=conn.url.path,
        ip=client_ip(conn),
        outcome=outcome,
        detail=detail,
    )


async def authorize_message(conn: HTTPConnection, key: str, body: dict[str, Any]) -> None:
    """Check a websocket's first message against ``MESSAGE_RULES[key]`` (the projects
    it names), as the guard checks an HTTP body; raises 404 / 403 like it."""
    from devlab.auth.rules import MESSAGE_RULES

    rule, who = MESSAGE_RULES[key], principal(conn)
    bench: Workbench = conn.app.state.workbench

    def check() -> None:
        where = Where(bench.db, who, dict(conn.path_params), dict(conn.query_params), body)
        try:
            projects = rule.project(where) if rule.project is not None else None
        except NotFound:
            if not who.is_admin:
                raise
            projects = []
        _check_role(who, rule, projects)

    await anyio.to_thread.run_sync(check)


__all__ = [
    "AccessState",
    "access_state",
    "authorize_message",
    "client_ip",
    "guard",
]
