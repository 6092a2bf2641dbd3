"""The TypeScript SDK (fetch, or the axios variant): interfaces, one async method per
operation, typed errors, retries, page iterators, a README and a smoke test; it
type-checks with ``tsc --strict``."""

from __future__ import annotations

import re
from typing import Any

from devlab.apibuilder.examples import example
from devlab.apibuilder.models import ApiModel
from devlab.apibuilder.sdk.plan import (
    ANY,
    Namer,
    OpPlan,
    SdkPlan,
    TypeRef,
    camel,
    pascal_name,
    path_expr,
)
from devlab.apibuilder.sdk.render import js_str, render, safe_comment

_PRIMS = {
    "string": "string",
    "integer": "number",
    "number": "number",
    "boolean": "boolean",
    "any": "unknown",
}
_TS_RESERVED = {
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "as",
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
    "yield",
    "any",
    "boolean",
    "constructor",
    "declare",
    "get",
    "module",
    "require",
    "number",
    "set",
    "string",
    "symbol",
    "type",
    "from",
    "of",
    "unknown",
    "never",
    "object",
    "await",
    "async",
    "arguments",
    "eval",
    "params",
    "body",
    "request",
    "url",
    "headers",
    "options",
    "M",
    "pageSize",
}
_TYPE_RESERVED = {
    "Array",
    "Record",
    "Promise",
    "Error",
    "Date",
    "Object",
    "String",
    "Number",
    "Boolean",
    "Symbol",
    "Function",
    "Map",
    "Set",
    "Buffer",
    "Blob",
    "Response",
    "Request",
    "Headers",
    "URL",
    "JSON",
    "Math",
    "Partial",
    "Required",
    "Pick",
    "Omit",
    "Readonly",
    "Client",
    "ApiError",
}


class TsTypes:
    def __init__(self, plan: SdkPlan) -> None:
        namer = Namer(_TYPE_RESERVED | _TS_RESERVED, fold=True)
        self.names = {m.name: namer(m.name, pascal_name(m.name), "Model") for m in plan.models}

    def __call__(self, t: TypeRef, prefix: str = "M.") -> str:
        kind, arg = t
        if kind == "prim":
            return _PRIMS[arg]
        if kind == "ref":
            return prefix + self.names[arg] if arg in self.names else "unknown"
        if kind == "list":
            return f"Array<{self(arg, prefix)}>"
        return f"Record<string, {self(arg, prefix)}>"


def _path_expr(path: str, idents: dict[str, str]) -> str:
    return path_expr(
        path,
        idents,
        segment=lambda ident: f"encodeURIComponent(String({ident}))",
        literal=js_str,
        empty='""',
    )


def _signature(
    op: OpPlan, types: TsTypes, skip: frozenset[str] | set[str] = frozenset()
) -> tuple[str, dict]:
    names = Namer(_TS_RESERVED)
    idents: dict[str, str] = {}
    args = []
    for p in op.path_params:
        ident = names(p.json_name, camel(p.json_name))
        idents[p.json_name] = ident
        args.append(f"{ident}: {types(p.type)}")
    if op.body_kind is not None:
        btype = (
            types(op.body_type)
            if op.body_kind == "json"
            else ("Record<string, string>" if op.body_kind in ("form", "multipart") else "string")
        )
        args.append(f"body: {btype}" if op.body_required else f"body?: {btype}")
    fields = [
        p
        for p in [*op.query_params, *op.header_params]
        if not (p.location == "query" and p.json_name in skip)
    ]
    if fields:
        shape = "; ".join(
            f"{js_str(p.json_name)}{'' if p.required else '?'}: {types(p.type)}" for p in fields
        )
        optional = all(not p.required for p in fields)
        args.append(f"params: {{ {shape} }}" + (" = {}" if optional else ""))
    if not op.body_required and op.body_kind is not None and not fields:
        pass
    return ", ".join(_order(args)), idents


def _order(args: list[str]) -> list[str]:
    """Optional parameters (``x?:`` or with a default) after the required ones."""
    required = [a for a in args if "?:" not in a.split("{")[0] and " = " not in a]
    return required + [a for a in args if a not in required]


def _call(op: OpPlan, idents: dict[str, str], over: dict[str, str]) -> str:
    def source(p: Any) -> str:
        return over.get(p.json_name) or f"params[{js_str(p.json_name)}]"

    opts = []
    if op.query_params:
        opts.append(
            "query: { "
            + ", ".join(f"{js_str(p.query_key())}: {source(p)}" for p in op.query_params)
            + " }"
        )
    if op.header_params:
        opts.append(
            "headers: { "
            + ", ".join(
                f"{js_str(p.header_key())}: params[{js_str(p.json_name)}]" for p in op.header_params
            )
            + " }"
        )
    if op.body_kind == "json":
        opts.append("json: body")
    elif op.body_kind in ("form", "multipart"):
        opts.append(f"form: body, contentType: {js_str('application/x-www-form-urlencoded')}")
    elif op.body_kind == "raw":
        opts.append(f"raw: body, contentType: {js_str(op.body_content_type)}")
    if op.result_kind == "raw":
        opts.append("binary: true")
    return f"this.request({js_str(op.method)}, {_path_expr(op.path, idents)}" + (
        f", {{ {', '.join(opts)} }})" if opts else ")"
    )


def _methods(op: OpPlan, method_names: Namer, types: TsTypes) -> list[dict[str, str]]:
    sig, idents = _signature(op, types)
    returns = {"json": types(op.result_type), "none": "void", "raw": "string"}[op.result_kind]
    call = _call(op, idents, {})
    body = f"    await {call};" if returns == "void" else f"    return (await {call}) as {returns};"
    name = method_names(op.operation_id, camel(op.operation_id))
    doc = safe_comment(
        f"{op.method} {op.path}: {op.summary}" if op.summary else f"{op.method} {op.path}"
    )
    out = [
        {"decl": f"async {name}({sig}): Promise<{returns}>", "doc": doc, "body": body, "name": name}
    ]
    if op.paging is None:
        return out
    skip = {"offset", "limit", "page"}
    sig, idents = _signature(op, types, skip)
    sig = (sig + ", " if sig else "") + "pageSize = 50"
    item = types(op.page_item_type)
    over = (
        {"offset": "offset", "limit": "pageSize"}
        if op.paging == "offset"
        else {"page": "page", "limit": "pageSize"}
    )
    for p in op.query_params:
        if p.json_name in skip and p.json_name not in over:
            over[p.json_name] = "undefined"
    if "params" not in sig:
        sig = "params: Record<string, unknown> = {}, " + sig
    call = _call(op, idents, over)
    take = (
        "data"
        if op.page_items == ""
        else f"(data as {{ [k: string]: unknown }})[{js_str(op.page_items or '')}]"
    )
    counter = "offset" if op.paging == "offset" else "page"
    step = "offset += items.length" if op.paging == "offset" else "page += 1"
    body = (
        f"    let {counter} = {0 if counter == 'offset' else 1};\n    for (;;) {{\n"
        f"      const data: unknown = await {call};\n"
        f"      const items = ({take} ?? []) as Array<{item}>;\n"
        f"      for (const item of items) yield item;\n"
        f"      if (items.length < pageSize || items.length === 0) return;\n"
        f"      {step};\n    }}"
    )
    iter_name = method_names("iter:" + op.operation_id, "iter" + pascal_name(name))
    out.append(
        {
            "decl": f"async *{iter_name}({sig}): AsyncGenerator<{item}, void, undefined>",
            "doc": f"Every item of {name}, page after page.",
            "body": body,
            "name": iter_name,
        }
    )
    return out


def _smoke_call(op: OpPlan, method: str, model: ApiModel) -> str | None:
    if op.body_kind not in (None, "json"):
        return None
    src = model.operation(op.operation_id)
    if src is None:
        return None
    args = []
    for p in op.path_params:
        schema = next(
            (q.schema_ for q in src.parameters if q.name == p.json_name and q.location == "path"),
            {},
        )
        args.append(js_literal(example(schema, model.schemas, full=False)))
    body_arg = None
    if op.body_kind == "json":
        body = example(src.request_body.schema_, model.schemas) if src.request_body else {}
        body_arg = f"{js_literal(body)} as never"
    fields = {
        p.json_name: example(
            next(
                (
                    q.schema_
                    for q in src.parameters
                    if q.name == p.json_name and q.location == p.location
                ),
                {},
            ),
            model.schemas,
            full=False,
        )
        for p in [*op.query_params, *op.header_params]
        if p.required
    }
    params_arg = f"{js_literal(fields)} as never" if fields else None
    # the signature's order: required arguments first (see _order)
    if body_arg is not None and not op.body_required and params_arg is not None:
        args += [params_arg, body_arg]
    else:
        args += [a for a in (body_arg, params_arg) if a is not None]
    return f"await client.{method}({', '.join(args)});"


def js_literal(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=True, sort_keys=False)


def generate_typescript(
    model: ApiModel, plan: SdkPlan, framework: str = "fetch", max_smoke: int = 40
) -> dict[str, str]:
    """The SDK's files (path -> text)."""
    types = TsTypes(plan)
    method_names = Namer(
        _TS_RESERVED | {"request", "url", "headers", "baseUrl", "options", "http", "constructor"}
    )
    ops = [m for op in plan.ops for m in _methods(op, method_names, types)]
    models: list[dict[str, Any]] = []
    for m in plan.models:
        name = types.names[m.name]
        if m.fields is None:
            models.append({"name": name, "fields": None, "alias": types(m.alias, "")})
            continue
        models.append(
            {
                "name": name,
                "alias": "",
                "fields": [
                    {
                        "key": js_str(f.json_name),
                        "required": f.required,
                        "type": types(f.type, "")
                        + (" | null" if f.nullable and f.type != ANY else ""),
                    }
                    for f in m.fields
                ],
            }
        )
    ctx = {
        "title": safe_comment(plan.title),
        "version": safe_comment(plan.version),
        "framework": framework,
        "base_url": js_str(plan.base_url),
        "api_keys": plan.api_keys,
        "ops": ops,
        "models": models,
    }
    calls = []
    for op in plan.ops[:max_smoke]:
        call = _smoke_call(op, method_names.names[op.operation_id], model)
        if call is not None:
            calls.append({"name": op.operation_id, "call": call})
    package = re.sub(r"[^a-z0-9-]+", "-", plan.title.lower()).strip("-")[:40] or "api"
    return {
        "src/models.ts": render("ts_models.ts.j2", **ctx),
        "src/client.ts": render("ts_client.ts.j2", **ctx),
        "src/index.ts": 'export * from "./client";\nexport type * from "./models";\n',
        "smoke.ts": render("ts_smoke.ts.j2", **ctx, calls=calls),
        "package.json": render("ts_package.json.j2", **ctx, package=package + "-client"),
        "tsconfig.json": render("ts_tsconfig.json.j2", **ctx),
        "README.md": render("ts_readme.md.j2", **ctx, example=ops[0] if ops else None),
    }


__all__ = ["generate_typescript"]
