"""Run one bwrap command line and watch it: output caps, wall/CPU watchdog, stdin, cancel.

``watch_process`` is the parent's side of a run. It reads stdout, stderr and
the side channels (fd 3: a test report, fd 4: the work dir as a tar stream)
incrementally with a byte cap each, so nothing is ever buffered without bound;
past the output cap the run is stopped and flagged ``output_limit``. It feeds
stdin from bytes or from a live ``StdinFeed`` (the WebSocket door), enforces
the wall limit and, where a cgroup counts it, the total CPU time across all of
the run's processes. A pidfd tells it when bwrap exits; then ``kill`` takes
down whatever survived (a daemonised child) and the channels are drained.
"""

from __future__ import annotations

import collections
import contextlib
import os
import selectors
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

OutputFn = Callable[[str, bytes], None]
_CHUNK = 65536
_SIDE_CAP = 8 * 1024 * 1024  # test reports and collected files
_PENDING_MAX = 256 * 1024  # stdin bytes held in the parent beyond the pipe buffer


class StdinFeed:
    """Thread-safe stdin for a live run: ``feed(bytes)`` then ``close()`` for EOF."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._chunks: collections.deque[bytes] = collections.deque()
        self._buffered = 0
        self._closed = False
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)

    def feed(self, data: bytes) -> None:
        with self._lock:
            if not self._closed and data:
                self._chunks.append(data)
                self._buffered += len(data)
        self.wake()

    def buffered(self) -> int:
        """Bytes fed but not yet taken by the run."""
        with self._lock:
            return self._buffered

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self.wake()

    def wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wake_w, b"x")

    def take(self, limit: int = _PENDING_MAX) -> tuple[bytes, bool]:
        """Up to about ``limit`` bytes fed so far, and whether EOF was signalled and
        everything has been taken. Whole chunks are taken (at least one)."""
        with self._lock:
            taken: list[bytes] = []
            size = 0
            while self._chunks and (not taken or size + len(self._chunks[0]) <= limit):
                chunk = self._chunks.popleft()
                taken.append(chunk)
                size += len(chunk)
            self._buffered -= size
            return b"".join(taken), self._closed and not self._chunks

    def dispose(self) -> None:
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)


@dataclass
class Watch:
    """What the parent observed; the runner turns it into a ``SandboxResult``."""

    returncode: int | None = None
    stdout: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    report: bytearray = field(default_factory=bytearray)
    files_tar: bytearray = field(default_factory=bytearray)
    timed_out: bool = False
    cpu_exceeded: bool = False
    output_exceeded: bool = False
    cancelled: bool = False
    wall_ms: float = 0.0


@dataclass
class Channels:
    """The parent's ends of the pipes handed to the sandbox."""

    stdout: int
    stderr: int
    stdin: int | None
    report: int | None = None
    files: int | None = None


def watch_process(
    proc: subprocess.Popen,
    channels: Channels,
    *,
    wall_seconds: float,
    max_output_bytes: int,
    stdin: bytes | StdinFeed,
    kill: Callable[[], None],
    cpu_ms: Callable[[], float | None] | None = None,
    cpu_seconds: float | None = None,
    on_output: OutputFn | None = None,
    cancel: threading.Event | None = None,
    started: float | None = None,
) -> Watch:
    """Drive ``proc`` to completion under the limits; always kills leftovers."""
    watch = Watch()
    start = started if started is not None else time.monotonic()
    deadline = start + wall_seconds
    sel = selectors.DefaultSelector()
    pidfd = os.pidfd_open(proc.pid)
    sel.register(pidfd, selectors.EVENT_READ, "exit")
    names = {channels.stdout: "stdout", channels.stderr: "stderr"}
    if channels.report is not None:
        names[channels.report] = "report"
    if channels.files is not None:
        names[channels.files] = "files"
    for fd, name in names.items():
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ, name)
    pump = _StdinPump(sel, channels.stdin, stdin)

    def read(fd: int, name: str) -> bool:
        return _read(watch, fd, name, max_output_bytes, on_output)

    pump.sync()
    try:
        _watch_loop(sel, watch, deadline, pump, read, cancel, cpu_ms, cpu_seconds)
    finally:
        watch.wall_ms = (time.monotonic() - start) * 1000
        kill()  # the run is over: nothing it started may outlive it
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
        watch.returncode = proc.poll()
        _drain(sel, names, read)
        sel.close()
        os.close(pidfd)
        for fd in names:
            with contextlib.suppress(OSError):
                os.close(fd)
        if pump.fd is not None:
            with contextlib.suppress(OSError):
                os.close(pump.fd)
    return watch


class _StdinPump:
    """The parent's side of the run's stdin: bytes given up front, or what a
    ``StdinFeed`` hands over, written as the pipe takes them; the pipe is closed at
    EOF (``fd`` is then None). At most ``_PENDING_MAX`` bytes wait in the parent."""

    def __init__(
        self, sel: selectors.BaseSelector, fd: int | None, stdin: bytes | StdinFeed
    ) -> None:
        self.sel = sel
        self.feed: StdinFeed | None
        if isinstance(stdin, StdinFeed):
            self.feed, self.pending = stdin, b""
        else:
            self.feed, self.pending = None, stdin
        self.fd = fd
        self.eof = self.feed is None
        if fd is not None:
            os.set_blocking(fd, False)
        if self.feed is not None:
            sel.register(self.feed._wake_r, selectors.EVENT_READ, "wake")
        self.registered = False

    def sync(self) -> None:
        """Write what the pipe takes now; watch it for room while bytes wait."""
        feed = self.feed
        if self.fd is None:
            return
        if feed is not None and len(self.pending) < _PENDING_MAX:
            more, closed = feed.take(_PENDING_MAX - len(self.pending))
            self.pending += more
            self.eof = closed
        while self.pending:
            try:
                n = os.write(self.fd, self.pending[:_CHUNK])
            except BlockingIOError:
                break
            except (BrokenPipeError, OSError):
                self.pending, self.eof = b"", True
                break
            self.pending = self.pending[n:]
        if not self.pending and feed is not None and feed.buffered():
            feed.wake()  # more was fed than taken: come back for it
        want = bool(self.pending)
        if want and not self.registered:
            self.sel.register(self.fd, selectors.EVENT_WRITE, "stdin")
            self.registered = True
        elif not want and self.registered:
            self.sel.unregister(self.fd)
            self.registered = False
        if not self.pending and self.eof:
            os.close(self.fd)
            self.fd = None


def _read(
    watch: Watch, fd: int, name: str, max_output_bytes: int, on_output: OutputFn | None
) -> bool:
    """Read what is there into ``watch`` (capped); False at EOF."""
    try:
        data = os.read(fd, _CHUNK)
    except BlockingIOError:
        return True
    except OSError:
        return False
    if not data:
        return False
    if name in ("stdout", "stderr"):
        buf: bytearray = getattr(watch, name)
        room = max_output_bytes - len(buf)
        kept = data[: max(room, 0)]
        buf += kept
        if kept and on_output is not None:
            on_output(name, kept)
        if len(data) > room:
            setattr(watch, f"{name}_truncated", True)
            watch.output_exceeded = True
    else:
        side = watch.report if name == "report" else watch.files_tar
        if len(side) < _SIDE_CAP:
            side += data[: _SIDE_CAP - len(side)]
    return True


def _watch_loop(
    sel: selectors.BaseSelector,
    watch: Watch,
    deadline: float,
    pump: _StdinPump,
    read: Callable[[int, str], bool],
    cancel: threading.Event | None,
    cpu_ms: Callable[[], float | None] | None,
    cpu_seconds: float | None,
) -> None:
    """Serve the run until it exits or a limit (wall, cancel, output, CPU) stops it."""
    last_cpu_check = 0.0
    exited = False
    while not exited:
        now = time.monotonic()
        if now >= deadline:
            watch.timed_out = True
            break
        if cancel is not None and cancel.is_set():
            watch.cancelled = True
            break
        if watch.output_exceeded:
            break
        if cpu_ms is not None and cpu_seconds is not None and now - last_cpu_check > 0.05:
            last_cpu_check = now
            used = cpu_ms()
            if used is not None and used > cpu_seconds * 1000:
                watch.cpu_exceeded = True
                break
        timeout = min(deadline - now, 0.1 if cancel is not None or cpu_ms else deadline - now)
        for key, _ in sel.select(timeout):
            tag = key.data
            if tag == "exit":
                exited = True
            elif tag == "wake":
                with contextlib.suppress(BlockingIOError, OSError):
                    os.read(key.fd, 4096)
                pump.sync()
            elif tag == "stdin":
                pump.sync()
            elif not read(key.fd, tag):
                sel.unregister(key.fd)


def _drain(
    sel: selectors.BaseSelector, names: dict[int, str], read: Callable[[int, str], bool]
) -> None:
    """Every writer is dead now, so EOF comes quickly; cap the wait anyway."""
    drain_deadline = time.monotonic() + 2.0
    readers = [k for k in sel.get_map().values() if k.data in names.values()]
    while readers and time.monotonic() < drain_deadline:
        ready = sel.select(0.05)
        if not ready:
            continue
        for key, _ in ready:
            if key.data in names.values() and not read(key.fd, key.data):
                sel.unregister(key.fd)
        readers = [k for k in sel.get_map().values() if k.data in names.values()]


__all__ = ["Channels", "OutputFn", "StdinFeed", "Watch", "watch_process"]
