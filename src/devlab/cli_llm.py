"""The root CLI's language-model commands: ``devlab usage`` and ``devlab llm
providers|prompts|ask`` (``devlab.llm`` is plumbing with no doors of its own)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, settings, stderr, stdout
from devlab.errors import InvalidInput
from devlab.llm import (
    ChatMessage,
    GenerationParams,
    list_prompts,
    parse_since,
    render_prompt,
    usage_report,
)

# ``usage`` is mounted at the top level (``devlab usage``); ``llm_app`` as ``devlab llm``.
app = typer.Typer()
llm_app = typer.Typer(help="Language models: providers, prompt templates, a quick question.")


@app.command()
@handle_errors
def usage(
    since: str = typer.Option(None, "--since", help="e.g. 24h, 7d, 30m or 2026-01-31"),
    limit: int = typer.Option(20, "--limit", min=0, help="recent requests to list"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Language-model usage: tokens, latency, cost by provider and model, recent requests."""
    with bench() as wb:
        report = usage_report(wb.db, since=parse_since(since) if since else None, limit=limit)
    if as_json:
        emit_json(report)
        return
    period = f"since {report.since:%Y-%m-%d %H:%M} UTC" if report.since else "all time"
    cost = f", ${report.cost_usd:.4f}" if report.cost_usd is not None else ""
    stdout.print(
        f"{report.requests} requests ({report.errors} failed), {report.prompt_tokens} prompt + "
        f"{report.completion_tokens} completion tokens{cost}, {period}",
        markup=False,
    )
    for t in report.totals:
        ttft = f"{t.avg_ttft_ms:.0f}" if t.avg_ttft_ms is not None else "-"
        latency = f"{t.avg_latency_ms:.0f}" if t.avg_latency_ms is not None else "-"
        stdout.print(
            f"  {t.provider:<12} {t.model:<28} {t.requests:>6} req {t.errors:>4} err "
            f"{t.prompt_tokens:>9} in {t.completion_tokens:>8} out  {latency:>7} ms "
            f"ttft {ttft:>6} ms" + (f"  ${t.cost_usd:.4f}" if t.cost_usd is not None else ""),
            markup=False,
            highlight=False,
        )
    if report.recent:
        stdout.print("recent:")
    for r in report.recent:
        what = r.error if r.status != "ok" else f"{r.prompt_tokens}+{r.completion_tokens} tokens"
        stdout.print(
            f"  #{r.id:<6} {r.created_at:%Y-%m-%d %H:%M:%S} {r.task:<9} {r.provider}/{r.model} "
            f"{r.status:<7} {r.latency_ms:.0f} ms  {what}",
            markup=False,
            highlight=False,
        )


@llm_app.command("providers")
@handle_errors
def providers(
    as_json: bool = typer.Option(False, "--json", help="print the providers as JSON"),
) -> None:
    """The configured language models and the tasks routed to each first."""
    from devlab.llm import LLMService

    service = LLMService(settings())
    infos = service.describe()
    service.close()
    if as_json:
        emit_json(infos)
        return
    for p in infos:
        where = f" at {p.base_url}" if p.base_url else ""
        engine = f"  engine {p.engine}" if p.engine else ""
        stdout.print(
            f"{p.name:<12} {p.kind:<9} {p.model}{where}{engine}  window {p.context_window}  "
            f"tasks: {', '.join(p.tasks) or '-'}",
            markup=False,
            highlight=False,
        )
        if p.engine_note:
            stdout.print(f"{'':<12} fell back: {p.engine_note}", markup=False, highlight=False)


@llm_app.command("prompts")
@handle_errors
def prompts(
    package: str = typer.Option("devlab.llm", "--package", help="package with a prompts/ folder"),
    as_json: bool = typer.Option(False, "--json", help="print name -> version as JSON"),
) -> None:
    """The prompt templates a package ships, with their versions."""
    found = list_prompts(package)
    if as_json:
        emit_json(found)
        return
    for name, version in found.items():
        stdout.print(f"{name}  v{version}", markup=False)


@llm_app.command("ask")
@handle_errors
def ask(
    question: str = typer.Argument(..., help="what to ask ('-' reads standard input)"),
    task: str = typer.Option("chat", "--task", "-t", help="task kind, picks the route"),
    max_tokens: int = typer.Option(256, "--max-tokens", min=1, help="longest answer"),
    temperature: float = typer.Option(0.2, "--temperature", min=0.0, max=2.0),
    as_json: bool = typer.Option(False, "--json", help="print the completion as JSON"),
    schema: Path | None = typer.Option(
        None,
        "--schema",
        help="a JSON Schema file: the local engines answer with JSON that matches it",
    ),
) -> None:
    """Ask a language model one question (streams the answer; usage is recorded)."""
    json_schema = _read_schema(schema) if schema is not None else None
    text = sys.stdin.read() if question == "-" else question
    system = render_prompt("system")
    messages = [
        ChatMessage(role="system", content=system.text),
        ChatMessage(role="user", content=text),
    ]
    params = GenerationParams(
        max_tokens=max_tokens, temperature=temperature, json_schema=json_schema
    )
    with bench() as wb:
        on_token = None if as_json else _write
        completion = wb.llm.chat(task, messages, params, on_token=on_token, prompt=system)
        wb.llm.close()
    if as_json:
        emit_json(completion)
        return
    u = completion.usage
    sys.stdout.write("\n")
    ttft = f", first token {u.time_to_first_token_ms:.0f} ms" if u.time_to_first_token_ms else ""
    stderr.print(
        f"[{completion.provider}/{completion.model}: {u.prompt_tokens}+{u.completion_tokens} "
        f"tokens, {u.latency_ms:.0f} ms{ttft}]",
        markup=False,
        highlight=False,
    )


def _read_schema(path: Path) -> dict:
    """The JSON Schema in ``path`` (an object), or an error that names the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"--schema {path}: cannot read it ({exc.strerror})") from exc
    except ValueError as exc:
        raise InvalidInput(f"--schema {path}: not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"--schema {path}: a JSON Schema is a JSON object")
    return data


def _write(piece: str) -> None:
    sys.stdout.write(piece)
    sys.stdout.flush()
