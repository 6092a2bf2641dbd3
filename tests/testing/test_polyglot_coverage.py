"""Go, Java and TypeScript (issue 15): a project's own suite measured in the real
sandbox (go test -cover, JUnit 5 + JaCoCo, tsc + node:test), per file and per function,
stored like a Python run; go test generation with Python's keep rules. One tiny real
project per language."""

from __future__ import annotations

import pytest

from devlab.insights.feed import list_insights
from devlab.testing import (
    FRAMEWORKS,
    GenerateRequest,
    SnippetTestsRequest,
    UnsupportedFramework,
    check_framework,
    generate_for_project,
    generate_for_snippet,
    measure_coverage,
)
from devlab.testing.gogen import generate_go_tests
from devlab.testing.gorun import go_module, parse_go_events, parse_profile
from devlab.testing.gosig import go_calls, go_functions, go_quote
from devlab.testing.javarun import is_java_test, java_sources, java_tests, parse_junit_xml
from devlab.testing.javasig import java_calls, java_methods, java_quote
from devlab.testing.jsrun import is_js_omitted, js_sources, ts_sources
from devlab.testing.measure import language_layout
from devlab.testing.project import ProjectFiles
from devlab.workbench import Workbench
from lab_projects import ingest

GO_CALC = """package calc

import "errors"

// Abs returns the absolute value of x.
func Abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

type Acc struct{ total int }

// Div divides, refusing zero.
func (a *Acc) Div(x, y int) (int, error) {
	if y == 0 {
		return 0, errors.New("division by zero")
	}
	return x / y, nil
}
"""

GO_PROJECT = {
    "go.mod": "module example.com/calc\n\ngo 1.19\n",
    "calc.go": GO_CALC,
    "calc_test.go": """package calc

import "testing"

func TestAbs(t *testing.T) {
	if Abs(-2) != 2 {
		t.Fatal("abs")
	}
}

func TestWrong(t *testing.T) {
	if Abs(3) != 4 {
		t.Fatal("wrong on purpose")
	}
}
""",
    "strutil/twice.go": "package strutil\n\n// Twice repeats s.\nfunc Twice(s string) string {\n"
    "\treturn s + s\n}\n",
}

JAVA_CALC = """package demo;

public class Calc {
    public static int abs(int x) {
        if (x < 0) {
            return -x;
        }
        return x;
    }

    public static int div(int a, int b) {
        if (b == 0) {
            throw new IllegalArgumentException("b is zero");
        }
        return a / b;
    }
}
"""

JAVA_PROJECT = {
    "src/main/java/demo/Calc.java": JAVA_CALC,
    "src/test/java/demo/CalcTest.java": """package demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CalcTest {
    @Test
    void absOfNegative() { assertEquals(2, Calc.abs(-2)); }

    @Test
    void wrong() { assertEquals(1, Calc.abs(2)); }

    @Test
    void hangs() { while (true) { Thread.onSpinWait(); } }
}
""",
}

TS_PROJECT = {
    "package.json": '{"name": "tsmath", "version": "1.0.0"}\n',
    "src/sign.ts": """// Sign of a number.
export function sign(x: number): number {
  if (x < 0) {
    return -1;
  }
  return 1;
}

export function unused(a: string): string {
  return a + a;
}
""",
    "test/sign.test.ts": """import { test } from "node:test";
import assert from "node:assert";
import { sign } from "../src/sign";

test("negative", () => {
  assert.strictEqual(sign(-3), -1);
});
""",
    "eslint.config.js": "module.exports = [];\n",
    "benchmarks/bench.ts": "export const n: number = 1;\n",
}


def test_layout_picks_the_language_its_tests_are_written_in() -> None:
    assert language_layout(GO_PROJECT)[0] == "go"
    assert language_layout(JAVA_PROJECT)[0] == "java"
    lang, sources, tests = language_layout(TS_PROJECT)
    assert lang == "typescript" and sources == ["src/sign.ts"] and tests == ["test/sign.test.ts"]
    assert go_module({"svc/go.mod": "module x.io/svc\n", "svc/a/go.mod": ""}) == ("svc", "x.io/svc")
    # no go.mod (ingestion keeps only code): the module path from the code's own imports
    sub = 'package english\n\nimport (\n\t"fmt"\n\t"github.com/d/go-humanize"\n)\n'
    assert go_module({"h.go": "package humanize\n", "english/w.go": sub}) == (
        "",
        "github.com/d/go-humanize",
    )
    uses = 'package main\n\nimport "x.io/tool/internal/util"\n'
    assert go_module({"m.go": uses, "internal/util/u.go": "package util\n"})[1] == "x.io/tool"
    assert is_java_test("src/test/java/a/B.java", "") and is_java_test(
        "x/FooTest.java", "org.junit"
    )
    assert not is_java_test("src/main/java/a/Tester.java", "class Tester {}")
    assert java_tests({"ATest.java": "class ATest {}"}) == []  # not JUnit: not run
    assert java_sources(JAVA_PROJECT) == ["src/main/java/demo/Calc.java"]
    declared = {"src/main/java/demo/package-info.java": "/** Demo. */\npackage demo;\n"}
    assert java_sources({**JAVA_PROJECT, **declared}) == ["src/main/java/demo/Calc.java"]


def test_benchmarks_configs_and_dependencies_are_not_the_projects_code() -> None:
    """Item 3: the JavaScript omit list mirrors Python's (tests, docs, set-up)."""
    files = {p: "" for p in (
        "index.js", "lib/a.js", "eslint.config.js", "vite.config.mjs", "Gruntfile.js",
        "benchmarks/run.js", "bench/x.js", "benchmark/y.js", "docs/conf.js", "examples/e.js",
        "node_modules/dep/index.js", "test/a.test.js", "dist/index.js", "types/index.d.ts",
        "src/x.ts",
    )}  # fmt: skip
    assert js_sources(files) == ["index.js", "lib/a.js"]
    assert ts_sources(files) == ["src/x.ts"]
    assert is_js_omitted(".eslintrc.js") and not is_js_omitted("lib/config.js")


def test_go_profile_and_events_are_read_back() -> None:
    profile = (
        "mode: count\nexample.com/calc/calc.go:6.21,7.11 1 2\n"
        "example.com/calc/calc.go:6.21,7.11 1 1\n"  # a second test binary's copy: added
        "example.com/calc/calc.go:10.2,10.10 1 0\nother.org/x/y.go:1.1,2.2 1 1\nbroken line\n"
    )
    blocks = parse_profile(profile, "example.com/calc", "svc")
    assert blocks == {"svc/calc.go": [(6, 7, 3), (10, 10, 0)]}
    events = "\n".join([
        '{"Action":"run","Package":"example.com/calc","Test":"TestA"}',
        '{"Action":"pass","Package":"example.com/calc","Test":"TestA","Elapsed":0.5}',
        '{"Action":"run","Package":"example.com/calc/sub","Test":"TestHang"}',
        '{"Action":"output","Package":"example.com/calc/sub","Output":"panic: test timed out"}',
        "not json", "[1]",
    ])  # fmt: skip
    outcomes = {t.name: (t.outcome, t.seconds) for t in parse_go_events(events, "example.com/calc")}
    assert outcomes == {".::TestA": ("passed", 0.5), "sub::TestHang": ("timeout", 0.0)}


def test_junit_reports_with_entities_are_refused() -> None:
    xml = (
        '<?xml version="1.0"?><testsuite><testcase classname="a.B" name="t()">'
        '<failure message="x() timed out after 1 second"/></testcase></testsuite>'
    )
    [t] = parse_junit_xml(xml)
    assert (t.name, t.outcome) == ("a.B::t", "timeout")
    assert parse_junit_xml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>') == []


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_go_module_is_measured_with_go_test_cover(lab_bench: Workbench, tmp_path) -> None:
    ingest(lab_bench, tmp_path, "gocalc", GO_PROJECT)
    result = measure_coverage(lab_bench.db, lab_bench.settings, "gocalc")
    assert (result.language, result.framework) == ("go", "go test")
    assert {t.name: t.outcome for t in result.tests} == {
        ".::TestAbs": "passed", ".::TestWrong": "failed",
    }  # fmt: skip
    assert result.status == "tests_failed" and "no branch figures" in result.message
    files = {f.path: f for f in result.files}
    assert set(files) == {"calc.go", "strutil/twice.go"}  # a package without tests: 0%
    assert files["strutil/twice.go"].summary.lines_covered == 0
    funcs = {fn.name: fn for fn in files["calc.go"].functions}
    assert funcs["Abs"].summary.line_percent == 100.0  # -2 and 3: both ways
    assert funcs["Acc.Div"].summary.lines_covered == 0
    assert 17 in files["calc.go"].missing_lines  # `if y == 0 {` never ran
    assert result.id is not None
    gaps = list_insights(lab_bench.db, "gocalc", type="coverage").items
    div = next(g for g in gaps if g.symbol == "Acc.Div")
    assert '--symbol Div --framework "go test"' in div.fix  # the gap's command works for Go


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_java_project_is_measured_with_junit_and_jacoco(lab_bench: Workbench, tmp_path) -> None:
    ingest(lab_bench, tmp_path, "jcalc", JAVA_PROJECT)
    result = measure_coverage(lab_bench.db, lab_bench.settings, "jcalc", test_timeout=1)
    assert (result.language, result.framework) == ("java", "junit")
    assert {t.name: t.outcome for t in result.tests} == {
        "demo.CalcTest::absOfNegative": "passed", "demo.CalcTest::wrong": "failed",
        "demo.CalcTest::hangs": "timeout",  # abandoned after 1 s; the rest still ran
    }  # fmt: skip
    [f] = result.files
    assert f.path == "src/main/java/demo/Calc.java"
    funcs = {fn.name: fn.summary for fn in f.functions}
    assert funcs["Calc.abs"].branches == 2 and funcs["Calc.abs"].branches_covered == 2
    assert funcs["Calc.div"].lines_covered == 0 and funcs["Calc.div"].branches == 2
    assert f.missing_lines == [3, 12, 13, 15]  # the implicit constructor is line 3
    assert result.id is not None


@pytest.mark.sandbox
@pytest.mark.slow
def test_junit_classes_with_no_tests_are_an_error_not_ok(lab_bench: Workbench, tmp_path) -> None:
    # a test file the launcher finds nothing in (no @Test): never "ok" with 0 tests
    project = {
        "src/main/java/demo/Calc.java": JAVA_CALC,
        "src/test/java/demo/CalcTest.java": "package demo;\n\n"
        "import static org.junit.jupiter.api.Assertions.assertEquals;\n\n"
        "class CalcTest {\n    void notATest() { assertEquals(2, Calc.abs(-2)); }\n}\n",
    }
    ingest(lab_bench, tmp_path, "jnone", project)
    result = measure_coverage(lab_bench.db, lab_bench.settings, "jnone", test_timeout=1)
    assert result.status == "error" and not result.tests
    assert "reported no tests" in result.message and "tests passed" not in result.message


@pytest.mark.sandbox
@pytest.mark.slow
def test_a_typescript_suite_runs_after_tsc(lab_bench: Workbench, tmp_path) -> None:
    ingest(lab_bench, tmp_path, "tsmath", TS_PROJECT)
    result = measure_coverage(lab_bench.db, lab_bench.settings, "tsmath")
    assert (result.language, result.framework) == ("typescript", "node:test")
    assert [(t.name, t.outcome) for t in result.tests] == [("negative", "passed")]
    [f] = result.files  # eslint.config.js and benchmarks/ are not counted
    assert f.path == "src/sign.ts"
    funcs = {fn.name: fn for fn in f.functions}
    assert funcs["unused"].missing_lines == [10, 11]  # its declaration line maps as run
    assert funcs["sign"].summary.lines_covered >= 3
    assert {10, 11} <= set(f.missing_lines)  # .ts lines via source maps (node maps `return 1`
    assert f.summary.lines < 12  # at the block end a line late: 7, not 6)


def test_go_signatures_give_boundary_calls() -> None:
    funcs, skipped = go_functions(
        GO_CALC + "\nfunc Apply(f func(int) int) int { return f(1) }\n"
        "\nfunc Map[T any](xs []T) []T { return xs }\n"
    )
    by_name = {f.label: f for f in funcs}
    assert by_name["Acc.Div"].params == [("x", "int"), ("y", "int")]
    assert by_name["Acc.Div"].results == ["int", "error"] and by_name["Acc.Div"].pointer
    assert any(s.startswith("Map") for s in skipped)  # generics are left out, said why
    calls, why = go_calls(funcs, {"Acc"})
    exprs = {c.expr for c in calls}
    assert "(&Acc{}).Div(1, 0)" in exprs and "Abs(-1)" in exprs
    assert any("Apply" in w and "func(int) int" in w for w in why)
    assert go_quote('a"\\é') == '"a\\"\\\\\\U000000e9"'


def test_unsupported_frameworks_are_refused_listing_the_supported_ones() -> None:
    assert check_framework("go") == check_framework("Go Test") == "go"
    with pytest.raises(UnsupportedFramework) as info:
        check_framework("mocha")
    assert info.value.status_code == 400
    assert info.value.detail["supported"] == list(FRAMEWORKS)
    names = ("pytest", "go test", "junit", "node:test", "jest")
    assert all(name in info.value.message for name in names)


@pytest.mark.sandbox
@pytest.mark.slow
def test_go_tests_are_generated_verified_and_kept_by_coverage(lab_bench: Workbench, tmp_path):
    ingest(lab_bench, tmp_path, "gocalc", GO_PROJECT)
    request = GenerateRequest(project="gocalc", path="calc.go", framework="go", use_model=False)
    result = generate_for_project(lab_bench.db, lab_bench.settings, request, model=None)
    assert result.framework == "go test" and result.test_path == "calc_generated_test.go"
    assert {c.target for c in result.kept} == {"Acc.Div"}  # Abs: the project's tests cover it
    assert all(c.runs == ["passed"] * 3 for c in result.kept)
    dropped = {c.target: c.reason for c in result.dropped}
    assert "adds no coverage" in dropped["Abs"]
    assert result.before.line_percent < 60 and result.after.line_percent == 100.0
    assert result.proof["failing_generated"] == [] and result.diff.startswith("--- /dev/null")
    assert "division by zero" in result.test_code  # the error path, asserted by its text


def test_java_signatures_give_boundary_calls() -> None:
    source = JAVA_CALC.replace(
        "\n}\n",
        "\n    public int at(int[] xs, int i) {\n        return xs[i];\n    }\n\n"
        "    private static int hidden(int x) {\n        return x;\n    }\n\n"
        "    public static <T> T same(T x) {\n        return x;\n    }\n}\n",
    )
    methods, skipped = java_methods("src/main/java/demo/Calc.java", source)
    assert not skipped
    by_name = {m.label: m for m in methods}
    assert set(by_name) == {"Calc.Calc", "Calc.abs", "Calc.div", "Calc.at", "Calc.same"}
    assert by_name["Calc.same"].params == [("Object", "x")]  # generic: T erased to Object
    assert by_name["Calc.div"].throws == ["IllegalArgumentException"]
    assert by_name["Calc.at"].params == [("int[]", "xs"), ("int", "i")]
    calls, _ = java_calls(methods)
    exprs = {c.expr for c in calls}
    assert "Calc.div(1, 0)" in exprs and "new Calc().at(null, 0)" in exprs  # i: an index
    # no no-argument constructor: an instance from one whose types have values (JDK readers)
    reader = (
        "package demo;\nclass Lines {\n    private final java.io.Reader in;\n"
        "    private Lines() {\n        this(null);\n    }\n\n"
        "    Lines(final java.io.Reader in) {\n        this.in = in;\n    }\n\n"
        "    int first() throws java.io.IOException {\n        return in.read();\n    }\n}\n"
    )
    [ctor, first], skipped = java_methods("src/main/java/demo/Lines.java", reader)
    assert ctor.ctor and ctor.params == [("java.io.Reader", "in")]
    assert first.owner == 'new Lines(new java.io.StringReader("a,b\\nc"))' and not skipped
    assert java_calls([first])[0][0].expr == first.owner + ".first()"
    assert java_quote('a"\\\né😀') == '"a\\"\\\\\\012\\u00e9\\ud83d\\ude00"'


@pytest.mark.sandbox
@pytest.mark.slow
def test_junit_tests_are_generated_for_a_snippet_and_kept_by_coverage(lab_settings) -> None:
    """Boundary calls for what the signatures allow, a scripted model (orchestration
    only) for the method taking a Map: its method javac refuses and its import that does
    not resolve are taken out, its wrong test dropped, its right one kept."""
    asked: list[str] = []

    def model(system: str, user: str) -> str:
        asked.append(system + user)
        return JAVA_REPLY

    code = JAVA_CALC.replace(
        "\n}\n",
        "\n    public int at(int[] xs, int i) {\n        return xs[i];\n    }\n\n"
        "    public static String grade(int score) {\n        if (score >= 90) {\n"
        '            return "A";\n        }\n        return score >= 50 ? "B" : "C";\n'
        "    }\n\n    public static int drain(java.io.Reader r, char[] buf) throws Exception {\n"
        "        int n = 0;\n        while (r.read(buf) != -1) {\n            n++;\n        }\n"
        "        return n;\n    }\n\n"  # never returns with buf = new char[0]: probed apart
        "    public enum Mode { UP, DOWN }\n\n"  # a project type: its constants are values
        "    public static int round(int x, Mode mode) {\n        if (mode == Mode.UP) {\n"
        "            return x + 1;\n        }\n        return x;\n    }\n\n"
        "    public static int total(java.util.Map<String, Integer> m) {\n"
        "        int sum = 0;\n        for (int v : m.values()) {\n            sum += v;\n"
        "        }\n        return sum;\n    }\n}\n",
    )
    body = SnippetTestsRequest(code=code, framework="junit", coverage=100)
    settings = lab_settings.model_copy(update={"testing_mutant_keep": False})  # tested apart
    result = generate_for_snippet(settings, body, model=model)
    assert result.framework == "junit" and result.test_path == "CalcGeneratedTest.java"
    assert result.before.line_percent == 0 and result.after.line_percent == 100.0
    assert result.after.branch_percent == 100.0  # `? "B" : "C"`: both edges of one line
    assert all(c.runs == ["passed"] * 3 for c in result.kept)
    assert "assertThrows(java.lang.IllegalArgumentException.class" in result.test_code
    assert ", Calc.Mode.UP)));" in result.test_code  # the nested enum's constant, compiled
    assert {(b.target, b.exception) for b in result.suspected_bugs} == {
        ("Calc.at", "ArrayIndexOutOfBoundsException"),
    }  # fmt: skip
    assert "Calc.total: no values for parameter type java.util.Map" in result.message
    assert len(asked) == 1 and "package demo" in asked[0] and "m.values()" in asked[0]
    model_tests = {c.name: c for c in [*result.kept, *result.dropped] if c.strategy == "model"}
    assert model_tests["model_0"].kept  # the right one
    assert "failed" in model_tests["model_1"].reason
    assert "did not compile" in model_tests["model_2"].reason
    assert "does.not.Exist" not in result.test_code and "import java.util.Map;" in result.test_code
    assert result.proof["failing_generated"] == []
    assert result.proof["generated"] == len(result.kept)


def test_missing_dependencies_are_named_one_by_one() -> None:
    from devlab.testing.gorun import _dependency_message
    from devlab.testing.javarun import _missing_packages

    mod = (
        "module x.io/app\n\ngo 1.19\n\nrequire github.com/a/b v1.2.0 // indirect\n\n"
        "require (\n\tgolang.org/x/text v0.3.0\n\t// a comment\n)\n"
    )
    message = _dependency_message(
        {"go.mod": mod}, "", "app.go:3:2: ... module lookup disabled by GOPROXY=off"
    )
    assert "github.com/a/b v1.2.0: not in the sandbox's module cache" in message
    assert "golang.org/x/text v0.3.0" in message and "go mod vendor" in message
    assert _dependency_message({"go.mod": mod}, "", "calc_test.go:9: wrong") == ""
    javac = (
        "src/A.java:3: error: package org.apache.commons.lang3 does not exist\n"
        "src/B.java:4: error: package org.apache.commons.lang3 does not exist\n"
        "src/B.java:5: error: package com.google.gson does not exist\n"
    )
    assert _missing_packages(javac) == ["org.apache.commons.lang3", "com.google.gson"]


SHAPES = """package shapes

type Rect struct{ W, H int }

// Area is 0 when a side is negative.
func Area(r Rect) int {
	if r.W < 0 || r.H < 0 {
		return 0
	}
	return r.W * r.H
}
"""
MODEL_REPLY = """```go
package shapes

import (
	"strings"
	"testing"
)

func TestArea(t *testing.T) {
	if got := Area(Rect{W: 2, H: 3}); got != 6 {
		t.Fatalf("got %d", got)
	}
}

func TestNegative(t *testing.T) {
	if Area(Rect{W: -1, H: 3}) != 0 {
		t.Fatal("negative side")
	}
}

func TestWrong(t *testing.T) {
	if Area(Rect{W: 1, H: 1}) != 2 {
		t.Fatal("wrong on purpose")
	}
}

func TestBroken(t *testing.T) {
	Area("not a rect")
}
```"""


@pytest.mark.sandbox
@pytest.mark.slow
def test_the_model_writes_go_tests_the_signatures_cannot(lab_settings) -> None:
    """A scripted model (orchestration only): its tests are verified like any other;
    the one that does not compile and its unused import are taken out, the wrong one
    fails and is dropped."""
    asked: list[str] = []

    def model(system: str, user: str) -> str:
        asked.append(user)
        return MODEL_REPLY

    pf = ProjectFiles("shapes", None, None, {"go.mod": "module x.io/shapes\n", "shapes.go": SHAPES})
    result = generate_go_tests(pf, lab_settings, path="shapes.go", model=model)
    assert len(asked) == 1 and "type Rect struct" in asked[0] and "package shapes" in asked[0]
    assert "Area: no values for parameter type Rect" in result.message
    assert [c.strategy for c in result.kept] == ["model", "model"]
    reasons = {c.name: c.reason for c in result.dropped}
    assert "did not compile" in reasons["TestDevlabModel_3"]
    assert "failed in the sandbox" in reasons["TestDevlabModel_2"]
    assert result.after.line_percent == 100.0 and '"strings"' not in result.test_code
    assert result.proof["failing_generated"] == [] and result.strategies == {"model": 2}


JAVA_REPLY = """```java
package demo;

import java.util.Map;
import does.not.Exist;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.*;

class CalcTest {
    @Test
    void sums() {
        assertEquals(3, Calc.total(Map.of("a", 1, "b", 2)));
    }

    @Test
    void wrong() {
        assertEquals(5, Calc.total(Map.of("a", 1)));
    }

    @Test
    void broken() {
        Calc.total(42);
    }
}
```"""
