"""Single sign-on through OpenID Connect (authorization code flow), with authlib for
the OAuth 2 client and joserfc for the ID token's signature and claims.

``start`` answers the provider's authorization URL (with a one-time ``state`` and
``nonce`` kept in the database for 10 minutes, so any server process on it may receive
the provider's answer, and a restart does not lose sign-ins in progress); ``finish``
exchanges the code, checks the ID token (signature against the provider's JWKS,
issuer, audience, expiry, nonce) and answers the DevLab user for that issuer +
subject, creating one (no roles) on first sign-in."""

from __future__ import annotations

import re
import secrets
from typing import Any
from urllib.parse import urlencode

import httpx

from devlab.auth.errors import Unauthorized
from devlab.auth.models import UserInfo
from devlab.auth.users import create_user, user_info
from devlab.config import Settings
from devlab.errors import ComponentUnavailable, InvalidInput, SourceUnavailable
from devlab.store import Database, UserRow, counters, utcnow

STATE_TTL_S = 600
MAX_PENDING = 10_000


class OIDCClient:
    """The configured provider: discovery, pending sign-ins, code exchange."""

    def __init__(self, settings: Settings) -> None:
        if not (settings.oidc_issuer and settings.oidc_client_id):
            raise ComponentUnavailable(
                "single sign-on is not configured: set oidc_issuer and oidc_client_id"
            )
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.client_id = settings.oidc_client_id
        self.secret = settings.oidc_client_secret.get_secret_value()
        self.redirect_url = settings.oidc_redirect_url
        self._meta: dict[str, Any] | None = None

    def metadata(self) -> dict[str, Any]:
        if self._meta is None:
            url = f"{self.issuer}/.well-known/openid-configuration"
            try:
                resp = httpx.get(url, timeout=10)
                resp.raise_for_status()
                self._meta = resp.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise SourceUnavailable(f"cannot read the OIDC provider at {url}: {exc}") from exc
        return self._meta

    def start(self, db: Database, default_redirect: str) -> str:
        """The provider's authorization URL for a new sign-in."""
        meta = self.metadata()
        state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        redirect = self.redirect_url or default_redirect
        if not counters.put_state(db, state, nonce, redirect, STATE_TTL_S, MAX_PENDING):
            raise InvalidInput("too many sign-ins in progress; retry in a few minutes")
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect,
            "scope": "openid email profile",
            "state": state,
            "nonce": nonce,
        }
        return f"{meta['authorization_endpoint']}?{urlencode(query)}"

    def finish(self, db: Database, code: str, state: str) -> UserInfo:
        """The signed-in user for the provider's answer; ``Unauthorized`` when the state
        is unknown or expired, the exchange fails, or the ID token does not check out."""
        pending = counters.pop_state(db, state)
        if pending is None:
            raise Unauthorized("unknown or expired sign-in: start again at /auth/oidc/login")
        nonce, redirect = pending
        claims = self._exchange(code, redirect, nonce)
        return _user_for(db, self.issuer, claims)

    def _exchange(self, code: str, redirect: str, nonce: str) -> dict[str, Any]:
        from authlib.integrations.httpx_client import OAuth2Client
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        meta = self.metadata()
        try:
            with OAuth2Client(self.client_id, self.secret, timeout=10) as client:
                token = client.fetch_token(meta["token_endpoint"], code=code, redirect_uri=redirect)
            jwks = httpx.get(meta["jwks_uri"], timeout=10).json()
        except Exception as exc:  # authlib's OAuthError, httpx errors, bad JSON
            raise Unauthorized(f"the identity provider refused the sign-in: {exc}") from exc
        if "id_token" not in token:
            raise Unauthorized("the identity provider sent no ID token")
        try:
            decoded = jwt.decode(token["id_token"], KeySet.import_key_set(jwks))
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.client_id},
                sub={"essential": True},
                exp={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise Unauthorized(f"the ID token did not check out: {exc}") from exc
        return dict(decoded.claims)


def _user_for(db: Database, issuer: str, claims: dict[str, Any]) -> UserInfo:
    subject = f"{issuer}|{claims['sub']}"[:400]
    with db.session() as s:
        row = s.query(UserRow).filter(UserRow.oidc_subject == subject).one_or_none()
        if row is not None:
            if row.disabled:
                raise Unauthorized("this account is disabled")
            row.last_login_at = utcnow()
            s.flush()
            return user_info(row)
        taken = {name for (name,) in s.query(UserRow.name)}
    wanted = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])
    base = re.sub(r"[^A-Za-z0-9._@-]", "-", wanted)[:90].lstrip(".-_@") or "user"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return create_user(db, name, None, oidc_subject=subject)


__all__ = ["OIDCClient"]
