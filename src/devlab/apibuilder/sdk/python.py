"""The Python SDK (httpx, or the requests variant): TypedDict models, one method per
operation, typed errors, retries, pagination iterators, a README and a smoke test."""

from __future__ import annotations

import builtins
import keyword
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
    pascal_name,
    path_expr,
    snake,
)
from devlab.apibuilder.sdk.render import py_str, render, safe_comment

_PRIMS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "any": "Any"}
_MODEL_RESERVED = {
    "Any",
    "Required",
    "TypeAlias",
    "TypedDict",
    "Client",
    "ApiError",
    "Iterator",
    "cast",
    "annotations",
    *dir(builtins),
    *keyword.kwlist,
}
_PARAM_RESERVED = {
    *keyword.kwlist,
    "self",
    "body",
    "page_size",
    "cast",
    "Any",
    "Iterator",
    "time",
    "httpx",
    "requests",
    "json",
    "form",
    "files",
    "content",
    *dir(builtins),
}


def package_name(title: str) -> str:
    name = snake(title)[:40].strip("_") or "api"
    name = name if name[0].isalpha() else "api_" + name
    return name + "_client"


class PythonTypes:
    def __init__(self, plan: SdkPlan) -> None:
        namer = Namer(_MODEL_RESERVED, fold=True)
        self.names = {m.name: namer(m.name, pascal_name(m.name), "Model") for m in plan.models}

    def __call__(self, t: TypeRef) -> str:
        kind, arg = t
        if kind == "prim":
            return _PRIMS[arg]
        if kind == "ref":
            return self.names.get(arg, "Any")
        if kind == "list":
            return f"list[{self(arg)}]"
        return f"dict[str, {self(arg)}]"


def _path_expr(path: str, idents: dict[str, str]) -> str:
    return path_expr(
        path, idents, segment=lambda ident: f"_seg({ident})", literal=py_str, empty="''"
    )


def _params(
    op: OpPlan, names: Namer, types: PythonTypes, skip: frozenset[str] | set[str] = frozenset()
) -> tuple[list[str], list[str], dict[str, str]]:
    """(positional, keyword) parameter declarations, and json name -> identifier."""
    idents: dict[str, str] = {}
    positional: list[str] = []
    required: list[str] = []
    optional: list[str] = []
    for p in op.path_params:
        ident = names(f"path:{p.json_name}", snake(p.json_name))
        idents[p.json_name] = ident
        positional.append(f"{ident}: {types(p.type)}")
    if op.body_kind is not None:
        btype = {
            "json": types(op.body_type),
            "form": "dict[str, str]",
            "multipart": "dict[str, bytes]",
            "raw": "bytes",
        }[op.body_kind]
        (required if op.body_required else optional).append(
            f"body: {btype}" if op.body_required else f"body: {btype} | None = None"
        )
    for p in [*op.query_params, *op.header_params]:
        if p.json_name in skip and p.location == "query":
            continue
        ident = names(f"{p.location}:{p.json_name}", snake(p.json_name))
        idents[f"{p.location}:{p.json_name}"] = ident
        if p.required:
            required.append(f"{ident}: {types(p.type)}")
        else:
            optional.append(f"{ident}: {types(p.type)} | None = None")
    return positional, required + optional, idents


def _call(op: OpPlan, idents: dict[str, str], overrides: dict[str, str]) -> str:
    query = ", ".join(
        f"{py_str(p.query_key())}: {overrides.get(p.json_name) or idents[f'query:{p.json_name}']}"
        for p in op.query_params
    )
    headers = ", ".join(
        f"{py_str(p.header_key())}: {idents[f'{p.location}:{p.json_name}']}"
        for p in op.header_params
    )
    args = [py_str(op.method), _path_expr(op.path, idents)]
    if query:
        args.append(f"query={{{query}}}")
    if headers:
        args.append(f"headers={{{headers}}}")
    if op.body_kind == "json":
        args.append("json=body")
    elif op.body_kind == "form":
        args.append("form=body")
    elif op.body_kind == "multipart":
        args.append("files=body")
    elif op.body_kind == "raw":
        args += ["content=body", f"content_type={py_str(op.body_content_type)}"]
    if op.result_kind == "raw":
        args.append("raw=True")
    return f"self._request({', '.join(args)})"


def _signature(positional: list[str], keywords: list[str]) -> str:
    parts = ["self", *positional]
    if keywords:
        parts += ["*", *keywords]
    return ", ".join(parts)


def _op_methods(op: OpPlan, method_names: Namer, types: PythonTypes) -> list[dict[str, str]]:
    names = Namer(_PARAM_RESERVED)
    positional, keywords, idents = _params(op, names, types)
    returns = {"json": types(op.result_type), "none": "None", "raw": "bytes"}[op.result_kind]
    call = _call(op, idents, {})
    body = (
        f"        {call}\n"
        if returns == "None"
        else f"        return cast({py_str(returns)}, {call})\n"
    )
    name = method_names(op.operation_id, snake(op.operation_id))
    doc = safe_comment(
        f"{op.method} {op.path}: {op.summary}" if op.summary else f"{op.method} {op.path}"
    )
    out = [
        {
            "name": name,
            "signature": _signature(positional, keywords),
            "returns": returns,
            "doc": doc,
            "body": body.rstrip("\n"),
        }
    ]
    if op.paging is not None:
        out.append(_iterator(op, name, method_names, types))
    return out


def _iterator(op: OpPlan, name: str, method_names: Namer, types: PythonTypes) -> dict[str, str]:
    skip = {"offset", "limit", "page"}
    names = Namer(_PARAM_RESERVED)
    positional, keywords, idents = _params(op, names, types, skip)
    keywords.append("page_size: int = 50")
    item = types(op.page_item_type)
    if op.paging == "offset":
        over = {"offset": "offset", "limit": "page_size"}
        start, step = "        offset = 0\n", "            offset += len(items)\n"
    else:
        has_limit = any(p.json_name == "limit" for p in op.query_params)
        over = {"page": "page", **({"limit": "page_size"} if has_limit else {})}
        start, step = "        page = 1\n", "            page += 1\n"
    for p in op.query_params:
        if p.json_name in skip and p.json_name not in over:
            over[p.json_name] = "None"
    call = _call(op, idents, over)
    take = "data" if op.page_items == "" else f"data.get({py_str(op.page_items or '')}) or []"
    body = (
        f"{start}        while True:\n            data = {call}\n"
        f"            items = cast({py_str(f'list[{item}]')}, {take})\n"
        f"            yield from items\n"
        f"            if len(items) < page_size or not items:\n                return\n{step}"
    )
    return {
        "name": method_names("iter:" + op.operation_id, "iter_" + name),
        "signature": _signature(positional, keywords),
        "returns": f"Iterator[{item}]",
        "doc": safe_comment(f"Every item of {name}, page after page."),
        "body": body.rstrip("\n"),
    }


def _literal(value: Any) -> str:
    return repr(value)


def _smoke_call(op: OpPlan, method: str, model: ApiModel) -> str | None:
    """One call with example arguments, or None when the smoke test skips it."""
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
        args.append(_literal(example(schema, model.schemas, full=False)))
    names = Namer(_PARAM_RESERVED)
    _, _, idents = _params(op, names, PythonTypes(SdkPlan("", "", "")))
    for p in [*op.query_params, *op.header_params]:
        if p.required:
            schema = next(
                (
                    q.schema_
                    for q in src.parameters
                    if q.name == p.json_name and q.location == p.location
                ),
                {},
            )
            ident = idents[f"{p.location}:{p.json_name}"]
            args.append(f"{ident}={_literal(example(schema, model.schemas, full=False))}")
    if (
        op.body_kind == "json"
        and src.request_body is not None
        and (op.body_required or src.request_body.schema_)
    ):
        args.append(f"body={_literal(example(src.request_body.schema_, model.schemas))}")
    return f"client.{method}({', '.join(args)})"


def generate_python(
    model: ApiModel, plan: SdkPlan, framework: str = "httpx", max_smoke: int = 40
) -> dict[str, str]:
    """The SDK's files (path -> text)."""
    types = PythonTypes(plan)
    method_names = Namer(_PARAM_RESERVED | {"close"})
    ops = [m for op in plan.ops for m in _op_methods(op, method_names, types)]
    models: list[dict[str, Any]] = []
    for m in plan.models:
        name = types.names[m.name]
        if m.fields is None:
            models.append({"name": name, "fields": None, "alias": py_str(types(m.alias))})
            continue
        fields = []
        for f in m.fields:
            t = types(f.type) + (" | None" if f.nullable and f.type != ANY else "")
            fields.append(
                {"key": py_str(f.json_name), "type": py_str(f"Required[{t}]" if f.required else t)}
            )
        models.append({"name": name, "fields": fields, "alias": ""})
    pkg = package_name(plan.title)
    ctx = {
        "title": safe_comment(plan.title),
        "version": safe_comment(plan.version),
        "framework": framework,
        "base_url": py_str(plan.base_url),
        "api_keys": plan.api_keys,
        "ops": ops,
        "models": models,
        "package": pkg,
    }
    calls = []
    for op in plan.ops[:max_smoke]:
        call = _smoke_call(op, method_names.names[op.operation_id], model)
        if call is not None:
            calls.append({"name": op.operation_id, "call": call})
    dep = "httpx>=0.23" if framework == "httpx" else "requests>=2.28"
    return {
        f"{pkg}/__init__.py": f'"""{ctx["title"]} client."""\n\nfrom .client import Client\n'
        "from .errors import *  # noqa: F403\nfrom .models import *  # "
        'noqa: F403\n\n__all__ = ["Client"]\n',
        f"{pkg}/client.py": render("python_client.py.j2", **ctx),
        f"{pkg}/errors.py": render("python_errors.py.j2", **ctx),
        f"{pkg}/models.py": render("python_models.py.j2", **ctx),
        f"{pkg}/py.typed": "",
        "pyproject.toml": render("python_pyproject.toml.j2", **ctx, dependency=dep),
        "README.md": render("python_readme.md.j2", **ctx, example=ops[0] if ops else None),
        "smoke_test.py": render("python_smoke.py.j2", **ctx, calls=calls),
    }


__all__ = ["ParamPlan", "generate_python", "package_name"]
