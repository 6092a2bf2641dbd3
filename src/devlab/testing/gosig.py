"""Go functions read from source text, and the boundary calls generation makes of them.

A line scan, no Go parser: top-level ``func`` declarations whose signature fits on its
line, parameters and results split at depth 0. Boundary values come from each
parameter's type (zero, one, minus one, empty and long strings, nil and short slices)
and from the body's own constants (``x > 10`` gives 9, 10, 11): one parameter varied
at a time around a base call, capped per function. Types the lab cannot build a value
of (channels, functions, interfaces, other packages' structs) leave the function out,
with the reason.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from devlab.testing.jsrun import block_end

__all__ = ["GoCall", "GoFunc", "go_calls", "go_functions", "go_package", "go_quote"]

_INT_RANGE = {
    "int8": (-128, 127), "int16": (-32768, 32767), "int32": (-(2**31), 2**31 - 1),
    "int": (-(2**63), 2**63 - 1), "int64": (-(2**63), 2**63 - 1), "uint8": (0, 255),
    "byte": (0, 255), "uint16": (0, 65535), "uint32": (0, 2**32 - 1), "uint": (0, 2**64 - 1),
    "uint64": (0, 2**64 - 1), "rune": (-(2**31), 2**31 - 1),
}  # fmt: skip
_BASE_VALUES: dict[str, list[str]] = {
    "string": ['""', '"a"', '"Hello, World"', '"  x y  "', '"héllo"', '"-1"', '"42"'],
    "bool": ["true", "false"],
    "float64": ["0", "1.5", "-2.25", "1e9"],
    "float32": ["0", "1.5", "-2.25"],
    "[]byte": ["nil", '[]byte("abc")', "[]byte{}"],
    "[]string": ["nil", '[]string{"a", "b"}', "[]string{}", '[]string{""}'],
    "[]int": ["nil", "[]int{1, 2, 3}", "[]int{}", "[]int{-1, 0}", "[]int{3, 1, 2}"],
    "[]float64": ["nil", "[]float64{1.5, -2}", "[]float64{}"],
    "map[string]int": ["nil", 'map[string]int{"a": 1}', "map[string]int{}"],
    "map[string]string": ["nil", 'map[string]string{"a": "b"}'],
}
_MAX_CALLS = 14


@dataclass
class GoFunc:
    name: str
    receiver: str  # the receiver's type name ('' for a function)
    pointer: bool  # a pointer receiver
    params: list[tuple[str, str]]  # (name, type)
    results: list[str]
    line: int
    end: int
    constants: list[str] = field(default_factory=list)  # literals of the body

    @property
    def label(self) -> str:
        return f"{self.receiver}.{self.name}" if self.receiver else self.name


@dataclass
class GoCall:
    func: GoFunc
    args: list[str]

    @property
    def expr(self) -> str:
        recv = ""
        if self.func.receiver:
            recv = (
                f"(&{self.func.receiver}{{}})."
                if self.func.pointer
                else f"{self.func.receiver}{{}}."
            )
        return f"{recv}{self.func.name}({', '.join(self.args)})"


def go_quote(text: str) -> str:
    """A Go interpreted string literal of ``text`` (any character, no surrogates)."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out) + '"'


def go_package(text: str) -> str:
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "package":
            return words[1]
    return ""


def _split_top(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _params(text: str) -> list[tuple[str, str]] | None:
    """``a, b int, s string`` -> [(a, int), (b, int), (s, string)]; None if unnamed."""
    out: list[tuple[str, str]] = []
    pending: list[str] = []
    for piece in _split_top(text):
        words = piece.split(None, 1)
        if len(words) == 1:
            pending.append(words[0])
            continue
        name, kind = words[0], words[1].strip()
        for p in (*pending, name):
            out.append((p, kind))
        pending = []
    return None if pending else out


def _constants(body: list[str]) -> list[str]:
    """Integer and string literals of a function body (the branch constants)."""
    found: list[str] = []
    for line in body:
        code = line.split("//", 1)[0]
        i = 0
        while i < len(code):
            ch = code[i]
            if ch == '"':
                j = code.find('"', i + 1)
                while j > 0 and code[j - 1] == "\\":
                    j = code.find('"', j + 1)
                if j < 0:
                    break
                found.append(code[i : j + 1])
                i = j + 1
            elif ch.isdigit() and (i == 0 or not (code[i - 1].isalnum() or code[i - 1] in "_.")):
                j = i
                while j < len(code) and code[j].isdigit():
                    j += 1
                if j >= len(code) or code[j] not in ".xXeE_":
                    found.append(code[i:j])
                i = j
            else:
                i += 1
    return list(dict.fromkeys(found))[:12]


def go_functions(text: str) -> tuple[list[GoFunc], list[str]]:
    """Top-level functions and methods of a Go file, and why others were left out."""
    lines = text.splitlines()
    funcs: list[GoFunc] = []
    skipped: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line.startswith("func ") or "{" not in line:
            continue
        rest, receiver, pointer = line[5:].strip(), "", False
        if rest.startswith("("):
            close = _closing(rest, 0)
            words = rest[1:close].split()
            receiver = words[-1] if words else ""
            pointer = receiver.startswith("*")
            receiver = receiver.lstrip("*")
            rest = rest[close + 1 :].lstrip()
        name = rest.split("(", 1)[0].strip()
        if not name.isidentifier() or "[" in name or "[" in receiver or name.startswith("Test"):
            skipped.append(f"{name or line[:40]}: generic or not a plain function")
            continue
        open_at = rest.find("(")
        close = _closing(rest, open_at)
        params = _params(rest[open_at + 1 : close])
        tail = rest[close + 1 :].rsplit("{", 1)[0].strip()
        if tail.startswith("("):
            results = [p.split()[-1] for p in _split_top(tail[1 : _closing(tail, 0)])]
        else:
            results = [tail] if tail else []
        if params is None or name in ("init", "main"):
            continue
        end = block_end(lines, number, number + 5000)
        funcs.append(GoFunc(name, receiver, pointer, params, results, number, end,
                            _constants(lines[number:end])))  # fmt: skip
    return funcs, skipped


def _values(kind: str, constants: list[str]) -> list[str] | None:
    if kind in _BASE_VALUES:
        extra = [c for c in constants if c.startswith('"')] if kind == "string" else []
        return list(dict.fromkeys([*_BASE_VALUES[kind], *extra]))
    if kind in _INT_RANGE:
        low, high = _INT_RANGE[kind]
        numbers = [0, 1, -1, 2, 7, -100, 100]
        for c in constants:
            if c.isdigit() and len(c) < 12:
                numbers += [int(c) - 1, int(c), int(c) + 1]
        return [str(n) for n in dict.fromkeys(numbers) if low <= n <= high]
    return None


def go_calls(
    funcs: list[GoFunc], structs: set[str], symbol: str | None = None
) -> tuple[list[GoCall], list[str]]:
    """Boundary calls of each function (one parameter varied at a time)."""
    calls: list[GoCall] = []
    skipped: list[str] = []
    for fn in funcs:
        if symbol and symbol not in (fn.name, fn.label):
            continue
        if fn.receiver and fn.receiver not in structs:
            skipped.append(f"{fn.label}: its receiver is not a struct of this package")
            continue
        options = [_values(kind, fn.constants) for _, kind in fn.params]
        if any(o is None for o in options):
            kinds = [k for (_, k), o in zip(fn.params, options, strict=True) if o is None]
            skipped.append(f"{fn.label}: no values for parameter type {', '.join(kinds)}")
            continue
        values = [o or [] for o in options]
        base = [v[1] if len(v) > 1 else v[0] for v in values]
        seen = {tuple(base)}
        mine = [GoCall(fn, base)]
        for i, choices in enumerate(values):
            for choice in choices:
                args = [*base[:i], choice, *base[i + 1 :]]
                if tuple(args) not in seen and len(mine) < _MAX_CALLS:
                    seen.add(tuple(args))
                    mine.append(GoCall(fn, args))
        calls += mine
    return calls, skipped


def struct_types(files: dict[str, str], directory: str) -> set[str]:
    """Struct types declared in a package's directory (constructible as ``T{}``)."""
    out = set()
    for path, text in files.items():
        if posixpath.dirname(path) != directory or not path.endswith(".go"):
            continue
        for line in text.splitlines():
            words = line.split()
            if len(words) >= 3 and words[0] == "type" and words[2].startswith("struct"):
                out.add(words[1])
    return out
