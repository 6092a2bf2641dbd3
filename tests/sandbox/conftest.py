"""Fixtures for the hostile-code and per-language sandbox suites.

Every name here starts with ``hostile_`` so it cannot clash with fixtures the
sandbox's own tests define. The helpers look at the *host* (``/proc``, files,
sockets) from the test process, never through the sandbox, so a test can tell
"contained" from "escaped and then cleaned up after itself".
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from devlab.config import Settings, load_settings
from devlab.sandbox import Limits, SandboxRequest, SandboxResult, run_code
from devlab.store.db import Database

# Slack allowed on top of a wall limit: sandbox start, kill, reaping, recording.
WALL_TOLERANCE_S = 3.0


def marked_pids(marker: str, exclude: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Host pids whose command line contains ``marker`` (this process excluded)."""
    needle = marker.encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        if pid == os.getpid() or pid in exclude:
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if needle in cmdline:
            found.append(pid)
    return found


def describe_pids(pids: list[int]) -> str:
    lines = []
    for pid in pids:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        uid = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("Uid:")), "?")
        state = next(
            (ln.split(None, 1)[1] for ln in status.splitlines() if ln.startswith("State:")), "?"
        )
        lines.append(f"pid {pid} uid {uid} state {state}: {cmd[:200]!r}")
    return "; ".join(lines)


def wait_no_marked(
    marker: str, timeout: float = 3.0, exclude: set[int] | frozenset[int] = frozenset()
) -> list[int]:
    """Poll until no host process carries ``marker``; return the survivors (empty = clean)."""
    deadline = time.monotonic() + timeout
    while True:
        left = marked_pids(marker, exclude)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.1)


def kill_marked(marker: str, exclude: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Clean-up only: SIGKILL whatever escaped, so one failing case cannot hurt the next."""
    left = marked_pids(marker, exclude)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


@dataclass(frozen=True)
class HostFile:
    """What a host file looked like: existence, content hash, size, mtime."""

    path: Path
    exists: bool
    sha256: str
    size: int
    mtime_ns: int

    @classmethod
    def snap(cls, path: Path | str) -> HostFile:
        path = Path(path)
        try:
            data = path.read_bytes()
            st = path.stat()
        except FileNotFoundError:
            return cls(path, False, "", -1, -1)
        return cls(path, True, hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns)

    def unchanged(self) -> bool:
        return HostFile.snap(self.path) == self


@dataclass
class HostileRun:
    result: SandboxResult
    elapsed: float  # seconds, measured by the caller around run_code

    def explain(self) -> str:
        r = self.result
        return (
            f"status={r.status} exit={r.exit_code} signal={r.signal} wall_ms={r.wall_ms:.0f} "
            f"elapsed={self.elapsed:.2f}s enforcement={r.enforcement}\n"
            f"stdout={r.stdout[-1500:]!r}\nstderr={r.stderr[-1500:]!r}"
        )


HostileRunner = Callable[..., HostileRun]


class HostView:
    """The host as the test process sees it (handed to tests as ``hostile_host``)."""

    wall_tolerance_s = WALL_TOLERANCE_S
    marked_pids = staticmethod(marked_pids)
    describe_pids = staticmethod(describe_pids)
    wait_no_marked = staticmethod(wait_no_marked)
    snap = staticmethod(HostFile.snap)

    def assert_no_survivors(self, marker: str, timeout: float = 3.0) -> None:
        left = wait_no_marked(marker, timeout)
        assert not left, f"processes outlived the run: {describe_pids(left)}"


@pytest.fixture
def hostile_host() -> HostView:
    return HostView()


@pytest.fixture
def hostile_settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home")


@pytest.fixture
def hostile_db(hostile_settings: Settings) -> Iterator[Database]:
    db = Database(hostile_settings)  # creates home/devlab.db: a real target to steal
    yield db
    db.close()


@pytest.fixture
def hostile_run(hostile_settings: Settings, hostile_db: Database) -> HostileRunner:
    """``hostile_run(code, language=..., wall=..., <Limits field>=..., <request field>=...)``."""

    limit_names = set(Limits.model_fields)

    def run(
        code: str | None, *, language: str = "python", wall: float = 3.0, **kwargs: Any
    ) -> HostileRun:
        limit_kw = {k: kwargs.pop(k) for k in list(kwargs) if k in limit_names}
        limits = Limits(wall_seconds=wall, **limit_kw)
        request = SandboxRequest(language=language, code=code, limits=limits, **kwargs)
        t0 = time.perf_counter()
        result = run_code(request, hostile_settings, db=hostile_db)
        return HostileRun(result, time.perf_counter() - t0)

    return run


@pytest.fixture
def hostile_marker() -> Iterator[str]:
    """A unique string to put in sandboxed command lines; escapees are killed afterwards."""
    marker = f"devlabhostile{uuid.uuid4().hex[:12]}"
    yield marker
    kill_marked(marker)


@pytest.fixture
def hostile_victim() -> Iterator[subprocess.Popen[bytes]]:
    """A host process (``sleep``) the sandboxed code will try to see and kill."""
    tag = f"devlabvictim{uuid.uuid4().hex[:12]}"
    proc = subprocess.Popen(["bash", "-c", f"exec -a {tag} sleep 600"])
    deadline = time.monotonic() + 5
    while not marked_pids(tag) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.tag = tag  # type: ignore[attr-defined]
    yield proc
    proc.kill()
    proc.wait()


@pytest.fixture
def hostile_root_sentinel() -> Iterator[tuple[Path, str]]:
    """A secret file in the host's /root (the host's home): the sandbox must not see it."""
    secret = f"root-secret-{uuid.uuid4().hex}"
    path = Path("/root") / f".devlab-test-sentinel-{uuid.uuid4().hex[:12]}"
    path.write_text(secret)
    path.chmod(0o644)  # world-readable on purpose: only isolation may hide it
    yield path, secret
    path.unlink(missing_ok=True)
