"""Hostile code against the sandbox: each case asserts containment *and* an unchanged host.

The hostile programs carry safety caps (a bounded fork tree, a bounded amount of
memory, output and disk, a self-destruct deadline) so that a containment failure
shows up as a failed assertion rather than a dead development machine. The caps
are always far above the limits the sandbox is asked to enforce.

Most programs get ``args=[marker]``: the marker is then in the command line of
the sandboxed process and of every child it forks, so the test can look for
survivors in the host's ``/proc`` after the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devlab.config import Settings
from devlab.errors import DevLabError
from devlab.sandbox import Limits, SandboxRequest, run_code, stream_code
from devlab.store.db import Database

SYSTEM_FILES = ["/etc/passwd", "/etc/hostname", "/etc/hosts", "/usr/bin/env"]
# Slack on top of a wall limit: sandbox start-up, kill, reaping, recording.
WALL_TOLERANCE_S = 3.0

# Fixture types (the fixtures live in tests/sandbox/conftest.py).
HostileRunner = Callable[..., Any]  # hostile_run(code, language=, wall=, **limits/request)
Host = Any  # hostile_host: marked_pids, wait_no_marked, describe_pids, snap, ...


def last_json(stdout: str) -> dict:
    """The last line of stdout that is a JSON object (what the probes print)."""
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError(f"no JSON report in stdout: {stdout[-2000:]!r}")


# --------------------------------------------------------------------- processes


FORK_BOMB = r"""
import os, sys, time
root = os.getpid()
deadline = time.time() + 20          # safety: every process exits on its own after 20 s
failed = 0
for _ in range(12):                  # safety: at most 2**12 processes without any limit
    try:
        os.fork()
    except OSError:
        failed += 1
if os.getpid() == root:
    time.sleep(0.5)
    alive = sum(1 for p in os.listdir("/proc") if p.isdigit())
    print("NPROC", alive, "FAILED", failed, flush=True)
while time.time() < deadline:
    time.sleep(0.05)
"""


def test_fork_bomb_is_capped_and_fully_killed(
    hostile_run: HostileRunner,
    hostile_marker: str,
    hostile_host: Host,
) -> None:
    run = hostile_run(FORK_BOMB, wall=4, max_processes=16, args=[hostile_marker])
    r = run.result
    assert r.status in ("killed", "runtime_error", "timeout"), run.explain()
    assert run.elapsed <= 4 + WALL_TOLERANCE_S, run.explain()
    if "NPROC" in r.stdout:  # the root process got to count its namespace
        nproc = int(r.stdout.split("NPROC", 1)[1].split()[0])
        assert nproc <= 16 + 4, f"{nproc} processes despite max_processes=16\n{run.explain()}"
    hostile_host.assert_no_survivors(hostile_marker)
    # The host can still start processes.
    assert subprocess.run(["true"], timeout=10).returncode == 0


def test_bash_fork_bomb_is_contained(
    hostile_run: HostileRunner,
    hostile_marker: str,
    hostile_host: Host,
) -> None:
    # The classic bomb, bounded by depth (2**12) so an escape cannot take the host down.
    code = (
        'b() { local d=$1; [ "$d" -ge 12 ] && { sleep 20; return; }; '
        "b $((d+1)) & b $((d+1)); wait; }\nb 0\n"
    )
    run = hostile_run(code, language="bash", wall=4, max_processes=16, args=[hostile_marker])
    assert run.result.status in ("killed", "runtime_error", "timeout"), run.explain()
    assert run.elapsed <= 4 + WALL_TOLERANCE_S, run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


def test_memory_bomb_hits_memory_limit(hostile_run: HostileRunner) -> None:
    code = (
        "chunks = []\n"
        "for i in range(200):  # safety: 2 GB at most\n"
        "    chunks.append(b'x' * (10 << 20))\n"
        "print('SURVIVED', len(chunks))\n"
    )
    run = hostile_run(code, wall=15, memory_mb=128)
    r = run.result
    assert r.status == "memory_limit", run.explain()
    assert "SURVIVED" not in r.stdout, run.explain()
    if r.peak_memory_kb:
        assert r.peak_memory_kb <= 128 * 1024 * 1.5, run.explain()


def test_memory_limit_covers_all_processes_together(hostile_run: HostileRunner) -> None:
    # Eight children of 100 MB each: under a per-process cap of 128 MB, far over 128 MB total.
    code = r"""
import os, sys, time
kids = []
for i in range(8):
    pid = os.fork()
    if pid == 0:
        block = b'y' * (100 << 20)
        time.sleep(3)
        os._exit(0 if len(block) else 1)
    kids.append(pid)
ok = 0
for pid in kids:
    _, status = os.waitpid(pid, 0)
    ok += os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
print("HELD", ok, flush=True)
if ok == 8:
    print("ALL_HELD")
sys.exit(0 if ok == 8 else 3)
"""
    run = hostile_run(
        code, wall=60, memory_mb=128
    )  # a stalled host must not turn it into a timeout
    assert "ALL_HELD" not in run.result.stdout, run.explain()
    assert run.result.status == "memory_limit", run.explain()


def test_infinite_loop_times_out_at_the_wall_limit(
    hostile_run: HostileRunner, hostile_marker: str, hostile_host: Host
) -> None:
    run = hostile_run("while True:\n    pass\n", wall=2, args=[hostile_marker])
    r = run.result
    assert r.status == "timeout", run.explain()
    assert 1.5 <= run.elapsed <= 2 + WALL_TOLERANCE_S, run.explain()
    assert 1500 <= r.wall_ms <= (2 + WALL_TOLERANCE_S) * 1000, run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


def test_cpu_time_limit_stops_a_busy_loop_before_the_wall(
    hostile_run: HostileRunner, hostile_marker: str, hostile_host: Host
) -> None:
    # 1 CPU-second at half a CPU is about 2 s of wall time; the wall limit is 20 s.
    run = hostile_run(
        "while True:\n    pass\n", wall=20, cpu_seconds=1, cpus=0.5, args=[hostile_marker]
    )
    assert run.result.status in ("timeout", "killed"), run.explain()
    assert run.elapsed < 8, run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


def test_sleep_past_the_wall_limit_times_out(
    hostile_run: HostileRunner, hostile_marker: str, hostile_host: Host
) -> None:
    run = hostile_run("import time\ntime.sleep(60)\n", wall=2, args=[hostile_marker])
    assert run.result.status == "timeout", run.explain()
    assert run.elapsed <= 2 + WALL_TOLERANCE_S, run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


def test_sigterm_ignoring_process_is_still_killed(
    hostile_run: HostileRunner, hostile_marker: str, hostile_host: Host
) -> None:
    code = "trap '' TERM INT HUP\nwhile :; do sleep 0.2; done\n"
    run = hostile_run(code, language="bash", wall=2, args=[hostile_marker])
    assert run.result.status == "timeout", run.explain()
    assert run.elapsed <= 2 + WALL_TOLERANCE_S, run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


def test_python_sigterm_ignoring_children_are_killed(
    hostile_run: HostileRunner, hostile_marker: str, hostile_host: Host
) -> None:
    code = r"""
import os, signal, time
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(sig, signal.SIG_IGN)
for _ in range(3):
    if os.fork() == 0:
        break
end = time.time() + 30   # safety
while time.time() < end:
    time.sleep(0.1)
"""
    run = hostile_run(code, wall=2, args=[hostile_marker])
    assert run.result.status == "timeout", run.explain()
    assert run.elapsed <= 2 + WALL_TOLERANCE_S, run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


DAEMON = r"""
import os, sys, time
marker = sys.argv[1]
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        devnull = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        end = time.time() + 60          # safety: exits by itself after a minute
        while time.time() < end:
            time.sleep(0.2)
        os._exit(0)
    os._exit(0)
# A second escapee with the marker only in argv[0], started through exec.
if os.fork() == 0:
    os.setsid()
    os.execvp("sleep", [marker + "-sleeper", "60"])
time.sleep(0.3)
print("parent done", flush=True)
"""


def test_daemon_does_not_outlive_the_run(
    hostile_run: HostileRunner,
    hostile_marker: str,
    hostile_host: Host,
) -> None:
    run = hostile_run(DAEMON, wall=5, args=[hostile_marker])
    assert run.result.status in ("ok", "killed", "timeout"), run.explain()
    assert run.elapsed <= 5 + WALL_TOLERANCE_S, run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


def test_bash_nohup_setsid_daemon_is_killed(
    hostile_run: HostileRunner, hostile_marker: str, hostile_host: Host
) -> None:
    code = (
        f"nohup setsid bash -c 'exec -a {hostile_marker}-bg sleep 60' >/dev/null 2>&1 &\n"
        f"( exec -a {hostile_marker}-disowned sleep 60 ) </dev/null >/dev/null 2>&1 & disown\n"
        "echo started\n"
    )
    run = hostile_run(code, language="bash", wall=5, args=[hostile_marker])
    assert run.elapsed <= 5 + WALL_TOLERANCE_S, run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


def test_killing_the_parent_and_everything_does_not_reach_the_host(
    hostile_run: HostileRunner,
    hostile_marker: str,
    hostile_victim: subprocess.Popen[bytes],
    hostile_host: Host,
) -> None:
    code = f"""
import os, signal
victim = {hostile_victim.pid}
report = {{}}
for name, target in (("victim", victim), ("parent", os.getppid())):
    try:
        os.kill(target, signal.SIGKILL)
        report[name] = "sent"
    except OSError as exc:
        report[name] = type(exc).__name__
seen = 0
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            seen += {hostile_victim.tag!r}.encode() in open(f"/proc/{{p}}/cmdline", "rb").read()
        except OSError:
            pass
report["victim_visible"] = seen
print(__import__("json").dumps(report), flush=True)
os.kill(-1, signal.SIGKILL)
"""
    run = hostile_run(code, wall=4, args=[hostile_marker])
    assert run.elapsed <= 4 + WALL_TOLERANCE_S, run.explain()
    report = last_json(run.result.stdout)
    assert report["victim_visible"] == 0, f"host processes visible inside: {report}"
    time.sleep(0.2)
    assert hostile_victim.poll() is None, f"the host process was killed from inside: {report}"
    hostile_host.assert_no_survivors(hostile_marker)
    # And the test process itself is obviously still here; so is the bash variant's target.
    bash = hostile_run(
        "kill -9 -1; kill -9 $PPID; kill -9 1; echo after",
        language="bash",
        wall=4,
        args=[hostile_marker],
    )
    assert bash.elapsed <= 4 + WALL_TOLERANCE_S, bash.explain()
    assert hostile_victim.poll() is None
    hostile_host.assert_no_survivors(hostile_marker)


@pytest.mark.sandbox
@pytest.mark.slow
def test_sandboxed_process_runs_as_unprivileged_host_uid(
    hostile_settings: Settings, hostile_db: Database, hostile_marker: str, hostile_host: Host
) -> None:
    """Look at the running sandboxed process from the host: its real uid must not be root."""
    request = SandboxRequest(
        language="python",
        code="import time\ntime.sleep(2.5)\n",
        args=[hostile_marker],
        limits=Limits(wall_seconds=6),
    )
    box: dict = {}
    worker = threading.Thread(
        target=lambda: box.update(r=run_code(request, hostile_settings, db=hostile_db))
    )
    worker.start()
    seen: dict[int, tuple[str, str, str]] = {}
    deadline = time.monotonic() + 6
    while worker.is_alive() and time.monotonic() < deadline:
        for pid in hostile_host.marked_pids(hostile_marker):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                comm = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            fields = dict(ln.split(":", 1) for ln in status.splitlines() if ":" in ln)
            seen[pid] = (comm, fields["Uid"].split()[0], fields["CapEff"].strip())
        time.sleep(0.05)
    worker.join(10)
    interpreters = {pid: v for pid, v in seen.items() if v[0].startswith("python")}
    assert interpreters, f"never saw the sandboxed interpreter on the host: {seen}"
    for pid, (comm, uid, capeff) in interpreters.items():
        assert uid != "0", f"pid {pid} ({comm}) runs as host root: {seen}"
        assert int(capeff, 16) == 0, f"pid {pid} ({comm}) has capabilities {capeff}"
    assert box["r"].status == "ok", box["r"]


def test_a_hundred_runs_in_a_row_all_succeed(hostile_run: HostileRunner) -> None:
    """Whatever one run leaves behind (a zombie still charged to a reused pids cgroup, a
    mount, a namespace) must not make later runs fail."""
    failures = []
    for i in range(100):
        # A small process cap makes any per-run leftover in a reused cgroup show quickly.
        run = hostile_run("echo ok\n", language="bash", wall=5, max_processes=8)
        if run.result.status != "ok" or run.result.stdout != "ok\n":
            failures.append((i, run.result.status, run.result.stderr.strip()[:120]))
    assert not failures, f"{len(failures)} of 100 runs failed, first: {failures[:3]}"


# ------------------------------------------------------------------------ output


def test_unbounded_stdout_is_capped_and_flagged(
    hostile_run: HostileRunner, hostile_marker: str, hostile_host: Host
) -> None:
    code = (
        "import sys\nchunk = 'x' * 65536\n"
        "for _ in range(4000):  # safety: 256 MB at most\n"
        "    sys.stdout.write(chunk)\n"
    )
    cap = 100_000
    run = hostile_run(code, wall=10, max_output_bytes=cap, args=[hostile_marker])
    r = run.result
    assert r.status == "output_limit", run.explain()
    assert r.stdout_truncated, run.explain()
    assert 0 < len(r.stdout.encode()) <= cap, len(r.stdout)
    assert run.elapsed < 10, run.explain()  # stopped at the cap, not at the wall
    hostile_host.assert_no_survivors(hostile_marker)


def test_unbounded_stderr_is_capped_and_flagged(hostile_run: HostileRunner) -> None:
    code = "while true; do echo 'error error error error error error' >&2; done\n"
    cap = 50_000
    run = hostile_run(code, language="bash", wall=10, max_output_bytes=cap)
    r = run.result
    assert r.status == "output_limit", run.explain()
    assert r.stderr_truncated and not r.stdout_truncated, run.explain()
    assert len(r.stderr.encode()) <= cap
    assert run.elapsed < 10, run.explain()


def test_output_from_a_background_child_is_capped(
    hostile_run: HostileRunner, hostile_marker: str, hostile_host: Host
) -> None:
    # The main process exits at once; a child keeps the pipe and floods it.
    code = (
        "import os, sys\n"
        "if os.fork() == 0:\n"
        "    for _ in range(4000):  # safety: 256 MB at most\n"
        "        os.write(1, b'z' * 65536)\n"
        "    os._exit(0)\n"
    )
    cap = 100_000
    run = hostile_run(code, wall=6, max_output_bytes=cap, args=[hostile_marker])
    assert len(run.result.stdout.encode()) <= cap, run.explain()
    assert run.elapsed <= 6 + WALL_TOLERANCE_S, run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


# -------------------------------------------------------------------------- disk


def _free_mb(path: str) -> float:
    return shutil.disk_usage(path).free / 2**20


WRITE_BIG = r"""
import os, sys
target, total_mb, per_file_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
written = 0
error = ""
block = b"\0" * (1 << 20)
try:
    for n in range(total_mb // per_file_mb):
        with open(os.path.join(target, f"big{n}.bin"), "wb") as fh:
            for _ in range(per_file_mb):
                fh.write(block)
                fh.flush()
                written += 1
except OSError as exc:
    error = type(exc).__name__ + ":" + str(exc.errno)
print("WRITTEN_MB", written, "ERROR", error or "none", flush=True)
if not error:
    print("WROTE_ALL")
"""


def test_single_file_larger_than_max_file_mb_fails(hostile_run: HostileRunner) -> None:
    free_before = {p: _free_mb(p) for p in ("/", "/tmp")}
    run = hostile_run(WRITE_BIG, wall=15, max_file_mb=8, max_disk_mb=64, args=[".", "200", "200"])
    r = run.result
    assert "WROTE_ALL" not in r.stdout, run.explain()
    if "WRITTEN_MB" in r.stdout:
        written = int(r.stdout.split("WRITTEN_MB", 1)[1].split()[0])
        assert written <= 8, run.explain()
    for path, before in free_before.items():
        assert before - _free_mb(path) < 100, f"host {path} lost space: {run.explain()}"


@pytest.mark.parametrize("where", [".", "/tmp", "/dev/shm", "/dev", "/etc", "/"])
def test_every_writable_place_is_capped_by_max_disk_mb(
    hostile_run: HostileRunner, where: str
) -> None:
    """Files of 4 MB (under max_file_mb) until 200 MB: the disk cap must stop them at 16 MB.

    Wherever the sandboxed code can write (its work dir, /tmp, /dev/shm, or the
    sandbox's own root) counts towards the run's disk budget.
    """
    free_before = {p: _free_mb(p) for p in ("/", "/tmp")}
    run = hostile_run(
        WRITE_BIG, wall=15, max_file_mb=8, max_disk_mb=16, memory_mb=512, args=[where, "200", "4"]
    )
    r = run.result
    assert "WRITTEN_MB" in r.stdout, run.explain()
    written = int(r.stdout.split("WRITTEN_MB", 1)[1].split()[0])
    assert "WROTE_ALL" not in r.stdout and written <= 16 + 1, (
        f"{written} MB written to {where} with max_disk_mb=16\n{run.explain()}"
    )
    for path, before in free_before.items():
        assert before - _free_mb(path) < 100, f"host {path} lost space: {run.explain()}"


def test_max_disk_mb_is_a_total_across_writable_places(hostile_run: HostileRunner) -> None:
    """10 MB into each writable place: 40 MB in all must not fit in max_disk_mb=16."""
    code = r"""
import os
block = b"\0" * (1 << 20)
total = 0
for where in (".", "/tmp", "/dev/shm", "/dev"):
    try:
        with open(os.path.join(where, "fill.bin"), "wb") as fh:
            for _ in range(10):
                fh.write(block)
                fh.flush()
                total += 1
    except OSError:
        pass
print("TOTAL_MB", total, flush=True)
"""
    run = hostile_run(code, wall=15, max_file_mb=12, max_disk_mb=16, memory_mb=512)
    assert "TOTAL_MB" in run.result.stdout, run.explain()
    total = int(run.result.stdout.split("TOTAL_MB", 1)[1].split()[0])
    assert total <= 16 + 1, f"{total} MB written with max_disk_mb=16\n{run.explain()}"


MOUNTINFO = {
    "python": "print(open('/proc/self/mountinfo').read())\n",
    "bash": "cat /proc/self/mountinfo\n",
    "go": 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\n'
    'func main() {\n\tb, _ := os.ReadFile("/proc/self/mountinfo")\n'
    "\tfmt.Print(string(b))\n}\n",
    "java": (
        "import java.nio.file.*;\n"
        "public class Main {\n    public static void main(String[] a) throws Exception {\n"
        '        System.out.print(Files.readString(Path.of("/proc/self/mountinfo")));\n'
        "    }\n}\n"
    ),
}
# Writable places a program may have: its scratch areas and the usual device nodes.
ALLOWED_RW = {
    "/work",
    "/tmp",
    "/dev/shm",
    "/dev/pts",
    "/proc",
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
    "/dev/mqueue",
}


@pytest.mark.parametrize("language", sorted(MOUNTINFO))
def test_only_scratch_areas_are_writable(hostile_run: HostileRunner, language: str) -> None:
    """Nothing the host keeps (compile cache, DEVLAB_HOME, source tree) is mounted writable.

    A writable compile cache would let one run poison the binaries of the next.
    """
    if language in ("go", "java"):  # fill the compile cache first, then look from a run
        hostile_run(MOUNTINFO[language], language=language, wall=60)
    run = hostile_run(MOUNTINFO[language], language=language, wall=60)
    assert run.result.status == "ok", run.explain()
    writable = set()
    for line in run.result.stdout.splitlines():
        fields = line.split()
        if len(fields) > 5 and "rw" in fields[5].split(","):
            writable.add(fields[4])
    assert writable <= ALLOWED_RW, f"writable mounts beyond the scratch areas: {writable}"
    assert {"/work", "/tmp"} & writable


# ----------------------------------------------------------------- reading secrets


READ_PROBE = r"""
import json, os, sys
report = {}
for path in json.loads(sys.argv[1]):
    path = os.path.expanduser(path)
    try:
        if os.path.isdir(path):
            report[path] = "LISTED:" + ",".join(sorted(os.listdir(path)))[:500]
        else:
            with open(path, "rb") as fh:
                report[path] = "READ:" + fh.read(4096).decode("latin-1")
    except OSError as exc:
        report[path] = "DENIED:" + type(exc).__name__
print(json.dumps(report))
"""


def test_cannot_read_shadow_devlab_home_or_host_home(
    hostile_run: HostileRunner,
    hostile_settings: Settings,
    hostile_root_sentinel: tuple[Path, str],
    tmp_path: Path,
) -> None:
    sentinel, secret = hostile_root_sentinel
    db_path = hostile_settings.home / "devlab.db"
    assert db_path.is_file()  # created by the hostile_db fixture
    home_secret = f"home-secret-{uuid.uuid4().hex}"
    (hostile_settings.home / "secret.txt").write_text(home_secret)
    tmp_secret = f"tmp-secret-{uuid.uuid4().hex}"
    (tmp_path / "host-tmp-secret.txt").write_text(tmp_secret)
    targets = [
        "/etc/shadow",
        "/etc/gshadow",
        str(db_path),
        str(hostile_settings.home),
        str(hostile_settings.home / "secret.txt"),
        str(sentinel),
        "/root",
        "/root/.ssh",
        "~/.ssh",
        str(tmp_path / "host-tmp-secret.txt"),
    ]
    run = hostile_run(READ_PROBE, wall=5, args=[json.dumps(targets)])
    report = last_json(run.result.stdout)
    everything = run.result.stdout + run.result.stderr
    for secret_text in (secret, home_secret, tmp_secret):
        assert secret_text not in everything, f"secret leaked: {report}"
    shadow = Path("/etc/shadow").read_text()
    root_line = next(ln for ln in shadow.splitlines() if ln.startswith("root:"))
    assert root_line not in everything, f"/etc/shadow readable: {report}"
    for path in targets:
        got = report[os.path.expanduser(path) if path.startswith("~") else path]
        assert got.startswith("DENIED:") or got in ("LISTED:", "LISTED:."), f"{path} -> {got[:200]}"


ENV_PROBE = r"""
import json, os
report = {"self": dict(os.environ)}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            report[pid] = open(f"/proc/{pid}/environ", "rb").read().decode("latin-1")
        except OSError as exc:
            report[pid] = "DENIED:" + type(exc).__name__
print(json.dumps(report))
"""


def test_host_environment_does_not_leak(
    hostile_run: HostileRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not in the program's environment, nor in any process's /proc/PID/environ inside."""
    secret = f"env-secret-{uuid.uuid4().hex}"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.setenv("DEVLAB_DATABASE_PASSWORD_FOR_TEST", secret)
    run = hostile_run(ENV_PROBE, wall=5)
    assert run.result.status == "ok", run.explain()
    report = last_json(run.result.stdout)
    leaks = sorted(pid for pid, env in report.items() if secret in json.dumps(env))
    assert not leaks, f"host secrets readable inside via /proc/{{{','.join(leaks)}}}/environ"
    assert "DEVLAB_HOME" not in run.result.stdout, "host DEVLAB_* variables visible inside"


def test_no_host_unix_socket_is_reachable(hostile_run: HostileRunner) -> None:
    """Abstract sockets are per network namespace; path sockets in /run must be out of view."""
    tag = uuid.uuid4().hex[:12]
    abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract.bind("\0devlab-hostile-" + tag)
    abstract.listen(4)
    run_path = Path("/run") / f"devlab-hostile-{tag}.sock"
    pathsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    pathsock.bind(str(run_path))
    os.chmod(run_path, 0o777)
    pathsock.listen(4)
    for s in (abstract, pathsock):
        s.settimeout(0.5)
    targets = [
        "\0devlab-hostile-" + tag,
        str(run_path),
        "/run/postgresql/.s.PGSQL.5432",
        "/var/run/docker.sock",
        "/run/dbus/system_bus_socket",
    ]
    code = r"""
import json, socket, sys
report = {}
for addr in json.loads(sys.argv[1]):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(1)
    try:
        s.connect(addr)
        report[repr(addr)] = "CONNECTED"
    except OSError as exc:
        report[repr(addr)] = "FAILED:" + type(exc).__name__
    finally:
        s.close()
print(json.dumps(report))
"""
    try:
        run = hostile_run(code, wall=5, args=[json.dumps(targets)])
        accepted = []
        for s in (abstract, pathsock):
            with contextlib.suppress(TimeoutError):
                accepted.append(s.accept())
    finally:
        abstract.close()
        pathsock.close()
        run_path.unlink(missing_ok=True)
    report = last_json(run.result.stdout)
    assert not accepted, f"a host socket accepted a connection from the sandbox: {report}"
    assert all(v.startswith("FAILED") for v in report.values()), report


# ------------------------------------------------------------------ writing outside


WRITE_PROBE = r"""
import json, os, sys
report = {}
for path in json.loads(sys.argv[1]):
    try:
        with open(path, "a") as fh:
            fh.write("pwned\n")
        report[path] = "WROTE"
    except OSError as exc:
        report[path] = "DENIED:" + type(exc).__name__
for path in ("/etc/passwd", "/usr/bin/env"):
    for name, action in (("chmod", lambda p: os.chmod(p, 0o777)),
                         ("utime", lambda p: os.utime(p, (0, 0))),
                         ("truncate", lambda p: os.truncate(p, 0))):
        try:
            action(path)
            report[f"{name} {path}"] = "DONE"
        except OSError as exc:
            report[f"{name} {path}"] = "DENIED:" + type(exc).__name__
print(json.dumps(report))
"""


def test_writes_outside_the_work_dir_do_not_reach_the_host(
    hostile_run: HostileRunner,
    hostile_settings: Settings,
    hostile_marker: str,
    tmp_path: Path,
    hostile_host: Host,
) -> None:
    name = f"{hostile_marker}.txt"
    host_targets = [
        f"/usr/{name}",
        f"/etc/{name}",
        f"/tmp/{name}",
        f"/var/tmp/{name}",
        f"/dev/shm/{name}",
        f"/root/{name}",
        str(hostile_settings.home / name),
        str(tmp_path / name),
        str(Path(__file__).resolve().parent / name),
        "/etc/passwd",
        "/usr/bin/env",
    ]
    before = {p: hostile_host.snap(p) for p in [*host_targets, *SYSTEM_FILES]}
    try:
        run = hostile_run(WRITE_PROBE, wall=5, args=[json.dumps(host_targets)])
        report = last_json(run.result.stdout)
        changed = [p for p, snap in before.items() if not snap.unchanged()]
        assert not changed, f"host files changed: {changed}; inside: {report}"
        for path in ("/etc/passwd", "/usr/bin/env", f"/usr/{name}"):
            assert report[path].startswith("DENIED"), report
        for key, value in report.items():
            if key.startswith(("chmod", "utime", "truncate")):
                assert value.startswith("DENIED"), report
    finally:
        for p in host_targets:
            if not before[p].exists:
                with contextlib.suppress(OSError):
                    os.unlink(p)


def test_work_dir_is_gone_after_the_run(
    hostile_run: HostileRunner, hostile_marker: str, hostile_settings: Settings
) -> None:
    name = f"{hostile_marker}-left-behind"
    run = hostile_run(f"open({name!r}, 'w').write('x')\nopen('/tmp/' + {name!r}, 'w')\n", wall=5)
    assert run.result.status == "ok", run.explain()
    roots = ["/tmp", "/var/tmp", "/dev/shm", str(hostile_settings.home)]
    found = subprocess.run(
        ["find", *roots, "-xdev", "-name", name], capture_output=True, text=True, timeout=60
    ).stdout.split()
    assert not found, f"run files left on the host: {found}"


# ---------------------------------------------------------------- symlink escapes


SYMLINK_PROBE = r"""
import json, os, sys
sentinel, home, marker = sys.argv[1], sys.argv[2], sys.argv[3]
report = {}
def attempt(name, fn):
    try:
        report[name] = "OK:" + str(fn())[:300]
    except OSError as exc:
        report[name] = "DENIED:" + type(exc).__name__
os.symlink("/etc/passwd", "passwd-link")
os.symlink("../../../../../../../..", "up")
os.symlink(sentinel, "sentinel-link")
os.symlink(home, "home-link")
os.symlink("/tmp", "tmp-link")
attempt("write passwd via link", lambda: open("passwd-link", "a").write("pwned\n"))
attempt("read sentinel via link", lambda: open("sentinel-link").read())
attempt("read sentinel via up", lambda: open("up" + sentinel).read())
attempt("list home via link", lambda: os.listdir("home-link"))
attempt("read db via up", lambda: open("up" + home + "/devlab.db", "rb").read(16))
attempt("write etc via up", lambda: open("up/etc/" + marker, "w").write("x"))
attempt("write usr via up", lambda: open("up/usr/" + marker, "w").write("x"))
attempt("write home via up", lambda: open("up" + home + "/" + marker, "w").write("x"))
attempt("write tmp via link", lambda: open("tmp-link/" + marker, "w").write("x"))
attempt("list root via up", lambda: os.listdir("up/root"))
print(json.dumps(report))
"""


def test_symlink_escapes_from_the_work_dir(
    hostile_run: HostileRunner,
    hostile_settings: Settings,
    hostile_marker: str,
    hostile_root_sentinel: tuple[Path, str],
    hostile_host: Host,
) -> None:
    sentinel, secret = hostile_root_sentinel
    home = str(hostile_settings.home)
    passwd = hostile_host.snap("/etc/passwd")
    run = hostile_run(SYMLINK_PROBE, wall=5, args=[str(sentinel), home, hostile_marker])
    report = last_json(run.result.stdout)
    assert secret not in run.result.stdout, report
    assert passwd.unchanged()
    # "write etc via up" may land in the sandbox's own /etc; only the host check matters.
    for key in (
        "write passwd via link",
        "read sentinel via link",
        "read sentinel via up",
        "list home via link",
        "read db via up",
        "write usr via up",
        "write home via up",
        "list root via up",
    ):
        assert report[key].startswith("DENIED") or report[key] == "OK:[]", (key, report)
    for host_path in (
        f"/etc/{hostile_marker}",
        f"/usr/{hostile_marker}",
        f"{home}/{hostile_marker}",
        f"/tmp/{hostile_marker}",
    ):
        assert not os.path.exists(host_path), f"{host_path} created on the host: {report}"


def test_collected_files_do_not_follow_symlinks_out(
    hostile_run: HostileRunner, hostile_settings: Settings, hostile_root_sentinel: tuple[Path, str]
) -> None:
    """The host-side collector must not read a link the sandboxed code planted."""
    sentinel, secret = hostile_root_sentinel
    home_secret = f"home-secret-{uuid.uuid4().hex}"
    (hostile_settings.home / "secret.txt").write_text(home_secret)
    code = (
        "import os, sys\n"
        "os.symlink(sys.argv[1], 'leak-root.txt')\n"
        "os.symlink(sys.argv[2], 'leak-home.txt')\n"
        "os.symlink('/etc/shadow', 'leak-shadow.txt')\n"
        "os.symlink(os.path.dirname(sys.argv[2]), 'leak-dir')\n"
        "open('honest.txt', 'w').write('made inside')\n"
    )
    run = hostile_run(
        code,
        wall=5,
        collect_files=True,
        args=[str(sentinel), str(hostile_settings.home / "secret.txt")],
    )
    assert run.result.status == "ok", run.explain()
    collected = json.dumps(run.result.files)
    assert secret not in collected and home_secret not in collected, collected[:2000]
    shadow_root = next(
        ln for ln in Path("/etc/shadow").read_text().splitlines() if ln.startswith("root:")
    )
    assert shadow_root not in collected
    assert run.result.files.get("honest.txt") == "made inside", run.result.files.keys()


def test_collecting_files_survives_a_fifo_and_a_huge_file(hostile_run: HostileRunner) -> None:
    code = (
        "import os\n"
        "os.mkfifo('pipe')\n"
        "with open('huge.txt', 'w') as fh:\n"
        "    fh.write('h' * (40 << 20))\n"
        "open('small.txt', 'w').write('small')\n"
    )
    done: dict = {}
    worker = threading.Thread(
        target=lambda: done.update(run=hostile_run(code, wall=10, collect_files=True)), daemon=True
    )
    worker.start()
    worker.join(10 + 20)
    assert "run" in done, "collecting files hung (a FIFO in the work dir?)"
    run = done["run"]
    assert run.result.status == "ok", run.explain()
    total = sum(len(v.encode()) for v in run.result.files.values())
    assert total < 40 << 20, f"collected {total} bytes: files are not size-capped"


def test_request_file_paths_cannot_escape(
    hostile_run: HostileRunner, hostile_marker: str, hostile_settings: Settings
) -> None:
    evil = {
        f"../../../../../../../../tmp/{hostile_marker}-a": "x",
        f"/tmp/{hostile_marker}-b": "x",
        f"sub/../../../../../../../tmp/{hostile_marker}-c": "x",
    }
    for path, body in evil.items():
        try:
            hostile_run(None, wall=5, files={path: body, "main.py": "print(1)"}, entry="main.py")
        except DevLabError as exc:
            assert exc.status_code < 500, exc
    for suffix in "abc":
        assert not os.path.exists(f"/tmp/{hostile_marker}-{suffix}")
    assert not list(hostile_settings.home.parent.rglob(f"{hostile_marker}*"))


@pytest.mark.parametrize("language", ["python", "bash", "java"])
def test_shell_metacharacters_in_args_and_names_are_inert(
    hostile_run: HostileRunner, hostile_marker: str, language: str
) -> None:
    """DevLab starts the sandbox through a host-side launcher: nothing a request carries
    may be interpreted by a shell there (or anywhere)."""
    host_file = f"/tmp/{hostile_marker}-injected"
    evil = [
        f"$(touch {host_file})",
        f"`touch {host_file}`",
        f"; touch {host_file}",
        f"' ; touch {host_file} ; '",
        f'" ; touch {host_file} ; "',
        "--help",
        "*",
    ]
    programs = {
        "python": ("import sys\nprint('\\n'.join(sys.argv[1:]))\n", "x$(id).py"),
        "bash": ("printf '%s\\n' \"$@\"\n", "x;id`id`.sh"),
        "java": (
            "public class Main { public static void main(String[] a) "
            "{ for (String s : a) System.out.println(s); } }\n",
            None,
        ),
    }
    code, name = programs[language]
    kwargs = {"files": {name: code}, "entry": name} if name else {}
    run = hostile_run(None if name else code, language=language, wall=60, args=evil, **kwargs)
    assert not os.path.exists(host_file), f"a launcher ran a shell command: {run.explain()}"
    assert run.result.status == "ok", run.explain()
    assert run.result.stdout.splitlines() == evil, run.explain()


# ------------------------------------------------------------------------ network


NET_PROBE = r"""
import json, socket, sys, time
report = {}
port = int(sys.argv[1])
for host in json.loads(sys.argv[2]):
    t0 = time.monotonic()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect((host, port))
        report["tcp " + host] = "CONNECTED"
    except OSError as exc:
        report["tcp " + host] = "FAILED:" + type(exc).__name__
    finally:
        s.close()
    report["tcp_s " + host] = round(time.monotonic() - t0, 3)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.sendto(b"hello from the sandbox", (host, port))
        report["udp " + host] = "SENT"
    except OSError as exc:
        report["udp " + host] = "FAILED:" + type(exc).__name__
    finally:
        u.close()
print(json.dumps(report))
"""


def _host_addresses() -> list[str]:
    addrs = {"127.0.0.1"}
    out = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if "inet" in parts:
            addrs.add(parts[parts.index("inet") + 1].split("/")[0])
    return sorted(addrs)


def test_cannot_reach_a_host_loopback_or_lan_listener(hostile_run: HostileRunner) -> None:
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("0.0.0.0", 0))
    port = tcp.getsockname()[1]
    tcp.listen(8)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("0.0.0.0", port))
    arrived: list[str] = []

    def listen() -> None:
        tcp.settimeout(0.2)
        udp.settimeout(0.2)
        end = time.monotonic() + 12
        while time.monotonic() < end and not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                conn, peer = tcp.accept()
                arrived.append(f"tcp from {peer}")
                conn.close()
            with contextlib.suppress(TimeoutError, OSError):
                _, peer = udp.recvfrom(100)
                arrived.append(f"udp from {peer}")

    stop = threading.Event()
    listener = threading.Thread(target=listen)
    listener.start()
    try:
        addrs = _host_addresses()
        run = hostile_run(NET_PROBE, wall=8, args=[str(port), json.dumps(addrs)])
        time.sleep(0.5)
    finally:
        stop.set()
        listener.join()
        tcp.close()
        udp.close()
    report = last_json(run.result.stdout)
    assert not arrived, f"the host listener saw traffic from the sandbox: {arrived}; {report}"
    for host in addrs:
        assert report[f"tcp {host}"].startswith("FAILED"), report


def test_public_address_is_unreachable_and_fails_fast(hostile_run: HostileRunner) -> None:
    code = r"""
import json, socket, time
report = {}
for host, port in (("1.1.1.1", 53), ("8.8.8.8", 443), ("2606:4700:4700::1111", 53)):
    t0 = time.monotonic()
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect((host, port))
        report[host] = "CONNECTED"
    except OSError as exc:
        report[host] = "FAILED:" + type(exc).__name__
    report[host + " s"] = round(time.monotonic() - t0, 3)
    s.close()
try:
    socket.getaddrinfo("example.org", 443)
    report["dns"] = "RESOLVED"
except OSError as exc:
    report["dns"] = "FAILED:" + type(exc).__name__
print(json.dumps(report))
"""
    run = hostile_run(code, wall=15)
    report = last_json(run.result.stdout)
    for host in ("1.1.1.1", "8.8.8.8", "2606:4700:4700::1111"):
        assert report[host].startswith("FAILED"), report
        assert report[host + " s"] < 1.0, f"connect to {host} did not fail fast: {report}"
    assert report["dns"].startswith("FAILED"), report


# ------------------------------------------------------------- privileges, syscalls


def test_unprivileged_uid_no_capabilities_and_seccomp(hostile_run: HostileRunner) -> None:
    code = (
        "import json, os\n"
        "status = dict(l.split(':', 1) for l in open('/proc/self/status') if ':' in l)\n"
        "print(json.dumps({'uid': os.getuid(), 'euid': os.geteuid(), 'gid': os.getgid(),\n"
        "    **{k: status[k].strip() for k in ('CapInh', 'CapPrm', 'CapEff', 'CapBnd',\n"
        "       'CapAmb', 'NoNewPrivs', 'Seccomp')}}))\n"
    )
    run = hostile_run(code, wall=5)
    report = last_json(run.result.stdout)
    assert report["uid"] != 0 and report["euid"] != 0 and report["gid"] != 0, report
    for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert int(report[cap], 16) == 0, report
    assert report["NoNewPrivs"] == "1", report
    assert report["Seccomp"] == "2", f"no seccomp filter in force: {report}"
    bash = hostile_run("id -u; grep CapEff /proc/self/status", language="bash", wall=5)
    uid_line, cap_line = bash.result.stdout.split("\n")[:2]
    assert uid_line.strip() != "0", bash.explain()
    assert int(cap_line.split()[1], 16) == 0, bash.explain()


SYSCALL_PROBE = r"""
import ctypes, errno, json, os, platform, time
NR = {
    "x86_64": {"ptrace": 101, "unshare": 272, "mount": 165, "keyctl": 250, "add_key": 248,
               "bpf": 321, "perf_event_open": 298, "setns": 308, "kexec_load": 246,
               "init_module": 175, "finit_module": 313, "io_uring_setup": 425},
    "aarch64": {"ptrace": 117, "unshare": 97, "mount": 40, "keyctl": 219, "add_key": 217,
                "bpf": 280, "perf_event_open": 241, "setns": 268, "kexec_load": 104,
                "init_module": 105, "finit_module": 273, "io_uring_setup": 425},
}[platform.machine()]
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
c = ctypes.c_char_p
def call(name, *args):
    ctypes.set_errno(0)
    ret = libc.syscall(NR[name], *args)
    if ret == -1:
        return errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))
    return "OK:%d" % ret
out = {}
child = os.fork()
if child == 0:
    time.sleep(5)
    os._exit(0)
out["ptrace_attach_child"] = call("ptrace", 16, child, None, None)
out["ptrace_attach_pid1"] = call("ptrace", 16, 1, None, None)
out["ptrace_seize_child"] = call("ptrace", 0x4206, child, None, None)
os.kill(child, 9)
os.waitpid(child, 0)
grandchild = os.fork()
if grandchild == 0:
    r = call("ptrace", 0, 0, None, None)
    os.write(1, (json.dumps({"ptrace_traceme": r}) + "\n").encode())
    os._exit(0)
os.waitpid(grandchild, 0)
out["unshare_user"] = call("unshare", 0x10000000)
out["unshare_mount"] = call("unshare", 0x00020000)
out["unshare_net"] = call("unshare", 0x40000000)
out["mount"] = call("mount", c(b"none"), c(b"/tmp"), c(b"tmpfs"), ctypes.c_ulong(0), None)
out["keyctl"] = call("keyctl", 1, None)
out["add_key"] = call("add_key", c(b"user"), c(b"devlab"), c(b"v"), 1, ctypes.c_int(-2))
out["bpf"] = call("bpf", 0, ctypes.create_string_buffer(128), 72)
out["perf_event_open"] = call("perf_event_open", ctypes.create_string_buffer(128), 0, -1, -1, 0)
out["setns"] = call("setns", os.open("/proc/self/ns/net", os.O_RDONLY), 0)
out["kexec_load"] = call("kexec_load", 0, 0, None, 0)
out["init_module"] = call("init_module", None, 0, c(b""))
out["finit_module"] = call("finit_module", -1, c(b""), 0)
out["io_uring_setup"] = call("io_uring_setup", 1, ctypes.create_string_buffer(120))
print(json.dumps(out), flush=True)
"""


def test_dangerous_syscalls_fail_with_eperm(
    hostile_run: HostileRunner, hostile_marker: str, hostile_host: Host
) -> None:
    run = hostile_run(SYSCALL_PROBE, wall=8, args=[hostile_marker])
    lines = [json.loads(ln) for ln in run.result.stdout.splitlines() if ln.startswith("{")]
    assert lines, f"the probe died before reporting: {run.explain()}"
    report = {k: v for line in lines for k, v in line.items()}
    assert "ptrace_traceme" in report and "io_uring_setup" in report, report
    not_denied = {k: v for k, v in report.items() if v != "EPERM"}
    assert not not_denied, f"syscalls not refused with EPERM: {not_denied}"
    assert run.result.status == "ok", run.explain()
    hostile_host.assert_no_survivors(hostile_marker)


# ---------------------------------------------------------------------- streaming


@pytest.mark.sandbox
@pytest.mark.slow
def test_abandoned_stream_kills_the_run(
    hostile_settings: Settings, hostile_db: Database, hostile_marker: str, hostile_host: Host
) -> None:
    """A client that goes away (generator closed) must not leave the program running."""
    code = "import time\nwhile True:\n    print('tick', flush=True)\n    time.sleep(0.1)\n"
    request = SandboxRequest(
        language="python", code=code, args=[hostile_marker], limits=Limits(wall_seconds=30)
    )

    async def consume() -> list[dict]:
        events = []
        stream = stream_code(request, hostile_settings, db=hostile_db)
        async for event in stream:
            events.append(event)
            if len(events) >= 2:
                break
        await stream.aclose()
        return events

    t0 = time.monotonic()
    events = asyncio.run(consume())
    assert events, "no output streamed"
    left = hostile_host.wait_no_marked(hostile_marker, timeout=5)
    assert not left, f"the run survived its client: {hostile_host.describe_pids(left)}"
    assert time.monotonic() - t0 < 15


def test_host_processes_are_invisible(
    hostile_run: HostileRunner, hostile_victim: subprocess.Popen[bytes]
) -> None:
    code = (
        "import os\n"
        "pids = [p for p in os.listdir('/proc') if p.isdigit()]\n"
        "print('COUNT', len(pids))\n"
        "for p in pids:\n"
        "    try:\n"
        "        print(open(f'/proc/{p}/cmdline', 'rb').read().replace(b'\\0', b' ').decode())\n"
        "    except OSError:\n"
        "        pass\n"
    )
    run = hostile_run(code, wall=5)
    assert run.result.status == "ok", run.explain()
    assert hostile_victim.tag not in run.result.stdout  # type: ignore[attr-defined]
    count = int(run.result.stdout.split("COUNT", 1)[1].split()[0])
    assert count <= 4, f"{count} processes visible inside:\n{run.result.stdout[:2000]}"
