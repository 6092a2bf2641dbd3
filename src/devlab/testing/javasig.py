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
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from devlab.testing.jsrun import block_end

if TYPE_CHECKING:
    from devlab.testing.javatypes import JavaTypes

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
        # a quoted field with a doubled quote, an escape, a comment line, blank lines
        'new java.io.StringReader("\\"a\\"\\"b\\",\\\\c \\n\\n# d\\n")',
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
_REPEATS = 6  # calls in a row on one receiver (a reader's next tokens), per receiver
_MAX_REPEATED = 24  # receivers per method called that way


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
    owners: list[str] = field(default_factory=list)  # more receivers (the owner first)

    @property
    def label(self) -> str:
        return f"{self.cls}.{self.name}"


@dataclass
class JavaCall:
    method: JavaMethod
    args: list[str]
    owner: str = ""  # the receiver when not the method's first owner
    times: int = 1  # > 1: that many calls on one receiver, their values in a list

    @property
    def expr(self) -> str:
        m = self.method
        owner = m.cls if m.static else (self.owner or m.owner or f"new {m.cls}()")
        if self.times > 1:  # ``times`` is the probe's and the test class's helper
            return f"times({self.times}, {owner}, o -> o.{m.name}({', '.join(self.args)}))"
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


def java_code(lines: list[str]) -> list[str]:
    """The lines with comments removed and string and char literals emptied (``""``,
    ``' '``), so that braces and apostrophes in javadoc (``{@code '\\'}``) or in
    strings do not move the brace depth. One line out per line in."""
    out, comment = [], False
    for line in lines:
        kept, i, n = [], 0, len(line)
        while i < n:
            ch = line[i]
            if comment:
                end = line.find("*/", i)
                i, comment = (n, True) if end < 0 else (end + 2, False)
                continue
            if line.startswith("//", i):
                break
            if line.startswith("/*", i):
                comment, i = True, i + 2
                kept.append(" ")
                continue
            if ch in "\"'":
                j = i + 1
                while j < n and line[j] != ch:
                    j += 2 if line[j] == "\\" else 1
                kept.append(ch + (" " if ch == "'" else "") + ch)
                i = j + 1
                continue
            kept.append(ch)
            i += 1
        out.append("".join(kept))
    return out


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


def java_methods(
    path: str, text: str, types: JavaTypes | None = None
) -> tuple[list[JavaMethod], list[str]]:
    """Methods of the file's top-level class, and why others were left out; with the
    project's ``types``, receivers from every constructor whose types have values
    (project types too) and the project's named constants the bodies use."""
    cls = posixpath.basename(path).removesuffix(".java")
    source = text.splitlines()
    lines = java_code(source)  # the structure from the code alone; bodies from the source
    depths = _depths(lines)
    header = " ".join(lines[: next((i for i, d in enumerate(depths) if d), len(lines))])
    if f"class {cls}" not in header or "abstract class" in header:
        return [], [f"{cls}: not a concrete class"]
    owners = types.owners(cls, path) if types is not None else []
    instances = owners[0] if owners else _constructible(cls, lines, depths)
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
        body = "\n".join(source[number:end])
        throws = [w.split("(", 1)[0] for w in body.split("throw new ")[1:]]
        constants = _int_constants(body) + _char_codes(body)
        if types is not None:
            constants += types.char_constants(body)
        methods.append(JavaMethod(cls, name, static, params, returns, number, end, throws,
                                  list(dict.fromkeys(constants))[:12], instances,
                                  owners or [instances]))  # fmt: skip
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


_CHAR_LITERAL = re.compile(r"'([^'\\]|\\[nrtbf0'\"\\])'")
_ESCAPES = {"n": 10, "r": 13, "t": 9, "b": 8, "f": 12, "0": 0}


def _char_codes(body: str) -> list[str]:
    """The codes of the body's char literals (``'\\r'`` -> 13): int parameters that
    take characters (``isDelimiter(int ch)``) compare against them."""
    codes = []
    for text in _CHAR_LITERAL.findall(body):
        code = _ESCAPES.get(text[1]) if len(text) == 2 and text[1] in _ESCAPES else ord(text[-1])
        codes.append(str(code))
    return list(dict.fromkeys(codes))[:8]


def _values(kind: str, constants: list[str]) -> list[str] | None:
    if kind in _INTS:
        # the body's constants right after the first three, their neighbours last
        numbers = [1, 0, -1, *(int(c) for c in constants), 2, 7, -100, 100]
        for c in constants:
            numbers += [int(c) - 1, int(c) + 1]
        low, high = {"byte": (-128, 127), "short": (-32768, 32767)}.get(kind, (-(2**31), 2**31 - 1))
        prefix = _INTS[kind]
        return [f"{n}L" if prefix == "L" else f"{prefix}{n}"
                for n in dict.fromkeys(numbers) if low <= n <= high]  # fmt: skip
    if kind == "char":  # the body's characters too
        codes = [int(c) for c in constants if 0 <= int(c) < 0xFFFF]
        return _VALUES["char"] + [f"(char) {c}" for c in codes]
    for prefix in _JDK_PREFIXES:  # java.io.Reader is Reader
        kind = kind.removeprefix(prefix)
    return _VALUES.get(kind)


def java_calls(
    methods: list[JavaMethod],
    symbol: str | None = None,
    types: JavaTypes | None = None,
    path: str = "",
) -> tuple[list[JavaCall], list[str]]:
    """Boundary calls of each method: the receiver and one parameter varied at a time,
    in turn (``javatypes.vary``); an instance method returning a value is also called
    ``_REPEATS`` times in a row on each receiver (the values of all, in a list). A
    parameter of a project type takes the project's values for it (``types``, as
    written in the file ``path``) and null."""
    from devlab.testing.javatypes import vary

    calls, skipped = [], []
    for m in methods:
        if symbol and symbol not in (m.name, m.label):
            continue
        options = [_values(kind, m.constants) for kind, _ in m.params]
        for i, (kind, _) in enumerate(m.params):
            found = types.values(kind, path) if options[i] is None and types is not None else []
            options[i] = [found[0], "null", *found[1:]] if found else options[i]
        if any(o is None for o in options):
            kinds = [k for (k, _), o in zip(m.params, options, strict=True) if o is None]
            skipped.append(f"{m.label}: no values for parameter type {', '.join(kinds)}")
            continue
        owners = [] if m.static else [m.owners or [m.owner]]
        lists = vary([*owners, *[o or [] for o in options]], _MAX_CALLS)
        for args in lists:
            owner, rest = (args[0], args[1:]) if owners else ("", args)
            calls.append(JavaCall(m, rest, owner))
        if owners and lists and m.returns != "void":  # state: the same call again and again
            calls += [JavaCall(m, lists[0][1:], o, _REPEATS) for o in owners[0][:_MAX_REPEATED]]
    return calls, skipped
