"""Deterministic example values for JSON schemas (mock responses and smoke-test inputs).

Same schema, same value: the mock server answers with these, and the generated
smoke tests send them, so a run can be repeated byte for byte. A value follows
the schema's type, enum/const, format and bounds; ``$ref`` recursion stops at a
fixed depth (optional properties are dropped first).
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 6
MAX_REQUIRED_DEPTH = 24  # required properties (and their $refs) are followed this deep

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


MAX_PATTERN = 1000  # longer patterns are not read
MAX_REPEAT_SHOWN = 64
_CATEGORIES = {
    "CATEGORY_DIGIT": str.isdigit,
    "CATEGORY_NOT_DIGIT": lambda c: not c.isdigit(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_NOT_WORD": lambda c: not (c.isalnum() or c == "_"),
}


def _in_class(char: str, items: list[Any]) -> bool | None:
    """Whether ``char`` is in a ``[...]`` class (None: a part we do not read)."""
    for op, arg in items:
        name = str(op)
        if name == "LITERAL" and chr(arg) == char:
            return True
        if name == "RANGE" and arg[0] <= ord(char) <= arg[1]:
            return True
        if name == "CATEGORY":
            test = _CATEGORIES.get(str(arg))
            if test is None:
                return None
            if test(char):
                return True
        elif name not in ("LITERAL", "RANGE", "NEGATE"):
            return None
    return False


def _class_char(items: list[Any]) -> str | None:
    """A character of a ``[...]`` class: the first of a few plain ones it accepts."""
    negated = bool(items) and str(items[0][0]) == "NEGATE"
    body = items[1:] if negated else items
    for op, arg in body[:1]:  # the class's own first member, when it names one
        if not negated and str(op) in ("LITERAL", "RANGE"):
            return chr(arg if str(op) == "LITERAL" else arg[0])
    for char in "a0A_-. ":
        inside = _in_class(char, body)
        if inside is None:
            return None
        if inside != negated:
            return char
    return None


def _emit(nodes: Any, out: list[str]) -> bool:
    """Append the shortest text ``nodes`` (a parsed regex) matches; False if unsure."""
    for op, arg in nodes:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            char = _class_char(arg)
            if char is None:
                return False
            out.append(char)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _, sub = arg
            for _ in range(min(low, MAX_REPEAT_SHOWN)):
                if not _emit(sub, out):
                    return False
        elif name == "SUBPATTERN":
            if not _emit(arg[-1], out):
                return False
        elif name == "BRANCH":
            if not _emit(arg[1][0], out):
                return False
        elif name not in ("AT",):  # anchors add nothing; lookarounds, backrefs: unsure
            return False
    return True


def pattern_example(pattern: str) -> str | None:
    """A short string that matches ``pattern`` (built from its parse, never by running
    it), or None when the pattern is not one Python reads or uses what we do not cover."""
    import re._parser as sre_parse  # type: ignore[import-not-found]  # no matching happens

    if len(pattern) > MAX_PATTERN:
        return None
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    out: list[str] = []
    return "".join(out) if _emit(parsed, out) else None


def _string(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    given = schema.get("example")
    pattern = schema.get("pattern")
    shaped = pattern_example(pattern) if isinstance(pattern, str) and not given else None
    text = given if isinstance(given, str) else shaped if shaped is not None else "string"
    if isinstance(fmt, str) and fmt in _STRING_FORMATS:
        text = _STRING_FORMATS[fmt]
        if fmt != "password":  # a date or a URL padded with "x" is no longer one
            return text
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) and len(text) < low:
        text = text + "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[: max(high, 0)]
    return text


_CHOOSING = ("$ref", "allOf", "oneOf", "anyOf", "enum", "const")


def _typeless(schema: Any) -> bool:
    """A schema that names no type of its own: annotations (a description) or bare
    constraints (``required``) that only narrow what the other parts say."""
    return (
        isinstance(schema, dict)
        and schema_type(schema) is None
        and not any(k in schema for k in _CHOOSING)
    )


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` narrowed by ``extra`` (required lists and properties joined)."""
    out = dict(base)
    for key, value in extra.items():
        if key == "required" and isinstance(value, list):
            given = out.get("required")
            known: list[Any] = given if isinstance(given, list) else []
            out["required"] = [*known, *(v for v in value if v not in known)]
        elif key == "properties" and isinstance(value, dict):
            props = out.get("properties")
            out["properties"] = {**(props if isinstance(props, dict) else {}), **value}
        elif key == "type" and key in out:
            continue  # the sibling's type stands (the part may only repeat it)
        else:
            out[key] = value
    return out


def _all_of(schema: dict[str, Any], schemas: dict[str, Any], depth: int, full: bool) -> Any:
    """An example of every part of an ``allOf`` at once: object parts merged, a scalar
    part (a ``$ref`` to a string) kept; parts that name no type (a description, a
    ``required`` list) narrow the schema's own keywords instead of standing alone."""
    own = {k: v for k, v in schema.items() if k != "allOf"}
    typed = []
    for part in schema["allOf"]:
        if _typeless(part):
            own = _merge(own, part)
        else:
            typed.append(part)
    merged: dict[str, Any] = {}
    scalar: list[Any] = []
    is_object = schema_type(own) == "object"
    for part in typed:
        value = example(part, schemas, depth + 1, full=full)
        if isinstance(value, dict):
            merged.update(value)
            is_object = True
        elif value is not None:
            scalar.append(value)
    if schema_type(own) == "object":
        merged.update(example(own, schemas, depth, full=full))
    return scalar[0] if scalar and not is_object else merged


def example(
    schema: Any, schemas: dict[str, dict[str, Any]], depth: int = 0, *, full: bool = True
) -> Any:
    """An example value of ``schema``; ``full`` includes optional properties."""
    if not isinstance(schema, dict):
        return "string"
    if "$ref" in schema:
        target = schemas.get(_ref_name(str(schema["$ref"])))
        if target is None or depth >= MAX_REQUIRED_DEPTH:
            return {} if target is None or schema_type(target) == "object" else None
        return example(target, schemas, depth + 1, full=full and depth < 3)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if "allOf" in schema and isinstance(schema["allOf"], list):
        return _all_of(schema, schemas, depth, full)
    for key in ("oneOf", "anyOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            options = [
                o for o in schema[key] if not (isinstance(o, dict) and o.get("type") == "null")
            ]
            option = options[0] if options else schema[key][0]
            own = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
            if schema_type(own) is not None and isinstance(option, dict):
                # siblings of the choice constrain it too ({type: object, properties,
                # anyOf: [{required: [a]}, {required: [b]}]}): one schema of both
                if "$ref" in option and depth < MAX_REQUIRED_DEPTH:
                    option = schemas.get(_ref_name(str(option["$ref"])), {})
                return example(_merge(own, option), schemas, depth + 1, full=full)
            return example(option, schemas, depth + 1, full=full)
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
        # minItems is honoured as deep as required properties are; else one item, none deep
        count = n if isinstance(n := schema.get("minItems"), int) else int(depth < MAX_DEPTH)
        if schema.get("maxItems") == 0 or depth >= MAX_REQUIRED_DEPTH:
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
            if name in required and depth < MAX_REQUIRED_DEPTH:
                # required properties are followed deeper (a conformant request or answer)
                out[name] = example(sub, schemas, depth + 1, full=full and depth < MAX_DEPTH)
            elif full and depth < MAX_DEPTH:
                out[name] = example(sub, schemas, depth + 1, full=full)
        extra = schema.get("additionalProperties")
        wanted = schema.get("minProperties")
        if isinstance(wanted, int) and extra is not False and depth < MAX_REQUIRED_DEPTH:
            value_schema = extra if isinstance(extra, dict) else {}
            for i in range(1, min(wanted, 3) + 1):  # a map that must not be empty
                if len(out) >= wanted:
                    break
                out.setdefault(f"key{i}", example(value_schema, schemas, depth + 1, full=False))
        return out
    return "string"


__all__ = ["example", "pattern_example", "schema_type"]
