"""TypeScript test generation and fast-check property tests (issue 15): the real sandbox,
the real TypeScript compiler and fast-check (both installed once by scripts/setup.sh),
the kept file compiled by plain tsc and run by plain ``node --test`` outside DevLab."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from devlab.config import Settings
from devlab.testing import ProjectFiles
from devlab.testing.jestrun import _esm_ts_args, has_jest_config, jest_tests
from devlab.testing.jsgen import generate_js_tests
from devlab.testing.jsprops import GLOBAL_ROOT, fast_check, property_candidates
from devlab.testing.jsrun import tsc_paths
from devlab.testing.jssig import doc_strings, generated_test_layout

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

TS = """import { check } from './util.js';

export type Unit = 'b' | 'kb';

export interface Options {
  unit?: Unit;
  digits: number;
}

/**
 * Format a byte count.
 * @example
 * format(2048, { unit: 'kb', digits: 1 }) // => '2.0kb'
 */
export function format(n: number, opts: Options = { digits: 0 }): string {
  check(n);
  if (opts.unit === 'kb') {
    return (n / 1024).toFixed(opts.digits) + 'kb';
  }
  return String(n) + 'b';
}

export const encode = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
export const decode = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

export function first(xs: string[]): string {
  return xs[0].toUpperCase();
}
"""
UTIL = """export function check(n: number): void {
  if (!Number.isFinite(n)) {
    throw new RangeError('n must be finite');
  }
}
"""


def test_typescript_layout_fast_check_and_jest_settings() -> None:
    files = {"src/fmt.ts": TS, "src/util.ts": UTIL, "test/a.test.ts": ""}
    path, esm, binding, header = generated_test_layout(files, {}, "src/fmt.ts", "node:test")
    assert (path, esm, binding) == ("test/fmt.generated.test.ts", False, "fmt")
    assert header.startswith("// @ts-nocheck") and "import test from 'node:test';" in header
    assert 'import * as fmt from "../src/fmt";' in header
    assert doc_strings(files, "src/fmt.ts") == ['"kb"']
    assert fast_check({}, False)[0] in ("fast-check", "")
    own = {"package.json": '{"devDependencies": {"fast-check": "^3"}}'}
    assert fast_check(own, True) == ("fast-check", "", "")
    assert jest_tests({"a.test.ts": "test('x', () => {})"}, typescript=True) == ["a.test.ts"]
    assert not has_jest_config({"package.json": "{}"})
    assert has_jest_config({"package.json": '{"jest": {}}'})
    assert has_jest_config({"jest.config.js": ""})
    ts_args = _esm_ts_args({"package.json": "{}"}, typescript=True, esm=False)
    config = json.loads(ts_args["jest_args"][0].removeprefix("--config="))
    assert config["transform"] == {"\\.[cm]?tsx?$": "<rootDir>/_devlab_ts_jest.cjs"}
    assert config["moduleNameMapper"] and ts_args["node_args"] == []
    esm_args = _esm_ts_args({}, typescript=False, esm=True)
    assert esm_args["node_args"] == ["--experimental-vm-modules"]
    assert "--coverageProvider=v8" in esm_args["jest_args"]
    assert _esm_ts_args({"jest.config.js": ""}, typescript=True, esm=True)["jest_args"] == []
    found = [
        {"target": "f", "title": "returns a string", "prop": "fc.property()", "holds": True},
        {"target": "g", "title": "does not throw on valid input", "prop": "p", "holds": False,
         "counterexample": "[[]]", "thrown": {"name": "TypeError", "explicit": False,
                                              "message": "x is undefined", "where": "a.ts:3"}},
        {"target": "h", "title": "is idempotent", "prop": "p", "holds": False,
         "counterexample": '["a"]', "message": "Expected values to be strictly deep-equal"},
    ]  # fmt: skip
    cands, dropped, bugs, notes = property_candidates(found)
    assert [c[1] for c in cands] == ["f"] and "seed: 42" in cands[0][2]
    assert [(b.target, b.exception) for b in bugs] == [("g", "TypeError")]
    assert [d.target for d in dropped] == ["h"] and '["a"]' in dropped[0].reason
    assert not notes


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(not tsc_paths()[0], reason="tsc is not installed (scripts/setup.sh)")
def test_typescript_tests_with_properties_pass_outside(lab_settings: Settings, tmp_path) -> None:
    files = {"src/fmt.ts": TS, "src/util.ts": UTIL}
    pf = ProjectFiles("ts", None, None, files, manifests={"package.json": '{"name": "ts"}'})
    result = generate_js_tests(pf, lab_settings, path="src/fmt.ts")
    assert result.test_path == "test/fmt.generated.test.ts"
    assert result.proof["sandbox_status"] == "ok" and not result.proof["failing_generated"]
    assert result.after.line_percent == 100.0, result.message
    # the second keep rule ran on TypeScript mutants (the dataset pipeline's, via the hook)
    assert "mutant(s) still survive" in result.message or "no mutant survived" in result.message
    strategies = {c.strategy for c in result.kept}
    assert {"doctest", "boundary"} <= strategies
    # format(NaN)'s RangeError is thrown on purpose in util.ts: not a bug; first([]) is
    bugs = {(b.target, b.exception): b.message for b in result.suspected_bugs}
    assert ("first", "TypeError") in bugs
    assert not any("must be finite" in m for m in bugs.values())
    if Path(GLOBAL_ROOT, "fast-check").is_dir():  # fast-check: round trip kept, seeded
        assert "property" in strategies and "round-trips through decode" in result.test_code
        assert "{ seed: 42, numRuns: 100 }" in result.test_code
        (tmp_path / "node_modules").mkdir()
        (tmp_path / "node_modules" / "fast-check").symlink_to(Path(GLOBAL_ROOT) / "fast-check")
    for name, text in {**files, result.test_path: result.test_code}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    tsc = subprocess.run(["node", tsc_paths()[0], "--outDir", "out", "--rootDir", ".",
                          "--module", "commonjs", "--target", "es2022", "--esModuleInterop",
                          "--skipLibCheck", "--types", "node", "--typeRoots",
                          str(Path(GLOBAL_ROOT) / "@types"), result.test_path],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert tsc.returncode == 0, tsc.stdout
    run = subprocess.run(["node", "--test", "out/test/fmt.generated.test.js"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0 and f"# pass {len(result.kept)}" in run.stdout, run.stdout


@pytest.mark.skipif(not tsc_paths()[0], reason="tsc is not installed (scripts/setup.sh)")
def test_declared_types_are_read_from_sources_and_declaration_files(tmp_path) -> None:
    """The TypeScript parser's descriptors: literal unions, optional properties, arrays,
    and a ``.d.ts`` default export (a .js file's types) under ``default``."""
    types = Path(__file__).parents[2] / "src/devlab/testing/jsgen_types.js"
    (tmp_path / "a.d.ts").write_text(
        "export type Options = { readonly unit?: 'b' | 'kb'; digits: number };\n"
        "export default function fmt(n: number, xs: readonly string[], o?: Options): string;\n"
    )
    script = (
        f"const T = require({json.dumps(str(types))}); "
        f"const ts = require({json.dumps(tsc_paths()[0].rsplit('/lib/', 1)[0])}); "
        "const fs = require('fs'); const f = process.argv[1]; "
        "console.log(JSON.stringify(T.signatures(ts, fs.readFileSync(f, 'utf8'), f)));"
    )
    out = subprocess.run(["node", "-e", script, str(tmp_path / "a.d.ts")], capture_output=True,
                         text=True, timeout=60, check=True)  # fmt: skip
    sigs = json.loads(out.stdout)
    assert sigs["default"] == sigs["fmt"] and sigs["fmt"]["ret"] == {"k": "string"}
    n, xs, o = sigs["fmt"]["params"]
    assert n["t"] == {"k": "number"} and xs["t"] == {"k": "array", "of": {"k": "string"}}
    unit, digits = o["t"]["props"]
    assert o["opt"] and unit["opt"] and not digits["opt"]
    assert unit["t"] == {"k": "union", "of": [{"k": "lit", "v": "b"}, {"k": "lit", "v": "kb"}]}
