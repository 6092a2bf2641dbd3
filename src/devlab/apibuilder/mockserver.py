"""A mock HTTP server for one spec, standard library (and jsonschema when present).

It runs in two places: inside the sandbox next to a generated SDK's smoke test
(``python3 mockserver.py routes.json PORT``), and behind ``devlab api mock``.
Routes come from ``devlab.apibuilder.mock.route_table``: per operation the path
template, its parameters and request body with their schemas, and the example
response it answers (schema-conformant, deterministic). Unknown paths get 404,
unknown methods 405.

Requests are checked against the operation: a missing required parameter or body, a
body that is not JSON, or a parameter whose value breaks its schema (``limit=abc`` for
an integer, ``limit=500`` over a maximum of 100) is a 400. Parameters (path, query,
header, cookie) are read by their OpenAPI style and explode before the schema check:
form (exploded arrays repeated, objects as their properties' own parameters), deepObject
(``filter[k]=v``), space/pipe delimited, simple, label and matrix, and ``content``
(JSON) parameters; a JSON body that breaks the
body schema is a 422. Both name each field (``query parameter 'limit'``, ``body field
'owner.name'``) in ``error`` and list them in ``errors``. Schemas are checked with
jsonschema (Draft 2020-12, the model's dialect); where it is not installed (a bare
python3) only required parameters and body fields are checked.
"""

from __future__ import annotations

import json
import re
import sys
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

try:
    import jsonschema
except ImportError:  # pragma: no cover - a python3 without jsonschema: required checks only
    jsonschema = None

MAX_BODY = 1_000_000
MAX_ERRORS = 5
MAX_SEGMENT = 2000  # longest path segment split into several parameters
_DELIMITERS = {"spaceDelimited": " ", "pipeDelimited": "|"}


def _match(segments: list[str], parts: list[str]) -> bool:
    if len(segments) != len(parts):
        return False
    for seg, part in zip(segments, parts, strict=True):
        if seg.startswith("{") and seg.endswith("}"):
            if not part:
                return False
        elif "{" in seg:  # a template inside a segment, e.g. "{id}.json"
            head, tail = seg.split("{", 1)[0], seg.rsplit("}", 1)[-1]
            if not (part.startswith(head) and part.endswith(tail)):
                return False
        elif seg != part:
            return False
    return True


def _problem(where: str, field: str, message: str, status: int = 400) -> dict[str, Any]:
    return {"in": where, "field": field, "message": message, "status": status}


class Schemas:
    """jsonschema validators of one table's schemas (``$ref``s resolve against the named
    schemas), built once per schema."""

    def __init__(self, named: dict[str, Any]) -> None:
        self.named = named
        self.cache: dict[int, Any] = {}

    def resolve(self, schema: Any) -> Any:
        for _ in range(8):
            if not (isinstance(schema, dict) and isinstance(schema.get("$ref"), str)):
                break
            schema = self.named.get(schema["$ref"].rsplit("/", 1)[-1], {})
        return schema

    def errors(self, schema: Any, value: Any) -> list[Any]:
        if jsonschema is None or not isinstance(schema, dict) or not schema:
            return []
        validator = self.cache.get(id(schema))
        if validator is None:
            root = {**schema, "components": {"schemas": self.named}}
            validator = jsonschema.Draft202012Validator(root)
            self.cache[id(schema)] = validator
        found = validator.iter_errors(value)
        return sorted(found, key=lambda e: [str(p) for p in e.absolute_path])[:MAX_ERRORS]


def _kind(schema: Any) -> str | None:
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _scalar(text: str, kind: str | None) -> tuple[Any, str | None]:
    """``text`` as the schema's type, or why it is not one."""
    if kind == "integer":
        try:
            return int(text), None
        except ValueError:
            return None, f"{text!r} is not an integer"
    if kind == "number":
        try:
            value = float(text)
        except ValueError:
            return None, f"{text!r} is not a number"
        return (
            (None, f"{text!r} is not a finite number")
            if value != value or abs(value) == float("inf")
            else (value, None)
        )
    if kind == "boolean":
        if text in ("true", "false"):
            return text == "true", None
        return None, f"{text!r} is not true or false"
    return text, None


def _type_of(schema: Any, schemas: Schemas, depth: int = 0) -> str | None:
    """The type a parameter's schema names, through ``$ref``s and ``allOf`` parts."""
    schema = schemas.resolve(schema)
    kind = _kind(schema)
    if kind is None and isinstance(schema, dict) and depth < 8:
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        for part in schema.get("allOf") or []:
            kind = kind or _type_of(part, schemas, depth + 1)
    return kind


def _property(schema: Any, name: str, schemas: Schemas) -> Any:
    schema = schemas.resolve(schema)
    props = schema.get("properties") if isinstance(schema, dict) else None
    if isinstance(props, dict) and name in props:
        return props[name]
    extra = schema.get("additionalProperties") if isinstance(schema, dict) else None
    return extra if isinstance(extra, dict) else {}


def _items(texts: list[str], schema: Any, schemas: Schemas) -> tuple[Any, str | None]:
    items_schema = schemas.resolve(schema).get("items")
    out = []
    for text in texts:
        value, why = _scalar(text, _type_of(items_schema, schemas))
        if why:
            return None, why
        out.append(value)
    return out, None


def _object(pairs: list[tuple[str, str]], schema: Any, schemas: Schemas) -> tuple[Any, str | None]:
    out = {}
    for key, text in pairs:
        value, why = _scalar(text, _type_of(_property(schema, key, schemas), schemas))
        if why:
            return None, f"property {key!r}: {why}"
        out[key] = value
    return out, None


def _split(text: str, delimiter: str) -> list[str]:
    return text.split(delimiter) if text else []


def _path_text(text: str, name: str, style: str) -> tuple[str, str | None]:
    """A label (``.v``) or matrix (``;name=v``) path value without its prefix."""
    if style == "label":
        return (text[1:], None) if text.startswith(".") else ("", "does not start with '.'")
    if style == "matrix":
        return (text[1:], None) if text.startswith(";") else ("", "does not start with ';'")
    return text, None


def _decode(texts: list[str], p: dict, schemas: Schemas) -> tuple[Any, str | None]:
    """A parameter's text as its schema's type, by its OpenAPI style: arrays and
    objects delimited (``,`` / space / ``|``; exploded arrays repeated), objects as
    ``k,v`` pairs or exploded ``k=v`` items, label and matrix prefixes in paths."""
    name, style, explode, schema = p["name"], p["style"], p["explode"], p.get("schema")
    kind = _type_of(schema, schemas)
    if "json" in (p.get("content_type") or ""):
        try:
            return json.loads(texts[-1]), None
        except ValueError:
            return None, f"{texts[-1][:80]!r} is not JSON"
    text, why = _path_text(texts[-1], name, style) if p["in"] == "path" else (texts[-1], None)
    if why:
        return None, f"{texts[-1][:80]!r} {why} (style {style})"
    if style == "matrix":  # ";name=v", ";name=a,b", ";name=a;name=b", ";k=v;k2=v2"
        items = [i.partition("=") for i in text.split(";")]
        if kind == "object" and explode:
            return _object([(k, v) for k, _, v in items], schema, schemas)
        text = ",".join(v for _, _, v in items) if kind == "array" and explode else items[0][2]
    delimiter = _DELIMITERS.get(style, ",")
    if kind == "array":
        if p["in"] == "query" and len(texts) > 1:
            parts = texts  # repeated (form exploded; also taken for the unexploded styles)
        elif p["in"] == "query" and explode and style == "form":
            parts = [text]
        else:
            parts = _split(text, "." if style == "label" and explode else delimiter)
        return _items(parts, schema, schemas)
    if kind == "object":
        parts = _split(text, "." if style == "label" and explode else delimiter)
        if explode:  # simple/label exploded: k=v items
            return _object(
                [(k, v) for k, _, v in (i.partition("=") for i in parts)], schema, schemas
            )
        if len(parts) % 2:
            return None, f"{text[:80]!r} is not key,value pairs (style {style})"
        return _object(list(zip(parts[::2], parts[1::2], strict=True)), schema, schemas)
    return _scalar(text, kind)


def _object_in_query(p: dict, query: dict, schemas: Schemas) -> list[tuple[str, str]] | None:
    """A query object written as ``name[k]=v`` (deepObject) or, form exploded, as its
    properties' own parameters; None when the parameter is written as one value."""
    name, schema = p["name"], p.get("schema")
    if _type_of(schema, schemas) != "object" or p.get("content_type"):
        return None
    if p["style"] == "deepObject":
        head = name + "["
        return [(k[len(head) : -1], v[-1]) for k, v in query.items()
                if k.startswith(head) and k.endswith("]")]  # fmt: skip
    if p["style"] == "form" and p["explode"]:
        props = schemas.resolve(schema).get("properties")
        return [(k, query[k][-1]) for k in props if k in query] if isinstance(props, dict) else []
    return None


def _cookies(headers: Message) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in headers.get_all("Cookie") or []:
        for part in line.split(";"):
            key, sep, value = part.strip().partition("=")
            if sep:
                out.setdefault(key, []).append(unquote(value.strip('"')))
    return out


def _field(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _param_problems(
    route: dict, query: dict, headers: Message, path_args: dict, schemas: Schemas
) -> list[dict[str, Any]]:
    problems = []
    cookies = _cookies(headers)
    for p in route.get("params", []):
        name, where = p["name"], p["in"]
        p = {"style": "form" if where in ("query", "cookie") else "simple", **p}
        p.setdefault("explode", p["style"] == "form")
        pairs = _object_in_query(p, query, schemas) if where == "query" else None
        if pairs is not None:
            raw: Any = pairs or None
        elif where == "query":
            raw = query.get(name)
        elif where == "header":
            found = headers.get_all(name)
            raw = [",".join(found)] if found else None
        elif where == "cookie":
            raw = cookies.get(name)
        else:
            raw = [path_args[name]] if name in path_args else None
        # an object without properties has no text in the query (form exploded or
        # deepObject): a required one that needs none of its properties is satisfied
        empty = pairs == [] and not schemas.resolve(p.get("schema")).get("required")
        if not raw and not empty:
            if p.get("required"):
                problems.append(_problem(where, name, f"missing {where} parameter {name!r}"))
            continue
        if jsonschema is None:
            continue
        if pairs is not None:
            value, why = _object(pairs, p.get("schema"), schemas)
        else:
            value, why = _decode(list(raw), p, schemas)
        if why is None and value is not None:
            errors = schemas.errors(p.get("schema"), value)
            why = _error_text(errors[0]) if errors else None
        if why:
            problems.append(_problem(where, name, f"{where} parameter {name!r}: {why}"))
    return problems


def _error_text(error: Any) -> str:
    where = _field(error.absolute_path)
    return f"{where}: {error.message}" if where else error.message


def _body_problems(route: dict, body: bytes, ctype: str, schemas: Schemas) -> list[dict]:
    if not body:
        return [_problem("body", "", "missing request body")] if route.get("body_required") else []
    if route.get("body_kind") != "json":
        return []
    if "json" not in ctype:
        return [_problem("body", "", f"request body must be JSON, got Content-Type {ctype!r}")]
    try:
        data = json.loads(body)
    except ValueError:
        return [_problem("body", "", "request body is not valid JSON")]
    if jsonschema is None:
        fields = route.get("fields", []) if isinstance(data, dict) else []
        return [
            _problem("body", f, f"missing body field {f!r}", 422) for f in fields if f not in data
        ]
    out = []
    for e in schemas.errors(route.get("body_schema"), data):
        field = _field(e.absolute_path)
        if e.validator == "required" and e.message.startswith("'"):
            field = _field([*e.absolute_path, e.message.split("'")[1]])
            out.append(_problem("body", field, f"missing body field {field!r}", 422))
        elif field:
            out.append(_problem("body", field, f"body field {field!r}: {e.message}", 422))
        else:
            out.append(_problem("body", "", f"request body: {e.message}", 422))
    return out


def _path_args(segments: list[str], parts: list[str]) -> dict[str, str]:
    """Path parameter values, whole segments ("{id}") or inside one ("{name}.{ext}": the
    earlier parameters take the most, so "1.5.json" is 1.5 and json)."""
    args: dict[str, str] = {}
    for seg, part in zip(segments, parts, strict=False):
        if "{" not in seg or len(part) > MAX_SEGMENT:
            continue  # a long segment: not split (the groups backtrack: quadratic)
        pieces = re.split(r"(\{[^{}/]+\})", seg)
        names = [p[1:-1] for p in pieces if p.startswith("{") and p.endswith("}")]
        pattern = "".join(
            "(.+)" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in pieces
        )
        found = re.fullmatch(pattern, part, re.DOTALL)
        if found is not None:
            args.update(zip(names, found.groups(), strict=True))
    return args


def _problems(
    route: dict, query: dict, headers: Message, body: bytes, ctype: str, parts: list[str],
    schemas: Schemas,
) -> list[dict[str, Any]]:  # fmt: skip
    args = _path_args(route["segments"], parts)
    found = _param_problems(route, query, headers, args, schemas)
    return found + _body_problems(route, body, ctype, schemas)


def _distance(problems: list[dict[str, Any]]) -> tuple[int, int, int]:
    """How far a request is from an operation: parameters it sent that break the
    operation's schemas, then parameters missing, then body problems."""
    params = [p for p in problems if p["in"] != "body"]
    sent = sum(not p["message"].startswith("missing") for p in params)
    return sent, len(params), len(problems)


def make_handler(table: list | dict, log: bool = False) -> type[BaseHTTPRequestHandler]:
    """The request handler of a route table (``route_table``'s dict, or a bare list of
    routes, checked for required fields only)."""
    routes: list[dict] = table["routes"] if isinstance(table, dict) else table
    schemas = Schemas(table.get("schemas", {}) if isinstance(table, dict) else {})

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            if log:
                super().log_message(format, *args)

        def _send(self, status: int, payload: object, ctype: str = "application/json") -> None:
            data = b""
            if payload is not None and status != 204:
                data = (json.dumps(payload) if "json" in ctype else str(payload)).encode()
            self.send_response(status)
            if data:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data and self.command != "HEAD":
                self.wfile.write(data)

        def _handle(self) -> None:
            url = urlsplit(self.path)
            path = url.path
            prefix = routes[0].get("prefix", "") if routes else ""
            if prefix and (path == prefix or path.startswith(prefix + "/")):
                path = path[len(prefix) :] or "/"
            parts = [unquote(p) for p in path.split("/")[1:]] if path != "/" else []
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, {"error": "request body too large", "status": 413})
                return
            body = self.rfile.read(length) if length else b""
            candidates = [r for r in routes if _match(r["segments"], parts)]
            if not candidates:
                self._send(404, {"error": f"no route for {url.path}", "status": 404})
                return
            query = parse_qs(url.query, keep_blank_values=True)
            same = [
                r
                for r in candidates
                if r["method"] == self.command
                and all(v in query.get(k, []) for k, v in r.get("literal_query", {}).items())
            ]
            if not same:
                self._send(405, {"error": f"{self.command} not allowed", "status": 405})
                return
            ctype = self.headers.get("Content-Type") or ""
            # several operations on one path (pseudo paths): the first the request satisfies;
            checked = [
                (r, _problems(r, query, self.headers, body, ctype, parts, schemas)) for r in same
            ]
            # none passes: report the one that came closest (the request's own operation:
            # the parameters it sent, such as X-Amz-Target, hold; something is missing or
            # only its body fails)
            route, problems = min(checked, key=lambda pair: _distance(pair[1]))
            if problems:
                status = 400 if any(p["status"] == 400 for p in problems) else 422
                error = "; ".join(p["message"] for p in problems)
                self._send(status, {"error": error, "status": status, "errors": problems})
                return
            self._send(
                route["status"], route.get("body"), route.get("content_type") or "application/json"
            )

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    return Handler


def serve(
    table: list | dict, host: str = "127.0.0.1", port: int = 8765, log: bool = False
) -> ThreadingHTTPServer:
    """A started-but-not-serving server; call ``serve_forever()`` on it."""
    server = ThreadingHTTPServer((host, port), make_handler(table, log))
    server.daemon_threads = True
    return server


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        table = json.load(fh)
    srv = serve(table, "127.0.0.1", int(sys.argv[2]))
    print("mock ready", flush=True)
    srv.serve_forever()
