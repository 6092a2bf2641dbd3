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
]
