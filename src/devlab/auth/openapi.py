"""The OpenAPI document names how to authenticate: a bearer token (personal API token)
or the session cookie; public routes (health, login) need neither."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI

from devlab.auth.rules import RULES
from devlab.auth.sessions import COOKIE


def add_security(app: FastAPI) -> None:
    """Wrap ``app.openapi`` so the document carries the security schemes and, per
    operation, whether it needs them (from the rule table). Built once, under a lock:
    FastAPI stores its document before this adds to it, so two first requests would
    otherwise add the notes twice or answer a half-annotated document."""
    build = app.openapi
    lock = threading.Lock()
    ready: list[dict[str, Any]] = []

    def openapi() -> dict[str, Any]:
        if ready:
            return ready[0]
        with lock:
            if not ready:
                ready.append(_annotate(build()))
        return ready[0]

    app.openapi = openapi  # type: ignore[method-assign]


def _annotate(schema: dict[str, Any]) -> dict[str, Any]:
    schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes["bearerToken"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "a personal API token (`devlab tokens create`)",
    }
    schemes["sessionCookie"] = {"type": "apiKey", "in": "cookie", "name": COOKIE}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            rule = RULES.get(f"{method.upper()} {path}")
            if rule is None or rule.role == "public":
                operation["security"] = []
            else:
                operation["security"] = [{"bearerToken": []}, {"sessionCookie": []}]
                operation.setdefault("description", "")
                operation["description"] += f"\n\nNeeds: {rule.role}."
    return schema
