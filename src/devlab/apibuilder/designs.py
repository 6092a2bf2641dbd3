"""Stored, versioned API designs and the visual builder's edits.

A design is a name and a chain of versions, each a whole ``ApiModel``. Every edit
(add/remove a resource, a field, an operation or a relation; set the info) is
applied to the head version's model, validated (OpenAPI 3.1 validation of the
result plus the edit's own checks) and stored as a new version whose parent is the
head. Undo moves the head to its parent; the next edit branches from there. A
failed edit changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from devlab.apibuilder.crud import pascal, singular, tables_to_model
from devlab.apibuilder.ddl import Column, Table
from devlab.apibuilder.errors import EditRejected
from devlab.apibuilder.models import ApiModel, Operation, Parameter, Response
from devlab.apibuilder.openapi import to_openapi, validate
from devlab.errors import Conflict

FIELD_TYPES = {
    "string": {"type": "string"},
    "integer": {"type": "integer", "format": "int64"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "uuid": {"type": "string", "format": "uuid"},
    "email": {"type": "string", "format": "email"},
}
_NAME = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"


class FieldSpec(BaseModel):
    name: str = Field(pattern=_NAME)
    type: Literal["string", "integer", "number", "boolean", "date", "datetime", "uuid", "email"] = (
        "string"
    )
    required: bool = False


class AddResource(BaseModel):
    op: Literal["add_resource"]
    name: str = Field(pattern=_NAME, description="collection name, e.g. 'orders'")
    fields: list[FieldSpec] = Field(default_factory=list, max_length=200)


class RemoveResource(BaseModel):
    op: Literal["remove_resource"]
    name: str


class AddField(BaseModel):
    op: Literal["add_field"]
    resource: str
    field: FieldSpec


class RemoveField(BaseModel):
    op: Literal["remove_field"]
    resource: str
    name: str


class AddOperation(BaseModel):
    op: Literal["add_operation"]
    method: Literal["get", "post", "put", "patch", "delete"]
    path: str = Field(pattern=r"^/[A-Za-z0-9_\-{}/.]*$", max_length=300)
    operation_id: str = Field(pattern=_NAME)
    summary: str = Field(default="", max_length=500)
    response_schema: str | None = Field(default=None, description="a schema name")


class RemoveOperation(BaseModel):
    op: Literal["remove_operation"]
    operation_id: str


class AddRelation(BaseModel):
    op: Literal["add_relation"]
    parent: str = Field(description="the parent resource, e.g. 'users'")
    child: str = Field(description="the child resource, e.g. 'orders'")


class SetInfo(BaseModel):
    op: Literal["set_info"]
    title: str | None = Field(default=None, max_length=200)
    version: str | None = Field(default=None, max_length=50)
    description: str | None = Field(default=None, max_length=5000)


DesignEdit = Annotated[
    AddResource
    | RemoveResource
    | AddField
    | RemoveField
    | AddOperation
    | RemoveOperation
    | AddRelation
    | SetInfo,
    Field(discriminator="op"),
]


class DesignVersion(BaseModel):
    version: int
    parent_version: int | None
    message: str
    created_at: str


class Design(BaseModel):
    id: int
    name: str
    project_id: int | None
    head_version: int
    model: ApiModel
    openapi: dict[str, Any]
    versions: list[DesignVersion] = Field(default_factory=list)


class DesignSummary(BaseModel):
    id: int
    name: str
    head_version: int
    project_id: int | None = None
    operations: int
    updated_at: str


# ---------------------------------------------------------------- edits


def _segment(name: str) -> str:
    return name.lower().replace("_", "-")


def _resource_schema(model: ApiModel, resource: str) -> str:
    name = pascal(singular(resource))
    if name not in model.schemas:
        raise EditRejected(
            f"no resource {resource!r} in this design (schemas: "
            f"{', '.join(sorted(model.schemas)) or 'none'})",
            detail={"resource": resource},
        )
    return name


def _add_resource(model: ApiModel, edit: AddResource) -> None:
    table = Table(edit.name, primary_key=["id"])
    table.columns.append(
        Column("id", {"type": "integer", "format": "int64"}, nullable=False, generated=True)
    )
    for f in edit.fields:
        if f.name == "id":
            continue
        table.columns.append(Column(f.name, dict(FIELD_TYPES[f.type]), nullable=not f.required))
    part = tables_to_model([table])
    clash = set(part.schemas) - {"Error"} & set(model.schemas)
    if clash or any(o.path == f"/{_segment(edit.name)}" for o in model.operations):
        raise Conflict(f"resource {edit.name!r} already exists", detail={"resource": edit.name})
    model.schemas.update(part.schemas)
    model.operations += part.operations


def _remove_resource(model: ApiModel, edit: RemoveResource) -> None:
    name = _resource_schema(model, edit.name)
    for suffix in ("", "Create", "Update", "Page"):
        model.schemas.pop(name + suffix, None)
    seg = f"/{_segment(edit.name)}"
    model.operations = [
        o
        for o in model.operations
        if not (o.path == seg or o.path.startswith(seg + "/") or o.path.endswith(seg))
    ]


def _add_field(model: ApiModel, edit: AddField) -> None:
    name = _resource_schema(model, edit.resource)
    props = model.schemas[name].setdefault("properties", {})
    if edit.field.name in props:
        raise Conflict(f"{name} already has a field {edit.field.name!r}")
    schema = dict(FIELD_TYPES[edit.field.type])
    for target in (name, f"{name}Create", f"{name}Update"):
        if target in model.schemas:
            model.schemas[target].setdefault("properties", {})[edit.field.name] = dict(schema)
    if edit.field.required:
        for target in (name, f"{name}Create"):
            if target in model.schemas:
                model.schemas[target].setdefault("required", []).append(edit.field.name)


def _remove_field(model: ApiModel, edit: RemoveField) -> None:
    name = _resource_schema(model, edit.resource)
    if edit.name not in model.schemas[name].get("properties", {}):
        raise EditRejected(f"{name} has no field {edit.name!r}")
    for target in (name, f"{name}Create", f"{name}Update"):
        schema = model.schemas.get(target)
        if schema is not None:
            schema.get("properties", {}).pop(edit.name, None)
            if edit.name in schema.get("required", []):
                schema["required"] = [r for r in schema["required"] if r != edit.name]
                if not schema["required"]:
                    schema.pop("required")


def _add_operation(model: ApiModel, edit: AddOperation) -> None:
    if model.operation(edit.operation_id) is not None:
        raise Conflict(f"operation {edit.operation_id!r} already exists")
    if any(o.method == edit.method and o.path == edit.path for o in model.operations):
        raise Conflict(f"{edit.method.upper()} {edit.path} already exists")
    if edit.response_schema is not None and edit.response_schema not in model.schemas:
        raise EditRejected(f"no schema {edit.response_schema!r} for the response")
    params = [
        Parameter(name=seg[1:-1], location="path", required=True, schema={"type": "string"})
        for seg in edit.path.split("/")
        if seg.startswith("{") and seg.endswith("}")
    ]
    from devlab.apibuilder.models import Body

    body = (
        Body(schema={"$ref": f"#/components/schemas/{edit.response_schema}"})
        if edit.response_schema
        else None
    )
    status = "201" if edit.method == "post" else "204" if edit.method == "delete" else "200"
    model.operations.append(
        Operation(
            operation_id=edit.operation_id,
            method=edit.method,
            path=edit.path,
            summary=edit.summary,
            parameters=params,
            responses={status: Response(description="OK", body=body if status != "204" else None)},
        )
    )


def _add_relation(model: ApiModel, edit: AddRelation) -> None:
    parent = _resource_schema(model, edit.parent)
    child = _resource_schema(model, edit.child)
    fk = f"{singular(edit.parent).lower()}_id"
    _add_field(
        model,
        AddField(
            op="add_field",
            resource=edit.child,
            field=FieldSpec(name=fk, type="integer", required=True),
        ),
    )
    path = f"/{_segment(edit.parent)}/{{{fk}}}/{_segment(edit.child)}"
    op_id = f"list{parent}{pascal(edit.child)}"
    if model.operation(op_id) is not None:
        raise Conflict(f"{edit.child} already nest under {edit.parent}")
    model.operations.append(
        Operation(
            operation_id=op_id,
            method="get",
            path=path,
            tags=[_segment(edit.parent)],
            summary=f"List the {edit.child} of one {parent}",
            parameters=[
                Parameter(
                    name=fk,
                    location="path",
                    required=True,
                    schema={"type": "integer", "format": "int64"},
                ),
                Parameter(
                    name="limit",
                    location="query",
                    schema={"type": "integer", "minimum": 1, "maximum": 100},
                ),
                Parameter(
                    name="offset", location="query", schema={"type": "integer", "minimum": 0}
                ),
            ],
            responses={"200": Response(description="A page", body=_page_body(child))},
        )
    )


def _page_body(name: str) -> Any:
    from devlab.apibuilder.models import Body

    return Body(schema={"$ref": f"#/components/schemas/{name}Page"})


def apply_edit(model: ApiModel, edit: Any) -> ApiModel:
    """A new model with ``edit`` applied and validated; raises and leaves ``model`` as is."""
    new = model.model_copy(deep=True)
    handlers: dict[str, Callable[[ApiModel, Any], None]] = {
        "add_resource": _add_resource,
        "remove_resource": _remove_resource,
        "add_field": _add_field,
        "remove_field": _remove_field,
        "add_operation": _add_operation,
        "add_relation": _add_relation,
    }
    if edit.op == "remove_operation":
        if new.operation(edit.operation_id) is None:
            raise EditRejected(f"no operation {edit.operation_id!r}")
        new.operations = [o for o in new.operations if o.operation_id != edit.operation_id]
    elif edit.op == "set_info":
        for key in ("title", "version", "description"):
            if getattr(edit, key) is not None:
                setattr(new, key, getattr(edit, key))
    else:
        handlers[edit.op](new, edit)
    problems = validate(to_openapi(new), "", "3.1.0")
    if problems:
        raise EditRejected(
            f"the edit would make the design invalid: {problems[0].message} at "
            f"{problems[0].pointer}",
            detail={"problems": [p.model_dump() for p in problems]},
        )
    return new
