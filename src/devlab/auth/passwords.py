"""Password hashing with argon2id (argon2-cffi): salted, memory-hard, and checked in
constant time. An unknown user is checked against a dummy hash so that the answer takes
as long as for a known one (no user enumeration by timing)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash (with its salt and parameters) of ``password``."""
    return _HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("devlab-dummy-password-for-timing")


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored``; with no hash (unknown user, SSO-only
    user) a dummy hash is checked anyway so the time taken does not tell."""
    try:
        return _HASHER.verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _HASHER.check_needs_rehash(stored)


__all__ = ["hash_password", "needs_rehash", "verify_password"]
