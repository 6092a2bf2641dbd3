"""Request bodies, responses and query parameters read statically from a project's code.

Nothing of the user's code is imported or run: Python files are read with ``ast``,
Java files with tree-sitter. What is read:

- pydantic models (classes deriving from ``BaseModel`` or from another such class, in
  the project's files that name ``BaseModel`` and its route files; module and class
  level, not inside functions): each annotated field becomes a property (``int``,
  ``str``, ``float``, ``bool``, ``Optional``/``X | None``, ``list[...]``,
  ``dict[str, ...]``, ``Literal``, dates, nested models as ``$ref``s); a field
  without a default (or with ``Field(...)``) is required.
- FastAPI handlers: a parameter typed with a model (or ``list[Model]``) is the JSON body;
  a primitive one not in the path is a query parameter (required without a default);
  ``response_model=`` or the return annotation is the response; ``status_code=`` its code.
- Java records and classes (fields) as schemas; Spring handlers' ``@RequestBody Type``,
  ``@RequestParam`` and return type (``ResponseEntity<T>``, ``List<T>``, ``Optional<T>``).

Anything not recognised stays open (``{}``), as before: only what the code says is claimed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from devlab.apibuilder.models import Parameter

MAX_FILE_BYTES = 1_000_000  # larger files are not read for types
MAX_MODELS = 2000

_PY_PRIMITIVES: dict[str, dict[str, Any]] = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "Decimal": {"type": "number"},
    "str": {"type": "string"},
    "bool": {"type": "boolean"},
    "bytes": {"type": "string", "format": "byte"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "time": {"type": "string", "format": "time"},
    "UUID": {"type": "string", "format": "uuid"},
    "EmailStr": {"type": "string", "format": "email"},
    "HttpUrl": {"type": "string", "format": "uri"},
    "AnyUrl": {"type": "string", "format": "uri"},
    "Any": {},
    "dict": {"type": "object"},
    "list": {"type": "array"},
}
_PY_LISTS = {"list", "List", "Sequence", "set", "Set", "frozenset", "tuple", "Tuple", "Iterable"}
_PY_MAPS = {"dict", "Dict", "Mapping"}
_NOT_PARAMS = {"Request", "Response", "BackgroundTasks", "WebSocket", "Session", "HTTPConnection"}
_REF = "#/components/schemas/"


@dataclass
class Shape:
    """What a handler's code says about its operation."""

    body: dict[str, Any] | None = None
    body_required: bool = True
    response: dict[str, Any] | None = None
    status: str = "200"
    query: list[Parameter] = field(default_factory=list)


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]} if schema else {}


def py_schema(node: ast.expr | None, models: set[str], depth: int = 0) -> dict[str, Any]:
    """A Python annotation as a JSON schema (``{}`` where it says nothing we read)."""
    if node is None or depth > 12:
        return {}
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:  # a string annotation ("Item")
            return py_schema(ast.parse(node.value, mode="eval").body, models, depth + 1)
        except SyntaxError:
            return {}
    if isinstance(node, ast.Constant) and node.value is None:
        return {"type": "null"}
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = (
            py_schema(node.left, models, depth + 1),
            py_schema(node.right, models, depth + 1),
        )
        if right == {"type": "null"}:
            return _nullable(left)
        if left == {"type": "null"}:
            return _nullable(right)
        return {"anyOf": [left, right]}
    if isinstance(node, ast.Subscript):
        outer = _name(node.value)
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer == "Optional":
            return _nullable(py_schema(args[0], models, depth + 1))
        if outer == "Union":
            parts = [py_schema(a, models, depth + 1) for a in args]
            rest = [p for p in parts if p != {"type": "null"}]
            one = rest[0] if len(rest) == 1 else {"anyOf": rest}
            return _nullable(one) if len(rest) < len(parts) else one
        if outer in _PY_LISTS:
            return {"type": "array", "items": py_schema(args[0], models, depth + 1)}
        if outer in _PY_MAPS and len(args) == 2:
            return {"type": "object", "additionalProperties": py_schema(args[1], models, depth + 1)}
        if outer == "Literal":
            values = [a.value for a in args if isinstance(a, ast.Constant)]
            return {"enum": values} if values else {}
        if outer == "Annotated":
            return py_schema(args[0], models, depth + 1)
        return {}
    name = _name(node)
    if name in models:
        return {"$ref": _REF + name}
    return dict(_PY_PRIMITIVES.get(name, {}))


def _field_required(value: ast.expr | None) -> bool:
    if value is None:
        return True
    if isinstance(value, ast.Call) and _name(value.func) == "Field":
        first = value.args[0] if value.args else None
        keywords = {k.arg for k in value.keywords}
        if "default" in keywords or "default_factory" in keywords:
            return False
        return first is None or (isinstance(first, ast.Constant) and first.value is Ellipsis)
    return False


def _py_model(cls: ast.ClassDef, models: set[str]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required = []
    for stmt in cls.body:
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        if stmt.target.id.startswith("_") or _name(stmt.annotation) == "ClassVar":
            continue
        props[stmt.target.id] = py_schema(stmt.annotation, models)
        if _field_required(stmt.value):
            required.append(stmt.target.id)
    schema: dict[str, Any] = {"type": "object", "title": cls.name, "properties": props}
    if required:
        schema["required"] = required
    doc = ast.get_docstring(cls)
    if doc:
        schema["description"] = doc.strip().splitlines()[0][:300]
    return schema


def _classes(body: list[ast.stmt], depth: int = 0) -> list[ast.ClassDef]:
    """The module's classes and the classes inside them (not those inside functions)."""
    out = []
    for node in body:
        if isinstance(node, ast.ClassDef):
            out.append(node)
            if depth < 4:
                out += _classes(node.body, depth + 1)
        elif isinstance(node, ast.If | ast.Try) and depth < 4:  # if TYPE_CHECKING / try
            out += _classes(node.body, depth + 1)
    return out


def python_models(trees: dict[str, ast.Module]) -> dict[str, dict[str, Any]]:
    """The pydantic models of the project's Python files (``BaseModel`` subclasses, also
    through other models of the project), as named JSON schemas."""
    classes = [n for t in trees.values() for n in _classes(t.body)]
    names: set[str] = set()
    changed = True
    while changed and len(names) < MAX_MODELS:  # subclasses of subclasses
        changed = False
        for cls in classes:
            bases = {_name(b) for b in cls.bases}
            if cls.name not in names and ("BaseModel" in bases or bases & names):
                names.add(cls.name)
                changed = True
    return {c.name: _py_model(c, names) for c in classes if c.name in names}


def _keyword(call: ast.expr, name: str) -> ast.expr | None:
    if isinstance(call, ast.Call):
        return next((k.value for k in call.keywords if k.arg == name), None)
    return None


def _is_body(schema: dict[str, Any]) -> bool:
    items = schema.get("items") if schema.get("type") == "array" else None
    return "$ref" in schema or (isinstance(items, dict) and "$ref" in items)


def _py_params(fn: ast.FunctionDef | ast.AsyncFunctionDef, path: str, models: set[str],
               shape: Shape) -> None:  # fmt: skip
    args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
    defaults: list[ast.expr | None] = [None] * (
        len(fn.args.posonlyargs + fn.args.args) - len(fn.args.defaults)
    )
    defaults += list(fn.args.defaults) + list(fn.args.kw_defaults)
    for arg, default in zip(args, defaults, strict=False):
        if arg.arg in ("self", "cls") or "{" + arg.arg + "}" in path or arg.annotation is None:
            continue
        if _name(arg.annotation) in _NOT_PARAMS:
            continue
        kind = _name(default.func) if isinstance(default, ast.Call) else ""
        if kind and kind not in ("Query", "Body"):
            continue  # Depends, Header, Cookie, File, Form, Path: not read here
        schema = py_schema(arg.annotation, models)
        if kind == "Body" or (kind != "Query" and _is_body(schema)):
            shape.body, shape.body_required = schema, default is None
            continue
        if schema.get("type") in ("integer", "number", "string", "boolean", "array") or (
            isinstance(schema.get("type"), list)
        ):
            required = default is None or (
                kind == "Query"
                and isinstance(default, ast.Call)
                and bool(default.args)
                and isinstance(default.args[0], ast.Constant)
                and default.args[0].value is Ellipsis
            )
            shape.query.append(
                Parameter(name=arg.arg, location="query", required=required, schema=schema)
            )


def fastapi_shape(tree: ast.Module, line: int, path: str, models: set[str]) -> Shape | None:
    """The shape of the handler whose decorator (or ``def``) is on ``line``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        decorators = [d for d in node.decorator_list if d.lineno == line]
        if not decorators and node.lineno != line:
            continue
        shape = Shape()
        _py_params(node, path, models, shape)
        deco = decorators[0] if decorators else None
        response = _keyword(deco, "response_model") if deco is not None else None
        schema = py_schema(response if response is not None else node.returns, models)
        if schema and schema != {"type": "null"}:
            shape.response = schema
        status = _keyword(deco, "status_code") if deco is not None else None
        if isinstance(status, ast.Constant) and isinstance(status.value, int):
            shape.status = str(status.value)
        elif isinstance(status, ast.Attribute) and status.attr.startswith("HTTP_"):
            code = status.attr.split("_")[1]
            shape.status = code if code.isdigit() else "200"
        return shape
    return None


def parse_python(text: str) -> ast.Module | None:
    """``text`` as a syntax tree (never executed), or None when it does not parse."""
    if len(text) > MAX_FILE_BYTES:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


__all__ = ["Shape", "fastapi_shape", "parse_python", "py_schema", "python_models"]
