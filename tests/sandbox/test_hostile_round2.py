"""Hardening round two (issue 13): each repro of what an attacker found, and its variants.

Sandbox cases are marked ``sandbox``; each asserts the fix at its root (a cap,
a refused syscall, a linear parser) rather than the exact repro only.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devlab.config import Settings, load_settings
from devlab.errors import ComponentUnavailable
from devlab.sandbox import Limits, SandboxRequest, SourceTooLarge, run_code
from devlab.sandbox import bwrap as bwrap_mod
from devlab.sandbox.cgroups import cgroup_pool
from devlab.sandbox.errors import BadFileName
from devlab.sandbox.languages import _java_class, java_filename
from devlab.sandbox.reports import parse_go_verbose, parse_tap
from helpers import serve_in_thread


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _cgroups_left() -> list[str]:
    """Run cgroups that are in use, or that the pool no longer tracks (leaked)."""
    pool = cgroup_pool()
    tracked = {d for group in pool._all + pool._retired for d in group.dirs.values()}
    free = {d for group in pool._free for d in group.dirs.values()}
    left = []
    for root in pool.roots.values():
        for d in root.iterdir():
            if d.is_dir() and (
                d not in tracked or d not in free or (d / "cgroup.procs").read_text().strip()
            ):
                left.append(str(d))
    return left


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home")


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    yield from serve_in_thread(settings)


def _hello(settings: Settings) -> None:
    result = run_code(SandboxRequest(language="python", code="print('hello world')"), settings)
    assert result.status == "ok" and result.stdout == "hello world\n", result


# ------------------------------------------------------------ 1. fd flood, caps


@pytest.mark.slow
@pytest.mark.sandbox
def test_file_flood_is_refused_with_413_and_the_server_keeps_working(server: str) -> None:
    url = f"http://{server}/api/v1/devlab/execute"
    httpx.post(url, json={"language": "python", "code": "print(1)"}, timeout=60)  # warm up
    fds = _fds()
    files = {f"f{i}.py": "" for i in range(25_000)}
    files["main.py"] = "print('x')"
    resp = httpx.post(
        url, json={"language": "python", "files": files, "entry": "main.py"}, timeout=60
    )
    assert resp.status_code == 413, resp.text
    assert "sandbox_max_files" in resp.json()["error"]
    assert _fds() <= fds + 2 and not _cgroups_left()
    ok = httpx.post(url, json={"language": "python", "code": "print('hello world')"}, timeout=60)
    assert ok.status_code == 200 and ok.json()["stdout"] == "hello world\n", ok.text


def test_file_names_count_toward_the_byte_cap(tmp_path: Path) -> None:
    cfg = load_settings(home=tmp_path / "home", sandbox_max_source_bytes=10_000)
    files = {f"{'n' * 200}{i}.py": "" for i in range(60)}  # 12 KB of names, 0 bytes of code
    with pytest.raises(SourceTooLarge, match="sandbox_max_source_bytes") as err:
        run_code(SandboxRequest(language="python", files=files, code="print(1)"), cfg)
    assert err.value.status_code == 413
    too_many = load_settings(home=tmp_path / "h2", sandbox_max_files=3)
    with pytest.raises(SourceTooLarge, match="sandbox_max_files"):
        run_code(
            SandboxRequest(
                language="python", code="print(1)", files={"a.py": "", "b.py": "", "c.py": ""}
            ),
            too_many,
        )


@pytest.mark.sandbox
def test_an_error_half_way_through_the_spawn_releases_every_fd_and_cgroup(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    _hello(settings)  # warm: template, seccomp, cgroup pool
    fds = _fds()
    real = os.memfd_create
    calls = {"n": 0}

    def failing(name: str, flags: int = 0) -> int:
        calls["n"] += 1
        if calls["n"] > 5:
            raise OSError(24, "Too many open files")
        return real(name, flags)

    monkeypatch.setattr(bwrap_mod.os, "memfd_create", failing)
    files = {f"f{i}.py": "x = 1\n" for i in range(20)}
    with pytest.raises(ComponentUnavailable, match="Too many open files") as err:
        run_code(SandboxRequest(language="python", code="print(1)", files=files), settings)
    assert err.value.status_code == 503
    monkeypatch.setattr(bwrap_mod.os, "memfd_create", real)
    assert _fds() == fds, "an fd opened before the failure was left open"
    assert not _cgroups_left()
    _hello(settings)


# ------------------------------------------------------- 2. linear parsing, health


def test_report_parsers_are_linear_on_hostile_text() -> None:
    hostile = [
        "ok 1 - " + " " * 200_000 + "x",
        "not ok 1 - a" + " \t" * 100_000 + "#",
        "ok 1 - " + "# " * 100_000,
        " " * 200_000 + "ok",
        "ok " + "1" * 200_000,
    ]
    for text in hostile:
        start = time.perf_counter()
        parse_tap("\n".join([text] * 20))
        assert time.perf_counter() - start < 1.0, text[:40]
    block = "not ok 1 - t\n  ---\n  error: |-\n" + ("  " + "a" * 50_000 + "\n") * 100
    start = time.perf_counter()
    [case] = parse_tap(block)
    assert case.outcome == "failed" and time.perf_counter() - start < 1.0
    go = "=== RUN   " + " " * 200_000 + "\n    --- FAIL:" + " " * 200_000
    start = time.perf_counter()
    parse_go_verbose(go * 10)
    assert time.perf_counter() - start < 1.0


def test_tap_parser_still_reads_names_directives_and_errors() -> None:
    tap = (
        "ok 1 - adds  # SKIP not today\nnot ok 2 - divides\n  ---\n  error: |-\n"
        "    boom\n  code: 'ERR'\n  ...\nok 3 - has # inside\nnot ok 4 - one\n"
        "  ---\n  error: 'bad value'\n  ...\n"
    )
    got = [(t.name, t.outcome, t.message) for t in parse_tap(tap)]
    assert got == [
        ("adds", "skipped", ""),
        ("divides", "failed", "boom"),
        ("has # inside", "passed", ""),
        ("one", "failed", "bad value"),
    ]


def test_java_name_detection_is_linear_and_still_correct() -> None:
    src = "\n" * 60_000 + "package a.b;\n" + "public " * 50_000 + "\npublic final class Foo{}"
    start = time.perf_counter()
    assert _java_class("Foo.java", src) == "a.b.Foo"
    assert java_filename(src, "Main.java") == "Foo.java"
    assert java_filename("  public\n\tclass Box<T> {}", "Main.java") == "Box.java"
    assert java_filename("class Hidden {}", "Main.java") == "Main.java"
    assert time.perf_counter() - start < 1.0


@pytest.mark.sandbox
@pytest.mark.slow
def test_health_answers_while_hostile_output_is_processed(server: str) -> None:
    url = f"http://{server}/api/v1/devlab/execute"
    spaces = "' '.repeat(100000)"
    js = (
        "const test = require('node:test');\n"
        f"for (let i = 0; i < 10; i++) test({spaces} + i + {spaces}, () => {{}});\n"
    )
    java = "\n" * 60_000 + "public class Main { public static void main(String[] a) {} }\n"
    jobs = [
        {
            "language": "javascript",
            "mode": "test",
            "files": {"main.test.js": js},
            "limits": {"max_output_bytes": 8_000_000},
        },
        {"language": "java", "code": java},
    ]
    results: list[httpx.Response] = []

    def send() -> None:
        for body in jobs:
            results.append(httpx.post(url, json=body, timeout=120))

    worker = threading.Thread(target=send)
    worker.start()
    slowest = 0.0
    while worker.is_alive():
        start = time.perf_counter()
        assert httpx.get(f"http://{server}/api/v1/health", timeout=10).status_code == 200
        slowest = max(slowest, time.perf_counter() - start)
        time.sleep(0.05)
    worker.join()
    assert slowest < 1.0, f"health took {slowest:.2f} s while output was parsed"
    assert [r.status_code for r in results] == [200, 200], [r.text[:300] for r in results]
    tests = results[0].json()["tests"]
    assert len(tests) == 10 and all(t["outcome"] == "passed" for t in tests)
    assert results[1].json()["status"] == "ok", results[1].text[:500]


# ---------------------------------------------------------------- 3. seccomp

SOCKET_PROBE = r"""
import json, socket
families = {"AF_UNSPEC": 0, "AF_UNIX": 1, "AF_INET": 2, "AF_INET6": 10, "AF_NETLINK": 16,
            "AF_PACKET": 17, "AF_ALG": 38, "AF_VSOCK": 40, "AF_BLUETOOTH": 31, "AF_XDP": 44,
            "AF_KEY": 15, "AF_TIPC": 30, "AF_APPLETALK": 5}
out = {}
for name, fam in families.items():
    kind = socket.SOCK_DGRAM if fam in (16, 15, 5) else socket.SOCK_STREAM
    if fam in (17, 44):
        kind = socket.SOCK_RAW
    try:
        socket.socket(fam, kind).close()
        out[name] = "created"
    except OSError as exc:
        out[name] = exc.errno
pairs = {}
for name, fam in (("AF_UNIX", 1), ("AF_INET", 2), ("AF_VSOCK", 40)):
    try:
        a, b = socket.socketpair(fam, socket.SOCK_STREAM)
        pairs[name] = "created"
    except OSError as exc:
        pairs[name] = exc.errno
print(json.dumps({"socket": out, "pair": pairs}))
"""


@pytest.mark.sandbox
def test_socket_families_other_than_unix_and_inet_are_refused(settings: Settings) -> None:
    import errno
    import json

    r = run_code(SandboxRequest(language="python", code=SOCKET_PROBE), settings)
    assert r.status == "ok", r.stderr
    report = json.loads(r.stdout)
    for name in ("AF_UNIX", "AF_INET", "AF_INET6"):
        assert report["socket"][name] == "created", report
    for name, got in report["socket"].items():
        if name not in ("AF_UNIX", "AF_INET", "AF_INET6"):
            assert got == errno.EAFNOSUPPORT, (name, got)
    assert report["pair"]["AF_UNIX"] == "created"
    assert report["pair"]["AF_INET"] != "created" and report["pair"]["AF_VSOCK"] != "created"


FORGE_VERDICT = r"""
import ctypes, json, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
me = os.getpid()
tried = []
others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != me]
for target in [1, os.getppid(), *others]:
    pidfd = libc.syscall(434, target, 0)          # pidfd_open
    tried.append(("pidfd_open", target, pidfd, ctypes.get_errno()))
    for fd in range(0, 64):
        got = libc.syscall(438, max(pidfd, 0), fd, 0)   # pidfd_getfd
        if got >= 0 and target != me:
            os.write(got, (1).to_bytes(8, "little"))    # exit status 0 for bwrap
            tried.append(("stole", fd))
for pid in others:
    # bwrap's own pid 1 was a process of the sandbox's uid and dumpable: its eventfd
    # could be reopened, and its code rewritten through /proc/PID/mem to report 0.
    try:
        os.close(os.open(f"/proc/{pid}/mem", os.O_RDWR))
        tried.append(("mem", pid))
    except OSError:
        pass
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        fds = []
    for n in fds:
        try:
            w = os.open(f"/proc/{pid}/fd/{n}", os.O_WRONLY)
            os.write(w, (1).to_bytes(8, "little"))
            tried.append(("reopened", pid, n))
        except OSError:
            pass
    try:
        efd = next(int(n) for n in os.listdir(f"/proc/{pid}/fd")
                   if "eventfd" in os.readlink(f"/proc/{pid}/fd/{n}"))
        pc = int(open(f"/proc/{pid}/syscall").read().split()[-1], 16)
        # write(efd, &one, 8); exit(0): runs when pid's blocked syscall returns
        code = (b"\xbf" + struct.pack("<I", efd) + b"\x48\x8d\x35\x15\x00\x00\x00"
                b"\xba\x08\x00\x00\x00\xb8\x01\x00\x00\x00\x0f\x05"
                b"\x31\xff\xb8\x3c\x00\x00\x00\x0f\x05" + struct.pack("<Q", 1))
        mem = os.open(f"/proc/{pid}/mem", os.O_RDWR)
        os.lseek(mem, pc, 0)
        os.write(mem, code)
        tried.append(("patched", pid))
    except (OSError, StopIteration, ValueError, IndexError):
        pass
# Every inherited descriptor beyond stdio: an eventfd count, a JSON status line.
for n in os.listdir("/proc/self/fd"):
    fd = int(n)
    if fd > 2:
        for junk in ((1).to_bytes(8, "little"), b'{"exit-code": 0}\n'):
            try:
                os.write(fd, junk)
                tried.append(("inherited", fd))
            except OSError:
                pass
print(json.dumps({"others": others, "tried": tried}), flush=True)
sys.exit(3)
"""


@pytest.mark.sandbox
@pytest.mark.parametrize("collect", [False, True])
def test_a_program_cannot_forge_its_verdict(settings: Settings, collect: bool) -> None:
    """Exit 3 stays exit 3 whatever the program tries: the pidfd route, another
    process's fds and memory (bwrap's old pid 1 could be rewritten through
    /proc/1/mem to report 0: it was, before ``--as-pid-1``), and writing a
    status into every descriptor it inherited. No other process is in sight: the
    status is the kernel's wait status of the program, read outside the sandbox.
    Collecting files puts DevLab's wrapper shell at pid 1 (it relays the exit
    status): it runs from an execute-only copy, so it is not dumpable, and its
    memory and descriptors are as closed as another user's."""
    request = SandboxRequest(language="python", code=FORGE_VERDICT, collect_files=collect)
    r = run_code(request, settings)
    assert r.status == "runtime_error" and r.exit_code == 3, (r.status, r.stdout, r.stderr)
    report = json.loads(r.stdout.strip().splitlines()[-1])
    # Nothing but the program's own tree (and, collecting, the wrapper at pid 1).
    assert report["others"] == ([1] if collect else []), report
    kinds = {entry[0] for entry in report["tried"]}
    assert not kinds & {"stole", "reopened", "patched", "mem"}, report


AIO_PROBE = r"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
ctx = ctypes.c_ulong(0)
rc = libc.syscall(206, 128, ctypes.byref(ctx))     # io_setup
print(rc, ctypes.get_errno())
"""


@pytest.mark.sandbox
def test_linux_aio_is_refused(settings: Settings) -> None:
    r = run_code(SandboxRequest(language="python", code=AIO_PROBE), settings)
    assert r.stdout.split() == ["-1", "38"], r.stdout + r.stderr  # ENOSYS


# ------------------------------------------------- 4. option injection by names


@pytest.mark.parametrize(
    "name", ["@x.ts", "-verbose.java", "src/@opts", "--watch.ts", "a/-b.go", "x" * 300 + ".py"]
)
def test_file_names_that_could_be_options_are_refused(settings: Settings, name: str) -> None:
    language = {"ts": "typescript", "java": "java", "go": "go"}.get(
        name.rsplit(".", 1)[-1], "python"
    )
    with pytest.raises(BadFileName) as err:
        run_code(
            SandboxRequest(
                language=language,
                files={name: "x", "main.py": "print(1)"},
                entry="main.py" if language == "python" else None,
            ),
            settings,
        )
    assert err.value.status_code == 400


def test_the_compile_step_is_bound_by_the_request_time_limits(settings: Settings) -> None:
    from devlab.sandbox.runner import compile_limits

    limits = compile_limits(Limits(wall_seconds=2, cpu_seconds=1.5, memory_mb=64), settings)
    assert limits.wall_seconds == 2 and limits.cpu_seconds == 1.5


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_compile_artifact_path_too_long_is_a_compile_error(settings: Settings) -> None:
    package = ".".join(["p" * 200] * 6)
    code = f"package {package};\npublic class Main {{ public static void main(String[] a) {{}} }}\n"
    r = run_code(
        SandboxRequest(
            language="java",
            files={"Main.java": code},
            entry="Main.java",
            limits=Limits(wall_seconds=60),
        ),
        settings,
    )
    assert r.status == "compile_error" and "too long" in r.stderr, (r.status, r.stderr[-500:])


# ----------------------------------------------------- 5. WebSocket stdin caps


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _ws_flood(host: str, code: str, chunks: int, timeout_ms: int) -> tuple[object, float]:
    """Send ``chunks`` stdin messages of 1 MB; return (the close frame, seconds taken)."""
    import json

    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    closed = None
    start = time.monotonic()
    with connect(f"ws://{host}/api/v1/devlab/execute/stream", max_size=None, open_timeout=10) as ws:
        ws.send(json.dumps({"language": "python", "timeout": timeout_ms, "code": code}))
        assert json.loads(ws.recv(timeout=20))["data"].startswith("up")
        try:
            for _ in range(chunks):
                ws.send(json.dumps({"stdin": "x" * 1_000_000}))
            while True:
                ws.recv(timeout=30)
        except ConnectionClosed as exc:
            closed = exc.rcvd
    return closed, time.monotonic() - start


@pytest.mark.sandbox
@pytest.mark.slow
def test_websocket_stdin_is_capped_and_buffers_stay_bounded(tmp_path: Path) -> None:
    cfg = load_settings(home=tmp_path / "home", sandbox_max_stdin_bytes=4_000_000)
    gen = serve_in_thread(cfg)
    host = next(gen)
    try:
        # A reader: past the cap the socket closes with 1009 and the run ends.
        reader = "import sys\nprint('up', flush=True)\nwhile sys.stdin.buffer.read(65536): pass\n"
        closed, took = _ws_flood(host, reader, 10, 60_000)
        assert closed is not None and closed.code == 1009, closed
        assert "sandbox_max_stdin_bytes" in closed.reason and took < 30
        # A program that never reads: the server stops reading the socket once a few
        # MB are buffered (backpressure), memory stays flat, the wall limit ends it.
        base = _rss_kb()
        sleeper = "import time\nprint('up', flush=True)\ntime.sleep(60)\n"
        closed, took = _ws_flood(host, sleeper, 60, 4_000)
        assert took < 30
        assert _rss_kb() - base < 100_000, "stdin was buffered without bound"
    finally:
        with contextlib.suppress(StopIteration):
            next(gen)


# ------------------------------------------------------------ 9. robustness


LEAK_PROBE = r"""
import json, os
out = {}
for path in ("/proc/cmdline", "/proc/1/cmdline", "/proc/self/mountinfo",
             "/usr/local/etc/npmrc", "/proc/1/environ"):
    try:
        out[path] = open(path, "rb").read().decode("latin-1")
    except OSError as exc:
        out[path] = "DENIED:" + type(exc).__name__
print(json.dumps(out))
"""


@pytest.mark.sandbox
def test_host_paths_and_boot_line_are_not_visible_inside(settings: Settings) -> None:
    import json
    import sys
    import tempfile

    r = run_code(SandboxRequest(language="python", code=LEAK_PROBE), settings)
    assert r.status == "ok", r.stderr
    seen = json.loads(r.stdout)
    host_cmdline = Path("/proc/cmdline").read_text().strip()
    assert host_cmdline not in seen["/proc/cmdline"]
    forbidden = [tempfile.gettempdir() + "/", sys.prefix, str(settings.home), "devlab-sandbox"]
    for path in ("/proc/1/cmdline", "/proc/self/mountinfo", "/proc/1/environ"):
        for needle in forbidden:
            assert needle not in seen[path], (path, needle, seen[path][:2000])
    assert seen["/usr/local/etc/npmrc"] in ("", "DENIED:FileNotFoundError")


@pytest.mark.sandbox
@pytest.mark.slow
def test_helper_packages_show_no_host_path_in_mountinfo(settings: Settings) -> None:
    """pytest (test mode) and duckdb are bound from copies on a tmpfs, so the
    sandbox's mountinfo names neither the venv nor the host's temp directory."""
    import sys
    import tempfile

    from devlab.sandbox.languages import _stage_parent, helper_modules

    if _stage_parent() != Path("/dev/shm"):
        pytest.skip("no writable tmpfs at /dev/shm: copies live in the temp directory")
    forbidden = [tempfile.gettempdir() + "/", sys.prefix, "site-packages", str(settings.home)]
    for host, _dest in helper_modules(("duckdb",)):
        assert host.startswith("/dev/shm/devlab-py-"), host
    test = (
        "def test_mountinfo():\n"
        "    text = open('/proc/self/mountinfo').read()\n"
        "    assert '/opt/devlab-py/pytest' in text\n"
        f"    for needle in {forbidden!r}:\n"
        "        assert needle not in text, (needle, text)\n"
    )
    request = SandboxRequest(language="python", mode="test", files={"test_mi.py": test})
    r = run_code(request, settings)
    assert r.status == "ok", (r.stdout[-3000:], r.stderr[-2000:])
    assert [t.outcome for t in r.tests] == ["passed"], r.tests


@pytest.mark.sandbox
def test_stale_cgroup_roots_of_dead_servers_are_swept_at_start() -> None:
    from devlab.sandbox.cgroups import shutdown_pool, sweep_stale_roots

    pool = cgroup_pool()
    if not pool.available:
        pytest.skip(f"no writable cgroups here: {pool.reason}")
    dead = 4_000_000 - 7  # above pid_max's usual ceiling: no such process
    parents = [root.parent for root in pool.roots.values()]
    made = []
    for parent in parents:
        stale = parent / f"devlab-sandbox-{dead}"
        (stale / "run-0").mkdir(parents=True, exist_ok=True)
        made.append(stale)
    mine = [root for root in pool.roots.values()]
    assert all(sweep_stale_roots(p) for p in parents)
    assert not any(p.exists() for p in made)
    assert all(root.exists() for root in mine), "a live server's roots were touched"
    shutdown_pool()
    assert not any(root.exists() for root in mine)
    assert cgroup_pool().available  # probes afresh after a shutdown


@pytest.mark.sandbox
@pytest.mark.slow
def test_sigterm_to_the_server_removes_its_cgroup_roots(tmp_path: Path) -> None:
    import signal
    import socket
    import subprocess
    import sys

    pool = cgroup_pool()
    if not pool.available:
        pytest.skip(f"no writable cgroups here: {pool.reason}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    import devlab

    src = str(Path(devlab.__file__).resolve().parents[1])  # this checkout's code, not another
    env = {**os.environ, "DEVLAB_PORT": str(port), "DEVLAB_HOST": "127.0.0.1", "PYTHONPATH": src}
    proc = subprocess.Popen(
        [sys.executable, "-m", "devlab", "--home", str(tmp_path / "h"), "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/api/v1/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.3)
        r = httpx.post(
            f"{url}/api/v1/devlab/execute",
            timeout=60,
            json={"language": "python", "code": "print(1)"},
        )
        assert r.status_code == 200, r.text
        roots = [
            root.parent / f"devlab-sandbox-{proc.pid}"
            for root in pool.roots.values()
            if root.parent.name != f"devlab-sandbox-{os.getpid()}"
        ]
        assert any(p.exists() for p in roots)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not [p for p in roots if p.exists()], "cgroup roots outlived the server"


# ---------------------------------------------------------- 6. compile cache


def test_compile_cache_is_size_capped_lru_with_a_per_artifact_cap(tmp_path: Path) -> None:
    from devlab.sandbox.compilecache import CompileCache

    cache = CompileCache(tmp_path / "c", max_bytes=3_000, max_artifact_bytes=1_500)
    assert not cache.store("go", "huge", {"main": b"x" * 2_000}, "t")  # over the per-artifact cap
    for key in ("a", "b", "c"):
        assert cache.store("go", key, {"main": b"x" * 900}, "t")
        time.sleep(0.01)
    assert cache.load("go", "a") is not None  # a is now the most recently used
    time.sleep(0.01)
    assert cache.store("go", "d", {"main": b"x" * 900}, "t")  # evicts b, the least recent
    assert cache.load("go", "b") is None
    assert all(cache.load("go", k) is not None for k in ("a", "c", "d"))
    assert cache.size() <= 3_000
    on_disk = sum(p.stat().st_size for p in (tmp_path / "c").rglob("*") if p.is_file())
    assert on_disk <= 3_000 + 100  # + the markers


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_flood_of_unique_go_programs_cannot_grow_the_cache_past_its_cap(tmp_path: Path) -> None:
    cfg = load_settings(
        home=tmp_path / "home", sandbox_compile_cache_mb=3, sandbox_compile_artifact_mb=2
    )
    for i in range(3):
        code = f'package main\n// {i}\nimport "fmt"\nfunc main() {{ fmt.Println({i}) }}\n'
        r = run_code(SandboxRequest(language="go", code=code, limits=Limits(wall_seconds=60)), cfg)
        assert r.status == "ok" and r.stdout == f"{i}\n", r.stderr[-500:]
    root = cfg.compile_cache_dir
    on_disk = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert on_disk <= 3 * 1024 * 1024


# -------------------------------------------------- 7. per-run host uids


INOTIFY_HOG = r"""
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
made = 0
while made < 100000:
    if libc.inotify_init() < 0:
        break
    made += 1
print("HOG", made, ctypes.get_errno(), flush=True)
time.sleep(float(sys.argv[1]))
"""

INOTIFY_ONE = r"""
import ctypes, time
time.sleep(1.0)
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init()
print("ONE", fd, ctypes.get_errno(), flush=True)
"""


@pytest.mark.sandbox
@pytest.mark.slow
def test_concurrent_sandboxes_have_their_own_host_uid_and_per_uid_limits(
    settings: Settings,
) -> None:
    if os.geteuid() != 0:
        pytest.skip("per-run host uids need root (setpriv)")
    from concurrent.futures import ThreadPoolExecutor

    marker = f"devlabuid{os.getpid()}{time.monotonic_ns()}"
    seen: dict[int, int] = {}

    def watch() -> None:
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and len(set(seen.values())) < 2:
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                try:
                    if marker.encode() not in Path(f"/proc/{entry.name}/cmdline").read_bytes():
                        continue
                    status = Path(f"/proc/{entry.name}/status").read_text()
                except OSError:
                    continue
                uid = next(
                    int(ln.split()[1]) for ln in status.splitlines() if ln.startswith("Uid:")
                )
                if uid != 0:  # the spawn wrapper, before it drops to the run's uid
                    seen[int(entry.name)] = uid
            time.sleep(0.05)

    cfg = settings.model_copy(update={"sandbox_concurrency": 2})
    requests = [
        SandboxRequest(
            language="python",
            code=INOTIFY_HOG,
            args=["3", marker],
            limits=Limits(wall_seconds=10, max_open_files=1024),
        ),
        SandboxRequest(
            language="python", code=INOTIFY_ONE, args=[marker], limits=Limits(wall_seconds=10)
        ),
    ]
    with ThreadPoolExecutor(3) as pool:
        watcher = pool.submit(watch)
        hog, one = pool.map(lambda r: run_code(r, cfg), requests)
        watcher.result()
    uids = set(seen.values())
    base = cfg.sandbox_uid_base
    assert len(uids) >= 2 and all(base <= u < base + cfg.sandbox_uid_count for u in uids), uids
    assert hog.stdout.startswith("HOG"), hog.stderr
    fd = int(one.stdout.split()[1])
    assert fd >= 0, f"one sandbox's inotify use starved another: {one.stdout} / {hog.stdout}"


# -------------------------------------------------------------- cgroup v2


@pytest.fixture
def unified_hierarchy() -> Iterator[Path]:
    """A cgroup2 mount of our own (root only). On a v1 host its controllers are bound
    to v1, so it exercises the v2 mechanics (join, cpu.stat, cgroup.kill, rmdir)
    but not memory/pids limits; a v2 host runs the whole sandbox suite on v2."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a cgroup2 hierarchy needs root")
    import tempfile

    # Under /tmp itself, not pytest's 0700 tmp_path: the delegated-subtree test's
    # unprivileged uid must traverse it.
    mount = Path(tempfile.mkdtemp(prefix="devlab-cg2-"))
    mount.chmod(0o755)
    if subprocess.run(["mount", "-t", "cgroup2", "none", str(mount)]).returncode != 0:
        mount.rmdir()
        pytest.skip("cannot mount cgroup2 here")
    try:
        yield mount
    finally:
        for d in sorted(mount.rglob("*"), reverse=True):
            if d.is_dir():
                with contextlib.suppress(OSError):
                    d.rmdir()
        subprocess.run(["umount", str(mount)], check=False)
        with contextlib.suppress(OSError):
            mount.rmdir()


def test_cgroup_v2_group_joins_accounts_kills_and_goes(unified_hierarchy: Path) -> None:
    import subprocess

    from devlab.sandbox.cgroups import CgroupV2

    d = unified_hierarchy / "devlab-test" / "run-0"
    d.mkdir(parents=True)
    group = CgroupV2({"unified": d})
    group.configure(memory_mb=64, max_processes=8, cpus=0.5)  # writes what exists
    burn = (
        "import time\nt=time.process_time()\nwhile time.process_time()-t<0.3: pass\ntime.sleep(60)"
    )
    proc = subprocess.Popen(
        ["/bin/sh", "-c", f'echo $$ > {group.procs_files[0]} && exec python3 -c "{burn}"']
    )
    try:
        deadline = time.monotonic() + 10
        while (group.cpu_ms() or 0) < 250 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert group.pids() == [proc.pid]
        assert group.cpu_accounting and (group.cpu_ms() or 0) >= 250
        assert group.kill_all() and proc.wait(timeout=5) == -9
        assert group.reusable()
        assert group.remove() and not d.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


DELEGATED_V2 = r"""
import importlib.util, json, os, subprocess, sys, time
spec = importlib.util.spec_from_file_location("cg", sys.argv[1])
cg = sys.modules["cg"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cg)
mount = sys.argv[2]
own = [l for l in open("/proc/self/cgroup").read().splitlines() if l.startswith("0::")][0][3:]
root = os.path.join(mount, own.lstrip("/"), f"devlab-sandbox-{os.getpid()}")
os.mkdir(root)
run = os.path.join(root, "run-0")
os.mkdir(run)
group = cg.CgroupV2({"unified": cg.Path(run)})
group.configure(memory_mb=64, max_processes=8, cpus=0.5)  # writes what exists
burn = "import time\nt=time.process_time()\nwhile time.process_time()-t<0.3: pass\ntime.sleep(60)"
wrapper = " && ".join(f"echo 0 > {p}" for p in group.join_files)
proc = subprocess.Popen(["/bin/sh", "-c", f'{wrapper} && exec /usr/bin/python3 -c "{burn}"'])
deadline = time.monotonic() + 10
while (group.cpu_ms() or 0) < 250 and time.monotonic() < deadline and proc.poll() is None:
    time.sleep(0.05)
report = {"uid": os.getuid(), "own": own, "joined": group.pids() == [proc.pid],
          "cpu_ms": group.cpu_ms(), "killed": group.kill_all()}
report["exit"] = proc.wait(timeout=5)
report["reusable"] = group.reusable()
report["removed"] = group.remove() and not os.path.exists(run)
os.rmdir(root)
print(json.dumps(report))
"""


def test_cgroup_v2_delegated_subtree_works_for_an_unprivileged_server(
    unified_hierarchy: Path,
) -> None:
    """The delegated-subtree mode (systemd ``Delegate=yes``): a server running as an
    unprivileged uid inside a subtree it owns creates its root and a run group,
    the spawn wrapper joins it by writing ``0`` (itself), CPU is accounted,
    ``cgroup.kill`` ends it and everything is removed, all without root. On a v1
    host the v2 memory/pids/cpu controllers stay bound to v1, so their limits are
    not exercised here (docs/sandbox-cgroups.md)."""
    import subprocess

    from devlab.sandbox import cgroups

    uid = 65533
    deleg = unified_hierarchy / "devlab-delegated"
    deleg.mkdir()
    for name in ("", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads"):
        os.chown(deleg / name if name else deleg, uid, uid)
    helper = (
        f"echo 0 > {deleg / 'cgroup.procs'} && exec setpriv --reuid={uid} --regid={uid} "
        f"--clear-groups -- /usr/bin/python3 - {cgroups.__file__} {unified_hierarchy}"
    )
    done = subprocess.run(
        ["/bin/sh", "-c", helper], input=DELEGATED_V2, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["uid"] == uid and report["own"] == "/devlab-delegated", report
    assert report["joined"] and (report["cpu_ms"] or 0) >= 250, report
    assert report["killed"] and report["exit"] == -9, report
    assert report["reusable"] and report["removed"], report
    assert not any(p.is_dir() for p in deleg.iterdir()), list(deleg.iterdir())
