"""Dataset versions in the store: create, find (by id, name or ``name@version``), list.

Examples stay on disk (see ``export.py``); a row points at its version's directory,
relative to the home, so a moved home keeps working.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from devlab.apitypes import numeric_id
from devlab.config import Settings
from devlab.errors import Conflict, InvalidInput
from devlab.store import Database, DatasetRow, crypto
from devlab.training.datasets.errors import DatasetNotFound
from devlab.training.datasets.models import DatasetInfo

__all__ = [
    "dataset_dir",
    "datasets_root",
    "get_dataset",
    "hidden_datasets",
    "list_datasets",
    "next_version",
    "record_dataset",
    "resolve_dataset",
    "validate_name",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def validate_name(name: str) -> str:
    if not _NAME.match(name or "") or name.startswith("_"):
        raise InvalidInput(
            f"bad dataset name {name!r}: use 1-100 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def datasets_root(settings: Settings) -> Path:
    return settings.home / "datasets"


def reseal_datasets(settings: Settings) -> int:
    """Re-encrypt every dataset file (splits, exports, card, provenance, config, stats;
    not the plots) with the newest key: the files' part of ``devlab keys rotate``.
    Returns the number of files rewritten."""

    return crypto.reseal_files(datasets_root(settings), skip=("plots",))


def dataset_dir(settings: Settings, info: DatasetInfo | DatasetRow) -> Path:
    return settings.home / info.path


def next_version(db: Database, name: str) -> int:
    with db.session() as s:
        current = s.scalar(select(func.max(DatasetRow.version)).where(DatasetRow.name == name))
    return (current or 0) + 1


def _info(row: DatasetRow, card: bool) -> DatasetInfo:
    return DatasetInfo(
        id=row.id,
        name=row.name,
        version=row.version,
        project_ids=list(row.project_ids or []),
        snapshot_ids=list(row.snapshot_ids or []),
        config=row.config or {},
        counts=row.counts or {},
        path=row.path,
        job_id=row.job_id,
        created_at=row.created_at,
        card=row.card if card else None,
    )


def record_dataset(db: Database, row: DatasetRow) -> DatasetInfo:
    try:
        with db.session() as s:
            s.add(row)
            s.flush()
            return _info(row, card=True)
    except Exception as exc:
        if isinstance(getattr(exc, "__cause__", None), IntegrityError) or isinstance(
            exc, IntegrityError
        ):
            raise Conflict(
                f"dataset {row.name!r} version {row.version} was created meanwhile: build again"
            ) from exc
        raise


def resolve_dataset(db: Database, ref: str | int) -> DatasetRow:
    """A dataset by numeric id, ``name`` (its latest version) or ``name@version``."""
    with db.session() as s:
        row = None
        text = str(ref)
        if (number := numeric_id(text)) is not None:
            row = s.get(DatasetRow, number)
        if row is None:
            name, _, version = text.partition("@")
            q = select(DatasetRow).where(DatasetRow.name == name)
            if version:
                if numeric_id(version) is None:
                    raise InvalidInput(f"bad dataset version {version!r}: use NAME@N")
                q = q.where(DatasetRow.version == int(version))
            row = s.scalar(q.order_by(DatasetRow.version.desc()).limit(1))
        if row is None:
            raise DatasetNotFound(
                f"no dataset {ref!r}: list datasets with `devlab dataset list` or "
                "GET /api/v1/devlab/datasets"
            )
        s.expunge(row)
        return row


def get_dataset(db: Database, ref: str | int, *, card: bool = True) -> DatasetInfo:
    return _info(resolve_dataset(db, ref), card)


def list_datasets(db: Database, name: str | None = None) -> list[DatasetInfo]:
    with db.session() as s:
        q = select(DatasetRow).order_by(DatasetRow.name, DatasetRow.version.desc())
        if name:
            q = q.where(DatasetRow.name == name)
        return [_info(r, card=False) for r in s.scalars(q)]


def hidden_datasets(db: Database, visible_projects: set[int] | None) -> set[int]:
    """Ids of the datasets built from a project outside ``visible_projects`` (None: the
    caller sees every project, so none is hidden)."""
    if visible_projects is None:
        return set()
    with db.session() as s:
        rows = s.execute(select(DatasetRow.id, DatasetRow.project_ids))
        return {i for i, pids in rows if not all(int(p) in visible_projects for p in pids or [])}
