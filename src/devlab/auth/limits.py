"""Sliding-window limits kept in the database (``devlab.store.counters``): login
throttling, per-user / per-token rate limits (requests, sandbox seconds, model tokens
per minute) and per-project daily quotas. Every server process on one database sees
the same counts, and a restart forgets nothing: a user who used a day's quota is
still refused after the server comes back."""

from __future__ import annotations

from collections.abc import Sequence

from devlab.auth.errors import TooManyRequests
from devlab.store import Database, counters


class SlidingWindow:
    """Amounts spent per key over the last ``window`` seconds, against a ``limit``
    (0: no limit, and nothing is stored). ``name`` keeps windows apart in the shared
    counter table (``name:key``)."""

    def __init__(self, name: str, limit: float, window: float = 60.0) -> None:
        self.name, self.limit, self.window = name, limit, window

    def _key(self, key: str) -> str:
        return f"{self.name}:{key}"

    def retry_after(self, db: Database, key: str, amount: float = 0.0) -> int:
        """0 when ``amount`` more fits in the window now, else seconds until it may."""
        return counters.check(db, self._key(key), self.limit, self.window, amount).retry_after

    def add(self, db: Database, key: str, amount: float = 1.0) -> None:
        if self.limit > 0 and amount > 0:
            counters.add(db, self._key(key), amount, self.window)

    def take(
        self,
        db: Database,
        key: str,
        amount: float,
        what: str,
        also: Sequence[tuple[SlidingWindow, str, str]] = (),
    ) -> None:
        """Spend ``amount`` or raise ``TooManyRequests`` with the seconds to wait.
        ``also``: (window, key, what) limits that must not be used up already, checked
        in the same database round trip."""
        verdict = counters.take(
            db,
            self._key(key),
            amount,
            self.limit,
            self.window,
            also=[(w._key(k), w.limit, w.window) for w, k, _ in also],
        )
        if verdict.retry_after:
            # ``which`` counts the limits that are on (counters skips the others)
            live = [(self, what), *((w, w_what) for w, _, w_what in also if w.limit > 0)]
            window, name = live[min(verdict.which, len(live) - 1)]
            raise TooManyRequests(
                f"rate limit: more than {window.limit:g} {name} per {window.window:g} s; "
                f"retry in {verdict.retry_after} s",
                retry_after=verdict.retry_after,
            )

    def reset(self, db: Database, key: str) -> None:
        if self.limit > 0:
            counters.reset(db, self._key(key))


class LoginThrottle:
    """After ``failures`` wrong passwords for one name (or ``failures`` x 5 from one
    address) within the window, further attempts are refused with 429 until the window
    moves on."""

    def __init__(self, failures: int, window: float = 300.0) -> None:
        self.by_name = SlidingWindow("login-name", failures, window)
        self.by_ip = SlidingWindow("login-ip", failures * 5, window)

    def check(self, db: Database, name: str, ip: str) -> None:
        wait = max(self.by_name.retry_after(db, name.lower(), 1), self.by_ip.retry_after(db, ip, 1))
        if wait:
            raise TooManyRequests(f"too many failed sign-ins; retry in {wait} s", retry_after=wait)

    def failed(self, db: Database, name: str, ip: str) -> None:
        self.by_name.add(db, name.lower())
        self.by_ip.add(db, ip)

    def succeeded(self, db: Database, name: str) -> None:
        self.by_name.reset(db, name.lower())


__all__ = ["LoginThrottle", "SlidingWindow"]
