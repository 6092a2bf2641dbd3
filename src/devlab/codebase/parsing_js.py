"""JavaScript and TypeScript definitions: every form a real codebase defines things in.

``parsing._FileWalker`` calls :func:`js_definition` for each definition-like node
(``grammars._JS_RULES``). Besides declarations (``function f``, ``class C``,
``interface I``, ``enum E``, ``type T``, ``namespace N``, overload signatures) a
JavaScript codebase defines its API by assignment, as express does::

    res.send = function send(body) {...}          -> res.send   (method of res)
    Route.prototype.dispatch = function () {...}  -> Route.dispatch
    exports.compileETag = function () {...}       -> compileETag
    module.exports = function query() {...}       -> query
    module.exports = class Application {...}      -> Application
    const api = { get() {...}, post: () => ... }  -> api.get, api.post
    const f = () => ...; class C { g = () => ... } -> f, C.g

Each function returns the definition tuple ``parsing`` documents, plus an explicit
owner (``"res"``) when the qualified name comes from the assignment, not the scope.
"""

from __future__ import annotations

from typing import Protocol

from tree_sitter import Node

from devlab.codebase.grammars import LanguageRules


class Walker(Protocol):
    """What these functions use of ``parsing``'s walker (which imports this module)."""

    rules: LanguageRules

    def _text(self, node: Node | None) -> str: ...

    def _header_end(self, node: Node, body: Node | None) -> int: ...


__all__ = ["js_definition"]

# JS/TS values that make ``const name = <value>`` a function or class definition
_JS_FUNCTION_VALUES = frozenset(
    {"arrow_function", "function_expression", "function", "generator_function"}
)
_JS_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})


def js_definition(w: Walker, node: Node, node_type: str, depth: int, types, nodes):
    special = _JS_SPECIAL.get(node_type)
    if special is not None:
        return special(w, node, depth, types, nodes)
    header = node
    sig_start = node.start_byte
    outer = node
    owner = None
    if node_type == "variable_declarator" or node_type.endswith("field_definition"):
        value = node.child_by_field_name("value")
        if value is None or (value.type not in _JS_FUNCTION_VALUES and value.type != "class"):
            return None
        name = node.child_by_field_name("name") or node.child_by_field_name("property")
        if name is None or (node_type == "variable_declarator" and name.type != "identifier"):
            return None
        kind = "class" if value.type == "class" else "function"
        if node_type != "variable_declarator":
            kind = "method"
        elif depth and types[depth - 1] in _JS_DECLARATIONS:
            outer = nodes[depth - 1]
            sig_start = outer.start_byte
            depth -= 1
        header = value
    elif node_type == "method_definition" and depth and types[depth - 1] == "object":
        name = node.child_by_field_name("name")
        if name is None:
            return None
        kind, owner = "method", _js_object_owner(w, nodes[depth - 1])
    else:
        name = node.child_by_field_name("name")
        if node_type == "construct_signature":  # interface X { new (): X }
            name = node.child(0)
        if name is None or (name.type == "string" and node_type != "module"):
            return None
        if node_type in w.rules.classes:
            kind = "class"
        elif node_type in w.rules.methods:
            kind = "method"
        else:
            kind = "function"
    if depth and types[depth - 1] == "export_statement":
        outer = nodes[depth - 1]
    body = header.child_by_field_name("body")
    if node_type == "type_alias_declaration":
        body = None
    sig_end = (
        w._header_end(header, body) if body is not None or header is not node else node.end_byte
    )
    return name, kind, outer, sig_start, sig_end, body, owner


def _js_assignment(w: Walker, node: Node, depth: int, types, nodes):
    """``res.send = function send() {}``, ``Foo.prototype.bar = ...``, ``exports.x = ...``,
    ``module.exports = function query() {}`` / ``= class {}``."""
    left, value = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or value is None or value.type not in _JS_FUNCTION_VALUES | {"class"}:
        return None
    value_name = value.child_by_field_name("name")
    if value.type == "class" and value_name is not None:
        return None  # the named class expression defines itself
    path = _js_member_path(w, left)
    if path is None:
        return None  # a computed name: Route.prototype[method] = ...
    prefix, _, last = path.rpartition(".")
    owner: str | None = prefix
    name = left.child_by_field_name("property") if left.type == "member_expression" else left
    kind = "class" if value.type == "class" else "function"
    if prefix in ("module.exports", "exports", "module") or prefix.startswith("this"):
        owner = None  # exports.foo is the module's foo; this.x belongs to the scope
        if last == "exports" and value_name is not None:
            name = value_name  # module.exports = function query() {}: it is "query"
    elif owner:
        kind = "method" if kind == "function" else kind
    outer = nodes[depth - 1] if depth and types[depth - 1] == "expression_statement" else node
    body = value.child_by_field_name("body")
    sig_end = w._header_end(value, body) if body is not None else value.end_byte
    return name, kind, outer, node.start_byte, sig_end, body, owner or None


def _js_pair(w: Walker, node: Node, depth: int, types, nodes):
    """``{ get: function () {...}, "post": () => ... }``: methods of the object's name."""
    key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
    if key is None or value is None or value.type not in _JS_FUNCTION_VALUES | {"class"}:
        return None
    if key.type == "string":
        key = next((c for c in key.named_children if c.type == "string_fragment"), None)
    elif key.type not in ("property_identifier", "identifier", "private_property_identifier"):
        return None  # [computed]: no static name
    if key is None:
        return None
    owner = _js_object_owner(w, nodes[depth - 1]) if depth else None
    kind = "class" if value.type == "class" else ("method" if owner else "function")
    body = value.child_by_field_name("body")
    sig_end = w._header_end(value, body) if body is not None else value.end_byte
    return key, kind, node, node.start_byte, sig_end, body, owner


def _js_named_expression(w: Walker, node: Node, depth: int, types, nodes):
    """A named function or class expression not already named by what holds it."""
    if depth and types[depth - 1] in ("variable_declarator", "pair", "field_definition"):
        return None
    if depth and types[depth - 1] == "public_field_definition":
        return None
    if depth and types[depth - 1] == "assignment_expression" and node.type != "class":
        return None
    name = node.child_by_field_name("name")
    if name is None:
        return None
    body = node.child_by_field_name("body")
    kind = "class" if node.type == "class" else "function"
    return name, kind, node, node.start_byte, w._header_end(node, body), body, None


_JS_SPECIAL = {
    "assignment_expression": _js_assignment,
    "pair": _js_pair,
    "function_expression": _js_named_expression,
    "class": _js_named_expression,
}


def _js_member_path(w: Walker, node: Node) -> str | None:
    """``a.b.prototype.c`` -> ``"a.b.c"``; None for computed members (``a[b]``)."""
    parts: list[str] = []
    for _ in range(16):
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            obj = node.child_by_field_name("object")
            if prop is None or obj is None:
                return None
            text = w._text(prop)
            if text != "prototype":
                parts.append(text)
            node = obj
        elif node.type in ("identifier", "this", "property_identifier"):
            parts.append(w._text(node))
            return ".".join(reversed(parts))
        else:
            return None
    return None


def _js_object_owner(w: Walker, obj: Node) -> str | None:
    """The name an object literal is bound to: ``const api = {...}`` -> ``"api"``,
    ``Foo.prototype = {...}`` -> ``"Foo"``; None for an anonymous object."""
    parent = obj.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return w._text(name) if name is not None and name.type == "identifier" else None
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        path = _js_member_path(w, left) if left is not None else None
        if path in ("module.exports", "exports"):
            return None
        return path
    if parent.type == "pair":
        key = parent.child_by_field_name("key")
        outer = parent.parent
        base = _js_object_owner(w, outer) if outer is not None else None
        if key is None or key.type != "property_identifier":
            return None
        return f"{base}.{w._text(key)}" if base else None
    return None
