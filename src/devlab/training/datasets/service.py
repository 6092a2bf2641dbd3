"""Reading datasets back: one page of examples, an export to a directory or one file."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Literal

from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.store import Database, crypto
from devlab.training.datasets.catalog import dataset_dir, resolve_dataset
from devlab.training.datasets.errors import UnknownKind
from devlab.training.datasets.export import read_examples, write_combined
from devlab.training.datasets.models import KINDS, SPLITS, ExamplePage

__all__ = ["ExportFormat", "export_bytes", "export_dataset", "export_file", "list_examples"]

ExportFormat = Literal["jsonl", "parquet"]


def _check_format(fmt: str) -> None:
    if fmt not in ("jsonl", "parquet"):
        raise InvalidInput(f"unknown export format {fmt!r}: use jsonl or parquet")


def list_examples(
    db: Database,
    settings: Settings,
    ref: str | int,
    *,
    split: str | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ExamplePage:
    """One page of a dataset's examples, optionally of one split and one kind."""
    if split is not None and split not in SPLITS:
        raise InvalidInput(f"unknown split {split!r}: use {', '.join(SPLITS)}")
    if kind is not None and kind not in KINDS:
        raise UnknownKind(
            f"unknown kind {kind!r}: choose from {', '.join(KINDS)}", detail={"known": list(KINDS)}
        )
    if limit < 0 or offset < 0:
        raise InvalidInput("limit and offset must be >= 0")
    row = resolve_dataset(db, ref)
    total, items = read_examples(
        dataset_dir(settings, row) / "data", split=split, kind=kind, limit=limit, offset=offset
    )
    return ExamplePage(dataset_id=row.id, total=total, offset=offset, limit=limit, items=items)


def export_dataset(
    db: Database, settings: Settings, ref: str | int, fmt: str, out: Path
) -> list[Path]:
    """Copy a dataset version's split files of ``fmt``, its card, plots and provenance log
    into ``out`` (created); returns the files written."""
    _check_format(fmt)
    row = resolve_dataset(db, ref)
    source = dataset_dir(settings, row)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"{out} exists and is not a directory: give a directory")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    names = [f"data/{split}.{fmt}" for split in SPLITS]
    for name in [*names, "README.md", "provenance.jsonl", "config.json", "stats.json"]:
        src = source / name
        if src.is_file():  # the user's export: plain, as the user asked for it
            (out / src.name).write_bytes(crypto.read_sealed(src))
            written.append(out / src.name)
    if (source / "plots").is_dir():
        shutil.copytree(source / "plots", out / "plots", dirs_exist_ok=True)
        written += sorted((out / "plots").iterdir())
    return written


def export_file(db: Database, settings: Settings, ref: str | int, fmt: str) -> Path:
    """Every split in one file of ``fmt`` (cached beside the data, sealed like it when
    encryption at rest is on: ``export_bytes`` gives its plain content)."""
    _check_format(fmt)
    row = resolve_dataset(db, ref)
    source = dataset_dir(settings, row)
    target = source / "export" / f"{row.name}-v{row.version}.{fmt}"
    if not target.is_file():
        tmp = target.with_suffix(f".{fmt}.tmp")
        write_combined(source / "data", fmt, tmp)
        tmp.replace(target)
    return target


def export_bytes(db: Database, settings: Settings, ref: str | int, fmt: str) -> tuple[str, bytes]:
    """``(file name, plain content)`` of ``export_file``: the REST download."""
    path = export_file(db, settings, ref, fmt)
    return path.name, crypto.read_sealed(path)
