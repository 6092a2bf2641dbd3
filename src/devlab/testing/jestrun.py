"""Jest suites under jest's own coverage (istanbul), in the sandbox, read back as the same
per-file and per-function report as node:test's.

Which jest: the project's own (``node_modules/jest`` from the environment cache, when its
package.json names jest), else the one scripts/setup.sh installs once with npm under
``/usr/lib/node_modules/jest`` (read-only in the sandbox, like tsc). Nothing is
downloaded at run time. A small driver runs ``jest --ci --runInBand --coverage`` with
an lcov reporter and ``--json`` into files in the sandbox's /tmp, then prints both
after a marker line; lcov is read by ``jsrun.parse_lcov`` (istanbul writes the same
format), the test outcomes from jest's JSON report.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from typing import Any

from devlab.config import Settings
from devlab.sandbox import DependencyMount, Limits, SandboxRequest, run_code
from devlab.testing.jsrun import (
    JS_SUFFIXES,
    JsRun,
    is_js_omitted,
    is_js_test,
    js_sources,
    parse_lcov,
)
from devlab.testing.models import TestOutcome

__all__ = ["GLOBAL_JEST", "jest_available", "jest_tests", "run_jest_suite", "uses_jest"]

GLOBAL_JEST = "/usr/lib/node_modules/jest/bin/jest.js"
MARK = "@@DEVLAB_JEST@@"
DRIVER = r"""'use strict';
// DevLab's jest coverage driver (see devlab/testing/jestrun.py).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '_devlab_jest.json'), 'utf8'));
const own = path.join(__dirname, 'node_modules', 'jest', 'bin', 'jest.js');
const jest = fs.existsSync(own) ? own : spec.global_jest;
const run = spawnSync(process.execPath, [jest, '--ci', '--runInBand', '--coverage',
  '--coverageReporters=lcovonly', '--coverageDirectory=/tmp/devlab-jest-cov',
  '--json', '--outputFile=/tmp/devlab-jest.json', '--watchman=false',
  '--cacheDirectory=/tmp/devlab-jest-cache', '--testTimeout=' + spec.timeout_ms,
  '--rootDir=' + __dirname, '--runTestsByPath', ...spec.tests],
  { cwd: __dirname, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: spec.wall_ms,
    env: { ...process.env, CI: 'true', NODE_ENV: 'test' } });
const read = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch (e) { return ''; } };
const out = { status: run.status, signal: run.signal, jest: jest === own ? 'project' : 'global',
  report: read('/tmp/devlab-jest.json'), lcov: read('/tmp/devlab-jest-cov/lcov.info'),
  stderr: (run.stderr || '').slice(-4000), error: run.error ? String(run.error) : '' };
process.stdout.write('\n' + '@@MARK@@' + JSON.stringify(out) + '\n');
""".replace("@@MARK@@", MARK)


def jest_available() -> bool:
    """Whether the shared jest (scripts/setup.sh) is installed on this server."""
    return os.path.isfile(GLOBAL_JEST)


def uses_jest(manifests: dict[str, str]) -> bool:
    """Whether the root package.json runs its tests with jest (its ``test`` script, or
    jest among its dependencies)."""
    try:
        data = json.loads(manifests.get("package.json") or "{}")
    except ValueError:
        return False
    if not isinstance(data, dict):
        return False
    scripts = data.get("scripts")
    scripts = scripts if isinstance(scripts, dict) else {}
    test = str(scripts.get("test", ""))
    deps = {**(data.get("devDependencies") or {}), **(data.get("dependencies") or {})}
    return "jest" in test.split() or "jest" in test or "jest" in deps


def jest_tests(files: dict[str, str]) -> list[str]:
    """JavaScript test files written for jest (tests that do not use node's runner)."""
    return sorted(
        p for p in files
        if p.endswith(JS_SUFFIXES) and "node_modules/" not in p and is_js_test(p)
        and not is_js_omitted(p) and "node:test" not in files[p] and not p.startswith("_devlab")
    )  # fmt: skip


def _outcomes(report: dict[str, Any]) -> list[TestOutcome]:
    out: list[TestOutcome] = []
    for suite in report.get("testResults", []) or []:
        results = suite.get("assertionResults") or []
        if not results and suite.get("status") == "failed":  # the file did not load
            name = str(suite.get("name", "")).removeprefix("/work/")
            out.append(TestOutcome(name=name[:500], outcome="error",
                                   message=str(suite.get("message", ""))[:1500]))  # fmt: skip
        for test in results:
            status = test.get("status")
            text = "\n".join(test.get("failureMessages") or [])
            outcome = {"passed": "passed", "pending": "skipped", "todo": "skipped",
                       "skipped": "skipped"}.get(status, "failed")  # fmt: skip
            if outcome == "failed" and "Exceeded timeout" in text:
                outcome = "timeout"
            out.append(TestOutcome(name=str(test.get("fullName", ""))[:500], outcome=outcome,  # type: ignore[arg-type]
                                   message=text[:1500]))  # fmt: skip
    return out


def run_jest_suite(
    files: dict[str, str],
    settings: Settings,
    *,
    tests: list[str],
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    mounts: Sequence[DependencyMount] = (),
) -> JsRun:
    """Run ``tests`` with jest over ``files`` (the project's package.json among them, so
    its ``jest`` settings apply) under jest's coverage; npm packages from ``mounts``."""
    wall = min(wall_seconds or settings.sandbox_max_wall_seconds, settings.sandbox_max_wall_seconds)
    spec = {"tests": tests, "timeout_ms": int(test_timeout * 1000), "wall_ms": int(wall * 900),
            "global_jest": GLOBAL_JEST}  # fmt: skip
    run_files = {"package.json": '{"name": "devlab-project", "private": true}\n', **files,
                 "_devlab_jest.js": DRIVER, "_devlab_jest.json": json.dumps(spec)}  # fmt: skip
    limits = Limits(
        wall_seconds=wall, cpu_seconds=wall, cpus=1.0,
        memory_mb=min(2048, settings.sandbox_max_memory_mb), max_processes=64,
        max_output_bytes=min(20_000_000, settings.sandbox_max_output_bytes),
        max_disk_mb=min(256, settings.sandbox_max_disk_mb),
    )  # fmt: skip
    request = SandboxRequest(language="javascript", files=run_files, entry="_devlab_jest.js",
                             limits=limits)  # fmt: skip
    started = time.monotonic()
    result = run_code(request, settings, mounts=mounts)
    out = JsRun(status=result.status, seconds=round(time.monotonic() - started, 3))
    at = result.stdout.rfind(MARK)
    if at < 0:
        out.error = (f"the sandbox run ended {result.status} before jest reported: "
                     f"{(result.stderr or result.stdout)[-600:]}")  # fmt: skip
        return out
    data = json.loads(result.stdout[at + len(MARK) :].split("\n", 1)[0])
    lcov = str(data.get("lcov") or "").replace("SF:/work/", "SF:")
    names = js_sources(files)
    out.files = parse_lcov(lcov, {p: files[p] for p in names})
    try:
        report = json.loads(data.get("report") or "{}")
    except ValueError:
        report = {}
    out.tests = _outcomes(report if isinstance(report, dict) else {})
    if data.get("error"):
        out.error = f"jest did not finish: {data['error']}"
    elif not out.tests:
        out.error = f"jest reported no tests: {str(data.get('stderr', ''))[-600:]}"
    return out
