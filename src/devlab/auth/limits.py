"""In-process sliding-window counters: login throttling and per-user / per-token rate
limits (requests, sandbox seconds, model tokens per minute). One server process holds
them; a restart forgets them, which errs on the side of letting a user back in."""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from devlab.auth.errors import TooManyRequests


class SlidingWindow:
    """Amounts spent per key over the last ``window`` seconds, against a ``limit``."""

    def __init__(self, limit: float, window: float = 60.0, max_keys: int = 100_000) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._spent: dict[str, deque[tuple[float, float]]] = {}
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[tuple[float, float]]:
        entries = self._spent.setdefault(key, deque())
        while entries and entries[0][0] <= now - self.window:
            entries.popleft()
        return entries

    def retry_after(self, key: str, amount: float = 0.0) -> int:
        """0 when ``amount`` more fits in the window now, else seconds until it may."""
        if self.limit <= 0:
            return 0
        now = time.monotonic()
        with self._lock:
            entries = self._trim(key, now)
            spent = sum(a for _, a in entries)
            if spent + amount <= self.limit or (not entries and amount > self.limit):
                return 0
            # wait until enough of the oldest entries leave the window
            over = spent + amount - self.limit
            for stamp, spent_then in entries:
                over -= spent_then
                if over <= 0:
                    return max(1, math.ceil(stamp + self.window - now))
            return max(1, math.ceil(self.window))

    def add(self, key: str, amount: float = 1.0) -> None:
        if self.limit <= 0 or amount <= 0:
            return
        with self._lock:
            if len(self._spent) >= self.max_keys and key not in self._spent:
                self._spent.pop(next(iter(self._spent)))  # forget the oldest key
            self._trim(key, time.monotonic()).append((time.monotonic(), amount))

    def take(self, key: str, amount: float, what: str) -> None:
        """Spend ``amount`` or raise ``TooManyRequests`` with the seconds to wait."""
        wait = self.retry_after(key, amount)
        if wait:
            raise TooManyRequests(
                f"rate limit: more than {self.limit:g} {what} per {self.window:g} s; "
                f"retry in {wait} s",
                retry_after=wait,
            )
        self.add(key, amount)

    def reset(self, key: str) -> None:
        with self._lock:
            self._spent.pop(key, None)


class LoginThrottle:
    """After ``failures`` wrong passwords for one name (or from one address) within the
    window, further attempts are refused with 429 until the window moves on."""

    def __init__(self, failures: int, window: float = 300.0) -> None:
        self.by_name = SlidingWindow(failures, window)
        self.by_ip = SlidingWindow(failures * 5, window)

    def check(self, name: str, ip: str) -> None:
        wait = max(self.by_name.retry_after(name.lower(), 1), self.by_ip.retry_after(ip, 1))
        if wait:
            raise TooManyRequests(f"too many failed sign-ins; retry in {wait} s", retry_after=wait)

    def failed(self, name: str, ip: str) -> None:
        self.by_name.add(name.lower())
        self.by_ip.add(ip)

    def succeeded(self, name: str) -> None:
        self.by_name.reset(name.lower())


__all__ = ["LoginThrottle", "SlidingWindow"]
