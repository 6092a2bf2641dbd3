"""Java records and classes as JSON schemas, and Spring handlers' bodies, query
parameters and responses, read with tree-sitter (the code is never compiled or run).

A record's components and a class's instance fields (not ``static``) are properties;
primitives (``int``, ``boolean`` ...) are required, boxed and other types optional
(Java says nothing more without validation annotations; ``@NotNull``/``@NonNull`` make
one required). ``@RequestBody T`` is the JSON body, ``@RequestParam`` a query parameter
(required unless ``required = false`` or a ``defaultValue``), the return type the
response (``ResponseEntity<T>``, ``Optional<T>``, ``Mono<T>`` unwrapped).
"""

from __future__ import annotations

from typing import Any

from devlab.apibuilder.codetypes import Shape
from devlab.apibuilder.models import Parameter

MAX_FILE_BYTES = 1_000_000
_REF = "#/components/schemas/"
_NAMED_TYPES = {
    ("integer", ""): ("int", "long", "short", "byte", "Integer", "Long", "Short", "Byte",
                      "BigInteger"),
    ("number", ""): ("double", "float", "Double", "Float", "BigDecimal"),
    ("boolean", ""): ("boolean", "Boolean"),
    ("string", ""): ("String", "char", "Character", "CharSequence"),
    ("string", "date"): ("LocalDate",),
    ("string", "date-time"): ("LocalDateTime", "OffsetDateTime", "ZonedDateTime", "Instant",
                              "Date"),
    ("string", "uuid"): ("UUID",),
}  # fmt: skip
_SIMPLE: dict[str, dict[str, Any]] = {
    name: {"type": kind, **({"format": fmt} if fmt else {})}
    for (kind, fmt), names in _NAMED_TYPES.items()
    for name in names
}
_PRIMITIVES = {"int", "long", "short", "byte", "double", "float", "boolean", "char"}
_LISTS = {"List", "Set", "Collection", "Iterable", "ArrayList", "LinkedList", "HashSet", "Flux"}
_MAPS = {"Map", "HashMap", "LinkedHashMap", "TreeMap"}
_WRAPPERS = {"ResponseEntity", "Optional", "Mono", "CompletableFuture", "HttpEntity"}
_COMPONENTS = {"RestController", "Controller", "Service", "Component", "Repository",
               "Configuration", "SpringBootApplication"}  # fmt: skip
_STATUSES = {"CREATED": "201", "ACCEPTED": "202", "NO_CONTENT": "204"}
_TYPES = ("type_identifier", "integral_type", "floating_point_type", "boolean_type",
          "generic_type", "array_type", "scoped_type_identifier")  # fmt: skip


def _text(node: Any) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _base(node: Any) -> str:
    if node.type == "scoped_type_identifier":
        return _text(node).rsplit(".", 1)[-1]
    if node.type == "generic_type":
        return _base(node.children[0])
    return _text(node)


def java_schema(node: Any, models: set[str], depth: int = 0) -> dict[str, Any]:
    """A Java type node as a JSON schema (``{}`` where it says nothing we read)."""
    if node is None or depth > 12:
        return {}
    if node.type == "array_type":
        element = node.child_by_field_name("element")
        if _text(element) == "byte":
            return {"type": "string", "format": "byte"}
        return {"type": "array", "items": java_schema(element, models, depth + 1)}
    name = _base(node)
    if node.type == "generic_type":
        args = next((c for c in node.children if c.type == "type_arguments"), None)
        params = [c for c in args.children if c.type in _TYPES] if args is not None else []
        if name in _WRAPPERS and params:
            return java_schema(params[0], models, depth + 1)
        if name in _LISTS and params:
            return {"type": "array", "items": java_schema(params[0], models, depth + 1)}
        if name in _MAPS and len(params) == 2:
            return {"type": "object", "additionalProperties": java_schema(params[1], models)}
    if name in models:
        return {"$ref": _REF + name}
    if name in ("void", "Void"):
        return {"type": "null"}
    if name in ("Object", "JsonNode"):
        return {}
    return dict(_SIMPLE.get(name, {}))


def _annotations(node: Any) -> dict[str, Any]:
    mods = next((c for c in node.children if c.type == "modifiers"), None)
    out: dict[str, Any] = {}
    for c in mods.children if mods is not None else []:
        if c.type in ("annotation", "marker_annotation"):
            out[_text(c.child_by_field_name("name"))] = c
    return out


def _is_static(node: Any) -> bool:
    mods = next((c for c in node.children if c.type == "modifiers"), None)
    return mods is not None and any(c.type == "static" for c in mods.children)


def _type_of(node: Any) -> Any:
    return node.child_by_field_name("type")


def _walk(node: Any, kinds: tuple[str, ...], depth: int = 0) -> list[Any]:
    out = [node] if node.type in kinds else []
    if depth < 40:
        for c in node.children:
            out += _walk(c, kinds, depth + 1)
    return out


def _members(decl: Any) -> list[tuple[str, Any, bool]]:
    """(name, type node, required) of a record's components or a class's fields."""
    out = []
    if decl.type == "record_declaration":
        params = decl.child_by_field_name("parameters")
        for p in params.children if params is not None else []:
            if p.type == "formal_parameter":
                notes = _annotations(p)
                kind = _type_of(p)
                required = _text(kind) in _PRIMITIVES or bool({"NotNull", "NonNull"} & set(notes))
                out.append((_text(p.child_by_field_name("name")), kind, required))
        return out
    body = decl.child_by_field_name("body")
    for f in body.children if body is not None else []:
        if f.type != "field_declaration" or _is_static(f):
            continue
        notes = _annotations(f)
        kind = _type_of(f)
        required = _text(kind) in _PRIMITIVES or bool({"NotNull", "NonNull"} & set(notes))
        for d in f.children:
            if d.type == "variable_declarator":
                out.append((_text(d.child_by_field_name("name")), kind, required))
    return out


def java_models(trees: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Named schemas of the records and classes (with fields) of the project's files;
    controllers and other classes without instance fields are left out."""
    decls = [
        d
        for t in trees.values()
        for d in _walk(t.root_node, ("record_declaration", "class_declaration"))
    ]
    decls = [d for d in decls if not _COMPONENTS & set(_annotations(d))]
    names = {_text(d.child_by_field_name("name")) for d in decls if _members(d)}
    schemas: dict[str, dict[str, Any]] = {}
    for d in decls:
        name = _text(d.child_by_field_name("name"))
        members = _members(d)
        if name not in names or name in schemas:
            continue
        props = {m: java_schema(kind, names) for m, kind, _ in members}
        required = [m for m, _, req in members if req]
        schemas[name] = {"type": "object", "title": name, "properties": props}
        if required:
            schemas[name]["required"] = required
    return schemas


def _param_required(note: Any) -> bool:
    args = note.child_by_field_name("arguments") if note.type == "annotation" else None
    text = _text(args).replace(" ", "")
    return "required=false" not in text and "defaultValue" not in text


def spring_shape(tree: Any, line: int, path: str, models: set[str]) -> Shape | None:
    """The shape of the method whose mapping annotation is on ``line`` (1-based)."""
    for method in _walk(tree.root_node, ("method_declaration",)):
        if not method.start_point[0] + 1 <= line <= method.end_point[0] + 1:
            continue
        shape = Shape()
        status = _text(_annotations(method).get("ResponseStatus"))
        shape.status = next((c for k, c in _STATUSES.items() if k in status), "200")
        returns = java_schema(_type_of(method), models)
        if returns and returns != {"type": "null"}:
            shape.response = returns
        params = method.child_by_field_name("parameters")
        for p in params.children if params is not None else []:
            if p.type != "formal_parameter":
                continue
            notes = _annotations(p)
            name = _text(p.child_by_field_name("name"))
            if "RequestBody" in notes:
                shape.body = java_schema(_type_of(p), models)
                shape.body_required = _param_required(notes["RequestBody"])
            elif "RequestParam" in notes:
                note = notes["RequestParam"]
                given = _text(note.child_by_field_name("arguments")).strip("()").strip()
                if given.startswith('"') and given.endswith('"') and len(given) > 2:
                    name = given[1:-1]  # @RequestParam("q")
                shape.query.append(
                    Parameter(
                        name=name,
                        location="query",
                        required=_param_required(note),
                        schema=java_schema(_type_of(p), models),
                    )
                )
        return shape
    return None


def parse_java(text: str) -> Any:
    """``text`` as a tree-sitter tree, or None when it is too large."""
    from devlab.codebase import get_parser

    if len(text) > MAX_FILE_BYTES:
        return None
    return get_parser("java").parse(text.encode("utf-8", "replace"))


__all__ = ["java_models", "java_schema", "parse_java", "spring_shape"]
