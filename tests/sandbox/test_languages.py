"""Per-language correctness through the public sandbox API, and the bad-input errors.

Every toolchain is required: CI installs them all (``scripts/setup.sh``), so a
missing one is a failure here, never a skip.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from devlab.config import Settings
from devlab.sandbox import (
    Limits,
    LimitTooHigh,
    SandboxRequest,
    SourceTooLarge,
    UnsupportedLanguage,
    run_code,
    supported_languages,
)
from devlab.store.db import Database

HostileRunner = Callable[..., Any]  # the hostile_run fixture (tests/sandbox/conftest.py)

ALL = ["python", "javascript", "typescript", "bash", "sqlite", "duckdb", "go", "java"]
# The toolchain string each language should report: name-ish word and a version number.
TOOLCHAIN = {
    "python": r"python.*3\.\d+",
    "javascript": r"(node|v)\D*\d+\.\d+",
    "typescript": r"typescript.*\d+\.\d+",
    "bash": r"bash.*\d+\.\d+",
    "sqlite": r"sqlite.*3\.\d+",
    "duckdb": r"duckdb.*\d+\.\d+",
    "go": r"go ?1\.\d+",
    "java": r"(java|jdk).*\d+",
}
WALL = 60  # generous: a cold JVM / go build on two cores takes a few seconds

HELLO = {
    "python": "print('hello, sandbox')\n",
    "javascript": "console.log('hello, sandbox');\n",
    "typescript": "const greeting: string = 'hello, sandbox';\nconsole.log(greeting);\n",
    "bash": "echo 'hello, sandbox'\n",
    "sqlite": "SELECT 'hello, sandbox';\n",
    "duckdb": "SELECT 'hello, sandbox' AS greeting;\n",
    "go": 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello, sandbox")\n}\n',
    "java": (
        "public class Main {\n"
        "    public static void main(String[] args) {\n"
        '        System.out.println("hello, sandbox");\n'
        "    }\n"
        "}\n"
    ),
}

# Each echoes stdin back (upper-cased, so the output cannot be a coincidence).
STDIN_ECHO = {
    "python": "import sys\nsys.stdout.write(sys.stdin.read().upper())\n",
    "javascript": "process.stdout.write(require('fs').readFileSync(0, 'utf8').toUpperCase());\n",
    "typescript": (
        "import * as fs from 'fs';\n"
        "const text: string = fs.readFileSync(0, 'utf8');\n"
        "process.stdout.write(text.toUpperCase());\n"
    ),
    "bash": "while IFS= read -r line; do printf '%s\\n' \"${line^^}\"; done\n",
    "go": (
        'package main\n\nimport (\n\t"io"\n\t"os"\n\t"strings"\n)\n\n'
        "func main() {\n\tdata, _ := io.ReadAll(os.Stdin)\n"
        "\tos.Stdout.WriteString(strings.ToUpper(string(data)))\n}\n"
    ),
    "java": (
        "import java.io.*;\n"
        "public class Main {\n"
        "    public static void main(String[] args) throws IOException {\n"
        '        String s = new String(System.in.readAllBytes(), "UTF-8");\n'
        "        System.out.print(s.toUpperCase());\n"
        "    }\n"
        "}\n"
    ),
}

EXIT_3 = {
    "python": "import sys\nprint('bye')\nsys.exit(3)\n",
    "javascript": "console.log('bye');\nprocess.exit(3);\n",
    "typescript": "const code: number = 3;\nconsole.log('bye');\nprocess.exit(code);\n",
    "bash": "echo bye\nexit 3\n",
    "go": 'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n\n'
    'func main() {\n\tfmt.Println("bye")\n\tos.Exit(3)\n}\n',
    "java": (
        "public class Main {\n"
        "    public static void main(String[] args) {\n"
        '        System.out.println("bye");\n'
        "        System.exit(3);\n"
        "    }\n"
        "}\n"
    ),
}


@pytest.fixture
def lang_run(hostile_run: HostileRunner) -> HostileRunner:
    def run(language: str, code: str | None, **kwargs: Any) -> Any:
        kwargs.setdefault("wall", WALL)
        return hostile_run(code, language=language, **kwargs)

    return run


def test_supported_languages_are_all_eight() -> None:
    assert sorted(supported_languages()) == sorted(ALL)


@pytest.mark.parametrize("language", ALL)
def test_hello_world_and_toolchain(lang_run: HostileRunner, language: str) -> None:
    run = lang_run(language, HELLO[language])
    r = run.result
    assert r.status == "ok", run.explain()
    assert r.exit_code == 0, run.explain()
    assert "hello, sandbox" in r.stdout, run.explain()
    assert not r.stdout_truncated and not r.stderr_truncated
    assert r.language == language
    assert re.search(TOOLCHAIN[language], r.toolchain, re.IGNORECASE), r.toolchain
    assert r.wall_ms > 0 and r.execution_id is not None


@pytest.mark.parametrize("language", sorted(STDIN_ECHO))
def test_stdin_is_echoed(lang_run: HostileRunner, language: str) -> None:
    text = "first line\nsecond line: ünïcode\n"
    run = lang_run(language, STDIN_ECHO[language], stdin=text)
    assert run.result.status == "ok", run.explain()
    assert run.result.stdout == text.upper(), run.explain()


OPEN_DEV_STDIN = {
    # Common idioms that open the path rather than read fd 0.
    "javascript": "process.stdout.write(require('fs').readFileSync('/dev/stdin', 'utf8'));\n",
    "python": "print(open('/dev/stdin').read(), end='')\n",
    "bash": "cat /dev/stdin\n",
}


@pytest.mark.parametrize("language", sorted(OPEN_DEV_STDIN))
def test_dev_stdin_can_be_opened(lang_run: HostileRunner, language: str) -> None:
    run = lang_run(language, OPEN_DEV_STDIN[language], stdin="via the path\n")
    assert run.result.status == "ok", run.explain()
    assert run.result.stdout == "via the path\n", run.explain()


def test_dev_stdout_and_stderr_can_be_opened(lang_run: HostileRunner) -> None:
    # ``echo msg >/dev/stderr`` is how many shell scripts report errors.
    run = lang_run("bash", "echo to-out >/dev/stdout\necho to-err >/dev/stderr\n")
    assert run.result.status == "ok", run.explain()
    assert run.result.stdout == "to-out\n" and run.result.stderr == "to-err\n", run.explain()


def test_sqlite_reads_stdin_as_data(lang_run: HostileRunner) -> None:
    # The SQL comes from ``code``; the sqlite3 shell can import stdin as rows.
    code = "CREATE TABLE t(line TEXT);\n.import /dev/stdin t\nSELECT upper(line) FROM t;\n"
    run = lang_run("sqlite", code, stdin="piped in\nsecond row\n")
    assert run.result.status == "ok", run.explain()
    assert run.result.stdout.split("\n")[:2] == ["PIPED IN", "SECOND ROW"], run.explain()


@pytest.mark.parametrize("language", sorted(EXIT_3))
def test_nonzero_exit_is_a_runtime_error(lang_run: HostileRunner, language: str) -> None:
    run = lang_run(language, EXIT_3[language])
    r = run.result
    assert r.status == "runtime_error", run.explain()
    assert r.exit_code == 3, run.explain()
    assert "bye" in r.stdout, run.explain()


@pytest.mark.parametrize(
    ("language", "code", "needle"),
    [
        ("sqlite", "SELECT * FROM no_such_table;\n", "no such table"),
        ("duckdb", "SELECT * FROM no_such_table;\n", "no_such_table"),
    ],
)
def test_sql_error_is_a_runtime_error(
    lang_run: HostileRunner, language: str, code: str, needle: str
) -> None:
    run = lang_run(language, code)
    r = run.result
    assert r.status == "runtime_error", run.explain()
    assert r.exit_code not in (0, None), run.explain()
    assert needle in (r.stderr + r.stdout).lower(), run.explain()


@pytest.mark.parametrize("language", ["sqlite", "duckdb"])
def test_sql_statements_run_in_order(lang_run: HostileRunner, language: str) -> None:
    code = (
        "CREATE TABLE t (id INTEGER, name TEXT);\n"
        "INSERT INTO t VALUES (1, 'ada'), (2, 'grace'), (3, 'linus');\n"
        "SELECT name FROM t WHERE id >= 2 ORDER BY id;\n"
    )
    run = lang_run(language, code)
    assert run.result.status == "ok", run.explain()
    out = run.result.stdout
    assert "grace" in out and "linus" in out and "ada" not in out, run.explain()
    assert out.index("grace") < out.index("linus")


COMPILE_ERRORS = [
    (
        "go",
        "package main\n\nfunc main() {\n\tfmt.Println(undefinedThing)\n}\n",
        [r"undefined: (fmt|undefinedThing)"],
    ),
    (
        "java",
        "public class Main {\n    public static void main(String[] a) {\n"
        '        int x = "text";\n    }\n}\n',
        [r"Main\.java:3", r"incompatible types"],
    ),
    (
        "typescript",
        "const n: number = 'not a number';\nconsole.log(n);\n",
        [r"TS2322", r"not assignable to type 'number'"],
    ),
    ("typescript", "function broken( {\n  return 1;\n", [r"TS\d+"]),
]


@pytest.mark.parametrize(
    ("language", "code", "patterns"),
    COMPILE_ERRORS,
    ids=["go", "java", "typescript-type", "typescript-syntax"],
)
def test_compile_error_is_reported_readably(
    lang_run: HostileRunner, language: str, code: str, patterns: list[str]
) -> None:
    run = lang_run(language, code)
    r = run.result
    assert r.status == "compile_error", run.explain()
    text = r.stderr + r.stdout
    for pattern in patterns:
        assert re.search(pattern, text), f"{pattern!r} not in the message:\n{run.explain()}"
    assert "Traceback" not in text  # DevLab's own stack must not leak into the message


def test_python_syntax_error_shows_the_syntax_error(lang_run: HostileRunner) -> None:
    run = lang_run("python", "def broken(:\n    pass\n")
    r = run.result
    assert r.status in ("runtime_error", "compile_error"), run.explain()
    assert r.exit_code != 0
    assert "SyntaxError" in r.stderr, run.explain()
    assert "line 1" in r.stderr, run.explain()


# ---------------------------------------------------------------------- test mode


UNIT_TESTS: dict[str, dict[str, str]] = {
    "python": {
        "calc.py": "def add(a, b):\n    return a + b\n",
        "test_calc.py": (
            "from calc import add\n\n"
            "def test_adds():\n    assert add(1, 2) == 3\n\n"
            "def test_breaks():\n    assert add(1, 2) == 4, 'one plus two'\n"
        ),
    },
    "javascript": {
        "calc.js": "exports.add = (a, b) => a + b;\n",
        "calc.test.js": (
            "const test = require('node:test');\n"
            "const assert = require('node:assert');\n"
            "const { add } = require('./calc');\n"
            "test('adds', () => { assert.strictEqual(add(1, 2), 3); });\n"
            "test('breaks', () => { assert.strictEqual(add(1, 2), 4, 'one plus two'); });\n"
        ),
    },
    "go": {
        "go.mod": "module calc\n\ngo 1.19\n",
        "calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
        "calc_test.go": (
            'package calc\n\nimport "testing"\n\n'
            'func TestAdds(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal("bad")\n\t}\n}\n\n'
            "func TestBreaks(t *testing.T) {\n\tif got := Add(1, 2); got != 4 {\n"
            '\t\tt.Fatalf("one plus two: got %d, want 4", got)\n\t}\n}\n'
        ),
    },
    "java": {
        "Calc.java": "public class Calc {\n    public static int add(int a, int b) "
        "{ return a + b; }\n}\n",
        "CalcTest.java": (
            "import org.junit.jupiter.api.Test;\n"
            "import static org.junit.jupiter.api.Assertions.assertEquals;\n\n"
            "class CalcTest {\n"
            "    @Test void adds() { assertEquals(3, Calc.add(1, 2)); }\n"
            '    @Test void breaks() { assertEquals(4, Calc.add(1, 2), "one plus two"); }\n'
            "}\n"
        ),
    },
}
PASSING = {"python": "adds", "javascript": "adds", "go": "Adds", "java": "adds"}
FAILING = {"python": "breaks", "javascript": "breaks", "go": "Breaks", "java": "breaks"}


@pytest.mark.parametrize("language", sorted(UNIT_TESTS))
def test_test_mode_reports_each_test(lang_run: HostileRunner, language: str) -> None:
    run = lang_run(language, None, files=UNIT_TESTS[language], mode="test")
    r = run.result
    assert r.status in ("ok", "runtime_error"), run.explain()
    assert len(r.tests) == 2, f"{r.tests}\n{run.explain()}"
    passed = [t for t in r.tests if PASSING[language] in t.name]
    failed = [t for t in r.tests if FAILING[language] in t.name]
    assert len(passed) == 1 and len(failed) == 1, r.tests
    assert passed[0].outcome == "passed", r.tests
    assert failed[0].outcome == "failed", r.tests
    assert "one plus two" in failed[0].message, failed[0]
    # A failing test suite is not a successful run.
    assert r.status == "runtime_error" or r.exit_code != 0, run.explain()


def test_all_passing_test_mode_is_ok(lang_run: HostileRunner) -> None:
    files = {"test_ok.py": "def test_one():\n    assert True is not False\n"}
    run = lang_run("python", None, files=files, mode="test")
    assert run.result.status == "ok", run.explain()
    assert [t.outcome for t in run.result.tests] == ["passed"], run.result.tests


# ---------------------------------------------------------------- multi-file projects


def test_python_multi_file_project(lang_run: HostileRunner) -> None:
    files = {
        "app/main.py": (
            "import sys\nfrom shop.cart import total\n"
            "print('total', total([1.5, 2.5]), sys.argv[1:])\n"
        ),
        "app/shop/__init__.py": "",
        "app/shop/cart.py": "from shop.pricing import tax\n\n"
        "def total(prices):\n    return tax(sum(prices))\n",
        "app/shop/pricing.py": "def tax(amount):\n    return round(amount * 1.5, 2)\n",
        "data/unused.txt": "not code\n",
    }
    run = lang_run("python", None, files=files, entry="app/main.py", args=["two words", "--flag"])
    assert run.result.status == "ok", run.explain()
    assert run.result.stdout.strip() == "total 6.0 ['two words', '--flag']", run.explain()


def test_go_multi_file_project(lang_run: HostileRunner) -> None:
    files = {
        "go.mod": "module app\n\ngo 1.19\n",
        "main.go": (
            'package main\n\nimport (\n\t"fmt"\n\t"os"\n\n\t"app/greet"\n)\n\n'
            "func main() {\n\tfmt.Println(greet.Hello(os.Args[1]), helper())\n}\n"
        ),
        "helper.go": 'package main\n\nfunc helper() string { return "from helper" }\n',
        "greet/greet.go": "package greet\n\nfunc Hello(name string) string "
        '{ return "hello " + name }\n',
    }
    run = lang_run("go", None, files=files, entry="main.go", args=["gopher"])
    assert run.result.status == "ok", run.explain()
    assert run.result.stdout.strip() == "hello gopher from helper", run.explain()


def test_bash_arguments_keep_their_quoting(lang_run: HostileRunner) -> None:
    run = lang_run("bash", 'printf "[%s]\\n" "$@"\n', args=["a b", "", "$HOME", "*"])
    assert run.result.status == "ok", run.explain()
    assert run.result.stdout == "[a b]\n[]\n[$HOME]\n[*]\n", run.explain()


# ---------------------------------------------------------------------- bad input


def _request(**kwargs: Any) -> SandboxRequest:
    kwargs.setdefault("language", "python")
    kwargs.setdefault("code", "print(1)\n")
    return SandboxRequest(**kwargs)


def test_unknown_language_lists_the_supported_ones(
    hostile_settings: Settings, hostile_db: Database
) -> None:
    with pytest.raises(UnsupportedLanguage) as info:
        run_code(_request(language="cobol"), hostile_settings, db=hostile_db)
    assert info.value.status_code == 400
    for language in ALL:
        assert language in info.value.message, info.value.message
    assert "cobol" in info.value.message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("wall_seconds", 100_000),
        ("memory_mb", 1_000_000),
        ("cpus", 512),
        ("max_processes", 1_000_000),
        ("max_output_bytes", 10**12),
        ("max_disk_mb", 10**9),
    ],
)
def test_limit_above_the_maximum_names_the_maximum(
    hostile_settings: Settings, hostile_db: Database, field: str, value: float
) -> None:
    with pytest.raises(LimitTooHigh) as info:
        run_code(_request(limits=Limits(**{field: value})), hostile_settings, db=hostile_db)
    assert info.value.status_code == 400
    message = info.value.message
    assert field in message, message
    numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", message.replace(str(value), ""))]
    assert any(n < value for n in numbers), f"no maximum named in: {message}"


def test_oversized_source_is_413(hostile_settings: Settings, hostile_db: Database) -> None:
    code = "x = 1\n" * 5_000_000  # 30 MB
    with pytest.raises(SourceTooLarge) as info:
        run_code(_request(code=code), hostile_settings, db=hostile_db)
    assert info.value.status_code == 413
    assert re.search(r"\d", info.value.message)


def test_oversized_multi_file_project_is_413(
    hostile_settings: Settings, hostile_db: Database
) -> None:
    files = {f"mod{i}.py": "# padding\n" * 100_000 for i in range(40)}  # 40 MB in all
    with pytest.raises(SourceTooLarge):
        run_code(_request(code=None, files=files, entry="mod0.py"), hostile_settings, db=hostile_db)
