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
from pathlib import Path
from typing import Any

from devlab.config import Settings
from devlab.sandbox import DependencyMount, Limits, SandboxRequest, run_code
from devlab.testing.jsrun import (
    JS_SUFFIXES,
    LINK_FAST_CHECK,
    TS_SUFFIXES,
    JsRun,
    is_js_omitted,
    is_js_test,
    js_sources,
    parse_lcov,
    ts_sources,
    tsc_paths,
)
from devlab.testing.models import TestOutcome

__all__ = [
    "GLOBAL_JEST",
    "has_jest_config",
    "jest_available",
    "jest_setup",
    "jest_tests",
    "run_jest_suite",
    "uses_jest",
]

GLOBAL_JEST = "/usr/lib/node_modules/jest/bin/jest.js"
MARK = "@@DEVLAB_JEST@@"
DRIVER = r"""'use strict';
// DevLab's jest coverage driver (see devlab/testing/jestrun.py).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '_devlab_jest.json'), 'utf8'));
const own = path.join(__dirname, 'node_modules', 'jest', 'bin', 'jest.js');
@@LINK_FAST_CHECK@@
const jest = fs.existsSync(own) ? own : spec.global_jest;
const run = spawnSync(process.execPath, [...spec.node_args, jest, '--ci', '--runInBand',
  '--coverage',  '--coverageReporters=lcovonly', '--coverageDirectory=/tmp/devlab-jest-cov',
  '--json', '--outputFile=/tmp/devlab-jest.json', '--watchman=false',
  '--cacheDirectory=/tmp/devlab-jest-cache', '--testTimeout=' + spec.timeout_ms,
  '--rootDir=' + __dirname, ...spec.jest_args, '--runTestsByPath', ...spec.tests],
  { cwd: __dirname, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: spec.wall_ms,
    env: { ...process.env, CI: 'true', NODE_ENV: 'test',
      ...(spec.node_path ? { NODE_PATH: spec.node_path } : {}) } });
const read = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch (e) { return ''; } };
const out = { status: run.status, signal: run.signal, jest: jest === own ? 'project' : 'global',
  report: read('/tmp/devlab-jest.json'), lcov: read('/tmp/devlab-jest-cov/lcov.info'),
  stderr: (run.stderr || '').slice(-4000), error: run.error ? String(run.error) : '' };
process.stdout.write('\n' + '@@MARK@@' + JSON.stringify(out) + '\n');
""".replace("@@MARK@@", MARK).replace("@@LINK_FAST_CHECK@@\n", LINK_FAST_CHECK)


TS_TRANSFORM = r"""'use strict';
// DevLab's TypeScript transform for jest: the TypeScript compiler's transpileModule
// (no type check), CommonJS output with a source map (see devlab/testing/jestrun.py).
const ts = require(@@TS@@);
module.exports = {
  process(src, filename) {
    const out = ts.transpileModule(src, { fileName: filename, compilerOptions: {
      module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true,
      sourceMap: true, inlineSources: true } });
    return { code: out.outputText.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, ''),
      map: out.sourceMapText };
  },
};
"""
TS_JS_IMPORTS = {"^(\\.{1,2}/.*)\\.[cm]?js$": "$1"}
_CONFIGS = ("jest.config.js", "jest.config.ts", "jest.config.mjs", "jest.config.cjs",
            "jest.config.json")  # fmt: skip


def _ts_root() -> str:
    script = tsc_paths()[0]
    return json.dumps(script.rsplit("/lib/", 1)[0] if script else "typescript")


def has_jest_config(files: dict[str, str]) -> bool:
    """Whether the project configures jest itself (package.json's ``jest`` or a
    jest.config file): then its own transforms and settings apply, not DevLab's."""
    if any(name in files for name in _CONFIGS):
        return True
    try:
        data = json.loads(files.get("package.json") or "{}")
    except ValueError:
        return False
    return isinstance(data, dict) and "jest" in data


def _transform_missing(files: dict[str, str], mounts: Sequence[DependencyMount]) -> bool:
    """Whether the project's jest configuration names ts-jest or babel-jest's TypeScript
    preset while its installed packages (``mounts``) lack it: DevLab's transform then
    stands in (a project whose devDependencies could not be installed still runs)."""
    text = " ".join(files.get(n, "") for n in ("package.json", *_CONFIGS))
    wanted = [m for m in ("ts-jest", "@babel/preset-typescript") if m in text]
    roots = [Path(m.host) for m in mounts if m.dest.endswith("node_modules")]
    return bool(wanted) and not any((r / w).is_dir() for r in roots for w in wanted)


def _esm_ts_args(
    files: dict[str, str], typescript: bool, esm: bool, mounts: Sequence[DependencyMount] = ()
) -> dict[str, list[str]]:
    """Node's and jest's extra arguments for ES modules and TypeScript."""
    node_args = ["--experimental-vm-modules"] if esm else []
    own = has_jest_config(files) and not (typescript and _transform_missing(files, mounts))
    if own or not (typescript or esm):
        return {"node_args": node_args, "jest_args": []}
    config: dict[str, object] = {"transform": {}}
    if typescript:
        config["transform"] = {"\\.[cm]?tsx?$": "<rootDir>/_devlab_ts_jest.cjs"}
        config["moduleNameMapper"] = TS_JS_IMPORTS  # `import './util.js'` names util.ts
    if esm:  # jest's default testMatch leaves .mjs test files out
        config["testMatch"] = ["**/?(*.)+(spec|test).?([cm])[jt]s?(x)",
                               "**/__tests__/**/*.?([cm])[jt]s?(x)"]  # fmt: skip
    jest_args = ["--config=" + json.dumps(config)]
    if esm:
        jest_args.append("--coverageProvider=v8")
    return {"node_args": node_args, "jest_args": jest_args}


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


def jest_tests(files: dict[str, str], typescript: bool = False) -> list[str]:
    """JavaScript test files written for jest (tests that do not use node's runner);
    with ``typescript``, TypeScript ones too."""
    suffixes = JS_SUFFIXES + (TS_SUFFIXES if typescript else ())
    return sorted(
        p for p in files
        if p.endswith(suffixes) and "node_modules/" not in p and is_js_test(p)
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


def jest_setup(
    files: dict[str, str],
    *,
    typescript: bool = False,
    esm: bool = False,
    mounts: Sequence[DependencyMount] = (),
) -> tuple[dict[str, Any], dict[str, str]]:
    """How to start jest over ``files`` in the sandbox: the spec fields a driver reads
    (``global_jest``, ``node_args``, ``jest_args``) and the files to run with (``files``
    plus a package.json when there is none, and DevLab's TypeScript transform when a
    project without its own jest configuration has TypeScript)."""
    how: dict[str, Any] = {"global_jest": GLOBAL_JEST,
                           **_esm_ts_args(files, typescript, esm, mounts)}  # fmt: skip
    run_files = {"package.json": '{"name": "devlab-project", "private": true}\n', **files}
    if typescript:
        run_files["_devlab_ts_jest.cjs"] = TS_TRANSFORM.replace("@@TS@@", _ts_root())
    return how, run_files


def run_jest_suite(
    files: dict[str, str],
    settings: Settings,
    *,
    tests: list[str],
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    mounts: Sequence[DependencyMount] = (),
    typescript: bool = False,
    esm: bool = False,
    node_path: str = "",
) -> JsRun:
    """Run ``tests`` with jest over ``files`` (the project's package.json among them, so
    its ``jest`` settings apply) under jest's coverage; npm packages from ``mounts``.

    A project without a jest configuration of its own gets one here: TypeScript files
    go through ``_devlab_ts_jest.cjs`` (the TypeScript compiler's transpileModule with a
    source map, so istanbul reports the .ts lines); ES modules (``esm``) run natively
    under node's ``--experimental-vm-modules`` with no transform and V8's coverage
    (babel-jest, jest's default transform, cannot turn them into CommonJS here: the
    babel plugins for that are not installed with jest)."""
    wall = min(wall_seconds or settings.sandbox_max_wall_seconds, settings.sandbox_max_wall_seconds)
    how, run_files = jest_setup(files, typescript=typescript, esm=esm, mounts=mounts)
    spec = {"tests": tests, "timeout_ms": int(test_timeout * 1000), "wall_ms": int(wall * 900),
            "node_path": node_path, **how}  # fmt: skip
    run_files.update({"_devlab_jest.cjs": DRIVER, "_devlab_jest.json": json.dumps(spec)})
    limits = Limits(
        wall_seconds=wall, cpu_seconds=wall, cpus=1.0,
        memory_mb=min(2048, settings.sandbox_max_memory_mb), max_processes=64,
        max_output_bytes=min(20_000_000, settings.sandbox_max_output_bytes),
        max_disk_mb=min(256, settings.sandbox_max_disk_mb),
    )  # fmt: skip
    request = SandboxRequest(language="javascript", files=run_files, entry="_devlab_jest.cjs",
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
    names = js_sources(files) + (ts_sources(files) if typescript else [])
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
