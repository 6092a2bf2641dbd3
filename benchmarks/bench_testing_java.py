"""Java coverage and JUnit generation on a real Java library nobody here wrote (issue 15).

The library: Apache Commons CLI 1.6.0 as Debian's source package ships it
(``apt-get source libcommons-cli-java`` with a deb-src line; the upstream tree with its
own JUnit 4/5 suite). Its pom.xml declares JUnit only, which the sandbox provides.

Prints one markdown table:

1. ``devlab tests coverage`` of the library's own suite in the sandbox: tests passed /
   failed / skipped, line and branch coverage (JaCoCo), wall time.
2. ``devlab tests generate --framework junit`` from zero tests (``src/test`` removed) on
   each file named with ``--files``, without a model: line and branch coverage before ->
   after, kept / dropped, suspected bugs, seconds; then the kept tests compiled and run
   by javac and JUnit's console launcher directly on the host, outside DevLab (they must
   all pass).
3. With ``--mutation``: the mutation score (the dataset pipeline's mutants, each compiled
   over the original classes and run against JUnit in the sandbox) of the library's own
   suite and of the generated tests, on each file, side by side.

    nice -n 10 python benchmarks/bench_testing_java.py --source DIR [--files Util.java ...]
        [--mutation [all|generated]] [--package src/main/java/org/apache/commons/csv]

A library whose sources and tests pass the sandbox's 1 MB source limit (Commons Codec
1.18.0: 2.9 MB) runs its own suite with ``DEVLAB_SANDBOX_MAX_SOURCE_BYTES`` raised.

Another Maven library runs the same with ``--package`` (e.g. Commons CSV 1.9.0, whose
test suite needs mockito and h2, which are not installed: those test files are left out
and named, the rest measured).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from devlab.config import load_settings
from devlab.search import index_project
from devlab.testing import (
    GenerateRequest,
    MutationReport,
    generate_for_project,
    load_files,
    measure_coverage,
    mutation_score,
    run_mutation,
)
from devlab.workbench import Workbench

PACKAGE = "src/main/java/org/apache/commons/cli"
LAUNCHER = "/usr/share/java/junit-platform-console-standalone.jar"
TEST_CP = f"{LAUNCHER}:/usr/share/java/junit4.jar:/usr/share/java/hamcrest.jar"


def _coverage(bench: Workbench, source: Path) -> list[str]:
    index_project(bench.db, bench.settings, name="cli", source=str(source), embed=False)
    # (the own-suite project is called "cli" whatever the library: its name in this run only)
    started = time.monotonic()
    report = measure_coverage(bench.db, bench.settings, "cli", test_timeout=30)
    seconds = time.monotonic() - started
    outcomes: dict[str, int] = {}
    for t in report.tests:
        outcomes[t.outcome] = outcomes.get(t.outcome, 0) + 1
    s = report.summary
    rows = [
        f"| coverage, own suite | {report.status}: {outcomes} | {s.line_percent}% lines "
        f"({s.lines_covered}/{s.lines}), {s.branch_percent}% branches "
        f"({s.branches_covered}/{s.branches}) | {seconds:.1f} s |"
    ]
    for t in report.tests:
        if t.outcome in ("failed", "error"):
            rows.append(f"| &nbsp; {t.outcome}: {t.name} | {t.message[:90]} | | |")
    return rows


def _outside(root: Path, test_path: str, code: str, work: Path) -> str:
    """The kept tests compiled and run by javac + JUnit's launcher on the host."""
    (root / test_path).parent.mkdir(parents=True, exist_ok=True)
    (root / test_path).write_text(code)
    classes = work / "outside"
    shutil.rmtree(classes, ignore_errors=True)
    classes.mkdir()
    mains = [str(p) for p in (root / "src/main/java").rglob("*.java")]
    javac = ["javac", "--release", "11", "-nowarn", "-d", str(classes), "-cp", TEST_CP,
             *mains, str(root / test_path)]  # fmt: skip
    try:
        built = subprocess.run(javac, capture_output=True, text=True, timeout=300, check=False)
        if built.returncode:
            return f"javac failed: {built.stderr.strip().splitlines()[-1:]}"
        launch = ["java", "-jar", LAUNCHER, "-cp", f"{classes}:{TEST_CP}", "--scan-classpath",
                  "--disable-banner", "--details=summary"]  # fmt: skip
        run = subprocess.run(launch, capture_output=True, text=True, timeout=300, check=False)
    finally:
        (root / test_path).unlink()
    # the launcher's summary lines read "[  5 tests found  ]", "[  5 tests successful  ]"
    words = [ln.strip(" []").split() for ln in run.stdout.splitlines() if " tests " in ln]
    summary = {w[2]: w[0] for w in words if len(w) >= 3 and w[1] == "tests"}
    return f"{summary.get('successful', '?')} of {summary.get('found', '?')} passed"


def _score(rep: MutationReport) -> str:
    if rep.score is None:
        return f"no score: {rep.message[:80]}"
    return f"{rep.score}% ({rep.killed}/{rep.mutants} killed, {rep.seconds:.0f} s)"


def _mutation(
    bench: Workbench, name: str, path: str, test_path: str, code: str, own_too: bool = True
) -> str:
    """The own suite's (unless not ``own_too``) and the generated tests' mutation scores
    on ``path``."""
    mine = f"{name} (own suite not run)"
    if own_too:
        own = run_mutation(
            bench.db, bench.settings, load_files(bench.db, "cli", also=(".java",)), path=path
        )
        mine = f"{name} | own suite {_score(own)};"
    if not code:
        return f"| mutation {mine} generated: no tests kept | | |"
    bare = load_files(bench.db, "bare", also=(".java",))
    generated, _ = mutation_score(
        bare, bench.settings, path=path, tests=[test_path], extra_files={test_path: code}
    )
    if not own_too:
        return f"| mutation {name} | generated {_score(generated)} | | |"
    return f"| mutation {mine} generated {_score(generated)} | | |"


def _generate(
    bench: Workbench, source: Path, work: Path, files: list[str], mutation: str, package: str
) -> list[str]:
    root = work / "bare"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("test", "debian"))
    index_project(bench.db, bench.settings, name="bare", source=str(root), embed=False)
    rows = []
    for name in files:
        path = f"{package}/{name}"
        started = time.monotonic()
        request = GenerateRequest(project="bare", path=path, framework="junit", use_model=False)
        try:
            result = generate_for_project(bench.db, bench.settings, request, model=None)
        except Exception as exc:  # a failure is a figure: the next file still runs
            rows.append(f"| generate {name} (no model) | failed: {type(exc).__name__}: "
                        f"{str(exc)[:160]} | | {time.monotonic() - started:.1f} s |")  # fmt: skip
            print(rows[-1], flush=True)
            continue
        seconds = time.monotonic() - started
        outside = (
            _outside(root, result.test_path, result.test_code, work)
            if result.test_code
            else "no tests kept"
        )
        b, a = result.before, result.after
        rows.append(
            f"| generate {name} (no model) | {len(result.kept)} kept, {len(result.dropped)} "
            f"dropped, {len(result.suspected_bugs)} suspected bugs; outside DevLab: {outside} | "
            f"{b.line_percent}% -> {a.line_percent}% lines, {b.branch_percent}% -> "
            f"{a.branch_percent}% branches | {seconds:.1f} s |"
        )
        print(rows[-1], flush=True)  # as it comes: a later failure loses nothing
        for bug in result.suspected_bugs[:3]:
            rows.append(f"| &nbsp; suspected bug | `{bug.call[:80]}`: {bug.message[:80]} | | |")
        if mutation:
            try:
                rows.append(_mutation(bench, name, path, result.test_path, result.test_code,
                                      own_too=mutation == "all"))  # fmt: skip
            except Exception as exc:
                rows.append(f"| mutation {name} | failed: {type(exc).__name__}: "
                            f"{str(exc)[:160]} | | |")  # fmt: skip
            print(rows[-1], flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source", type=Path, required=True,
        help="the unpacked source tree (apt-get source libcommons-cli-java)",
    )  # fmt: skip
    files = ["Util.java", "OptionValidator.java", "TypeHandler.java"]
    parser.add_argument("--files", nargs="*", default=files)
    parser.add_argument(
        "--mutation", nargs="?", const="all", default="", choices=["all", "generated"],
        help="also the mutation scores, own vs generated (``generated``: the generated "
        "tests' only, when the own suite's are known)",
    )  # fmt: skip
    parser.add_argument(
        "--package", default=PACKAGE,
        help="the folder of --files in the tree (another library: e.g. Commons CSV's "
        "src/main/java/org/apache/commons/csv)",
    )  # fmt: skip
    args = parser.parse_args()
    if not (args.source / args.package).is_dir():
        raise SystemExit(f"{args.source} has no {args.package}: give --package")
    work = Path(tempfile.mkdtemp(prefix="bench-testing-java-"))
    bench = Workbench.open(load_settings(home=work / "home"))
    try:
        rows = ["| what | result | coverage | wall |", "|---|---|---|---|"]
        rows += _coverage(bench, args.source)
        rows += _generate(bench, args.source, work, args.files, args.mutation, args.package)
    finally:
        bench.close()
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(rows))
    print(f"\nload average after the run: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
