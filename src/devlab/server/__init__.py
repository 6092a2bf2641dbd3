"""The composition root of the HTTP door: the app factory mounts every capability's
router, the access check, the request guards, the error shape, health and the web UI."""

from __future__ import annotations

from typing import TYPE_CHECKING

from devlab.lazy import lazy_names

if TYPE_CHECKING:
    from devlab.server.app import create_app

__getattr__ = lazy_names(__name__, {"create_app": "devlab.server.app"})

__all__ = ["create_app"]
