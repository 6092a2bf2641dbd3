"""CLI doors: ``devlab tests coverage | generate | mutate`` and ``devlab chaos run |
scenarios``."""

from __future__ import annotations

from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, progress_bar, stderr, stdout
from devlab.errors import InvalidInput
from devlab.testing import (
    ChaosReport,
    CoverageReport,
    DependencyEnv,
    GenerateRequest,
    GenerateResult,
    MutationReport,
    PlanRequest,
    TestPlan,
    check_framework,
    list_scenarios,
    llm_model,
    load_scenario,
    plan_tests,
    run_testing_job,
)

app = typer.Typer(
    no_args_is_help=True,
    help="Testing & QA Lab: coverage, generated tests, mutation score (all run in the sandbox).",
)


_INSTALL = typer.Option(
    True,
    "--install/--no-install",
    help="install the project's declared dependencies first (wheels and npm packages "
    "only, no build or install scripts on the host; cached in DEVLAB_HOME/envs)",
)
chaos_app = typer.Typer(
    no_args_is_help=True,
    help="Chaos engineering: run the project's web service in the sandbox under faults.",
)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


@app.command()
@handle_errors
def coverage(
    project: str = typer.Argument(..., help="project name or id (ingested)"),
    test_timeout: float = typer.Option(
        10.0,
        "--test-timeout",
        min=0.1,
        max=600,
        help="seconds per test before it counts as hanging",
    ),
    install: bool = _INSTALL,
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Run the project's own tests under coverage (line + branch) in the sandbox."""
    params = {"project": project, "test_timeout": test_timeout, "install_dependencies": install}
    with bench() as wb, progress_bar(not as_json) as progress:
        result: CoverageReport = run_testing_job(wb, "coverage", params, progress=progress)
    if as_json:
        emit_json(result)
        return
    s = result.summary
    stdout.print(
        f"{result.project}: line {_pct(s.line_percent)} ({s.lines_covered}/{s.lines}), "
        f"branch {_pct(s.branch_percent)} ({s.branches_covered}/{s.branches}) "
        f"- {result.message}",
        markup=False,
    )
    _print_not_installed(result.dependencies)
    for f in sorted(result.files, key=lambda f: f.summary.line_percent)[:30]:
        stdout.print(
            f"  {f.summary.line_percent:6.1f}%  {f.summary.branch_percent:6.1f}%  {f.path}",
            markup=False,
        )


@app.command()
@handle_errors
def generate(
    project: str = typer.Argument(..., help="project name or id (ingested)"),
    path: str = typer.Option(..., "--path", help="the file to test, relative to the project"),
    symbol: str = typer.Option(None, "--symbol", help="only this function, class or method"),
    framework: str = typer.Option(
        "pytest", "--framework", help="test framework: pytest, go test, junit, node:test, jest"
    ),
    target_coverage: float = typer.Option(
        95.0, "--target-coverage", min=0, max=100, help="line coverage %% to aim for"
    ),
    out: Path = typer.Option(None, "--out", help="write the unified diff here"),
    no_model: bool = typer.Option(False, "--no-model", help="only the model-free strategies"),
    mutation: bool = typer.Option(False, "--mutation", help="also mutation score before/after"),
    as_json: bool = typer.Option(False, "--json", help="print the result as JSON"),
) -> None:
    """Generate tests for a file; only tests proven in the sandbox are kept."""
    check_framework(framework)
    request = GenerateRequest(
        project=project,
        path=path,
        symbol=symbol,
        framework=framework,
        target_coverage=target_coverage,
        use_model=not no_model,
        mutation=mutation,
    )
    with bench() as wb, progress_bar(not as_json) as progress:
        result: GenerateResult = run_testing_job(
            wb, "generate", request.model_dump(), progress=progress
        )
    if out is not None:
        out.write_text(result.diff, encoding="utf-8")
        stderr.print(f"wrote {out} (apply with `git apply {out}`)", markup=False)
    if as_json:
        emit_json(result)
        return
    b, a = result.before, result.after
    stdout.print(
        f"{result.path}: line {_pct(b.line_percent)} -> {_pct(a.line_percent)}, "
        f"branch {_pct(b.branch_percent)} -> {_pct(a.branch_percent)}; "
        f"{len(result.kept)} tests kept, {len(result.dropped)} dropped "
        f"-> {result.test_path}",
        markup=False,
    )
    if result.mutation_before is not None:
        stdout.print(
            f"mutation score {_pct(result.mutation_before)} -> {_pct(result.mutation_after)}",
            markup=False,
        )
    for d in result.dropped[:40]:
        stdout.print(f"  dropped {d.name} ({d.strategy}): {d.reason}", markup=False)
    if len(result.dropped) > 40:
        stdout.print(f"  ... {len(result.dropped) - 40} more dropped (see --json)", markup=False)
    for bug in result.suspected_bugs:
        stdout.print(
            f"  suspected bug: {bug.call} raises {bug.exception}: {bug.message}", markup=False
        )
    if result.message:
        stderr.print(result.message, markup=False)
    if out is None and result.diff:
        stdout.print(result.diff, markup=False, highlight=False)


@app.command()
@handle_errors
def mutate(
    project: str = typer.Argument(..., help="project name or id (ingested)"),
    path: str = typer.Option(..., "--path", help="the file to mutate"),
    symbol: str = typer.Option(None, "--symbol", help="only this function or method"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Mutation score of the project's tests on a file; surviving mutants with diffs."""
    with bench() as wb, progress_bar(not as_json) as progress:
        result: MutationReport = run_testing_job(
            wb,
            "mutation",
            {"project": project, "path": path, "symbol": symbol},
            progress=progress,
        )
    if as_json:
        emit_json(result)
        return
    stdout.print(
        f"{result.path}: mutation score {_pct(result.score)} ({result.killed}/"
        f"{result.mutants} killed, {result.reused} reused) {result.message}",
        markup=False,
    )
    for m in result.survived:
        stdout.print(f"survived {m.id} ({m.operator}, line {m.line})", markup=False)
        stdout.print(m.diff, markup=False, highlight=False)


@app.command()
@handle_errors
def plan(
    project: str = typer.Argument(None, help="project name or id (with --path)"),
    path: str = typer.Option(None, "--path", help="the project's file to plan tests for"),
    symbol: str = typer.Option(None, "--symbol", help="only this function or method"),
    file: Path = typer.Option(None, "--file", help="a local Python file instead of a project"),
    requirement: str = typer.Option(None, "--requirement", "-r", help="what the code must do"),
    use_model: bool = typer.Option(True, "--model/--no-model", help="cases from the model"),
    as_json: bool = typer.Option(False, "--json", help="print the plan as JSON"),
) -> None:
    """A test plan: structured cases (examples, boundaries, errors; with a requirement
    and the model, cases from its words) that generation then aims at."""
    code = None
    if file is not None:
        if not file.is_file():
            raise InvalidInput(f"no file {file}")
        code = file.read_text(encoding="utf-8", errors="replace")
    request = PlanRequest(project=project, path=path or (file.name if file else None),
                          symbol=symbol, code=code, requirement=requirement,
                          use_model=use_model)  # fmt: skip
    with bench() as wb:
        model = llm_model(wb.llm) if use_model and requirement else None
        result: TestPlan = plan_tests(wb.db, request, model)
    if as_json:
        emit_json(result)
        return
    stdout.print(f"test plan of {result.subject}: {len(result.cases)} cases", markup=False)
    for c in result.cases:
        stdout.print(f"  [{c.kind}] {c.name}: {c.inputs} -> {c.expected}", markup=False)
    if result.message:
        stderr.print(result.message, markup=False)


@chaos_app.command("scenarios")
@handle_errors
def chaos_scenarios(
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """The ready scenarios (`devlab chaos run PROJECT --scenario NAME`)."""
    found = list_scenarios()
    if as_json:
        emit_json(found)
        return
    for s in found:
        stdout.print(f"{s.name:<22} {', '.join(s.faults):<16} {s.title}", markup=False)


@chaos_app.command("run")
@handle_errors
def chaos_run(
    project: str = typer.Argument(..., help="project name or id (ingested)"),
    scenario: str = typer.Option(
        ..., "--scenario", "-s", help="a ready scenario's name, or a YAML/JSON scenario file"
    ),
    wall_seconds: float = typer.Option(120, "--wall-seconds", min=1, max=600),
    install: bool = _INSTALL,
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Run a scenario: steady state before, during and after the faults; exit 0 when the
    service held (resilient), 1 otherwise (degraded, no recovery, inconclusive, error)."""
    params: dict[str, object] = {
        "project": project,
        "wall_seconds": wall_seconds,
        "install_dependencies": install,
    }
    file = Path(scenario)
    if file.suffix in (".yaml", ".yml", ".json") or file.is_file():
        if not file.is_file():
            raise InvalidInput(f"no scenario file {scenario}")
        text = file.read_text(encoding="utf-8", errors="replace")
        params["definition"] = load_scenario(text, source=str(file)).model_dump(mode="json")
    else:
        params["scenario"] = scenario
    with bench() as wb, progress_bar(not as_json) as progress:
        report: ChaosReport = run_testing_job(wb, "chaos", params, progress=progress)
    result = report.results[0]
    if as_json:
        emit_json(report)
    else:
        _print_chaos(report)
    if result.verdict != "resilient":
        raise typer.Exit(1)


def _print_chaos(report: ChaosReport) -> None:
    result = report.results[0]
    stdout.print(f"{result.title} on {result.app} ({', '.join(result.probes)})", markup=False)
    for phase, st in result.phases.items():
        stdout.print(
            f"  {phase:<7} {'held' if st.held else 'BROKE':<6} errors {st.errors}/{st.requests}"
            f"  p50 {st.p50_ms:.0f} ms  p95 {st.p95_ms:.0f} ms  p99 {st.p99_ms:.0f} ms"
            f"  {st.statuses}",
            markup=False,
        )
    stdout.print(f"verdict: {result.verdict}: {result.message}", markup=False)
    _print_not_installed(result.dependencies)
    for failure in result.failures[:2]:
        where = f" at {failure.path}:{failure.line}" if failure.path else ""
        stdout.print(f"  first failure ({failure.phase}){where}: {failure.error}", markup=False)
    for f in result.findings:
        stdout.print(f"  finding [{f.severity}] {f.title}", markup=False)
        stdout.print(f"    fix: {f.fix}", markup=False)
    stdout.print(f"stored as test run {report.run_id}", markup=False)


def _print_not_installed(env: DependencyEnv | None) -> None:
    """One line per declared dependency that the run went without, with the reason."""
    for dep in env.dependencies if env else []:
        if dep.status in ("failed", "skipped"):
            stdout.print(f"  not installed: {dep.spec}: {dep.reason}", markup=False)
