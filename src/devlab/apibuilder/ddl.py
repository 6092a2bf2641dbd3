"""SQL DDL -> the API model: a JSON schema per table and CRUD operations.

Reading order: ``read_tables`` (sqlglot parses the DDL of one dialect; CREATE
TABLE / TYPE ... AS ENUM / INDEX and ALTER TABLE ... ADD CONSTRAINT become plain
``Table`` records) -> ``tables_to_model`` (per table: a schema, a create and an
update schema, list with limit/offset pagination and filters on indexed columns,
get / patch / delete by primary key, and a nested list under each foreign key's
parent). Statements other than DDL (INSERT, SET, ...) are skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from devlab.apibuilder.errors import DDLInvalid, SpecTooLarge, UnsupportedDialect

DIALECTS = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "tsql": "tsql",
    "sqlserver": "tsql",
    "mssql": "tsql",
}
MAX_DDL_BYTES = 5_000_000
MAX_PAGE = 100


@dataclass
class Column:
    name: str
    schema: dict[str, Any]
    nullable: bool = True
    has_default: bool = False
    generated: bool = False


@dataclass
class Table:
    name: str
    columns: list[Column] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    unique: list[list[str]] = field(default_factory=list)
    indexed: set[str] = field(default_factory=set)
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name.lower() == name.lower()), None)


def resolve_dialect(name: str) -> str:
    key = DIALECTS.get((name or "").lower())
    if key is None:
        raise UnsupportedDialect(
            f"unsupported SQL dialect {name!r}; supported: postgres, mysql, sqlite, tsql",
            detail={"supported": sorted(set(DIALECTS.values()))},
        )
    return key


# ---------------------------------------------------------------- types


_INT32 = {
    "INT",
    "INTEGER",
    "MEDIUMINT",
    "SMALLINT",
    "TINYINT",
    "SERIAL",
    "SMALLSERIAL",
    "UINT",
    "USMALLINT",
    "UTINYINT",
    "UMEDIUMINT",
}
_INT64 = {"BIGINT", "BIGSERIAL", "UBIGINT", "INT128", "INT256"}
_NUMBER = {
    "DECIMAL",
    "NUMERIC",
    "FLOAT",
    "DOUBLE",
    "REAL",
    "MONEY",
    "SMALLMONEY",
    "UDECIMAL",
    "BIGDECIMAL",
}
_FORMATS = {
    "DATE": "date",
    "DATETIME": "date-time",
    "DATETIME2": "date-time",
    "TIMESTAMP": "date-time",
    "TIMESTAMPTZ": "date-time",
    "TIMESTAMPLTZ": "date-time",
    "TIMESTAMPNTZ": "date-time",
    "SMALLDATETIME": "date-time",
    "DATETIMEOFFSET": "date-time",
    "TIME": "time",
    "TIMETZ": "time",
    "UUID": "uuid",
    "UNIQUEIDENTIFIER": "uuid",
    "INET": "ipv4",
}
_BINARY = {"BLOB", "BINARY", "VARBINARY", "BYTEA", "LONGBLOB", "MEDIUMBLOB", "TINYBLOB", "IMAGE"}


def _type_schema(dtype: Any, enums: dict[str, list[str]]) -> dict[str, Any]:
    from sqlglot import exp

    if not isinstance(dtype, exp.DataType):
        return {}
    kind = dtype.this.name if hasattr(dtype.this, "name") else str(dtype.this)
    params = [p for p in dtype.expressions if isinstance(p, exp.DataTypeParam)]
    if kind in ("USERDEFINED",):
        name = dtype.sql().strip('"').lower()
        return {"type": "string", "enum": enums[name]} if name in enums else {}
    if kind == "ENUM":
        return {"type": "string", "enum": [e.name for e in dtype.expressions]}
    if (
        kind == "BOOLEAN"
        or kind == "BIT"
        or (kind == "TINYINT" and params and params[0].name == "1")
    ):
        return {"type": "boolean"}
    if kind in _INT32:
        return {"type": "integer", "format": "int32"}
    if kind in _INT64:
        return {"type": "integer", "format": "int64"}
    if kind in _NUMBER:
        return {"type": "number"}
    if kind in _FORMATS:
        return {"type": "string", "format": _FORMATS[kind]}
    if kind in _BINARY:
        return {"type": "string", "contentEncoding": "base64"}
    if kind in ("JSON", "JSONB", "VARIANT", "OBJECT"):
        return {}
    if kind == "ARRAY" and dtype.expressions:
        return {"type": "array", "items": _type_schema(dtype.expressions[0], enums)}
    schema: dict[str, Any] = {"type": "string"}
    if kind in ("VARCHAR", "CHAR", "NVARCHAR", "NCHAR") and params and params[0].name.isdigit():
        schema["maxLength"] = int(params[0].name)
    return schema


def _literal(node: Any) -> Any:
    from sqlglot import exp

    if isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        value = _literal(node.this)
        return -value if isinstance(value, int | float) else None
    if isinstance(node, exp.Boolean):
        return node.this
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        try:
            return int(node.this)
        except ValueError:
            try:
                return float(node.this)
            except ValueError:
                return None
    return None


def _apply_check(table: Table, check: Any) -> None:
    """``col IN ('a', 'b')`` -> enum; ``col >= n`` / ``col > n`` / ``<=`` / ``<`` -> bounds."""
    from sqlglot import exp

    for node in check.find_all(exp.In, exp.GTE, exp.GT, exp.LTE, exp.LT):
        column = node.this if isinstance(node.this, exp.Column) else None
        col = table.column(column.name) if column is not None else None
        if col is None:
            continue
        if isinstance(node, exp.In):
            values = [_literal(v) for v in node.expressions]
            if values and all(v is not None for v in values):
                col.schema["enum"] = values
            continue
        value = _literal(node.expression)
        if not isinstance(value, int | float) or col.schema.get("type") not in (
            "integer",
            "number",
        ):
            continue
        key = {
            exp.GTE: "minimum",
            exp.GT: "exclusiveMinimum",
            exp.LTE: "maximum",
            exp.LT: "exclusiveMaximum",
        }[type(node)]
        col.schema[key] = value


# ---------------------------------------------------------------- statements


def _names(nodes: list[Any]) -> list[str]:
    return [n.name for n in nodes if getattr(n, "name", "")]


def _reference(ref: Any) -> tuple[str, list[str]]:
    schema = ref.this
    table = schema.this.name if hasattr(schema, "this") and schema.this is not None else ""
    return table, _names(getattr(schema, "expressions", []) or [])


def _table_constraint(table: Table, node: Any) -> None:
    from sqlglot import exp

    if isinstance(node, exp.Constraint):
        for inner in node.expressions:
            _table_constraint(table, inner)
    elif isinstance(node, exp.PrimaryKey):
        table.primary_key = [
            n.name if not isinstance(n, exp.Ordered) else n.this.name for n in node.expressions
        ]
    elif isinstance(node, exp.ForeignKey):
        ref = node.args.get("reference")
        if ref is not None:
            parent, cols = _reference(ref)
            table.foreign_keys.append((_names(node.expressions), parent, cols))
    elif isinstance(node, exp.UniqueColumnConstraint):
        schema = node.this
        cols = _names(getattr(schema, "expressions", []) or []) if schema is not None else []
        if cols:
            table.unique.append(cols)
    elif isinstance(node, exp.CheckColumnConstraint):
        _apply_check(table, node.this)


def _column(table: Table, node: Any, enums: dict[str, list[str]]) -> None:
    from sqlglot import exp

    col = Column(node.name, _type_schema(node.args.get("kind"), enums))
    kind_name = str(getattr(node.args.get("kind"), "this", ""))
    col.generated = "SERIAL" in kind_name
    table.columns.append(col)
    checks = []
    for constraint in node.args.get("constraints") or []:
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.NotNullColumnConstraint):
            col.nullable = bool(kind.args.get("allow_null"))
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            table.primary_key = [col.name]
        elif isinstance(kind, exp.UniqueColumnConstraint):
            table.unique.append([col.name])
        elif isinstance(kind, exp.DefaultColumnConstraint):
            col.has_default = True
            value = _literal(kind.this)
            if value is not None:
                col.schema["default"] = value
        elif isinstance(
            kind, exp.GeneratedAsIdentityColumnConstraint | exp.AutoIncrementColumnConstraint
        ):
            col.generated = True
        elif isinstance(kind, exp.Reference):
            parent, cols = _reference(kind)
            table.foreign_keys.append(([col.name], parent, cols))
        elif isinstance(kind, exp.CheckColumnConstraint):
            checks.append(kind.this)
    for check in checks:
        _apply_check(table, check)


def _statement(stmt: Any, tables: dict[str, Table], enums: dict[str, list[str]]) -> None:
    from sqlglot import exp

    if isinstance(stmt, exp.Create):
        kind = str(stmt.args.get("kind") or "").upper()
        if kind == "TYPE" and isinstance(stmt.expression, exp.DataType):
            values = [e.name for e in stmt.expression.expressions]
            enums[stmt.this.name.lower()] = values
        elif kind == "TABLE" and isinstance(stmt.this, exp.Schema):
            created = Table(stmt.this.this.name)
            tables[created.name.lower()] = created
            for node in stmt.this.expressions:
                if isinstance(node, exp.ColumnDef):
                    _column(created, node, enums)
                else:
                    _table_constraint(created, node)
        elif kind == "INDEX" and isinstance(stmt.this, exp.Index):
            target = stmt.this.args.get("table")
            table = tables.get(target.name.lower()) if target is not None else None
            params = stmt.this.args.get("params")
            if table is not None and params is not None:
                for col in params.args.get("columns") or []:
                    column = col.this if isinstance(col, exp.Ordered) else col
                    if isinstance(column, exp.Column):
                        table.indexed.add(column.name)
    elif isinstance(stmt, exp.Alter) and stmt.this is not None:
        table = tables.get(stmt.this.name.lower())
        for action in stmt.args.get("actions") or []:
            if table is not None and isinstance(action, exp.AddConstraint):
                for node in action.expressions:
                    _table_constraint(table, node)


def read_tables(sql: str, dialect: str = "postgres") -> list[Table]:
    """Tables of the DDL ``sql`` in ``dialect``; DDLInvalid names the line on a syntax error."""
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    read = resolve_dialect(dialect)
    if len(sql) > MAX_DDL_BYTES:
        raise SpecTooLarge(
            f"the DDL is {len(sql)} bytes; the limit is {MAX_DDL_BYTES}",
            detail={"limit": "bytes", "maximum": MAX_DDL_BYTES},
        )
    # sqlglot logs each statement it keeps as an opaque Command (functions, triggers)
    logging.getLogger("sqlglot").setLevel(logging.ERROR)
    try:
        statements = sqlglot.parse(sql, read=read)
    except ParseError as exc:
        first = exc.errors[0] if exc.errors else {}
        line = first.get("line")
        raise DDLInvalid(
            f"the DDL does not parse as {read} at line {line}, column {first.get('col')}: "
            f"{first.get('description', exc)} near {first.get('highlight', '')!r}",
            detail={"line": line, "column": first.get("col"), "dialect": read},
        ) from None
    except TokenError as exc:
        raise DDLInvalid(
            f"the DDL does not tokenize as {read}: {exc}", detail={"dialect": read}
        ) from None
    tables: dict[str, Table] = {}
    enums: dict[str, list[str]] = {}
    for stmt in statements:
        if stmt is not None:
            _statement(stmt, tables, enums)
    for table in tables.values():
        for name in table.primary_key:
            col = table.column(name)
            if col is not None:
                col.nullable = False
    if not tables:
        raise DDLInvalid(
            f"no CREATE TABLE statement found (read as {read})", detail={"line": 1, "dialect": read}
        )
    return list(tables.values())
