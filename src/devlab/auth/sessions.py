"""Web UI sessions: a random cookie value (kept as SHA-256 only) and a CSRF token the
page sends back as ``X-CSRF-Token`` on every state-changing request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy import delete

from devlab.store import Database, SessionRow, UserRow, utcnow

COOKIE = "devlab_session"


@dataclass(frozen=True)
class WebSession:
    user_id: int
    csrf_token: str


class HasCsrfToken(Protocol):
    """What the CSRF check reads: a WebSession, or the Principal a session made."""

    @property
    def csrf_token(self) -> str | None: ...


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def open_session(db: Database, user_id: int, hours: float) -> tuple[str, str]:
    """A new session for ``user_id``: (cookie value, CSRF token)."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with db.session() as s:
        s.execute(delete(SessionRow).where(SessionRow.expires_at <= utcnow()))
        s.add(
            SessionRow(
                id_hash=_digest(cookie),
                user_id=user_id,
                csrf_token=csrf,
                expires_at=utcnow() + timedelta(hours=hours),
            )
        )
    return cookie, csrf


def find_session(db: Database, cookie: str) -> WebSession | None:
    """The live session of this cookie value (its user enabled), else None."""
    if not cookie or len(cookie) > 100:
        return None
    with db.session() as s:
        row = s.get(SessionRow, _digest(cookie))
        if row is None or row.expires_at <= utcnow():
            return None
        user = s.get(UserRow, row.user_id)
        if user is None or user.disabled:
            return None
        return WebSession(row.user_id, row.csrf_token)


def csrf_ok(session: HasCsrfToken, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf_token or "", sent or "")


def close_session(db: Database, cookie: str) -> None:
    with db.session() as s:
        s.execute(delete(SessionRow).where(SessionRow.id_hash == _digest(cookie)))


__all__ = ["COOKIE", "WebSession", "close_session", "csrf_ok", "find_session", "open_session"]
