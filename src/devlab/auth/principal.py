"""Who is calling: the principal a request acts for, and how it was resolved from a
bearer token, a session cookie, or (with no accounts yet) the single local user."""

from __future__ import annotations

from devlab.auth.errors import Unauthorized
from devlab.auth.sessions import find_session
from devlab.auth.tokens import verify_token
from devlab.auth.users import get_user, roles_of, users_exist
from devlab.store import Database
from devlab.webtools import LOCAL_NAME, Principal, local_principal


class Accounts:
    """Answers "do any accounts exist?" once it is true (accounts are never deleted,
    only disabled), so the open single-user mode costs one query per request until then."""

    def __init__(self) -> None:
        self._exist = False

    def exist(self, db: Database) -> bool:
        if not self._exist:
            self._exist = users_exist(db)
        return self._exist


def resolve_principal(
    db: Database,
    accounts: Accounts,
    *,
    authorization: str | None,
    cookie: str | None,
    open_local: bool,
) -> Principal:
    """The caller of a request, from its ``Authorization`` header or session cookie.
    Without either: the local single user while no account exists and the server is
    on loopback (``open_local``); otherwise ``Unauthorized``."""
    if authorization:
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() != "bearer" or not credential.strip():
            raise Unauthorized("send 'Authorization: Bearer <API token>'")
        user_id, token_id, scopes = verify_token(db, credential.strip())
        return _user_principal(db, user_id, via="token", token_id=token_id, scopes=scopes)
    if cookie:
        session = find_session(db, cookie)
        if session is not None:
            return _user_principal(db, session.user_id, via="session", csrf=session.csrf_token)
        raise Unauthorized("your session expired: sign in again")
    if open_local and not accounts.exist(db):
        return local_principal()
    raise Unauthorized(
        "sign in: send 'Authorization: Bearer <API token>' (create one with "
        "`devlab tokens create --user NAME`) or log in at POST /api/v1/devlab/auth/login"
    )


def _user_principal(
    db: Database,
    user_id: int,
    *,
    via: str,
    token_id: int | None = None,
    scopes: list[str] | None = None,
    csrf: str | None = None,
) -> Principal:
    user = get_user(db, user_id)
    if user is None or user.disabled:
        raise Unauthorized("this account is disabled")
    return Principal(
        name=user.name,
        user_id=user.id,
        is_admin=user.is_admin,
        via=via,
        token_id=token_id,
        scopes=tuple(scopes) if scopes is not None else None,
        csrf_token=csrf,
        roles=roles_of(db, user.id),
    )


__all__ = ["LOCAL_NAME", "Accounts", "Principal", "local_principal", "resolve_principal"]
