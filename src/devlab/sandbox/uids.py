"""One unprivileged host uid per concurrent sandbox run, from a configured range.

Some kernel limits are counted per host uid, not per process or cgroup:
inotify instances and watches, RLIMIT_NPROC, pending signals, POSIX message
queue bytes. With every sandbox running as host uid 65534, one run could use
them up for all the others (an inotify loop starved its neighbour with EMFILE).
When DevLab runs as root, each run therefore gets its own uid from
``[sandbox_uid_base, sandbox_uid_base + sandbox_uid_count)``; inside the sandbox
it is still uid 65534 (``nobody``), the user namespace maps it. A uid is handed
out again only after its run's processes are gone (the cgroup is emptied, or
bwrap's ``--die-with-parent`` took them down), so no two live runs share one.
Without root every run is the invoking user, as before.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from devlab.config import Settings
from devlab.sandbox.errors import SandboxBusy


class UidPool:
    """A thread-safe free list of host uids."""

    def __init__(self, base: int, count: int) -> None:
        self.base = base
        self.count = count
        self._free = list(range(base + count - 1, base - 1, -1))
        self._lock = threading.Lock()

    def acquire(self) -> int:
        with self._lock:
            if not self._free:
                raise SandboxBusy(
                    f"all {self.count} sandbox uids are in use (sandbox_uid_count); retry soon",
                    detail={"retry_after": 1},
                )
            return self._free.pop()

    def release(self, uid: int) -> None:
        with self._lock:
            if self.base <= uid < self.base + self.count and uid not in self._free:
                self._free.append(uid)


_pools: dict[tuple[int, int], UidPool] = {}
_lock = threading.Lock()


def uid_pool(settings: Settings) -> UidPool:
    key = (settings.sandbox_uid_base, settings.sandbox_uid_count)
    with _lock:
        if key not in _pools:
            _pools[key] = UidPool(*key)
        return _pools[key]


@contextmanager
def run_uid(settings: Settings) -> Iterator[int | None]:
    """A host uid of its own for the block (None when not root: runs stay the caller's)."""
    if os.geteuid() != 0:
        yield None
        return
    pool = uid_pool(settings)
    uid = pool.acquire()
    try:
        yield uid
    finally:
        pool.release(uid)


__all__ = ["UidPool", "run_uid", "uid_pool"]
