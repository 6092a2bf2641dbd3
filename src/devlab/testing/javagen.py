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
from collections.abc import Callable
from importlib import resources

from devlab.config import Settings
from devlab.errors import NotFound
from devlab.progress import ProgressFn, report
from devlab.sandbox import DependencyMount, SandboxRequest, run_code
from devlab.testing.errors import NothingToTest
from devlab.testing.javamutate import run_java_mutants
from devlab.testing.javarun import (
    COMPILE_TESTS,
    DEPS_CP,
    JACOCO_CP,
    JVM,
    RESOURCES_CP,
    TEST_CP,
    includes_of,
    java_package,
    java_run_files,
    java_sources,
    java_test_tree,
    java_tests,
    left_out_tests,
    run_java_suite,
)
from devlab.testing.javasig import (
    JavaCall,
    JavaMethod,
    java_calls,
    java_methods,
    java_quote,
)
from devlab.testing.javatypes import JavaTypes
from devlab.testing.jsrun import block_end
from devlab.testing.keeprule import RUNS, Run, judge_runs
from devlab.testing.killkeep import keep_mutant_killers, mutant_tries
from devlab.testing.mavenenv import DEPS_EXPORT, maven_env
from devlab.testing.models import (
    CandidateResult,
    CoverageSummary,
    GenerateResult,
    MutantKeepReport,
    SuspectedBug,
)
from devlab.testing.project import ProjectFiles
from devlab.testing.sandboxrun import toolchain_limits

__all__ = ["generate_junit_tests", "junit_model_candidates", "split_junit_tests"]

ModelFn = Callable[[str, str], str]

MARK = "@@DEVLAB_JAVAGEN@@"
_RUNS = RUNS
_LONG_VALUE = 2000  # characters of an observed value written out; longer: length and hash
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

    interface Step<R> { Object run(R o) throws Exception; }

    // n calls in a row on one receiver; an identity-hash value is written by its type
    static <R> String times(int n, R o, Step<R> step) throws Exception {
        java.util.List<String> seen = new java.util.ArrayList<>();
        for (int k = 0; k < n; k++) {
            Object v = step.run(o);
            String s = show(v);
            seen.add(v != null && s.startsWith(v.getClass().getName() + "@")
                ? "@" + v.getClass().getSimpleName() : s);
        }
        return seen.toString();
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
        // each call on a daemon thread, 2 s at most: a call that never returns (a loop
        // over an empty buffer) is reported as hanging (no test), not the probe's end
        final Object[] box = new Object[2];
        Thread runner = new Thread(() -> {
            try { box[0] = c.run(); } catch (Throwable e) { box[1] = e; }
        });
        runner.setDaemon(true);
        runner.start();
        try { runner.join(2000); } catch (InterruptedException e) { return; }
        if (runner.isAlive()) { System.out.println("@@H " + i); return; }
        try {
            if (box[1] != null) throw (Throwable) box[1];
            Object v = box[0];
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


def _sandbox(
    files: dict[str, str], script: str, settings: Settings, wall: float,
    mounts: list[DependencyMount],
) -> dict[str, str]:  # fmt: skip
    limits = toolchain_limits(settings, wall)
    head = f"section() {{ printf '\\n%s %s\\n' '{MARK}' \"$1\"; }}\n"
    if mounts:  # the dependency jars (maven_env), on every class path through DEPS_CP
        head += DEPS_EXPORT
    request = SandboxRequest(
        language="bash", files={**files, "_devlab_javagen.sh": head + script},
        entry="_devlab_javagen.sh", limits=limits,
    )  # fmt: skip
    result = run_code(request, settings, mounts=mounts)
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
        self.env, self.mounts = maven_env(pf.manifests, settings)
        self.types = JavaTypes(pf.files, self.sources)  # values for the project's types

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
    if not calls:
        return {}
    for _ in range(3):
        probe = _probe_source(java, calls)
        listed = "\n".join([*java.sources, "_devlab_gen/DevlabProbe.java"])
        files = {**java.main, "_devlab_gen/DevlabProbe.java": probe, "_devlab_main.txt": listed}
        script = (
            f'T=/tmp/dj; mkdir -p $T; {_JAVAC} -d $T -cp "$T{DEPS_CP}" @_devlab_main.txt '
            "> $T/err 2>&1; rc=$?\n"
            "section build; tail -c 20000 $T/err; [ $rc -eq 0 ] || exit 0\n"
            f'section probe; java {JVM} -cp "$T{DEPS_CP}" {java.name("DevlabProbe")} '
            "| tail -c 4000000\n"
        )
        out = _sandbox(files, script, java.settings, wall, java.mounts)
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


def java_hash(text: str) -> int:
    """Java's ``String.hashCode`` of ``text`` (specified: UTF-16 units, 32-bit)."""
    h = 0
    units = text.encode("utf-16-be")
    for i in range(0, len(units), 2):
        h = (31 * h + int.from_bytes(units[i : i + 2], "big")) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def _test(name: str, call: JavaCall, seen: tuple[str, str, str]) -> str:
    kind, exc, value = seen
    if kind == "throws":
        body = f"assertThrows({exc.replace('$', '.')}.class, () -> {call.expr});"
    elif call.method.returns == "void" or value == "\u0000opaque":
        body = f"assertDoesNotThrow(() -> {call.expr});"
    elif len(value) > _LONG_VALUE:  # an 8 KiB buffer, six times: its length and hash
        body = (f"assertEquals({len(value)}, show({call.expr}).length());\n        "
                f"assertEquals({java_hash(value)}, show({call.expr}).hashCode());")  # fmt: skip
    else:
        body = f"assertEquals({java_quote(value)}, show({call.expr}));"
    # `throws Exception`: the method under test may declare checked exceptions
    return f"    @Test\n    void {name}() throws Exception {{\n        {body}\n    }}\n"


def _test_class(java: _Java, cls: str, tests: list[str], imports: list[str] | None = None) -> str:
    package = f"package {java.package};\n\n" if java.package else ""
    extra = "".join(f"{i}\n" for i in imports or [])
    return (
        f"{package}import static org.junit.jupiter.api.Assertions.*;\n\n"
        f"import org.junit.jupiter.api.Test;\n{extra}\n"
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
    model: ModelFn | None = None,
) -> GenerateResult:
    """Generate verified JUnit 5 tests for the class in ``path`` (see the module doc)."""
    started, message = time.monotonic(), list[str]()
    if path not in pf.files:
        raise NotFound(f"{path!r} is not a file of project {pf.name!r}")
    java = _Java(pf, settings, path)
    if path not in java.sources:
        raise NothingToTest(f"{path!r} is not a Java source file; junit generation tests .java")
    methods, skipped = java_methods(path, pf.files[path], java.types)
    calls, more = java_calls(methods, symbol, java.types, path)
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
        nulls = [a for a in call.args if a == "null" or a.endswith(") null")]  # (T) null too
        npe_on_null = exc == "NullPointerException" and bool(nulls)
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
        cands.append((name, call.method.label, _test(name, call, seen), "boundary"))
    report(progress, "verify", 1, 4, f"{len(cands)} candidates, {_RUNS} runs each")
    timeout = max(1, int(test_timeout))
    kept, dropped, base = _verify(java, cands, wall, timeout)
    imports: list[str] = []
    lines = {u[1] for u in base["every"] if u[0] == "L"}
    missing = lines - {u[1] for u in base["covered"] if u[0] == "L"}
    if model is not None and lines and 100.0 * (1 - len(missing) / len(lines)) < target_coverage:
        report(progress, "model", 2, 4, "asking the language model for the rest")
        asked = [m for m in methods if not symbol or symbol in (m.name, m.label)]
        proposed, imports = junit_model_candidates(model, asked, missing, java=java)
        more_kept, more_dropped, _ = _verify(java, proposed, wall, timeout, base, imports)
        kept, dropped = kept + more_kept, dropped + more_dropped
    tries = mutant_tries(settings, kept, dropped)
    keep: MutantKeepReport | None = None
    if tries:
        report(progress, "mutants", 3, 4, "mutants the kept tests let survive")
        keep = MutantKeepReport(budget_seconds=settings.testing_mutant_keep_seconds)
        kept, dropped = _mutant_killers(java, kept, dropped, tries, message, symbol, imports, keep)
    report(progress, "prove", 3, 4, f"{len(kept)} tests kept")
    left_out, warning = base["left_out"]
    message += [warning] if warning else []  # as the coverage run names them
    result = _finish(java, kept, dropped, bugs, base, target_coverage, message, wall, imports)
    result.proof["left_out_tests"] = left_out
    result.mutant_keep = keep
    result.proof["test_timeout"] = test_timeout
    if skipped:
        result.message += ("; " if result.message else "") + "left out: " + "; ".join(skipped[:8])
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _mutant_killers(
    java: _Java, kept: list, dropped: list[CandidateResult],
    tries: dict[str, CandidateResult], message: list[str],
    symbol: str | None, imports: list[str], keep: MutantKeepReport,
) -> tuple[list, list[CandidateResult]]:  # fmt: skip
    """Keep the no-coverage candidates that kill a mutant the kept tests let survive
    (``killkeep``): the tries' class alone, its failing methods read from JUnit."""
    folder = posixpath.dirname(java.path).replace("src/main/", "src/test/", 1)
    kept_cls, tries_cls = f"{java.cls}DevlabKeptTest", f"{java.cls}DevlabTriesTest"

    def run_tries(files: dict[str, str], mutants: list, failing: dict) -> None:
        select = java.name(tries_cls)
        run_java_mutants(files, java.settings, path=java.path, mutants=mutants,
                         mounts=java.mounts, select=select, failing=failing)  # fmt: skip

    won, note = keep_mutant_killers(
        java.pf, java.settings, path=java.path, symbol=symbol, tries=tries,
        kept_file=(posixpath.join(folder, f"{kept_cls}.java"),
                   _test_class(java, kept_cls, [r.code for _, _, r in kept], imports)),
        tries_file=(posixpath.join(folder, f"{tries_cls}.java"),
                    _test_class(java, tries_cls, [d.code for d in tries.values()], imports)),
        run_tries=run_tries, targets_only=True,
        report=keep,
    )  # fmt: skip
    message.append(note)
    kept = kept + [(r.name, r.target, r) for r in won]
    return kept, [d for d in dropped if not d.kept]


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
    java: _Java,
    cands: list,
    wall: float,
    timeout: int,
    state: dict | None = None,
    imports: list[str] | None = None,
) -> tuple[list, list[CandidateResult], dict]:
    """``_verify_batch`` over batches of candidates that each fit, with the project's
    files, under the sandbox's source limit (a class with hundreds of calls on a large
    library does not); what is covered carries from one batch to the next."""
    files = sum(len(p) + len(t.encode()) for p, t in java_run_files(java.pf.files).items())
    room = java.settings.sandbox_max_source_bytes - files - 40_000  # the tools, the lists
    batches: list[list] = [[]]
    size = 0
    for cand in cands:
        need = len(cand[2].encode()) + 200
        if batches[-1] and size + need > max(room, 20_000):
            batches.append([])
            size = 0
        batches[-1].append(cand)
        size += need
    kept: list = []
    dropped: list[CandidateResult] = []
    for batch in batches:
        more_kept, more_dropped, state = _verify_batch(java, batch, wall, timeout, state, imports)
        kept, dropped = kept + more_kept, dropped + more_dropped
    assert state is not None  # one batch at least
    return kept, dropped, state


def _verify_batch(
    java: _Java,
    cands: list,
    wall: float,
    timeout: int,
    state: dict | None = None,
    imports: list[str] | None = None,
) -> tuple[list, list[CandidateResult], dict]:
    """Run the candidates (three times each, JaCoCo per test) and keep by the rules;
    ``state`` carries what is covered so far (the baseline when None). A class javac
    refuses loses the refused methods and imports and is compiled again."""
    given = imports
    imports, refused = list(imports or []), list[CandidateResult]()
    for _ in range(3):
        out, text = _run_candidates(java, cands, wall, timeout, imports)
        if "each" in out or "build" not in out or not cands:
            break
        bad, bad_imports = _refused(out["build"], cands, imports, text)
        if not bad and not bad_imports:
            break
        imports = [i for i in imports if i not in bad_imports]
        refused += [CandidateResult(name=n, strategy=st, target=lb, kept=False, code=c,
                                    reason=f"did not compile: {out['build'][-300:]}")
                    for n, lb, c, st in cands if n in bad]  # fmt: skip
        cands = [c for c in cands if c[0] not in bad]
    kept, dropped, base = _judge(java, cands, out, state)
    if given is not None:
        given[:] = imports  # the caller writes the final class with what compiled
    return kept, refused + dropped, base


def _refused(build: str, cands: list, imports: list[str], text: str) -> tuple[set, set]:
    """(candidate names, import lines) on the lines javac reports errors on."""
    rows = text.splitlines()
    spans = {}
    for name, _label, code, _strategy in cands:
        first = text.count("\n", 0, text.find(code)) + 1
        spans[name] = (first, first + code.count("\n"))
    bad, bad_imports = set(), set()
    for line in build.splitlines():
        at = line.find("DevlabCandidatesTest.java:")
        number = line[at + 26 :].split(":", 1)[0] if at >= 0 else ""
        if not number.isdigit():
            continue
        n = int(number)
        bad |= {name for name, (a, b) in spans.items() if a <= n <= b}
        if 0 < n <= len(rows) and rows[n - 1] in imports:
            bad_imports.add(rows[n - 1])
    return bad, bad_imports


def _run_candidates(
    java: _Java, cands: list, wall: float, timeout: int, imports: list[str]
) -> tuple[dict[str, str], str]:
    cls = f"{java.cls}DevlabCandidatesTest"
    gen = "_devlab_gen/" + cls + ".java"
    text = _test_class(java, cls, [c for _, _, c, _ in cands], imports)
    each = resources.files("devlab.testing").joinpath("java/DevlabEach.java").read_text()
    reader = resources.files("devlab.testing").joinpath("java/DevlabJacoco.java").read_text()
    files = {
        **java_run_files(java.pf.files), gen: text,
        "_devlab_gen/DevlabEach.java": each, "_devlab_jacoco/DevlabJacoco.java": reader,
        "_devlab_main.txt": "\n".join(java.sources),
        "_devlab_tests.txt": "\n".join(
            [*java_test_tree(java.pf.files), gen, "_devlab_gen/DevlabEach.java"]
        ),
    }  # fmt: skip
    rt = "/usr/share/java/org.jacoco.agent.rt.jar"
    agent = f"-javaagent:$T/agent.jar=includes={includes_of(java.pf.files, java.sources)}"
    base = (
        f"java {JVM} {agent},destfile=$T/base.exec -cp \"/usr/share/java/junit-platform-"
        f"console-standalone.jar:$T/main:$T/test:{RESOURCES_CP}{TEST_CP}{DEPS_CP}\" "
        "org.junit.platform.console.ConsoleLauncher --scan-classpath $T/test "
        "--disable-banner --details=none --exclude-classname '.*Devlab.*' "
        "--config=junit.jupiter.execution."
        f"timeout.default='{timeout} s' --config=junit.jupiter.execution.timeout.thread.mode."
        "default=SEPARATE_THREAD > /dev/null 2>&1\n"
        if java.tests else ""
    )  # fmt: skip
    script = (
        f"T=/tmp/dj; mkdir -p $T/main $T/test $T/tool $T/empty\n"
        f"{_JAVAC} -d $T/main -cp \"$T/main{DEPS_CP}\" @_devlab_main.txt > $T/javac.txt 2>&1\n"
        f"main=$?; EXTRA_CP=:{rt}\n{COMPILE_TESTS}"  # project tests javac rejects: left out
        "section dropped; cat $T/dropped.txt $T/first-error.txt 2>/dev/null\n"
        "section build; tail -c 20000 $T/javac.txt; [ $main -eq 0 ] || exit 0\n"
        f"printf 'Premain-Class: org.jacoco.agent.rt.internal.PreMain\\nClass-Path: %s\\n' "
        f"'{JACOCO_CP}' > $T/m.txt; jar cfm $T/agent.jar $T/m.txt -C $T/empty .\n" + base
        + f"section each; java {JVM} {agent},output=none "
        f"-cp \"$T/main:$T/test:{RESOURCES_CP}{TEST_CP}:{rt}{DEPS_CP}\" "
        f"DevlabEach {java.name(cls)} $T/each {_RUNS} '{timeout} s' 2>&1 | tail -c 200000\n"
        f"{_JAVAC} -d $T/tool -cp /usr/share/java/org.jacoco.core.jar "
        "_devlab_jacoco/DevlabJacoco.java\nsection cov; java -cp \"$T/tool:/usr/share/java/"
        "org.jacoco.core.jar:/usr/share/java/asm.jar:/usr/share/java/asm-commons.jar:"
        f"/usr/share/java/asm-tree.jar\" '-Ddevlab.only={java.key()}' "
        f"'-Ddevlab.class={java.fq.replace('.', '/')}' DevlabJacoco $T/main "
        "$T/base.exec $T/each/*.exec\n"
    )  # fmt: skip
    return _sandbox(files, script, java.settings, wall, java.mounts), text


def _judge(java: _Java, cands: list, out: dict[str, str], state: dict | None) -> tuple:
    reports = {}
    vm = java.fq.replace(".", "/")
    for line in out.get("cov", "").splitlines():
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:  # cut short (the output cap): that run counts as not measured
                continue
            reports[data["exec"].removesuffix(".exec")] = _units(data, java.key(), vm)
    every, covered = reports.get("base", (set(), set()))
    if state is not None:
        every, covered = state["every"], state["covered"]
    outcomes: dict[tuple[str, int], tuple[str, str]] = {}
    for line in out.get("each", "").splitlines():
        parts = line.split(" ", 4)
        if parts[0] == "@@E" and len(parts) >= 4 and parts[1].isdigit():
            outcomes[(parts[2], int(parts[1]))] = (parts[3], parts[4] if len(parts) > 4 else "")
    # "covered" grows with each kept test (the next round starts from it); "before" stays;
    # "left_out": the project's test files javac rejected (COMPILE_TESTS), named
    base_state = state or {"every": every, "covered": covered, "before": set(covered),
                           "left_out": left_out_tests(out.get("dropped", ""),
                                                      java_test_tree(java.pf.files))}  # fmt: skip
    runs: dict[str, list[Run]] = {}
    if "each" in out:
        for name, _label, _code, _strategy in cands:
            for i in range(1, _RUNS + 1):
                status, text = outcomes.get((name, i), ("MISSING", "did not run"))
                units = frozenset(reports.get(f"{i}-{name}", (set(), set()))[1])
                runs.setdefault(name, []).append(Run(status == "SUCCESSFUL", text, units))
    why = f"the candidates did not compile: {out.get('build', '')[-300:]}"

    def describe(new: set) -> tuple[int, int, str]:
        lines = sum(1 for u in new if u[0] == "L")
        edges = sum(1 for u in new if u[0] == "P")
        return lines, edges, f"adds {lines} lines, {edges} control-flow edges"

    judged, dropped = judge_runs(cands, runs, covered, describe, not_run=why)
    return [(c[0], c[1], res) for c, res in judged], dropped, base_state


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
    base: dict, target: float, message: list[str], wall: float, imports: list[str],
) -> GenerateResult:  # fmt: skip
    test_dir = posixpath.dirname(java.path).replace("src/main/", "src/test/", 1)
    cls = f"{java.cls}GeneratedTest"
    test_path = posixpath.join(test_dir, f"{cls}.java")
    by_name = {r.name: r for _, _, r in kept}
    code = _test_class(java, cls, [r.code for r in by_name.values()], imports) if kept else ""
    before = _summary(base["every"], base["before"] if java.tests else set())
    after, proof = before, {}
    if kept:
        run = run_java_suite(
            {**java.pf.files, test_path: code}, java.settings, wall_seconds=wall, test_timeout=5,
            mounts=java.mounts,
        )  # fmt: skip
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
        strategies={s: sum(r.strategy == s for _, _, r in kept)
                    for s in sorted({r.strategy for _, _, r in kept})}, proof=proof,
        message="; ".join(message),
    )  # fmt: skip


def split_junit_tests(code: str, start: int) -> tuple[list[tuple[str, str]], list[str]]:
    """The ``@Test`` methods of a model's test class, renamed ``model_<n>`` (with their
    annotation), and its import lines."""
    lines = code.splitlines()
    imports = [ln.strip() for ln in lines if ln.strip().startswith("import ")]
    tests: list[tuple[str, str]] = []
    for number, line in enumerate(lines, 1):
        if line.strip() != "@Test":
            continue
        sig = next((n for n in range(number + 1, min(number + 4, len(lines)) + 1)
                    if "(" in lines[n - 1] and "{" in lines[n - 1]), 0)  # fmt: skip
        if not sig:
            continue
        end = block_end(lines, sig, sig + 300)
        head = lines[sig - 1].split("(", 1)[0].split()
        name = f"model_{start + len(tests)}"
        body = ["    @Test", lines[sig - 1].replace(f"{head[-1]}(", f"{name}(", 1)]
        body += lines[sig:end]
        tests.append((name, "\n".join(body) + "\n"))
    return tests, imports


def junit_model_candidates(
    model: ModelFn, methods: list[JavaMethod], missing: set[int], *, java: _Java, limit: int = 4
) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Candidates ``(name, target, code, "model")`` for the methods with uncovered
    lines, one prompt each, and the imports they use."""
    from devlab.llm import extract_code, render_prompt_blocks

    source = java.pf.files[java.path].splitlines()
    found: list[tuple[str, str, str, str]] = []
    imports: list[str] = []
    for m in [m for m in methods if set(range(m.line, m.end + 1)) & missing][:limit]:
        uncovered = sorted(set(range(m.line, m.end + 1)) & missing)
        texts, _ = render_prompt_blocks(
            "generate_junit_tests", ("system", "user"), package="devlab.testing",
            java_package=java.package, cls=java.cls, path=java.path,
            source="\n".join(source[m.line - 1 : m.end])[:6000],
            missing=", ".join(map(str, uncovered[:40])),
        )  # fmt: skip
        reply = model(texts["system"], texts["user"])
        for block in extract_code(reply, "java")[:1]:
            tests, used = split_junit_tests(block.code, len(found))
            found += [(name, m.label, code, "model") for name, code in tests]
            imports += [i for i in used if i not in imports]
    return found, imports
