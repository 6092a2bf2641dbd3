"""Java mutants run against the project's JUnit tests, in the sandbox.

The mutants are the dataset pipeline's (``mutation.file_mutants``: the same tree-sitter
operators as the other languages', each re-parsed so it is valid Java syntax). One
sandbox run per batch: the main sources and the tests are compiled once and the tests
run on the original (when they fail, the batch says nothing); then for each mutant only
the mutated file is compiled, against the original classes, into an overlay directory
that comes first on the class path, and JUnit's console launcher runs the tests again
under a per-mutant ``timeout``. A test class compiled against the original stays valid:
mutants change method bodies, never signatures.

A mutant is *killed* when a test fails or the run times out. A mutant that does not
compile (the syntax is valid, the types are not: ``f(a, b)`` -> ``f(b, a)`` with two
types) is *unviable*, as PIT calls it: it counts neither way.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.sandbox import DependencyMount, SandboxRequest, run_code
from devlab.testing.javarun import (
    COMPILE_TESTS,
    DEPS_CP,
    JVM,
    RESOURCES_CP,
    TEST_CP,
    java_run_files,
    java_sources,
    java_test_tree,
    java_tests,
    parse_junit_xml,
    run_java_suite,
)
from devlab.testing.mavenenv import DEPS_EXPORT
from devlab.testing.sandboxrun import toolchain_limits, variants_per_run

__all__ = ["BATCH", "UNVIABLE", "run_java_mutants"]

MARK = "@@DEVLAB_JAVA_MUTANT@@"
XML_MARK = "@@DEVLAB_JAVA_MUTANT_XML@@"
UNVIABLE = "unviable"
BATCH = 10  # two JVM starts per mutant (javac, the launcher): a run's wall limit holds these
_JAVAC = "javac -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 --release 11 -proc:none -nowarn"
_PRELUDE = f"""R="$(cd "$(dirname "$0")" && pwd)"; cd "$R" || exit 3
T=/tmp/devlab-java; mkdir -p $T/main $T/test
{_JAVAC} -encoding UTF-8 -d $T/main -cp "$T/main{DEPS_CP}" @_devlab_main.txt > $T/javac.txt 2>&1
main=$?
{COMPILE_TESTS}built=$main
LAUNCHER=/usr/share/java/junit-platform-console-standalone.jar
tests() {{  # $1 the overlay's class path entry, $2 the time limit
  rm -rf $T/r
  timeout "$2" java {JVM} -cp "$LAUNCHER:$1$T/main:$T/test:{RESOURCES_CP}{TEST_CP}{DEPS_CP}" \\
    org.junit.platform.console.ConsoleLauncher $SELECT --disable-banner \\
    --disable-ansi-colors --details=none --fail-if-no-tests --reports-dir=$T/r > /dev/null 2>&1
}}
one() {{  # one mutant: $1 its id, $2 its text's file, $3 its per-mutant limit
  rm -rf $T/m $T/src && mkdir -p $T/m $T/src && cp "$R/$2" "$T/src/$NAME"
  if ! {_JAVAC} -encoding UTF-8 -d $T/m -cp "$T/main{DEPS_CP}" "$T/src/$NAME" \\
      > /dev/null 2>&1; then echo "{MARK} $1 {UNVIABLE}"; return; fi
  tests "$T/m:" "$3"; echo "{MARK} $1 $?"
  if [ -n "$XML" ]; then echo "{XML_MARK} $1"; cat $T/r/TEST-junit-*.xml 2>/dev/null; fi
}}
"""


def _script(
    path: str, batch: list[tuple[str, str]], timeout: float, deps: bool, select: str | None,
    xml: bool, exclude: list[str] | None = None,
) -> str:  # fmt: skip
    """The batch's driver: compile once, the original's run, then each mutant;
    ``exclude``: test classes (fully qualified) left out of every run."""
    limit = max(1, int(timeout))
    chosen = f"--select-class={select}" if select else "--scan-classpath /tmp/devlab-java/test"
    if exclude and not select:  # one word: $SELECT is split on spaces only
        chosen += f" --exclude-classname=^({'|'.join(re.escape(c) for c in exclude)})$"
    lines = [
        f"NAME={shlex.quote(posixpath.basename(path))}",
        f"SELECT={shlex.quote(chosen)}; XML={'1' if xml else ''}",
        DEPS_EXPORT.rstrip("\n") if deps else "",
        _PRELUDE,
        f'if [ $built -ne 0 ]; then echo "{MARK} original {UNVIABLE}"; exit 0; fi',
        f'tests "" {limit * 3}; rc=$?; echo "{MARK} original $rc"; [ $rc -eq 0 ] || exit 0',
    ]
    lines += [
        f"one {shlex.quote(mid)} _devlab_mutants/{i}.txt {limit}"
        for i, (mid, _) in enumerate(batch)
    ]
    return "\n".join(lines) + "\n"


def _failing(stdout: str) -> dict[str, list[str]]:
    """``{mutant id: the test methods that failed on it}`` from the driver's reports."""
    out: dict[str, list[str]] = {}
    for chunk in stdout.split("\n" + XML_MARK + " ")[1:]:
        head, _, body = chunk.partition("\n")
        names = [t.name.rsplit("::", 1)[-1] for t in parse_junit_xml(body.split("\n" + MARK)[0])
                 if t.outcome in ("failed", "error", "timeout")]  # fmt: skip
        if names:
            out[head.strip()] = names
    return out


def _outcomes(stdout: str) -> dict[str, str]:
    """``{id: passed|failed|timeout|unviable}`` from the driver's marked lines."""
    out: dict[str, str] = {}
    for line in stdout.splitlines():
        words = line.split()
        if len(words) != 3 or words[0] != MARK:
            continue
        code = words[2]
        out[words[1]] = (
            UNVIABLE if code == UNVIABLE
            else "passed" if code == "0"
            else "timeout" if code == "124"
            else "failed"
        )  # fmt: skip
    return out


def run_java_mutants(
    files: dict[str, str],
    settings: Settings,
    *,
    path: str,
    mutants: list[tuple[str, str]],
    timeout: float = 30.0,
    mounts: list[DependencyMount] | None = None,
    select: str | None = None,
    failing: dict[str, list[str]] | None = None,
    progress: ProgressFn | None = None,
) -> tuple[dict[str, str], str]:
    """``{mutant id: passed|failed|timeout|unviable}`` of the batches whose original
    passed, and why the others were not judged (empty when every batch was).
    ``mounts``: the project's dependency jars (``maven_env``), as for coverage;
    ``select``: run only this test class (fully qualified), not every test found;
    ``failing``: filled with each mutant's failing test methods (JUnit's reports)."""
    sources, tests = java_sources(files), java_tests(files)
    if path not in sources:
        return {}, f"{path} is not a main Java source of the project (tests are not mutated)"
    if not tests:
        return {}, "no JUnit tests to run the mutants against"
    tree = java_test_tree(files)  # the tests and their helpers
    base = {
        **{
            p: t
            for p, t in java_run_files(files).items()
            if not p.endswith(".java") or p in sources or p in tree
        },
        "_devlab_main.txt": "\n".join(sources) + "\n",
        "_devlab_tests.txt": "\n".join(tree) + "\n",
    }
    done: dict[str, str] = {}
    message = ""
    # every mutant carries a whole copy of the file: a run stays under the source cap
    # (a large project's files leave room for fewer than BATCH of them)
    shared = sum(len(p.encode()) + len(t.encode()) for p, t in base.items()) + 20_000
    each = max((len(t.encode()) for _, t in mutants), default=1) + 200
    fit = variants_per_run(settings.sandbox_max_source_bytes, shared, each, BATCH)
    if mutants and fit == 0:
        return {}, (
            f"the project's files ({shared // 1000} kB) leave no room for a mutant within "
            f"the sandbox's source limit (sandbox_max_source_bytes = "
            f"{settings.sandbox_max_source_bytes}); mutants not judged"
        )
    size = max(1, fit)
    batches = [mutants[i : i + size] for i in range(0, len(mutants), size)]
    wall = settings.sandbox_max_wall_seconds
    red: list[str] = []  # test classes failing on the original code, left out

    def run_batch(batch: list[tuple[str, str]]) -> tuple[dict[str, str], str]:
        extra = {f"_devlab_mutants/{i}.txt": text for i, (_, text) in enumerate(batch)}
        script = _script(path, batch, timeout, bool(mounts), select, failing is not None, red)
        request = SandboxRequest(
            language="bash", files={**base, **extra, "_devlab_mut.sh": script},
            entry="_devlab_mut.sh", limits=toolchain_limits(settings, wall),
        )  # fmt: skip
        result = run_code(request, settings, mounts=mounts or [])
        return _outcomes(result.stdout), result.stdout or f"the run ended {result.status}"

    for n, batch in enumerate(batches, 1):
        report(progress, "mutants", n - 1, len(batches), f"batch {n} of {len(batches)}")
        outcomes, stdout = run_batch(batch)
        if n == 1 and outcomes.get("original") == "failed" and not select:
            red[:] = _red_classes(files, settings, mounts)  # like PIT: a green suite only
            if red:
                outcomes, stdout = run_batch(batch)
        original = outcomes.pop("original", None)
        if original != "passed":
            why = (
                "the project does not compile" if original == UNVIABLE
                else original or stdout[-200:]
            )  # fmt: skip
            message = f"the tests do not pass on the original code ({why}); mutants not judged"
            continue
        done.update(outcomes)
        if failing is not None:
            failing.update(_failing(stdout))
    report(progress, "mutants", len(batches), len(batches), "done")
    if red:
        classes = "test class" if len(red) == 1 else "test classes"
        left = f"{len(red)} {classes} failing on the original code left out: "
        message = "; ".join(filter(None, [left + ", ".join(red[:10]), message]))
    return done, message


def _red_classes(
    files: dict[str, str], settings: Settings, mounts: list[DependencyMount] | None
) -> list[str]:
    """The test classes with a test that fails (or errs, or times out) on the original
    code, from one run of the suite."""
    run = run_java_suite(files, settings, mounts=mounts)
    bad = ("failed", "error", "timeout")
    return sorted({t.name.split("::", 1)[0] for t in run.tests if t.outcome in bad})
