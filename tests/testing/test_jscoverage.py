"""JavaScript coverage (issue 15): a project's own node:test suite under node's built-in
coverage in the real sandbox, read back per file and per function like Python's."""

from __future__ import annotations

import pytest

from devlab.testing import measure_coverage
from devlab.testing.jsrun import is_js_test, js_tests, parse_lcov, parse_tap
from devlab.workbench import Workbench
from lab_projects import ingest

MATH = """// Small math helpers.
function sign(x) {
  if (x < 0) {
    return -1;
  }
  return 1;
}

/* never called by the tests */
function unused(a) {
  return a * 2;
}

module.exports = { sign, unused };
"""

PROJECT = {
    "package.json": '{"name": "jsmath", "version": "1.0.0"}\n',
    "lib/math.js": MATH,
    "test/math.test.js": """const test = require('node:test');
const assert = require('node:assert');
const { sign } = require('../lib/math');

test('positive', () => { assert.strictEqual(sign(3), 1); });
test('negative', () => { assert.strictEqual(sign(-3), -1); });
test('wrong', () => { assert.strictEqual(sign(3), 2); });
""",
    "test/hang.test.js": """const test = require('node:test');
test('hangs', () => new Promise((done) => setTimeout(done, 60000)));
""",
}


def test_test_files_are_those_written_for_node_test() -> None:
    assert is_js_test("test/math.js") and is_js_test("src/a.spec.mjs")
    assert is_js_test("lib/__tests__/x.js") and not is_js_test("lib/testing.js")
    files = {"a.test.js": "require('node:test')", "b.test.js": "describe('jest', ...)"}
    assert js_tests(files) == ["a.test.js"]  # a jest file needs jest, not node


def test_lcov_and_tap_are_read_line_by_line() -> None:
    lcov = (
        "TN:\nSF:lib/math.js\nFN:2,sign\nFN:10,unused\nFNDA:2,sign\nFNDA:0,unused\n"
        "BRDA:3,0,0,1\nBRDA:3,0,1,0\n"
        + "".join(f"DA:{n},{c}\n" for n, c in [(1, 1), (2, 2), (3, 2), (4, 0), (5, 0),
                                                (6, 2), (7, 2), (9, 1), (10, 0), (11, 0)])
        + "end_of_record\nSF:test/x.test.js\nDA:1,1\nend_of_record\n"
    )  # fmt: skip
    [f] = parse_lcov(lcov, {"lib/math.js": MATH})  # the test file is not a source
    # the comment lines (1 and 9) do not count; 7 is a brace (code)
    assert f.summary.lines == 8 and f.summary.lines_covered == 4
    assert f.missing_lines == [4, 5, 10, 11]
    assert f.summary.branches == 2 and f.missing_branches == [(3, 3)]
    sign, unused = f.functions
    assert (sign.name, sign.start_line, sign.summary.line_percent) == ("sign", 2, 66.67)
    assert (unused.name, unused.summary.lines_covered) == ("unused", 0)
    tap = (
        "TAP version 13\n# Subtest: a\nok 1 - a\n  ---\n  duration_ms: 1\n  ...\n"
        "not ok 2 - b\n  ---\n  failureType: 'testCodeFailure'\n  ...\n"
        "not ok 3 - c\n  ---\n  failureType: 'testTimeoutFailure'\n  ...\n"
        "ok 4 - d # SKIP not here\n    ok 1 - nested\n1..4\n"
    )
    assert [(t.name, t.outcome) for t in parse_tap(tap)] == [
        ("a", "passed"), ("b", "failed"), ("c", "timeout"), ("d", "skipped"),
    ]  # fmt: skip


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_node_test_suite_is_measured_in_the_sandbox(lab_bench: Workbench, tmp_path) -> None:
    ingest(lab_bench, tmp_path, "jsmath", PROJECT)
    result = measure_coverage(lab_bench.db, lab_bench.settings, "jsmath", test_timeout=1)
    assert (result.language, result.framework) == ("javascript", "node:test")
    outcomes = {t.name: t.outcome for t in result.tests}
    assert outcomes == {  # node stops a hung test's file and reports the file
        "positive": "passed", "negative": "passed", "wrong": "failed",
        "test/hang.test.js": "timeout",
    }  # fmt: skip
    assert result.status == "tests_failed"
    [f] = result.files
    assert f.path == "lib/math.js" and f.missing_lines == [10, 11, 12]  # node: 10 too
    assert f.summary.branch_percent == 100.0
    names = {fn.name: fn.summary.lines_covered for fn in f.functions}
    assert names["unused"] == 0 and names["sign"] >= 4
    assert result.id is not None  # stored, like a Python run
