"""Code -> API: the HTTP routes DevLab's service detection finds in an ingested project
(FastAPI, Flask, Django, Express, Spring, Go net/http and routers) as an API model.

Route syntaxes become OpenAPI templates: Flask/Django ``<int:id>``, Express ``:id``,
Django regex groups ``(?P<id>...)``, Go/Spring/FastAPI ``{id}``; a converter such as
``int`` types the path parameter. Only what the code says is claimed: bodies and
response shapes are left open (``{}``) for a person to fill in the builder.
"""

from __future__ import annotations

from devlab.apibuilder.models import ApiModel, Operation, Parameter, ParseReport, Response

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


def routes_to_model(routes: list, title: str) -> ApiModel:
    """``reverse.services.Route`` records -> the API model (one operation per route)."""
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
            ops.append(
                Operation(
                    operation_id=op_id,
                    method=method,
                    path=path,
                    parameters=params,
                    summary=f"{r.framework} route in {r.path}:{r.line}",
                    tags=[r.framework],
                    responses={"200": Response(description="OK")},
                )
            )
    return ApiModel(
        title=title,
        version="0.1.0",
        operations=ops,
        source="code",
        description="Routes found in the code by DevLab's service detection.",
    )


def from_code(db: object, project: str | int) -> ParseReport:
    """The OpenAPI document of an ingested project's HTTP routes."""
    from devlab.apibuilder.openapi import report_for
    from devlab.reverse import detect_services

    services = detect_services(db, project)  # type: ignore[arg-type]
    model = routes_to_model(services.routes, f"{services.project} API")
    return report_for(model, "openapi", "code", [])


__all__ = ["from_code", "routes_to_model"]
