"""JavaScript mutants run against a project's ``node:test`` or jest suite in the sandbox.

The mutants themselves are the dataset pipeline's (``mutation.file_mutants``: the same
tree-sitter operators as Python's, re-parsed so each is valid JavaScript). Here they
are only run: one sandbox run per batch, where a small driver runs ``node --test`` on
the tests against the original file first (when the tests fail on it, the batch says
nothing), then writes each mutant over the target file in the sandbox's copy of the
project and runs the tests again, under a per-mutant time limit. A jest suite runs the
same way through jest (``jestrun.jest_setup``: the project's jest or the shared one,
its configuration or DevLab's TypeScript transform), one ``jest --runTestsByPath`` per
mutant, stopping at the first failing test unless the failing tests are asked for. A
mutant is *killed* when the tests fail or time out on it; the verdicts are judged by
``mutation._judge`` like Python's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources

from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.sandbox import DependencyMount, Limits, SandboxRequest, run_code
from devlab.testing.jestrun import jest_setup
from devlab.testing.jsprops import GLOBAL_ROOT, shared_fast_check
from devlab.testing.jsrun import LINK_FAST_CHECK, TS_SUFFIXES, tsc_paths

__all__ = ["BATCH", "run_js_mutants"]

MARK = "@@DEVLAB_JS_MUTANTS@@"
HOOK = "/work/_devlab_tshook.cjs"  # loads .ts files through the TypeScript compiler
BATCH = 25  # mutants per sandbox run (mutation.py checks its budget after each)
DRIVER = r"""'use strict';
// DevLab's JavaScript mutant runner (see devlab/testing/jsmutate.py).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, '_devlab_mut.json'), 'utf8'));
const target = path.join(__dirname, spec.target);
const original = fs.readFileSync(target, 'utf8');
@@LINK_FAST_CHECK@@
const env = spec.node_path ? { ...process.env, NODE_PATH: spec.node_path } : process.env;
const failing = {};  // mutant id -> the top-level tests that failed on it (spec.names)
function jestTests(id) {  // the project's jest (or the shared one) on the same tests
  const own = path.join(__dirname, 'node_modules', 'jest', 'bin', 'jest.js');
  const report = '/tmp/devlab-mut-jest.json';
  try { fs.unlinkSync(report); } catch (e) { /* first run */ }
  const run = spawnSync(process.execPath, [...spec.jest.node_args,
    fs.existsSync(own) ? own : spec.jest.global_jest, '--ci', '--runInBand', '--watchman=false',
    '--cacheDirectory=/tmp/devlab-jest-cache', '--testTimeout=' + spec.timeout_ms,
    '--rootDir=' + __dirname, '--json', '--outputFile=' + report, ...(spec.names ? [] : ['--bail']),
    ...spec.jest.jest_args, '--runTestsByPath', ...spec.tests],
    { cwd: __dirname, encoding: 'utf8', timeout: spec.timeout_ms * 3 + 30000,
      killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024,
      env: { ...env, CI: 'true', NODE_ENV: 'test' } });
  if (spec.names) {
    let data = {};
    try { data = JSON.parse(fs.readFileSync(report, 'utf8')); } catch (e) { /* no report */ }
    failing[id] = (data.testResults || []).flatMap((s) => s.assertionResults || [])
      .filter((t) => t.status === 'failed').map((t) => (t.ancestorTitles || [])[0] || t.title);
  }
  if (run.signal || (run.error && run.error.code === 'ETIMEDOUT')) return 'timeout';
  return run.status === 0 ? 'passed' : 'failed';
}
function tests(id) {
  if (spec.jest) return jestTests(id);
  const reporter = '--test-reporter=' + (spec.names ? 'tap' : 'dot');
  const run = spawnSync(process.execPath, [...spec.node_args, '--test', reporter,
    '--test-timeout=' + spec.timeout_ms, ...spec.tests],
    { cwd: __dirname, encoding: 'utf8', timeout: spec.timeout_ms * 3, killSignal: 'SIGKILL',
      maxBuffer: 4 * 1024 * 1024, env });
  if (spec.names) {
    failing[id] = (run.stdout || '').split('\n').filter((l) => l.startsWith('not ok '))
      .map((l) => l.replace(/^not ok \d+ - /, '').split(' # ')[0].replace(/\\(.)/g, '$1'));
  }
  if (run.signal || (run.error && run.error.code === 'ETIMEDOUT')) return 'timeout';
  return run.status === 0 ? 'passed' : 'failed';
}
const warm = spec.ts_root ? (files) => require('./_devlab_types.cjs').warm(spec.ts_root,
  files.map((f) => path.join(__dirname, f))) : () => {};
warm(spec.ts_files || []);  // TypeScript: transpiled once here, read from the cache by the tests
const out = { original: tests('original') };
if (out.original === 'passed') {
  for (const [id, text] of spec.mutants) {
    fs.writeFileSync(target, text);
    warm([spec.target]);
    out[id] = tests(id);
  }
}
out['@failing'] = failing;
fs.writeFileSync(target, original);
process.stdout.write('\n' + '@@MARK@@' + JSON.stringify(out) + '\n', () => process.exit(0));
""".replace("@@MARK@@", MARK).replace("@@LINK_FAST_CHECK@@\n", LINK_FAST_CHECK)


def _ts_root() -> str:
    script = tsc_paths()[0]
    return script.rsplit("/lib/", 1)[0] if script else "typescript"


def _ts_hook_files() -> dict[str, str]:
    types = resources.files("devlab.testing").joinpath("jsgen_types.js").read_text()
    hook = f"require('/work/_devlab_types.cjs').tsHook({json.dumps(_ts_root())});\n"
    return {"_devlab_types.cjs": types, "_devlab_tshook.cjs": hook}


def run_js_mutants(
    files: dict[str, str],
    settings: Settings,
    *,
    path: str,
    tests: list[str],
    mutants: list[tuple[str, str]],
    timeout: float = 10.0,
    progress: ProgressFn | None = None,
    failing: dict[str, list[str]] | None = None,
    typescript: bool = False,
    jest: bool = False,
    esm: bool = False,
    mounts: Sequence[DependencyMount] = (),
) -> tuple[dict[str, str], str]:
    """``{mutant id: passed|failed|timeout}`` of the batches whose original passed, and
    why the others were not judged (empty when every batch was). With ``failing`` (a
    dict), it is filled with each mutant's failing top-level test names. With
    ``typescript``, node loads the ``.ts`` files (target and tests) through the TypeScript
    compiler's transpileModule (``jsgen_types.js``'s hook, ``--require``d in every test
    process), so each mutant costs no tsc run. With ``jest``, ``tests`` are jest test
    files run by jest (``esm``: the project is ES modules); npm packages from
    ``mounts``."""
    done: dict[str, str] = {}
    message = ""
    batches = [mutants[i : i + BATCH] for i in range(0, len(mutants), BATCH)]
    wall = settings.sandbox_max_wall_seconds
    jest_how, run_files = (
        jest_setup(files, typescript=typescript, esm=esm, mounts=mounts) if jest else (None, files)
    )
    for n, batch in enumerate(batches, 1):
        report(progress, "mutants", n - 1, len(batches), f"batch {n} of {len(batches)}")
        hooked = typescript and not jest  # jest transforms TypeScript itself
        spec = {"target": path, "tests": tests, "timeout_ms": int(timeout * 1000),
                "mutants": batch, "names": failing is not None, "jest": jest_how,
                "node_path": GLOBAL_ROOT if shared_fast_check() else "",
                "node_args": ["--require", HOOK] if hooked else [],
                "ts_root": _ts_root() if hooked else "",
                "ts_files": sorted(p for p in files if p.endswith(TS_SUFFIXES))[:400]}  # fmt: skip
        extra = _ts_hook_files() if hooked else {}
        request = SandboxRequest(
            language="javascript", entry="_devlab_mut.cjs",
            files={**run_files, **extra, "_devlab_mut.cjs": DRIVER,
                   "_devlab_mut.json": json.dumps(spec)},
            limits=Limits(wall_seconds=wall, cpu_seconds=wall, cpus=1.0,
                          memory_mb=min(2048 if jest else 1024, settings.sandbox_max_memory_mb),
                          max_processes=64,
                          max_output_bytes=min(1_000_000, settings.sandbox_max_output_bytes),
                          max_disk_mb=min(256, settings.sandbox_max_disk_mb)),
        )  # fmt: skip
        result = run_code(request, settings, mounts=mounts)
        at = result.stdout.rfind(MARK)
        if at < 0:
            message = f"a batch ended {result.status}: {(result.stderr or result.stdout)[-300:]}"
            continue
        outcomes = json.loads(result.stdout[at + len(MARK) :].split("\n", 1)[0])
        if outcomes.get("original") != "passed":
            message = (f"the tests do not pass on the original code ({outcomes.get('original')}"
                       "); mutants not judged")  # fmt: skip
            continue
        names = outcomes.pop("@failing", {})
        if failing is not None:
            failing.update({k: v for k, v in names.items() if k != "original"})
        done.update({k: v for k, v in outcomes.items() if k != "original"})
    report(progress, "mutants", len(batches), len(batches), "done")
    return done, message
