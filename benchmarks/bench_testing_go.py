"""Go coverage and ``go test`` generation on a real Go module nobody here wrote (issue 15).

The module: go-humanize 1.0.0 (github.com/dustin/go-humanize, standard library only),
as Debian ships it (``apt-get install golang-github-dustin-go-humanize-dev``: sources
and tests under /usr/share/gocode). Version 1.0.0 predates Go modules, so the copy
gets the ``go.mod`` that ``go mod init github.com/dustin/go-humanize`` writes.

Prints one markdown table:

1. ``devlab tests coverage`` of the module's own suite in the sandbox (per-file line
   coverage, tests passed, wall time) next to ``go test -cover ./...`` run directly on
   the host (Go's own statement percentages), the same module, the same run.
2. ``devlab tests generate --framework "go test"`` from zero tests (every ``_test.go``
   removed) on each file named with ``--files``: line coverage before -> after, kept /
   dropped, suspected bugs, seconds; then the kept tests run by plain ``go test``
   outside DevLab (they must all pass).

    nice -n 10 python benchmarks/bench_testing_go.py [--files comma.go bytes.go ...]
        [--mutation ordinals.go comma.go]   # 3. mutation score, own suite vs generated
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
    generate_for_project,
    load_files,
    measure_coverage,
    mutation_score,
)
from devlab.workbench import Workbench

SOURCE = Path("/usr/share/gocode/src/github.com/dustin/go-humanize")
MODULE = "github.com/dustin/go-humanize"
GO_ENV = {"GOFLAGS": "-mod=mod", "GOPROXY": "off", "CGO_ENABLED": "0", "GOTELEMETRY": "off"}


def _copy(dest: Path, *, tests: bool) -> Path:
    shutil.copytree(SOURCE, dest, ignore=None if tests else shutil.ignore_patterns("*_test.go"))
    (dest / "go.mod").write_text(f"module {MODULE}\n\ngo 1.19\n")
    return dest


def _go(args: list[str], cwd: Path, cache: Path) -> str:
    env = {**os.environ, **GO_ENV, "GOCACHE": str(cache), "GOPATH": str(cache / "gopath")}
    done = subprocess.run(["go", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600, check=False)  # fmt: skip
    return done.stdout + done.stderr


def _coverage(bench: Workbench, work: Path, cache: Path) -> list[str]:
    root = _copy(work / "humanize", tests=True)
    index_project(bench.db, bench.settings, name="humanize", source=str(root), embed=False)
    started = time.monotonic()
    report = measure_coverage(bench.db, bench.settings, "humanize", test_timeout=30)
    seconds = time.monotonic() - started
    native = _go(["test", "-cover", "./..."], root, cache)
    passed = sum(t.outcome == "passed" for t in report.tests)
    rows = [
        f"| coverage, own suite | {report.status}: {passed}/{len(report.tests)} tests passed | "
        f"{report.summary.line_percent}% lines ({report.summary.lines_covered}/"
        f"{report.summary.lines}) | {seconds:.1f} s |",
    ]
    for line in native.splitlines():
        if "coverage:" in line:
            rows.append(f"| `go test -cover` on the host | {' '.join(line.split()[:2])} | "
                        f"{line.split('coverage:')[1].strip()} | |")  # fmt: skip
    for f in report.files:
        rows.append(f"| &nbsp; {f.path} | {len(f.functions)} functions | "
                    f"{f.summary.line_percent}% lines | |")  # fmt: skip
    return rows


def _generate(bench: Workbench, work: Path, cache: Path, files: list[str]) -> list[str]:
    root = _copy(work / "bare", tests=False)
    index_project(bench.db, bench.settings, name="bare", source=str(root), embed=False)
    rows = []
    for path in files:
        started = time.monotonic()
        request = GenerateRequest(project="bare", path=path, framework="go test",
                                  use_model=False)  # fmt: skip
        result = generate_for_project(bench.db, bench.settings, request, model=None)
        seconds = time.monotonic() - started
        outside = "no tests kept"
        if result.test_code:
            (root / result.test_path).write_text(result.test_code)
            out = _go(["test", "-count=1", "-run", "TestDevlab_", "."], root, cache)
            outside = out.strip().splitlines()[-1] if out.strip() else "no output"
            (root / result.test_path).unlink()
        rows.append(
            f"| generate {path} (no model) | {len(result.kept)} kept, {len(result.dropped)} "
            f"dropped, {len(result.suspected_bugs)} suspected bugs; plain go test: {outside} | "
            f"{result.before.line_percent}% -> {result.after.line_percent}% lines | "
            f"{seconds:.1f} s |"
        )
        for bug in result.suspected_bugs:
            rows.append(f"| &nbsp; suspected bug | `{bug.call}`: {bug.message} | | |")
    return rows


def _mutation(bench: Workbench, work: Path, files: list[str]) -> list[str]:
    """Mutation score of the module's own tests and of the generated tests (from zero
    tests, no model) on each file: the same tree-sitter mutants, run by go test in the
    sandbox (``--mutation``)."""
    from devlab.testing.mutation import mutant_tests

    rows = []
    own = load_files(bench.db, "humanize", also=(".go",))
    for path in files:
        started = time.monotonic()
        mine, _ = mutation_score(own, bench.settings, path=path, tests=mutant_tests(own, path))
        request = GenerateRequest(project="bare", path=path, framework="go test",
                                  use_model=False, mutation=True)  # fmt: skip
        result = generate_for_project(bench.db, bench.settings, request, model=None)
        rows.append(
            f"| mutation score {path} | own suite {mine.score}% ({mine.killed}/{mine.mutants}); "
            f"generated tests {result.mutation_after}% | {result.after.line_percent}% lines "
            f"(generated) | {time.monotonic() - started:.1f} s |"
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", nargs="*", default=["comma.go", "bytes.go", "ordinals.go"])
    parser.add_argument("--mutation", nargs="*", default=None, metavar="FILE",
                        help="mutation scores, own suite vs generated")  # fmt: skip
    args = parser.parse_args()
    if not SOURCE.is_dir():
        raise SystemExit(
            f"{SOURCE} is missing: apt-get install golang-github-dustin-go-humanize-dev"
        )
    work = Path(tempfile.mkdtemp(prefix="bench-testing-go-"))
    bench = Workbench.open(load_settings(home=work / "home"))
    cache = work / "gocache"
    try:
        rows = ["| what | result | coverage | wall |", "|---|---|---|---|"]
        rows += _coverage(bench, work, cache)
        rows += _generate(bench, work, cache, args.files)
        if args.mutation:
            rows += _mutation(bench, work, args.mutation)
    finally:
        bench.close()
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(rows))
    print(f"\nload average after the run: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
