"""Java methods and constructors read with tree-sitter, for JUnit generation.

The line scan JUnit generation started with missed what real code writes: a
signature over several lines, varargs (``String... xs``), generic methods
(``<T extends Number> T f(List<T> x)``), annotations on parameters and ``throws``
clauses. The parser reads all of them; this module turns the tree into plain records
(``JavaDecl``) with the types written as a test writes them:

- annotations and ``final`` dropped (``@Nonnull final String s`` -> ``String``);
- a method's type variables replaced by their first bound, or ``Object``
  (``<T extends CharSequence> ... T x`` -> ``CharSequence``), since a test needs a
  concrete value;
- a varargs parameter as its array type (``String...`` -> ``String[]``), flagged so
  that the call can also pass nothing;
- the exceptions the method declares (``throws``) and documents (``@throws`` in its
  javadoc): an exception there is the method's contract, not a suspected bug.

From the body: its string literals as written (valid Java expressions, for ``String``
parameters) and the types it tests with ``instanceof`` (values for an ``Object``
parameter that reach each branch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from devlab.codebase import get_parser

__all__ = ["JavaClass", "JavaDecl", "java_class"]

_TYPE_NODES = {"class_declaration", "interface_declaration", "enum_declaration",
               "record_declaration"}  # fmt: skip
_ANNOTATIONS = {"marker_annotation", "annotation"}
_THROWS_DOC = re.compile(r"@throws\s+([\w.$]+)")
_SPACES = re.compile(r"\s*([<>\[\],.?&])\s*")
_MAX_STRINGS = 8
_MAX_STRING_LEN = 40


@dataclass
class JavaDecl:
    """One method or constructor of a class, as a test would call it."""

    kind: str  # "method" or "ctor"
    name: str
    modifiers: set[str]
    returns: str  # "" for a constructor
    params: list[tuple[str, str]]  # (type as a test writes it, name)
    varargs: bool
    throws: list[str]  # declared and documented exception names (simple)
    line: int  # first line of the declaration (1-based, its annotations included)
    end: int  # its last line
    body: str  # the body's text ("" when abstract or native)
    strings: list[str] = field(default_factory=list)  # the body's string literals
    instanceof: list[str] = field(default_factory=list)  # types the body tests for

    @property
    def private(self) -> bool:
        return "private" in self.modifiers


@dataclass
class JavaClass:
    name: str
    kind: str  # class, interface, enum, record
    modifiers: set[str]
    decls: list[JavaDecl]


def _text(node, source: bytes) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _type_text(node, source: bytes, bounds: dict[str, str]) -> str:
    """A type as a test writes it: annotations out, spaces squeezed, the method's type
    variables replaced by their bound."""
    cuts = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in _ANNOTATIONS:
            cuts.append((n.start_byte, n.end_byte))
            continue
        stack.extend(n.children)
    raw, at = b"", node.start_byte
    for start, end in sorted(cuts):
        raw += source[at:start]
        at = end
    raw += source[at : node.end_byte]
    text = _SPACES.sub(r"\1", " ".join(raw.decode("utf-8", "replace").split()))
    text = text.replace("?extends", "? extends ").replace("?super", "? super ")
    for name, bound in bounds.items():
        text = re.sub(rf"(?<![\w$.]){re.escape(name)}(?![\w$])", bound, text)
    return text


def _modifiers(node, source: bytes) -> set[str]:
    mods = next((c for c in node.children if c.type == "modifiers"), None)
    if mods is None:
        return set()
    return {_text(c, source) for c in mods.children if c.type not in _ANNOTATIONS}


def _bounds(node, source: bytes, outer: dict[str, str]) -> dict[str, str]:
    """Type variable -> its first bound (erased) or ``Object``, the class's ones too."""
    found = dict(outer)
    params = node.child_by_field_name("type_parameters")
    for tp in params.named_children if params is not None else []:
        name = next((c for c in tp.named_children if c.type in ("type_identifier",
                                                               "identifier")), None)  # fmt: skip
        if name is None:
            continue
        bound = next((c for c in tp.named_children if c.type == "type_bound"), None)
        first = bound.named_children[0] if bound is not None and bound.named_children else None
        text = _type_text(first, source, found) if first is not None else "Object"
        found[_text(name, source)] = text.split("<", 1)[0]
    return found


def _params(node, source: bytes, bounds: dict[str, str]) -> tuple[list[tuple[str, str]], bool]:
    out: list[tuple[str, str]] = []
    varargs = False
    params = node.child_by_field_name("parameters")
    for p in params.named_children if params is not None else []:
        if p.type == "formal_parameter":
            kind = p.child_by_field_name("type")
            name = p.child_by_field_name("name")
            dims = p.child_by_field_name("dimensions")  # ``int xs[]``
            text = _type_text(kind, source, bounds) + (_text(dims, source) if dims else "")
            out.append((text.replace(" ", "") if "?" not in text else text,
                        _text(name, source) if name else f"p{len(out)}"))  # fmt: skip
        elif p.type == "spread_parameter":  # ``String... xs``
            kind = next((c for c in p.named_children if c.type not in ("modifiers",
                         "variable_declarator", *_ANNOTATIONS)), None)  # fmt: skip
            decl = next((c for c in p.named_children if c.type == "variable_declarator"), None)
            name = decl.child_by_field_name("name") if decl is not None else None
            if kind is None:
                continue
            out.append((_type_text(kind, source, bounds) + "[]",
                        _text(name, source) if name else f"p{len(out)}"))  # fmt: skip
            varargs = True
        # receiver parameters (``Foo this``) are not arguments
    return out, varargs


def _throws(node, source: bytes) -> list[str]:
    declared = next((c for c in node.children if c.type == "throws"), None)
    names = [
        _text(c, source).rsplit(".", 1)[-1]
        for c in (declared.named_children if declared is not None else [])
    ]
    doc = node.prev_named_sibling
    if doc is not None and doc.type == "block_comment":
        text = _text(doc, source)
        if text.startswith("/**"):
            names += [n.rsplit(".", 1)[-1] for n in _THROWS_DOC.findall(text)]
    return list(dict.fromkeys(names))


def _body_facts(body, source: bytes) -> tuple[list[str], list[str]]:
    """(string literals as written, types named by ``instanceof``) in the body."""
    strings, types = [], []
    stack = [body] if body is not None else []
    while stack:
        n = stack.pop()
        if n.type == "string_literal":
            text = _text(n, source)
            if len(text) <= _MAX_STRING_LEN and "\n" not in text and not text.startswith('"""'):
                strings.append(text)
            continue
        if n.type == "instanceof_expression":
            kind = n.child_by_field_name("right")
            if kind is not None and kind.type not in ("record_pattern",):
                types.append(_type_text(kind, source, {}).split("<", 1)[0])
        stack.extend(reversed(n.children))
    return list(dict.fromkeys(strings))[:_MAX_STRINGS], list(dict.fromkeys(types))


def _decl(node, source: bytes, class_bounds: dict[str, str]) -> JavaDecl | None:
    name = node.child_by_field_name("name")
    if name is None:
        return None
    bounds = _bounds(node, source, class_bounds)
    params, varargs = _params(node, source, bounds)
    kind = node.child_by_field_name("type")
    dims = node.child_by_field_name("dimensions")  # ``int f()[]``, old style
    returns = _type_text(kind, source, bounds) if kind is not None else ""
    returns += _text(dims, source) if dims is not None and kind is not None else ""
    body = node.child_by_field_name("body")
    strings, instanceof = _body_facts(body, source)
    return JavaDecl(
        kind="ctor" if node.type == "constructor_declaration" else "method",
        name=_text(name, source), modifiers=_modifiers(node, source), returns=returns,
        params=params, varargs=varargs, throws=_throws(node, source),
        line=node.start_point[0] + 1, end=node.end_point[0] + 1,
        body=_text(body, source) if body is not None else "", strings=strings,
        instanceof=instanceof,
    )  # fmt: skip


def java_class(text: str, name: str) -> JavaClass | None:
    """The top-level type ``name`` of a Java file with its methods and constructors
    (nested types' members are not its own), None when the file declares no such type."""
    source = text.encode("utf-8")
    tree = get_parser("java").parse(source)
    for node in tree.root_node.named_children:
        if node.type not in _TYPE_NODES:
            continue
        found = node.child_by_field_name("name")
        if found is None or _text(found, source) != name:
            continue
        # a generic class's own type variables: erased to their bounds as well
        class_bounds = _bounds(node, source, {})
        body = node.child_by_field_name("body")
        decls = []
        for member in body.named_children if body is not None else []:
            # an enum's members come after its constants' ``;``
            members = member.named_children if member.type == "enum_body_declarations" else [member]
            for m in members:
                if m.type in ("method_declaration", "constructor_declaration"):
                    decl = _decl(m, source, class_bounds)
                    decls += [decl] if decl is not None else []
        kind = node.type.removesuffix("_declaration")
        return JavaClass(name, kind, _modifiers(node, source), decls)
    return None
