"""Java methods read from source text, and the boundary calls generation makes of them.

A line scan, no Java parser: methods of the file's top-level class (brace depth 1)
whose signature fits on its line, not private, not abstract, not generic. Static
methods are called on the class; instance methods on ``new Cls()`` when the class can
be built that way (no constructor declared, or a no-argument one). Values come from
each parameter's type (zero, one, minus one, null, empty and short arrays and strings)
and from the body's integer constants; one parameter varied at a time, capped.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from devlab.testing.jsrun import block_end

__all__ = ["JavaCall", "JavaMethod", "java_calls", "java_methods", "java_quote"]

_MODIFIERS = {"public", "protected", "static", "final", "synchronized", "strictfp"}
_INTS = {"int": "", "long": "L", "short": "(short) ", "byte": "(byte) "}
_VALUES: dict[str, list[str]] = {
    "double": ["0.0", "1.5", "-2.25", "1e9"],
    "float": ["0f", "1.5f", "-2.25f"],
    "boolean": ["true", "false"],
    "char": ["'a'", "'0'", "' '", "'Z'"],
    "String": ['"a"', "null", '""', '"Hello, World"', '"  x y  "', '"h\\u00e9llo"', '"-1"'],
    "int[]": ["new int[]{1, 2, 3}", "null", "new int[]{}", "new int[]{-1, 0}", "new int[]{3, 1}"],
    "long[]": ["new long[]{1L, 2L}", "null", "new long[]{}"],
    "double[]": ["new double[]{1.5, -2.0}", "null", "new double[]{}"],
    "String[]": ['new String[]{"a", "b"}', "null", "new String[]{}", 'new String[]{""}'],
    "Integer": ["1", "null", "0", "-1"],
    "Long": ["1L", "null", "0L"],
    "Double": ["1.5", "null", "0.0"],
    "Boolean": ["true", "null", "false"],
    "List<Integer>": ["java.util.List.of(1, 2, 3)", "null", "java.util.List.of()"],
    "List<String>": ['java.util.List.of("a", "b")', "null", "java.util.List.of()"],
    "Character": ["'a'", "null", "' '"],
    "Object": ['"a"', "null", "1", "new Object()"],
    "CharSequence": ['"a"', "null", '""', 'new StringBuilder("a b")'],
    "char[]": ["new char[]{'a', 'b', 'c'}", "null", "new char[0]", "new char[]{' '}"],
    "byte[]": ['"abc".getBytes()', "null", "new byte[0]", "new byte[]{-1, 0, 127}"],
    # the JDK's text and stream types, built over in-memory data (no files, no network)
    "Reader": [
        'new java.io.StringReader("a,b\\nc")',
        "null",
        'new java.io.StringReader("")',
        'new java.io.StringReader("x\\r\\n\\"y\\"")',
    ],
    "BufferedReader": [
        'new java.io.BufferedReader(new java.io.StringReader("a\\nb"))',
        "null",
        'new java.io.BufferedReader(new java.io.StringReader(""))',
    ],
    "InputStream": [
        'new java.io.ByteArrayInputStream("a,b\\nc".getBytes())',
        "null",
        "new java.io.ByteArrayInputStream(new byte[0])",
    ],
    "Writer": ["new java.io.StringWriter()", "null"],
    "StringWriter": ["new java.io.StringWriter()", "null"],
    "OutputStream": ["new java.io.ByteArrayOutputStream()", "null"],
    "Appendable": ["new StringBuilder()", "null", "new java.io.StringWriter()"],
    "StringBuilder": ["new StringBuilder()", "null", 'new StringBuilder("ab")'],
    "CharBuffer": ["java.nio.CharBuffer.allocate(16)", "null", "java.nio.CharBuffer.allocate(0)"],
}
_JDK_PREFIXES = ("java.lang.", "java.io.", "java.nio.")
_MAX_CALLS = 14


@dataclass
class JavaMethod:
    cls: str
    name: str
    static: bool
    params: list[tuple[str, str]]  # (type, name)
    returns: str
    line: int
    end: int
    throws: list[str] = field(default_factory=list)  # exception names thrown on purpose
    constants: list[str] = field(default_factory=list)
    owner: str = ""  # how an instance is made (``new Cls(...)``), for instance methods

    @property
    def label(self) -> str:
        return f"{self.cls}.{self.name}"


@dataclass
class JavaCall:
    method: JavaMethod
    args: list[str]

    @property
    def expr(self) -> str:
        m = self.method
        owner = m.cls if m.static else (m.owner or f"new {m.cls}()")
        return f"{owner}.{self.method.name}({', '.join(self.args)})"


def java_quote(text: str) -> str:
    """A Java string literal of ``text``: ``\\uXXXX`` only above ASCII (a ``\\u`` escape
    of a quote or a newline would end the literal early), octal for control bytes."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 32:
            out.append(f"\\{code:03o}")
        elif code < 127:
            out.append(ch)
        elif code > 0xFFFF:
            encoded = ch.encode("utf-16-be")
            out.append(f"\\u{encoded[:2].hex()}\\u{encoded[2:].hex()}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out) + '"'


def _depths(lines: list[str]) -> list[int]:
    """Brace depth at the start of each line (string and char literals skipped)."""
    depth, out = 0, []
    for line in lines:
        out.append(depth)
        quote, escaped = "", False
        for ch in line.split("//", 1)[0] if '"' not in line else line:
            if quote:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
    return out


def _params(text: str) -> list[tuple[str, str]] | None:
    out, depth, cur, parts = [], 0, "", []
    for ch in text:
        depth += ch == "<"
        depth -= ch == ">"
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts += [cur] if cur.strip() else []
    for part in parts:
        words = [w for w in part.replace("final ", " ").split() if not w.startswith("@")]
        if len(words) < 2:
            return None
        out.append((" ".join(words[:-1]).replace(" ", ""), words[-1]))
    return out


def _constructible(cls: str, lines: list[str], depths: list[int]) -> str:
    """How a test makes an instance: ``new Cls()`` when there is no constructor or a
    visible one without arguments, else the first visible constructor whose parameter
    types all have values (``new Cls(new java.io.StringReader("a,b\\nc"))``); '' when
    none is usable."""
    declared = [
        line.strip() for line, d in zip(lines, depths, strict=True)
        if d == 1 and f"{cls}(" in line and line.rstrip().endswith("{") and "new " not in line
    ]  # fmt: skip
    visible = [d for d in declared if "private" not in d.split(f"{cls}(", 1)[0].split()]
    if not declared or any(f"{cls}()" in d for d in visible):
        return f"new {cls}()"
    for head in visible:
        params = _params(head.split(f"{cls}(", 1)[1].rsplit(")", 1)[0])
        values = [_values(kind, []) for kind, _ in params or []]
        if params and all(values):
            args = [next((v for v in vs or [] if v != "null"), "null") for vs in values]
            return f"new {cls}({', '.join(args)})"
    return ""


def java_methods(path: str, text: str) -> tuple[list[JavaMethod], list[str]]:
    """Methods of the file's top-level class, and why others were left out."""
    cls = posixpath.basename(path).removesuffix(".java")
    lines = text.splitlines()
    depths = _depths(lines)
    header = " ".join(lines[: next((i for i, d in enumerate(depths) if d), len(lines))])
    if f"class {cls}" not in header or "abstract class" in header:
        return [], [f"{cls}: not a concrete class"]
    instances = _constructible(cls, lines, depths)
    methods, skipped = [], []
    for number, (raw, depth) in enumerate(zip(lines, depths, strict=True), 1):
        line = raw.strip()
        if depth != 1 or "(" not in line or not line.endswith("{") or "=" in line.split("(")[0]:
            continue
        head = line.split("(", 1)[0].split()
        if len(head) < 2 or head[0] in ("return", "if", "for", "while", "switch", "new"):
            continue
        name, returns, mods = head[-1], head[-2], set(head[:-2])
        if name == cls or not name.isidentifier() or "private" in mods or "abstract" in mods:
            continue
        if not mods <= _MODIFIERS or returns.startswith("<") or any("<" in m for m in mods):
            skipped.append(f"{cls}.{name}: generic or unusual modifiers")
            continue
        inner = line.split("(", 1)[1].rsplit(")", 1)[0]
        params = _params(inner)
        if params is None:
            continue
        static = "static" in mods
        if not static and not instances:
            skipped.append(f"{cls}.{name}: no constructor of {cls} has values for its types")
            continue
        end = block_end(lines, number, number + 5000)
        body = "\n".join(lines[number:end])
        throws = [w.split("(", 1)[0] for w in body.split("throw new ")[1:]]
        methods.append(JavaMethod(cls, name, static, params, returns, number, end, throws,
                                  _int_constants(body), instances))  # fmt: skip
    return methods, skipped


def _int_constants(body: str) -> list[str]:
    found, word = [], ""
    for ch in body + " ":
        if ch.isdigit() and (word == "" or word.isdigit()):
            word += ch
        else:
            if word.isdigit() and len(word) < 10:
                found.append(word)
            word = "" if not (ch.isalnum() or ch == "_") else "x"
    return list(dict.fromkeys(found))[:10]


def _values(kind: str, constants: list[str]) -> list[str] | None:
    if kind in _INTS:
        numbers = [1, 0, -1, 2, 7, -100, 100]
        for c in constants:
            numbers += [int(c) - 1, int(c), int(c) + 1]
        low, high = {"byte": (-128, 127), "short": (-32768, 32767)}.get(kind, (-(2**31), 2**31 - 1))
        prefix = _INTS[kind]
        return [f"{n}L" if prefix == "L" else f"{prefix}{n}"
                for n in dict.fromkeys(numbers) if low <= n <= high]  # fmt: skip
    for prefix in _JDK_PREFIXES:  # java.io.Reader is Reader
        kind = kind.removeprefix(prefix)
    return _VALUES.get(kind)


def java_calls(
    methods: list[JavaMethod], symbol: str | None = None
) -> tuple[list[JavaCall], list[str]]:
    """Boundary calls of each method (one parameter varied at a time)."""
    calls, skipped = [], []
    for m in methods:
        if symbol and symbol not in (m.name, m.label):
            continue
        options = [_values(kind, m.constants) for kind, _ in m.params]
        if any(o is None for o in options):
            kinds = [k for (k, _), o in zip(m.params, options, strict=True) if o is None]
            skipped.append(f"{m.label}: no values for parameter type {', '.join(kinds)}")
            continue
        values = [o or [] for o in options]
        base = [v[0] for v in values]
        seen, mine = {tuple(base)}, [JavaCall(m, base)]
        for i, choices in enumerate(values):
            for choice in choices:
                args = [*base[:i], choice, *base[i + 1 :]]
                if tuple(args) not in seen and len(mine) < _MAX_CALLS:
                    seen.add(tuple(args))
                    mine.append(JavaCall(m, args))
        calls += mine
    return calls, skipped
