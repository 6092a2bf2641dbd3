"""Diff two versions of an API; breaking changes flagged.

Breaking: a removed operation, a new required parameter (or one made required), a
parameter or request field whose type narrowed (fewer types, enum values removed,
tighter bounds), a request body made required or a new required body field, a
changed success status code, a removed response field. Everything else is listed
as non-breaking (added operations, optional parameters, new response fields).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from devlab.apibuilder.examples import schema_type
from devlab.apibuilder.models import ApiModel, Operation


class Change(BaseModel):
    kind: str
    breaking: bool
    operation: str = ""
    message: str


class DiffReport(BaseModel):
    breaking: int
    changes: list[Change] = Field(default_factory=list)


def _resolve(schema: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    for _ in range(8):
        if isinstance(schema, dict) and "$ref" in schema:
            schema = schemas.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
    return schema if isinstance(schema, dict) else {}


def _types(schema: dict[str, Any]) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, list):
        return {str(k) for k in kind}
    return {kind} if isinstance(kind, str) else set()


def narrowing(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Why ``new`` accepts less than ``old`` ('' when it does not)."""
    old_t, new_t = _types(old), _types(new)
    lost = old_t - new_t
    if "number" in new_t:
        lost.discard("integer")  # integer -> number widens
    if old_t and new_t and lost:
        return f"type {sorted(old_t)} -> {sorted(new_t)}"
    if isinstance(old.get("enum"), list) and isinstance(new.get("enum"), list):
        gone = [v for v in old["enum"] if v not in new["enum"]]
        if gone:
            return f"enum values removed: {gone[:5]}"
    if "enum" in new and "enum" not in old:
        return "now restricted to an enum"
    for key, tighter in (
        ("maxLength", min),
        ("maximum", min),
        ("maxItems", min),
        ("minLength", max),
        ("minimum", max),
        ("minItems", max),
    ):
        a, b = old.get(key), new.get(key)
        if isinstance(b, int | float) and (
            a is None or (isinstance(a, int | float) and tighter(a, b) == b and a != b)
        ):
            return f"{key} {a} -> {b}"
    if new.get("pattern") and new.get("pattern") != old.get("pattern"):
        return "new pattern"
    return ""


def _key(op: Operation) -> str:
    return f"{op.method.upper()} {op.path}"


def _params(old: Operation, new: Operation, add: Any) -> None:
    before = {(p.location, p.name): p for p in old.parameters}
    for p in new.parameters:
        prev = before.get((p.location, p.name))
        if prev is None:
            add(
                "parameter-added",
                p.required,
                f"{p.location} parameter {p.name!r} added" + (" (required)" if p.required else ""),
            )
        else:
            if p.required and not prev.required:
                add(
                    "parameter-required", True, f"{p.location} parameter {p.name!r} is now required"
                )
            why = narrowing(prev.schema_, p.schema_)
            if why:
                add("parameter-narrowed", True, f"{p.location} parameter {p.name!r}: {why}")
    after = {(p.location, p.name) for p in new.parameters}
    for loc, name in before:
        if (loc, name) not in after:
            add("parameter-removed", False, f"{loc} parameter {name!r} removed (now ignored)")


def _bodies(old: Operation, new: Operation, om: ApiModel, nm: ApiModel, add: Any) -> None:
    ob, nb = old.request_body, new.request_body
    if nb is not None and nb.required and (ob is None or not ob.required):
        add("body-required", True, "request body is now required")
    if ob is not None and nb is not None:
        os_, ns = _resolve(ob.schema_, om.schemas), _resolve(nb.schema_, nm.schemas)
        new_required = set(ns.get("required") or []) - set(os_.get("required") or [])
        for name in sorted(new_required):
            add("body-field-required", True, f"request field {name!r} is now required")
        for name, sub in (ns.get("properties") or {}).items():
            prev = (os_.get("properties") or {}).get(name)
            if isinstance(prev, dict) and isinstance(sub, dict):
                why = narrowing(_resolve(prev, om.schemas), _resolve(sub, nm.schemas))
                if why:
                    add("body-field-narrowed", True, f"request field {name!r}: {why}")


def _responses(old: Operation, new: Operation, om: ApiModel, nm: ApiModel, add: Any) -> None:
    o2 = sorted(s for s in old.responses if s.startswith("2"))
    n2 = sorted(s for s in new.responses if s.startswith("2"))
    if o2 and n2 and o2 != n2:
        add("status-changed", True, f"success status {o2} -> {n2}")
    for status in set(o2) & set(n2):
        ob, nb = old.responses[status].body, new.responses[status].body
        if ob is None or nb is None:
            continue
        os_, ns = _resolve(ob.schema_, om.schemas), _resolve(nb.schema_, nm.schemas)
        if schema_type(os_) == "object":
            gone = set(os_.get("properties") or {}) - set(ns.get("properties") or {})
            for name in sorted(gone):
                add("response-field-removed", True, f"response {status} field {name!r} removed")


def diff_models(old: ApiModel, new: ApiModel) -> DiffReport:
    """Every change from ``old`` to ``new``; ``breaking`` counts the breaking ones."""
    changes: list[Change] = []
    old_ops = {_key(o): o for o in old.operations}
    new_ops = {_key(o): o for o in new.operations}
    for key in old_ops.keys() - new_ops.keys():
        changes.append(
            Change(
                kind="operation-removed",
                breaking=True,
                operation=key,
                message=f"operation {key} removed",
            )
        )
    for key in new_ops.keys() - old_ops.keys():
        changes.append(
            Change(
                kind="operation-added",
                breaking=False,
                operation=key,
                message=f"operation {key} added",
            )
        )
    for key in sorted(old_ops.keys() & new_ops.keys()):

        def add(kind: str, breaking: bool, message: str, key: str = key) -> None:
            changes.append(Change(kind=kind, breaking=breaking, operation=key, message=message))

        o, n = old_ops[key], new_ops[key]
        _params(o, n, add)
        _bodies(o, n, old, new, add)
        _responses(o, n, old, new, add)
    changes.sort(key=lambda c: (not c.breaking, c.operation, c.kind, c.message))
    return DiffReport(breaking=sum(c.breaking for c in changes), changes=changes)


__all__ = ["Change", "DiffReport", "diff_models", "narrowing"]
