"""Deleting a dataset version: its row and its directory; refused while a job uses it.

The README tells users to delete a dataset version to honour withdrawn
training consent, so this removes the examples for real (the JSONL/Parquet
files, the card and its plots under ``home/datasets/<name>/<version>/``).
Model versions trained on it keep their record with the link cleared
(``SET NULL``), so lineage says the data is gone rather than pointing at nothing.
"""

from __future__ import annotations

import json
import shutil

from pydantic import BaseModel
from sqlalchemy import delete, select

from devlab.config import Settings
from devlab.errors import Conflict
from devlab.store import Database, DatasetRow, Job
from devlab.training.datasets.catalog import dataset_dir, resolve_dataset


class DatasetDeleted(BaseModel):
    id: int
    name: str
    version: int
    path: str


def _jobs_using(db: Database, row: DatasetRow) -> list[str]:
    """Queued or running jobs that build this version or name it in their parameters."""
    tags = {str(row.id), row.name, f"{row.name}@{row.version}", f"{row.name}@v{row.version}"}
    using = []
    with db.session() as s:
        for job in s.scalars(select(Job).where(Job.status.in_(("queued", "running")))):
            words = set()
            for value in (job.params or {}).values():
                if isinstance(value, (str, int)):
                    words.add(str(value))
                elif isinstance(value, list):
                    words.update(str(v) for v in value)
            if (
                job.id == row.job_id
                or tags & words
                or (job.kind.startswith("dataset") and row.name in json.dumps(job.params))
            ):
                using.append(job.id)
    return using


def delete_dataset(db: Database, settings: Settings, ref: str | int) -> DatasetDeleted:
    """Delete one dataset version (``id``, ``name`` = latest, or ``name@N``); 409 while
    a job builds it, trains on it or evaluates with it."""
    row = resolve_dataset(db, ref)
    running = _jobs_using(db, row)
    if running:
        raise Conflict(
            f"dataset {row.name}@{row.version} is in use by running job(s) "
            f"{', '.join(running)}; wait or cancel them (`devlab jobs cancel ID`), then delete",
            detail={"jobs": running},
        )
    path = dataset_dir(settings, row)
    root = (settings.home / "datasets").resolve()
    with db.session() as s:
        s.execute(delete(DatasetRow).where(DatasetRow.id == row.id))
    target = path.resolve()
    if root in target.parents:  # never outside home/datasets, whatever the row says
        shutil.rmtree(target, ignore_errors=True)
    return DatasetDeleted(id=row.id, name=row.name, version=row.version, path=str(row.path))


__all__ = ["DatasetDeleted", "delete_dataset"]
