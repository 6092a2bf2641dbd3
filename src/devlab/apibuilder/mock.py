"""The mock server's route table, built from the API model (see ``mockserver``).

``route_table(model)`` is ``{"schemas": ..., "routes": [...]}``: the named schemas once
(the routes' ``$ref``s point at ``#/components/schemas/<Name>``), and per operation
what it checks (every parameter with its schema, the request body's schema) and the
example it answers with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devlab.apibuilder.examples import example
from devlab.apibuilder.models import ApiModel

MOCK_SOURCE = Path(__file__).with_name("mockserver.py")


def _required_fields(schema: Any, schemas: dict[str, Any]) -> list[str]:
    for _ in range(8):
        if isinstance(schema, dict) and "$ref" in schema:
            schema = schemas.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
    if isinstance(schema, dict) and isinstance(schema.get("required"), list):
        return [str(f) for f in schema["required"]]
    return []


def build_routes(model: ApiModel) -> list[dict[str, Any]]:
    """One route per operation: what it checks and the example it answers with."""
    from urllib.parse import parse_qsl, urlsplit

    prefix = urlsplit(model.servers[0]).path.rstrip("/") if model.servers else ""
    routes = []
    for op in model.operations:
        status, ctype, body = 200, "application/json", None
        for code in sorted(op.responses):
            if code.startswith("2") or code == "default":
                resp = op.responses[code]
                status = int(code) if code.isdigit() else 200
                if resp.body is not None:
                    ctype = resp.body.content_type
                    body = example(resp.body.schema_, model.schemas) if "json" in ctype else "ok"
                break
        rb = op.request_body
        path, _, literal = op.path.split("#", 1)[0].partition("?")
        routes.append(
            {
                "method": op.method.upper(),
                "prefix": prefix,
                "path": op.path,
                "segments": path.split("/")[1:] if path not in ("", "/") else [],
                # AWS-style pseudo paths ("/?Action=X"): the literal query selects the operation
                "literal_query": dict(parse_qsl(literal, keep_blank_values=True)),
                "query": [p.name for p in op.parameters if p.location == "query" and p.required],
                "headers": [p.name for p in op.parameters if p.location == "header" and p.required],
                "body_required": bool(rb and rb.required),
                "body_kind": "json" if rb is not None and "json" in rb.content_type else "other",
                "fields": _required_fields(rb.schema_, model.schemas) if rb is not None else [],
                # full checks (jsonschema): every parameter's schema and the body's
                "params": [
                    {
                        "name": p.name,
                        "in": p.location,
                        "required": p.required,
                        "schema": p.schema_,
                        "style": p.serialization()[0],
                        "explode": p.serialization()[1],
                        "content_type": p.content_type,
                    }
                    for p in op.parameters
                ],
                "body_schema": rb.schema_ if rb is not None and "json" in rb.content_type else None,
                "status": status,
                "content_type": ctype,
                "body": body if status != 204 else None,
            }
        )
    return routes


def route_table(model: ApiModel) -> dict[str, Any]:
    """What the mock server serves: the named schemas and ``build_routes(model)``."""
    return {"schemas": model.schemas, "routes": build_routes(model)}


def mock_server(
    model: ApiModel, host: str = "127.0.0.1", port: int = 8765, *, log: bool = True
) -> Any:
    """A ``ThreadingHTTPServer`` answering for ``model`` (call ``serve_forever``)."""
    from devlab.apibuilder.mockserver import serve

    return serve(route_table(model), host, port, log)


__all__ = ["MOCK_SOURCE", "build_routes", "mock_server", "route_table"]
