"""What generation reads from a JavaScript file's text before running anything: the JSDoc
comments (``@param {type} name`` types, ``@example`` lines with their documented
results), the top-level functions' line spans (for the model's prompt), and the shape
of the generated test file (CommonJS or ES module, the binding, the import line).

Line scans and string methods only, no regular expressions on the project's text. The
exports themselves are found at run time by the probe (``jsgen_runner.js``), which
loads the module in the sandbox: whatever ``module.exports`` or ``export`` really
holds is what gets tested.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field

from devlab.testing.jsrun import block_end

__all__ = [
    "JsDoc",
    "JsFunc",
    "doc_strings",
    "generated_test_layout",
    "import_lines",
    "js_functions",
    "jsdoc_of",
]

_MAX_EXAMPLES = 40


@dataclass
class JsDoc:
    """Per function name: ``{param: type}`` from ``@param``, and examples ``(expr, result)``."""

    types: dict[str, dict[str, str]] = field(default_factory=dict)
    examples: list[tuple[str, str, str]] = field(default_factory=list)  # (name, expr, result)


@dataclass
class JsFunc:
    name: str
    start: int
    end: int


def _ident(text: str) -> str:
    out = ""
    for ch in text:
        if ch.isalnum() or ch in "_$":
            out += ch
        else:
            break
    return out


def _name_after(lines: list[str], index: int) -> str:
    """The function a doc comment ending on line ``index`` (0-based) documents."""
    for line in lines[index + 1 : index + 4]:
        code = line.strip()
        if not code or code.startswith(("//", "@", "*")):
            continue
        for prefix in (
            "export default ",
            "export ",
            "async ",
            "static ",
            "function* ",
            "function ",
        ):
            code = code.removeprefix(prefix) if code.startswith(prefix) else code
        code = code.removeprefix("function ").removeprefix("async ")
        for prefix in ("const ", "let ", "var ", "exports.", "module.exports."):
            code = code.removeprefix(prefix)
        return _ident(code.lstrip("*").strip())
    return ""


def _param(body: str) -> tuple[str, str] | None:
    """``{string} name - text`` -> (name, string); ``[name=1]`` and ``name.sub`` handled."""
    if not body.startswith("{"):
        return None
    close = body.find("}")
    if close < 0:
        return None
    kind, rest = body[1:close].strip(), body[close + 1 :].strip()
    name = _ident(rest.lstrip("["))
    return (name, kind) if name and "." not in rest.split(" ", 1)[0] else None


def _examples(name: str, lines: list[str]) -> list[tuple[str, str, str]]:
    """``f(1) // => 2`` or ``f(1)`` then ``// => 2`` lines of an ``@example`` block."""
    out: list[tuple[str, str, str]] = []
    pending = ""
    for raw in lines:
        line = raw.strip()
        result = ""
        for arrow in ("// =>", "//=>", "// ->", "// returns", "// return"):
            at = line.find(arrow)
            if at >= 0:
                result = line[at + len(arrow) :].strip()
                line = line[:at].strip()
                break
        line = line.rstrip(";").strip()
        if line and not line.startswith("//") and not line.startswith(("var ", "let ", "const ")):
            pending = line if "(" in line else ""
        if result and pending:
            out.append((name, pending, result.rstrip(";")))
            pending = ""
        elif line and not result and pending != line:
            pending = ""
    return out


def jsdoc_of(text: str) -> JsDoc:
    """The JSDoc types and examples of ``text`` (one pass over its lines)."""
    doc = JsDoc()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].strip().startswith("/**"):
            i += 1
            continue
        end = i
        while end < len(lines) and "*/" not in lines[end]:
            end += 1
        body = [ln.strip().lstrip("/").lstrip("*").strip() for ln in lines[i : end + 1]]
        body = [ln.removesuffix("*/").rstrip("*").strip() for ln in body]
        name = _name_after(lines, end)
        if name:
            types: dict[str, str] = {}
            example: list[str] | None = None
            for line in body:
                if line.startswith("@"):
                    if example is not None:
                        doc.examples += _examples(name, example)
                    example = [] if line.startswith("@example") else None
                    found = _param(line.split(None, 1)[1]) if line.startswith("@param ") else None
                    if found:
                        types[found[0]] = found[1]
                elif example is not None:
                    example.append(line)
            if example is not None:
                doc.examples += _examples(name, example)
            if types:
                doc.types[name] = types
        i = end + 1
    doc.examples = doc.examples[:_MAX_EXAMPLES]
    return doc


def js_functions(text: str) -> list[JsFunc]:
    """Top-level-ish function spans: ``function f(``, ``f = (...) =>``, ``f(...) {``."""
    lines = text.splitlines()
    out: list[JsFunc] = []
    for number, raw in enumerate(lines, 1):
        code = raw.strip()
        if "{" not in code or code.startswith(("//", "*", "if", "for", "while", "switch")):
            continue
        name = ""
        at = code.find("function")
        if at >= 0:
            name = _ident(code[at + 8 :].lstrip("* ").strip())
        elif "=>" in code or code.endswith("{"):
            head = code
            for prefix in ("export ", "const ", "let ", "var ", "static ", "async ", "exports."):
                head = head.removeprefix(prefix)
            name = _ident(head)
            if not name or name in ("return", "else", "try", "catch", "do"):
                name = ""
        if name:
            end = block_end(lines, number, number + 3000)
            if end >= number:
                out.append(JsFunc(name, number, end))
    return out


def _binding(path: str) -> str:
    stem = posixpath.basename(path).split(".", 1)[0]
    parts = [p for p in stem.replace("-", "_").split("_") if p]
    name = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:]) if parts else "mod"
    name = "".join(ch for ch in name if ch.isalnum() or ch in "_$") or "mod"
    if name[0].isdigit() or name in ("test", "assert", "index", "main", "lib", "src"):
        name = f"{name}Module" if not name[0].isdigit() else f"m{name}"
    return name


def _module_type(files: dict[str, str], manifests: dict[str, str], path: str) -> str:
    folder = posixpath.dirname(path)
    while True:
        pkg = posixpath.join(folder, "package.json") if folder else "package.json"
        text = files.get(pkg) or manifests.get(pkg)
        if text:
            try:
                data = json.loads(text)
            except ValueError:
                data = {}
            return str(data.get("type", "commonjs")) if isinstance(data, dict) else "commonjs"
        if not folder:
            return "commonjs"
        folder = posixpath.dirname(folder)


def generated_test_layout(
    files: dict[str, str], manifests: dict[str, str], path: str, framework: str
) -> tuple[str, bool, str, str]:
    """(test file path, ES module?, the binding name, the header lines of the file).

    TypeScript (``.ts``/``.mts``/``.cts``): a ``.test.ts`` file with ``import`` lines and
    an extensionless import of the target, as tsc (CommonJS output) resolves it; never an
    ES module for the runner, which loads TypeScript through the compiler's CommonJS
    output. ``// @ts-nocheck`` heads it: boundary calls pass values outside the declared
    types on purpose (the error paths), and a type check must not reject the file."""
    if path.endswith((".ts", ".mts", ".cts")):
        return _ts_layout(files, path, framework)
    esm = path.endswith(".mjs") or (
        not path.endswith(".cjs") and _module_type(files, manifests, path) == "module"
    )
    dirs = [d for d in ("test", "tests", "__tests__", "spec") if any(
        p.startswith(d + "/") for p in files)]  # fmt: skip
    folder = dirs[0] if dirs else "test"
    stem = posixpath.basename(path).split(".", 1)[0]
    ext = ".mjs" if path.endswith(".mjs") else ".cjs" if path.endswith(".cjs") else ".js"
    test_path = posixpath.join(folder, f"{stem}.generated.test{ext}")
    n = 2
    while test_path in files:
        test_path = posixpath.join(folder, f"{stem}.generated-{n}.test{ext}")
        n += 1
    rel = posixpath.relpath(path, folder)
    rel = rel if rel.startswith(".") else "./" + rel
    binding = _binding(path)
    if esm:
        head = [f"import * as {binding} from {json.dumps(rel)};"]
        head.insert(0, "import assert from 'node:assert/strict';")
        if framework == "node:test":
            head.insert(0, "import test from 'node:test';")
    else:
        head = ["const assert = require('node:assert/strict');",
                f"const {binding} = require({json.dumps(rel)});"]  # fmt: skip
        if framework == "node:test":
            head.insert(0, "const test = require('node:test');")
    return test_path, esm, binding, "\n".join(head)


def _test_folder(files: dict[str, str]) -> str:
    dirs = [d for d in ("test", "tests", "__tests__", "spec") if any(
        p.startswith(d + "/") for p in files)]  # fmt: skip
    return dirs[0] if dirs else "test"


def _ts_layout(files: dict[str, str], path: str, framework: str) -> tuple[str, bool, str, str]:
    folder = _test_folder(files)
    stem = posixpath.basename(path).split(".", 1)[0]
    test_path = posixpath.join(folder, f"{stem}.generated.test.ts")
    n = 2
    while test_path in files:
        test_path = posixpath.join(folder, f"{stem}.generated-{n}.test.ts")
        n += 1
    rel = posixpath.relpath(path.rsplit(".", 1)[0], folder)
    rel = rel if rel.startswith(".") else "./" + rel
    binding = _binding(path)
    head = ["// @ts-nocheck (boundary calls pass values outside the declared types on purpose)",
            "import assert from 'node:assert/strict';",
            f"import * as {binding} from {json.dumps(rel)};"]  # fmt: skip
    if framework == "node:test":
        head.insert(1, "import test from 'node:test';")
    return test_path, False, binding, "\n".join(head)


def doc_strings(files: dict[str, str], path: str, limit: int = 12) -> list[str]:
    """String literals of the documented examples of the target's package (its own file
    first, then the other sources beside it): realistic inputs (``'1.0.0-rc.1'``) that
    the boundary calls put first for string parameters."""
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    near = [p for p in files if p.rsplit("/", 1)[0] == folder or (not folder and "/" not in p)]
    code = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
    order = [path, *sorted(p for p in near if p != path and p.endswith(code))]
    found: list[str] = []
    for name in order[:40]:
        for _, expr, _ in jsdoc_of(files[name]).examples:
            for literal in _quoted(expr):
                if literal not in found and len(found) < limit:
                    found.append(literal)
    return found


def _quoted(expr: str) -> list[str]:
    """The quoted string literals of an expression, as JSON strings (a character scan)."""
    out, quote, cur = [], "", ""
    for ch in expr:
        if quote:
            if ch == quote:
                out.append(json.dumps(cur))
                quote, cur = "", ""
            elif ch == "\\" or len(cur) > 80:
                quote, cur = "", ""  # escapes and long strings are left out
            else:
                cur += ch
        elif ch in "'\"":
            quote = ch
    return out


def import_lines(text: str) -> set[int]:
    """The lines of top-level ``import`` declarations (to the line naming the module)."""
    found: set[int] = set()
    inside = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not inside and not (line.startswith("import ") or line.startswith("import{")):
            continue
        found.add(number)
        inside = not (" from " in line or line.endswith(";") or line.startswith("import '")
                      or line.startswith('import "'))  # fmt: skip
    return found
