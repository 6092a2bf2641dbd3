"""CLI door: ``devlab train``, ``devlab eval``, ``devlab models [activate|rollback|...]``."""

from __future__ import annotations

from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, progress_bar, stdout
from devlab.training import registry
from devlab.training.models import EvaluationRequest, ModelVersionInfo, TrainRequest

app = typer.Typer()
models_app = typer.Typer(
    invoke_without_command=True, help="The model registry: versions, activation, rollback."
)


@app.command()
@handle_errors
def train(
    dataset: str = typer.Option(None, "--dataset", "-d", help="dataset id, name or name@N"),
    config: Path = typer.Option(None, "--config", "-c", help="run config (YAML)"),
    max_steps: int = typer.Option(None, "--max-steps", min=1, help="optimiser steps"),
    name: str = typer.Option(None, "--name", help="model name (default: the dataset's)"),
    resume: str = typer.Option(None, "--resume", help="a run (version id or NAME@vN) to continue"),
    as_json: bool = typer.Option(False, "--json", help="print the run (with loss history)"),
) -> None:
    """Fine-tune the default model (LoRA) on a dataset; a new model version."""
    with bench() as wb:
        resume_id = registry.resolve_version(wb.db, resume).id if resume else None
        request = TrainRequest(dataset=dataset, name=name, max_steps=max_steps, resume=resume_id)
        from devlab.training.jobs import run_training

        with progress_bar(not as_json) as progress:
            run = run_training(wb, request, config_file=config, progress=progress)
    if as_json:
        emit_json(run)
        return
    m = run.metrics
    stdout.print(
        f"{run.tag}: {m.get('steps')} steps, loss {m.get('first_loss')} -> {m.get('last_loss')}, "
        f"{m.get('tokens_per_s')} tokens/s; "
        + (
            f"adapter {m['adapter_dir']}"
            if m.get("adapter_dir")
            else f"weights {m.get('weights_dir')}"
        ),
        markup=False,
    )


@app.command("eval")
@handle_errors
def eval_(
    model: str = typer.Option(
        "base", "--model", "-m", help="VERSION | latest | base | a base model directory/.gguf"
    ),
    suite: str = typer.Option("humaneval", "--suite", "-s", help="humaneval | DATASET"),
    limit: int = typer.Option(None, "--limit", min=1, help="first N tasks"),
    samples: int = typer.Option(1, "--samples", "-n", min=1, help="samples per task"),
    provider: str = typer.Option(None, "--provider", help="a configured provider instead"),
    max_tokens: int = typer.Option(256, "--max-tokens", min=1),
    metrics: str = typer.Option(
        None,
        "--metrics",
        help="dataset suites, comma-separated: pass (generate/repair functions and run "
        "their tests), fim, nll, syntax (default: all)",
    ),
    timeout: float = typer.Option(10.0, "--timeout", help="sandbox seconds per test run"),
    resume: int = typer.Option(None, "--resume", help="an evaluation id to continue"),
    as_json: bool = typer.Option(False, "--json", help="print the evaluation as JSON"),
) -> None:
    """Evaluate a model: pass@k on HumanEval (sandboxed), or a dataset's test split (pass@k
    on the team's functions with tests and bug fixes, FIM, perplexity, syntax, style)."""
    ks = [k for k in (1, 10, 100) if k <= samples]
    request = EvaluationRequest(
        model=model,
        suite=suite,
        limit=limit,
        samples=samples,
        provider=provider,
        max_tokens=max_tokens,
        k=ks,
        metrics=[m.strip() for m in metrics.split(",") if m.strip()] if metrics else None,
        timeout_s=timeout,
        resume=resume,
    )
    from devlab.training.jobs import run_evaluation

    with bench() as wb, progress_bar(not as_json) as progress:
        info = run_evaluation(wb, request, progress=progress)
    if as_json:
        emit_json(info.model_dump(mode="json") | info.metrics)
        return
    flat = {k: v for k, v in info.metrics.items() if k != "by_kind"}
    for kind, figures in info.metrics.get("by_kind", {}).items():
        flat.update({f"{kind} {k}": v for k, v in figures.items()})
    shown = ", ".join(
        f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in flat.items()
    )
    stdout.print(f"evaluation {info.id} of {info.model} on {info.suite}: {shown}", markup=False)


@app.command("eval-compare")
@handle_errors
def eval_compare(
    a: int = typer.Argument(..., help="evaluation A (baseline)"),
    b: int = typer.Argument(..., help="evaluation B"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """B against A: per-metric deltas with bootstrap 95% intervals, task wins/losses."""
    from devlab.training.evaluate import compare_evaluations

    with bench() as wb:
        result = compare_evaluations(wb, a, b)
    if as_json:
        emit_json(result)
        return
    for d in result.deltas:
        stdout.print(
            f"{d.metric}: {d.a:.4g} -> {d.b:.4g} (delta {d.delta:+.4g}, "
            f"95% CI [{d.ci_low:+.4g}, {d.ci_high:+.4g}], {d.tasks} tasks)",
            markup=False,
        )
    stdout.print(f"wins {len(result.wins)}, losses {len(result.losses)}, ties {result.ties}")


@models_app.callback()
@handle_errors
def models(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="print as JSON")
) -> None:
    """List model versions (status, active task kinds, loss, acceptance rate of their
    Companion answers: thumbs up / rated)."""
    if ctx.invoked_subcommand is not None:
        return
    with bench() as wb:
        versions = registry.list_versions(wb.db)
    if as_json:
        emit_json([v.model_dump(mode="json") for v in versions])
        return
    if not versions:
        stdout.print("no model versions: train one with `devlab train --dataset NAME`")
    for v in versions:
        active = ",".join(v.active_tasks) or "-"
        stdout.print(
            f"{v.id:>4} {v.tag:<30} {v.status:<10} active: {active:<20} "
            f"loss {v.metrics.get('last_loss', '-')}  accepted {_acceptance(v)}",
            markup=False,
        )


def _acceptance(v: ModelVersionInfo) -> str:
    """``75% (3/4 rated)``, or ``-`` when no answer of the version was rated."""
    a = v.acceptance
    if a is None or a.rate is None:
        return "-"
    return f"{a.rate:.0%} ({a.up}/{a.up + a.down} rated)"


@models_app.command("activate")
@handle_errors
def activate(
    version: str = typer.Argument(..., help="id, NAME@vN, NAME or latest"),
    task: list[str] = typer.Option(None, "--task", "-t", help="task kind (repeat; default all)"),
) -> None:
    """Serve VERSION for the task kinds from the next request on."""
    with bench() as wb:
        info = registry.activate(wb.db, version, task or None)
    stdout.print(f"{info.tag} active for {', '.join(info.active_tasks)}", markup=False)


@models_app.command("rollback")
@handle_errors
def rollback(task: str = typer.Argument(..., help="task kind")) -> None:
    """Undo the last activation of TASK."""
    with bench() as wb:
        info = registry.rollback(wb.db, task)
    stdout.print(f"{task}: now {info.tag if info else 'the configured providers'}", markup=False)


@models_app.command("lineage")
@handle_errors
def lineage(version: str = typer.Argument(...)) -> None:
    """VERSION -> parents -> dataset version -> snapshots (JSON)."""
    with bench() as wb:
        emit_json(registry.lineage(wb.db, version))


@models_app.command("acceptance")
@handle_errors
def acceptance(as_json: bool = typer.Option(False, "--json")) -> None:
    """Acceptance rate (thumbs up / rated) of each model version's Companion answers."""
    with bench() as wb:
        rates = registry.acceptance_rates(wb.db)
    if as_json:
        emit_json([r.model_dump(mode="json") for r in rates])
        return
    for r in rates:
        rate = "-" if r.rate is None else f"{r.rate:.0%}"
        stdout.print(
            f"{r.model_version:<40} up {r.up} down {r.down} "
            f"corrections {r.corrections} rate {rate}",
            markup=False,
        )
