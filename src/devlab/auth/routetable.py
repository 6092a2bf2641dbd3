"""The app's routes as ``"METHOD /path"`` keys, whichever FastAPI version built them
(recent releases keep included routers nested, older ones flatten them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute


def iter_routes(app: FastAPI) -> Iterator[tuple[str, Callable[..., Any]]]:
    """(key, endpoint) for every route FastAPI resolves dependencies for: HTTP routes
    as ``"GET /api/v1/..."`` (one key per method), websockets as ``"WS /api/v1/..."``.
    FastAPI's own /docs and /openapi.json are plain routes and not listed."""
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI >= 0.16x

        routes: Any = iter_route_contexts(app.routes)
    except ImportError:
        routes = app.routes
    for route in routes:
        original = getattr(route, "original_route", route)
        path, endpoint = getattr(route, "path", None), getattr(route, "endpoint", None)
        if path is None or endpoint is None:
            continue
        if isinstance(original, APIWebSocketRoute):
            yield f"WS {path}", endpoint
        elif isinstance(original, APIRoute):
            for method in sorted(getattr(route, "methods", None) or ()):
                yield f"{method} {path}", endpoint


__all__ = ["iter_routes"]
