"""Run pytest under coverage.py inside the sandbox and read back what it measured.

A small pytest plugin (``_devlab_cov.py``, loaded with ``-p``) goes into the sandbox with
the project's files. Loaded before collection, it starts coverage (line + branch) so
module-level code of the project counts, arms a per-test alarm (a hanging test fails as
``timeout`` and the rest of the suite still runs and is measured), optionally switches
coverage's context per test (so each test's own lines and arcs are known), and when
pytest ends writes one JSON document to the stdout it saved before pytest captured it:
per file the executed/missing lines and branches and per-function summaries (coverage's
JSON report), each test's outcome, and per-test lines/arcs when asked.

Nothing here runs project code on the host: the host only lays out files and parses JSON.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from devlab.config import Settings
from devlab.sandbox import DependencyMount, Limits, SandboxRequest, run_code

__all__ = ["SuiteRun", "run_suite", "toolchain_limits", "variants_per_run"]

MARK = "@@DEVLAB_COVERAGE@@"
PLUGIN = (
    r'''"""DevLab's coverage plugin (see devlab/testing/sandboxrun.py)."""
import json
import os
import re
import signal
import sys
import time

import coverage
import pytest

_HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(_HERE, "_devlab_spec.json"), encoding="utf-8") as _f:
    _SPEC = json.load(_f)
for _p in reversed(_SPEC["paths"]):
    sys.path.insert(0, os.path.join(_HERE, _p))
sys.dont_write_bytecode = True
_OUT = os.dup(1)
_COV = coverage.Coverage(data_file=None, branch=True, source=[_HERE], omit=_SPEC["omit"],
                         config_file=False)
_COV.start()
_TESTS = {}
_TIMED_OUT = set()
_CURRENT = [None]


class DevLabTestTimeout(BaseException):
    """Raised in a test that ran past the per-test time limit."""


def _alarm(signum, frame):
    _TIMED_OUT.add(_CURRENT[0])
    raise DevLabTestTimeout("test ran past %ss" % _SPEC["timeout"])


signal.signal(signal.SIGALRM, _alarm)


def _arm(item):
    _CURRENT[0] = item.nodeid
    signal.setitimer(signal.ITIMER_REAL, _SPEC["timeout"])


def _disarm():
    signal.setitimer(signal.ITIMER_REAL, 0)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    if _SPEC["contexts"]:
        _COV.switch_context(item.nodeid)
    _arm(item)
    yield
    _disarm()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    _arm(item)
    yield
    _disarm()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    _arm(item)
    yield
    _disarm()
    if _SPEC["contexts"]:
        _COV.switch_context("")


def pytest_runtest_logreport(report):
    entry = _TESTS.setdefault(report.nodeid, {"outcome": "passed", "seconds": 0.0,
                                              "message": ""})
    entry["seconds"] = round(entry["seconds"] + report.duration, 4)
    if report.nodeid in _TIMED_OUT:
        entry["outcome"] = "timeout"
    elif report.failed:
        entry["outcome"] = "failed" if report.when == "call" else "error"
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"
    if report.failed and not entry["message"]:
        entry["message"] = str(report.longrepr)[-1500:]


_COLLECT_ERRORS = {}


def pytest_collectreport(report):
    if report.failed:
        _COLLECT_ERRORS[report.nodeid] = str(report.longrepr)[-1500:]


def _per_context(data):
    found = {}
    for ctx in sorted(data.measured_contexts()):  # "" is import time, outside any test
        data.set_query_contexts(["^" + re.escape(ctx) + "$"])
        files = {}
        for path in data.measured_files():
            rel = os.path.relpath(path, _HERE)
            lines = data.lines(path) or []
            arcs = data.arcs(path) or []
            if lines:
                files[rel] = {"lines": sorted(lines), "arcs": sorted(arcs)}
        found[ctx] = files
    data.set_query_contexts(None)
    return found


def pytest_unconfigure(config):
    _COV.stop()
    report = {"exit": None, "tests": _TESTS, "files": {}, "contexts": {}, "error": "",
              "collect_errors": _COLLECT_ERRORS}
    try:
        path = os.path.join("/tmp", "devlab-coverage.json")
        _COV.json_report(outfile=path, show_contexts=False)
        with open(path, encoding="utf-8") as handle:
            report["files"] = json.load(handle).get("files", {})
        if _SPEC["contexts"]:
            report["contexts"] = _per_context(_COV.get_data())
        probe = "/tmp/devlab-probe"
        if os.path.isdir(probe):
            report["probe"] = {}
            for name in sorted(os.listdir(probe)):
                with open(os.path.join(probe, name), encoding="utf-8") as handle:
                    report["probe"][name[:-5]] = json.load(handle)
    except Exception as exc:  # e.g. no data was collected at all
        report["error"] = "%s: %s" % (type(exc).__name__, exc)
    text = "\n%s%s\n" % ("'''
    + MARK
    + r"""", json.dumps(report))
    data = text.encode()
    while data:
        data = data[os.write(_OUT, data):]
"""
)


@dataclass
class SuiteRun:
    """What one sandboxed pytest-under-coverage run produced."""

    files: dict[str, Any] = field(default_factory=dict)  # coverage's JSON per file
    tests: dict[str, dict[str, Any]] = field(default_factory=dict)
    contexts: dict[str, dict[str, dict[str, list]]] = field(default_factory=dict)
    probe: dict[str, dict[str, Any]] = field(default_factory=dict)  # call id -> outcome
    collect_errors: dict[str, str] = field(default_factory=dict)  # file -> why it did not load
    status: str = ""  # the sandbox's status
    exit_code: int | None = None
    error: str = ""
    output: str = ""
    seconds: float = 0.0


def _parse(stdout: str) -> dict[str, Any] | None:
    at = stdout.rfind(MARK)
    if at < 0:
        return None
    line = stdout[at + len(MARK) :].split("\n", 1)[0]
    try:
        return json.loads(line)
    except ValueError:
        return None


def variants_per_run(max_bytes: int, shared: int, each: int, cap: int) -> int:
    """How many variants of ``each`` bytes (a mutant, a mutant and a candidate) one sandbox
    run holds beside ``shared`` bytes of common files, under 95% of the source cap
    ``max_bytes``: at most ``cap``, 0 when not even one fits."""
    room = int(max_bytes * 0.95) - shared
    return max(0, min(cap, room // max(1, each)))


def toolchain_limits(settings: Settings, wall: float) -> Limits:
    """Limits of a compiled language's test run (Go, Java: the compiler and the JVM need
    more memory, processes and disk than a Python run), capped by the settings."""
    return Limits(
        wall_seconds=wall, cpu_seconds=wall * 2, cpus=1.0,
        memory_mb=min(1536, settings.sandbox_max_memory_mb), max_processes=128,
        max_output_bytes=min(20_000_000, settings.sandbox_max_output_bytes),
        max_disk_mb=min(512, settings.sandbox_max_disk_mb),
    )  # fmt: skip


def run_suite(
    files: dict[str, str],
    settings: Settings,
    *,
    targets: list[str],
    omit: list[str],
    paths: list[str] | None = None,
    contexts: bool = False,
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    memory_mb: int = 1024,
    mounts: Sequence[DependencyMount] = (),
) -> SuiteRun:
    """Run ``targets`` (pytest paths / node ids) over ``files`` under coverage.

    ``omit`` are coverage omit patterns (the test files: they are not the code under
    test); ``paths`` extra import roots (``src`` for a src layout); ``mounts`` the
    project's installed dependencies (``envcache``), bound read-only.
    """
    spec = {
        "timeout": test_timeout,
        "contexts": contexts,
        "omit": ["*/_devlab_cov.py", *omit],
        "paths": paths or ["."],
    }
    run_files = dict(files)
    run_files["_devlab_cov.py"] = PLUGIN
    run_files["_devlab_spec.json"] = json.dumps(spec)
    wall = wall_seconds or settings.sandbox_max_wall_seconds
    wall = min(wall, settings.sandbox_max_wall_seconds)
    limits = Limits(
        wall_seconds=wall,
        cpu_seconds=wall,
        cpus=1.0,
        memory_mb=min(memory_mb, settings.sandbox_max_memory_mb),
        max_output_bytes=min(20_000_000, settings.sandbox_max_output_bytes),
        max_disk_mb=min(256, settings.sandbox_max_disk_mb),
    )
    args = [
        "-p",
        "_devlab_cov",
        "-o",
        "addopts=",
        "--rootdir=.",
        "--continue-on-collection-errors",
        "-W",
        "ignore::DeprecationWarning",
        *targets,
    ]
    request = SandboxRequest(
        language="python", files=run_files, mode="test", limits=limits, args=args
    )
    started = time.monotonic()
    result = run_code(request, settings, mounts=mounts)
    run = SuiteRun(
        status=result.status,
        exit_code=result.exit_code,
        seconds=round(time.monotonic() - started, 3),
    )
    data = _parse(result.stdout)
    run.output = (result.stdout[-3000:] + "\n" + result.stderr[-2000:]).strip()
    if data is None:
        run.error = (
            f"the sandbox run ended {result.status} before coverage was written: "
            f"{(result.stderr or result.stdout)[-600:]}"
        )
        return run
    run.files = data.get("files") or {}
    run.tests = data.get("tests") or {}
    run.contexts = data.get("contexts") or {}
    run.probe = data.get("probe") or {}
    run.collect_errors = data.get("collect_errors") or {}
    run.error = data.get("error") or ""
    return run
