"""Test generation for a Java class (framework ``junit``, JUnit 5): boundary calls from
the method signatures, observed once in the sandbox, written as characterisation
tests, each run three times under JaCoCo with its own execution data, kept only when
it passes every time, covers the same lines and branches every time and adds some
nothing kept before it reached (Python's and Go's rules).

Three sandboxed runs: the probe (a ``main`` in the class's package calls each boundary
call, printing the value or the exception), the verification (the project's own tests
under the JaCoCo agent for the coverage before; then ``java/DevlabEach.java`` runs the
candidate class three times through JUnit's launcher, resetting JaCoCo's runtime before
each test and saving its execution data after it; the reader turns each into lines and
branches), the proof (the project's suite with the kept tests, ``run_java_suite``). An
exception the method does not throw on purpose (``ArithmeticException``,
``ArrayIndexOutOfBoundsException``, a ``NullPointerException`` without a null
argument) is a suspected bug; one it throws on purpose becomes an ``assertThrows``.
"""

from __future__ import annotations

import difflib
import json
import posixpath
import time
from importlib import resources

from devlab.config import Settings
from devlab.errors import NotFound
from devlab.progress import ProgressFn, report
from devlab.sandbox import Limits, SandboxRequest, run_code
from devlab.testing.errors import NothingToTest
from devlab.testing.javarun import (
    JACOCO_CP,
    JVM,
    TEST_CP,
    includes_of,
    java_package,
    java_sources,
    java_tests,
    run_java_suite,
)
from devlab.testing.javasig import JavaCall, java_calls, java_methods, java_quote
from devlab.testing.models import CandidateResult, CoverageSummary, GenerateResult, SuspectedBug
from devlab.testing.project import ProjectFiles

__all__ = ["generate_junit_tests"]

MARK = "@@DEVLAB_JAVAGEN@@"
_RUNS = 3
_BUGS = ("ArithmeticException", "ArrayIndexOutOfBoundsException", "ClassCastException",
         "StringIndexOutOfBoundsException", "NegativeArraySizeException",
         "IndexOutOfBoundsException", "NullPointerException", "StackOverflowError")  # fmt: skip
_SHOW = """    static String show(Object v) {
        if (v == null) return "null";
        if (v instanceof int[]) return java.util.Arrays.toString((int[]) v);
        if (v instanceof long[]) return java.util.Arrays.toString((long[]) v);
        if (v instanceof double[]) return java.util.Arrays.toString((double[]) v);
        if (v instanceof char[]) return java.util.Arrays.toString((char[]) v);
        if (v instanceof byte[]) return java.util.Arrays.toString((byte[]) v);
        if (v instanceof boolean[]) return java.util.Arrays.toString((boolean[]) v);
        if (v instanceof Object[]) return java.util.Arrays.deepToString((Object[]) v);
        return String.valueOf(v);
    }
"""
_PROBE = """public class DevlabProbe {
@@SHOW@@
    interface Call { Object run() throws Throwable; }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\\\') b.append('\\\\').append(c);
            else if (c < 32 || c > 126) b.append(String.format("\\\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    static void call(int i, Call c) {
        try {
            Object v = c.run();
            String s = show(v);
            boolean opaque = v != null && s.startsWith(v.getClass().getName() + "@");
            System.out.println("@@R " + i + " " + (opaque ? "\\"\\\\u0000opaque\\"" : quote(s)));
        } catch (Throwable t) {
            System.out.println("@@T " + i + " " + t.getClass().getName() + " "
                + quote(String.valueOf(t.getMessage())));
        }
    }

    public static void main(String[] args) {
@@CALLS@@
    }
}
""".replace("@@SHOW@@", _SHOW)


def _sandbox(files: dict[str, str], script: str, settings: Settings, wall: float) -> dict[str, str]:
    limits = Limits(
        wall_seconds=wall, cpu_seconds=wall * 2, cpus=1.0,
        memory_mb=min(1536, settings.sandbox_max_memory_mb), max_processes=128,
        max_output_bytes=min(20_000_000, settings.sandbox_max_output_bytes),
        max_disk_mb=min(512, settings.sandbox_max_disk_mb),
    )  # fmt: skip
    head = f"section() {{ printf '\\n%s %s\\n' '{MARK}' \"$1\"; }}\n"
    request = SandboxRequest(
        language="bash", files={**files, "_devlab_javagen.sh": head + script},
        entry="_devlab_javagen.sh", limits=limits,
    )  # fmt: skip
    result = run_code(request, settings)
    out = {"_status": result.status, "_stderr": result.stderr[-2000:]}
    for chunk in result.stdout.split("\n" + MARK + " ")[1:]:
        key, _, body = chunk.partition("\n")
        out[key.strip()] = body
    return out


_JAVAC = (
    "javac -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 --release 11 -proc:none -nowarn "
    "-encoding UTF-8"
)


class _Java:
    def __init__(self, pf: ProjectFiles, settings: Settings, path: str):
        self.pf, self.settings, self.path = pf, settings, path
        self.package = java_package(pf.files[path])
        self.cls = posixpath.basename(path).removesuffix(".java")
        self.fq = f"{self.package}.{self.cls}" if self.package else self.cls
        self.sources = java_sources(pf.files)
        self.tests = java_tests(pf.files)
        self.main = {p: pf.files[p] for p in self.sources}

    def name(self, cls: str) -> str:
        return f"{self.package}.{cls}" if self.package else cls

    def key(self) -> str:
        return f"{self.package.replace('.', '/')}/{self.cls}.java"


def _probe_source(java: _Java, calls: list[JavaCall]) -> str:
    lines = []
    for i, call in enumerate(calls):
        if call.method.returns == "void":
            lines.append(f'        call({i}, () -> {{ {call.expr}; return "void"; }});')
        else:
            lines.append(f"        call({i}, () -> {call.expr});")
    package = f"package {java.package};\n\n" if java.package else ""
    return package + _PROBE.replace("@@CALLS@@", "\n".join(lines))


def _observe(java: _Java, calls: list[JavaCall], wall: float, message: list[str]) -> dict:
    for _ in range(3):
        probe = _probe_source(java, calls)
        listed = "\n".join([*java.sources, "_devlab_gen/DevlabProbe.java"])
        files = {**java.main, "_devlab_gen/DevlabProbe.java": probe, "_devlab_main.txt": listed}
        script = (
            f"T=/tmp/dj; mkdir -p $T; {_JAVAC} -d $T @_devlab_main.txt > $T/err 2>&1; rc=$?\n"
            "section build; tail -c 20000 $T/err; [ $rc -eq 0 ] || exit 0\n"
            f"section probe; java {JVM} -cp $T {java.name('DevlabProbe')} | tail -c 4000000\n"
        )
        out = _sandbox(files, script, java.settings, wall)
        if "probe" in out:
            return _observations(out["probe"])
        numbers = [
            n for n, line in enumerate(probe.splitlines(), 1) if line.startswith("        call(")
        ]
        at = {n: i for i, n in enumerate(numbers)}
        bad = set()
        for line in out.get("build", "").splitlines():
            if line.startswith("_devlab_gen/DevlabProbe.java:"):
                number = line.split(":")[1]
                bad |= {at[int(number)]} if number.isdigit() and int(number) in at else set()
        if not bad or len(bad) == len(calls):
            message.append(f"the class did not compile: {out.get('build', out['_stderr'])[-600:]}")
            return {}
        calls[:] = [c for i, c in enumerate(calls) if i not in bad]
    return {}


def _observations(text: str) -> dict[int, tuple[str, str, str]]:
    seen = {}
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        number, _, rest = rest.partition(" ")
        if not number.isdigit():
            continue
        try:
            if kind == "@@R":
                seen[int(number)] = ("value", "", json.loads(rest))
            elif kind == "@@T":
                exc, _, msg = rest.partition(" ")
                seen[int(number)] = ("throws", exc, json.loads(msg))
        except ValueError:
            continue
    return seen


def _test(name: str, call: JavaCall, seen: tuple[str, str, str]) -> str:
    kind, exc, value = seen
    if kind == "throws":
        body = f"assertThrows({exc.replace('$', '.')}.class, () -> {call.expr});"
    elif call.method.returns == "void" or value == "\u0000opaque":
        body = f"assertDoesNotThrow(() -> {call.expr});"
    else:
        body = f"assertEquals({java_quote(value)}, show({call.expr}));"
    return f"    @Test\n    void {name}() {{\n        {body}\n    }}\n"


def _test_class(java: _Java, cls: str, tests: list[str]) -> str:
    package = f"package {java.package};\n\n" if java.package else ""
    return (
        f"{package}import static org.junit.jupiter.api.Assertions.*;\n\n"
        "import org.junit.jupiter.api.Test;\n\n"
        f"/** Tests of {java.cls} generated by DevLab and verified in its sandbox. */\n"
        f"class {cls} {{\n{_SHOW}\n" + "\n".join(tests) + "}\n"
    )


def generate_junit_tests(
    pf: ProjectFiles,
    settings: Settings,
    *,
    path: str,
    symbol: str | None = None,
    target_coverage: float = 95.0,
    progress: ProgressFn | None = None,
    wall_seconds: float = 240.0,
    test_timeout: float = 5.0,
) -> GenerateResult:
    """Generate verified JUnit 5 tests for the class in ``path`` (see the module doc)."""
    started, message = time.monotonic(), list[str]()
    if path not in pf.files:
        raise NotFound(f"{path!r} is not a file of project {pf.name!r}")
    java = _Java(pf, settings, path)
    if path not in java.sources:
        raise NothingToTest(f"{path!r} is not a Java source file; junit generation tests .java")
    methods, skipped = java_methods(path, pf.files[path])
    calls, more = java_calls(methods, symbol)
    skipped += more
    if symbol and not calls:
        raise NothingToTest(f"no method {symbol!r} with parameters the lab can build in {path}")
    wall = min(wall_seconds, settings.sandbox_max_wall_seconds)
    report(progress, "probe", 0, 3, f"{len(calls)} boundary calls")
    observed = _observe(java, calls, wall, message)
    bugs, cands, kinds = [], [], set()
    for i, call in enumerate(calls):
        seen = observed.get(i)
        if seen is None:
            continue
        exc = seen[1].rsplit(".", 1)[-1]
        npe_on_null = exc == "NullPointerException" and "null" in call.args
        if (
            seen[0] == "throws"
            and exc in _BUGS
            and exc not in call.method.throws
            and not npe_on_null
        ):
            if (call.method.label, exc) not in kinds:
                kinds.add((call.method.label, exc))
                bugs.append(SuspectedBug(target=call.method.label, call=call.expr,
                                         exception=exc, message=seen[2]))  # fmt: skip
            continue
        name = f"{call.method.name}_{i}"
        cands.append((name, call, _test(name, call, seen)))
    report(progress, "verify", 1, 3, f"{len(cands)} candidates, {_RUNS} runs each")
    kept, dropped, base = _verify(java, cands, wall, max(1, int(test_timeout)))
    report(progress, "prove", 2, 3, f"{len(kept)} tests kept")
    result = _finish(java, kept, dropped, bugs, base, target_coverage, message, wall)
    result.proof["test_timeout"] = test_timeout
    if skipped:
        result.message += ("; " if result.message else "") + "left out: " + "; ".join(skipped[:8])
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _units(data: dict, key: str, vm_name: str) -> tuple[set, set]:
    """(every line and branch, what ran) of the target file in a reader line: lines
    and branches from the report, plus JaCoCo's probes (one per control-flow edge) of
    the class and its nested classes, which tell apart two branches of one line."""
    every: set[tuple] = set()
    hit: set[tuple] = set()
    for entry in data.get("files", []):
        if entry["path"] != key:
            continue
        for n, covered, total, bcovered in entry["lines"]:
            every.add(("L", n))
            every |= {("B", n, k) for k in range(total)}
            if covered:
                hit.add(("L", n))
            hit |= {("B", n, k) for k in range(bcovered)}
    for name, probes in data.get("probes", []):
        if name == vm_name or name.startswith(vm_name + "$"):
            hit |= {("P", name, i) for i in probes}
    return every, hit


def _verify(
    java: _Java, cands: list, wall: float, timeout: int
) -> tuple[list, list[CandidateResult], dict]:
    cls = f"{java.cls}DevlabCandidatesTest"
    gen = "_devlab_gen/" + cls + ".java"
    each = resources.files("devlab.testing").joinpath("java/DevlabEach.java").read_text()
    reader = resources.files("devlab.testing").joinpath("java/DevlabJacoco.java").read_text()
    files = {
        **java.pf.files, gen: _test_class(java, cls, [c for _, _, c in cands]),
        "_devlab_gen/DevlabEach.java": each, "_devlab_jacoco/DevlabJacoco.java": reader,
        "_devlab_main.txt": "\n".join(java.sources),
        "_devlab_tests.txt": "\n".join([*java.tests, gen, "_devlab_gen/DevlabEach.java"]),
    }  # fmt: skip
    rt = "/usr/share/java/org.jacoco.agent.rt.jar"
    agent = f"-javaagent:$T/agent.jar=includes={includes_of(java.pf.files, java.sources)}"
    base = (
        f"java {JVM} {agent},destfile=$T/base.exec -jar /usr/share/java/junit-platform-console-"
        f"standalone.jar -cp \"$T/main:$T/test:{TEST_CP}\" --scan-classpath --disable-banner "
        "--details=none --exclude-classname '.*Devlab.*' --config=junit.jupiter.execution."
        f"timeout.default='{timeout} s' --config=junit.jupiter.execution.timeout.thread.mode."
        "default=SEPARATE_THREAD > /dev/null 2>&1\n"
        if java.tests else ""
    )  # fmt: skip
    script = (
        f"T=/tmp/dj; mkdir -p $T/main $T/test $T/tool $T/empty\n"
        f"{_JAVAC} -d $T/main @_devlab_main.txt > $T/err 2>&1 && {_JAVAC} -d $T/test "
        f"-cp \"$T/main:{TEST_CP}:{rt}\" @_devlab_tests.txt >> $T/err 2>&1; rc=$?\n"
        "section build; tail -c 20000 $T/err; [ $rc -eq 0 ] || exit 0\n"
        f"printf 'Premain-Class: org.jacoco.agent.rt.internal.PreMain\\nClass-Path: %s\\n' "
        f"'{JACOCO_CP}' > $T/m.txt; jar cfm $T/agent.jar $T/m.txt -C $T/empty .\n" + base
        + f"section each; java {JVM} {agent},output=none -cp \"$T/main:$T/test:{TEST_CP}:{rt}\" "
        f"DevlabEach {java.name(cls)} $T/each {_RUNS} '{timeout} s' 2>&1 | tail -c 200000\n"
        f"{_JAVAC} -d $T/tool -cp /usr/share/java/org.jacoco.core.jar "
        "_devlab_jacoco/DevlabJacoco.java\nsection cov; java -cp \"$T/tool:/usr/share/java/"
        "org.jacoco.core.jar:/usr/share/java/asm.jar:/usr/share/java/asm-commons.jar:"
        "/usr/share/java/asm-tree.jar\" DevlabJacoco $T/main $T/base.exec $T/each/*.exec\n"
    )  # fmt: skip
    out = _sandbox(files, script, java.settings, wall)
    reports = {}
    vm = java.fq.replace(".", "/")
    for line in out.get("cov", "").splitlines():
        if line.startswith("{"):
            data = json.loads(line)
            reports[data["exec"].removesuffix(".exec")] = _units(data, java.key(), vm)
    every, covered = reports.get("base", (set(), set()))
    outcomes: dict[tuple[str, int], tuple[str, str]] = {}
    for line in out.get("each", "").splitlines():
        parts = line.split(" ", 4)
        if parts[0] == "@@E" and len(parts) >= 4 and parts[1].isdigit():
            outcomes[(parts[2], int(parts[1]))] = (parts[3], parts[4] if len(parts) > 4 else "")
    base_state = {"every": every, "covered": set(covered)}
    kept, dropped = [], []
    for name, call, code in cands:
        runs = [outcomes.get((name, i), ("MISSING", ""))[0] for i in range(1, _RUNS + 1)]
        sets = [
            frozenset(reports.get(f"{i}-{name}", (set(), set()))[1]) for i in range(1, _RUNS + 1)
        ]
        shown = ["passed" if r == "SUCCESSFUL" else "failed" for r in runs]
        res = CandidateResult(name=name, strategy="boundary", target=call.method.label,
                              kept=False, reason="", code=code, runs=shown)  # fmt: skip
        if "each" not in out:
            res.reason = f"the candidates did not compile: {out.get('build', '')[-300:]}"
        elif runs != ["SUCCESSFUL"] * _RUNS:
            res.reason = "failed in the sandbox: " + next(
                outcomes.get((name, i), ("", "did not run"))[1] for i in range(1, _RUNS + 1)
                if runs[i - 1] != "SUCCESSFUL"
            )  # fmt: skip
        elif len(set(sets)) != 1:
            res.reason = "not deterministic: covered different lines or branches across runs"
        elif not sets[0] - covered:
            res.reason = "adds no coverage over the project's tests and the tests kept before"
        else:
            new = sets[0] - covered
            res.new_lines = sum(1 for u in new if u[0] == "L")
            res.new_branches = sum(1 for u in new if u[0] == "P")
            res.kept = True
            res.reason = f"adds {res.new_lines} lines, {res.new_branches} control-flow edges"
            covered |= new
            kept.append((name, call, res))
            continue
        dropped.append(res)
    return kept, dropped, base_state


def _summary(every: set, covered: set) -> CoverageSummary:
    lines = {u for u in every if u[0] == "L"}
    branches = every - lines
    hit_l, hit_b = len(lines & covered), len(branches & covered)
    pct = lambda a, b: round(100.0 * a / b, 2) if b else 100.0  # noqa: E731
    return CoverageSummary(lines=len(lines), lines_covered=hit_l, branches=len(branches),
                           branches_covered=hit_b, line_percent=pct(hit_l, len(lines)),
                           branch_percent=pct(hit_b, len(branches)))  # fmt: skip


def _finish(
    java: _Java, kept: list, dropped: list[CandidateResult], bugs: list[SuspectedBug],
    base: dict, target: float, message: list[str], wall: float,
) -> GenerateResult:  # fmt: skip
    test_dir = posixpath.dirname(java.path).replace("src/main/", "src/test/", 1)
    cls = f"{java.cls}GeneratedTest"
    test_path = posixpath.join(test_dir, f"{cls}.java")
    by_name = {r.name: r for _, _, r in kept}
    code = _test_class(java, cls, [r.code for r in by_name.values()]) if kept else ""
    before = _summary(base["every"], base["covered"] if java.tests else set())
    after, proof = before, {}
    if kept:
        run = run_java_suite(
            {**java.pf.files, test_path: code}, java.settings, wall_seconds=wall, test_timeout=5
        )
        mine = next((f for f in run.files if f.path == java.path), None)
        after = mine.summary if mine else before
        ours = [t for t in run.tests if t.name.startswith(java.name(cls) + "::")]
        proof = {
            "sandbox_status": run.status, "tests": len(run.tests), "generated": len(ours),
            "failing_generated": [t.name for t in ours if t.outcome != "passed"],
            "seconds": run.seconds, "error": run.error,
        }  # fmt: skip
    else:
        message.append("no candidate passed 3 runs and added coverage")
    diff = "".join(difflib.unified_diff([], code.splitlines(keepends=True), "/dev/null",
                                        f"b/{test_path}")) if code else ""  # fmt: skip
    return GenerateResult(
        project=java.pf.name, path=java.path, framework="junit", test_path=test_path, diff=diff,
        test_code=code, kept=[r for _, _, r in kept], dropped=dropped, suspected_bugs=bugs,
        before=before, after=after, target_reached=after.line_percent >= target,
        strategies={"boundary": len(kept)} if kept else {}, proof=proof,
        message="; ".join(message),
    )  # fmt: skip
