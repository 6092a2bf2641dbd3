"""Tables -> a CRUD API model (the second half of DDL -> API).

Per table ``orders``: schemas ``Order``, ``OrderCreate`` (server-generated and
defaulted columns optional), ``OrderUpdate`` (all optional) and ``OrderPage``;
``GET /orders`` (limit/offset pagination, equality filters on indexed columns:
primary, unique, foreign keys and CREATE INDEX columns), ``POST /orders``,
``GET|PATCH|DELETE /orders/{id}`` by primary key, and for each foreign key
``GET /users/{id}/orders`` (the children of one parent).
"""

from __future__ import annotations

import re
from typing import Any

from devlab.apibuilder.ddl import MAX_PAGE, Table, read_tables
from devlab.apibuilder.models import ApiModel, Body, Operation, Parameter, ParseReport, Response

_ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {"error": {"type": "string"}, "status": {"type": "integer", "format": "int32"}},
}


def pascal(name: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w]
    out = "".join(w[:1].upper() + w[1:] for w in words) or "Item"
    return out if not out[0].isdigit() else "T" + out


def singular(name: str) -> str:
    low = name.lower()
    if low.endswith("ies") and len(name) > 4:
        return name[:-3] + ("Y" if name[-1].isupper() else "y")
    if low.endswith(("sses", "xes", "ches", "shes")):
        return name[:-2]
    if low.endswith("s") and not low.endswith("ss") and len(name) > 3:
        return name[:-1]
    return name


def _segment(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "items"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _column_schema(col: Any) -> dict[str, Any]:
    schema = dict(col.schema)
    if col.nullable and isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
    return schema


def _table_schemas(table: Table, name: str) -> dict[str, dict[str, Any]]:
    props = {c.name: _column_schema(c) for c in table.columns}
    required = [c.name for c in table.columns if not c.nullable or c.name in table.primary_key]
    create_required = [
        c.name
        for c in table.columns
        if not c.nullable
        and not c.has_default
        and not c.generated
        and not (
            c.name in table.primary_key
            and len(table.primary_key) == 1
            and c.schema.get("type") == "integer"
        )
    ]
    create_props = {
        k: v
        for k, v in props.items()
        if not any(c.name == k and c.generated for c in table.columns)
    }
    main: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        main["required"] = required
    create: dict[str, Any] = {"type": "object", "properties": create_props}
    if create_required:
        create["required"] = create_required
    return {
        name: main,
        f"{name}Create": create,
        f"{name}Update": {"type": "object", "properties": create_props},
        f"{name}Page": {
            "type": "object",
            "required": ["items", "total", "limit", "offset"],
            "properties": {
                "items": {"type": "array", "items": _ref(name)},
                "total": {"type": "integer", "format": "int64"},
                "limit": {"type": "integer", "format": "int32"},
                "offset": {"type": "integer", "format": "int64"},
            },
        },
    }


def _paging() -> list[Parameter]:
    return [
        Parameter(
            name="limit",
            location="query",
            description="page size",
            schema={
                "type": "integer",
                "format": "int32",
                "minimum": 1,
                "maximum": MAX_PAGE,
                "default": 20,
            },
        ),
        Parameter(
            name="offset",
            location="query",
            description="items to skip",
            schema={"type": "integer", "format": "int64", "minimum": 0, "default": 0},
        ),
    ]


def _json(schema: dict[str, Any], description: str) -> Response:
    return Response(description=description, body=Body(schema=schema))


def _errors(*codes: str) -> dict[str, Response]:
    text = {"404": "Not found", "409": "Conflict", "422": "Invalid input"}
    return {c: _json(_ref("Error"), text[c]) for c in codes}


def _indexed(table: Table) -> list[str]:
    names = set(table.primary_key) | set(table.indexed)
    names |= {c for cols in table.unique for c in cols}
    names |= {c for cols, _, _ in table.foreign_keys for c in cols}
    return [c.name for c in table.columns if c.name in names]


def _table_ops(table: Table, name: str, seg: str) -> list[Operation]:
    plural = pascal(table.name)
    filters = [
        Parameter(
            name=c,
            location="query",
            description=f"only rows with this {c}",
            schema=dict(col.schema),
        )
        for c in _indexed(table)
        if (col := table.column(c)) is not None
    ]
    ops = [
        Operation(
            operation_id=f"list{plural}",
            method="get",
            path=f"/{seg}",
            tags=[seg],
            summary=f"List {table.name} (paginated, filterable on indexed columns)",
            parameters=_paging() + filters,
            responses={
                "200": _json(_ref(f"{name}Page"), f"A page of {table.name}"),
                **_errors("422"),
            },
        ),
        Operation(
            operation_id=f"create{name}",
            method="post",
            path=f"/{seg}",
            tags=[seg],
            summary=f"Create one {name}",
            request_body=Body(schema=_ref(f"{name}Create"), required=True),
            responses={"201": _json(_ref(name), "Created"), **_errors("409", "422")},
        ),
    ]
    if not table.primary_key:
        return ops
    keys = [
        Parameter(
            name=k,
            location="path",
            required=True,
            schema=dict(col.schema) if (col := table.column(k)) else {},
        )
        for k in table.primary_key
    ]
    item = f"/{seg}/" + "/".join("{" + k + "}" for k in table.primary_key)
    ops += [
        Operation(
            operation_id=f"get{name}",
            method="get",
            path=item,
            tags=[seg],
            summary=f"Get one {name}",
            parameters=keys,
            responses={"200": _json(_ref(name), "Found"), **_errors("404")},
        ),
        Operation(
            operation_id=f"update{name}",
            method="patch",
            path=item,
            tags=[seg],
            summary=f"Update fields of one {name}",
            parameters=keys,
            request_body=Body(schema=_ref(f"{name}Update"), required=True),
            responses={"200": _json(_ref(name), "Updated"), **_errors("404", "422")},
        ),
        Operation(
            operation_id=f"delete{name}",
            method="delete",
            path=item,
            tags=[seg],
            summary=f"Delete one {name}",
            parameters=keys,
            responses={"204": Response(description="Deleted"), **_errors("404")},
        ),
    ]
    return ops


def _nested_ops(
    table: Table, name: str, seg: str, by_name: dict[str, Table], names: dict[str, str]
) -> list[Operation]:
    ops = []
    for cols, parent_name, parent_cols in table.foreign_keys:
        parent = by_name.get(parent_name.lower())
        if parent is None or not parent.primary_key or len(cols) != len(parent.primary_key):
            continue
        pseg = _segment(parent.name)
        keys = [
            Parameter(
                name=c,
                location="path",
                required=True,
                schema=dict(col.schema) if (col := table.column(c)) else {},
            )
            for c in cols
        ]
        path = f"/{pseg}/" + "/".join("{" + c + "}" for c in cols) + f"/{seg}"
        via = "" if len(table.foreign_keys) == 1 else "By" + pascal("_".join(cols))
        ops.append(
            Operation(
                operation_id=f"list{names[parent.name.lower()]}{pascal(table.name)}{via}",
                method="get",
                path=path,
                tags=[pseg],
                parameters=keys + _paging(),
                summary=f"List the {table.name} of one {names[parent.name.lower()]}",
                responses={
                    "200": _json(_ref(f"{name}Page"), f"A page of {table.name}"),
                    **_errors("404"),
                },
            )
        )
        del parent_cols
    return ops


def tables_to_model(
    tables: list[Table], *, title: str = "Database API", source: str = "ddl"
) -> ApiModel:
    """The CRUD API model of ``tables`` (see the module doc)."""
    by_name = {t.name.lower(): t for t in tables}
    names: dict[str, str] = {}
    used: set[str] = {"Error"}
    for t in tables:
        base = pascal(singular(t.name))
        candidate, n = base, 2
        while candidate in used:
            candidate, n = f"{base}{n}", n + 1
        used.add(candidate)
        names[t.name.lower()] = candidate
    segments: dict[str, str] = {}
    seen_segments: set[str] = set()
    for t in tables:
        seg = _segment(t.name)
        while seg in seen_segments:
            seg += "-x"
        seen_segments.add(seg)
        segments[t.name.lower()] = seg
    schemas: dict[str, dict[str, Any]] = {"Error": _ERROR}
    ops: list[Operation] = []
    for t in tables:
        name, seg = names[t.name.lower()], segments[t.name.lower()]
        schemas.update(_table_schemas(t, name))
        ops += _table_ops(t, name, seg)
    seen = {o.operation_id for o in ops}
    for t in tables:
        for op in _nested_ops(t, names[t.name.lower()], segments[t.name.lower()], by_name, names):
            if op.operation_id not in seen and not any(
                o.path == op.path and o.method == op.method for o in ops
            ):
                seen.add(op.operation_id)
                ops.append(op)
    return ApiModel(
        title=title,
        version="1.0.0",
        servers=["http://localhost:8080"],
        operations=ops,
        schemas=schemas,
        source=source,
        description=f"CRUD API generated by DevLab from {len(tables)} table(s).",
    )


def parse_ddl(sql: str, dialect: str = "postgres", *, title: str = "Database API") -> ParseReport:
    """DDL text -> the parse report (model + OpenAPI 3.1) of its CRUD API."""
    from devlab.apibuilder.ddl import resolve_dialect
    from devlab.apibuilder.openapi import report_for

    read = resolve_dialect(dialect)
    model = tables_to_model(read_tables(sql, read), title=title, source=f"ddl {read}")
    return report_for(model, "ddl", f"ddl {read}", [])


__all__ = ["parse_ddl", "pascal", "singular", "tables_to_model"]
