"""Designs in the store: create, list, read (any version), edit, undo, diff, delete."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from devlab.apibuilder.designs import Design, DesignSummary, DesignVersion, apply_edit
from devlab.apibuilder.diff import DiffReport, diff_models
from devlab.apibuilder.models import ApiModel
from devlab.apibuilder.openapi import to_openapi
from devlab.codebase import resolve_project
from devlab.errors import Conflict, InvalidInput, NotFound
from devlab.store import ApiDesignRow, ApiDesignVersionRow, Database

MAX_VERSIONS_LISTED = 200


def _row(session, ref: int | str) -> ApiDesignRow:
    stmt = select(ApiDesignRow).where(
        ApiDesignRow.id == int(ref) if str(ref).isdigit() else ApiDesignRow.name == str(ref)
    )
    row = session.scalars(stmt).first()
    if row is None:
        raise NotFound(f"no API design {ref!r}; list them with GET /api/v1/devlab/api/designs")
    return row


def _version(session, design_id: int, version: int) -> ApiDesignVersionRow:
    row = session.scalars(
        select(ApiDesignVersionRow).where(
            ApiDesignVersionRow.design_id == design_id, ApiDesignVersionRow.version == version
        )
    ).first()
    if row is None:
        raise NotFound(f"design {design_id} has no version {version}")
    return row


def _design(session, row: ApiDesignRow, version: int | None = None) -> Design:
    v = _version(session, row.id, version or row.head_version)
    model = ApiModel.model_validate(v.model)
    history = session.scalars(
        select(ApiDesignVersionRow)
        .where(ApiDesignVersionRow.design_id == row.id)
        .order_by(ApiDesignVersionRow.version.desc())
        .limit(MAX_VERSIONS_LISTED)
    ).all()
    return Design(
        id=row.id,
        name=row.name,
        project_id=row.project_id,
        head_version=row.head_version,
        model=model,
        openapi=to_openapi(model),
        versions=[
            DesignVersion(
                version=h.version,
                parent_version=h.parent_version,
                message=h.message,
                created_at=_iso(h.created_at),
            )
            for h in history
        ],
    )


def create_design(
    db: Database, name: str, model: ApiModel, *, project_id: int | None = None
) -> Design:
    """A new design whose version 1 is ``model``; Conflict (409) when the name is taken."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("a design needs a name of 1-200 characters")
    if project_id is not None:
        project_id = resolve_project(db, project_id).id  # NotFound names how to list them
    try:
        with db.session() as session:
            row = ApiDesignRow(name=name, project_id=project_id, head_version=1)
            session.add(row)
            session.flush()
            session.add(
                ApiDesignVersionRow(
                    design_id=row.id,
                    version=1,
                    parent_version=None,
                    model=model.model_dump(mode="json"),
                    edit={"op": "create"},
                    message="created",
                )
            )
            session.flush()
            return _design(session, row)
    except IntegrityError:
        raise Conflict(f"an API design named {name!r} already exists") from None
    except Exception as exc:
        if "UNIQUE" in str(exc).upper() or "unique" in str(exc):
            raise Conflict(f"an API design named {name!r} already exists") from None
        raise


def _iso(when: datetime) -> str:
    """An ISO 8601 UTC timestamp with its offset (stored values may be naive UTC)."""
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).isoformat()


def list_designs(db: Database, *, project_id: int | None = None) -> list[DesignSummary]:
    """The stored designs, oldest first; only ``project_id``'s when given."""
    query = select(ApiDesignRow).order_by(ApiDesignRow.id)
    if project_id is not None:
        query = query.where(ApiDesignRow.project_id == project_id)
    with db.session() as session:
        out = []
        for row in session.scalars(query):
            v = _version(session, row.id, row.head_version)
            out.append(
                DesignSummary(
                    id=row.id,
                    name=row.name,
                    head_version=row.head_version,
                    project_id=row.project_id,
                    operations=len(v.model.get("operations", [])),
                    updated_at=_iso(row.updated_at),
                )
            )
        return out


def get_design(db: Database, ref: int | str, version: int | None = None) -> Design:
    with db.session() as session:
        return _design(session, _row(session, ref), version)


def delete_design(db: Database, ref: int | str) -> None:
    with db.session() as session:
        row = _row(session, ref)
        session.execute(delete(ApiDesignVersionRow).where(ApiDesignVersionRow.design_id == row.id))
        session.delete(row)


def edit_design(db: Database, ref: int | str, edit: object, *, message: str = "") -> Design:
    """Apply one builder edit to the head; the result is the new head version."""
    with db.session() as session:
        row = _row(session, ref)
        head = _version(session, row.id, row.head_version)
        new = apply_edit(ApiModel.model_validate(head.model), edit)
        latest = (
            session.scalar(
                select(func.max(ApiDesignVersionRow.version)).where(
                    ApiDesignVersionRow.design_id == row.id
                )
            )
            or 0
        )
        dump = edit.model_dump(mode="json") if hasattr(edit, "model_dump") else {}
        session.add(
            ApiDesignVersionRow(
                design_id=row.id,
                version=latest + 1,
                parent_version=row.head_version,
                model=new.model_dump(mode="json"),
                edit=dump,
                message=message or str(dump.get("op", "edit")),
            )
        )
        row.head_version = latest + 1
        session.flush()
        return _design(session, row)


def replace_design(db: Database, ref: int | str, model: ApiModel, *, message: str) -> Design:
    """A whole new model as the next version (an imported spec, a regenerated DDL)."""
    with db.session() as session:
        row = _row(session, ref)
        latest = (
            session.scalar(
                select(func.max(ApiDesignVersionRow.version)).where(
                    ApiDesignVersionRow.design_id == row.id
                )
            )
            or 0
        )
        session.add(
            ApiDesignVersionRow(
                design_id=row.id,
                version=latest + 1,
                parent_version=row.head_version,
                model=model.model_dump(mode="json"),
                edit={"op": "replace"},
                message=message,
            )
        )
        row.head_version = latest + 1
        session.flush()
        return _design(session, row)


def undo_design(db: Database, ref: int | str) -> Design:
    """Move the head to its parent version; Conflict when at the first version."""
    with db.session() as session:
        row = _row(session, ref)
        head = _version(session, row.id, row.head_version)
        if head.parent_version is None:
            raise Conflict("nothing to undo: the design is at its first version")
        row.head_version = head.parent_version
        session.flush()
        return _design(session, row)


def diff_design(db: Database, ref: int | str, old: int, new: int | None = None) -> DiffReport:
    with db.session() as session:
        row = _row(session, ref)
        a = ApiModel.model_validate(_version(session, row.id, old).model)
        b = ApiModel.model_validate(_version(session, row.id, new or row.head_version).model)
    return diff_models(a, b)


__all__ = [
    "create_design",
    "delete_design",
    "diff_design",
    "edit_design",
    "get_design",
    "list_designs",
    "replace_design",
    "undo_design",
]
