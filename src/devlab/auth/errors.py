"""Errors of access control: each carries the HTTP status its door answers with. They
live in ``devlab.errors`` (the one error tree) so the doors' shared plumbing can raise
them; this module names them for the access-control package."""

from __future__ import annotations

from devlab.errors import Forbidden, TooManyRequests, Unauthorized

__all__ = ["Forbidden", "TooManyRequests", "Unauthorized"]
