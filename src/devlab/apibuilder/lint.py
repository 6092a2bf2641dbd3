"""REST design lint: conventions a reviewer would ask for, as findings.

Rules: ``path-kebab-case`` (lowercase, hyphenated static segments),
``no-verbs-in-path``, ``plural-collection``, ``create-returns-201``,
``delete-status``, ``error-responses`` (each operation declares a 4xx),
``error-shape`` (4xx bodies share one schema), ``pagination`` (a GET returning a
list takes limit/offset, page or cursor), ``idempotency`` (PUT/DELETE address
one resource), ``versioning`` (a version in the server URL or paths).
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from devlab.apibuilder.examples import schema_type
from devlab.apibuilder.models import ApiModel, Operation

_VERBS = {
    "get",
    "create",
    "update",
    "delete",
    "remove",
    "add",
    "fetch",
    "list",
    "set",
    "do",
    "make",
    "insert",
}
_PAGING = {
    "limit",
    "offset",
    "page",
    "cursor",
    "page_size",
    "pagesize",
    "per_page",
    "pagetoken",
    "page_token",
    "next",
    "after",
    "before",
    "starting_after",
    "max_results",
}
_VERSION = re.compile(r"/v\d+(?:\.\d+)?(?:/|$)")


class LintFinding(BaseModel):
    rule_id: str
    severity: str  # "warning" | "info"
    operation: str = ""
    message: str
    fix: str = ""
    pointer: str = ""  # JSON pointer of what it is about in the OpenAPI document


def _ptr(path: str, method: str = "") -> str:
    ptr = "/paths/" + path.replace("~", "~0").replace("/", "~1")
    return f"{ptr}/{method}" if method else ptr


def _static(path: str) -> list[str]:
    return [s for s in path.split("/") if s and not s.startswith("{")]


def _op_findings(op: Operation, model: ApiModel) -> list[LintFinding]:
    key = f"{op.method.upper()} {op.path}"
    out: list[LintFinding] = []

    def add(rule: str, message: str, fix: str, severity: str = "warning") -> None:
        out.append(
            LintFinding(
                rule_id=rule,
                severity=severity,
                operation=key,
                message=message,
                fix=fix,
                pointer=_ptr(op.path, op.method),
            )
        )

    is_collection = not op.path.rstrip("/").endswith("}")
    codes = set(op.responses)
    if (
        op.method == "post"
        and is_collection
        and "201" not in codes
        and any(c.startswith("2") for c in codes)
    ):
        add(
            "create-returns-201",
            "a POST to a collection should answer 201 Created",
            "declare a 201 response with the created resource",
            "info",
        )
    if op.method == "delete" and not codes & {"200", "202", "204"}:
        add("delete-status", "DELETE should answer 204 (or 200/202)", "declare a 204 response")
    if not any(c.startswith("4") or c == "default" for c in codes):
        add(
            "error-responses",
            "no 4xx response is declared",
            "declare 400/404/422 with an error schema",
            "info",
        )
    if op.method in ("put", "delete") and is_collection:
        add(
            "idempotency",
            f"{op.method.upper()} on a collection path is not idempotent per resource",
            "address one resource: /things/{id}",
        )
    if op.method == "get":
        ok = [r for c, r in op.responses.items() if c.startswith("2")]
        body = ok[0].body if ok else None
        if body is not None and schema_type(body.schema_ or {}) == "array":
            names = {p.name.lower() for p in op.parameters if p.location == "query"}
            if not names & _PAGING:
                add(
                    "pagination",
                    "a GET returning a list has no pagination parameter",
                    "add limit/offset (or cursor) query parameters and return a page object",
                )
    return out


def lint_model(model: ApiModel) -> list[LintFinding]:
    """Every REST-convention finding of ``model`` (deterministic order)."""
    out: list[LintFinding] = []
    seen_paths: set[str] = set()
    for op in model.operations:
        if op.path not in seen_paths:
            seen_paths.add(op.path)
            for seg in _static(op.path):
                if re.search(r"[A-Z_]", seg) and not seg.startswith("v"):
                    out.append(
                        LintFinding(
                            rule_id="path-kebab-case",
                            severity="info",
                            operation=op.path,
                            message=f"segment {seg!r} is not lowercase kebab-case",
                            fix="use lowercase-hyphenated",
                            pointer=_ptr(op.path),
                        )
                    )
                    break
            first = (
                re.split(r"[-_]|(?=[A-Z])", _static(op.path)[-1])[0].lower()
                if _static(op.path)
                else ""
            )
            if first in _VERBS and len(_static(op.path)[-1]) > len(first):
                out.append(
                    LintFinding(
                        rule_id="no-verbs-in-path",
                        severity="warning",
                        operation=op.path,
                        message=f"{op.path} names an action",
                        fix="let the HTTP method say it: GET/POST /things",
                        pointer=_ptr(op.path),
                    )
                )
        if op.method == "post" and not op.path.rstrip("/").endswith("}"):
            last = _static(op.path)[-1] if _static(op.path) else ""
            if (
                last
                and not last.endswith("s")
                and not re.search(r"[-_]", last)
                and last.lower() not in _VERBS
                and last.isalpha()
                and len(last) > 2
            ):
                out.append(
                    LintFinding(
                        rule_id="plural-collection",
                        severity="info",
                        operation=f"POST {op.path}",
                        message=f"collection {last!r} is singular",
                        fix=f"name collections in the plural: /{last}s",
                        pointer=_ptr(op.path, op.method),
                    )
                )
        out += _op_findings(op, model)
    shapes = {
        str(r.body.schema_)
        for op in model.operations
        for c, r in op.responses.items()
        if c.startswith("4") and r.body is not None
    }
    if len(shapes) > 1:
        out.append(
            LintFinding(
                rule_id="error-shape",
                severity="warning",
                message=f"4xx responses use {len(shapes)} different schemas",
                fix="use one error schema (e.g. RFC 9457 problem details)",
                pointer="/components/schemas",
            )
        )
    urls = " ".join(model.servers) + " " + " ".join(o.path for o in model.operations[:50])
    if not _VERSION.search(urls) and not re.search(r"/v\d", urls):
        out.append(
            LintFinding(
                rule_id="versioning",
                severity="info",
                message="no version in the server URL or the paths",
                fix="serve under /v1 (or version by media type)",
                pointer="/servers" if model.servers else "/paths",
            )
        )
    return out


__all__ = ["LintFinding", "lint_model"]
