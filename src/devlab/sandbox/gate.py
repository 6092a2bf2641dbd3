"""Concurrency: at most N runs at once, a bounded queue behind them, 429 past it.

One ``Gate`` per (slots, queue) pair, shared by every caller in the process
(the server's requests, the library, the WebSocket door). A request that finds
every slot busy and the queue full gets ``SandboxBusy`` with a ``retry_after``
estimated from recent run times, which the REST door sends as Retry-After.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from devlab.config import Settings
from devlab.sandbox.errors import SandboxBusy


class Gate:
    def __init__(self, slots: int, queue: int) -> None:
        self.slots = slots
        self.queue = queue
        self.active = 0
        self.waiting = 0
        self._cond = threading.Condition()
        self._avg_seconds = 1.0  # moving average of run time

    def retry_after(self) -> int:
        """Seconds until a queue place is likely free."""
        return max(1, math.ceil(self._avg_seconds * (self.waiting + 1) / self.slots))

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a run slot for the block; waits in the queue or raises ``SandboxBusy``."""
        with self._cond:
            if self.active >= self.slots:
                if self.waiting >= self.queue:
                    raise SandboxBusy(
                        f"the sandbox is busy ({self.active} runs, {self.waiting} waiting); "
                        f"retry in {self.retry_after()} s",
                        detail={"retry_after": self.retry_after()},
                    )
                self.waiting += 1
                try:
                    while self.active >= self.slots:
                        self._cond.wait()
                finally:
                    self.waiting -= 1
            self.active += 1
        start = time.monotonic()
        try:
            yield
        finally:
            elapsed = time.monotonic() - start
            with self._cond:
                self.active -= 1
                self._avg_seconds = 0.8 * self._avg_seconds + 0.2 * elapsed
                self._cond.notify()


_gates: dict[tuple[int, int], Gate] = {}
_lock = threading.Lock()


def gate_for(settings: Settings) -> Gate:
    slots = settings.sandbox_concurrency or os.cpu_count() or 1
    key = (slots, settings.sandbox_queue)
    with _lock:
        if key not in _gates:
            _gates[key] = Gate(*key)
        return _gates[key]


__all__ = ["Gate", "gate_for"]
