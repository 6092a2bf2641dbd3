"""cgroup limits for sandbox runs: memory, pids, CPU quota and CPU accounting.

Both hierarchies are supported, chosen automatically: cgroup v1 (one mount per
controller) and the unified cgroup v2 hierarchy a standard Debian 12 host boots
with (``CgroupV2``: a root under the hierarchy's root when DevLab runs as root,
else under a delegated subtree of its own cgroup). The v1 notes below hold for
v2 too, with one directory instead of one per controller.

Each run gets a cgroup in every controller that is mounted and writable (root
on this kind of machine). Groups are pooled: creating and removing cgroups
costs more than resetting counters, so a finished run's groups are emptied,
reset and reused. They nest under this process's own cgroup, so whatever limits
the host put on DevLab still bound the sandboxes.

A group is only reused when it is truly empty: no process in ``cgroup.procs``
*and* ``pids.current`` back to 0. The second check matters because bwrap's
outer process exits as soon as the sandbox's pid 1 reports the exit status,
without reaping it; that pid 1 (the inner bwrap) is then reparented to the
host's init and stays a zombie, still charged to the run's pids group, until
init gets round to reaping it. Zombies are not listed in ``cgroup.procs``, so a
reused group would start the next run with ``pids.current`` already raised
and, after a few runs, hit ``pids.max`` before bwrap can even fork. Such a
group is retired instead and the next run gets a fresh one. On some kernels
rmdir removes it at once (the zombie does not pin a v1 cgroup; the charge drops
when init reaps it); on others the group stays populated until the zombie is
reaped. Where rmdir fails (that, or a process that would not die) the group is
kept aside and removed by a later ``acquire``.

The sandbox joins its groups before bwrap starts (the spawn wrapper moves
itself into each group, see ``Cgroup.join_files``), so no process of the run is
ever outside.
Without writable cgroups ``CgroupPool.available`` is false and the caller falls
back to rlimits.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CONTROLLERS = ("memory", "pids", "cpu", "cpuacct")
_PERIOD_US = 100_000


def _mounts() -> dict[str, Path]:
    """Controller name -> mount point of its v1 hierarchy."""
    found: dict[str, Path] = {}
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        parts = line.split()
        if len(parts) < 4 or parts[2] != "cgroup":
            continue
        for opt in parts[3].split(","):
            if opt in CONTROLLERS:
                found.setdefault(opt, Path(parts[1]))
    return found


def _unified_mount() -> Path | None:
    """Mount point of the cgroup v2 (unified) hierarchy, if one is mounted."""
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) >= 3 and parts[2] == "cgroup2":
            return Path(parts[1])
    return None


def _own_paths() -> dict[str, str]:
    """Controller name -> this process's cgroup path in that hierarchy."""
    paths: dict[str, str] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return paths
    for line in lines:
        _, names, path = line.split(":", 2)
        for name in names.split(","):
            paths[name] = path
    return paths


def _write(path: Path, value: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, value.encode())
    finally:
        os.close(fd)


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class CgroupStats:
    cpu_ms: float | None
    peak_memory_kb: int | None
    oom_killed: bool


class Cgroup:
    """One run's set of groups (one directory per controller)."""

    version = 1

    def __init__(self, dirs: dict[str, Path]) -> None:
        self.dirs = dirs
        self._oom_before = 0

    @property
    def cpu_accounting(self) -> bool:
        """Whether ``cpu_ms`` counts every process of the run (the CPU watchdog)."""
        return "cpuacct" in self.dirs

    @property
    def procs_files(self) -> list[str]:
        """The groups' ``cgroup.procs`` files (every process of the run is listed)."""
        return [str(d / "cgroup.procs") for d in self.dirs.values()]

    @property
    def join_files(self) -> list[str]:
        """The files the spawn wrapper writes ``0`` (itself) into to join the groups.

        v1's ``tasks``, not ``cgroup.procs``: the kernel moves a whole thread group
        under the global ``cgroup_threadgroup_rwsem``, whose write side waits for an
        RCU grace period (measured: 6-8 ms per run on an idle HZ=250 host, the
        largest single cost of a hello world), while a thread moving itself
        (``0`` into ``tasks``) skips that lock (Linux >= 5.17). The wrapper is a
        single-threaded ``sh``, so moving its one thread moves the whole process
        before it execs bwrap; everything of the run descends from it.
        """
        return [str(d / "tasks") for d in self.dirs.values()]

    def configure(self, memory_mb: int, max_processes: int, cpus: float) -> None:
        """Set this run's limits and reset the peak, failure and CPU counters."""
        mem = self.dirs.get("memory")
        if mem is not None:
            limit = str(memory_mb * 1024 * 1024)
            memsw = mem / "memory.memsw.limit_in_bytes"
            # memsw must stay >= limit: order the writes by direction of change.
            if memsw.exists():
                try:
                    _write(memsw, limit)
                    _write(mem / "memory.limit_in_bytes", limit)
                except OSError:
                    _write(mem / "memory.limit_in_bytes", limit)
                    _write(memsw, limit)
            else:
                _write(mem / "memory.limit_in_bytes", limit)
            # Drop page cache a previous run left charged here, then reset the peak.
            with contextlib.suppress(OSError):
                _write(mem / "memory.force_empty", "0")
            _write(mem / "memory.max_usage_in_bytes", "0")
            with contextlib.suppress(OSError):
                _write(mem / "memory.failcnt", "0")
            self._oom_before = self._oom_kills()
        if "pids" in self.dirs:
            _write(self.dirs["pids"] / "pids.max", str(max_processes))
        if "cpu" in self.dirs:
            _write(self.dirs["cpu"] / "cpu.cfs_period_us", str(_PERIOD_US))
            _write(self.dirs["cpu"] / "cpu.cfs_quota_us", str(max(1000, int(cpus * _PERIOD_US))))
        if "cpuacct" in self.dirs:
            _write(self.dirs["cpuacct"] / "cpuacct.usage", "0")

    def _oom_kills(self) -> int:
        mem = self.dirs.get("memory")
        if mem is None:
            return 0
        try:
            for line in (mem / "memory.oom_control").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def cpu_ms(self) -> float | None:
        if "cpuacct" not in self.dirs:
            return None
        usage = _read_int(self.dirs["cpuacct"] / "cpuacct.usage")
        return None if usage is None else usage / 1e6

    def stats(self) -> CgroupStats:
        mem = self.dirs.get("memory")
        peak = _read_int(mem / "memory.max_usage_in_bytes") if mem is not None else None
        return CgroupStats(
            cpu_ms=self.cpu_ms(),
            peak_memory_kb=None if peak is None else peak // 1024,
            oom_killed=self._oom_kills() > self._oom_before,
        )

    def pids(self) -> list[int]:
        for d in self.dirs.values():
            try:
                return [int(p) for p in (d / "cgroup.procs").read_text().split()]
            except (OSError, ValueError):
                continue
        return []

    def pids_current(self) -> int | None:
        """Tasks charged to the pids group, zombies included (None without it)."""
        if "pids" not in self.dirs:
            return None
        return _read_int(self.dirs["pids"] / "pids.current")

    def reusable(self) -> bool:
        """True when nothing of a run is left: no process and no charged (zombie) pid."""
        if self.pids():
            return False
        return self.pids_current() in (0, None)

    def kill_all(self, timeout: float = 2.0) -> bool:
        """SIGKILL every process left in the groups; True when they are empty."""
        deadline = time.monotonic() + timeout
        while True:
            pids = self.pids()
            if not pids:
                return True
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)

    def remove(self) -> bool:
        """rmdir every group; True when all of them are gone."""
        gone = True
        for d in self.dirs.values():
            try:
                d.rmdir()
            except FileNotFoundError:
                pass
            except OSError:
                gone = False
        return gone


class CgroupV2(Cgroup):
    """One run's group on the unified (v2) hierarchy: one directory, every controller.

    memory.max (+ memory.swap.max 0), pids.max and cpu.max give the same limits as
    v1; cpu.stat's usage_usec feeds the CPU watchdog, memory.peak (Linux >= 5.19)
    the peak, memory.events' oom_kill the OOM verdict. ``cgroup.kill`` (5.14+)
    kills every process at once, with a SIGKILL loop as the fallback.
    """

    version = 2

    @property
    def dir(self) -> Path:
        return self.dirs["unified"]

    @property
    def cpu_accounting(self) -> bool:
        return (self.dir / "cpu.stat").exists()

    @property
    def procs_files(self) -> list[str]:
        return [str(self.dir / "cgroup.procs")]

    @property
    def join_files(self) -> list[str]:
        # v2 has no per-thread move into a domain group: ``0`` (the writer) into
        # cgroup.procs, with the usual lock (see ``Cgroup.join_files``).
        return self.procs_files

    def configure(self, memory_mb: int, max_processes: int, cpus: float) -> None:
        d = self.dir
        if (d / "memory.max").exists():
            _write(d / "memory.max", str(memory_mb * 1024 * 1024))
            with contextlib.suppress(OSError):
                _write(d / "memory.swap.max", "0")
            with contextlib.suppress(OSError):
                _write(d / "memory.reclaim", str(1 << 40))  # drop a previous run's page cache
            with contextlib.suppress(OSError):
                _write(d / "memory.peak", "0")  # resettable on Linux >= 6.12
            self._oom_before = self._oom_kills()
        if (d / "pids.max").exists():
            _write(d / "pids.max", str(max_processes))
        if (d / "cpu.max").exists():
            _write(d / "cpu.max", f"{max(1000, int(cpus * _PERIOD_US))} {_PERIOD_US}")
        self._cpu_base = self._usage_us()

    def _usage_us(self) -> int:
        try:
            for line in (self.dir / "cpu.stat").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def _oom_kills(self) -> int:
        try:
            for line in (self.dir / "memory.events").read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def cpu_ms(self) -> float | None:
        if not self.cpu_accounting:
            return None
        return (self._usage_us() - getattr(self, "_cpu_base", 0)) / 1000

    def stats(self) -> CgroupStats:
        peak = _read_int(self.dir / "memory.peak")
        return CgroupStats(
            cpu_ms=self.cpu_ms(),
            peak_memory_kb=None if peak is None else peak // 1024,
            oom_killed=self._oom_kills() > self._oom_before,
        )

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.dir / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return []

    def pids_current(self) -> int | None:
        return _read_int(self.dir / "pids.current")

    def kill_all(self, timeout: float = 2.0) -> bool:
        if self.pids():
            with contextlib.suppress(OSError):
                _write(self.dir / "cgroup.kill", "1")
        return super().kill_all(timeout)


class CgroupPool:
    """Hands out reset ``Cgroup``s; ``available`` is False where cgroups can't be used."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._free: list[Cgroup] = []
        self._all: list[Cgroup] = []
        self._retired: list[Cgroup] = []  # dirty groups whose rmdir failed; retried later
        self._counter = itertools.count()
        self.roots: dict[str, Path] = {}
        self.reason = ""
        self.version = 1
        self._probe()
        atexit.register(self.close)

    def _probe(self) -> None:
        mounts, own = _mounts(), _own_paths()
        missing = [c for c in ("memory", "pids") if c not in mounts]
        if missing and _unified_mount() is not None:
            self._probe_v2()
            return
        if missing:
            self.reason = f"cgroup v1 controller(s) not mounted: {', '.join(missing)}"
            return
        for name, mount in mounts.items():
            parent = mount / own.get(name, "/").lstrip("/")
            sweep_stale_roots(parent)
            root = parent / f"devlab-sandbox-{os.getpid()}"
            try:
                root.mkdir(exist_ok=True)
            except OSError as exc:
                if name in ("memory", "pids"):
                    self.reason = f"cannot create a {name} cgroup at {root}: {exc.strerror}"
                    self._remove_roots()
                    return
                continue  # cpu / cpuacct are optional
            self.roots[name] = root

    def _probe_v2(self) -> None:
        """The unified hierarchy: a root of our own under the hierarchy's root (as root)
        or under a delegated, writable subtree of our own cgroup (systemd
        ``Delegate=yes``), with memory, pids and cpu enabled for its children."""
        mount = _unified_mount()
        assert mount is not None
        own = _own_paths().get("", "/")
        candidates = [mount] if os.geteuid() == 0 else []
        candidates.append(mount / own.lstrip("/"))  # a delegated subtree
        errors = []
        for parent in candidates:
            sweep_stale_roots(parent)
            root = parent / f"devlab-sandbox-{os.getpid()}"
            try:
                available = (parent / "cgroup.controllers").read_text().split()
                wanted = [c for c in ("memory", "pids", "cpu") if c in available]
                if not {"memory", "pids"} <= set(wanted):
                    raise OSError(0, f"controllers available: {' '.join(available) or 'none'}")
                with contextlib.suppress(OSError):  # often enabled already (systemd)
                    _write(parent / "cgroup.subtree_control", " ".join(f"+{c}" for c in wanted))
                root.mkdir(exist_ok=True)
                _write(root / "cgroup.subtree_control", " ".join(f"+{c}" for c in wanted))
            except OSError as exc:
                errors.append(f"{parent}: {exc.strerror or exc}")
                with contextlib.suppress(OSError):
                    root.rmdir()
                continue
            self.roots = {"unified": root}
            self.version = 2
            return
        self.reason = (
            "cgroup v2: no writable subtree with memory and pids (" + "; ".join(errors) + ")"
        )

    @property
    def available(self) -> bool:
        return bool(self.roots)

    def acquire(self) -> Cgroup:
        with self._lock:
            retired, self._retired = self._retired, []
        if retired:
            self._sweep(retired)
        while True:
            with self._lock:
                if not self._free:
                    n = next(self._counter)
                    break
                group = self._free.pop()
            if group.reusable():  # re-checked: nothing may have joined it since
                return group
            self._retire(group)
        dirs: dict[str, Path] = {}
        for name, root in self.roots.items():
            d = root / f"run-{n}"
            d.mkdir(exist_ok=True)
            dirs[name] = d
        group = CgroupV2(dirs) if self.version == 2 else Cgroup(dirs)
        with self._lock:
            self._all.append(group)
        return group

    def release(self, group: Cgroup) -> None:
        """Return a group to the pool if it is empty; otherwise retire it (see module doc)."""
        if group.kill_all() and group.reusable():
            with self._lock:
                self._free.append(group)
        else:
            self._retire(group)

    def _retire(self, group: Cgroup) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._all.remove(group)
        if not group.remove():
            with self._lock:
                self._retired.append(group)

    def _sweep(self, groups: list[Cgroup]) -> None:
        """Retry removing retired groups (killing what is left in them first)."""
        left = []
        for group in groups:
            group.kill_all(timeout=0)
            if not group.remove():
                left.append(group)
        with self._lock:
            self._retired.extend(left)

    def _remove_roots(self) -> None:
        for root in self.roots.values():
            with contextlib.suppress(OSError):
                root.rmdir()
        self.roots = {}

    def close(self) -> None:
        with self._lock:
            groups, self._all, self._free = self._all + self._retired, [], []
            self._retired = []
        for group in groups:
            group.kill_all(timeout=0.5)
            group.remove()
        self._remove_roots()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_roots(parent: Path) -> list[Path]:
    """Remove ``devlab-sandbox-<pid>`` roots under ``parent`` whose server is dead.

    A server killed by a signal (uvicorn re-raises SIGTERM after its shutdown, so
    ``atexit`` never runs) or by SIGKILL leaves its roots behind; the next start
    kills whatever is left in them and removes them. Roots of live servers stay.
    """
    removed: list[Path] = []
    try:
        entries = list(parent.glob("devlab-sandbox-*"))
    except OSError:
        return removed
    for root in entries:
        suffix = root.name.rsplit("-", 1)[-1]
        if not suffix.isdigit() or int(suffix) == os.getpid() or _pid_alive(int(suffix)):
            continue
        runs = [d for d in root.iterdir() if d.is_dir()] if root.is_dir() else []
        for run in runs:
            Cgroup({"any": run}).kill_all(timeout=0.5)
            with contextlib.suppress(OSError):
                run.rmdir()
        with contextlib.suppress(OSError):
            root.rmdir()
            removed.append(root)
    return removed


_pool: CgroupPool | None = None
_pool_lock = threading.Lock()


def shutdown_pool() -> None:
    """Kill what is left in the pool's groups and remove them and the roots (server
    shutdown); a later ``cgroup_pool()`` probes afresh."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.close()


def cgroup_pool() -> CgroupPool:
    """The process-wide pool (probed once)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = CgroupPool()
        return _pool


__all__ = [
    "Cgroup",
    "CgroupPool",
    "CgroupStats",
    "CgroupV2",
    "cgroup_pool",
    "shutdown_pool",
    "sweep_stale_roots",
]
