"""The Go SDK (standard library net/http, encoding/json): structs, one method per
operation (``ctx`` first, path parameters, the body, then query/header parameters;
optional ones as pointers), bearer/basic/API-key auth, retries with backoff on 429/503,
typed errors (``*ApiError`` with ``Status``; ``errors.As``), query parameters written by
their OpenAPI style, a go.mod, and a smoke test (``smoke/main.go``)."""

from __future__ import annotations

import json
from typing import Any

from devlab.apibuilder.examples import example
from devlab.apibuilder.models import ApiModel
from devlab.apibuilder.sdk.plan import (
    ANY,
    Namer,
    OpPlan,
    ParamPlan,
    SdkPlan,
    TypeRef,
    camel,
    pascal_name,
    path_expr,
)
from devlab.apibuilder.sdk.render import render, safe_comment

MODULE = "sdk"
_KEYWORDS = {
    "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
    "for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
    "return", "select", "struct", "switch", "type", "var",
    # predeclared names and the package's own
    "any", "bool", "byte", "error", "float64", "int64", "string", "rune", "nil", "true",
    "false", "len", "cap", "make", "new", "append", "copy", "delete", "panic", "recover",
    "print", "println", "iota", "close", "complex", "real", "imag", "min", "max", "clear",
}  # fmt: skip
_TYPES_RESERVED = {"Client", "ApiError", "NewClient", "DefaultBaseURL", "IsNotFound",
                   "IsUnauthorized"}  # fmt: skip
_METHODS_RESERVED = {"Do", "call"}
_CLIENT_METHODS = {"WithToken", "WithApiKey", "WithBasicAuth", "WithMaxRetries"}
_LOCALS = {"ctx", "c", "q", "h", "body", "seg", "out", "err", "raw", "fmt", "url", "json"}
_PRIMS = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}


def go_str(text: str) -> str:
    """A Go interpreted string literal (``\\U`` for characters beyond the BMP)."""
    out = ['"']
    for ch in str(text):
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")  # a lone surrogate is no character
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _line(text: str) -> str:
    return safe_comment(text).replace("\n", " ")


class GoTypes:
    """Go type names: structs for object schemas (referred to by pointer, so recursive
    models are fine), named aliases for the rest."""

    def __init__(self, plan: SdkPlan) -> None:
        namer = Namer(_TYPES_RESERVED | _KEYWORDS)
        self.structs = {m.name for m in plan.models if m.fields is not None}
        self.names = {m.name: namer(m.name, _exported(m.name, "M"), "Model") for m in plan.models}
        self.aliases = {m.name: m.alias for m in plan.models if m.fields is None}

    def __call__(self, t: TypeRef, depth: int = 0, prefix: str = "") -> str:
        """The Go type of ``t`` (``prefix``: the package qualifier outside the package)."""
        kind, arg = t
        if depth > 12:
            return "any"
        if kind == "prim":
            return _PRIMS.get(arg, "any")
        if kind == "ref":
            if arg in self.structs:
                return "*" + prefix + self.names[arg]
            if arg in self.names:
                return prefix + self.names[arg]
            return "any"
        if kind == "list":
            return "[]" + self(arg, depth + 1, prefix)
        return "map[string]" + self(arg, depth + 1, prefix)

    def optional(self, t: TypeRef, prefix: str = "") -> str:
        """Optional parameters and fields: a pointer where the zero value is a value."""
        name = self(t, 0, prefix)
        if name.startswith(("*", "[]", "map[")) or name == "any":
            return name
        if t[0] == "ref" and t[1] in self.aliases:
            alias = self(self.aliases.get(t[1], ANY))
            if alias.startswith(("*", "[]", "map[")) or alias == "any":
                return name
        return "*" + name


def _exported(text: str, lead: str) -> str:
    """An exported Go name (a leading digit gets ``lead`` before it)."""
    name = pascal_name(text)
    return name if name[:1].isalpha() else lead + name


def _path_expr(path: str, idents: dict[str, str]) -> str:
    return path_expr(
        path, idents, segment=lambda ident: f"seg({ident})", literal=go_str, empty='""'
    )


def _ident(names: Namer, key: str, text: str) -> str:
    ident = camel(text)
    return names(key, ident if ident[:1].isalpha() else "p" + ident)


def _args(op: OpPlan, types: GoTypes) -> tuple[list[str], dict[str, str], list[ParamPlan]]:
    names = Namer(_KEYWORDS | _LOCALS)
    idents: dict[str, str] = {}
    args = ["ctx context.Context"]
    for p in op.path_params:
        idents[p.json_name] = _ident(names, p.json_name, p.json_name)
        args.append(f"{idents[p.json_name]} {types(p.type)}")
    if op.body_kind is not None:
        args.append(f"body {types(op.body_type) if op.body_kind == 'json' else '[]byte'}")
    rest = sorted([*op.query_params, *op.header_params], key=lambda p: not p.required)
    for p in rest:
        ident = _ident(names, f"{p.location}:{p.json_name}", p.json_name)
        idents[f"{p.location}:{p.json_name}"] = ident
        args.append(f"{ident} {types(p.type) if p.required else types.optional(p.type)}")
    return args, idents, rest


def _method(op: OpPlan, method_names: Namer, types: GoTypes) -> dict[str, str]:
    args, idents, rest = _args(op, types)
    lines = ["\tq := []queryParam{}", "\th := map[string]any{}"]
    for p in rest:
        ident = idents[f"{p.location}:{p.json_name}"]
        if p.location == "query":
            lines.append(f"\tq = append(q, queryParam{{{go_str(p.query_key())}, {ident}}})")
        else:
            lines.append(f"\th[{go_str(p.header_key())}] = {ident}")
    body = "body" if op.body_kind is not None else "nil"
    ctype = go_str(op.body_content_type) if op.body_kind not in (None, "json") else '""'
    call = f"c.call(ctx, {go_str(op.method)}, {_path_expr(op.path, idents)}, q, h, {body}, {ctype}"
    if op.result_kind == "json":
        returns = types(op.result_type)
        lines += [
            f"\tvar out {returns}",
            f"\terr := {call}, &out)",
            "\treturn out, err",
        ]
        returns = f"({returns}, error)"
    elif op.result_kind == "raw":
        returns = "([]byte, error)"
        lines += ["\tvar raw []byte", f"\terr := {call}, &raw)", "\treturn raw, err"]
    else:
        returns = "error"
        lines.append(f"\treturn {call}, nil)")
    name = method_names(op.operation_id, _exported(op.operation_id, "Op"))
    doc = _line(f"{op.method} {op.path}: {op.summary}" if op.summary else f"{op.method} {op.path}")
    return {
        "name": name,
        "signature": ", ".join(args),
        "returns": returns,
        "doc": doc,
        "body": "\n".join(lines),
    }


def _smoke_call(op: OpPlan, method: str, model: ApiModel, types: GoTypes) -> str | None:
    if op.body_kind not in (None, "json"):
        return None
    src = model.operation(op.operation_id)
    if src is None:
        return None

    def value(t: TypeRef, data: object) -> str:
        return f"v[{types(t, 0, 'sdk.')}]({go_str(json.dumps(data))})"

    def schema_of(p: ParamPlan) -> dict:
        found = (
            q.schema_ for q in src.parameters if q.name == p.json_name and q.location == p.location
        )
        return next(found, {})

    args = ["ctx"]
    for p in op.path_params:
        args.append(value(p.type, example(schema_of(p), model.schemas, full=False)))
    if op.body_kind == "json":
        body = example(src.request_body.schema_, model.schemas) if src.request_body else {}
        args.append(value(op.body_type, body))
    for p in sorted([*op.query_params, *op.header_params], key=lambda p: not p.required):
        if not p.required:
            args.append("nil")
        else:
            args.append(value(p.type, example(schema_of(p), model.schemas, full=False)))
    call = f"client.{method}({', '.join(args)})"
    return call if op.result_kind == "none" else f"_, err = {call}"


def generate_go(
    model: ApiModel, plan: SdkPlan, framework: str = "net/http", max_smoke: int = 40
) -> dict[str, str]:
    """The SDK's files (path -> text)."""
    types = GoTypes(plan)
    method_names = Namer(_KEYWORDS | _METHODS_RESERVED | _CLIENT_METHODS)
    ops = [_method(op, method_names, types) for op in plan.ops]
    models: list[dict[str, Any]] = []
    for m in plan.models:
        if m.fields is None:
            alias = types(m.alias)
            models.append({"name": types.names[m.name], "alias": alias, "fields": None})
            continue
        names = Namer(set())
        fields = []
        for f in m.fields:
            optional = not f.required or f.nullable
            go_type = types.optional(f.type) if optional else types(f.type)
            tag = f.json_name.replace("\\", "").replace('"', "").replace("`", "")
            fields.append(
                {
                    "ident": names(f.json_name, _exported(f.json_name, "F"), "Field"),
                    "type": go_type,
                    "tag": f'`json:"{tag},omitempty"`' if optional else f'`json:"{tag}"`',
                }
            )
        models.append({"name": types.names[m.name], "fields": fields, "alias": None})
    ctx = {
        "title": _line(plan.title),
        "version": _line(plan.version),
        "base_url": go_str(plan.base_url),
        "api_keys": [(loc, go_str(name)) for loc, name in plan.api_keys],
        "ops": ops,
        "models": models,
        "module": MODULE,
    }
    calls = []
    for op in plan.ops[:max_smoke]:
        call = _smoke_call(op, method_names.names[op.operation_id], model, types)
        if call is not None:
            calls.append({"name": go_str(op.operation_id), "call": call,
                          "none": op.result_kind == "none"})  # fmt: skip
    return {
        "go.mod": f"module {MODULE}\n\ngo 1.19\n",
        "client.go": render("go_client.go.j2", **ctx),
        "models.go": render("go_models.go.j2", **ctx),
        "smoke/main.go": render("go_smoke.go.j2", **ctx, calls=calls),
        "README.md": render("go_readme.md.j2", **ctx, example=ops[0] if ops else None),
    }


__all__ = ["generate_go", "go_str"]
