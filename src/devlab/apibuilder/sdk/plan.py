"""The language-neutral plan of an SDK: models, operations, auth, pagination.

Every language renders the same ``SdkPlan``, so the SDKs agree on what they
offer: one typed model per named schema (object schemas become records, others
aliases), one method per operation (path parameters positional, query/header
parameters named, a typed JSON body), the first 2xx response as the result,
limit/offset or page pagination helpers, and auth from the security schemes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devlab.apibuilder.examples import schema_type
from devlab.apibuilder.models import ApiModel, Operation, Parameter

# A type: ("prim", "string"|"integer"|"number"|"boolean"|"any"), ("ref", name),
# ("list", T) or ("map", T).
TypeRef = tuple[str, Any]
ANY: TypeRef = ("prim", "any")


@dataclass
class FieldPlan:
    json_name: str
    type: TypeRef
    required: bool
    nullable: bool
    description: str = ""


@dataclass
class ModelPlan:
    name: str  # the schema's name in the spec
    fields: list[FieldPlan] | None  # None: an alias of ``alias``
    alias: TypeRef = ANY
    description: str = ""


@dataclass
class ParamPlan:
    json_name: str
    location: str
    type: TypeRef
    required: bool
    style: str = ""  # a query parameter's non-default serialisation (see query_key)

    def query_key(self) -> str:
        """The key the generated call puts the value under: the name, then a NUL and
        the style when it is not form-exploded (``deepObject``, ``form`` for comma-joined,
        ``spaceDelimited``, ``pipeDelimited``); the clients' query writers split it."""
        return self.json_name + ("\x00" + self.style if self.style else "")

    def header_key(self) -> str:
        """A header parameter's key in the generated call; a cookie parameter's is
        ``Cookie`` NUL name (the clients fold them into one ``Cookie`` header)."""
        return ("Cookie\x00" if self.location == "cookie" else "") + self.json_name


@dataclass
class OpPlan:
    operation_id: str
    method: str
    path: str
    summary: str
    path_params: list[ParamPlan]
    query_params: list[ParamPlan]
    header_params: list[ParamPlan]
    body_kind: str | None  # "json" | "form" | "multipart" | "raw"
    body_type: TypeRef
    body_required: bool
    body_content_type: str
    result_kind: str  # "json" | "none" | "raw"
    result_type: TypeRef
    result_status: str
    paging: str | None  # "offset" | "page" | None
    page_items: str | None  # "" for a top-level array, else the items property name
    page_item_type: TypeRef = ANY
    deprecated: bool = False


@dataclass
class SdkPlan:
    title: str
    version: str
    base_url: str
    models: list[ModelPlan] = field(default_factory=list)
    ops: list[OpPlan] = field(default_factory=list)
    bearer: bool = False
    basic: bool = False
    api_keys: list[tuple[str, str]] = field(default_factory=list)  # (location, name)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def type_of(schema: Any, schemas: dict[str, Any], depth: int = 0) -> TypeRef:
    """The ``TypeRef`` of a schema; inline objects are maps (named schemas are models)."""
    if not isinstance(schema, dict) or depth > 16:
        return ANY
    if "$ref" in schema:
        name = _ref_name(str(schema["$ref"]))
        return ("ref", name) if name in schemas else ANY
    for key in ("allOf", "oneOf", "anyOf"):
        parts = schema.get(key)
        if isinstance(parts, list):
            real = [p for p in parts if not (isinstance(p, dict) and p.get("type") == "null")]
            if len(real) == 1:
                return type_of(real[0], schemas, depth + 1)
            return ANY
    kind = schema_type(schema)
    if kind in ("string", "integer", "number", "boolean"):
        return ("prim", kind)
    if kind == "array":
        return ("list", type_of(schema.get("items"), schemas, depth + 1))
    if kind == "object":
        extra = schema.get("additionalProperties")
        if not schema.get("properties") and isinstance(extra, dict) and extra:
            return ("map", type_of(extra, schemas, depth + 1))
        return ("map", ANY)
    return ANY


def _nullable(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return True
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        return True
    parts = schema.get("anyOf") or schema.get("oneOf") or []
    return any(isinstance(p, dict) and p.get("type") == "null" for p in parts)


def _object_fields(
    schema: dict[str, Any], schemas: dict[str, Any], seen: set[str], depth: int = 0
) -> list[FieldPlan] | None:
    """Fields of an object-like schema (allOf parts merged); None when not object-like."""
    if depth > 8:
        return None
    if "$ref" in schema:
        name = _ref_name(str(schema["$ref"]))
        if name in seen or name not in schemas:
            return None
        return _object_fields(schemas[name], schemas, seen | {name}, depth + 1)
    fields: dict[str, FieldPlan] = {}
    if isinstance(schema.get("allOf"), list):
        for part in schema["allOf"]:
            sub = _object_fields(part, schemas, seen, depth + 1) if isinstance(part, dict) else None
            if sub is None:
                return None
            fields.update({f.json_name: f for f in sub})
    elif schema_type(schema) != "object" or not isinstance(schema.get("properties"), dict):
        return None
    required = req if isinstance(req := schema.get("required"), list) else []
    for name, sub in (schema.get("properties") or {}).items():
        fields[str(name)] = FieldPlan(
            json_name=str(name),
            type=type_of(sub, schemas),
            required=name in required,
            nullable=_nullable(sub),
            description=str(sub.get("description") or "")[:200] if isinstance(sub, dict) else "",
        )
    return list(fields.values())


def _body_kind(content_type: str) -> str:
    if "json" in content_type:
        return "json"
    if content_type == "application/x-www-form-urlencoded":
        return "form"
    if content_type.startswith("multipart/"):
        return "multipart"
    return "raw"


def _paging(
    op: Operation, result: TypeRef, schemas: dict[str, Any], schema: Any
) -> tuple[str | None, str | None, TypeRef]:
    names = {p.name for p in op.parameters if p.location == "query"}
    style = "offset" if {"limit", "offset"} <= names else "page" if "page" in names else None
    if style is None or op.method != "get":
        return None, None, ANY
    if result[0] == "list":
        return style, "", result[1]
    target = schema
    if isinstance(target, dict) and "$ref" in target:
        target = schemas.get(_ref_name(str(target["$ref"])), {})
    props = target.get("properties") if isinstance(target, dict) else None
    for key in ("items", "data", "results", "values", "records"):
        if isinstance(props, dict) and key in props:
            item = type_of(props[key], schemas)
            if item[0] == "list":
                return style, key, item[1]
    return None, None, ANY


def _query_style(p: Parameter) -> str:
    style, explode = p.serialization()
    if p.content_type or (style == "form" and explode) or style not in _QUERY_STYLES:
        return ""
    return "deepObject" if style == "deepObject" else style if not explode else ""


_QUERY_STYLES = ("form", "deepObject", "spaceDelimited", "pipeDelimited")


def _op_plan(op: Operation, schemas: dict[str, Any]) -> OpPlan:
    groups: dict[str, list[ParamPlan]] = {"path": [], "query": [], "header": []}
    for p in op.parameters:  # cookie parameters go with the headers (``header_key``)
        if p.location in ("path", "query", "header", "cookie"):
            groups["header" if p.location == "cookie" else p.location].append(
                ParamPlan(
                    p.name,
                    p.location,
                    type_of(p.schema_, schemas),
                    p.required or p.location == "path",
                    _query_style(p) if p.location == "query" else "",
                )
            )
    body = op.request_body
    kind = _body_kind(body.content_type) if body is not None else None
    status, result_kind, result, result_schema = "200", "none", ANY, None
    for code in sorted(op.responses):
        if code.startswith("2") or code == "default":
            resp = op.responses[code]
            status = code if code.startswith("2") else "200"
            if resp.body is not None:
                if "json" in resp.body.content_type:
                    result_kind, result_schema = "json", resp.body.schema_
                    result = type_of(resp.body.schema_, schemas)
                else:
                    result_kind = "raw"
            break
    paging, items, item_type = _paging(op, result, schemas, result_schema)
    return OpPlan(
        operation_id=op.operation_id,
        method=op.method.upper(),
        path=op.path.split("#", 1)[0] or "/",  # a fragment is never sent
        summary=(op.summary or op.description).strip().splitlines()[0][:200]
        if (op.summary or op.description).strip()
        else "",
        path_params=groups["path"],
        query_params=groups["query"],
        header_params=groups["header"],
        body_kind=kind,
        body_type=type_of(body.schema_, schemas) if body is not None and kind == "json" else ANY,
        body_required=bool(body and body.required),
        body_content_type=body.content_type if body is not None else "",
        result_kind=result_kind,
        result_type=result,
        result_status=status,
        paging=paging,
        page_items=items,
        page_item_type=item_type,
        deprecated=op.deprecated,
    )


def build_plan(model: ApiModel) -> SdkPlan:
    """The SDK plan of ``model`` (deterministic: spec order, no randomness)."""
    schemas = model.schemas
    plan = SdkPlan(
        title=model.title,
        version=model.version,
        base_url=model.servers[0] if model.servers else "http://localhost:8080",
    )
    for name, schema in schemas.items():
        fields = _object_fields(schema, schemas, {name}) if isinstance(schema, dict) else None
        desc = str(schema.get("description") or "")[:300] if isinstance(schema, dict) else ""
        if fields is not None:
            plan.models.append(ModelPlan(name, fields, description=desc))
        else:
            plan.models.append(ModelPlan(name, None, type_of(schema, schemas), desc))
    plan.ops = [_op_plan(op, schemas) for op in model.operations]
    for scheme in model.security_schemes.values():
        if scheme.type == "apiKey" and scheme.location in ("header", "query"):
            plan.api_keys.append((scheme.location, scheme.param_name))
        elif scheme.type == "http" and scheme.scheme == "basic":
            plan.basic = True
        else:
            plan.bearer = True
    return plan


_WORD = re.compile(r"[A-Za-z0-9]+")


def path_expr(
    path: str,
    idents: dict[str, str],
    *,
    segment: Callable[[str], str],
    literal: Callable[[str], str],
    empty: str,
) -> str:
    """An SDK's expression for an operation's path: literal pieces quoted by ``literal``,
    each ``{param}`` with an identifier in ``idents`` encoded by ``segment`` (the target
    language's escaping call), joined with ``+``; ``empty`` for an empty path."""
    parts: list[str] = []
    for piece in re.split(r"(\{[^{}]*\})", path):
        if piece.startswith("{") and piece.endswith("}") and piece[1:-1] in idents:
            parts.append(segment(idents[piece[1:-1]]))
        elif piece:
            parts.append(literal(piece))
    return " + ".join(parts) or empty


def words(text: str) -> list[str]:
    """Split ``listPets`` / ``list_pets`` / ``list-pets`` into ['list', 'pets']."""
    out: list[str] = []
    for chunk in _WORD.findall(text):
        out += [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", chunk)]
    return out or ["x"]


def snake(text: str) -> str:
    return "_".join(words(text))


def camel(text: str) -> str:
    w = words(text)
    return w[0] + "".join(x[:1].upper() + x[1:] for x in w[1:])


def pascal_name(text: str) -> str:
    return "".join(x[:1].upper() + x[1:] for x in words(text))


class Namer:
    """Unique identifiers in one scope: reserved words and clashes get a suffix."""

    def __init__(self, reserved: set[str], *, fold: bool = False) -> None:
        self.reserved = {r.lower() for r in reserved} if fold else set(reserved)
        self.fold = fold
        self.used: set[str] = set()
        self.names: dict[str, str] = {}

    def __call__(self, key: str, proposal: str, suffix: str = "_") -> str:
        if key in self.names:
            return self.names[key]
        if proposal[:1].isdigit():
            proposal = "n" + proposal if proposal[:1].isdigit() else proposal
        candidate, n = proposal, 2

        def taken(name: str) -> bool:
            k = name.lower() if self.fold else name
            return k in self.used or k in self.reserved

        if taken(candidate):
            candidate = proposal + suffix
        while taken(candidate):
            candidate, n = f"{proposal}{suffix}{n}", n + 1
        self.used.add(candidate.lower() if self.fold else candidate)
        self.names[key] = candidate
        return candidate


__all__ = [
    "ANY",
    "FieldPlan",
    "ModelPlan",
    "Namer",
    "OpPlan",
    "ParamPlan",
    "SdkPlan",
    "TypeRef",
    "build_plan",
    "camel",
    "pascal_name",
    "snake",
    "type_of",
    "words",
]
