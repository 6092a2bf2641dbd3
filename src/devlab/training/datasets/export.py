"""Examples on disk: JSONL and Parquet per split, one fixed schema.

A version's directory holds ``data/{split}.jsonl`` and ``data/{split}.parquet`` (what
``datasets.load_dataset("json" | "parquet", data_files=...)`` reads), the data card
``README.md`` with its plots, ``provenance.jsonl`` (every licence decision), ``config.json``
(the resolved build config) and ``stats.json``. Both formats carry the same columns
(``extract.COLUMNS``); the Parquet schema is explicit so that a column that is null in
every row of one split still has its type.

With encryption at rest on, every one of these files except the plots is sealed
(``store.crypto.write_sealed``: Fernet under the newest key) and read back through
``read_sealed``; exports hand out plain files to whoever may read the dataset.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devlab.store import crypto
from devlab.training.datasets.extract import COLUMNS
from devlab.training.datasets.models import SPLITS

__all__ = [
    "iter_jsonl",
    "read_examples",
    "write_combined",
    "write_split_files",
]


def _schema():  # type: ignore[no-untyped-def]
    import pyarrow as pa

    provenance = pa.struct(
        [
            ("project", pa.string()),
            ("snapshot_id", pa.int64()),
            ("path", pa.string()),
            ("commit", pa.string()),
            ("licence", pa.string()),
            ("start_line", pa.int64()),
            ("end_line", pa.int64()),
            ("transforms", pa.list_(pa.string())),
            # user corrections (kind "feedback"): which feedback, on which answer
            ("feedback_id", pa.int64()),
            ("message_id", pa.int64()),
            ("model_version", pa.string()),
            ("action", pa.string()),
            ("created_at", pa.string()),
        ]
    )
    types = {
        "validated": pa.bool_(),
        "augmented": pa.bool_(),
        "complexity": pa.int64(),
        "tokens": pa.int64(),
        "quality": pa.float64(),
        "quality_flags": pa.list_(pa.string()),
        "tests": pa.list_(pa.string()),
        "provenance": provenance,
    }
    return pa.schema([(name, types.get(name, pa.string())) for name in COLUMNS])


def _public(example: dict[str, Any]) -> dict[str, Any]:
    return {k: example.get(k) for k in COLUMNS}


def write_split_files(examples: list[dict[str, Any]], data_dir: Path) -> dict[str, int]:
    """Write ``{split}.jsonl`` and ``{split}.parquet`` for every split (empty splits get
    empty files, so loaders always find all three). Returns bytes written by format."""
    import pyarrow as pa

    data_dir.mkdir(parents=True, exist_ok=True)
    schema = _schema()
    sizes = {"jsonl": 0, "parquet": 0}
    for split in SPLITS:
        rows = [_public(e) for e in examples if e["split"] == split]
        lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        sizes["jsonl"] += crypto.write_sealed(data_dir / f"{split}.jsonl", lines)
        table = pa.Table.from_pylist(rows, schema=schema)
        sizes["parquet"] += crypto.write_sealed(
            data_dir / f"{split}.parquet", _parquet_bytes(table)
        )
    return sizes


def _parquet_bytes(table) -> bytes:  # type: ignore[no-untyped-def]
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return bytes(sink.getvalue().to_pybytes())


def _read_parquet(path: Path, filters=None):  # type: ignore[no-untyped-def]
    """A (possibly sealed) Parquet file as a table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.read_table(pa.BufferReader(crypto.read_sealed(path)), filters=filters)


def iter_jsonl(data_dir: Path) -> Iterator[bytes]:
    """Every split's JSONL, concatenated (the export of ``format=jsonl``)."""
    for split in SPLITS:
        path = data_dir / f"{split}.jsonl"
        if path.is_file():
            yield crypto.read_sealed(path)


def write_combined(data_dir: Path, fmt: str, target: Path) -> Path:
    """One file with every split (``split`` column kept) at ``target``, sealed like the
    split files (the export cache lives beside them)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "jsonl":
        crypto.write_sealed(target, b"".join(iter_jsonl(data_dir)))
        return target
    import pyarrow as pa

    tables = [
        _read_parquet(data_dir / f"{s}.parquet")
        for s in SPLITS
        if (data_dir / f"{s}.parquet").is_file()
    ]
    table = pa.concat_tables(tables) if tables else pa.Table.from_pylist([], schema=_schema())
    crypto.write_sealed(target, _parquet_bytes(table))
    return target


def read_examples(
    data_dir: Path,
    *,
    split: str | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[dict[str, Any]]]:
    """``(total matching, one page of examples)`` read from the Parquet files with the
    filters pushed down."""
    splits = [split] if split else list(SPLITS)
    total = 0
    page: list[dict[str, Any]] = []
    for name in splits:
        path = data_dir / f"{name}.parquet"
        if not path.is_file():
            continue
        table = _read_parquet(path, filters=[("kind", "=", kind)] if kind else None)
        n = table.num_rows
        if offset < total + n and len(page) < limit:
            start = max(0, offset - total)
            chunk = table.slice(start, limit - len(page))
            page += chunk.to_pylist()
        total += n
    return total, page
