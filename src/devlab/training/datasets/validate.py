"""Sandbox validation of bug-fix and refactoring pairs (untrusted code only runs there).

One sandbox run per function: the project files its tests need, plus every variant of
the function's file (the original and each mutant; or before and after a commit). The
first variant is the reference (the original; "before"): when its tests fail, the others
are not run. A
small pytest driver inside the sandbox forks once per variant: the child writes that
variant's files and runs the linked tests with ``pytest.main`` (so pytest is imported
once per run, not once per variant), under a per-variant time limit; the driver prints
every variant's outcome as one JSON line. A mutant is *validated* when the tests pass on
the original and fail (or error, or time out) on the mutant; a refactoring when they pass
both before and after.

Python only: the sandbox can run JavaScript, Go and Java tests too, but a test there
needs the project's build set-up (``package.json``, modules, classpath), which a file
subset does not carry. Pairs of other languages keep ``validated: null``.
"""

from __future__ import annotations

import contextvars
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from devlab.config import Settings
from devlab.errors import DevLabError
from devlab.sandbox import Limits, SandboxRequest, run_code

__all__ = ["ValidationJob", "ValidationResult", "run_validations"]

_MARK = "@@DEVLAB_VARIANTS@@"
_DRIVER = (
    '''"""DevLab's variant runner: one forked pytest run per variant (see validate.py)."""
import json
import os
import signal
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(os.path.dirname(HERE), "project")


def _run(variant, spec):
    os.chdir(ROOT)
    for path, text in variant["files"].items():
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    sys.dont_write_bytecode = True
    for extra in spec["paths"]:
        sys.path.insert(0, os.path.join(ROOT, extra))
    return pytest.main(["-q", "-x", "--tb=line", "-p", "no:cacheprovider", "--no-header",
                        "--rootdir", ROOT, *spec["targets"]])


def test_variants():
    with open(os.path.join(HERE, "spec.json"), encoding="utf-8") as handle:
        spec = json.load(handle)
    results = {}
    begun = time.monotonic()
    limit = spec["timeout"]
    for variant in spec["variants"]:
        started = time.monotonic()
        if results and spec.get("budget") is not None and started - begun > spec["budget"]:
            continue  # the caller's time budget ran out: the rest are not run
        pid = os.fork()
        if pid == 0:
            code = 3
            try:
                code = int(_run(variant, spec))
            except BaseException:
                code = 3
            os._exit(code)
        status = None
        while time.monotonic() - started < limit:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.005)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            status = None
        seconds = round(time.monotonic() - started, 3)
        if status is None:
            results[variant["id"]] = {"outcome": "timeout", "seconds": seconds}
            if len(results) == 1:
                break
            continue
        code = os.waitstatus_to_exitcode(status)
        outcome = {0: "passed", 1: "failed", 2: "error"}.get(code, "error")
        results[variant["id"]] = {"outcome": outcome, "code": code, "seconds": seconds}
        if len(results) == 1 and outcome != "passed":
            break  # the first variant is the reference: if it fails, the rest says nothing
        if len(results) == 1:  # a variant may take the reference's time twice over on
            limit = spec["timeout"] + 2 * seconds  # a busy machine before it times out
    sys.stdout.write("\\n%s%s\\n" % ("'''
    + _MARK
    + """", json.dumps(results)))
    sys.stdout.flush()
"""
)


@dataclass
class ValidationJob:
    """One sandbox run: shared files, the variants (each overriding some files), and the
    pytest node ids to run."""

    key: str
    files: dict[str, str]
    variants: list[tuple[str, dict[str, str]]]
    targets: list[str]
    paths: list[str] = field(default_factory=lambda: ["."])
    # seconds after which the driver starts no more variants (the reference always
    # runs); the ones left are ``not-run``. None: no budget.
    budget: float | None = None


@dataclass
class ValidationResult:
    key: str
    outcomes: dict[str, str]  # variant id -> passed | failed | error | timeout | not-run
    seconds: float
    error: str | None = None


def _request(job: ValidationJob, timeout: float, settings: Settings) -> SandboxRequest:
    spec = {
        "variants": [{"id": vid, "files": files} for vid, files in job.variants],
        "targets": job.targets,
        "timeout": timeout,
        "paths": job.paths,
        "budget": job.budget,
    }
    files = {f"project/{p}": t for p, t in job.files.items()}
    files["_devlab/test_variants.py"] = _DRIVER
    files["_devlab/spec.json"] = json.dumps(spec)
    wall = min(settings.sandbox_max_wall_seconds, 15 + timeout * len(job.variants))
    if job.budget is not None:  # the driver stops starting variants after the budget
        wall = min(wall, 30 + job.budget + 2 * timeout)
    limits = Limits(wall_seconds=wall, cpu_seconds=wall, cpus=1.0, memory_mb=1024, max_processes=64)
    return SandboxRequest(
        language="python",
        files=files,
        mode="test",
        limits=limits,
        args=["-s", "-p", "no:cacheprovider", "_devlab/test_variants.py"],
    )


def _parse(job: ValidationJob, stdout: str) -> dict[str, str]:
    for line in reversed(stdout.splitlines()):
        if line.startswith(_MARK):
            data = json.loads(line[len(_MARK) :])
            return {vid: data.get(vid, {}).get("outcome", "not-run") for vid, _ in job.variants}
    return {}


def _run_one(job: ValidationJob, timeout: float, settings: Settings) -> ValidationResult:
    started = time.perf_counter()
    try:
        result = run_code(_request(job, timeout, settings), settings)
    except DevLabError as exc:
        return ValidationResult(job.key, {}, time.perf_counter() - started, exc.message)
    outcomes = _parse(job, result.stdout)
    error = None
    if not outcomes:
        error = f"sandbox run ended {result.status}: {result.stderr[-300:] or result.stdout[-300:]}"
    return ValidationResult(job.key, outcomes, time.perf_counter() - started, error)


def run_validations(
    jobs: list[ValidationJob],
    settings: Settings,
    *,
    timeout: float,
    workers: int = 2,
    on_done: Callable[[int, int], None] | None = None,
) -> list[ValidationResult]:
    """Run every job in the sandbox, ``workers`` at a time; results in job order."""
    if not jobs:
        return []
    results: list[ValidationResult] = []
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        # each run in a copy of this context: the sandbox meter charges the caller (#19)
        futures = [
            pool.submit(contextvars.copy_context().run, _run_one, job, timeout, settings)
            for job in jobs
        ]
        for done, future in enumerate(futures, 1):
            results.append(future.result())
            if on_done is not None:
                on_done(done, len(jobs))
    return results
