"""Java methods read from source, and the boundary calls generation makes of them.

Methods of the file's top-level class, read with tree-sitter (``javaparse``: signatures
over several lines, varargs, generic methods with their type variables erased to their
bounds, annotations, ``throws`` clauses), not private, not abstract. Static methods are
called on the class; instance methods on ``new Cls()`` when the class can be built
that way (no constructor declared, or a no-argument one), else on an instance from a
constructor whose types have values. Values come from each parameter's type (zero,
one, minus one, null, empty and short arrays and strings) and from the body (its
integer and char constants, its string literals, the types it tests with
``instanceof``); one parameter varied at a time, capped.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from devlab.testing.javaparse import JavaDecl, java_class

if TYPE_CHECKING:
    from devlab.testing.javatypes import JavaTypes

__all__ = ["NO_ARGUMENT", "JavaCall", "JavaMethod", "java_calls", "java_methods", "java_quote"]

_MODIFIERS = {"public", "protected", "static", "final", "synchronized", "strictfp"}
_INTS = {"int": "", "long": "L", "short": "(short) ", "byte": "(byte) "}
_VALUES: dict[str, list[str]] = {
    "double": ["0.0", "1.5", "-2.25", "1e9"],
    "float": ["0f", "1.5f", "-2.25f"],
    "boolean": ["true", "false"],
    "char": ["'a'", "'0'", "' '", "'Z'"],
    "String": [
        '"a"',
        "null",
        '""',
        '"Hello, World"',
        '"  x y  "',
        '"h\\u00e9llo"',
        '"-1"',
        '"0a1b"',
    ],
    "int[]": ["new int[]{1, 2, 3}", "null", "new int[]{}", "new int[]{-1, 0}", "new int[]{3, 1}"],
    "long[]": ["new long[]{1L, 2L}", "null", "new long[]{}"],
    "double[]": ["new double[]{1.5, -2.0}", "null", "new double[]{}"],
    "String[]": ['new String[]{"a", "b"}', "null", "new String[]{}", 'new String[]{""}'],
    "Integer": ["1", "null", "0", "-1"],
    "Long": ["1L", "null", "0L"],
    "Double": ["1.5", "null", "0.0"],
    "Number": ["1", "null", "1.5", "-1L"],
    "Boolean": ["true", "null", "false"],
    "List<Integer>": ["java.util.List.of(1, 2, 3)", "null", "java.util.List.of()"],
    "List<String>": ['java.util.List.of("a", "b")', "null", "java.util.List.of()"],
    "Character": ["'a'", "null", "' '"],
    "Object": ['"a"', "null", "1", "new Object()", '"abc".getBytes()'],
    "CharSequence": ['"a"', "null", '""', 'new StringBuilder("a b")', 'new StringBuilder("A")'],
    "char[]": [
        "new char[]{'a', 'b', 'c'}",
        "null",
        "new char[0]",
        "new char[]{' '}",
        '"0a1b".toCharArray()',
    ],
    "byte[]": [
        '"abc".getBytes()',
        "null",
        '"0A1B".getBytes()',  # hex digits, both cases
        "new byte[0]",
        "new byte[]{-1, 0, 127}",
        '"0a1b".getBytes()',
    ],
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
    "ByteBuffer": [
        'java.nio.ByteBuffer.wrap("abc".getBytes())',
        "null",
        "java.nio.ByteBuffer.allocate(0)",
        'java.nio.ByteBuffer.wrap("0a1b".getBytes()).asReadOnlyBuffer()',
        'java.nio.ByteBuffer.wrap("xabc".getBytes(), 1, 2)',
    ],
    "Charset": [
        "java.nio.charset.StandardCharsets.UTF_8",
        "null",
        "java.nio.charset.StandardCharsets.ISO_8859_1",
        "java.nio.charset.StandardCharsets.UTF_16",
    ],
}
_JDK_PREFIXES = ("java.lang.", "java.io.", "java.nio.charset.", "java.nio.", "java.util.")
_MAX_CALLS = 14
_MAX_INHERITED = 6  # calls of each method a parent class declares
_OBJECT_METHODS = {"equals", "hashCode", "toString", "clone", "finalize"}
_MAX_PAIRS = 16  # more calls per method, two arguments varied at once
_EMPTY = re.compile(r'^(null|""|\(.*\) null)$|\[0\]|\[\]\{\}|\(0\)|\(""\)')
_PAIR_DEPTH = 2  # the first non-null alternatives of each argument tried in pairs
# an int parameter named like a position starts at 0 (``offset``, ``thisStart``)
_INDEX = re.compile(r"(?i)(start|offset|index|idx|pos|position|from|begin|^off$|^i$)")
_REPEATS = 6  # calls in a row on one receiver (a reader's next tokens), per receiver
_MAX_REPEATED = 24  # receivers per method called that way
_BODY_STRINGS = 4  # string literals of the body tried per text parameter
NO_ARGUMENT = "/*none*/"  # a varargs parameter given nothing: ``f()`` of ``f(String... xs)``


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
    varargs: bool = False  # the last parameter is ``T...`` (its type here: ``T[]``)
    strings: list[str] = field(default_factory=list)  # the body's string literals
    instanceof: list[str] = field(default_factory=list)  # types the body tests for
    overloaded: bool = False  # another method has its name: nulls are cast
    ctor: bool = False  # a constructor: called as ``new Cls(...)``
    inherited: bool = False  # declared by a parent class, called on the class's instances

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
        args = ", ".join(a for a in self.args if a != NO_ARGUMENT)
        if m.ctor:
            return f"new {m.cls}({args})"
        if self.times > 1:  # ``times`` is the probe's and the test class's helper
            return f"times({self.times}, {owner}, o -> o.{m.name}({args}))"
        return f"{owner}.{self.method.name}({args})"


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


def _constructible(cls: str, decls: list[JavaDecl]) -> str:
    """How a test makes an instance: ``new Cls()`` when there is no constructor or a
    visible one without arguments, else the first visible constructor whose parameter
    types all have values (``new Cls(new java.io.StringReader("a,b\\nc"))``); '' when
    none is usable."""
    declared = [d for d in decls if d.kind == "ctor"]
    visible = [d for d in declared if not d.private]
    if not declared or any(not d.params for d in visible):
        return f"new {cls}()"
    for ctor in visible:
        values = [_values(kind, []) for kind, _ in ctor.params]
        if all(values):
            args = [next((v for v in vs or [] if v != "null"), "null") for vs in values]
            return f"new {cls}({', '.join(args)})"
    return ""


def java_methods(
    path: str, text: str, types: JavaTypes | None = None
) -> tuple[list[JavaMethod], list[str]]:
    """Methods of the file's top-level class (read with tree-sitter, ``javaparse``), and
    why others were left out; with the project's ``types``, receivers from every
    constructor whose types have values (project types too) and the project's named
    constants the bodies use."""
    cls = posixpath.basename(path).removesuffix(".java")
    found = java_class(text, cls)
    if found is None or found.kind != "class" or "abstract" in found.modifiers:
        return [], [f"{cls}: not a concrete class"]
    owners = types.owners(cls, path) if types is not None else []
    instances = owners[0] if owners else _constructible(cls, found.decls)
    names = [d.name for d in found.decls if d.kind == "method"]
    ctors = [d for d in found.decls if d.kind == "ctor"]
    methods, skipped = [], []
    if not ctors:  # the implicit constructor: its line is the class's
        methods.append(JavaMethod(cls, cls, True, [], cls, 1, 1, ctor=True))
    for d in found.decls:
        if d.private or "abstract" in d.modifiers:
            continue
        if d.kind == "ctor":  # its own lines and throws: a method returning the class
            methods.append(JavaMethod(
                cls, cls, True, d.params, cls, d.line, d.end, d.throws + _thrown(d.body),
                _int_constants(d.body), varargs=d.varargs, strings=d.strings,
                overloaded=len(ctors) > 1, ctor=True,
            ))  # fmt: skip
            continue
        if not d.modifiers <= _MODIFIERS:
            skipped.append(f"{cls}.{d.name}: unusual modifiers {sorted(d.modifiers - _MODIFIERS)}")
            continue
        static = "static" in d.modifiers
        if not static and not instances:
            skipped.append(f"{cls}.{d.name}: no constructor of {cls} has values for its types")
            continue
        constants = _int_constants(d.body) + _char_codes(d.body)
        if types is not None:
            constants += types.char_constants(d.body)
        methods.append(JavaMethod(
            cls, d.name, static, d.params, d.returns, d.line, d.end,
            list(dict.fromkeys(_thrown(d.body) + d.throws)), list(dict.fromkeys(constants))[:12],
            instances, owners or [instances], varargs=d.varargs, strings=d.strings,
            instanceof=d.instanceof, overloaded=names.count(d.name) > 1,
        ))  # fmt: skip
    if types is not None and instances:  # the parent's API, run on the class's instances
        own = {(d.name, tuple(k for k, _ in d.params)) for d in found.decls}
        parents = [
            (name, returns, params) for name, returns, params in types.inherited(cls, path)
            if (name, tuple(k for k, _ in params)) not in own and name not in _OBJECT_METHODS
        ]  # fmt: skip
        every = names + [name for name, _, _ in parents]
        for name, returns, params in parents:
            methods.append(JavaMethod(cls, name, False, params, returns, 0, 0, [], [], instances,
                                      owners or [instances], inherited=True))  # fmt: skip
        for m in methods:
            m.overloaded = m.overloaded or (not m.ctor and every.count(m.name) > 1)
    return methods, skipped


def _thrown(body: str) -> list[str]:
    """The exceptions the body throws on purpose (``throw new X(...)``)."""
    return [w.split("(", 1)[0] for w in body.split("throw new ")[1:]]


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


def pairs(choices: list[list[str]], done: list[list[str]], cap: int) -> list[list[str]]:
    """Argument lists with two positions off their first value at once (a region
    compare needs a non-String sequence *and* a case-insensitive flag), alternatives
    taken shallow first (each position's second value with each other's second, then
    the third ...), skipping lists already in ``done``; at most ``cap``."""
    if len(choices) < 2 or any(not c for c in choices):
        return []
    base = [c[0] for c in choices]
    seen = {tuple(a) for a in done}
    out: list[list[str]] = []
    # nulls and empty values stay out: a pair with one tells little more than it alone
    alts = [[v for v in c[1:] if not _EMPTY.search(v)][:_PAIR_DEPTH] for c in choices]
    steps = sorted({(a, b) for a in range(_PAIR_DEPTH) for b in range(_PAIR_DEPTH)},
                   key=lambda ab: (max(ab), ab))  # fmt: skip
    for a, b in steps:
        for i in range(len(choices)):
            for j in range(i + 1, len(choices)):
                if len(out) >= cap:
                    return out
                if a >= len(alts[i]) or b >= len(alts[j]):
                    continue
                args = list(base)
                args[i], args[j] = alts[i][a], alts[j][b]
                if tuple(args) not in seen:
                    seen.add(tuple(args))
                    out.append(args)
    return out


def _options(m: JavaMethod, types: JavaTypes | None, path: str) -> list[list[str] | None]:
    """Each parameter's values: the type's own (``_values``; a project type's from
    ``types`` and null), then what the body suggests: its string literals for text
    parameters, a value of each type it tests with ``instanceof`` for an ``Object``;
    an array of a type with values as a one-element array; nothing at all for varargs;
    a null cast to the parameter's type when the name is overloaded (a bare ``null``
    would be ambiguous)."""
    out: list[list[str] | None] = []
    for i, (kind, name) in enumerate(m.params):
        values = _values(kind, m.constants)
        if kind in _INTS and values and _INDEX.search(name):  # an index: 0 first
            zero = "0L" if kind == "long" else f"{_INTS[kind]}0"
            values = [zero, *(v for v in values if v != zero)]
        if values is None and types is not None:
            found = types.values(kind, path)
            values = [found[0], "null", *found[1:]] if found else None
        if values is None and kind.endswith("[]") and "<" not in kind:
            values = _array_values(kind[:-2], m, types, path)
        if values is not None:
            values = _suggested(kind, values, m, types, path)
            if m.varargs and i == len(m.params) - 1:
                values = [values[0], NO_ARGUMENT, *values[1:]]
            if m.overloaded:
                values = [f"({kind}) null" if v == "null" else v for v in values]
        out.append(values)
    return out


def _suggested(
    kind: str, values: list[str], m: JavaMethod, types: JavaTypes | None, path: str
) -> list[str]:
    bare = kind.removeprefix("java.lang.")
    extra: list[str] = []
    if bare in ("String", "CharSequence"):
        extra = m.strings[:_BODY_STRINGS]
    elif bare == "char[]":
        extra = [f"{s}.toCharArray()" for s in m.strings[:_BODY_STRINGS]]
    elif bare == "Object":
        for name in m.instanceof:
            found = _values(name, m.constants) or (types.values(name, path) if types else [])
            extra += [v for v in found or [] if v != "null"][:2]
    if not extra:
        return values
    return list(dict.fromkeys([*values[:3], *extra, *values[3:]]))


def _array_values(elem: str, m: JavaMethod, types: JavaTypes | None, path: str) -> list[str] | None:
    found = _values(elem, m.constants) or (types.values(elem, path) if types else [])
    some = [v for v in found or [] if v != "null"][:2]
    if not some:
        return None
    return [f"new {elem}[]{{{', '.join(some)}}}", "null", f"new {elem}[0]",
            f"new {elem}[]{{{some[0]}}}"]  # fmt: skip


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
        options = _options(m, types, path)
        if any(o is None for o in options):
            kinds = [k for (k, _), o in zip(m.params, options, strict=True) if o is None]
            skipped.append(f"{m.label}: no values for parameter type {', '.join(kinds)}")
            continue
        owners = [] if m.static else [m.owners or [m.owner]]
        choices = [*owners, *[o or [] for o in options]]
        # an inherited method (no lines of its own here): fewer calls, no pairs, no repeats
        lists = vary(choices, _MAX_INHERITED if m.inherited else _MAX_CALLS)
        lists += [] if m.inherited else pairs(choices, lists, _MAX_PAIRS)
        for args in lists:
            owner, rest = (args[0], args[1:]) if owners else ("", args)
            calls.append(JavaCall(m, rest, owner))
        if owners and lists and m.returns != "void" and not m.inherited:  # state: again
            calls += [JavaCall(m, lists[0][1:], o, _REPEATS) for o in owners[0][:_MAX_REPEATED]]
    return calls, skipped
