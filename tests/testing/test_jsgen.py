"""JavaScript test generation (issue 15): node:test and jest, the real sandbox, the real
CLI/REST doors; a scripted model only in the orchestration test of the model round."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.config import Settings
from devlab.errors import NotFound
from devlab.testing import (
    NothingToTest,
    ProjectFiles,
    SnippetTestsRequest,
    generate_for_snippet,
    measure_coverage,
    mutation_score,
)
from devlab.testing.jestrun import jest_available, jest_tests, uses_jest
from devlab.testing.jsgen import generate_js_tests, split_js_tests
from devlab.testing.jsprops import GLOBAL_ROOT
from devlab.testing.jssig import generated_test_layout, jsdoc_of
from devlab.testing.mutation import mutant_tests
from devlab.workbench import Workbench
from helpers import serve_in_thread
from lab_projects import ingest

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
runner = CliRunner()

TEXT = """'use strict';
/**
 * Clamp a number into a range.
 * @param {number} x the value
 * @param {number} lo lower bound
 * @param {number} hi upper bound
 * @example
 * clamp(5, 0, 3) // => 3
 */
function clamp(x, lo = 0, hi = 10) {
  if (x < lo) return lo;
  if (x > hi) {
    return hi;
  }
  return x;
}

function pad(str, width) {
  if (typeof str !== 'string') throw new TypeError('str must be a string');
  return str.padStart(width, ' ');
}

/**
 * @param {number} n a count
 */
function broken(n) {
  return n + undefinedHelper(n);
}

function mode(opts) {
  if (opts && opts.level > 3 && opts.name === 'deep') {
    return 'deep';
  }
  return 'shallow';
}

module.exports = { clamp, pad, broken, mode };
"""
PROJECT = {
    "package.json": '{"name": "jsgen-demo", "version": "1.0.0"}\n',
    "lib/text.js": TEXT,
    "test/text.test.js": """const test = require('node:test');
const assert = require('node:assert');
const { pad } = require('../lib/text');

test('pads', () => { assert.strictEqual(pad('a', 3), '  a'); });
""",
}


def test_jsdoc_types_examples_and_the_test_layout() -> None:
    doc = jsdoc_of(TEXT)
    assert doc.types["clamp"] == {"x": "number", "lo": "number", "hi": "number"}
    assert doc.examples == [("clamp", "clamp(5, 0, 3)", "3")]
    files = {"lib/text.js": "", "test/a.test.js": ""}
    path, esm, binding, header = generated_test_layout(files, {}, "lib/text.js", "node:test")
    assert (path, esm, binding) == ("test/text.generated.test.js", False, "text")
    assert "require('node:test')" in header and 'require("../lib/text.js")' in header
    manifests = {"package.json": '{"type": "module"}'}
    path, esm, _, header = generated_test_layout(
        {"src/x-y.js": ""}, manifests, "src/x-y.js", "jest"
    )
    assert esm and path == "test/x-y.generated.test.js" and "node:test" not in header
    assert 'import * as xY from "../src/x-y.js";' in header


def test_jest_projects_and_model_replies_are_recognised() -> None:
    assert uses_jest({"package.json": '{"scripts": {"test": "jest --coverage"}}'})
    assert uses_jest({"package.json": '{"devDependencies": {"jest": "^29"}}'})
    assert not uses_jest({"package.json": '{"scripts": {"test": "node --test"}}'})
    assert not uses_jest({"package.json": "not json"})
    files = {"a.test.js": "require('node:test')", "b.test.js": "test('x', () => {})"}
    assert jest_tests(files) == ["b.test.js"]
    reply = (
        "const x = 1;\ntest('a', () => {\n  assert.equal(1, 1);\n});\n"
        "it('b', async () => {\n  await f();\n});\n"
    )
    assert split_js_tests(reply) == ["  assert.equal(1, 1);", "  await f();"]


@pytest.mark.sandbox
@pytest.mark.slow
def test_node_tests_are_generated_verified_and_pass_outside(lab_bench: Workbench, tmp_path):
    ingest(lab_bench, tmp_path, "jsdemo", PROJECT)
    home = str(lab_bench.settings.home)
    diff = tmp_path / "gen.diff"
    out = runner.invoke(app, ["--home", home, "tests", "generate", "jsdemo", "--path",
                              "lib/text.js", "--symbol", "clamp", "--framework", "node:test",
                              "--no-model",
                              "--json", "--out", str(diff)])  # fmt: skip
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert result["framework"] == "node:test"
    assert result["test_path"] == "test/text.generated.test.js"
    assert 0 < result["before"]["line_percent"] < result["after"]["line_percent"]
    kept = result["kept"]
    assert kept and all(k["runs"] == ["passed"] * 3 for k in kept)
    assert result["strategies"].get("doctest") == 1  # the @example, with its documented 3
    assert "assert.deepStrictEqual(clamp(5, 0, 3), 3);" in result["test_code"]
    assert result["proof"]["failing_generated"] == []
    assert "for killing mutants the other kept tests miss" in result["message"]
    killers = [k for k in kept if k["kills"]]  # no new coverage, but a mutant killed
    assert all("no new coverage, but kills" in k["reason"] for k in killers)
    reasons = [d["reason"] for d in result["dropped"]]
    assert any("adds no coverage" in r for r in reasons)
    # the kept tests pass under plain node --test outside DevLab (a kept fast-check
    # property finds the shared copy, as a devDependency would be found)
    root = tmp_path / "jsdemo"
    (root / result["test_path"]).write_text(result["test_code"])
    env = {**os.environ, "NODE_PATH": GLOBAL_ROOT}
    run = subprocess.run(["node", "--test", result["test_path"]], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert diff.read_text().startswith("--- /dev/null")


@pytest.fixture
def server(lab_settings: Settings) -> Iterator[str]:
    for hostport in serve_in_thread(lab_settings):
        yield f"http://{hostport}"


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(not jest_available(), reason="jest is not installed (scripts/setup.sh)")
def test_jest_tests_for_a_snippet_through_the_seed_route(server: str) -> None:
    snippet = "function sign(x) {\n  if (x < 0) {\n    return -1;\n  }\n  return 1;\n}\n"
    body = {"code": snippet, "framework": "jest", "coverage": 90, "use_model": False}
    resp = httpx.post(f"{server}/api/v1/devlab/generate/tests", json=body, timeout=300)
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert result["framework"] == "jest" and result["project"] is None
    assert result["after"]["line_percent"] == 100
    by_coverage = [k for k in result["kept"] if not k["kills"]]
    assert len(by_coverage) == 2  # the two branches; sign(0) may join for a boundary mutant
    assert "require('node:test')" not in result["test_code"]  # jest's global test()
    assert result["proof"]["tests"] == len(result["kept"])
    assert result["proof"]["failing_generated"] == []


@pytest.mark.sandbox
@pytest.mark.slow
def test_the_model_is_asked_for_what_the_boundary_calls_miss(lab_settings: Settings) -> None:
    asked: list[str] = []

    def model(system: str, user: str) -> str:  # scripted: one good, one wrong test
        asked.append(user)
        return (
            "```js\ntest('deep mode', () => {\n"
            "  assert.equal(text.mode({ level: 5, name: 'deep' }), 'deep');\n});\n"
            "test('wrong', () => {\n  assert.equal(text.mode({}), 'deep');\n});\n```\n"
        )

    files = {"lib/text.js": TEXT}
    pf = ProjectFiles("demo", None, None, files, manifests={"package.json": "{}"})
    result = generate_js_tests(pf, lab_settings, path="lib/text.js", symbol="mode",
                               model=model, target_coverage=100)  # fmt: skip
    assert len(asked) == 1 and "function mode(opts)" in asked[0]
    by_name = {c.name: c for c in [*result.kept, *result.dropped] if c.strategy == "model"}
    good, bad = by_name["devlab: model mode #0"], by_name["devlab: model mode #1"]
    assert good.kept and good.runs == ["passed"] * 3
    assert not bad.kept and bad.reason.startswith("failed in the sandbox")
    assert "'deep'" in result.test_code and result.strategies["model"] == 1
    assert Path(result.test_path).name == "text.generated.test.js"


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(not jest_available(), reason="jest is not installed (scripts/setup.sh)")
def test_a_jest_suite_is_measured_with_jests_coverage(lab_bench: Workbench, tmp_path) -> None:
    project = {
        "package.json": '{"name": "jestdemo", "scripts": {"test": "jest"}}\n',
        "lib/text.js": TEXT,
        "__tests__/text.test.js": """const { pad, clamp } = require('../lib/text');
describe('text', () => {
  test('pads', () => { expect(pad('a', 3)).toBe('  a'); });
  test('wrong', () => { expect(clamp(1)).toBe(2); });
});
""",
    }
    ingest(lab_bench, tmp_path, "jestdemo", project)
    result = measure_coverage(lab_bench.db, lab_bench.settings, "jestdemo", test_timeout=5)
    assert (result.language, result.framework) == ("javascript", "jest")
    assert {t.name: t.outcome for t in result.tests} == {
        "text pads": "passed", "text wrong": "failed",
    }  # fmt: skip
    assert result.status == "tests_failed"
    [f] = result.files
    assert f.path == "lib/text.js" and 0 < f.summary.line_percent < 100
    assert f.summary.branches > 0 and {fn.name for fn in f.functions} >= {"clamp", "mode"}


@pytest.mark.sandbox
@pytest.mark.slow
def test_javascript_mutants_run_against_node_tests(lab_settings: Settings) -> None:
    files = {k: v for k, v in PROJECT.items() if k != "package.json"}
    pf = ProjectFiles("demo", None, None, files)
    none, _ = mutation_score(pf, lab_settings, path="lib/text.js", tests=["test/text.test.js"],
                             symbol="clamp")  # fmt: skip
    assert none.mutants >= 5 and none.score == 0.0  # the project's test never calls clamp
    assert all(m.diff.startswith("--- a/lib/text.js") for m in none.survived)
    bounds = """const test = require('node:test');
const assert = require('node:assert');
const { clamp } = require('../lib/text');
test('bounds', () => {
  assert.strictEqual(clamp(-1), 0);
  assert.strictEqual(clamp(11), 10);
  assert.strictEqual(clamp(10), 10);
  assert.strictEqual(clamp(0), 0);
  assert.strictEqual(clamp(5, 0, 3), 3);
});
"""
    some, _ = mutation_score(pf, lab_settings, path="lib/text.js", symbol="clamp",
                             tests=["test/bounds.test.js"],
                             extra_files={"test/bounds.test.js": bounds})  # fmt: skip
    assert some.mutants == none.mutants and some.score is not None and some.score > 50


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.skipif(not jest_available(), reason="jest is not installed (scripts/setup.sh)")
def test_a_jest_suite_kills_mutants_through_jest(lab_settings: Settings) -> None:
    manifest = '{"name": "jestdemo", "scripts": {"test": "jest"}}\n'
    files = {
        "package.json": manifest,
        "lib/text.js": TEXT,
        "__tests__/clamp.test.js": """const { clamp } = require('../lib/text');
describe('clamp', () => {
  test('bounds', () => {
    expect(clamp(-1)).toBe(0);
    expect(clamp(11)).toBe(10);
    expect(clamp(10)).toBe(10);
    expect(clamp(0)).toBe(0);
    expect(clamp(5, 0, 3)).toBe(3);
  });
});
""",
    }
    pf = ProjectFiles("jestdemo", None, None, files, {"package.json": manifest})
    tests = mutant_tests(pf, "lib/text.js")
    assert tests == ["__tests__/clamp.test.js"]  # no node:test files: the jest suite
    report, _ = mutation_score(pf, lab_settings, path="lib/text.js", tests=tests, symbol="clamp",
                               per_function=4)  # fmt: skip
    assert report.mutants >= 3 and report.score is not None and report.score > 50
    # a suite failing on the original judges nothing, and says so
    broken = {**files, "__tests__/clamp.test.js": files["__tests__/clamp.test.js"].replace(
        "toBe(0);", "toBe(1);", 1)}  # fmt: skip
    pf = ProjectFiles("jestdemo", None, None, broken, {"package.json": manifest})
    none, _ = mutation_score(pf, lab_settings, path="lib/text.js", tests=tests, symbol="clamp",
                             per_function=1)  # fmt: skip
    assert none.mutants == 0 and "do not pass on the original" in none.message


@pytest.mark.sandbox
@pytest.mark.slow
def test_bad_javascript_input_is_answered_clearly(lab_settings: Settings) -> None:
    request = SnippetTestsRequest(code="function f(x) { return x +; }", framework="node:test",
                                  use_model=False)  # fmt: skip
    result = generate_for_snippet(lab_settings, request, model=None)
    assert not result.kept and "did not load in the sandbox" in result.message
    assert "SyntaxError" in result.message
    # a ReferenceError on arguments of the documented types is a suspected bug, not a test
    broken = (
        "/**\n * @param {number} n a count\n */\nfunction broken(n) {\n  return n + nope(n);\n}\n"
    )
    request = SnippetTestsRequest(code=broken, framework="node:test", use_model=False)
    result = generate_for_snippet(lab_settings, request, model=None)
    assert [(b.target, b.exception) for b in result.suspected_bugs] == [
        ("broken", "ReferenceError")
    ]
    assert not result.kept and not result.test_code
    pf = ProjectFiles("p", None, None, {"a.js": "module.exports = { f(x) { return x; } };",
                                        "b.py": "x = 1\n"})  # fmt: skip
    with pytest.raises(NothingToTest):
        generate_js_tests(pf, lab_settings, path="b.py")
    with pytest.raises(NotFound, match="exports: f"):
        generate_js_tests(pf, lab_settings, path="a.js", symbol="g")
    # an ES module under jest: node's --experimental-vm-modules, no transform, V8 coverage
    esm = SnippetTestsRequest(code="export const f = (x) => (x > 1 ? 'big' : 'small');",
                              framework="jest", use_model=False)  # fmt: skip
    result = generate_for_snippet(lab_settings, esm, model=None)
    assert result.kept and result.test_path.endswith(".test.mjs")
    assert result.proof["sandbox_status"] == "ok" and not result.proof["failing_generated"]
    assert result.proof["tests"] == len(result.kept) and result.after.line_percent == 100.0
