"""JavaScript coverage: a project's own ``node:test`` suite under node's built-in
coverage, in the sandbox, read back as the same per-file and per-function report as
Python's.

A small driver (``_devlab_cov.js``) runs ``node --test --experimental-test-coverage``
with two reporters: TAP on stdout (each test's outcome) and lcov into a file (lines,
branches, functions per file, the format every coverage tool speaks), then prints both
after a marker line. The host parses them (line by line, no regular expressions on the
program's output). Per-test time limit: node's own ``--test-timeout``.

Lines: node counts every line of a loaded file; blank lines and comment-only lines are
dropped here so the percentages compare with Python's. lcov gives a function's first
line only; its last is the line closing the brace block opened there.
"""

from __future__ import annotations

import json
import posixpath
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from devlab.config import Settings
from devlab.sandbox import DependencyMount, Limits, SandboxRequest, run_code
from devlab.testing.models import CoverageSummary, FileCoverage, FunctionCoverage, TestOutcome

__all__ = [
    "JS_SUFFIXES",
    "JsRun",
    "code_lines",
    "is_js_test",
    "js_sources",
    "js_tests",
    "parse_lcov",
    "parse_tap",
    "run_js_suite",
]

JS_SUFFIXES = (".js", ".mjs", ".cjs")
MARK = "@@DEVLAB_JS_COVERAGE@@"
SANDBOX_ROOT = "/work/"  # where the sandbox lays out the project
_TEST_DIRS = ("test", "tests", "__tests__", "spec")
DRIVER = r"""'use strict';
// DevLab's node:test coverage driver (see devlab/testing/jsrun.py).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '_devlab_spec.json'), 'utf8'));
const lcov = '/tmp/devlab-lcov.info';
const run = spawnSync(process.execPath, [
  '--test', '--experimental-test-coverage', '--test-timeout=' + spec.timeout_ms,
  '--test-reporter=tap', '--test-reporter-destination=stdout',
  '--test-reporter=lcov', '--test-reporter-destination=' + lcov,
  ...spec.tests,
], { cwd: __dirname, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, timeout: spec.wall_ms });
let coverage = '';
try { coverage = fs.readFileSync(lcov, 'utf8'); } catch (e) { coverage = ''; }
const out = { status: run.status, signal: run.signal, tap: run.stdout || '',
  stderr: (run.stderr || '').slice(-4000), lcov: coverage,
  error: run.error ? String(run.error) : '' };
process.stdout.write('\n' + '@@MARK@@' + JSON.stringify(out) + '\n');
""".replace("@@MARK@@", MARK)


def is_js_test(path: str) -> bool:
    name = posixpath.basename(path)
    stem = name.rsplit(".", 1)[0]
    if stem.endswith((".test", ".spec", "-test", "_test")) or stem.startswith("test-"):
        return True
    return any(part in _TEST_DIRS for part in path.split("/")[:-1])


def _js(path: str) -> bool:
    return path.endswith(JS_SUFFIXES) and "node_modules/" not in path


def js_sources(files: dict[str, str]) -> list[str]:
    return sorted(p for p in files if _js(p) and not is_js_test(p))


def js_tests(files: dict[str, str]) -> list[str]:
    """Test files written for node's test runner (they import ``node:test``)."""
    return sorted(p for p in files if _js(p) and is_js_test(p) and "node:test" in files[p])


@dataclass
class JsRun:
    files: list[FileCoverage] = field(default_factory=list)
    tests: list[TestOutcome] = field(default_factory=list)
    status: str = ""
    error: str = ""
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


def _summary(lines: dict[int, int], branches: list[tuple[int, int]]) -> CoverageSummary:
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
            record["lines"][int(line)] = int(count.split(",")[0] or 0)
        elif key == "BRDA" and record:
            parts = value.split(",")
            taken = 0 if parts[-1] in ("-", "") else int(parts[-1])
            record["branches"].append((int(parts[0]), taken))
        elif key == "FN" and record:
            line, _, name = value.partition(",")
            record["fns"].append((int(line), name))
        elif raw == "end_of_record" and record:
            path = posixpath.normpath(record["path"])
            if path in sources:
                out.append(_file(path, record, sources[path]))
            record = {}
    return out


def _block_end(lines: list[str], start: int, limit: int) -> int:
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
        end = _block_end(source, start, start + 2000)
        own = {n: c for n, c in lines.items() if start <= n <= end}
        own_branches = [b for b in branches if start <= b[0] <= end]
        functions.append(FunctionCoverage(
            name=name, start_line=start, summary=_summary(own, own_branches),
            missing_lines=sorted(n for n, c in own.items() if c == 0),
        ))  # fmt: skip
    return FileCoverage(
        path=path,
        summary=_summary(lines, branches),
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


def run_js_suite(
    files: dict[str, str],
    settings: Settings,
    *,
    tests: list[str],
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    mounts: Sequence[DependencyMount] = (),
) -> JsRun:
    """Run ``tests`` (node:test files) over ``files`` under node's coverage, with the
    project's installed npm dependencies (``mounts``) at ``/work/node_modules``."""
    wall = min(wall_seconds or settings.sandbox_max_wall_seconds, settings.sandbox_max_wall_seconds)
    spec = {"tests": tests, "timeout_ms": int(test_timeout * 1000), "wall_ms": int(wall * 900)}
    run_files = {**files, "_devlab_cov.js": DRIVER, "_devlab_spec.json": json.dumps(spec)}
    limits = Limits(
        wall_seconds=wall, cpu_seconds=wall, cpus=1.0,
        memory_mb=min(1024, settings.sandbox_max_memory_mb), max_processes=64,
        max_output_bytes=min(20_000_000, settings.sandbox_max_output_bytes),
        max_disk_mb=min(256, settings.sandbox_max_disk_mb),
    )  # fmt: skip
    request = SandboxRequest(
        language="javascript", files=run_files, entry="_devlab_cov.js", limits=limits
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
    sources = {p: files[p] for p in js_sources(files)}
    out.files = parse_lcov(data.get("lcov") or "", sources)
    out.tests = parse_tap(data.get("tap") or "")
    if data.get("error") or (data.get("signal") and not out.tests):
        out.error = f"node's test runner did not finish: {data.get('error') or data['signal']}"
    elif not out.files and not out.tests:
        out.error = f"node's test runner reported nothing: {data.get('stderr', '')[-600:]}"
    return out
