"""Deterministic example values for JSON schemas (mock responses and smoke-test inputs).

Same schema, same value: the mock server answers with these, and the generated
smoke tests send them, so a run can be repeated byte for byte. A value follows
the schema's type, enum/const, format and bounds; ``$ref`` recursion stops at a
fixed depth (optional properties are dropped first).
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 6

_STRING_FORMATS = {
    "date": "2024-01-02",
    "date-time": "2024-01-02T03:04:05Z",
    "time": "03:04:05",
    "uuid": "00000000-0000-4000-8000-000000000001",
    "email": "user@example.com",
    "uri": "https://example.com/x",
    "url": "https://example.com/x",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "ZXhhbXBsZQ==",
    "binary": "x",
    "password": "secret",
}


def schema_type(schema: dict[str, Any]) -> str | None:
    """The non-null type of a schema ('object' when it only has properties)."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else None
    if kind is None and ("properties" in schema or "additionalProperties" in schema):
        return "object"
    if kind is None and "items" in schema:
        return "array"
    return kind if isinstance(kind, str) else None


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def _number(schema: dict[str, Any], base: float) -> float:
    low = schema.get("minimum")
    if isinstance(schema.get("exclusiveMinimum"), int | float):
        low = schema["exclusiveMinimum"] + 1
    high = schema.get("maximum")
    if isinstance(schema.get("exclusiveMaximum"), int | float):
        high = schema["exclusiveMaximum"] - 1
    value = base
    if isinstance(low, int | float) and value < low:
        value = low
    if isinstance(high, int | float) and value > high:
        value = high
    return value


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in _STRING_FORMATS:
        return _STRING_FORMATS[fmt]
    given = schema.get("example")
    text = given if isinstance(given, str) else "string"
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) and len(text) < low:
        text = text + "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[: max(high, 0)]
    return text


def example(
    schema: Any, schemas: dict[str, dict[str, Any]], depth: int = 0, *, full: bool = True
) -> Any:
    """An example value of ``schema``; ``full`` includes optional properties."""
    if not isinstance(schema, dict):
        return "string"
    if "$ref" in schema:
        target = schemas.get(_ref_name(str(schema["$ref"])))
        if target is None or depth >= MAX_DEPTH:
            return {} if target is None or schema_type(target) == "object" else None
        return example(target, schemas, depth + 1, full=full and depth < 3)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "allOf" in schema and isinstance(schema["allOf"], list):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example(part, schemas, depth + 1, full=full)
            if isinstance(value, dict):
                merged.update(value)
        own = {k: v for k, v in schema.items() if k != "allOf"}
        if schema_type(own) == "object":
            merged.update(example(own, schemas, depth, full=full))
        return merged
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            options = [
                o for o in schema[key] if not (isinstance(o, dict) and o.get("type") == "null")
            ]
            return example(options[0] if options else schema[key][0], schemas, depth + 1, full=full)
    kind = schema_type(schema)
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return int(_number(schema, 1))
    if kind == "number":
        return _number(schema, 1.5)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind == "array":
        count = n if isinstance(n := schema.get("minItems"), int) else 1
        if schema.get("maxItems") == 0 or depth >= MAX_DEPTH:
            count = 0
        return [
            example(schema.get("items", {}), schemas, depth + 1, full=full)
            for _ in range(min(max(count, 0), 3))
        ]
    if kind == "object":
        required = req if isinstance(req := schema.get("required"), list) else []
        props = pr if isinstance(pr := schema.get("properties"), dict) else {}
        out = {}
        for name, sub in props.items():
            if name in required or (full and depth < MAX_DEPTH):
                out[name] = example(sub, schemas, depth + 1, full=full)
        return out
    return "string"


__all__ = ["example", "schema_type"]
