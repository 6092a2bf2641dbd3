"""Cross-site and DNS-rebinding guards for every request (an ASGI middleware).

A DevLab on loopback with no login is still reachable from any web page the
user visits: a browser sends a "simple" cross-site POST (``Content-Type:
text/plain``, no preflight) and, through DNS rebinding, even reads answers
from a host name that resolves to 127.0.0.1. Three checks close that:

1. **Host** (DNS rebinding): on a loopback bind only ``localhost``,
   ``127.0.0.1`` and ``[::1]`` (plus ``Settings.allowed_hosts`` and single-label
   names such as ``devbox``) are accepted as the ``Host`` header; a rebinding
   page's ``evil.example:8000`` gets 400. On a non-loopback bind the bind
   address, loopback and ``allowed_hosts`` are accepted (any host when the
   bind is a wildcard and no list is set).
2. **Origin** on state-changing requests (POST/PUT/PATCH/DELETE) and on
   WebSocket handshakes: when a browser sends one, it must be the server's own
   origin (the ``Host`` it was reached by) or one of ``Settings.allowed_origins``;
   else 403. Clients that send no Origin (curl, httpx, the CLI) are unaffected.
3. **Content-Type** on state-changing requests that carry a body: only
   ``application/json`` (or ``+json``) and ``multipart/form-data``; else 415.
   Those are exactly the types a cross-site page cannot send without a CORS
   preflight (which DevLab never grants), except multipart, whose routes check
   Origin above.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from devlab.config import Settings

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}
_BODY_TYPES = ("application/json", "multipart/form-data")


def _split_host(value: str) -> str:
    """The host part of a ``Host`` header value (``[::1]:8000`` -> ``::1``)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RequestGuards:
    """The ASGI middleware; ``settings`` gives the bind address and the allow-lists."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        bind = settings.host.strip().lower().strip("[]")
        self.loopback_bind = _is_loopback(bind)
        self.wildcard_bind = bind in ("0.0.0.0", "::", "")
        self.hosts = {h.lower().strip("[]") for h in settings.allowed_hosts}
        if not self.loopback_bind and not self.wildcard_bind:
            self.hosts.add(bind)
        self.origins = {o.rstrip("/").lower() for o in settings.allowed_origins}

    def host_allowed(self, host: str) -> bool:
        if _is_loopback(host) or host in self.hosts:
            return True
        if host and "." not in host and ":" not in host:
            # A single-label name (``devbox``, an in-process test client's ``test``)
            # resolves only through the hosts file or local search domains, never
            # through a rebinding attacker's DNS, which needs a name with a dot.
            return True
        return self.wildcard_bind and not self.hosts

    def origin_allowed(self, origin: str, host_header: str) -> bool:
        origin = origin.strip().rstrip("/").lower()
        if origin in self.origins:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc == host_header.strip().lower()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {
            k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])
        }
        problem = self.check(scope, headers)
        if problem is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": problem[1][:120]})
        else:
            await _reply(send, *problem)

    def check(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        """(status, message) when the request must be refused, else None."""
        host_header = headers.get("host", "")
        if host_header and not self.host_allowed(_split_host(host_header)):
            return 400, (
                f"Host {host_header!r} is not this server's; add it to "
                "DEVLAB_ALLOWED_HOSTS if it is (DNS-rebinding protection)"
            )
        method = scope.get("method", "GET")
        unsafe = scope["type"] == "websocket" or method in _UNSAFE
        origin = headers.get("origin")
        if unsafe and origin is not None and not self.origin_allowed(origin, host_header):
            return 403, (
                f"cross-site request from Origin {origin!r} refused; add it to "
                "DEVLAB_ALLOWED_ORIGINS if it is trusted"
            )
        if scope["type"] == "http" and method in _UNSAFE and _has_body(headers):
            kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if not (
                kind in _BODY_TYPES or (kind.startswith("application/") and kind.endswith("+json"))
            ):
                return 415, (
                    f"Content-Type {kind or '(none)'!r} is not accepted: send "
                    "application/json (or multipart/form-data for uploads)"
                )
        return None


def _has_body(headers: dict[str, str]) -> bool:
    length = headers.get("content-length", "").strip()
    if length:
        return length != "0"
    return "transfer-encoding" in headers


async def _reply(send: Send, status: int, message: str) -> None:
    body = json.dumps({"ok": False, "error": message, "status": status}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


__all__ = ["RequestGuards"]
