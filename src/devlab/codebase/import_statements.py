"""Import statements to ``Import`` records, per language (a helper of ``parsing``).

``module`` keeps what the source names: dotted for Python and Java (relative Python
imports keep their leading dots), the string for JS/TS and Go, the path for Bash.
``names`` are the imported names; ``"*"`` stands for a whole namespace.
"""

from __future__ import annotations

from tree_sitter import Node

from devlab.codebase.records import Import
from devlab.codebase.source_text import unquote

__all__ = ["import_statement", "js_import_call"]


def _text(src: bytes, node: Node | None) -> str:
    if node is None:
        return ""
    return src[node.start_byte : node.end_byte].decode("utf-8", "replace")


def import_statement(src: bytes, node: Node, node_type: str, language: str) -> list[Import] | None:
    """The imports of one import node; None for a JS ``export`` that imports nothing."""
    line = node.start_point.row + 1
    if language == "python":
        return _python(src, node, node_type, line)
    if language in ("javascript", "typescript", "tsx"):
        found = _javascript(src, node, line)
        return None if found is None else [found]
    if language == "java":
        path = next((c for c in node.named_children if c.type.endswith("identifier")), None)
        if path is None:
            return []
        wildcard = any(c.type == "asterisk" for c in node.children)
        return [Import("".join(_text(src, path).split()), ("*",) if wildcard else (), line)]
    if language == "go":
        return _go(src, node)
    return []


def js_import_call(src: bytes, node: Node, callee: Node) -> Import | None:
    """``require("x")`` or ``import("x")`` as an import; None for any other call."""
    if callee.type != "import" and not (
        callee.type == "identifier" and _text(src, callee) == "require"
    ):
        return None
    arguments = node.child_by_field_name("arguments")
    first = arguments.named_child(0) if arguments is not None else None
    if first is None or first.type != "string":
        return None
    return Import(unquote(_text(src, first)), (), node.start_point.row + 1)


def _python(src: bytes, node: Node, node_type: str, line: int) -> list[Import]:
    def dotted(n: Node | None) -> str:
        if n is not None and n.type == "aliased_import":
            n = n.child_by_field_name("name")
        return "".join(_text(src, n).split())

    names = [dotted(n) for n in node.children_by_field_name("name")]
    if node_type == "import_statement":
        return [Import(name, (), line) for name in names]
    if node_type == "future_import_statement":
        return [Import("__future__", tuple(names), line)]
    if any(c.type == "wildcard_import" for c in node.children):
        names = ["*"]
    return [Import(dotted(node.child_by_field_name("module_name")), tuple(names), line)]


def _javascript(src: bytes, node: Node, line: int) -> Import | None:
    source = node.child_by_field_name("source")
    names: list[str] = []
    for child in node.named_children:
        if child.type == "import_clause":
            for part in child.named_children:
                if part.type == "identifier":  # import React from ...
                    names.append(_text(src, part))
                elif part.type in ("namespace_import", "import_require_clause"):
                    names.append("*")
                    source = source or part.child_by_field_name("source")
                elif part.type == "named_imports":
                    names.extend(
                        _text(src, spec.child_by_field_name("name"))
                        for spec in part.named_children
                        if spec.type == "import_specifier"
                    )
        elif child.type == "export_clause":
            names.extend(
                _text(src, spec.child_by_field_name("name"))
                for spec in child.named_children
                if spec.type == "export_specifier"
            )
        elif child.type == "namespace_export":
            names.append("*")
    if source is None:
        return None
    if node.type == "export_statement" and not names:
        names.append("*")  # export * from "x"
    return Import(unquote(_text(src, source)), tuple(names), line)


def _go(src: bytes, node: Node) -> list[Import]:
    specs = [c for c in node.named_children if c.type == "import_spec"]
    for group in node.named_children:
        if group.type == "import_spec_list":
            specs.extend(c for c in group.named_children if c.type == "import_spec")
    found: list[Import] = []
    for spec in specs:
        alias = spec.child_by_field_name("name")
        path = unquote(_text(src, spec.child_by_field_name("path")))
        names = (_text(src, alias),) if alias is not None else ()
        found.append(Import(path, names, spec.start_point.row + 1))
    return found
