"""REST door of access control: sign-in, API tokens, users, project members, audit.

* ``POST /auth/login`` -> a session cookie (HttpOnly, SameSite=Strict, Secure on HTTPS)
  and the CSRF token to send as ``X-CSRF-Token``; ``POST /auth/logout``; ``GET /auth/me``;
* ``GET|POST /tokens``, ``DELETE /tokens/{id}``: the caller's own API tokens;
* ``GET|POST /users``, ``POST /users/{name}/disable|enable`` (admins);
* ``GET|PUT /projects/{project}/members``, ``DELETE .../members/{user}`` (maintainers);
* ``GET /audit`` (filtered), ``/audit/export`` (JSON lines), ``/audit/verify`` (admins).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, StreamingResponse

from devlab.auth import audit, tokens, users
from devlab.auth.errors import Unauthorized
from devlab.auth.guard import AccessState, client_ip
from devlab.auth.locate import project_id_of
from devlab.auth.models import (
    AuditCheck,
    AuditEvent,
    LoginAnswer,
    LoginRequest,
    Me,
    MemberInfo,
    MemberSet,
    NewToken,
    SignInMethods,
    TokenCreate,
    TokenInfo,
    UserCreate,
    UserInfo,
)
from devlab.auth.principal import Principal
from devlab.auth.retention import PurgeReport, purge
from devlab.auth.sessions import COOKIE, close_session, open_session
from devlab.errors import NotFound
from devlab.store import Project
from devlab.webtools import principal, workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab", tags=["access"])


def _audit(bench: Workbench, request: Request, who: Principal, action: str, **kw) -> None:  # type: ignore[no-untyped-def]
    audit.record(
        bench.db,
        action,
        actor=who.name,
        user_id=who.user_id,
        token_id=who.token_id,
        ip=client_ip(request),
        **kw,
    )


def _secure(request: Request, bench: Workbench) -> bool:
    mode = bench.settings.session_cookie_secure
    if mode != "auto":
        return mode == "always"
    return request.url.scheme == "https"


@router.post("/auth/login", response_model=LoginAnswer)
async def login(
    body: LoginRequest, request: Request, response: Response, bench: Workbench = Depends(workbench)
) -> LoginAnswer:
    """Sign in with a user name and password: sets the session cookie and answers the
    CSRF token. Wrong credentials: 401 (one message whatever was wrong); repeated
    failures: 429 with Retry-After."""
    state: AccessState = request.app.state.access
    ip = client_ip(request)
    await run_in_threadpool(state.logins.check, bench.db, body.name, ip)
    try:
        user = await run_in_threadpool(users.authenticate, bench.db, body.name, body.password)
    except Unauthorized:
        await run_in_threadpool(state.logins.failed, bench.db, body.name, ip)
        await run_in_threadpool(
            audit.record, bench.db, "login", actor=body.name[:100], ip=ip, outcome="denied"
        )
        raise
    await run_in_threadpool(state.logins.succeeded, bench.db, body.name)
    cookie, csrf = await run_in_threadpool(
        open_session, bench.db, user.id, bench.settings.session_hours
    )
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=int(bench.settings.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=_secure(request, bench),
        path="/",
    )
    await run_in_threadpool(
        audit.record, bench.db, "login", actor=user.name, user_id=user.id, ip=ip
    )
    return LoginAnswer(user=user, csrf_token=csrf)


@router.get("/auth/methods", response_model=SignInMethods)
def sign_in_methods(bench: Workbench = Depends(workbench)) -> SignInMethods:
    """How to sign in here, asked before signing in: passwords always, single sign-on when
    an OpenID Connect provider is configured (``oidc_issuer`` and ``oidc_client_id``)."""
    settings = bench.settings
    return SignInMethods(password=True, oidc=bool(settings.oidc_issuer and settings.oidc_client_id))


def _oidc(request: Request, bench: Workbench):  # type: ignore[no-untyped-def]
    from devlab.auth.oidc import OIDCClient

    if getattr(request.app.state, "oidc", None) is None:
        request.app.state.oidc = OIDCClient(bench.settings)
    return request.app.state.oidc


@router.get("/auth/oidc/login", status_code=302, response_class=RedirectResponse)
def oidc_login(request: Request, bench: Workbench = Depends(workbench)) -> RedirectResponse:
    """Single sign-on: redirects to the configured OpenID Connect provider (503 when
    none is configured)."""
    callback = str(request.url_for("oidc_callback"))
    url = _oidc(request, bench).start(bench.db, callback)
    return RedirectResponse(url, status_code=302)


@router.get("/auth/oidc/callback", response_class=RedirectResponse, name="oidc_callback")
def oidc_callback(
    request: Request,
    code: str = Query(..., max_length=4096),
    state: str = Query(..., max_length=200),
    bench: Workbench = Depends(workbench),
) -> RedirectResponse:
    """The provider's answer: checks it, opens a session (the cookie) and goes to the
    workbench; the page reads its CSRF token from GET /auth/me."""
    user = _oidc(request, bench).finish(bench.db, code, state)
    cookie, _ = open_session(bench.db, user.id, bench.settings.session_hours)
    audit.record(
        bench.db,
        "login",
        actor=user.name,
        user_id=user.id,
        ip=client_ip(request),
        detail={"via": "oidc"},
    )
    response = RedirectResponse("/", status_code=303)
    _set_cookie(response, request, bench, cookie)
    return response


def _set_cookie(response: Response, request: Request, bench: Workbench, cookie: str) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=int(bench.settings.session_hours * 3600),
        httponly=True,
        samesite="lax",  # the provider's redirect back is a cross-site navigation
        secure=_secure(request, bench),
        path="/",
    )


@router.post("/auth/logout", status_code=204)
def logout(request: Request, response: Response, bench: Workbench = Depends(workbench)) -> None:
    """End the session of the cookie (if any)."""
    cookie = request.cookies.get(COOKIE)
    if cookie:
        close_session(bench.db, cookie)
    response.delete_cookie(COOKIE, path="/")


@router.get("/auth/me", response_model=Me)
def me(who: Principal = Depends(principal), bench: Workbench = Depends(workbench)) -> Me:
    """Who you are and your role on each project you can see."""
    with bench.db.session() as s:
        names = {p.id: p.name for p in s.query(Project)}
    roles = (
        {name: "maintainer" for name in names.values()}
        if who.is_admin
        else {names[p]: r for p, r in who.roles.items() if p in names}
    )
    return Me(
        user=who.name,
        is_admin=who.is_admin,
        local=who.local,
        token_scopes=list(who.scopes) if who.scopes is not None else None,
        csrf_token=who.csrf_token,
        projects=roles,
    )


def _signed_in(who: Principal) -> int:
    if who.user_id is None:
        raise NotFound(
            "the local single user has no API tokens: create an admin first "
            "(`devlab users create-admin NAME`)"
        )
    return who.user_id


@router.get("/tokens", response_model=list[TokenInfo])
def my_tokens(
    who: Principal = Depends(principal), bench: Workbench = Depends(workbench)
) -> list[TokenInfo]:
    return tokens.list_tokens(bench.db, user_id=_signed_in(who))


@router.post("/tokens", response_model=NewToken, status_code=201)
def new_token(
    body: TokenCreate,
    request: Request,
    who: Principal = Depends(principal),
    bench: Workbench = Depends(workbench),
) -> NewToken:
    """A new API token for yourself; the secret is in this answer only."""
    _signed_in(who)
    made = tokens.create_token(
        bench.db,
        who.name,
        scopes=list(body.scopes),
        expires_days=body.expires_days,
        name=body.name,
    )
    _audit(bench, request, who, "token.create", target=f"token {made.id}")
    return made


@router.delete("/tokens/{token_id}", response_model=TokenInfo)
def drop_token(
    token_id: int,
    request: Request,
    who: Principal = Depends(principal),
    bench: Workbench = Depends(workbench),
) -> TokenInfo:
    """Revoke one of your tokens (admins: anyone's)."""
    owner = None if who.is_admin else _signed_in(who)
    info = tokens.revoke_token(bench.db, token_id, user_id=owner)
    _audit(bench, request, who, "token.revoke", target=f"token {token_id}")
    return info


@router.get("/users", response_model=list[UserInfo])
def all_users(bench: Workbench = Depends(workbench)) -> list[UserInfo]:
    return users.list_users(bench.db)


@router.post("/users", response_model=UserInfo, status_code=201)
def add_user(
    body: UserCreate,
    request: Request,
    who: Principal = Depends(principal),
    bench: Workbench = Depends(workbench),
) -> UserInfo:
    made = users.create_user(bench.db, body.name, body.password, is_admin=body.is_admin)
    _audit(bench, request, who, "user.create", target=made.name, detail={"admin": made.is_admin})
    return made


@router.post("/users/{name}/disable", response_model=UserInfo)
def disable_user(
    name: str,
    request: Request,
    who: Principal = Depends(principal),
    bench: Workbench = Depends(workbench),
) -> UserInfo:
    """Disable a user: their sessions and tokens stop working at once."""
    info = users.set_disabled(bench.db, name, True)
    _audit(bench, request, who, "user.disable", target=name)
    return info


@router.post("/users/{name}/enable", response_model=UserInfo)
def enable_user(
    name: str,
    request: Request,
    who: Principal = Depends(principal),
    bench: Workbench = Depends(workbench),
) -> UserInfo:
    info = users.set_disabled(bench.db, name, False)
    _audit(bench, request, who, "user.enable", target=name)
    return info


def _pid(bench: Workbench, project: str) -> int:
    pid = project_id_of(bench.db, project)
    if pid is None:
        raise NotFound(f"no project {project!r}")
    return pid


@router.get("/projects/{project}/members", response_model=list[MemberInfo])
def members(project: str, bench: Workbench = Depends(workbench)) -> list[MemberInfo]:
    return users.list_members(bench.db, _pid(bench, project))


@router.put("/projects/{project}/members", response_model=MemberInfo)
def set_member(
    project: str,
    body: MemberSet,
    request: Request,
    who: Principal = Depends(principal),
    bench: Workbench = Depends(workbench),
) -> MemberInfo:
    """Give a user a role on the project (maintainers)."""
    pid = _pid(bench, project)
    info = users.set_member(bench.db, pid, body.user, body.role)
    _audit(
        bench,
        request,
        who,
        "member.set",
        project_id=pid,
        target=body.user,
        detail={"role": body.role},
    )
    return info


@router.delete("/projects/{project}/members/{user}", status_code=204)
def remove_member(
    project: str,
    user: str,
    request: Request,
    who: Principal = Depends(principal),
    bench: Workbench = Depends(workbench),
) -> None:
    pid = _pid(bench, project)
    users.remove_member(bench.db, pid, user)
    _audit(bench, request, who, "member.remove", project_id=pid, target=user)


@router.post("/admin/purge", response_model=PurgeReport)
def purge_now(
    who: Principal = Depends(principal), bench: Workbench = Depends(workbench)
) -> PurgeReport:
    """Apply the retention policy now (a server also does it on a timer)."""
    return purge(bench.db, bench.settings, actor=who.name)


@router.get("/audit", response_model=list[AuditEvent])
def audit_events(
    action: str | None = Query(None, max_length=100),
    actor: str | None = Query(None, max_length=100),
    project: str | None = Query(None, description="project name or id"),
    since: datetime | None = Query(None, description="ISO time (UTC)"),
    after_id: int = Query(0, ge=0, le=2**62),
    limit: int = Query(100, ge=1, le=10_000),
    bench: Workbench = Depends(workbench),
) -> list[AuditEvent]:
    """Audit events, oldest first (page with ``after_id``)."""
    pid = _pid(bench, project) if project else None
    if since is not None and since.tzinfo is not None:
        since = since.astimezone(UTC).replace(tzinfo=None)
    return audit.list_events(
        bench.db,
        action=action,
        actor=actor,
        project_id=pid,
        since=since,
        limit=limit,
        after_id=after_id,
    )


@router.get("/audit/export")
def audit_export(bench: Workbench = Depends(workbench)) -> StreamingResponse:
    """The whole audit log as JSON lines, with each entry's hashes."""
    return StreamingResponse(
        audit.export_jsonl(bench.db),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="devlab-audit.jsonl"'},
    )


@router.get("/audit/verify", response_model=AuditCheck)
def audit_verify(bench: Workbench = Depends(workbench)) -> AuditCheck:
    """Recompute the hash chain: ``ok`` false names the first entry that was changed."""
    return audit.verify_chain(bench.db)


__all__ = ["router"]
