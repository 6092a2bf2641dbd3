"""Coverage of a project's own test suite, measured in the sandbox and stored per snapshot.

``measure_coverage`` loads the snapshot's files, runs the whole suite under coverage.py
(line + branch) with a per-test time limit, turns coverage's JSON into per-file and
per-function figures and records the report as a ``test_runs`` row. A project without
tests is not an error: every source file is reported at 0% with a message saying so.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from devlab.codebase import resolve_project
from devlab.config import Settings
from devlab.errors import NotFound
from devlab.progress import ProgressFn, report
from devlab.sandbox import DependencyMount
from devlab.store import Database, TestRunRow
from devlab.testing.envcache import go_env, node_env, python_env
from devlab.testing.gorun import (
    GO_SUFFIXES,
    go_code_lines,
    go_module,
    go_sources,
    go_tests,
    run_go_suite,
)
from devlab.testing.javarun import JAVA_SUFFIXES, java_sources, java_tests, run_java_suite
from devlab.testing.jestrun import jest_tests, run_jest_suite, uses_jest
from devlab.testing.jsrun import (
    JS_SUFFIXES,
    TS_SUFFIXES,
    JsRun,
    code_lines,
    js_sources,
    js_tests,
    run_js_suite,
    ts_sources,
    ts_tests,
)
from devlab.testing.mavenenv import maven_env
from devlab.testing.models import (
    CoverageReport,
    CoverageSummary,
    DependencyEnv,
    FileCoverage,
    FunctionCoverage,
    TestOutcome,
)
from devlab.testing.project import ProjectFiles, load_files
from devlab.testing.sandboxrun import SuiteRun, run_suite

__all__ = [
    "coverage_from_run",
    "get_coverage",
    "language_layout",
    "latest_coverage",
    "measure_coverage",
    "measure_files",
    "summary_of",
    "total_summary",
]


def _pct(covered: int, total: int) -> float:
    return round(100.0 * covered / total, 2) if total else 100.0


def summary_of(raw: dict[str, Any]) -> CoverageSummary:
    """coverage.py's per-file (or per-function) ``summary`` as ours."""
    lines, covered = raw.get("num_statements", 0), raw.get("covered_lines", 0)
    branches, bcovered = raw.get("num_branches", 0), raw.get("covered_branches", 0)
    return CoverageSummary(
        lines=lines,
        lines_covered=covered,
        branches=branches,
        branches_covered=bcovered,
        line_percent=_pct(covered, lines),
        branch_percent=_pct(bcovered, branches),
    )


def total_summary(files: list[FileCoverage]) -> CoverageSummary:
    lines = sum(f.summary.lines for f in files)
    covered = sum(f.summary.lines_covered for f in files)
    branches = sum(f.summary.branches for f in files)
    bcovered = sum(f.summary.branches_covered for f in files)
    if not files:
        return CoverageSummary(line_percent=0.0, branch_percent=0.0)
    return CoverageSummary(
        lines=lines,
        lines_covered=covered,
        branches=branches,
        branches_covered=bcovered,
        line_percent=_pct(covered, lines),
        branch_percent=_pct(bcovered, branches),
    )


def coverage_from_run(run: SuiteRun, only: set[str] | None = None) -> list[FileCoverage]:
    """Per-file and per-function coverage of a run (restricted to ``only`` paths)."""
    out = []
    for path, raw in sorted(run.files.items()):
        if only is not None and path not in only:
            continue
        functions = [
            FunctionCoverage(
                name=name,
                start_line=fn.get("start_line", 0),
                summary=summary_of(fn["summary"]),
                missing_lines=fn.get("missing_lines", []),
            )
            for name, fn in (raw.get("functions") or {}).items()
            if name
        ]
        out.append(
            FileCoverage(
                path=path,
                summary=summary_of(raw.get("summary", {})),
                missing_lines=raw.get("missing_lines", []),
                missing_branches=[tuple(b) for b in raw.get("missing_branches", [])],
                functions=functions,
            )
        )
    return out


def _tests(run: SuiteRun) -> list[TestOutcome]:
    return [
        TestOutcome(
            name=name,
            outcome=t.get("outcome", "error"),
            seconds=t.get("seconds", 0.0),
            message=t.get("message", "")[:2000],
        )
        for name, t in sorted(run.tests.items())
    ]


def measure_files(
    pf: ProjectFiles,
    settings: Settings,
    *,
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    install: bool = True,
    progress: ProgressFn | None = None,
) -> tuple[CoverageReport, SuiteRun]:
    """Run ``pf``'s own suite under coverage (no store access).

    ``install``: the project's declared dependencies are installed (wheels only, on the
    host) into the environment cache and bound read-only into the run."""
    sources = set(pf.python_sources)
    tests = pf.test_files
    started = time.monotonic()
    env, mounts = python_env(pf.manifests if install else {}, settings, progress=progress)
    run = run_suite(
        pf.files,
        settings,
        targets=tests or ["."],
        omit=pf.test_omit(),
        paths=pf.roots,
        test_timeout=test_timeout,
        wall_seconds=wall_seconds,
        mounts=mounts,
    )
    files = coverage_from_run(run, sources)
    seen = {f.path for f in files}
    for path in sorted(sources - seen):  # never imported and not found by coverage
        lines = sum(
            1
            for line in pf.files[path].splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        )
        files.append(FileCoverage(path=path, summary=CoverageSummary(lines=lines)))
    outcomes = _tests(run)
    failed = [t for t in outcomes if t.outcome in ("failed", "error", "timeout")]
    if not tests or (not outcomes and not run.error):
        status, message = (
            "no_tests",
            (
                "the project has no tests: coverage is 0%. Generate some with "
                "`devlab tests generate PROJECT --path FILE`"
            ),
        )
        for f in files:
            f.summary.line_percent = f.summary.branch_percent = 0.0
    elif run.error and not run.files:
        status, message = "error", run.error
    elif failed:
        timeouts = sum(t.outcome == "timeout" for t in failed)
        status = "tests_failed"
        message = (
            f"{len(failed)} of {len(outcomes)} tests did not pass"
            + (f" ({timeouts} ran past the {test_timeout:g}s per-test limit)" if timeouts else "")
            + "; coverage counts what ran"
        )
    else:
        status, message = "ok", f"{len(outcomes)} tests passed"
    summary = total_summary(files)
    if status == "no_tests":
        summary.line_percent = summary.branch_percent = 0.0
    result = CoverageReport(
        project=pf.name,
        snapshot_id=pf.snapshot_id,
        status=status,
        message=message,
        summary=summary,
        files=files,
        tests=outcomes,
        seconds=round(time.monotonic() - started, 3),
        sandbox_status=run.status,
        dependencies=env,
    )
    if env.message:
        result.message += f"; {env.message} (see dependencies)"
    return result, run


_FRAMEWORK = {"javascript": "node:test", "typescript": "node:test", "go": "go test",
              "java": "junit"}  # fmt: skip
_ALSO = (*JS_SUFFIXES, *TS_SUFFIXES, *GO_SUFFIXES, *JAVA_SUFFIXES)


def language_layout(files: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """(language, source paths, test paths) of a project without Python tests: the
    first of Go, Java, TypeScript, JavaScript that has tests, else the one with the
    most sources (then it has none: coverage 0 with a message)."""
    root, _ = go_module(files)
    layouts = [
        ("go", go_sources(files, root), go_tests(files, root)),
        ("java", java_sources(files), java_tests(files)),
        ("typescript", ts_sources(files), ts_tests(files)),
        ("javascript", js_sources(files), js_tests(files)),
    ]
    for layout in layouts:
        if layout[2]:
            return layout
    return max(layouts, key=lambda layout: len(layout[1]))


def _dependencies(
    language: str, manifests: dict[str, str], settings: Settings, progress: ProgressFn | None
) -> tuple[DependencyEnv | None, list[DependencyMount]]:
    """The environment cache's part for a non-Python suite."""
    if language == "java":
        return maven_env(manifests, settings, progress=progress)
    if language == "go":
        return go_env(manifests, settings, progress=progress)
    if language in ("javascript", "typescript"):
        return node_env(manifests, settings, progress=progress)
    return None, []


def _run_language(
    language: str,
    pf: ProjectFiles,
    settings: Settings,
    tests: list[str],
    mounts: list[DependencyMount],
    **limits: Any,
) -> JsRun:
    if language == "go":  # go.mod / go.sum are kept with the snapshot, not indexed
        kept = {p: t for p, t in pf.manifests.items() if p in ("go.mod", "go.sum")}
        return run_go_suite({**kept, **pf.files}, settings, mounts=mounts, **limits)
    if language == "java":
        return run_java_suite(pf.files, settings, mounts=mounts, **limits)
    if language == "jest":  # its settings live in package.json
        kept = {p: t for p, t in pf.manifests.items() if p == "package.json"}
        return run_jest_suite({**kept, **pf.files}, settings, tests=tests, mounts=mounts, **limits)
    return run_js_suite(pf.files, settings, tests=tests, typescript=language == "typescript",
                        mounts=mounts, **limits)  # fmt: skip


def measure_js_files(
    pf: ProjectFiles,
    settings: Settings,
    *,
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    language: str | None = None,
    install: bool = True,
    progress: ProgressFn | None = None,
) -> CoverageReport:
    """Run ``pf``'s Go, Java, TypeScript or JavaScript suite under that language's
    coverage tool (no store access); sources no test loaded count at 0%. The
    project's npm packages / Go modules are installed (no scripts, no build code on
    the host) and bound when ``install``."""
    detected, sources, tests = language_layout(pf.files)
    language = language or detected
    if language != detected:
        sources, tests = [], []
    jest = language == "javascript" and uses_jest(pf.manifests) and bool(jest_tests(pf.files))
    if jest:  # the project's test script runs jest: its jest suite, under jest's coverage
        sources, tests = js_sources(pf.files), jest_tests(pf.files)
    report_args: dict[str, Any] = dict(
        project=pf.name, snapshot_id=pf.snapshot_id, language=language,
        framework="jest" if jest else _FRAMEWORK[language],
    )  # fmt: skip
    if not tests:
        files = [FileCoverage(path=p, summary=CoverageSummary(lines=len(code_lines(pf.files[p]))))
                 for p in sources]  # fmt: skip
        flag = {"go": ' --framework "go test"', "java": " --framework junit",
                "javascript": " --framework node:test"}.get(language)  # fmt: skip
        message = f"the project has no {language} tests: coverage is 0%" + (
            f". Generate some with `devlab tests generate PROJECT --path FILE{flag}`"
            if flag
            else f" (write {_FRAMEWORK[language]} tests; generated: Go, Java, JavaScript, Python)"
        )  # fmt: skip
        summary = total_summary(files)
        summary.line_percent = summary.branch_percent = 0.0
        return CoverageReport(**report_args, status="no_tests", message=message, summary=summary,
                              files=files)  # fmt: skip
    env, mounts = _dependencies(language, pf.manifests if install else {}, settings, progress)
    run = _run_language("jest" if jest else language, pf, settings, tests, mounts,
                        test_timeout=test_timeout, wall_seconds=wall_seconds)  # fmt: skip
    files = list(run.files)
    seen = {f.path for f in files}
    for path in sources:  # never loaded by a test
        if path not in seen and not path.startswith("_devlab"):
            text = pf.files[path]
            lines = go_code_lines(text) if language == "go" else len(code_lines(text))
            empty = 0.0 if lines else 100.0  # nothing to cover is 100%, as coverage.py says
            summary = CoverageSummary(lines=lines, line_percent=empty, branch_percent=empty)
            files.append(FileCoverage(path=path, summary=summary))
    failed = [t for t in run.tests if t.outcome in ("failed", "error", "timeout")]
    if run.error and (not run.files or not run.tests):
        # no report, or a report of code no test ran (the launcher found no tests)
        status, message = "error", run.error
    elif failed:
        timeouts = sum(t.outcome == "timeout" for t in failed)
        status = "tests_failed"
        message = (
            f"{len(failed)} of {len(run.tests)} tests did not pass"
            + (f" ({timeouts} ran past the time limit)" if timeouts else "")
            + "; coverage counts what ran"
        )
    else:
        status, message = "ok", f"{len(run.tests)} tests passed"
    if run.error and run.files and run.tests:
        message += f"; {run.error}"
    if run.warning:
        message += f"; {run.warning}"
    if language == "go":
        message += "; Go's cover tool counts statement blocks: no branch figures"
    if env is not None and env.message:
        message += f"; {env.message} (see dependencies)"
    return CoverageReport(
        **report_args, status=status, message=message,
        summary=total_summary(files), files=sorted(files, key=lambda f: f.path),
        tests=run.tests, seconds=run.seconds, sandbox_status=run.status,
        dependencies=env,
    )  # fmt: skip


def measure_coverage(
    db: Database,
    settings: Settings,
    project: str | int,
    *,
    test_timeout: float = 10.0,
    wall_seconds: float | None = None,
    progress: ProgressFn | None = None,
    job_id: str | None = None,
    install: bool = True,
) -> CoverageReport:
    """Measure and record the coverage of ``project``'s own suite on its current snapshot.

    Python first (pytest + coverage.py); a project without Python tests is measured in
    the language its tests are written in: Go (``go test -cover``), Java (JUnit 5 +
    JaCoCo), TypeScript (tsc, then node:test) or JavaScript (node:test).
    ``install=False`` skips installing the project's declared dependencies."""
    report(progress, "load", 0, 2, "reading the snapshot")
    fits = int(settings.sandbox_max_source_bytes * 0.9)  # room for DevLab's own files
    pf = load_files(db, project, max_bytes=fits)
    other = ""
    if not pf.test_files:  # no Python tests: Go, Java, TypeScript, JavaScript?
        every = load_files(db, project, also=_ALSO, max_bytes=fits)
        language, sources, tests = language_layout(every.files)
        if tests or (sources and not pf.python_sources):
            pf, other = every, language
    if other:
        report(progress, "run", 1, 2, f"running the {_FRAMEWORK[other]} suite under coverage")
        result = measure_js_files(
            pf, settings, test_timeout=test_timeout, wall_seconds=wall_seconds, language=other,
            install=install, progress=progress,
        )  # fmt: skip
    else:
        report(progress, "run", 1, 2, f"running {len(pf.test_files)} test files under coverage")
        result, _ = measure_files(
            pf, settings, test_timeout=test_timeout, wall_seconds=wall_seconds,
            install=install, progress=progress,
        )  # fmt: skip
    note = pf.left_out_note(settings.sandbox_max_source_bytes)
    if note:  # a huge project is measured on what fits, and says so
        result.message += f"; {note}"
    with db.session() as s:
        row = TestRunRow(
            project_id=pf.project_id,
            snapshot_id=pf.snapshot_id,
            kind="coverage",
            language=result.language,
            status=result.status,
            line_percent=result.summary.line_percent,
            branch_percent=result.summary.branch_percent,
            summary=result.model_dump(mode="json", exclude={"id", "created_at"}),
            job_id=job_id,
        )
        s.add(row)
        s.flush()
        result.id, result.created_at = row.id, row.created_at
    if result.status != "error" and pf.project_id is not None:
        from devlab.testing.gaps import record_coverage_gaps

        summary = record_coverage_gaps(db, result, pf.project_id, job_id=job_id)
        result.message += f"; {summary.findings} coverage gaps in the insights feed"
    report(progress, "run", 2, 2, result.message)
    return result


def _from_row(row: TestRunRow) -> CoverageReport:
    data = dict(row.summary)
    data.update(id=row.id, created_at=row.created_at)
    return CoverageReport.model_validate(data)


def get_coverage(db: Database, run_id: int) -> CoverageReport:
    with db.session() as s:
        row = s.get(TestRunRow, run_id)
        if row is None or row.kind != "coverage":
            raise NotFound(f"no coverage run {run_id}: list them with GET .../testing/coverage")
        return _from_row(row)


def latest_coverage(
    db: Database, project: str | int, snapshot_id: int | None = None
) -> CoverageReport | None:
    """The newest stored coverage of ``project`` (of one snapshot when given)."""
    ref = resolve_project(db, project)
    query = select(TestRunRow).where(TestRunRow.project_id == ref.id, TestRunRow.kind == "coverage")
    if snapshot_id is not None:
        query = query.where(TestRunRow.snapshot_id == snapshot_id)
    with db.session() as s:
        row = s.scalars(query.order_by(TestRunRow.id.desc()).limit(1)).first()
        return _from_row(row) if row is not None else None
