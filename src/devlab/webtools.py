"""Shared plumbing for the REST and WebSocket doors (the web counterpart of ``clitools``).

Every capability's ``routes.py`` takes what it needs from here: the request's
``Workbench`` and caller (``workbench``, ``principal``), the one error shape
(``error_body``, ``send_error_frame``), a thread's output pumped to a WebSocket
(``pump_thread``), a WebSocket message's access check (``authorize_message``), and
ZIP uploads streamed to disk under the cap (``save_zip_upload``). It sits below the
capabilities and above the store: nothing here knows a capability, and no capability
imports ``devlab.server`` (which only assembles the app).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from fastapi import Request, WebSocket, WebSocketDisconnect
from starlette.requests import HTTPConnection

from devlab.errors import DevLabError, InvalidInput, Unauthorized
from devlab.store import Visibility
from devlab.workbench import Workbench

T = TypeVar("T")
LOCAL_NAME = "local"
ROLES: tuple[str, ...] = ("viewer", "developer", "maintainer")


def role_rank(role: str | None) -> int:
    """viewer 1, developer 2, maintainer 3; anything else 0."""
    return ROLES.index(role) + 1 if role in ROLES else 0


def workbench(conn: HTTPConnection) -> Workbench:
    """A route's dependency: the app's ``Workbench`` (opened at start-up)."""
    return conn.app.state.workbench  # type: ignore[no-any-return]


@dataclass
class Principal:
    """The caller: a user (through a token or a session) or the local single user.
    The server's access check resolves it (``devlab.auth``); routes read it with the
    ``principal`` dependency."""

    name: str
    user_id: int | None
    is_admin: bool
    via: str  # local | token | session
    token_id: int | None = None
    scopes: tuple[str, ...] | None = None  # a token's scopes; None: not limited
    csrf_token: str | None = None
    roles: dict[int, str] = field(default_factory=dict)

    @property
    def local(self) -> bool:
        return self.via == "local"

    def role_on(self, project_id: int) -> str | None:
        """The caller's role on a project (admins are maintainers everywhere)."""
        return "maintainer" if self.is_admin else self.roles.get(project_id)

    def can_see(self, project_id: int | None) -> bool:
        return project_id is None or self.is_admin or project_id in self.roles

    def visible_ids(self) -> set[int] | None:
        """The project ids this caller may see; None means every project."""
        return None if self.is_admin else set(self.roles)

    def visibility(self) -> Visibility | None:
        """The listing filter for this caller (None: an admin sees every row)."""
        return None if self.is_admin else Visibility(frozenset(self.roles), self.user_id)

    def best_rank(self) -> int:
        if self.is_admin:
            return 3
        return max((role_rank(r) for r in self.roles.values()), default=0)

    @property
    def key(self) -> str:
        """The rate-limit key: per token, else per user."""
        return f"token:{self.token_id}" if self.token_id else f"user:{self.user_id or 0}"


def local_principal() -> Principal:
    """The single local user of an install without accounts (an admin)."""
    return Principal(name=LOCAL_NAME, user_id=None, is_admin=True, via="local")


def principal(conn: HTTPConnection) -> Principal:
    """A route's dependency for the caller the access check resolved."""
    who = getattr(conn.state, "principal", None)
    if who is None:
        raise Unauthorized("sign in first")
    return who  # type: ignore[no-any-return]


class MessageAuthorizer(Protocol):
    """Checks a WebSocket's first message as the HTTP access check checks a body."""

    async def __call__(self, conn: HTTPConnection, key: str, body: dict[str, Any]) -> None: ...


async def authorize_message(conn: HTTPConnection, key: str, body: dict[str, Any]) -> None:
    """Check a WebSocket's first message (the projects it names) with the check the
    server installed as ``app.state.authorize_message``; raises 404 / 403 like the HTTP
    access check. An app without one refuses (fails closed)."""
    check: MessageAuthorizer | None = getattr(conn.app.state, "authorize_message", None)
    if check is None:
        raise Unauthorized("this server has no access check for WebSocket messages")
    await check(conn, key, body)


def error_body(status: int, message: str, detail: object = None) -> dict[str, Any]:
    """The one error shape: ``{"ok": false, "error": ..., "status": ..., "detail"?}``."""
    body: dict[str, Any] = {"ok": False, "error": message, "status": status}
    if detail:
        body["detail"] = detail
    return body


async def send_error_frame(ws: WebSocket, exc: DevLabError, **extra: Any) -> None:
    """Send ``exc`` as a ``{"type": "error", ...}`` frame and close the socket (1008 for
    the client's error, 1011 for the server's); a socket already gone is ignored."""
    frame = {"type": "error", **error_body(exc.status_code, exc.message, exc.detail), **extra}
    with contextlib.suppress(RuntimeError, WebSocketDisconnect):
        await ws.send_json(frame)
        await ws.close(code=1008 if exc.status_code < 500 else 1011)


async def pump_thread(
    work: Callable[[Callable[[T], None]], Any],
    send: Callable[[T], Awaitable[None]],
) -> Any:
    """Run ``work(emit)`` in a worker thread and ``await send(item)`` for every item it
    emits, in order, as they come; returns its result (or raises its exception) after the
    last item is sent. Used to stream a model's tokens to a WebSocket."""
    loop = asyncio.get_running_loop()
    items: asyncio.Queue[T] = asyncio.Queue()

    def emit(item: T) -> None:
        loop.call_soon_threadsafe(items.put_nowait, item)

    task = asyncio.ensure_future(asyncio.to_thread(work, emit))
    while not task.done():
        getter = asyncio.ensure_future(items.get())
        await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
        if getter.done():
            await send(getter.result())
        else:
            getter.cancel()
    while not items.empty():  # items queued before the work was done
        await send(items.get_nowait())
    return task.result()


@dataclass
class Upload:
    """A ZIP saved by ``save_zip_upload``: the caller deletes ``path`` when done."""

    path: Path
    filename: str
    name: str | None  # the form's ``name`` field, if given
    fields: dict[str, str]  # the form's other text fields

    @property
    def label(self) -> str:
        return f"upload:{self.filename}"


async def save_zip_upload(request: Request, bench: Workbench, *, name_required: bool) -> Upload:
    """Read a multipart form with a ZIP ``file`` (and ``name``), streaming it to disk
    under ``max_upload_bytes``; the saved file is gone again if anything fails."""
    form = await request.form()
    upload, name = form.get("file"), form.get("name")
    if upload is None or isinstance(upload, str):
        raise InvalidInput("multipart upload needs a 'file' field with a .zip archive")
    if not isinstance(name, str) or not name:
        if name_required:
            raise InvalidInput("multipart upload needs a 'name' field with the project name")
        name = None
    uploads = bench.settings.home / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    target = uploads / f"{uuid.uuid4()}.zip"
    written, cap = 0, bench.settings.max_upload_bytes
    try:
        with open(target, "wb") as out:
            while chunk := await upload.read(1 << 20):
                written += len(chunk)
                if written > cap:
                    raise InvalidInput(f"upload larger than the {cap} byte cap (max_upload_bytes)")
                out.write(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k not in ("name", "file")}
    return Upload(target, upload.filename or "archive.zip", name, fields)


def discard(path: str | Path | None) -> None:
    """Delete a saved upload (when queuing its job failed)."""
    if path:
        Path(path).unlink(missing_ok=True)


__all__ = [
    "LOCAL_NAME",
    "ROLES",
    "MessageAuthorizer",
    "Principal",
    "Upload",
    "authorize_message",
    "discard",
    "error_body",
    "local_principal",
    "principal",
    "pump_thread",
    "role_rank",
    "save_zip_upload",
    "send_error_frame",
    "workbench",
]
