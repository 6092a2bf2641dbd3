"""Shared rendering helpers: the Jinja environment and safe literals/comments.

Spec text lands in generated code only through these: string literals escaped per
language (Java's ``\\u`` pre-processing included) and comments flattened to one
line without the sequences that would end them.
"""

from __future__ import annotations

import functools
import json

import jinja2


def safe_comment(text: str, limit: int = 160) -> str:
    """One line of spec text safe inside any comment or docstring."""
    flat = " ".join(str(text).split())
    flat = flat.replace("\\", "/").replace("*/", "* /").replace("/*", "/ *")
    flat = flat.replace('"""', "'''").replace("{{", "{ {").replace("-->", "-- >")
    flat = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in flat)
    return flat[:limit].rstrip('"') or ""


def py_str(text: str) -> str:
    return repr(str(text))


def js_str(text: str) -> str:
    return json.dumps(str(text), ensure_ascii=True).replace("\u2028", "\\u2028")


def java_str(text: str) -> str:
    """A Java string literal: no raw ``\\u`` escapes of line breaks or quotes."""
    out = ['"']
    for unit in str(text).encode("utf-16-le", "surrogatepass").hex(" ", 2).split():
        code = int(unit[2:4] + unit[0:2], 16)
        ch = chr(code) if code < 0xD800 or code > 0xDFFF else ""
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20:
            out.append(f"\\{code:03o}")
        elif code >= 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("devlab.apibuilder.sdk", "templates"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(pystr=py_str, jsstr=js_str, javastr=java_str, comment=safe_comment)
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)


__all__ = ["environment", "java_str", "js_str", "py_str", "render", "safe_comment"]
