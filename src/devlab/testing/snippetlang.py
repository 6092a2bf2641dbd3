"""Is a JavaScript-framework snippet TypeScript? (the seed route ``POST /generate/tests``)

A snippet pasted with ``framework: jest | node:test`` may be TypeScript: type
annotations, interfaces, type aliases, ``as`` casts, enums, generics. It is parsed by
the code index's tree-sitter grammars (never by regexes over untrusted text): it is
TypeScript when the TypeScript grammar finds a node only TypeScript has *and* the
JavaScript grammar cannot parse it (``a < b > (c)`` is valid JavaScript that the
TypeScript grammar reads as a generic call: that snippet stays JavaScript).
"""

from __future__ import annotations

from devlab.codebase import get_parser

__all__ = ["TS_ONLY_NODES", "is_typescript", "with_exports"]

# node types of tree-sitter-typescript that JavaScript has no form of
TS_ONLY_NODES = frozenset({
    "type_annotation", "interface_declaration", "type_alias_declaration", "as_expression",
    "satisfies_expression", "enum_declaration", "abstract_class_declaration",
    "type_parameters", "non_null_expression", "accessibility_modifier", "implements_clause",
    "ambient_declaration", "module", "internal_module", "optional_parameter",
    "type_predicate_annotation", "asserts_annotation", "abstract_method_signature",
    "readonly_type", "index_signature",
})  # fmt: skip
_DECLARATIONS = frozenset({
    "function_declaration", "generator_function_declaration", "class_declaration",
    "abstract_class_declaration", "enum_declaration", "lexical_declaration",
    "variable_declaration", "interface_declaration", "type_alias_declaration",
})  # fmt: skip
_MAX_NODES = 200_000  # a walk's bound (the snippet itself is capped at 200,000 chars)


def _ts_nodes(code: bytes) -> bool:
    """Whether the TypeScript grammar's tree holds a TypeScript-only node (outside
    error nodes), walked with a cursor (no recursion on deep input)."""
    cursor = get_parser("typescript").parse(code).walk()
    for _ in range(_MAX_NODES):
        node = cursor.node
        if node is not None and node.type in TS_ONLY_NODES:
            return True
        descend = node is not None and node.type != "ERROR"
        if descend and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return False
    return False


def is_typescript(code: str) -> bool:
    """True when ``code`` is TypeScript rather than JavaScript (see the module doc)."""
    data = code.encode("utf-8", "replace")
    if not get_parser("javascript").parse(data).root_node.has_error:
        return False
    return _ts_nodes(data)


def with_exports(code: str) -> str:
    """``code`` with ``export`` before each top-level declaration (functions, classes,
    enums, ``const``/``let``/``var``), so that a snippet pasted without exports can be
    imported by its tests; unchanged when it exports something already. Lines keep
    their numbers (coverage maps back to the pasted text)."""
    data = code.encode("utf-8", "replace")
    root = get_parser("typescript").parse(data).root_node
    starts = []
    for node in root.named_children:
        if node.type == "export_statement":
            return code
        if node.type in _DECLARATIONS:
            starts.append(node.start_byte)
    for at in reversed(starts):
        data = data[:at] + b"export " + data[at:]
    return data.decode("utf-8", "replace")
