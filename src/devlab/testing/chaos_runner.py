"""DevLab's chaos runner: runs INSIDE the sandbox, beside the project's files.

Standard library only (the project's own dependencies are whatever the sandbox's Python
has). It imports the service (a WSGI or ASGI app), calls it in-process with the
steady-state probes in three phases (before, during the faults, after rolling them
back), and prints one JSON report after a marker line. Outbound connections to other
hosts go to a stub HTTP server the runner starts on the sandbox's own loopback, so a
service that calls other services can hold its steady state without a network, and
the HTTP faults act on that stub (refused connections, late answers).

Function faults swap the function's code object for a trampoline (the original code
is kept in a copy), so every reference to the function sees the fault: module
attributes, ``from x import f`` copies and a framework's route table alike.

The host never imports this module's service code: it only reads this file's text to
ship it into the sandbox (see ``devlab.testing.chaos``).
"""

from __future__ import annotations

import asyncio
import builtins
import datetime as _datetime
import errno
import importlib
import inspect
import io
import itertools
import json
import logging
import os
import random
import signal
import socket
import sys
import threading
import time
import traceback
import types
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MARK = "@@DEVLAB_CHAOS@@"
HERE = os.path.dirname(os.path.abspath(__file__))
_CALL_TIMEOUT = 30.0
_LOOPBACK = ("127.0.0.1", "::1", "localhost")


# ---------------------------------------------------------------- the stub upstream


class Upstream:
    """A stub HTTP service on loopback standing in for every other host."""

    def __init__(self) -> None:
        self.delay = 0.0
        self.attempts: list[float] = []  # connect attempts (time), refused ones included
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(min(length, 1 << 20))
                if outer.delay:
                    time.sleep(outer.delay)
                raw = b"{}"
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# ---------------------------------------------------------------- faults


def _resolve(target: str) -> tuple[Any, str, Any]:
    """(owner, attribute name, function) for module.function or module.Class.method."""
    parts = target.replace(":", ".").split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:-1]:
            owner = getattr(owner, name)
        name = parts[-1]
        raw = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name)
        fn = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
        if not isinstance(fn, types.FunctionType):
            raise TypeError(f"{target} is not a Python function")
        return owner, name, fn
    raise ImportError(f"no module found for {target}")


def _exception_class(name: str) -> type[BaseException]:
    module, _, attr = name.rpartition(".")
    found = getattr(importlib.import_module(module), attr) if module else getattr(builtins, attr)
    if not (isinstance(found, type) and issubclass(found, BaseException)):
        raise TypeError(f"{name} is not an exception class")
    return found


class Faults:
    """Installs faults and rolls every one of them back."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream
        self.undo: list[Any] = []
        self.hits: dict[str, int] = {}
        self.refuse = False
        self.connect_delay = 0.0

    def _hit(self, key: str, probability: float) -> bool:
        if random.random() >= probability:
            return False
        self.hits[key] = self.hits.get(key, 0) + 1
        return True

    def _setattr(self, owner: Any, name: str, value: Any) -> None:
        old = getattr(owner, name)
        setattr(owner, name, value)
        self.undo.append(lambda: setattr(owner, name, old))

    def install(self, fault: dict[str, Any]) -> None:
        kind = fault["type"]
        getattr(self, "_" + kind)(fault)

    def rollback(self) -> None:
        while self.undo:
            self.undo.pop()()

    # -- function faults: swap the code object for a trampoline --------------------------

    def _wrap(self, fault: dict[str, Any], before: Any) -> None:
        target = fault["target"]
        _owner, _name, fn = _resolve(target)
        if fn.__closure__:
            raise TypeError(f"{target} is a closure; name a module-level function or method")
        original = types.FunctionType(
            fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__
        )
        original.__kwdefaults__ = fn.__kwdefaults__
        key = f"{fault['type']}:{target}"

        def call(*args: Any, **kwargs: Any) -> Any:
            if self._hit(key, fault["probability"]):
                before()
            return original(*args, **kwargs)

        async def acall(*args: Any, **kwargs: Any) -> Any:
            if self._hit(key, fault["probability"]):
                before()
            return await original(*args, **kwargs)

        slots = fn.__globals__.setdefault("__devlab_chaos__", {})
        slot = len(slots)
        slots[slot] = acall if inspect.iscoroutinefunction(fn) else call
        word = "async def" if inspect.iscoroutinefunction(fn) else "def"
        wait = "await " if word == "async def" else ""
        source = (
            f"{word} {fn.__name__}(*args, **kwargs):\n"
            f"    return {wait}__devlab_chaos__[{slot}](*args, **kwargs)\n"
        )
        scope: dict[str, Any] = {}
        exec(compile(source, fn.__code__.co_filename, "exec"), fn.__globals__, scope)
        saved = fn.__code__
        fn.__code__ = scope[fn.__name__].__code__

        def restore() -> None:
            fn.__code__ = saved
            slots.pop(slot, None)

        self.undo.append(restore)

    def _exception(self, fault: dict[str, Any]) -> None:
        error = _exception_class(fault["exception"])

        def raise_it() -> None:
            raise error(fault["message"])

        self._wrap(fault, raise_it)

    def _latency(self, fault: dict[str, Any]) -> None:
        self._wrap(fault, lambda: time.sleep(fault["latency_ms"] / 1000))

    # -- outbound HTTP: the stub refuses or answers late -----------------------------------

    def _http_failure(self, fault: dict[str, Any]) -> None:
        self.refuse = True
        self.undo.append(lambda: setattr(self, "refuse", False))

    def _http_latency(self, fault: dict[str, Any]) -> None:
        self.upstream.delay = fault["latency_ms"] / 1000
        self.undo.append(lambda: setattr(self.upstream, "delay", 0.0))

    # -- databases ---------------------------------------------------------------------

    def _db_failure(self, fault: dict[str, Any]) -> None:
        import sqlite3

        def failing(module: Any, error: type[BaseException]) -> Any:
            def connect(*args: Any, **kwargs: Any) -> Any:
                if self._hit("db_failure", fault["probability"]):
                    raise error("database unavailable (injected by devlab chaos)")
                return real(*args, **kwargs)

            real = module.connect
            return connect

        self._setattr(sqlite3, "connect", failing(sqlite3, sqlite3.OperationalError))
        for name in ("psycopg2", "psycopg", "pymysql", "MySQLdb"):
            module = sys.modules.get(name)
            error = getattr(module, "OperationalError", None)
            if module is not None and error is not None and hasattr(module, "connect"):
                self._setattr(module, "connect", failing(module, error))

    # -- the file system and the clock ---------------------------------------------------

    def _disk_full(self, fault: dict[str, Any]) -> None:
        real_open, real_os_open = builtins.open, os.open
        writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND

        def full() -> OSError:
            return OSError(errno.ENOSPC, "No space left on device (injected by devlab chaos)")

        def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if any(c in mode for c in "wax+") and self._hit("disk_full", fault["probability"]):
                raise full()
            return real_open(file, mode, *args, **kwargs)

        def os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if flags & writes and self._hit("disk_full", fault["probability"]):
                raise full()
            return real_os_open(path, flags, *args, **kwargs)

        self._setattr(builtins, "open", open_)
        self._setattr(io, "open", open_)
        self._setattr(os, "open", os_open)

    def _clock_skew(self, fault: dict[str, Any]) -> None:
        skew = fault["skew_seconds"]
        real_time, real_ns = time.time, time.time_ns
        base = _datetime.datetime

        class Skewed(base):  # type: ignore[valid-type, misc]
            @classmethod
            def now(cls, tz: Any = None) -> Any:
                return base.now(tz) + _datetime.timedelta(seconds=skew)

            @classmethod
            def utcnow(cls) -> Any:
                return base.utcnow() + _datetime.timedelta(seconds=skew)

            @classmethod
            def today(cls) -> Any:
                return base.today() + _datetime.timedelta(seconds=skew)

        self._setattr(time, "time", lambda: real_time() + skew)
        self._setattr(time, "time_ns", lambda: real_ns() + skew * 1_000_000_000)
        self._setattr(_datetime, "datetime", Skewed)
        for module in list(sys.modules.values()):  # `from datetime import datetime` copies
            if getattr(module, "__file__", "") and str(module.__file__).startswith(HERE):
                for name, value in list(vars(module).items()):
                    if value is base:
                        self._setattr(module, name, Skewed)
        self.hits["clock_skew"] = 1

    # -- pressure ----------------------------------------------------------------------

    def _cpu_pressure(self, fault: dict[str, Any]) -> None:
        pids = []
        for _ in range(fault["workers"]):
            pid = os.fork()
            if pid == 0:  # a busy child, killed at rollback
                while True:
                    pass
            pids.append(pid)

        def stop() -> None:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except OSError:
                    pass

        self.undo.append(stop)
        self.hits["cpu_pressure"] = len(pids)

    def _memory_pressure(self, fault: dict[str, Any]) -> None:
        held = bytearray(fault["megabytes"] << 20)
        for i in range(0, len(held), 4096):  # touch every page: resident, not just reserved
            held[i] = 1
        box = [held]
        self.undo.append(box.clear)
        self.hits["memory_pressure"] = fault["megabytes"]


def _patch_network(faults: Faults, upstream: Upstream) -> None:
    """Send every non-loopback TCP connection to the stub (or refuse it under a fault)."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host not in _LOOPBACK:
            try:
                return real_getaddrinfo(host, port, *args, **kwargs)
            except socket.gaierror:  # no DNS in the sandbox: a documentation address
                number = int(port) if str(port).isdigit() else 80
                return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.0.2.10", number))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def redirect(sock: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and address[0] not in _LOOPBACK:
            upstream.attempts.append(time.monotonic())
            if faults.refuse:
                raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused (chaos)")
            return ("127.0.0.1", upstream.port)
        return address

    def connect(sock: socket.socket, address: Any) -> None:
        return real_connect(sock, redirect(sock, address))

    def connect_ex(sock: socket.socket, address: Any) -> int:
        return real_connect_ex(sock, redirect(sock, address))

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect  # type: ignore[method-assign, assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign, assignment]


# ---------------------------------------------------------------- calling the service


class Captured(logging.Handler):
    """Keeps the tracebacks a framework logs while turning an exception into a 500."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[tuple[BaseException, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append((record.exc_info[1], record.exc_info[2]))


def _is_asgi(app: Any) -> bool:
    if hasattr(app, "wsgi_app"):
        return False
    call = type(app).__call__ if not inspect.isfunction(app) else app
    return inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(call)


def _payload(probe: dict[str, Any]) -> bytes:
    body = probe.get("body")
    if body is None:
        return b""
    return (body if isinstance(body, str) else json.dumps(body)).encode()


def _call_wsgi(app: Any, probe: dict[str, Any]) -> int:
    path, _, query = probe["path"].partition("?")
    data = _payload(probe)
    environ = {
        "REQUEST_METHOD": probe["method"], "SCRIPT_NAME": "", "PATH_INFO": path,
        "QUERY_STRING": query, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": False,
        "wsgi.run_once": False, "CONTENT_LENGTH": str(len(data)),
        "CONTENT_TYPE": "application/json" if data else "",
    }  # fmt: skip
    for key, value in probe.get("headers", {}).items():
        environ["HTTP_" + key.upper().replace("-", "_")] = value
    status: list[int] = []

    def start_response(line: str, headers: Any, exc_info: Any = None) -> Any:
        status.append(int(line.split()[0]))
        return lambda chunk: None

    result = app(environ, start_response)
    try:
        for _chunk in result:
            pass
    finally:
        close = getattr(result, "close", None)
        if close:
            close()
    return status[0] if status else 500


def _call_asgi(app: Any, probe: dict[str, Any]) -> int:
    path, _, query = probe["path"].partition("?")
    data = _payload(probe)
    headers = [(b"host", b"localhost")]
    if data:
        headers.append((b"content-type", b"application/json"))
    headers += [(k.lower().encode(), v.encode()) for k, v in probe.get("headers", {}).items()]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": probe["method"], "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("localhost", 80),
    }  # fmt: skip
    status: list[int] = []
    sent = [False]

    async def receive() -> dict[str, Any]:
        if not sent[0]:
            sent[0] = True
            return {"type": "http.request", "body": data, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(int(message["status"]))

    asyncio.run(app(scope, receive, send))
    return status[0] if status else 500


def _frames(tb: Any) -> tuple[list[str], str | None, int | None]:
    stack, where, line = [], None, None
    for frame in traceback.extract_tb(tb):
        stack.append(f"{frame.filename}:{frame.lineno} in {frame.name}")
        name = os.path.abspath(frame.filename)
        if name.startswith(HERE + os.sep) and not name.endswith("_devlab_chaos.py"):
            where, line = os.path.relpath(name, HERE), frame.lineno
    return stack[-12:], where, line


def _call(app: Any, asgi: bool, probe: dict[str, Any], captured: Captured) -> dict[str, Any]:
    """One call in a worker thread (bounded wait): status, latency and any traceback."""
    outcome: dict[str, Any] = {"status": None, "error": "", "exc": None}
    captured.errors.clear()

    def work() -> None:
        try:
            outcome["status"] = (_call_asgi if asgi else _call_wsgi)(app, probe)
        except BaseException as exc:  # the service's own exception: a failed call
            outcome["status"], outcome["exc"] = 500, (exc, exc.__traceback__)

    started = time.monotonic()
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(_CALL_TIMEOUT)
    outcome["ms"] = round((time.monotonic() - started) * 1000, 2)
    if worker.is_alive():
        outcome["error"] = f"no answer within {_CALL_TIMEOUT:.0f} s"
        return outcome
    exc = outcome["exc"] or (captured.errors[0] if captured.errors else None)
    if exc is not None:
        outcome["error"] = f"{type(exc[0]).__name__}: {exc[0]}"[:500]
        outcome["stack"], outcome["path"], outcome["line"] = _frames(exc[1])
    return outcome


def _ok(probe: dict[str, Any], outcome: dict[str, Any]) -> bool:
    status = outcome["status"]
    if status is None or outcome["ms"] > probe["max_latency_ms"]:
        return False
    expected = probe.get("expect_status") or []
    return status in expected if expected else (status < 500 or status == 503)


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)


def _phase(name: str, ctx: dict[str, Any]) -> dict[str, Any]:
    steady, probes = ctx["steady"], ctx["steady"]["probes"]
    upstream: Upstream = ctx["upstream"]
    latencies, errors, statuses = [], 0, {}  # type: ignore[var-annotated]
    failure = None
    retries_without_backoff = 0
    for i in range(steady["requests"]):
        probe = probes[i % len(probes)]
        mark = len(upstream.attempts)
        outcome = _call(ctx["app"], ctx["asgi"], probe, ctx["captured"])
        attempts = upstream.attempts[mark:]
        gaps = [b - a for a, b in itertools.pairwise(attempts)]
        if len(attempts) >= 3 and max(gaps) < 0.05:
            retries_without_backoff += 1
        latencies.append(outcome["ms"])
        key = str(outcome["status"]) if outcome["status"] is not None else "timeout"
        statuses[key] = statuses.get(key, 0) + 1
        if not _ok(probe, outcome):
            errors += 1
            if failure is None:
                failure = {
                    "phase": name, "probe": probe["name"] or probe["path"],
                    "status": outcome["status"],
                    "error": outcome["error"] or f"HTTP {outcome['status']} in {outcome['ms']} ms",
                    "path": outcome.get("path"), "line": outcome.get("line"),
                    "stack": outcome.get("stack", []),
                }  # fmt: skip
    total = steady["requests"]
    return {
        "requests": total, "errors": errors, "error_rate": round(errors / total, 4),
        "p50_ms": _percentile(latencies, 0.50), "p95_ms": _percentile(latencies, 0.95),
        "p99_ms": _percentile(latencies, 0.99), "statuses": statuses,
        "held": (total - errors) / total >= steady["tolerance"],
        "failure": failure, "retries_without_backoff": retries_without_backoff,
    }  # fmt: skip


def _load_app(spec: dict[str, Any]) -> Any:
    module_name, _, attr = spec["app"].partition(":")
    module = importlib.import_module(module_name)
    factory = attr.endswith("()")
    found = getattr(module, attr[:-2] if factory else attr)
    return found() if factory else found


def _set_up(app: Any, calls: list[str]) -> None:
    """Run the scenario's set-up callables, inside the app's context when it has one."""
    for call in calls:
        module, _, name = call.partition(":")
        fn = getattr(importlib.import_module(module), name)
        context = getattr(app, "app_context", None)
        if context is not None:
            with context():
                fn()
        else:
            fn()


def main() -> dict[str, Any]:
    with open(os.path.join(HERE, "_devlab_chaos.json"), encoding="utf-8") as handle:
        spec = json.load(handle)
    for extra in reversed(spec["paths"]):
        sys.path.insert(0, os.path.join(HERE, extra))
    os.chdir(HERE)
    sys.dont_write_bytecode = True
    report: dict[str, Any] = {"phases": {}, "hits": {}, "error": "", "outbound": {}}
    upstream = Upstream()
    faults = Faults(upstream)
    _patch_network(faults, upstream)
    captured = Captured()
    logging.getLogger().addHandler(captured)
    try:
        app = _load_app(spec)
    except BaseException as exc:  # the service does not even import
        stack, path, line = _frames(exc.__traceback__)
        report["error"] = f"the app {spec['app']} did not load: {type(exc).__name__}: {exc}"
        report["failure"] = {"stack": stack, "path": path, "line": line}
        return report
    try:
        _set_up(app, spec.get("setup") or [])
    except BaseException as exc:
        stack, path, line = _frames(exc.__traceback__)
        report["error"] = f"set-up failed: {type(exc).__name__}: {exc}"
        report["failure"] = {"stack": stack, "path": path, "line": line}
        return report
    ctx = {"app": app, "asgi": _is_asgi(app), "steady": spec["steady_state"],
           "upstream": upstream, "captured": captured}  # fmt: skip
    report["asgi"] = ctx["asgi"]
    report["phases"]["before"] = _phase("before", ctx)
    try:
        for fault in spec["method"]:
            faults.install(fault)
    except Exception as exc:  # a target that does not exist: the scenario's mistake
        faults.rollback()
        report["error"] = f"a fault could not be installed: {type(exc).__name__}: {exc}"
        return report
    try:
        report["phases"]["during"] = _phase("during", ctx)
    finally:
        faults.rollback()
    report["phases"]["after"] = _phase("after", ctx)
    report["hits"] = faults.hits
    report["outbound"] = {"attempts": len(upstream.attempts)}
    return report


if __name__ == "__main__":
    out = os.dup(1)
    try:
        result = main()
    except BaseException as exc:  # reported, never a silent crash
        result = {"error": f"{type(exc).__name__}: {exc}", "phases": {}}
    text = f"\n{MARK}{json.dumps(result, default=str)}\n".encode()
    while text:
        text = text[os.write(out, text) :]
    os._exit(0)
