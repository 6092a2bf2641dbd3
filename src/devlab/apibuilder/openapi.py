"""OpenAPI 2.0 / 3.0 / 3.1 in, the internal ``ApiModel`` out, and OpenAPI 3.1 back.

``parse_openapi`` reads (``loader``), validates with openapi-spec-validator (the
validator for the document's own version) and converts. Problems carry the JSON
pointer and line. Conversion: 2.0 ``definitions`` and 3.0 schemas become JSON
Schema 2020-12 (``nullable`` -> a ``null`` type, boolean ``exclusiveMinimum`` ->
numeric, ``file`` -> binary string); parameters, bodies and responses given by
``$ref`` are resolved; schema refs point at ``#/components/schemas/<Name>``.
"""

from __future__ import annotations

import functools
import json
import re
from importlib.resources import files
from typing import Any

from devlab.apibuilder.errors import SpecInvalid
from devlab.apibuilder.loader import (
    Document,
    bundle_refs,
    line_of,
    pointer,
    read_document,
    resolve_pointer,
    split_pointer,
)
from devlab.apibuilder.models import (
    HTTP_METHODS,
    ApiModel,
    Body,
    Operation,
    Parameter,
    ParseReport,
    Problem,
    Response,
    SecurityScheme,
)

MAX_PROBLEMS = 50
_SCHEMA_PREFIXES = ("#/components/schemas/", "#/definitions/")
_SCHEMA_DEPTH = 64


def spec_version(data: dict[str, Any]) -> str:
    """'2.0', '3.0.x' or '3.1.x'; SpecInvalid naming /openapi when neither."""
    if str(data.get("swagger", "")).startswith("2"):
        return "2.0"
    version = str(data.get("openapi", ""))
    if re.match(r"3\.[0-2](\.\d+)?", version):
        return version
    raise SpecInvalid(
        "not an OpenAPI document: expected 'openapi: 3.0.x|3.1.x' or 'swagger: \"2.0\"' "
        f"at the top level, found openapi={data.get('openapi')!r}",
        detail={"pointer": "/openapi", "line": 1, "problems": []},
    )


SEMANTIC_MAX_OPERATIONS = 300  # openapi-spec-validator takes ~6 s at 500 operations


@functools.lru_cache(maxsize=8)
def _meta_validator(key: str) -> Any:
    """jsonschema-rs validator of the OpenAPI meta-schema ``key`` (offline: the JSON
    Schema drafts are built in; nothing is fetched). None when it cannot be built."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a dependency of schemathesis and ours
        return None
    path = files("openapi_spec_validator").joinpath(f"resources/schemas/{key}/schema.json")
    try:
        return jsonschema_rs.validator_for(json.loads(path.read_text("utf-8")), offline=True)
    except Exception:
        return None


def _count_operations(data: dict[str, Any]) -> int:
    paths = found if isinstance(found := data.get("paths"), dict) else {}
    return sum(
        1
        for item in paths.values()
        if isinstance(item, dict)
        for method in item
        if method in HTTP_METHODS
    )


def _structural(data: dict[str, Any], text: str, key: str) -> list[Problem] | None:
    validator = _meta_validator(key)
    if validator is None:
        return None
    problems = []
    for error in validator.iter_errors(data):
        ptr = pointer(list(error.instance_path))
        problems.append(
            Problem(message=_short(error.message), pointer=ptr, line=line_of(text, ptr))
        )
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def validate(data: dict[str, Any], text: str, version: str) -> list[Problem]:
    """Problems of the document, each with pointer and line: the OpenAPI meta-schema
    (jsonschema-rs, fast), then openapi-spec-validator's semantic checks (duplicate
    operation ids, undeclared path parameters, defaults against schemas...) for
    documents up to SEMANTIC_MAX_OPERATIONS operations; larger ones get a warning."""
    key = {"2": "v2.0", "3.0": "v3.0", "3.1": "v3.1", "3.2": "v3.2"}[
        "2" if version == "2.0" else version[:3]
    ]
    structural = _structural(data, text, key)
    if structural:
        return structural
    if structural is not None and _count_operations(data) > SEMANTIC_MAX_OPERATIONS:
        return [
            Problem(
                severity="warning",
                message=(
                    f"semantic checks skipped above {SEMANTIC_MAX_OPERATIONS} operations; the "
                    f"document matches the OpenAPI {version} meta-schema"
                ),
            )
        ]
    return _semantic(data, text, version)


def _semantic(data: dict[str, Any], text: str, version: str) -> list[Problem]:
    """openapi-spec-validator's findings for ``version``, each with pointer and line."""
    from jsonschema.exceptions import ValidationError
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
        OpenAPIV32SpecValidator,
    )
    from referencing.exceptions import Unresolvable

    validator_cls = {
        "2": OpenAPIV2SpecValidator,
        "3.0": OpenAPIV30SpecValidator,
        "3.1": OpenAPIV31SpecValidator,
        "3.2": OpenAPIV32SpecValidator,
    }
    key = "2" if version == "2.0" else version[:3]
    problems: list[Problem] = []
    try:
        for error in validator_cls[key](data).iter_errors():
            if not isinstance(error, ValidationError):
                continue
            if error.context:  # a oneOf/anyOf failure: the branch that came closest
                from jsonschema.exceptions import best_match

                error = best_match(error.context) or error
            ptr = pointer(list(error.absolute_path))
            problems.append(
                Problem(message=_short(error.message), pointer=ptr, line=line_of(text, ptr))
            )
            if len(problems) >= MAX_PROBLEMS:
                break
    except (Unresolvable, KeyError, TypeError, ValueError, RecursionError) as exc:
        problems.append(Problem(message=f"cannot validate: {type(exc).__name__}: {exc}"[:500]))
    return problems


def _short(message: str) -> str:
    message = message.strip().splitlines()[0] if message.strip() else "invalid"
    return message if len(message) < 400 else message[:400] + "..."


def parse_openapi(
    text: str | bytes,
    name: str = "openapi.yaml",
    bundle: dict[str, str] | None = None,
    *,
    strict: bool = True,
) -> ParseReport:
    """Parse, validate and convert one OpenAPI document (see the module doc).

    ``strict`` raises ``SpecInvalid`` (422, detail: problems with pointer + line) on
    any validation error; otherwise problems are listed and conversion goes on.
    """
    doc = read_document(text, name, bundle)
    version = spec_version(doc.data)
    bundled = bundle_refs(doc)
    problems = validate(bundled, doc.text, version)
    errors = [p for p in problems if p.severity == "error"]
    if errors and strict:
        first, problems = errors[0], errors
        where = f"{first.pointer or '/'} (line {first.line})" if first.line else first.pointer
        raise SpecInvalid(
            f"{name} is not valid OpenAPI {version}: {first.message} at {where}"
            + (f"; and {len(problems) - 1} more problem(s)" if len(problems) > 1 else ""),
            detail={
                "pointer": first.pointer,
                "line": first.line,
                "problems": [p.model_dump() for p in problems],
            },
        )
    model = to_model(bundled, version, Document(bundled, doc.text, name))
    return report_for(model, "openapi", f"openapi {version}", problems)


def report_for(model: ApiModel, kind: str, source: str, problems: list[Problem]) -> ParseReport:
    return ParseReport(
        kind=kind,
        source=source,
        title=model.title,
        version=model.version,
        operations=len(model.operations),
        paths=len({o.path for o in model.operations}),
        schemas=len(model.schemas),
        problems=problems,
        model=model,
        openapi=to_openapi(model),
    )


# ---------------------------------------------------------------- schemas


class _Converter:
    def __init__(self, data: dict[str, Any], version: str) -> None:
        self.data = data
        self.v2 = version == "2.0"
        self.v30 = version.startswith("3.0")

    def deref(self, node: Any, depth: int = 0) -> Any:
        """Follow non-schema $refs (parameters, responses, bodies) to their value."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 32:
            try:
                node = resolve_pointer(self.data, node["$ref"].partition("#")[2])
            except KeyError:
                return {}
            depth += 1
        return node if isinstance(node, dict) else {}

    def schema(self, node: Any, depth: int = 0) -> dict[str, Any]:
        if not isinstance(node, dict) or depth > _SCHEMA_DEPTH:
            return {}
        ref = node.get("$ref")
        if isinstance(ref, str):
            for prefix in _SCHEMA_PREFIXES:
                if ref.startswith(prefix) and "/" not in ref[len(prefix) :]:
                    name = split_pointer(ref[len(prefix) - 1 :])[0]
                    return {"$ref": "#/components/schemas/" + escape_ref(name)}
            return self.schema(self.deref(node), depth + 1)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("properties", "patternProperties", "$defs", "definitions"):
                if isinstance(value, dict):
                    out[key] = {k: self.schema(v, depth + 1) for k, v in value.items()}
            elif key in (
                "items",
                "additionalProperties",
                "not",
                "contains",
                "propertyNames",
                "additionalItems",
            ):
                out[key] = self.schema(value, depth + 1) if isinstance(value, dict) else value
            elif key in ("allOf", "anyOf", "oneOf", "prefixItems") and isinstance(value, list):
                out[key] = [self.schema(v, depth + 1) for v in value]
            elif key in ("nullable", "x-nullable", "discriminator", "xml"):
                continue
            else:
                out[key] = value
        if out.get("type") == "file":
            out.update(type="string", format="binary")
        if node.get("nullable") is True or node.get("x-nullable") is True:
            kind = out.get("type")
            if isinstance(kind, str):
                out["type"] = [kind, "null"]
            elif "enum" not in out:
                out = {"anyOf": [out, {"type": "null"}]}
        for bound in ("Minimum", "Maximum"):
            flag = out.get("exclusive" + bound)
            if isinstance(flag, bool):
                out.pop("exclusive" + bound)
                if flag and bound.lower() in out:
                    out["exclusive" + bound] = out.pop(bound.lower())
        return out


def escape_ref(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _media(content: Any) -> tuple[str, Any] | None:
    """The preferred (media type, media object) of a 3.x ``content`` map."""
    if not isinstance(content, dict) or not content:
        return None
    for wanted in ("application/json",):
        if wanted in content:
            return wanted, content[wanted]
    for media, value in content.items():
        if "json" in media:
            return media, value
    media = next(iter(content))
    return media, content[media]


# ---------------------------------------------------------------- operations


def _operation_id(method: str, path: str, given: Any, seen: set[str]) -> str:
    if isinstance(given, str) and given.strip():
        base = given.strip()
    else:
        words = [w for w in re.split(r"[^A-Za-z0-9]+", path) if w]
        base = "_".join([method, *words]) if words else method + "_root"
    candidate, n = base, 2
    while candidate in seen:
        candidate, n = f"{base}_{n}", n + 1
    seen.add(candidate)
    return candidate


def _v2_param_schema(param: dict[str, Any], conv: _Converter) -> dict[str, Any]:
    keys = (
        "type",
        "format",
        "items",
        "enum",
        "default",
        "minimum",
        "maximum",
        "pattern",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "uniqueItems",
    )
    return conv.schema({k: param[k] for k in keys if k in param})


_V2_FORMATS = {"ssv": "spaceDelimited", "pipes": "pipeDelimited"}  # tsv: as csv


def _style(p: dict, where: str, v2: bool) -> tuple[str | None, bool | None, None]:
    """A parameter's style and explode as written (Swagger 2.0's collectionFormat
    mapped: csv is form/simple unexploded, multi is form exploded)."""
    if v2:
        if p.get("type") != "array":
            return None, None, None
        fmt = p.get("collectionFormat") or "csv"
        if fmt == "multi":
            return "form", True, None
        return _V2_FORMATS.get(fmt), False, None
    style, explode = p.get("style"), p.get("explode")
    return (
        style if isinstance(style, str) else None,
        explode if isinstance(explode, bool) else None,
        None,
    )


def _parameters(conv: _Converter, raw: list[Any]) -> tuple[list[Parameter], list[dict]]:
    params: dict[tuple[str, str], Parameter] = {}
    v2_extra: list[dict] = []
    for item in raw:
        p = conv.deref(item)
        where, name = p.get("in"), p.get("name")
        if not isinstance(name, str) or where not in (
            "path",
            "query",
            "header",
            "cookie",
            "body",
            "formData",
        ):
            continue
        if where in ("body", "formData"):
            v2_extra.append(p)
            continue
        style, explode, ctype = _style(p, where, conv.v2)
        if conv.v2:
            schema = _v2_param_schema(p, conv)
        else:
            schema = conv.schema(p.get("schema"))
            if not schema and "content" in p:
                media = _media(p["content"])
                schema = conv.schema(media[1].get("schema")) if media else {}
                ctype = media[0] if media else None
        params[(where, name)] = Parameter(
            name=name,
            location=where,
            required=bool(p.get("required")) or where == "path",
            schema=schema,
            description=str(p.get("description") or ""),
            style=style,
            explode=explode,
            content_type=ctype,
        )
    return list(params.values()), v2_extra


def _v2_body(conv: _Converter, extra: list[dict], consumes: list[str]) -> Body | None:
    body = next((p for p in extra if p.get("in") == "body"), None)
    if body is not None:
        media = next((c for c in consumes if "json" in c), consumes[0] if consumes else None)
        return Body(
            content_type=media or "application/json",
            schema=conv.schema(body.get("schema")),
            required=bool(body.get("required")),
        )
    form = [p for p in extra if p.get("in") == "formData"]
    if not form:
        return None
    multipart = any(p.get("type") == "file" for p in form) or "multipart/form-data" in consumes
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {p["name"]: _v2_param_schema(p, conv) for p in form},
    }
    required = [p["name"] for p in form if p.get("required")]
    if required:
        schema["required"] = required
    return Body(
        content_type="multipart/form-data" if multipart else "application/x-www-form-urlencoded",
        schema=schema,
        required=bool(required),
    )


def _responses(conv: _Converter, raw: Any, produces: list[str]) -> dict[str, Response]:
    out: dict[str, Response] = {}
    for status, value in (raw or {}).items():
        r = conv.deref(value)
        body = None
        if conv.v2:
            if "schema" in r:
                json_type = next((c for c in produces if "json" in c), None)
                body = Body(
                    content_type=json_type or "application/json", schema=conv.schema(r["schema"])
                )
        else:
            media = _media(r.get("content"))
            if media is not None:
                m: dict[str, Any] = media[1] if isinstance(media[1], dict) else {}
                body = Body(
                    content_type=media[0],
                    schema=conv.schema(m.get("schema")),
                    example=m.get("example"),
                )
        out[str(status)] = Response(description=str(r.get("description") or ""), body=body)
    return out


def _operations(conv: _Converter) -> list[Operation]:
    ops: list[Operation] = []
    seen: set[str] = set()
    data = conv.data
    consumes_all = data.get("consumes") or []
    produces_all = data.get("produces") or []
    for path, item in (data.get("paths") or {}).items():
        item = conv.deref(item)
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            raw_params = list(item.get("parameters") or []) + list(op.get("parameters") or [])
            params, extra = _parameters(conv, raw_params)
            if conv.v2:
                body = _v2_body(conv, extra, op.get("consumes") or consumes_all)
            else:
                rb = conv.deref(op.get("requestBody")) if op.get("requestBody") else None
                media = _media(rb.get("content")) if rb else None
                body = None
                if media is not None and rb is not None:
                    m: dict[str, Any] = media[1] if isinstance(media[1], dict) else {}
                    body = Body(
                        content_type=media[0],
                        schema=conv.schema(m.get("schema")),
                        required=bool(rb.get("required")),
                        example=m.get("example"),
                    )
            ops.append(
                Operation(
                    operation_id=_operation_id(method, str(path), op.get("operationId"), seen),
                    method=method,
                    path=str(path),
                    summary=str(op.get("summary") or ""),
                    description=str(op.get("description") or ""),
                    tags=[str(t) for t in op.get("tags") or []],
                    parameters=params,
                    request_body=body,
                    responses=_responses(
                        conv, op.get("responses"), op.get("produces") or produces_all
                    ),
                    security=op.get("security"),
                    deprecated=bool(op.get("deprecated")),
                )
            )
    return ops


def _security_schemes(conv: _Converter) -> dict[str, SecurityScheme]:
    data = conv.data
    raw = (
        data.get("securityDefinitions")
        if conv.v2
        else (data.get("components") or {}).get("securitySchemes")
    ) or {}
    out: dict[str, SecurityScheme] = {}
    for name, value in raw.items():
        s = conv.deref(value)
        kind = str(s.get("type") or "")
        if kind == "basic":
            out[name] = SecurityScheme(type="http", scheme="basic")
        elif kind == "apiKey":
            out[name] = SecurityScheme(
                type="apiKey",
                location=str(s.get("in") or "header"),
                param_name=str(s.get("name") or name),
            )
        elif kind == "http":
            out[name] = SecurityScheme(type="http", scheme=str(s.get("scheme") or "bearer").lower())
        elif kind:
            out[name] = SecurityScheme(type=kind, scheme="bearer")
    return out


def _servers(conv: _Converter) -> list[str]:
    data = conv.data
    if conv.v2:
        if not data.get("host"):
            return [str(data.get("basePath") or "/")]
        scheme = (data.get("schemes") or ["https"])[0]
        return [f"{scheme}://{data['host']}{data.get('basePath') or ''}"]
    out = []
    for server in data.get("servers") or []:
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            url = server["url"]
            for var, spec in (server.get("variables") or {}).items():
                if isinstance(spec, dict):
                    url = url.replace("{" + var + "}", str(spec.get("default", "")))
            out.append(url)
    return out


def to_model(data: dict[str, Any], version: str, doc: Document | None = None) -> ApiModel:
    """Convert a bundled OpenAPI document of ``version`` to the internal model."""
    conv = _Converter(data, version)
    info = found if isinstance(found := data.get("info"), dict) else {}
    raw_schemas = (
        data.get("definitions") if conv.v2 else (data.get("components") or {}).get("schemas")
    ) or {}
    schemas = {str(k): conv.schema(v) for k, v in raw_schemas.items()}
    return ApiModel(
        title=str(info.get("title") or "API"),
        version=str(info.get("version") or "0"),
        description=str(info.get("description") or ""),
        servers=_servers(conv),
        operations=_operations(conv),
        schemas=schemas,
        security_schemes=_security_schemes(conv),
        security=[s for s in data.get("security") or [] if isinstance(s, dict)],
        source=f"openapi {version}",
    )


# ---------------------------------------------------------------- back to OpenAPI 3.1


def _scheme_out(s: SecurityScheme) -> dict[str, Any]:
    if s.type == "apiKey":
        return {"type": "apiKey", "in": s.location or "header", "name": s.param_name}
    if s.type == "http":
        return {"type": "http", "scheme": s.scheme or "bearer"}
    if s.type == "oauth2":
        return {
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}}},
        }
    return {"type": "http", "scheme": "bearer"}


def _operation_out(op: Operation) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": op.operation_id}
    for key in ("summary", "description"):
        if getattr(op, key):
            out[key] = getattr(op, key)
    if op.tags:
        out["tags"] = op.tags
    if op.parameters:
        out["parameters"] = [
            {
                "name": p.name,
                "in": p.location,
                "required": p.required,
                "schema": p.schema_,
                **({"description": p.description} if p.description else {}),
                **({"style": p.style} if p.style else {}),
                **({"explode": p.explode} if p.explode is not None else {}),
            }
            for p in op.parameters
        ]
    if op.request_body is not None:
        media: dict[str, Any] = {"schema": op.request_body.schema_ or {}}
        out["requestBody"] = {
            "required": op.request_body.required,
            "content": {op.request_body.content_type: media},
        }
    responses: dict[str, Any] = {}
    for status, resp in op.responses.items():
        r: dict[str, Any] = {"description": resp.description or status}
        if resp.body is not None:
            r["content"] = {resp.body.content_type: {"schema": resp.body.schema_ or {}}}
        responses[status] = r
    out["responses"] = responses or {"default": {"description": "any response"}}
    if op.security is not None:
        out["security"] = op.security
    if op.deprecated:
        out["deprecated"] = True
    return out


def to_openapi(model: ApiModel) -> dict[str, Any]:
    """The model as an OpenAPI 3.1.0 document (the interchange format)."""
    paths: dict[str, dict[str, Any]] = {}
    for op in model.operations:
        paths.setdefault(op.path, {})[op.method] = _operation_out(op)
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": model.title,
            "version": model.version,
            **({"description": model.description} if model.description else {}),
        },
    }
    if model.servers:
        doc["servers"] = [{"url": s} for s in model.servers]
    doc["paths"] = paths
    components: dict[str, Any] = {}
    if model.schemas:
        components["schemas"] = model.schemas
    if model.security_schemes:
        components["securitySchemes"] = {
            k: _scheme_out(v) for k, v in model.security_schemes.items()
        }
    if components:
        doc["components"] = components
    if model.security:
        doc["security"] = model.security
    return doc


__all__ = ["parse_openapi", "report_for", "spec_version", "to_model", "to_openapi", "validate"]
