"""Values for the project's own Java types, so that JUnit generation can call methods
taking them and build instances of classes without a no-argument constructor.

The project's main sources are read with the same line scan as ``javasig`` (no Java
parser): each top-level type and each type nested one level in it (a class, an enum,
an interface, a record), its ``static final`` fields, enum constants, static methods
and constructors whose signature is on one line (or a few joined), and the types it
extends or implements. An instance of type ``T`` comes from, in order:

1. static final fields of type ``T`` (``CSVFormat.DEFAULT``), its own first;
2. enum constants (``QuoteMode.ALL``);
3. static factory methods returning ``T`` whose parameters have values
   (``CSVFormat.newFormat('a')``), and a builder chain when ``T`` or its nested class
   offers a static no-argument method returning a builder whose ``build()`` returns ``T``;
4. the first value modified by ``T``'s own instance methods returning ``T`` (the
   with-style modifiers of an immutable value: ``CSVFormat.DEFAULT.withTrim()``),
   those setting what the file under test reads (``withEscape`` where it calls
   ``getEscapeCharacter``) right after the fields;
5. constructors whose parameter types have values (JDK values from ``javasig``, project
   types recursively, at most ``DEPTH`` levels), one argument varied at a time;
6. the same from the concrete types that extend or implement ``T`` (an interface or an
   abstract class gets its values this way).

Each source gives at most half of ``MAX_VALUES`` before the next is heard, then the
rest fill up in order.

What a generated test (in the target class's package) may not reach is left out:
private members, and package-private ones of another package. Another package's types
are written fully qualified. Nothing is run here: javac and the probe judge each value.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from dataclasses import dataclass, field

from devlab.testing.javarun import java_package
from devlab.testing.jsrun import block_end

__all__ = ["DEPTH", "MAX_VALUES", "JavaTypes", "vary"]

DEPTH = 3  # constructor arguments built from constructors, at most this deep
MAX_VALUES = 10  # values per project type
MAX_OWNERS = 28  # instances of the class under test (its receivers)
OWNER_ARG_VALUES = 16  # values per project type among the receivers' arguments
_MAX_FILES = 2000
_MAX_FILE_BYTES = 1_000_000
_DECL = re.compile(r"\b(class|interface|enum|record)\s+([A-Za-z_$][\w$]*)")
_TYPE_MODS = {"public", "protected", "private", "static", "final", "abstract", "sealed",
              "non-sealed", "strictfp"}  # fmt: skip
_MEMBER_MODS = {"public", "protected", "private", "static", "final", "synchronized",
                "strictfp", "transient", "volatile", "native"}  # fmt: skip
_FIELD = re.compile(r"([\w$.]+(?:\[\])*)\s+([A-Za-z_$][\w$]*)\s*(?:=|;)")
_CONST = re.compile(r"([A-Za-z_$][\w$]*)\s*(?=[(,;{]|$)")
_CHAR = re.compile(r"""'(\\?[^'\\]|\\u[0-9a-fA-F]{4})'""")
_ESC = {"n": 10, "r": 13, "t": 9, "b": 8, "f": 12, "0": 0, "'": 39, '"': 34, "\\": 92}


@dataclass
class _Member:
    kind: str  # "field", "method", "ctor"
    name: str
    returns: str  # a field's or method's type; the class for a constructor
    params: list[tuple[str, str]]
    static: bool
    visibility: str  # "public", "package", "private"
    value: str = ""  # a static final field's initialiser (its first line)


@dataclass
class _Type:
    name: str
    outer: str  # the enclosing type's name ("" at top level)
    package: str
    path: str
    kind: str  # class, interface, enum, record
    access: str  # public, package, private
    abstract: bool
    static: bool
    supers: list[str]
    members: list[_Member] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)

    @property
    def local(self) -> str:
        return f"{self.outer}.{self.name}" if self.outer else self.name

    @property
    def fq(self) -> str:
        return f"{self.package}.{self.local}" if self.package else self.local


def combine(options: list[list[str]], cap: int) -> list[list[str]]:
    """``vary``'s lists, then every other combination (pairs of modified arguments:
    a format that ignores spaces reading a text with spaces), up to ``cap``."""
    out = vary(options, cap)
    seen = {tuple(a) for a in out}
    for args in itertools.product(*options):
        if len(out) >= cap:
            break
        if args not in seen:
            out.append(list(args))
    return out


def vary(options: list[list[str]], cap: int) -> list[list[str]]:
    """Argument lists from per-position choices: the first of each, then one position
    varied at a time, positions taken in turn (so each gets a share of ``cap``)."""
    if not options or any(not o for o in options):
        return [[]] if not options else []
    base = [o[0] for o in options]
    out, seen = [base], {tuple(base)}
    for k in range(1, max(len(o) for o in options)):
        for i, choices in enumerate(options):
            if k < len(choices) and len(out) < cap:
                args = [*base[:i], choices[k], *base[i + 1 :]]
                if tuple(args) not in seen:
                    seen.add(tuple(args))
                    out.append(args)
    return out


def _joined(lines: list[str], start: int) -> str:
    """The signature from line ``start`` (0-based) up to its ``{`` or ``;`` (6 lines)."""
    text = ""
    for line in lines[start : start + 6]:
        text += " " + line.strip()
        if "{" in line or ";" in line:
            break
    return text.strip()


def _visibility(mods: set[str]) -> str:
    return "public" if "public" in mods else "private" if "private" in mods else "package"


class JavaTypes:
    """The project's types and the values a test can write for them (see module doc)."""

    def __init__(self, files: dict[str, str], sources: list[str]):
        from devlab.testing.javasig import _depths, java_code  # javasig uses this module

        self.types: dict[str, list[_Type]] = {}  # simple name -> declarations
        self.files = files
        self.imports: dict[str, list[str]] = {}
        self._cache: dict[tuple[str, str], list[str]] = {}
        self._source: list[str] = []
        for path in sources[:_MAX_FILES]:
            text = files.get(path, "")
            if len(text) > _MAX_FILE_BYTES:
                continue
            self._source = text.splitlines()
            lines = java_code(self._source)
            package = java_package(text)
            self.imports[path] = [
                ln.strip()[7:].rstrip(";").strip()
                for ln in lines[:400]
                if ln.startswith("import ") and not ln.startswith("import static ")
            ]
            self._scan(path, package, lines, _depths(lines))

    def _scan(self, path: str, package: str, lines: list[str], depths: list[int]) -> None:
        outer = ""
        for number, (line, depth) in enumerate(zip(lines, depths, strict=True)):
            if depth > 1 or line.lstrip().startswith("@"):
                continue
            match = _DECL.search(line)
            if not match:
                continue
            words = line[: match.start()].split()
            if not set(words) <= _TYPE_MODS or (depth == 1 and not outer):
                continue
            head = _joined(lines, number)
            kind, name = match.group(1), match.group(2)
            tail = head.split(name, 1)[1].split("{")[0]
            supers = [s for s in re.findall(r"[A-Za-z_$][\w$.]*", re.sub(r"<[^<>]*>", "", tail))
                      if s not in ("extends", "implements", "permits")]  # fmt: skip
            decl = _Type(
                name, outer if depth == 1 else "", package, path, kind, _visibility(set(words)),
                "abstract" in words or kind == "interface",
                depth == 0 or "static" in words or kind != "class", supers,
            )  # fmt: skip
            if depth == 0:
                outer = name
            end = block_end(lines, number + 1, number + 20000)
            self._members(decl, lines, depths, number, end, depth + 1)
            self.types.setdefault(name, []).append(decl)

    def _members(
        self, decl: _Type, lines: list[str], depths: list[int], start: int, end: int, at: int
    ) -> None:
        constants = decl.kind == "enum"  # an enum's body starts with its constants
        if constants and "{" in lines[start]:  # ``enum Mode { UP, DOWN }`` on one line
            head = lines[start].split("{", 1)[1].split("}", 1)[0].strip()
            constants = self._constants(decl, head) if head else constants
        for number in range(start + 1, min(end, len(lines))):
            if depths[number] != at:
                continue
            text = lines[number].strip()
            if not text or text.startswith(("@", "}")):
                continue
            if constants:
                constants = self._constants(decl, text)
                continue
            self._member(decl, _joined(lines, number), _joined(self._source, number))

    @staticmethod
    def _constants(decl: _Type, text: str) -> bool:
        """Read an enum's constants from one line; False once the list has ended."""
        for part in text.split(","):
            m = _CONST.match(part.strip())
            if m and m.group(1)[0].isupper():
                decl.constants.append(m.group(1))
        return ";" not in text.split("(", 1)[0] and not text.endswith(";")

    def _member(self, decl: _Type, sig: str, source: str) -> None:
        from devlab.testing.javasig import _params

        before = sig.split("(", 1)[0]
        words = before.split("=", 1)[0].split()
        mods = {w for w in words if w in _MEMBER_MODS}
        if decl.kind == "interface":  # an interface's members are public, its fields static
            mods |= {"public", "static", "final"} if "=" in before else {"public"}
        if "=" in before or "(" not in sig:  # a field
            m = _FIELD.search(" ".join(w for w in words if w not in _MEMBER_MODS) + " =")
            if m and {"static", "final"} <= mods:
                value = source.split("=", 1)[1].split(";")[0].strip() if "=" in source else ""
                decl.members.append(_Member("field", m.group(2), m.group(1), [], True,
                                            _visibility(mods), value))  # fmt: skip
            return
        rest = [w for w in words if w not in _MEMBER_MODS and not w.startswith("@")]
        if not rest or any("<" in w for w in rest[:-1]) or "{" not in sig:
            return
        sig = sig.split("{", 1)[0]  # a body on the same line: not the signature
        params = _params(sig.split("(", 1)[1].rsplit(")", 1)[0])
        if params is None:
            return
        if rest == [decl.name]:
            decl.members.append(_Member("ctor", decl.name, decl.name, params, False,
                                        _visibility(mods)))  # fmt: skip
        elif len(rest) == 2 and rest[1].isidentifier():
            decl.members.append(_Member("method", rest[1], rest[0], params, "static" in mods,
                                        _visibility(mods)))  # fmt: skip

    # resolution -----------------------------------------------------------------

    def resolve(self, name: str, context: str) -> _Type | None:
        """The project type ``name`` means in the file ``context`` (None: not ours)."""
        name = name.split("<", 1)[0].strip()
        if not name or name.endswith("]"):
            return None
        simple = name.rsplit(".", 1)[-1]
        found = self.types.get(simple, [])
        if "." in name:
            return next((t for t in found if t.fq == name or t.fq.endswith("." + name)), None)
        package = java_package(self.files.get(context, ""))
        top = posixpath.basename(context).removesuffix(".java")
        imports = self.imports.get(context, [])
        for test in (
            lambda t: t.path == context or (t.outer == top and t.package == package),
            lambda t: not t.outer and t.package == package,
            lambda t: t.fq in imports,
            lambda t: f"{t.package}.*" in imports and not t.outer,
            lambda t: t.outer and f"{t.package}.{t.outer}" in imports,
        ):
            mine = [t for t in found if test(t)]
            if mine:
                return mine[0]
        return found[0] if len(found) == 1 else None

    def _reach(self, t: _Type, visibility: str, package: str) -> bool:
        """Can a test in ``package`` use a member with ``visibility`` of ``t``?"""
        outer = self.resolve(t.outer, t.path) if t.outer else None
        chain = [t] + ([outer] if outer else [])
        if visibility == "private" or any(c.access == "private" for c in chain):
            return False
        if outer and outer.kind == "class" and not t.static:
            return False  # an inner class needs an instance of its outer one
        if t.package == package:
            return True
        return visibility == "public" and all(c.access == "public" for c in chain)

    def _ref(self, t: _Type, package: str) -> str:
        return t.local if t.package == package else t.fq

    # values ---------------------------------------------------------------------

    def values(
        self, kind: str, context: str, depth: int = DEPTH, cap: int = MAX_VALUES
    ) -> list[str]:
        """Expressions of the project type ``kind`` (as written in ``context``) that a
        test in ``context``'s package can write, ``[]`` when none (see the module doc)."""
        t = self.resolve(kind, context)
        if t is None or depth <= 0:
            return []
        package = java_package(self.files.get(context, ""))
        key = (t.fq, f"{package}/{depth}/{cap}")
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = []  # a type reached from itself: no values on that path
        out = self._values_of(t, package, context, depth, cap)
        self._cache[key] = out = list(dict.fromkeys(out))[:cap]
        return out

    def _values_of(self, t: _Type, package: str, context: str, depth: int, cap: int) -> list[str]:
        """Each source's values (module doc), merged in order: at most half of ``cap``
        from each source first, so that twelve predefined constants leave room for a
        modified one and a constructed one; then the rest in order."""
        owners = [t] + [o for ts in self.types.values() for o in ts if o is not t]
        fields = [  # 1. static final fields of the type, its own first
            f"{self._ref(owner, package)}.{m.name}" for owner in owners for m in owner.members
            if m.kind == "field" and self.resolve(m.returns, owner.path) is t
            and self._reach(owner, m.visibility, package)
        ]  # fmt: skip
        constants = []  # 2. enum constants
        if t.kind == "enum" and self._reach(t, t.access, package):
            constants = [f"{self._ref(t, package)}.{c}" for c in t.constants]
        factories: list[str] = []  # 3. static factories, then builder chains
        for owner in owners:
            for m in owner.members:
                if (m.kind == "method" and m.static and len(factories) < cap
                        and self.resolve(m.returns, owner.path) is t
                        and self._reach(owner, m.visibility, package)):  # fmt: skip
                    args = self._args(m.params, owner.path, context, depth, 1)
                    factories += [f"{self._ref(owner, package)}.{m.name}({', '.join(a)})"
                                  for a in args]  # fmt: skip
        factories += self._builders(t, package)
        built = []  # 5. constructors (4. modified values: below)
        if not t.abstract and t.kind in ("class", "record"):
            built = self._constructed(t, package, context, depth, cap)
        first = (fields + constants + factories + built)[:1]
        modified = self._modified(t, first[0], package, context, depth, cap) if first else []
        subs: list[str] = []  # 6. the project's subtypes
        for sub in [s for ts in self.types.values() for s in ts if s is not t]:
            if any(self.resolve(x, sub.path) is t for x in sub.supers) and len(subs) < cap:
                subs += self.values(sub.fq, context, depth, cap)
        # the modifiers of what the code under test reads first (``withEscape`` when
        # it calls ``getEscapeCharacter``): those values take it down other paths
        text = self.files.get(context, "")
        read = [v for v in modified if _read(v[len(first[0]) + 1 :], text)]
        rest = [v for v in modified if v not in read]
        sources = [fields, read, constants, factories, rest, built, subs]
        share = max(1, (cap + 1) // 2)
        out = [v for source in sources for v in source[:share]]
        out += [v for source in sources for v in source[share:]]
        return out

    def _modified(
        self, t: _Type, base: str, package: str, context: str, depth: int, cap: int
    ) -> list[str]:
        """``base.withX(...)``: instance methods of ``T`` returning ``T`` (the with-style
        and fluent modifiers of an immutable value), called on its first value with the
        first value of each parameter; those without parameters first."""
        found: list[str] = []
        text = self.files.get(context, "")  # what the file under test reads: first
        order = sorted(t.members, key=lambda m: (not _read(m.name, text), len(m.params)))
        for m in order:
            if (m.kind == "method" and not m.static and len(found) < cap
                    and m.name not in ("clone", "copy", "build")
                    and self.resolve(m.returns, t.path) is t
                    and self._reach(t, m.visibility, package)):  # fmt: skip
                args = self._args(m.params, t.path, context, depth - 1, 1)
                found += [f"{base}.{m.name}({', '.join(a)})" for a in args]
        return found

    def _builders(self, t: _Type, package: str) -> list[str]:
        """``T.builder().build()`` / ``T.Builder.create().build()``: a static method
        without parameters, of ``T`` or a type nested in it, returning a project type
        whose own ``build()`` returns ``T``."""
        nested = [n for ts in self.types.values() for n in ts
                  if n.outer == t.name and n.package == t.package]  # fmt: skip
        for owner in [t, *nested]:
            for m in owner.members:
                if m.kind != "method" or not m.static or m.params:
                    continue
                b = self.resolve(m.returns, owner.path)
                if b is None or not self._reach(owner, m.visibility, package):
                    continue
                if any(x.kind == "method" and x.name == "build" and not x.params
                       and not x.static and self._reach(b, x.visibility, package)
                       and self.resolve(x.returns, b.path) is t for x in b.members):  # fmt: skip
                    return [f"{self._ref(owner, package)}.{m.name}().build()"]
        return []

    def _constructed(
        self, t: _Type, package: str, context: str, depth: int, cap: int, every: bool = False
    ) -> list[str]:
        ctors = [m for m in t.members if m.kind == "ctor"]
        if not ctors and self._reach(t, t.access, package):
            return [f"new {self._ref(t, package)}()"]
        out: list[str] = []
        for m in sorted(ctors, key=lambda m: len(m.params)):
            if self._reach(t, m.visibility, package) and len(out) < cap:
                args = self._args(m.params, t.path, context, depth, cap - len(out), every)
                out += [f"new {self._ref(t, package)}({', '.join(a)})" for a in args]
        return out

    def _args(
        self, params: list[tuple[str, str]], where: str, context: str, depth: int, cap: int,
        every: bool = False,
    ) -> list[list[str]]:  # fmt: skip
        """Argument lists for ``params`` (declared in ``where``): no nulls, one argument
        varied at a time (``every``: then the other combinations); ``[]`` when a
        parameter has no value."""
        from devlab.testing.javasig import _values

        options = []
        for kind, _ in params:
            jdk = _values(kind, [])
            if jdk is None:
                t = self.resolve(kind, where)
                cap_each = OWNER_ARG_VALUES if every else MAX_VALUES
                jdk = self.values(t.fq, context, depth - 1, cap_each) if t else []
            choices = [v for v in jdk if v != "null"]
            if not choices:
                return []
            options.append(choices)
        return combine(options, cap) if every else vary(options, cap)

    def inherited(self, cls: str, context: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """``(name, returns, params)`` of the instance methods with a body that ``cls``
        inherits from the project's classes it extends and a test in its package can
        call, nearest first, one per name and parameter types. A template method of the parent
        (``BaseNCodec.decode(String)``) runs the class's own hooks with real data."""
        t = self.resolve(cls, context)
        package = java_package(self.files.get(context, ""))
        out: list[tuple[str, str, list[tuple[str, str]]]] = []
        seen: set[tuple[str, tuple[str, ...]]] = set()
        for _ in range(DEPTH + 2):
            parents = [self.resolve(s, t.path) for s in t.supers] if t is not None else []
            t = next((p for p in parents if p is not None and p.kind == "class"), None)
            if t is None:
                break
            for m in t.members:
                key = (m.name, tuple(k for k, _ in m.params))
                if (m.kind == "method" and not m.static and key not in seen
                        and self._reach(t, m.visibility, package)):  # fmt: skip
                    seen.add(key)
                    out.append((m.name, m.returns, m.params))
        return out

    def owners(self, cls: str, context: str) -> list[str]:
        """Instances of the class under test: its constructors' (not its fields'), so
        the receivers differ in what they were built from, every combination of the
        arguments' values up to ``MAX_OWNERS``."""
        t = self.resolve(cls, context)
        if t is None or t.abstract or t.kind not in ("class", "record"):
            return []
        package = java_package(self.files.get(context, ""))
        return self._constructed(t, package, context, DEPTH, MAX_OWNERS, every=True)

    def char_constants(self, body: str) -> list[str]:
        """The values of the project's ``static final char`` / ``int`` constants the
        body names (``CR``, ``LF``), as int literals, for int parameters."""
        words = set(re.findall(r"\b[A-Z][A-Z0-9_]*\b", body))
        out = []
        for ts in self.types.values():
            for t in ts:
                for m in t.members:
                    if m.kind == "field" and m.name in words and m.returns in ("char", "int"):
                        code = _literal(m.value)
                        if code is not None:
                            out.append(str(code))
        return list(dict.fromkeys(out))[:10]


def _read(modifier: str, text: str) -> bool:
    """Does ``text`` name the property ``modifier`` sets (``withEscape(...)``:
    ``Escape``, as in ``getEscapeCharacter``)?"""
    name = modifier.split("(", 1)[0]
    for prefix in ("with", "set"):
        if name.startswith(prefix) and name[len(prefix) : len(prefix) + 1].isupper():
            return name[len(prefix) :] in text
    return False


def _literal(value: str) -> int | None:
    value = value.strip()
    m = _CHAR.fullmatch(value)
    if m:
        text = m.group(1)
        if text.startswith("\\u"):
            return int(text[2:], 16)
        if text.startswith("\\"):
            return _ESC.get(text[1])
        return ord(text)
    number = value.removeprefix("-")
    return int(value) if number.isdigit() and len(number) < 10 else None
