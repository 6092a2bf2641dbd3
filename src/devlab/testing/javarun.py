"""Java coverage: a project's own JUnit suite under the JaCoCo agent, in the sandbox,
read back as per-file and per-method line + branch coverage (the same report as
Python's).

One sandboxed shell run, everything from Debian's packages (no network), the project's
jars from the environment cache (``mavenenv``) when it declares dependencies:
``javac --release 11`` of the main sources, then of the tests against JUnit 5's console
launcher jar (``junit5``; JUnit 4 tests run on its vintage engine with ``junit4.jar``);
the tests run on the console launcher with the JaCoCo agent (``libjacoco-java``
0.8.6, which reads class files up to Java 15, hence ``--release 11``); a small reader
(``java/DevlabJacoco.java``, compiled in the sandbox against JaCoCo's core) turns the
execution data and the main classes into one JSON line: per source line covered or
not and its branches, per method its first and last line.

Debian's agent jar is not shaded and has no ``Premain-Class``: the driver writes a
one-line manifest jar whose ``Class-Path`` names the runtime, JaCoCo's core and ASM.
The per-test limit is JUnit's own default timeout, run in a separate thread so that
a test stuck in a loop is abandoned and the rest still run. A project whose code
imports packages that are not there (a dependency not declared or not resolved) does
not compile: the missing packages are named.
"""

from __future__ import annotations

import json
import posixpath
import time
import xml.etree.ElementTree as ET
from importlib import resources
from typing import Any

from devlab.config import Settings
from devlab.sandbox import DependencyMount, SandboxRequest, run_code
from devlab.testing.jsrun import JsRun, summary_of_lines
from devlab.testing.mavenenv import DEPS_EXPORT
from devlab.testing.models import FileCoverage, FunctionCoverage, TestOutcome
from devlab.testing.sandboxrun import toolchain_limits

__all__ = [
    "COMPILE_TESTS",
    "DEPS_CP",
    "JACOCO_CP",
    "JAVA_SUFFIXES",
    "JVM",
    "RESOURCES_CP",
    "TEST_CP",
    "includes_of",
    "is_java_test",
    "java_package",
    "java_run_files",
    "java_sources",
    "java_test_tree",
    "java_tests",
    "left_out_tests",
    "parse_jacoco",
    "parse_junit_xml",
    "run_java_suite",
]

JAVA_SUFFIXES = (".java",)
MARK = "@@DEVLAB_JAVA_COVERAGE@@"
_J = "/usr/share/java"
TEST_CP = ":".join(
    f"{_J}/{jar}" for jar in ("junit-platform-console-standalone.jar", "junit4.jar", "hamcrest.jar")
)
JACOCO_CP = " ".join(
    f"{_J}/{jar}"
    for jar in (
        "org.jacoco.agent.rt.jar",
        "org.jacoco.core.jar",
        "asm.jar",
        "asm-commons.jar",
        "asm-tree.jar",
    )
)
# The dependency jars' class path entry, when a run has them (DEVLAB_DEPS set by the
# driver's first line): appended to every -cp, empty otherwise.
DEPS_CP = "${DEVLAB_DEPS:+:$DEVLAB_DEPS}"
JVM = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xmx512m"
# Maven's resource folders, put on the JVM's own class path with the classes (the JUnit
# launcher runs as a main class, not `-jar` with its own -cp): tests read resources
# through the system class loader (ClassLoader.getSystemResourceAsStream) too.
RESOURCES_CP = "src/main/resources:src/test/resources:"
# The test tree's compile (after the main sources', whose status is $main): the files of
# _devlab_tests.txt into $T/test. Files javac rejects (a dependency that could not be
# installed, a benchmark needing a tool the sandbox lacks) are left out and the rest
# compiled again, a few rounds at most; $main is 0 when what is left compiled, and
# $T/dropped.txt names the files left out (then the first round's first errors).
# $EXTRA_CP (":jar..."), when set, joins the class path.
COMPILE_TESTS = """: > $T/dropped.txt
if [ $main -eq 0 ] && [ -s _devlab_tests.txt ]; then
  cp _devlab_tests.txt $T/tests.txt
  for round in 1 2 3 4 5; do
    javac -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 --release 11 -proc:none -nowarn \\
      -Xmaxerrs 100000 -encoding UTF-8 -d $T/test \\
      -cp "$T/main:@@TEST_CP@@${EXTRA_CP:-}@@DEPS_CP@@" @$T/tests.txt > $T/testc.txt 2>&1
    main=$?
    [ $main -eq 0 ] && break
    # files naming a package that is not there first (their errors cascade into others);
    # DevLab's own files (_devlab*) are never left out: their errors end the compile
    grep -o '^[^ :]*[.]java:[0-9]*: error: package [^ ]* does not exist' $T/testc.txt \\
      | cut -d: -f1 | grep -v '^_devlab' | sort -u > $T/bad.txt
    [ -s $T/bad.txt ] || grep -o '^[^ :]*[.]java:[0-9]*: error' $T/testc.txt \\
      | cut -d: -f1 | sort -u > $T/bad.txt
    grep -q '^_devlab' $T/bad.txt && break
    grep -v -x -F -f $T/bad.txt $T/tests.txt > $T/keep.txt
    if [ ! -s $T/bad.txt ] || [ ! -s $T/keep.txt ] || cmp -s $T/keep.txt $T/tests.txt; then
      break
    fi
    [ -s $T/dropped.txt ] || head -c 1500 $T/testc.txt > $T/first-error.txt
    cat $T/bad.txt >> $T/dropped.txt; mv $T/keep.txt $T/tests.txt
    rm -rf $T/test; mkdir -p $T/test
  done
  cat $T/testc.txt >> $T/javac.txt
fi
""".replace("@@TEST_CP@@", TEST_CP).replace("@@DEPS_CP@@", DEPS_CP)
DRIVER = """cd "$(dirname "$0")" || exit 3
J=/usr/share/java; T=/tmp/devlab-java; mkdir -p $T/main $T/test $T/tool $T/empty
section() { printf '\\n%s %s\\n' "@@MARK@@" "$1"; }
javac -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 --release 11 -proc:none -nowarn \\
  -encoding UTF-8 -d $T/main -cp "$T/main@@DEPS_CP@@" @_devlab_main.txt \\
  > $T/javac.txt 2>&1
main=$?
@@COMPILE_TESTS@@section compile; tail -c 8000 $T/javac.txt
section dropped; cat $T/dropped.txt $T/first-error.txt 2>/dev/null
section rc; echo $main
[ $main -eq 0 ] || exit 0
printf 'Premain-Class: org.jacoco.agent.rt.internal.PreMain\\nClass-Path: %s\\n' \\
  "@@JACOCO_CP@@" > $T/manifest.txt
jar cfm $T/agent.jar $T/manifest.txt -C $T/empty . || exit 4
java @@JVM@@ \\
  -javaagent:$T/agent.jar=destfile=$T/jacoco.exec,includes="$(cat _devlab_includes.txt)" \\
  -cp "$J/junit-platform-console-standalone.jar:$T/main:$T/test:@@RES@@@@TEST_CP@@@@DEPS_CP@@" \\
  org.junit.platform.console.ConsoleLauncher \\
  --scan-classpath $T/test --disable-banner --disable-ansi-colors --details=none \\
  --config=junit.jupiter.execution.timeout.default="$DEVLAB_TEST_TIMEOUT" \\
  --config=junit.jupiter.execution.timeout.thread.mode.default=SEPARATE_THREAD \\
  --reports-dir=$T/junit > $T/junit.txt 2>&1
section junit; cat $T/junit/TEST-junit-jupiter.xml $T/junit/TEST-junit-vintage.xml 2>/dev/null
section console; tail -c 4000 $T/junit.txt
javac -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 --release 11 -nowarn -d $T/tool \\
  -cp $J/org.jacoco.core.jar _devlab_jacoco/DevlabJacoco.java || exit 5
section jacoco
java @@JVM@@ -cp "$T/tool:$J/org.jacoco.core.jar:$J/asm.jar:$J/asm-commons.jar:$J/asm-tree.jar" \\
  DevlabJacoco $T/main $T/jacoco.exec
""".replace("@@MARK@@", MARK).replace("@@TEST_CP@@", TEST_CP)
DRIVER = DRIVER.replace("@@JACOCO_CP@@", JACOCO_CP).replace("@@JVM@@", JVM)
DRIVER = DRIVER.replace("@@COMPILE_TESTS@@", COMPILE_TESTS).replace("@@DEPS_CP@@", DEPS_CP)
DRIVER = DRIVER.replace("@@RES@@", RESOURCES_CP)


def is_java_test(path: str, text: str) -> bool:
    """Maven/Gradle test trees, and JUnit classes named as Surefire finds them
    (``*Test``, ``*Tests``, ``*TestCase``, ``Test*``)."""
    if "src/test/" in path or path.startswith("test/") or "/test/" in path:
        return True
    stem = posixpath.basename(path).removesuffix(".java")
    named = stem.endswith(("Test", "Tests", "TestCase")) or stem.startswith("Test")
    return named and "org.junit" in text


def _java(path: str) -> bool:
    parts = path.split("/")
    return path.endswith(".java") and not any(p in ("target", "build", ".git") for p in parts)


def java_sources(files: dict[str, str]) -> list[str]:
    return sorted(
        p
        for p in files
        if _java(p)
        and not is_java_test(p, files[p])
        and not p.endswith(("module-info.java", "package-info.java"))  # declarations only
    )


def java_tests(files: dict[str, str]) -> list[str]:
    """Test classes written for JUnit (5, or 4 through the vintage engine)."""
    return sorted(
        p for p in files if _java(p) and is_java_test(p, files[p]) and "org.junit" in files[p]
    )


def java_test_tree(files: dict[str, str]) -> list[str]:
    """Every Java file of the test trees, compiled with the tests: the JUnit classes and
    the helpers they use (matchers, fixtures, builders) that import no JUnit."""
    return sorted(
        p for p in files
        if _java(p) and is_java_test(p, files[p])
        and not p.endswith(("module-info.java", "package-info.java"))
    )  # fmt: skip


def java_run_files(files: dict[str, str]) -> dict[str, str]:
    """The files a run of the classes and tests needs: in a Maven layout (``src/main/``)
    what is under ``src/main/`` and ``src/test/`` (sources, resources, test data) and
    the Java files elsewhere; the site, docs and build files stay out, so that a large
    project leaves room under the sandbox's source limit for generated tests and
    mutants. Any other layout: every file."""
    if not any(p.startswith("src/main/") for p in files):
        return dict(files)
    return {p: t for p, t in files.items()
            if p.startswith(("src/main/", "src/test/")) or _java(p)}  # fmt: skip


def java_package(text: str) -> str:
    for line in text[:200_000].splitlines():
        words = line.strip().rstrip(";").split()
        if len(words) == 2 and words[0] == "package":
            return words[1]
    return ""


def includes_of(files: dict[str, str], sources: list[str]) -> str:
    """JaCoCo's ``includes``: each main class (and its nested classes)."""
    names = set()
    for path in sources:
        package = java_package(files[path])
        stem = posixpath.basename(path).removesuffix(".java")
        names.add(f"{package}.{stem}*" if package else f"{stem}*")
    return ":".join(sorted(names)) or "*"


def parse_junit_xml(xml: str) -> list[TestOutcome]:
    """Test cases of the console launcher's XML reports (several documents in a row);
    a report with a DTD or entities is refused (no entity expansion)."""
    if "<!DOCTYPE" in xml or "<!ENTITY" in xml:
        return []
    out: list[TestOutcome] = []
    for doc in xml.split("<?xml")[1:]:
        try:
            root = ET.fromstring("<?xml" + doc)
        except ET.ParseError:
            continue
        for case in root.iter("testcase"):
            name = f"{case.get('classname', '')}::{case.get('name', '?').removesuffix('()')}"
            outcome, message = "passed", ""
            for tag, label in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
                node = case.find(tag)
                if node is not None:
                    outcome, message = label, node.get("message") or (node.text or "")
                    break
            if outcome != "passed" and "timed out after" in message:
                outcome = "timeout"
            seconds = float(case.get("time") or 0.0)
            out.append(TestOutcome(name=name[:500], outcome=outcome, seconds=seconds,  # type: ignore[arg-type]
                                   message=message[:1500]))  # fmt: skip
    return out


def parse_jacoco(
    data: dict[str, Any], files: dict[str, str], sources: list[str]
) -> list[FileCoverage]:
    """The reader's JSON as file and method coverage of the project's paths."""
    by_key: dict[str, str] = {}
    for path in sources:
        package = java_package(files[path]).replace(".", "/")
        by_key[f"{package}/{posixpath.basename(path)}"] = path
    methods: dict[str, list[tuple[str, int, int]]] = {}
    for key, name, first, last in data.get("methods", []):
        if "lambda$" in name or name.endswith("<clinit>"):
            continue
        methods.setdefault(key, []).append((name, int(first), int(last)))
    out = []
    for entry in data.get("files", []):
        if entry["path"] not in by_key:
            continue
        path = by_key[entry["path"]]
        lines = {int(n): int(hit) for n, hit, _, _ in entry["lines"]}
        branches: list[tuple[int, int]] = []
        for n, _, total, covered in entry["lines"]:
            branches += [(int(n), 1)] * int(covered) + [(int(n), 0)] * (int(total) - int(covered))
        functions = []
        for name, first, last in sorted(methods.get(entry["path"], []), key=lambda m: m[1]):
            own = {n: c for n, c in lines.items() if first <= n <= last}
            own_branches = [b for b in branches if first <= b[0] <= last]
            functions.append(FunctionCoverage(
                name=name, start_line=first, summary=summary_of_lines(own, own_branches),
                missing_lines=sorted(n for n, c in own.items() if c == 0),
            ))  # fmt: skip
        out.append(FileCoverage(
            path=path, summary=summary_of_lines(lines, branches),
            missing_lines=sorted(n for n, c in lines.items() if c == 0),
            missing_branches=sorted({(n, n) for n, c in branches if c == 0}),
            functions=functions,
        ))  # fmt: skip
    return out


def _sections(stdout: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in stdout.split("\n" + MARK + " ")[1:]:
        head, _, body = chunk.partition("\n")
        out[head.strip()] = body
    return out


def _missing_packages(javac: str) -> list[str]:
    """Packages javac could not find (``package org.x does not exist``)."""
    found = []
    for line in javac.splitlines():
        at = line.find("error: package ")
        if at >= 0 and line.rstrip().endswith("does not exist"):
            name = line[at + len("error: package ") :].split()[0]
            if name not in found:
                found.append(name)
    return found


def left_out_tests(section: str, tests: list[str]) -> tuple[list[str], str]:
    """The test files left out because javac rejected them (``COMPILE_TESTS``'
    ``dropped.txt``: their paths, then the first round's first errors) and the warning
    that names them, or ``([], "")``. Shared by the coverage run and JUnit generation."""
    known = set(tests)
    paths = [line for line in section.splitlines() if line in known]
    if not paths:
        return [], ""
    error = "\n".join(line for line in section.splitlines() if line not in known)
    return paths, (
        f"{len(paths)} of {len(tests)} test files did not compile and were left out "
        f"(the rest ran): {', '.join(paths[:10])}{' ...' if len(paths) > 10 else ''}; "
        f"javac said: {error[:600]}"
    )


def run_java_suite(
    files: dict[str, str],
    settings: Settings,
    *,
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    mounts: list[DependencyMount] | None = None,
) -> JsRun:
    """Compile the project, run its JUnit tests under JaCoCo, read the coverage back;
    ``mounts``: the dependency jars (``maven_env``), put on every class path."""
    wall = min(wall_seconds or settings.sandbox_max_wall_seconds, settings.sandbox_max_wall_seconds)
    sources, tests, tree = java_sources(files), java_tests(files), java_test_tree(files)
    reader = resources.files("devlab.testing").joinpath("java/DevlabJacoco.java").read_text()
    run_files = {
        **{p: files[p] for p in files if not p.endswith(".java") or p in sources or p in tree},
        "_devlab_java.sh": f"export DEVLAB_TEST_TIMEOUT='{max(1, int(test_timeout))} s'\n"
        + (DEPS_EXPORT if mounts else "")
        + DRIVER,
        "_devlab_main.txt": "\n".join(sources) + "\n",
        "_devlab_tests.txt": "\n".join(tree) + "\n" if tests else "",
        "_devlab_includes.txt": includes_of(files, sources),
        "_devlab_jacoco/DevlabJacoco.java": reader,
    }
    limits = toolchain_limits(settings, wall)
    request = SandboxRequest(
        language="bash", files=run_files, entry="_devlab_java.sh", limits=limits
    )
    started = time.monotonic()
    result = run_code(request, settings, mounts=mounts or [])
    out = JsRun(status=result.status, seconds=round(time.monotonic() - started, 3))
    parts = _sections(result.stdout)
    if parts.get("rc", "").strip() not in ("0", ""):
        javac = parts.get("compile", "")
        missing = _missing_packages(javac)
        out.error = (
            "; ".join(
                f"package {m}: not in the sandbox (a dependency not declared, or not resolved: "
                "see the run's dependencies)"
                for m in missing
            )
            if missing else f"javac failed: {javac[-800:]}"
        )  # fmt: skip
        return out
    if "jacoco" not in parts:
        out.error = (
            f"the sandbox run ended {result.status} before JaCoCo's report: "
            f"{(parts.get('console') or result.stderr or result.stdout)[-600:]}"
        )
        out.tests = parse_junit_xml(parts.get("junit", ""))
        return out
    line = parts["jacoco"].strip().splitlines()
    data = json.loads(line[-1]) if line and line[-1].startswith("{") else {}
    out.files = parse_jacoco(data, files, sources)
    out.tests = parse_junit_xml(parts.get("junit", ""))
    out.warning = left_out_tests(parts.get("dropped", ""), tree)[1]
    if not out.tests and tests:
        out.error = f"the JUnit launcher reported no tests: {parts.get('console', '')[-600:]}"
    return out
