"""The regular expressions a JavaScript/TypeScript file tests its input against, with
strings each one matches (*witnesses*), for the generation probe.

Parsers and validators branch on what a regex matched (``if (!TYPE_REGEXP.test(type))
throw ...``): the probe's generic strings never get past that first check. The file's
regex literals (``/.../flags``) and ``new RegExp("...")`` calls with a literal pattern
are found with tree-sitter (so ``a / b / c`` is never read as a regex), each pattern is
rewritten in Python's regex syntax where the two differ (``(?<n>`` named groups,
``\\k<n>`` back references, ``[^]``, ``\\u{...}``, the ``i``/``s``/``m`` flags as inline
flags) and given to the shared witness writer (``pyregex.witnesses``: Python's own regex
parser walks the pattern; the idea and the walker are one piece of code for both
languages). A pattern Python cannot read (``\\p{...}``, ``\\cX``) simply has no
witnesses. Each regex keeps the name it is bound to (``var TYPE_REGEXP = /.../``,
``this.re = ...``, ``{ key: /.../ }``) and its source text, which the probe looks for in
a function's body to know which witnesses belong to it.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from devlab.codebase import get_parser
from devlab.testing.pyregex import witnesses

__all__ = ["imported_files", "js_regexes", "project_regexes", "to_python"]

_MAX_FILE = 400_000
_MAX_NODES = 200_000
_NAMED = re.compile(r"\(\?<(?![=!])")
_BACKREF = re.compile(r"\\k<([A-Za-z_$][\w$]*)>")
_BRACED = re.compile(r"\\u\{([0-9A-Fa-f]{1,6})\}")
_STRING_ESCAPE = re.compile(r"\\(.)", re.S)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "f": "\f", "0": "\0"}


# Unicode property classes (``u`` flag) as the ASCII part of them: every string written
# from the narrower class is matched by the real one, which is all a witness needs
_PROPERTIES = {
    "Lu": "A-Z", "Uppercase_Letter": "A-Z", "Uppercase": "A-Z",
    "Ll": "a-z", "Lowercase_Letter": "a-z", "Lowercase": "a-z",
    "L": "A-Za-z", "Letter": "A-Za-z", "Alpha": "A-Za-z", "Alphabetic": "A-Za-z",
    "N": "0-9", "Nd": "0-9", "Number": "0-9", "Decimal_Number": "0-9",
}  # fmt: skip
_PROPERTY = re.compile(r"\\p\{([A-Za-z_]+)\}")


def _properties(pattern: str) -> str | None:
    """``\\p{Lu}`` as ``[A-Z]`` (inside a class: ``A-Z``); None for other properties."""
    out, at = [], 0
    for match in _PROPERTY.finditer(pattern):
        ranges = _PROPERTIES.get(match[1])
        if ranges is None:
            return None
        before = pattern[at : match.start()]
        depth = _class_depth(pattern[: match.start()])
        out.append(before + (ranges if depth else f"[{ranges}]"))
        at = match.end()
    return "".join(out) + pattern[at:]


def _class_depth(prefix: str) -> int:
    """1 when the end of ``prefix`` is inside a ``[...]`` class, else 0."""
    inside, i = 0, 0
    while i < len(prefix):
        ch = prefix[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[" and not inside:
            inside = 1
        elif ch == "]" and inside:
            inside = 0
        i += 1
    return inside


def to_python(pattern: str, flags: str = "") -> str | None:
    """``pattern`` (JavaScript syntax) in Python's syntax, or None where the two cannot
    agree (a control escape, negated or unknown Unicode property classes)."""
    if "\\c" in pattern or "\\P{" in pattern:
        return None
    if "\\p{" in pattern:
        replaced = _properties(pattern)
        if replaced is None or "\\p{" in replaced:
            return None
        pattern = replaced
    out = _NAMED.sub("(?P<", pattern)
    out = _BACKREF.sub(r"(?P=\1)", out)
    out = _BRACED.sub(lambda m: f"\\U{int(m[1], 16):08x}", out)
    out = out.replace("[^]", r"[\s\S]").replace("[]", "(?!)")
    inline = "".join(sorted(set(flags) & set("ism")))
    return f"(?{inline}){out}" if inline else out


def _string_value(node: Any) -> str | None:
    """A plain string literal's value (escapes read as JavaScript reads them)."""
    if node.type != "string":
        return None
    parts = [c for c in node.children if c.type not in ('"', "'")]
    if any(c.type != "string_fragment" and c.type != "escape_sequence" for c in parts):
        return None
    raw = "".join(c.text.decode("utf-8", "replace") for c in parts)
    return _STRING_ESCAPE.sub(lambda m: _ESCAPES.get(m[1], m[1]), raw)


def _bound_name(node: Any) -> str:
    """The name a regex expression is bound to, or ''."""
    parent = node.parent
    if parent is None:
        return ""
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return name.text.decode() if name is not None and name.type == "identifier" else ""
    if parent.type in ("assignment_expression", "pair"):
        left = parent.child_by_field_name("left" if parent.type != "pair" else "key")
        if left is None:
            return ""
        text = left.text.decode("utf-8", "replace")
        return text.rsplit(".", 1)[-1] if re.fullmatch(r"[\w$.]+", text) else ""
    return ""


def _found(root: Any) -> list[tuple[str, str, str, str]]:
    """(name, source text, pattern, flags) of each regex literal / literal RegExp call."""
    out: list[tuple[str, str, str, str]] = []
    stack, seen = [root], 0
    while stack and seen < _MAX_NODES:
        node = stack.pop()
        seen += 1
        if node.type == "regex":
            pattern = node.child_by_field_name("pattern")
            flags = node.child_by_field_name("flags")
            if pattern is not None:
                out.append((_bound_name(node), node.text.decode("utf-8", "replace"),
                            pattern.text.decode("utf-8", "replace"),
                            flags.text.decode() if flags is not None else ""))  # fmt: skip
            continue
        if node.type in ("new_expression", "call_expression"):
            callee = node.child_by_field_name("constructor") or node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if callee is not None and callee.text == b"RegExp" and args is not None:
                values = [_string_value(a) for a in args.named_children[:2]]
                if values and values[0] is not None:
                    out.append((_bound_name(node), node.text.decode("utf-8", "replace"),
                                values[0], (values[1:] or [""])[0] or ""))  # fmt: skip
        stack.extend(reversed(node.children))
    return out


def js_regexes(source: str, typescript: bool = False, limit: int = 24) -> list[dict[str, Any]]:
    """The file's regexes in source order: ``{"name", "raw", "witnesses", "pattern",
    "flags"}`` (the last two as JavaScript reads them, for the probe to test strings; at most
    ``limit`` regexes, 4 witnesses each, 12 for one with alternatives ``a|b``: each is
    a branch of the code that follows; regexes without witnesses are left out)."""
    if not source or len(source) > _MAX_FILE:
        return []
    tree = get_parser("typescript" if typescript else "javascript").parse(source.encode())
    out: list[dict[str, Any]] = []
    for name, raw, pattern, flags in _found(tree.root_node):
        python = to_python(pattern, flags)
        if python is None:
            continue
        with warnings.catch_warnings():  # "possible nested set" FutureWarnings
            warnings.simplefilter("ignore")
            found = witnesses(python, limit=12 if "|" in python else 4)  # alternatives
        if found:
            out.append({"name": name, "raw": raw[:400], "witnesses": found,
                        "pattern": pattern[:400], "flags": flags})  # fmt: skip
        if len(out) >= limit:
            break
    return out


_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(["'])(\.{1,2}/[^"'\n]{1,200})\1"""
)
_SUFFIXES = ("", ".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", "/index.js", "/index.ts")


def imported_files(files: dict[str, str], path: str, text: str, limit: int = 8) -> list[str]:
    """The project files ``text`` (the file at ``path``) imports by a relative specifier
    (``./utils.js`` also names ``utils.ts``, as TypeScript resolves it)."""
    folder = path.rsplit("/", 1)[0].split("/") if "/" in path else []
    found: list[str] = []
    for match in _IMPORT.finditer(text):
        parts = list(folder)
        for piece in match[2].split("/"):
            if piece == "..":
                if not parts:
                    break
                parts.pop()
            elif piece not in ("", "."):
                parts.append(piece)
        else:
            stem = "/".join(parts)
            bare = re.sub(r"\.[cm]?js$", "", stem)
            for name in [stem + s for s in _SUFFIXES] + [bare + s for s in _SUFFIXES[1:]]:
                if name in files and name != path and name not in found:
                    found.append(name)
                    break
        if len(found) >= limit:
            break
    return found


def project_regexes(files: dict[str, str], path: str) -> list[dict[str, Any]]:
    """``js_regexes`` of the target, then of the project files it imports (marked
    ``imported``: the probe uses them for a parameter whose own body uses no regex)."""
    text = files.get(path, "")
    found = js_regexes(text, path.endswith((".ts", ".mts", ".cts")))
    for other in imported_files(files, path, text):
        for regex in js_regexes(files[other], other.endswith((".ts", ".mts", ".cts")), limit=8):
            found.append({**regex, "imported": True})
    return found[:40]
