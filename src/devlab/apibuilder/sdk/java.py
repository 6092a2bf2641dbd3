"""The Java SDK (OkHttp 3 + Jackson): model classes, one method per operation, typed
exceptions, retries, a pom.xml naming the versions it is compiled against, and a
smoke test (``Smoke.main``)."""

from __future__ import annotations

import json
import re

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
from devlab.apibuilder.sdk.render import java_str, render, safe_comment

PACKAGE = "sdk"
# what the SDK is compiled and smoke-tested against here (Debian's libokhttp-java and
# libjackson2-databind-java); pom.xml and build.gradle name the same versions for users
OKHTTP_VERSION = "3.13.1"
JACKSON_VERSION = "2.14.0"
_KEYWORDS = {
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "try",
    "void",
    "volatile",
    "while",
    "true",
    "false",
    "null",
    "var",
    "record",
    "yield",
    "sealed",
    "permits",
    "_",
}
_TYPES_RESERVED = {
    "String",
    "Object",
    "Long",
    "Integer",
    "Double",
    "Boolean",
    "List",
    "Map",
    "Models",
    "ApiClient",
    "ApiException",
    "Smoke",
    "Override",
    "Deprecated",
    "Number",
    "Class",
    "System",
    "Math",
    "Exception",
    "Error",
    "Thread",
    "Void",
    "Character",
    "Byte",
    "Short",
    "Float",
    "Iterable",
    "Record",
    "Enum",
    "JsonProperty",
    "JsonIgnoreProperties",
    "JsonInclude",
    "TypeReference",
    "Runtime",
    "Iterator",
    "Comparable",
    "Process",
    "Package",
    "Module",
}
_PRIMS = {
    "string": "String",
    "integer": "Long",
    "number": "Double",
    "boolean": "Boolean",
    "any": "Object",
}


class JavaTypes:
    """Java type names; alias schemas are replaced by what they alias (no aliases in Java)."""

    def __init__(self, plan: SdkPlan) -> None:
        namer = Namer(_TYPES_RESERVED | _KEYWORDS, fold=True)
        self.aliases = {m.name: m.alias for m in plan.models if m.fields is None}
        self.names = {
            m.name: namer(m.name, pascal_name(m.name), "Model")
            for m in plan.models
            if m.fields is not None
        }

    def __call__(self, t: TypeRef, prefix: str = "Models.", depth: int = 0) -> str:
        kind, arg = t
        if depth > 12:
            return "Object"
        if kind == "prim":
            return _PRIMS[arg]
        if kind == "ref":
            if arg in self.names:
                return prefix + self.names[arg]
            return self(self.aliases.get(arg, ANY), prefix, depth + 1)
        if kind == "list":
            return f"java.util.List<{self(arg, prefix, depth + 1)}>"
        return f"java.util.Map<String, {self(arg, prefix, depth + 1)}>"


def _path_expr(path: str, idents: dict[str, str]) -> str:
    return path_expr(
        path, idents, segment=lambda ident: f"seg({ident})", literal=java_str, empty='""'
    )


def _ident(names: Namer, key: str, text: str) -> str:
    ident = camel(text)
    return names(key, ident if ident[:1].isalpha() else "p" + ident)


def _method(op: OpPlan, method_names: Namer, types: JavaTypes) -> dict[str, str]:
    names = Namer(_KEYWORDS | {"query", "headers", "seg", "call", "body"})
    idents: dict[str, str] = {}
    args = []
    for p in op.path_params:
        idents[p.json_name] = _ident(names, p.json_name, p.json_name)
        args.append(f"{types(p.type)} {idents[p.json_name]}")
    if op.body_kind is not None:
        btype = types(op.body_type) if op.body_kind == "json" else "String"
        args.append(f"{btype} body")
    lines = []
    for p in sorted([*op.query_params, *op.header_params], key=lambda p: not p.required):
        ident = _ident(names, f"{p.location}:{p.json_name}", p.json_name)
        args.append(f"{types(p.type)} {ident}")
        target = "query" if p.location == "query" else "headers"
        key = p.query_key() if p.location == "query" else p.header_key()
        lines.append(f"        {target}.put({java_str(key)}, {ident});")
    returns = {"json": types(op.result_type), "none": "void", "raw": "String"}[op.result_kind]
    body = "body" if op.body_kind is not None else "null"
    ctype = java_str(op.body_content_type) if op.body_kind not in (None, "json") else "null"
    rtype = (
        f"new TypeReference<{returns}>() {{}}"
        if op.result_kind == "json"
        else "new TypeReference<String>() {}"
        if op.result_kind == "raw"
        else "null"
    )
    call = (
        f"call({java_str(op.method)}, {_path_expr(op.path, idents)}, query, headers, "
        f"{body}, {ctype}, {rtype}, {'true' if op.result_kind == 'raw' else 'false'})"
    )
    if returns == "void":
        lines.append(f"        this.<Object>{call};")
    else:
        lines.append(f"        return {call};")
    name = method_names(op.operation_id, _ident(Namer(set()), "x", op.operation_id))
    doc = safe_comment(
        f"{op.method} {op.path}: {op.summary}" if op.summary else f"{op.method} {op.path}"
    )
    return {
        "name": name,
        "signature": ", ".join(args),
        "returns": returns,
        "doc": doc,
        "body": "\n".join(lines),
    }


def _smoke_call(op: OpPlan, method: str, model: ApiModel, types: JavaTypes) -> str | None:
    if op.body_kind not in (None, "json"):
        return None
    src = model.operation(op.operation_id)
    if src is None:
        return None

    def value(t: TypeRef, data: object) -> str:
        return f"v(client, {java_str(json.dumps(data))}, new TypeReference<{types(t)}>() {{}})"

    args = []
    for p in op.path_params:
        schema = next(
            (q.schema_ for q in src.parameters if q.name == p.json_name and q.location == "path"),
            {},
        )
        args.append(value(p.type, example(schema, model.schemas, full=False)))
    if op.body_kind == "json":
        body = example(src.request_body.schema_, model.schemas) if src.request_body else {}
        args.append(value(op.body_type, body))
    for p in sorted([*op.query_params, *op.header_params], key=lambda p: not p.required):
        if not p.required:
            args.append(f"({types(p.type)}) null")
            continue
        schema = next(
            (
                q.schema_
                for q in src.parameters
                if q.name == p.json_name and q.location == p.location
            ),
            {},
        )
        args.append(value(p.type, example(schema, model.schemas, full=False)))
    return f"client.{method}({', '.join(args)});"


def generate_java(
    model: ApiModel, plan: SdkPlan, framework: str = "okhttp", max_smoke: int = 40
) -> dict[str, str]:
    """The SDK's files (path -> text)."""
    types = JavaTypes(plan)
    method_names = Namer(
        _KEYWORDS
        | {
            "call",
            "seg",
            "mapper",
            "withToken",
            "withApiKey",
            "withBasicAuth",
            "withMaxRetries",
            "getClass",
            "hashCode",
            "equals",
            "toString",
            "notify",
            "notifyAll",
            "wait",
            "clone",
            "finalize",
        }
    )
    ops = [_method(op, method_names, types) for op in plan.ops]
    models = []
    for m in plan.models:
        if m.fields is None:
            continue
        names = Namer(_KEYWORDS)
        models.append(
            {
                "name": types.names[m.name],
                "fields": [
                    {
                        "key": java_str(f.json_name),
                        "type": types(f.type, ""),
                        "ident": _ident(names, f.json_name, f.json_name),
                    }
                    for f in m.fields
                ],
            }
        )
    ctx = {
        "title": safe_comment(plan.title),
        "version": safe_comment(plan.version),
        "framework": framework,
        "base_url": java_str(plan.base_url),
        "api_keys": plan.api_keys,
        "ops": ops,
        "models": models,
        "package": PACKAGE,
    }
    calls = []
    for op in plan.ops[:max_smoke]:
        call = _smoke_call(op, method_names.names[op.operation_id], model, types)
        if call is not None:
            calls.append({"name": op.operation_id, "call": call})
    artifact = re.sub(r"[^a-z0-9-]+", "-", plan.title.lower()).strip("-")[:40] or "api"
    build = {
        "artifact": artifact + "-client",
        # a Maven/Gradle version: the spec's version with only safe characters
        "artifact_version": re.sub(r"[^A-Za-z0-9._+-]+", "", plan.version)[:40] or "1.0.0",
        "okhttp_version": OKHTTP_VERSION,
        "jackson_version": JACKSON_VERSION,
    }
    base = f"src/main/java/{PACKAGE}"
    return {
        f"{base}/ApiClient.java": render("java_client.java.j2", **ctx),
        f"{base}/ApiException.java": render("java_exception.java.j2", **ctx),
        f"{base}/Models.java": render("java_models.java.j2", **ctx),
        f"src/test/java/{PACKAGE}/Smoke.java": render("java_smoke.java.j2", **ctx, calls=calls),
        "pom.xml": render("java_pom.xml.j2", **ctx, **build),
        "build.gradle": render("java_build.gradle.j2", **ctx, **build),
        "settings.gradle": render("java_settings.gradle.j2", **build),
        "README.md": render("java_readme.md.j2", **ctx, **build, example=ops[0] if ops else None),
    }


__all__ = ["JACKSON_VERSION", "OKHTTP_VERSION", "PACKAGE", "generate_java"]
