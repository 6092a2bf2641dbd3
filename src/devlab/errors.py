"""DevLab's error tree: every library failure is a ``DevLabError``.

Each error carries the HTTP status the REST door answers with and the exit code
the CLI door exits with, so the two doors render one error the same way::

    DevLabError (500, exit 1)
    +-- InvalidInput (422, exit 2)        bad argument, bad file, bad query
    |   +-- UnsafeArchive (400, exit 2)   zip traversal, links outside, zip bombs
    |   +-- UnsupportedSource (400, exit 2)
    +-- NotFound (404, exit 2)            unknown project, snapshot, job, file
    +-- Conflict (409, exit 3)            state does not allow it (job finished)
    +-- SourceUnavailable (400, exit 4)   git remote unreachable, bad ref
    +-- StorageError (500, exit 1)        the database refused
    +-- ComponentUnavailable (503, exit 1) an optional engine is not installed

Library code raises these and never ``HTTPException`` or ``typer.Exit``.
"""

from __future__ import annotations

from typing import Any


class DevLabError(Exception):
    """Base of every DevLab error; ``message`` says what to change."""

    status_code = 500
    exit_code = 1

    def __init__(self, message: str, *, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or {}


class InvalidInput(DevLabError):
    status_code = 422
    exit_code = 2


class UnsafeArchive(InvalidInput):
    """An archive that cannot be used as given: unreadable (not a ZIP at all, truncated)
    or dangerous (traversal, links, a bomb); 400 either way, with what to change."""

    status_code = 400


class UnsupportedSource(InvalidInput):
    status_code = 400


class NotFound(DevLabError):
    status_code = 404
    exit_code = 2


class Conflict(DevLabError):
    status_code = 409
    exit_code = 3


class SourceUnavailable(DevLabError):
    status_code = 400
    exit_code = 4


class StorageError(DevLabError):
    status_code = 500
    exit_code = 1


class ComponentUnavailable(DevLabError):
    status_code = 503
    exit_code = 1


class Unauthorized(DevLabError):
    """No valid credentials: wrong password, unknown, expired or revoked token (401)."""

    status_code = 401
    exit_code = 2


class Forbidden(DevLabError):
    """Signed in, but the role is too low (403); the message names the role needed."""

    status_code = 403
    exit_code = 2


class TooManyRequests(DevLabError):
    """A rate limit or login throttle was hit (429); ``detail.retry_after`` in seconds."""

    status_code = 429
    exit_code = 5

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, detail={"retry_after": max(1, int(retry_after))})
        self.retry_after = max(1, int(retry_after))


_BY_STATUS: dict[int, type[DevLabError]] = {
    400: UnsupportedSource,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    413: InvalidInput,
    415: InvalidInput,
    422: InvalidInput,
    503: ComponentUnavailable,
}


def error_for_status(status: int, message: str, detail: Any = None) -> DevLabError:
    """The error a REST answer of ``status`` stands for, so a CLI command answered by the
    server exits as it would have answering locally (404 exits 2, 409 exits 3, ...)."""
    details = detail if isinstance(detail, dict) else ({"detail": detail} if detail else None)
    if status == 429:
        retry = details.get("retry_after", 1) if details else 1
        return TooManyRequests(message, retry_after=int(retry) if str(retry).isdigit() else 1)
    cls = _BY_STATUS.get(status, DevLabError)
    error = cls(message, detail=details)
    if cls is DevLabError:
        error.status_code = status if 400 <= status <= 599 else 500
    return error


def describe_validation_errors(errors: list[Any], default: str = "input") -> str:
    """One line for pydantic's ``exc.errors()``: "field: problem; other: problem".

    The REST door, the CLI and the settings loader all phrase validation errors
    this way, so a user sees the same words whichever door they came through.
    """
    parts = []
    for error in errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or default
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts)


__all__ = [
    "ComponentUnavailable",
    "Conflict",
    "DevLabError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "SourceUnavailable",
    "StorageError",
    "TooManyRequests",
    "Unauthorized",
    "UnsafeArchive",
    "UnsupportedSource",
    "describe_validation_errors",
    "error_for_status",
]
