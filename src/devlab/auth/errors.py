"""Errors of access control: each carries the HTTP status its door answers with."""

from __future__ import annotations

from devlab.errors import DevLabError


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


__all__ = ["Forbidden", "TooManyRequests", "Unauthorized"]
