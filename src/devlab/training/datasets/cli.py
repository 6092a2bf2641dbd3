"""CLI door: ``devlab dataset build | show | list | examples | export | register-eval``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from devlab.clitools import bench, emit_json, handle_errors, progress_bar, settings, stderr, stdout
from devlab.training.datasets import (
    KINDS,
    DatasetBuildRequest,
    export_dataset,
    get_dataset,
    list_datasets,
    list_examples,
    register_eval_set,
    run_build,
)

app = typer.Typer(no_args_is_help=True, help="Training datasets built from a codebase.")


def _split_list(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def _set(pairs: list[str] | None) -> dict:
    """``--set key=value`` (value read as JSON when it parses, else as text)."""
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"{pair!r}: use KEY=VALUE", param_hint="--set")
        try:
            out[key.strip().replace("-", "_")] = json.loads(value)
        except json.JSONDecodeError:
            out[key.strip().replace("-", "_")] = value
    return out


@app.command()
@handle_errors
def build(
    project: list[str] = typer.Option(..., "--project", "-p", help="project name or id (repeat)"),
    name: str = typer.Option(..., "--name", "-n", help="dataset name"),
    kinds: list[str] = typer.Option(
        None, "--kinds", "-k", help=f"comma-separated: {', '.join(KINDS)}"
    ),
    git: str = typer.Option(None, "--git", help="local git repository for history kinds"),
    seed: int = typer.Option(None, "--seed", help="split and sampling seed"),
    own: bool = typer.Option(
        None,
        "--own-project/--not-own-project",
        help="keep files of any licence (or only allow-listed ones); default: each "
        "project's own-code setting, decided at ingestion (`devlab ingest --own-code`)",
    ),
    no_near: bool = typer.Option(False, "--no-near-dedup", help="skip near deduplication"),
    no_validate: bool = typer.Option(False, "--no-validate", help="no sandbox validation"),
    sets: list[str] = typer.Option(None, "--set", help="any config knob: KEY=VALUE (JSON)"),
    as_json: bool = typer.Option(False, "--json", help="print the dataset as JSON"),
) -> None:
    """Build a new dataset version from the project(s)' current snapshot."""
    body: dict = {"name": name, "projects": project, **_set(sets)}
    if kinds:
        body["kinds"] = _split_list(kinds)
    if git:
        body["git"] = git
    if seed is not None:
        body["seed"] = seed
    if own is not None:
        body["own_project"] = own
    if no_near:
        body["near_dedup"] = False
    if no_validate:
        body["validate_pairs"] = False
    request = DatasetBuildRequest.model_validate(body)
    with bench() as wb, progress_bar(not as_json) as progress:
        _, info = run_build(wb, request, progress=progress)
    if as_json:
        emit_json(info.model_copy(update={"card": None}))
        return
    _summary(info)


def _summary(info) -> None:  # type: ignore[no-untyped-def]
    counts = info.counts
    stdout.print(
        f"dataset {info.name} v{info.version} (id {info.id}): {counts.get('total', 0)} examples",
        markup=False,
    )
    stdout.print(
        "  by split: "
        + ", ".join(f"{k} {v}" for k, v in sorted(counts.get("by_split", {}).items())),
        markup=False,
    )
    stdout.print(
        "  by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.get("by_kind", {}).items())),
        markup=False,
    )
    stdout.print(f"  files: {settings().home / info.path}", markup=False)


@app.command()
@handle_errors
def show(
    dataset: str = typer.Argument(..., help="id, name (latest version) or name@version"),
    card: bool = typer.Option(False, "--card", help="print the data card (Markdown)"),
    as_json: bool = typer.Option(False, "--json", help="print the dataset as JSON"),
) -> None:
    """Show a dataset version: counts, or its card."""
    with bench() as wb:
        info = get_dataset(wb.db, dataset)
    if as_json:
        emit_json(info)
    elif card:
        stdout.print(info.card or "", markup=False, highlight=False)
    else:
        _summary(info)


@app.command()
@handle_errors
def delete(
    dataset: str = typer.Argument(..., help="id, name (latest version) or name@version"),
    yes: bool = typer.Option(False, "--yes", "-y", help="do not ask for confirmation"),
    as_json: bool = typer.Option(False, "--json", help="print what was deleted as JSON"),
) -> None:
    """Delete a dataset version: its record and its files (refused while a job uses it)."""
    from devlab.training.datasets.removal import delete_dataset

    if not yes and not typer.confirm(f"delete dataset {dataset} and its files?"):
        raise typer.Exit(1)
    with bench() as wb:
        done = delete_dataset(wb.db, wb.settings, dataset)
    if as_json:
        emit_json(done)
    else:
        stderr.print(f"deleted dataset {done.name}@{done.version} ({done.path})")


@app.command("list")
@handle_errors
def list_(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List every dataset version."""
    with bench() as wb:
        found = list_datasets(wb.db)
    if as_json:
        emit_json([f.model_dump(mode="json") for f in found])
        return
    for info in found:
        stdout.print(
            f"{info.id:>4}  {info.name}@{info.version}  {info.counts.get('total', 0)} "
            f"examples  {info.created_at:%Y-%m-%d %H:%M}",
            markup=False,
        )


@app.command()
@handle_errors
def examples(
    dataset: str = typer.Argument(..., help="id, name or name@version"),
    split: str = typer.Option(None, "--split", help="train, validation or test"),
    kind: str = typer.Option(None, "--kind", help="an example kind"),
    limit: int = typer.Option(5, "--limit", min=0),
    offset: int = typer.Option(0, "--offset", min=0),
) -> None:
    """Print examples as JSON lines."""
    with bench() as wb:
        page = list_examples(
            wb.db, wb.settings, dataset, split=split, kind=kind, limit=limit, offset=offset
        )
    for item in page.items:
        typer.echo(json.dumps(item, ensure_ascii=False))
    stderr.print(f"{len(page.items)} of {page.total}")


@app.command()
@handle_errors
def export(
    dataset: str = typer.Argument(..., help="id, name or name@version"),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="jsonl or parquet"),
    out: Path = typer.Option(..., "--out", "-o", help="directory to write into"),
) -> None:
    """Write a dataset's split files, card, plots and provenance log into a directory."""
    with bench() as wb:
        written = export_dataset(wb.db, wb.settings, dataset, fmt, out)
    stderr.print(f"wrote {len(written)} files to {out}")


@app.command("register-eval")
@handle_errors
def register_eval(
    name: str = typer.Argument(..., help="a name for the evaluation set"),
    path: Path = typer.Argument(..., help="JSONL with prompt/canonical_solution/code/text"),
) -> None:
    """Register an evaluation set: later builds drop examples that contain its items."""
    info = register_eval_set(settings(), name, path)
    stdout.print(f"registered {info.name}: {info.items} texts", markup=False)
