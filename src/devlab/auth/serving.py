"""Checks before ``devlab serve`` binds: a public address needs an admin; TLS files
must come in pairs and be readable."""

from __future__ import annotations

from pathlib import Path

from devlab.auth.network import is_loopback
from devlab.auth.users import admin_exists
from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.store import Database


def check_serving(
    settings: Settings, tls_cert: Path | None, tls_key: Path | None
) -> dict[str, str]:
    """Raise ``InvalidInput`` (exit 2) when the server must not start; answer uvicorn's
    TLS keyword arguments (empty for plain HTTP)."""
    if (tls_cert is None) != (tls_key is None):
        raise InvalidInput("give both --tls-cert and --tls-key (or neither)")
    for path in (tls_cert, tls_key):
        if path is not None and not path.is_file():
            raise InvalidInput(f"TLS file {path} does not exist")
    if not is_loopback(settings.host):
        db = Database(settings)
        try:
            ready = admin_exists(db)
        finally:
            db.close()
        if not ready:
            raise InvalidInput(
                f"refusing to serve on {settings.host}: it is reachable from other machines "
                "and no admin account exists. Create one with `devlab users create-admin "
                "NAME` (then users, roles and tokens), or bind 127.0.0.1."
            )
    if tls_cert is None or tls_key is None:
        return {}
    return {"ssl_certfile": str(tls_cert), "ssl_keyfile": str(tls_key)}


__all__ = ["check_serving"]
