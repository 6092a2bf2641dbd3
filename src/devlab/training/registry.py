"""The model registry: versions of fine-tuned models, which one serves each task kind,
lineage, and how often users accept their answers.

::

    info = register_version(db, settings, name="shop-coder", base_model="", ...)
    activate(db, "shop-coder@v2", tasks=["chat", "generate"])   # served at the next request
    rollback(db, "chat")                                        # one step back
    lineage(db, "shop-coder@v2")      # version -> parents -> dataset version -> snapshots
    acceptance_rates(db)              # thumbs up / (up + down) per model version

The language-model layer reads ``active_tasks`` per request (``devlab.llm.deployed``),
so activation needs no restart. A task kind is active on at most one version; every
change is a ``model_activations`` row, which is what ``rollback`` walks back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from devlab.apitypes import numeric_id
from devlab.config import Settings
from devlab.errors import Conflict, InvalidInput, NotFound
from devlab.llm import REGISTRY_PROVIDER, TASK_KINDS, home_path
from devlab.store import Database, DatasetRow, FeedbackRow, ModelActivationRow, ModelVersionRow
from devlab.training.errors import ModelVersionNotFound
from devlab.training.models import AcceptanceRate, Lineage, ModelVersionInfo

__all__ = [
    "acceptance_rates",
    "activate",
    "active_versions",
    "deactivate",
    "get_version",
    "lineage",
    "list_versions",
    "register_version",
    "resolve_version",
    "rollback",
    "stored_path",
    "update_version",
    "version_paths",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_TAG = re.compile(r"^(?P<name>.+?)@v?(?P<version>\d+)$")


def stored_path(settings: Settings, path: Path | str | None) -> str | None:
    """``path`` relative to the home when it lies inside it (a moved home keeps working)."""
    if path is None:
        return None
    path = Path(path).resolve()
    try:
        return str(path.relative_to(settings.home.resolve()))
    except ValueError:
        return str(path)


def _info(row: ModelVersionRow) -> ModelVersionInfo:
    return ModelVersionInfo(
        id=row.id,
        name=row.name,
        version=row.version,
        tag=f"{row.name}@v{row.version}",
        type=row.type,
        base_model=row.base_model,
        adapter_path=row.adapter_path,
        weights_path=row.weights_path,
        run_dir=row.run_dir,
        dataset_id=row.dataset_id,
        dataset_ref=row.dataset_ref,
        parent_id=row.parent_id,
        run_config=row.run_config or {},
        metrics=row.metrics or {},
        status=row.status,
        active_tasks=list(row.active_tasks or []),
        job_id=row.job_id,
        created_at=row.created_at,
    )


def register_version(
    db: Database,
    *,
    name: str,
    type: str = "lora",
    base_model: str = "",
    status: str = "training",
    **fields: Any,
) -> ModelVersionInfo:
    """A new version of ``name`` (numbered after the latest one)."""
    if not _NAME.match(name or ""):
        raise InvalidInput(f"bad model name {name!r}: use 1-100 letters, digits, '.', '_' or '-'")
    with db.session() as s:
        latest = s.scalar(
            select(func.max(ModelVersionRow.version)).where(ModelVersionRow.name == name)
        )
        row = ModelVersionRow(
            name=name,
            version=(latest or 0) + 1,
            type=type,
            base_model=base_model,
            status=status,
            **fields,
        )
        s.add(row)
        s.flush()
        return _info(row)


def update_version(db: Database, version_id: int, **fields: Any) -> ModelVersionInfo:
    with db.session() as s:
        row = s.get(ModelVersionRow, version_id)
        if row is None:
            raise ModelVersionNotFound(f"no model version {version_id}")
        for key, value in fields.items():
            setattr(row, key, value)
        s.flush()
        return _info(row)


def _resolve(s: Any, ref: str | int) -> ModelVersionRow:
    text = str(ref).strip()
    row = None
    if (number := numeric_id(text)) is not None:
        row = s.get(ModelVersionRow, number)
    elif text == "latest":
        row = s.scalar(
            select(ModelVersionRow)
            .where(ModelVersionRow.status == "ready")
            .order_by(ModelVersionRow.created_at.desc(), ModelVersionRow.id.desc())
            .limit(1)
        )
    else:
        match = _TAG.match(text)
        q = select(ModelVersionRow)
        if match:
            q = q.where(
                ModelVersionRow.name == match["name"],
                ModelVersionRow.version == int(match["version"]),
            )
        else:
            q = q.where(ModelVersionRow.name == text).order_by(ModelVersionRow.version.desc())
        row = s.scalar(q.limit(1))
    if row is None:
        raise ModelVersionNotFound(
            f"no model version {ref!r}: list them with `devlab models` or GET /api/v1/devlab/models"
        )
    return row


def resolve_version(db: Database, ref: str | int) -> ModelVersionInfo:
    """A version by id, ``NAME`` (its latest), ``NAME@vN`` / ``NAME@N`` or ``latest``
    (the newest ready version of any name)."""
    with db.session() as s:
        return _info(_resolve(s, ref))


get_version = resolve_version


def list_versions(db: Database, name: str | None = None) -> list[ModelVersionInfo]:
    """Every version (of ``name``), each with its acceptance rate from the Companion's
    feedback when it has had some."""
    with db.session() as s:
        q = select(ModelVersionRow).order_by(ModelVersionRow.name, ModelVersionRow.version.desc())
        if name:
            q = q.where(ModelVersionRow.name == name)
        found = [_info(r) for r in s.scalars(q)]
    rates = {r.version_id: r for r in acceptance_rates(db) if r.version_id is not None}
    for info in found:
        info.acceptance = rates.get(info.id)
    return found


def version_paths(settings: Settings, info: ModelVersionInfo) -> dict[str, Path | None]:
    """The version's adapter, merged weights and run directory as absolute paths."""
    return {
        "adapter": home_path(settings, info.adapter_path),
        "weights": home_path(settings, info.weights_path),
        "run_dir": home_path(settings, info.run_dir),
    }


# -- activation ------------------------------------------------------------------------


def _check_tasks(tasks: list[str] | None) -> list[str]:
    chosen = list(tasks or TASK_KINDS)
    unknown = [t for t in chosen if t not in TASK_KINDS]
    if unknown:
        raise InvalidInput(
            f"unknown task kind(s) {', '.join(unknown)}; known: {', '.join(TASK_KINDS)}"
        )
    return chosen


def _set_active(s: Any, task: str, target: ModelVersionRow | None, *, log: bool = True) -> None:
    """Move ``task`` to ``target`` (None: back to the configured providers); ``log``
    records the move on the activation stack that ``rollback`` pops."""
    previous = None
    for row in s.scalars(select(ModelVersionRow)):
        tasks = list(row.active_tasks or [])
        if task in tasks:
            previous = row.id
            if row is not target:
                row.active_tasks = [t for t in tasks if t != task]
    if target is not None and task not in (target.active_tasks or []):
        target.active_tasks = [*(target.active_tasks or []), task]
    if log and previous != (target.id if target else None):
        s.add(
            ModelActivationRow(
                task=task, version_id=target.id if target else None, previous_version_id=previous
            )
        )


def activate(db: Database, ref: str | int, tasks: list[str] | None = None) -> ModelVersionInfo:
    """Serve version ``ref`` for ``tasks`` (default: every task kind) from the next
    request on. Only a ready version can be activated (409 otherwise)."""
    chosen = _check_tasks(tasks)
    with db.session() as s:
        row = _resolve(s, ref)
        if row.status != "ready":
            raise Conflict(
                f"model version {row.name}@v{row.version} is {row.status}, not ready: "
                "only a finished training run can be activated"
            )
        for task in chosen:
            _set_active(s, task, row)
        s.flush()
        return _info(row)


def deactivate(db: Database, tasks: list[str] | None = None) -> None:
    """Serve ``tasks`` from the configured providers again."""
    chosen = _check_tasks(tasks)
    with db.session() as s:
        for task in chosen:
            _set_active(s, task, None)


def rollback(db: Database, task: str) -> ModelVersionInfo | None:
    """Undo the last activation of ``task``: the version before it serves again (None:
    the configured providers). A task that was never activated has nothing to roll
    back: ``NotFound`` (404, CLI exit 2, as documented), naming the task."""
    _check_tasks([task])
    with db.session() as s:
        last = s.scalar(
            select(ModelActivationRow)
            .where(ModelActivationRow.task == task)
            .order_by(ModelActivationRow.id.desc())
            .limit(1)
        )
        if last is None:
            raise NotFound(
                f"task {task!r} was never activated: nothing to roll back "
                "(`devlab models` lists the versions and what each serves)",
                detail={"task": task},
            )
        target = (
            s.get(ModelVersionRow, last.previous_version_id) if last.previous_version_id else None
        )
        if target is not None and target.status != "ready":
            target = None
        _set_active(s, task, target, log=False)
        s.delete(last)  # popped: the next rollback goes one further back
        s.flush()
        return _info(target) if target is not None else None


def active_versions(db: Database) -> dict[str, ModelVersionInfo]:
    """Task kind -> the version serving it (tasks on the configured providers are absent)."""
    found: dict[str, ModelVersionInfo] = {}
    for info in list_versions(db):
        for task in info.active_tasks:
            found[task] = info
    return found


# -- lineage and feedback ------------------------------------------------------------------


def lineage(db: Database, ref: str | int) -> Lineage:
    """The version, its parents (trained on top of), its dataset version and the
    snapshots that dataset was built from."""
    with db.session() as s:
        row = _resolve(s, ref)
        parents, seen = [], {row.id}
        parent_id = row.parent_id
        while parent_id and parent_id not in seen:
            parent = s.get(ModelVersionRow, parent_id)
            if parent is None:
                break
            seen.add(parent.id)
            parents.append(_info(parent))
            parent_id = parent.parent_id
        dataset = s.get(DatasetRow, row.dataset_id) if row.dataset_id else None
        return Lineage(
            version=_info(row),
            parents=parents,
            dataset=None
            if dataset is None
            else {"id": dataset.id, "name": dataset.name, "version": dataset.version},
            snapshot_ids=list(dataset.snapshot_ids or []) if dataset else [],
            project_ids=list(dataset.project_ids or []) if dataset else [],
        )


def acceptance_rates(db: Database) -> list[AcceptanceRate]:
    """Per model version (as the Companion's feedback names it, ``provider:model``):
    thumbs up, down, corrections, and the acceptance rate up / (up + down)."""
    counts: dict[str, dict[str, int]] = {}
    with db.session() as s:
        q = select(FeedbackRow.model_version, FeedbackRow.rating, FeedbackRow.correction)
        for model_version, rating, correction in s.execute(q):
            c = counts.setdefault(model_version, {"up": 0, "down": 0, "corrections": 0})
            if rating in ("up", "down"):
                c[rating] += 1
            if correction:
                c["corrections"] += 1
        tags = {f"{r.name}@v{r.version}": r.id for r in s.scalars(select(ModelVersionRow))}
    rates = []
    for model_version, c in sorted(counts.items()):
        provider, _, model = model_version.partition(":")
        version_id = tags.get(model) if provider == REGISTRY_PROVIDER else None
        rated = c["up"] + c["down"]
        rates.append(
            AcceptanceRate(
                model_version=model_version,
                version_id=version_id,
                rate=c["up"] / rated if rated else None,
                **c,
            )
        )
    return rates
