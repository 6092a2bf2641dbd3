"""CLI door: ``devlab api parse|from-ddl|from-code|sdk|mock|test|diff|lint|suggest|designs``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml

from devlab.apibuilder import (
    AllowList,
    ApiModel,
    LintFinding,
    ParseReport,
    design_source,
    diff_models,
    from_code,
    generate_sdk,
    get_design,
    lint_model,
    list_designs,
    mock_server,
    parse_ddl,
    parse_schema,
    prove_sdk,
    record_lint,
    run_spec_test,
    suggest_design,
    write_overview,
)
from devlab.clitools import (
    bench,
    emit_json,
    handle_errors,
    progress_bar,
    settings,
    stderr,
    stdout,
)
from devlab.codebase import resolve_project
from devlab.errors import DevLabError, InvalidInput

app = typer.Typer(
    no_args_is_help=True,
    help="API Builder: parse specs and DDL, generate SDKs, mock and test APIs.",
)


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise InvalidInput(f"{path} is not a file")
    return path.read_bytes()


def _load(path: Path, dialect: str | None = None) -> ParseReport:
    return parse_schema(_read(path), path.name, dialect=dialect)


def _write_spec(report: ParseReport, out: Path) -> None:
    text = (
        json.dumps(report.openapi, indent=2)
        if out.suffix == ".json"
        else yaml.safe_dump(report.openapi, sort_keys=False, allow_unicode=True)
    )
    out.write_text(text, encoding="utf-8")
    stderr.print(f"wrote {out} (OpenAPI 3.1, {report.operations} operations)")


def _summary(report: ParseReport) -> None:
    stdout.print(
        f"{report.title} {report.version} ({report.source}): {report.operations} "
        f"operations on {report.paths} paths, {report.schemas} schemas",
        highlight=False,
        markup=False,
    )
    for p in report.problems:
        stdout.print(
            f"  {p.severity}: {p.pointer} (line {p.line}): {p.message}",
            highlight=False,
            markup=False,
        )


@app.command()
@handle_errors
def parse(
    file: Path = typer.Argument(..., help="OpenAPI 2.0/3.0/3.1 (YAML/JSON), a ZIP bundle, or DDL"),
    lenient: bool = typer.Option(False, "--lenient", help="list problems instead of failing"),
    as_json: bool = typer.Option(False, "--json", help="print the full report as JSON"),
) -> None:
    """Parse and validate FILE; print operations, schemas and problems (pointer + line)."""
    report = parse_schema(_read(file), file.name, strict=not lenient)
    if as_json:
        emit_json(report)
    else:
        _summary(report)


@app.command("from-ddl")
@handle_errors
def from_ddl(
    file: Path = typer.Argument(..., help="SQL DDL file"),
    dialect: str = typer.Option("postgres", "--dialect", help="postgres, mysql, sqlite, tsql"),
    out: Path = typer.Option(None, "--out", help="write the OpenAPI 3.1 document (.yaml/.json)"),
    as_json: bool = typer.Option(False, "--json", help="print the full report as JSON"),
) -> None:
    """Turn tables into a CRUD API (pagination, filters, nested resources)."""
    report = parse_ddl(
        _read(file).decode("utf-8", errors="replace"), dialect, title=f"{file.stem} API"
    )
    if out is not None:
        _write_spec(report, out)
    if as_json:
        emit_json(report)
    elif out is None:
        stdout.print(yaml.safe_dump(report.openapi, sort_keys=False), highlight=False, markup=False)


@app.command("from-code")
@handle_errors
def from_code_cmd(
    project: str = typer.Argument(..., help="an ingested project (name or id)"),
    out: Path = typer.Option(None, "--out", help="write the OpenAPI 3.1 document here"),
) -> None:
    """Document an ingested project's HTTP routes as OpenAPI 3.1."""
    with bench() as wb:
        report = from_code(wb.db, project)
    if out is not None:
        _write_spec(report, out)
    else:
        stdout.print(yaml.safe_dump(report.openapi, sort_keys=False), highlight=False, markup=False)


@app.command()
@handle_errors
def sdk(
    file: Path = typer.Argument(..., help="OpenAPI document or DDL"),
    language: str = typer.Option(..., "--language", "-l", help="python, typescript, java or go"),
    framework: str = typer.Option(
        None, "--framework", "-f", help="httpx|requests, fetch|axios, okhttp, net/http"
    ),
    out: Path = typer.Option(..., "--out", "-o", help="directory to write the SDK into"),
    prove: bool = typer.Option(
        True, "--prove/--no-prove", help="compile and smoke-test the SDK in the sandbox"
    ),
    docs: bool = typer.Option(
        False, "--docs", help="add an overview written by the language model to the README"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the result (with the proof)"),
) -> None:
    """Generate a typed SDK into OUT; by default prove it compiles and passes a smoke test.
    Without --docs the SDK is template-only (same spec, same bytes)."""
    report = _load(file)
    result = generate_sdk(report.model, language, framework)
    if docs:
        with bench() as wb:
            write_overview(wb.llm, report.model, result)
    out.mkdir(parents=True, exist_ok=True)
    for rel, text in result.files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    if prove:
        result.proof = prove_sdk(result, report.model, settings())
    if as_json:
        emit_json(
            {**result.model_dump(exclude={"files"}), "files": sorted(result.files), "out": str(out)}
        )
    else:
        stderr.print(
            f"wrote {len(result.files)} files to {out} ({result.language}/"
            f"{result.framework}, {result.operations} operations)"
        )
        if result.proof is not None:
            p = result.proof
            smoke = (
                f"smoke test {p.smoke.passed} passed, {p.smoke.failed} failed"
                if p.smoke
                else p.error[:300]
            )
            stderr.print(
                f"{p.checker}: {'ok' if p.compiled else 'FAILED'}; {smoke}",
                highlight=False,
                markup=False,
            )
            if not p.compiled:
                stderr.print(p.compile_output[:4000], highlight=False, markup=False)
    if result.proof is not None and not result.proof.ok:
        raise typer.Exit(1)


@app.command()
@handle_errors
def mock(
    file: Path = typer.Argument(..., help="OpenAPI document or DDL"),
    host: str = typer.Option("127.0.0.1", "--host", help="bind address"),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="port"),
) -> None:
    """Serve example responses for every operation of FILE (Ctrl-C stops)."""
    report = _load(file)
    server = mock_server(report.model, host, port)
    stderr.print(
        f"mock of {report.title} on http://{host}:{server.server_address[1]} "
        f"({report.operations} operations); Ctrl-C stops"
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()


@app.command("test")
@handle_errors
def test_cmd(
    file: Path = typer.Argument(..., help="OpenAPI document"),
    base_url: str = typer.Option(..., "--base-url", help="the running service to test"),
    examples: int = typer.Option(10, "--examples", min=1, max=200, help="cases per operation"),
    max_requests: int = typer.Option(500, "--max-requests", min=1, max=10000),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="allow private/link-local targets"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Property-test every operation of FILE against BASE_URL (schemathesis)."""
    report = _load(file)
    allow = AllowList(base_urls=[base_url, *report.model.servers], allow_private=allow_private)
    with bench() as wb, progress_bar(not as_json) as progress:
        job, result = run_spec_test(
            wb,
            report.model,
            base_url,
            allow=allow,
            examples=examples,
            max_requests=max_requests,
            progress=progress,
        )
    if result is None:
        raise DevLabError(f"property tests {job.status}: {job.error}")
    if as_json:
        emit_json(result)
    else:
        stdout.print(
            f"{result.passed}/{result.tested} operations passed, {result.requests} requests"
            f" (job {job.id})",
            highlight=False,
        )
        for f in result.failures:
            stdout.print(
                f"FAIL {f.operation} [{f.check}] {f.message[:300]}\n  {f.curl}",
                highlight=False,
                markup=False,
            )
    if result.failures:
        raise typer.Exit(1)


@app.command()
@handle_errors
def diff(
    old: Path = typer.Argument(..., help="the old OpenAPI document"),
    new: Path = typer.Argument(..., help="the new OpenAPI document"),
    as_json: bool = typer.Option(False, "--json", help="print the diff as JSON"),
) -> None:
    """List changes from OLD to NEW, breaking ones first; exit 1 when any is breaking."""
    report = diff_models(_load(old).model, _load(new).model)
    if as_json:
        emit_json(report)
    else:
        for c in report.changes:
            mark = "BREAKING" if c.breaking else "ok      "
            stdout.print(f"{mark} {c.operation:<40} {c.message}", highlight=False, markup=False)
        stdout.print(f"{report.breaking} breaking change(s)", highlight=False)
    if report.breaking:
        raise typer.Exit(1)


@app.command()
@handle_errors
def designs(
    project: str = typer.Option(None, "--project", "-p", help="only this project's designs"),
    as_json: bool = typer.Option(False, "--json", help="print the designs as JSON"),
) -> None:
    """List the stored API designs (the visual builder's), newest version of each."""
    with bench() as wb:
        only = resolve_project(wb.db, project).id if project else None
        found = list_designs(wb.db, project_id=only)
    if as_json:
        emit_json([d.model_dump(mode="json") for d in found])
        return
    for d in found:
        stdout.print(
            f"#{d.id} {d.name}  v{d.head_version}, {d.operations} operations"
            + (f", project {d.project_id}" if d.project_id else ""),
            highlight=False,
            markup=False,
        )


@app.command()
@handle_errors
def suggest(
    file: Path = typer.Argument(None, help="OpenAPI document or DDL (or give --design)"),
    design: str = typer.Option(None, "--design", "-d", help="a stored design (name or id)"),
    max_tokens: int = typer.Option(300, "--max-tokens", min=1, max=1024),
    as_json: bool = typer.Option(False, "--json", help="print the suggestions as JSON"),
) -> None:
    """Design suggestions from the language model (it is shown the lint findings)."""
    model = _lint_target(file, design, None)[0]
    with bench() as wb:
        answer = suggest_design(wb.llm, model, max_tokens=max_tokens)
    if as_json:
        emit_json(answer)
        return
    for item in answer.items or [answer.text]:
        stdout.print(f"- {item}", highlight=False, markup=False)
    stderr.print(f"(written by {answer.provider}/{answer.model}; check before acting on it)")


def _lint_target(
    file: Path | None, design: str | None, name: str | None
) -> tuple[ApiModel, str, str | None, int | None]:
    """(model, its path in the feed, its text for lines, the design's project)."""
    if (file is None) == (design is None):
        raise InvalidInput("give a spec FILE or --design NAME|ID (one of them)")
    if design is not None:
        with bench() as wb:
            d = get_design(wb.db, design)
        return d.model, name or design_source(d.name), None, d.project_id
    assert file is not None
    data = _read(file)
    text = data.decode("utf-8", "replace") if file.suffix in (".yaml", ".yml", ".json") else None
    return parse_schema(data, file.name).model, name or file.name, text, None


@app.command()
@handle_errors
def lint(
    file: Path = typer.Argument(None, help="OpenAPI document or DDL (or give --design)"),
    design: str = typer.Option(None, "--design", "-d", help="a stored design (name or id)"),
    project: str = typer.Option(
        None,
        "--project",
        "-p",
        help="also record the findings in this project's insights feed (a design's "
        "project is the default)",
    ),
    name: str = typer.Option(
        None, "--name", help="the spec's path in the feed (default: the file name)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the findings as JSON"),
) -> None:
    """REST convention findings: naming, plurals, status codes, pagination, errors, versions.
    With --project (or a design of a project) they go into the project's insights feed:
    new ones added, repeated ones kept once, ones no longer reported marked fixed."""
    model, source, text, design_project = _lint_target(file, design, name)
    target = project or design_project
    if target is None:
        findings = lint_model(model)
        if as_json:
            emit_json([f.model_dump() for f in findings])
            return
        _print_lint(findings)
        return
    with bench() as wb:
        record = record_lint(wb.db, target, model, source=source, text=text)
    if as_json:
        emit_json(record)
        return
    _print_lint(record.findings)
    a = record.analysis
    stdout.print(
        f"insights of {record.project} ({record.source}): {a.new} new, {a.fixed} fixed, "
        f"{a.reopened} reopened; see `devlab insights -p {record.project} --path "
        f"{record.source}`",
        highlight=False,
        markup=False,
    )


def _print_lint(findings: list[LintFinding]) -> None:
    for f in findings:
        stdout.print(
            f"{f.severity:<8} {f.rule_id:<20} {f.operation}  {f.message}",
            highlight=False,
            markup=False,
        )
