"""JavaScript coverage: a project's own ``node:test`` suite under node's built-in
coverage, in the sandbox, read back as the same per-file and per-function report as
Python's.

A small driver (``_devlab_cov.cjs``) runs ``node --test --experimental-test-coverage``
with two reporters: TAP on stdout (each test's outcome) and lcov into a file (lines,
branches, functions per file, the format every coverage tool speaks), then prints both
after a marker line. The host parses them (line by line, no regular expressions on the
program's output). Per-test time limit: node's own ``--test-timeout``.

Lines: node counts every line of a loaded file; blank lines and comment-only lines are
dropped here so the percentages compare with Python's. lcov gives a function's first
line only; its last is the line closing the brace block opened there.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.sandbox import DependencyMount, Limits, SandboxRequest, run_code
from devlab.testing.models import CoverageSummary, FileCoverage, FunctionCoverage, TestOutcome

__all__ = [
    "JS_SUFFIXES",
    "LINK_FAST_CHECK",
    "TS_SUFFIXES",
    "JsRun",
    "block_end",
    "code_lines",
    "is_js_omitted",
    "is_js_test",
    "js_sources",
    "js_tests",
    "parse_lcov",
    "parse_tap",
    "run_js_suite",
    "summary_of_lines",
    "ts_sources",
    "ts_tests",
    "tsc_paths",
]

JS_SUFFIXES = (".js", ".mjs", ".cjs")
TS_SUFFIXES = (".ts", ".mts", ".cts")
TS_OUT = "/tmp/devlab-ts"  # where tsc writes the compiled project inside the sandbox
MARK = "@@DEVLAB_JS_COVERAGE@@"
SANDBOX_ROOT = "/work/"  # where the sandbox lays out the project
_TEST_DIRS = ("test", "tests", "__tests__", "spec")
# Not the project's code, so not in its coverage (as Python's omit list drops tests,
# docs and setup.py): benchmarks, docs, examples, build output, tool configuration.
_OMIT_DIRS = ("node_modules", "bench", "benchmark", "benchmarks", "docs", "doc", "example",
              "examples", "coverage", "dist", "build", "out", "fixtures")  # fmt: skip
_OMIT_NAMES = ("gruntfile", "gulpfile", "jakefile", ".eslintrc", ".prettierrc", ".mocharc",
               ".babelrc", "karma.conf", "protractor.conf", "wdio.conf")  # fmt: skip
# Drivers' lines that give the sandbox's own fast-check (NODE_PATH) a name in the
# project's node_modules, which ES modules need (they ignore NODE_PATH).
LINK_FAST_CHECK = r"""if (spec.node_path) {  // the shared fast-check, by name also for ES modules
  try {
    const nm = path.join(__dirname, 'node_modules');
    fs.mkdirSync(nm, { recursive: true });
    const dst = path.join(nm, 'fast-check');
    if (!fs.existsSync(dst)) fs.symlinkSync(path.join(spec.node_path, 'fast-check'), dst);
  } catch (e) { /* a read-only node_modules: NODE_PATH serves CommonJS */ }
}
"""
DRIVER = r"""'use strict';
// DevLab's node:test coverage driver (see devlab/testing/jsrun.py).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '_devlab_spec.json'), 'utf8'));
const lcov = '/tmp/devlab-lcov.info';
@@LINK_FAST_CHECK@@
let compiled = { status: 0, stdout: '', stderr: '' };
if (spec.tsc) {  // TypeScript: tsc with source maps, node maps coverage back to the .ts lines
  compiled = spawnSync(process.execPath, [spec.tsc, ...spec.tsc_args],
    { cwd: __dirname, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: spec.wall_ms });
}
const built = compiled.status === 0 || compiled.status === 2;  // 2: type errors, JS emitted
const run = !built ? { status: null, signal: null, stdout: '', stderr: '' }
  : spawnSync(process.execPath, [
  '--test', '--enable-source-maps', '--experimental-test-coverage',
  '--test-timeout=' + spec.timeout_ms,
  '--test-reporter=tap', '--test-reporter-destination=stdout',
  '--test-reporter=lcov', '--test-reporter-destination=' + lcov,
  ...spec.tests,
], { cwd: __dirname, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: spec.wall_ms,
  env: spec.node_path ? { ...process.env, NODE_PATH: spec.node_path } : process.env });
let coverage = '';
try { coverage = fs.readFileSync(lcov, 'utf8'); } catch (e) { coverage = ''; }
const out = { status: run.status, signal: run.signal, tap: run.stdout || '',
  stderr: (run.stderr || '').slice(-4000), lcov: coverage,
  error: run.error ? String(run.error) : '',
  built, compile: compiled.status !== 0 ? ((compiled.stdout || '') + (compiled.stderr || '') +
    (compiled.error ? String(compiled.error) : '')).slice(-4000) : '' };
process.stdout.write('\n' + '@@MARK@@' + JSON.stringify(out) + '\n');
""".replace("@@MARK@@", MARK).replace("@@LINK_FAST_CHECK@@\n", LINK_FAST_CHECK)


def is_js_test(path: str) -> bool:
    name = posixpath.basename(path)
    stem = name.rsplit(".", 1)[0]
    if stem.endswith((".test", ".spec", "-test", "_test")) or stem.startswith("test-"):
        return True
    return any(part in _TEST_DIRS for part in path.split("/")[:-1])


def is_js_omitted(path: str) -> bool:
    """Benchmarks, docs, examples, dependencies, build output and tool configuration
    (``*.config.js``, ``.eslintrc.js``, ``Gruntfile.js``): not counted as sources."""
    parts = path.split("/")
    if any(part in _OMIT_DIRS or part.startswith(".") for part in parts[:-1]):
        return True
    stem = parts[-1].rsplit(".", 1)[0].lower()
    return stem.endswith(".config") or stem.endswith(".d") or stem in _OMIT_NAMES


def _js(path: str) -> bool:
    return path.endswith(JS_SUFFIXES) and "node_modules/" not in path


def _ts(path: str) -> bool:
    return path.endswith(TS_SUFFIXES) and "node_modules/" not in path


def js_sources(files: dict[str, str]) -> list[str]:
    """The project's own JavaScript code: not tests, not in the omit list."""
    return sorted(p for p in files if _js(p) and not is_js_test(p) and not is_js_omitted(p))


def ts_sources(files: dict[str, str]) -> list[str]:
    """The project's own TypeScript code (declaration files and the omit list aside)."""
    return sorted(p for p in files if _ts(p) and not is_js_test(p) and not is_js_omitted(p))


def ts_tests(files: dict[str, str]) -> list[str]:
    """TypeScript test files written for node's test runner (run after tsc)."""
    return sorted(p for p in files if _ts(p) and is_js_test(p) and "node:test" in files[p])


def js_tests(files: dict[str, str]) -> list[str]:
    """Test files written for node's test runner (they import ``node:test``)."""
    return sorted(p for p in files if _js(p) and is_js_test(p) and "node:test" in files[p])


@dataclass
class JsRun:
    files: list[FileCoverage] = field(default_factory=list)
    tests: list[TestOutcome] = field(default_factory=list)
    status: str = ""
    error: str = ""
    warning: str = ""
    seconds: float = 0.0


def code_lines(text: str) -> set[int]:
    """Lines that hold code (not blank, not only a comment)."""
    found, in_block = set(), False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if in_block:
            in_block = "*/" not in line
            continue
        if not line or line.startswith("//"):
            continue
        if line.startswith("/*"):
            in_block = "*/" not in line
            continue
        found.add(number)
    return found


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 100.0


def summary_of_lines(lines: dict[int, int], branches: list[tuple[int, int]]) -> CoverageSummary:
    covered = sum(1 for c in lines.values() if c > 0)
    taken = sum(1 for _, c in branches if c > 0)
    return CoverageSummary(
        lines=len(lines), lines_covered=covered, branches=len(branches),
        branches_covered=taken, line_percent=_pct(covered, len(lines)),
        branch_percent=_pct(taken, len(branches)),
    )  # fmt: skip


def parse_lcov(text: str, sources: dict[str, str]) -> list[FileCoverage]:
    """lcov records of the project's source files, as file and function coverage."""
    out: list[FileCoverage] = []
    record: dict[str, Any] = {}
    for raw in text.splitlines():
        key, _, value = raw.partition(":")
        if key == "SF":
            record = {"path": value, "lines": {}, "branches": [], "fns": []}
        elif key == "DA" and record:
            line, _, count = value.partition(",")
            if line.isdigit():
                record["lines"][int(line)] = int(count.split(",")[0] or 0)
        elif key == "BRDA" and record:
            parts = value.split(",")
            taken = 0 if parts[-1] in ("-", "") else int(parts[-1])
            if parts[0].isdigit():
                record["branches"].append((int(parts[0]), taken))
        elif key == "FN" and record:
            line, _, name = value.partition(",")
            if line.isdigit():  # source-mapped TypeScript can give "undefined"
                record["fns"].append((int(line), name))
        elif raw == "end_of_record" and record:
            path = posixpath.normpath(record["path"])
            if path in sources:
                out.append(_file(path, record, sources[path]))
            record = {}
    return out


def block_end(lines: list[str], start: int, limit: int) -> int:
    """The line closing the brace block that opens on line ``start`` (1-based), by
    counting braces outside string literals; ``limit`` when none closes first."""
    depth, quote, opened = 0, "", False
    for number in range(start, min(limit, len(lines)) + 1):
        escaped = False
        for ch in lines[number - 1]:
            if quote:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == quote:
                    quote = ""
            elif ch in "'\"`":
                quote = ch
            elif ch == "{":
                depth, opened = depth + 1, True
            elif ch == "}":
                depth -= 1
                if opened and depth == 0:
                    return number
        if quote != "`":
            quote = ""  # an unclosed ' or " ends with its line
    return limit


def _file(path: str, record: dict[str, Any], text: str) -> FileCoverage:
    code = code_lines(text)
    lines = {n: c for n, c in record["lines"].items() if n in code}
    branches = record["branches"]
    starts = sorted(record["fns"])
    functions = []
    source = text.splitlines()
    for start, name in starts:
        end = block_end(source, start, start + 2000)
        own = {n: c for n, c in lines.items() if start <= n <= end}
        own_branches = [b for b in branches if start <= b[0] <= end]
        functions.append(FunctionCoverage(
            name=name, start_line=start, summary=summary_of_lines(own, own_branches),
            missing_lines=sorted(n for n, c in own.items() if c == 0),
        ))  # fmt: skip
    return FileCoverage(
        path=path,
        summary=summary_of_lines(lines, branches),
        missing_lines=sorted(n for n, c in lines.items() if c == 0),
        missing_branches=sorted({(line, line) for line, c in branches if c == 0}),
        functions=functions,
    )


def parse_tap(text: str) -> list[TestOutcome]:
    """Top-level ``ok``/``not ok`` lines of node's TAP output (nested subtests are
    indented and belong to their parent); a ``# SKIP``/``# TODO`` directive is a skip,
    and a failure whose YAML block says ``testTimeoutFailure`` ran past the limit (node
    then stops the test's whole file and reports the file, by path)."""
    outcomes: list[TestOutcome] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        ok = line.startswith("ok ")
        if not ok and not line.startswith("not ok "):
            continue
        rest = line[3 if ok else 7 :].lstrip("0123456789").removeprefix(" - ")
        name, _, directive = rest.partition(" # ")
        outcome = "passed" if ok else "failed"
        message = ""
        if directive.lower().startswith(("skip", "todo")):
            outcome = "skipped"
        elif not ok:
            block = []
            for follow in lines[i + 1 : i + 60]:
                if not follow.startswith(" "):
                    break
                block.append(follow.strip())
            if any("testTimeoutFailure" in b for b in block):
                outcome = "timeout"
            message = "\n".join(block)[:1500]
        name = name.strip().removeprefix(SANDBOX_ROOT)  # a whole file stopped by the limit
        outcomes.append(TestOutcome(name=name[:500], outcome=outcome, message=message))  # type: ignore[arg-type]
    return outcomes


@functools.lru_cache(maxsize=1)
def tsc_paths() -> tuple[str, str]:
    """(tsc.js, the @types root) of the global ``typescript`` install ('' when missing)."""
    tsc = shutil.which("tsc")
    if not tsc:
        return "", ""
    script = Path(os.path.realpath(tsc)).parent.parent / "lib" / "tsc.js"
    if not script.is_file():
        return "", ""
    types = script.parents[2] / "@types"
    return str(script), str(types) if types.is_dir() else ""


def _ts_spec(files: dict[str, str], tests: list[str]) -> dict[str, Any]:
    script, types = tsc_paths()
    if not script:
        raise InvalidInput(
            "TypeScript tests need tsc: `npm install -g typescript @types/node` "
            "(scripts/setup.sh does it)"
        )
    compiled = sorted(p for p in files if (_ts(p) or _js(p)) and not p.startswith("_devlab"))
    args = ["--outDir", TS_OUT, "--rootDir", ".", "--target", "es2022", "--module", "commonjs",
            "--moduleResolution", "node", "--esModuleInterop", "--skipLibCheck", "--allowJs",
            "--sourceMap", "--pretty", "false", "--noEmitOnError", "false",
            *(["--types", "node", "--typeRoots", types] if types else []), *compiled]  # fmt: skip
    js = [f"{TS_OUT}/{p.rsplit('.', 1)[0]}.js" for p in tests]
    return {"tsc": script, "tsc_args": args, "tests": js}


def run_js_suite(
    files: dict[str, str],
    settings: Settings,
    *,
    tests: list[str],
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    typescript: bool = False,
    mounts: Sequence[DependencyMount] = (),
    node_path: str = "",
) -> JsRun:
    """Run ``tests`` (node:test files) over ``files`` under node's coverage, with the
    project's installed npm dependencies (``mounts``) at ``/work/node_modules``; with
    ``typescript`` the project is compiled by tsc first (source maps on, so node
    reports the ``.ts`` lines) and the compiled tests run. ``node_path``: where the
    tests find the sandbox's own tools by name (fast-check), as NODE_PATH."""
    wall = min(wall_seconds or settings.sandbox_max_wall_seconds, settings.sandbox_max_wall_seconds)
    spec: dict[str, Any] = {"tests": tests, "timeout_ms": int(test_timeout * 1000),
                            "wall_ms": int(wall * 900), "node_path": node_path}  # fmt: skip
    if typescript:
        spec.update(_ts_spec(files, tests))
    run_files = {**files, "_devlab_cov.cjs": DRIVER, "_devlab_spec.json": json.dumps(spec)}
    limits = Limits(
        wall_seconds=wall, cpu_seconds=wall, cpus=1.0,
        memory_mb=min(1024, settings.sandbox_max_memory_mb), max_processes=64,
        max_output_bytes=min(20_000_000, settings.sandbox_max_output_bytes),
        max_disk_mb=min(256, settings.sandbox_max_disk_mb),
    )  # fmt: skip
    request = SandboxRequest(
        language="javascript", files=run_files, entry="_devlab_cov.cjs", limits=limits
    )
    started = time.monotonic()
    result = run_code(request, settings, mounts=mounts)
    out = JsRun(status=result.status, seconds=round(time.monotonic() - started, 3))
    at = result.stdout.rfind(MARK)
    if at < 0:
        out.error = (
            f"the sandbox run ended {result.status} before coverage was written: "
            f"{(result.stderr or result.stdout)[-600:]}"
        )
        return out
    data = json.loads(result.stdout[at + len(MARK) :].split("\n", 1)[0])
    names = (ts_sources(files) + js_sources(files)) if typescript else js_sources(files)
    out.files = parse_lcov(data.get("lcov") or "", {p: files[p] for p in names})
    out.tests = parse_tap(data.get("tap") or "")
    if typescript and not data.get("built", True):
        out.error = f"tsc did not compile the project: {data.get('compile', '')[-600:]}"
    elif data.get("error") or (data.get("signal") and not out.tests):
        out.error = f"node's test runner did not finish: {data.get('error') or data['signal']}"
    elif not out.files and not out.tests:
        out.error = f"node's test runner reported nothing: {data.get('stderr', '')[-600:]}"
    elif typescript and data.get("compile"):
        out.warning = f"tsc reported type errors (its JavaScript ran): {data['compile'][-400:]}"
    return out
