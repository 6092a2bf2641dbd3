"""Code -> API: the HTTP routes DevLab's service detection finds in an ingested project
(FastAPI, Flask, Django, Express, Spring, Go net/http and routers) as an API model.

Route syntaxes become OpenAPI templates: Flask/Django ``<int:id>``, Express ``:id``,
Django regex groups ``(?P<id>...)``, Go/Spring/FastAPI ``{id}``; a converter such as
``int`` types the path parameter. Where the code's types say more, read statically
(``codetypes`` for FastAPI and pydantic, ``javatypes`` for Spring and Java records and
classes; nothing is imported or run), request bodies, query parameters and responses
are filled in with the models as component schemas; the rest is left open (``{}``) for
a person to fill in the builder.
"""

from __future__ import annotations

import json
from typing import Any

from devlab.apibuilder.codetypes import Shape, fastapi_shape, parse_python, python_models
from devlab.apibuilder.javatypes import java_models, parse_java, spring_shape
from devlab.apibuilder.models import (
    ApiModel,
    Body,
    Operation,
    Parameter,
    ParseReport,
    Response,
)

MAX_TYPED_FILES = 5000  # source files read for types

_CONVERTERS = {
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "uuid": {"type": "string", "format": "uuid"},
}
_METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


def _template(route: str) -> tuple[str, list[Parameter]]:
    """'/users/<int:id>/:name' -> ('/users/{id}/{name}', params), linear scan."""
    out: list[str] = []
    params: list[Parameter] = []
    i = 0
    route = route if route.startswith("/") else "/" + route.lstrip("^")
    route = route.rstrip("$")
    while i < len(route):
        ch = route[i]
        close = {"<": ">", "{": "}"}.get(ch)
        if ch == "(" and route.startswith("(?P<", i):
            end = route.find(">", i)
            stop = route.find(")", end)
            name, schema, i = (
                route[i + 4 : end],
                {"type": "string"},
                (stop + 1 if stop > 0 else len(route)),
            )
        elif close:
            end = route.find(close, i)
            if end < 0:
                out.append(route[i:])
                break
            inner = route[i + 1 : end]
            conv, _, name = inner.rpartition(":")
            name = name.split(":")[0] or "param"
            schema = dict(_CONVERTERS.get(conv, {"type": "string"}))
            i = end + 1
        elif ch == ":" and (i == 0 or route[i - 1] == "/"):
            end = i + 1
            while end < len(route) and (route[end].isalnum() or route[end] == "_"):
                end += 1
            name, schema, i = route[i + 1 : end] or "param", {"type": "string"}, end
        else:
            out.append(ch)
            i += 1
            continue
        out.append("{" + name + "}")
        if all(p.name != name for p in params):
            params.append(Parameter(name=name, location="path", required=True, schema=schema))
    path = "".join(out).replace("//", "/")
    return (path.rstrip("/") or "/"), params


class _Types:
    """The project's models and parsed files, by language."""

    def __init__(self, sources: dict[str, tuple[str, str]], routed: set[str]) -> None:
        self.py: dict[str, Any] = {}
        self.java: dict[str, Any] = {}
        for path, (language, text) in list(sources.items())[:MAX_TYPED_FILES]:
            if language == "python" and ("BaseModel" in text or path in routed):
                tree = parse_python(text)
                if tree is not None:
                    self.py[path] = tree
            elif language == "java" and ("class " in text or "record " in text):
                jtree = parse_java(text)
                if jtree is not None:
                    self.java[path] = jtree
        py_models = python_models(self.py)
        self.schemas = {**java_models(self.java), **py_models}
        self.py_names = set(py_models)
        self.java_names = set(self.schemas) - self.py_names

    def shape(self, route: Any, path: str) -> Shape | None:
        if route.framework == "fastapi" and route.path in self.py:
            return fastapi_shape(self.py[route.path], route.line, path, self.py_names)
        if route.framework == "spring" and route.path in self.java:
            return spring_shape(self.java[route.path], route.line, path, self.java_names)
        return None


def _apply(op: Operation, shape: Shape) -> None:
    if shape.body is not None and op.method not in ("get", "head", "delete"):
        op.request_body = Body(schema=shape.body, required=shape.body_required)
    response = Body(schema=shape.response) if shape.response is not None else None
    op.responses = {shape.status: Response(description="OK", body=response)}
    known = {p.name for p in op.parameters}
    op.parameters = [*op.parameters, *(q for q in shape.query if q.name not in known)]


def _used(ops: list[Operation], schemas: dict[str, Any]) -> dict[str, Any]:
    """The named schemas the operations reach (through each other's ``$ref``s)."""
    todo = [
        json.dumps([op.model_dump(by_alias=True) for op in ops]),
    ]
    found: dict[str, Any] = {}
    while todo:
        text = todo.pop()
        for name in schemas:
            if name not in found and f'"#/components/schemas/{name}"' in text:
                found[name] = schemas[name]
                todo.append(json.dumps(schemas[name]))
    return {k: found[k] for k in sorted(found)}


def routes_to_model(
    routes: list, title: str, sources: dict[str, tuple[str, str]] | None = None
) -> ApiModel:
    """``reverse.services.Route`` records -> the API model (one operation per route);
    ``sources`` (path -> (language, text)) lets the code's types fill bodies and answers."""
    types = _Types(sources or {}, {r.path for r in routes if r.framework == "fastapi"})
    ops: list[Operation] = []
    seen: set[tuple[str, str]] = set()
    ids: set[str] = set()
    for r in routes:
        path, params = _template(r.route)
        methods = [m for m in r.method.lower().replace(" ", "").split(",") if m in _METHODS]
        for method in methods or ["get"]:
            if (method, path) in seen:
                continue
            seen.add((method, path))
            base = (r.handler.split(".")[-1] if r.handler else "") or f"{method}_{path}"
            op_id, n = base, 2
            while op_id in ids:
                op_id, n = f"{base}_{n}", n + 1
            ids.add(op_id)
            op = Operation(
                operation_id=op_id,
                method=method,
                path=path,
                parameters=params,
                summary=f"{r.framework} route in {r.path}:{r.line}",
                tags=[r.framework],
                responses={"200": Response(description="OK")},
            )
            shape = types.shape(r, path)
            if shape is not None:
                _apply(op, shape)
            ops.append(op)
    return ApiModel(
        title=title,
        version="0.1.0",
        operations=ops,
        schemas=_used(ops, types.schemas),
        source="code",
        description="Routes found in the code by DevLab's service detection.",
    )


def from_code(db: object, project: str | int) -> ParseReport:
    """The OpenAPI document of an ingested project's HTTP routes."""
    from devlab.apibuilder.openapi import report_for
    from devlab.codebase import snapshot_texts
    from devlab.reverse import detect_services

    services = detect_services(db, project)  # type: ignore[arg-type]
    wanted = ("python", "java")
    sources = {t.path: (t.language, t.text) for t in snapshot_texts(db, project, languages=wanted)}  # type: ignore[arg-type]
    model = routes_to_model(services.routes, f"{services.project} API", sources)
    return report_for(model, "openapi", "code", [])


__all__ = ["from_code", "routes_to_model"]
