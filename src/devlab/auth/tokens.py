"""Personal API tokens: ``dlt_<id>_<secret>``, 256 random bits; only SHA-256 of the
token is stored (a high-entropy secret needs no slow hash), compared in constant time.
Scopes: ``read`` (GET), ``write`` (state-changing calls), ``admin`` (admin routes, for
an admin's token)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select

from devlab.apitypes import numeric_id
from devlab.auth.errors import Unauthorized
from devlab.auth.models import SCOPES, NewToken, TokenInfo
from devlab.errors import InvalidInput, NotFound
from devlab.store import ApiTokenRow, Database, UserRow, utcnow

PREFIX = "dlt_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _info(row: ApiTokenRow, user: str) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        user=user,
        name=row.name,
        scopes=list(row.scopes),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def create_token(
    db: Database,
    user_name: str,
    *,
    scopes: list[str] | None = None,
    expires_days: int | None = 90,
    name: str = "",
) -> NewToken:
    """A new token for ``user_name``; the secret is in the answer and nowhere else."""
    scopes = list(dict.fromkeys(scopes or ["read", "write"]))
    bad = [s for s in scopes if s not in SCOPES]
    if bad:
        raise InvalidInput(f"unknown scope(s) {', '.join(bad)}: use {', '.join(SCOPES)}")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise InvalidInput("expires must be between 1 and 3650 days (or never)")
    with db.session() as s:
        user = s.scalar(select(UserRow).where(UserRow.name == user_name))
        if user is None:
            raise NotFound(f"no user {user_name!r}: list users with `devlab users list`")
        if "admin" in scopes and not user.is_admin:
            raise InvalidInput(f"user {user_name!r} is not an admin: drop the 'admin' scope")
        expires = utcnow() + timedelta(days=expires_days) if expires_days else None
        row = ApiTokenRow(
            user_id=user.id, name=name, token_hash="", scopes=scopes, expires_at=expires
        )
        s.add(row)
        s.flush()
        token = f"{PREFIX}{row.id}_{secrets.token_urlsafe(32)}"
        row.token_hash = _digest(token)
        s.flush()
        return NewToken(**_info(row, user.name).model_dump(), token=token)


def verify_token(db: Database, token: str) -> tuple[int, int, list[str]]:
    """(user id, token id, scopes) for a valid token; ``Unauthorized`` when it is
    malformed, unknown, revoked, expired, or its user is disabled."""
    if not token.startswith(PREFIX) or len(token) > 200:
        raise Unauthorized("invalid API token")
    token_id, _, _secret = token[len(PREFIX) :].partition("_")
    if numeric_id(token_id) is None:
        raise Unauthorized("invalid API token")
    with db.session() as s:
        row = s.get(ApiTokenRow, int(token_id))
        expected = row.token_hash if row else _digest("none")
        if not hmac.compare_digest(expected, _digest(token)) or row is None:
            raise Unauthorized("invalid API token")
        if row.revoked_at is not None:
            raise Unauthorized("this API token was revoked")
        now = utcnow()
        if row.expires_at is not None and row.expires_at <= now:
            raise Unauthorized("this API token expired: create a new one")
        user = s.get(UserRow, row.user_id)
        if user is None or user.disabled:
            raise Unauthorized("the user of this API token is disabled")
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            row.last_used_at = now  # at most one write a minute per token
        return row.user_id, row.id, list(row.scopes)


def revoke_token(db: Database, token_id: int, *, user_id: int | None = None) -> TokenInfo:
    """Revoke a token (only the owner's, when ``user_id`` is given)."""
    with db.session() as s:
        row = s.get(ApiTokenRow, token_id)
        if row is None or (user_id is not None and row.user_id != user_id):
            raise NotFound(f"no API token {token_id}")
        if row.revoked_at is None:
            row.revoked_at = utcnow()
        user = s.get(UserRow, row.user_id)
        s.flush()
        return _info(row, user.name if user else "?")


def list_tokens(db: Database, *, user_id: int | None = None) -> list[TokenInfo]:
    with db.session() as s:
        query = select(ApiTokenRow, UserRow.name).join(UserRow, UserRow.id == ApiTokenRow.user_id)
        if user_id is not None:
            query = query.where(ApiTokenRow.user_id == user_id)
        rows = s.execute(query.order_by(ApiTokenRow.id))
        return [_info(row, name) for row, name in rows]


__all__ = ["PREFIX", "create_token", "list_tokens", "revoke_token", "verify_token"]
