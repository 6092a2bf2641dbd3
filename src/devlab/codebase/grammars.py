"""Tree-sitter grammars and the per-language node-type tables the parser walks with.

Grammars come from the per-language wheels (``tree_sitter_python``, ...), never from
``tree-sitter-language-pack`` (it downloads grammars at run time and fails offline).
A ``Language`` is immutable and shared; a ``Parser`` is not thread safe, so each thread
gets its own (``threading.local``).

The tables below are data: which node types define classes and functions, which
identifiers count as references, and which (parent, field) positions bind a name
rather than use it. ``parsing.py`` holds the one walker that reads them.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field

from tree_sitter import Language, Parser

# language id -> (module, function returning the grammar pointer)
_GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "java": ("tree_sitter_java", "language"),
    "go": ("tree_sitter_go", "language"),
    "bash": ("tree_sitter_bash", "language"),
}

_languages: dict[str, Language] = {}
_languages_lock = threading.Lock()
_thread_parsers = threading.local()


def get_language(language: str) -> Language:
    """The tree-sitter ``Language`` for a language id (loaded once, shared by threads)."""
    lang = _languages.get(language)
    if lang is None:
        module_name, func_name = _GRAMMARS[language]
        with _languages_lock:
            lang = _languages.get(language)
            if lang is None:
                module = importlib.import_module(module_name)
                lang = Language(getattr(module, func_name)())
                _languages[language] = lang
    return lang


def get_parser(language: str) -> Parser:
    """This thread's ``Parser`` for a language (parsers must not be shared by threads)."""
    parsers: dict[str, Parser] | None = getattr(_thread_parsers, "parsers", None)
    if parsers is None:
        parsers = _thread_parsers.parsers = {}
    parser = parsers.get(language)
    if parser is None:
        parser = parsers[language] = Parser(get_language(language))
    return parser


@dataclass(frozen=True)
class LanguageRules:
    """Node types the walker treats specially for one grammar."""

    classes: frozenset[str]  # define a class-like symbol (kind "class")
    functions: frozenset[str]  # define a function; "method" when directly inside a class
    methods: frozenset[str] = frozenset()  # always a method (class members)
    comments: frozenset[str] = frozenset({"comment"})
    # identifier-like leaves that are references to names
    refs: frozenset[str] = frozenset({"identifier"})
    # leaf type -> the (parent type, field) positions where it is a reference ("x.name")
    member_refs: dict[str, frozenset[tuple[str, str | None]]] = field(default_factory=dict)
    # (parent type, field name or None): an identifier there binds a name, it is not a use
    bindings: frozenset[tuple[str, str | None]] = frozenset()
    # (grandparent type, the parent's field): names in a list there are bound ("a, b = f()")
    list_bindings: frozenset[tuple[str, str]] = frozenset()
    # node type -> field holding the callee (the call's name is its last identifier)
    calls: dict[str, str] = field(default_factory=dict)
    imports: frozenset[str] = frozenset()
    # subtrees with nothing to find (strings, comments); the walker does not enter them
    opaque: frozenset[str] = frozenset()
    # containers whose children are statements: chunk split points
    blocks: frozenset[str] = frozenset()
    stop_names: frozenset[str] = frozenset()


_JS_COMMON_BINDINGS = frozenset(
    {
        ("variable_declarator", "name"),
        ("formal_parameters", None),
        ("arrow_function", "parameter"),
        ("required_parameter", "pattern"),
        ("optional_parameter", "pattern"),
        ("rest_pattern", None),
        ("array_pattern", None),
        ("assignment_pattern", "left"),
        ("catch_clause", "parameter"),
        ("type_parameter", "name"),
        ("assignment_expression", "left"),
        ("labeled_statement", "label"),
        ("break_statement", "label"),
        ("continue_statement", "label"),
        ("jsx_closing_element", "name"),
        ("function_expression", "name"),
        ("class", "name"),
    }
)

_JS_RULES = LanguageRules(
    classes=frozenset(
        {
            "class_declaration",
            "abstract_class_declaration",
            "interface_declaration",
            "enum_declaration",
            "type_alias_declaration",
            "class",  # a class expression: module.exports = class Application {...}
            "internal_module",  # TypeScript: namespace N {...}
            "module",  # TypeScript: module M {...}, declare module "m" {...}
        }
    ),
    functions=frozenset(
        {
            "function_declaration",
            "generator_function_declaration",
            "variable_declarator",  # const f = () => ...
            "assignment_expression",  # res.send = function send() ..., exports.x = ...
            "pair",  # { get: function () {...} }
            "function_expression",  # a named function expression anywhere else
            "function_signature",  # TypeScript overloads and declare function
        }
    ),
    methods=frozenset(
        {
            "method_definition",
            "field_definition",
            "public_field_definition",
            "method_signature",  # TypeScript interface members
            "abstract_method_signature",
            "construct_signature",
        }
    ),
    refs=frozenset({"identifier", "type_identifier"}),
    member_refs={"property_identifier": frozenset({("member_expression", "property")})},
    bindings=_JS_COMMON_BINDINGS,
    calls={
        "call_expression": "function",
        "new_expression": "constructor",
        "jsx_opening_element": "name",
        "jsx_self_closing_element": "name",
    },
    imports=frozenset({"import_statement", "export_statement"}),
    opaque=frozenset({"comment", "string", "regex"}),
    blocks=frozenset({"program", "statement_block", "class_body", "switch_body", "switch_case"}),
    stop_names=frozenset({"undefined", "arguments"}),
)

RULES: dict[str, LanguageRules] = {
    "python": LanguageRules(
        classes=frozenset({"class_definition"}),
        functions=frozenset({"function_definition"}),
        bindings=frozenset(
            {
                ("parameters", None),
                ("lambda_parameters", None),
                ("typed_parameter", None),
                ("default_parameter", "name"),
                ("typed_default_parameter", "name"),
                ("list_splat_pattern", None),
                ("dictionary_splat_pattern", None),
                ("keyword_argument", "name"),
                ("assignment", "left"),
                ("for_statement", "left"),
                ("for_in_clause", "left"),
                ("as_pattern_target", None),
                ("global_statement", None),
                ("nonlocal_statement", None),
                ("type_parameter", None),
            }
        ),
        list_bindings=frozenset(
            {("assignment", "left"), ("for_statement", "left"), ("for_in_clause", "left")}
        ),
        calls={"call": "function"},
        imports=frozenset({"import_statement", "import_from_statement", "future_import_statement"}),
        opaque=frozenset({"comment"}),
        blocks=frozenset({"module", "block"}),
        stop_names=frozenset({"self", "cls"}),
    ),
    "javascript": _JS_RULES,
    "typescript": _JS_RULES,
    "tsx": _JS_RULES,
    "java": LanguageRules(
        classes=frozenset(
            {
                "class_declaration",
                "interface_declaration",
                "enum_declaration",
                "record_declaration",
                "annotation_type_declaration",
            }
        ),
        # a field holding a lambda (Runnable task = () -> ...) and an anonymous class body
        functions=frozenset({"variable_declarator", "class_body"}),
        methods=frozenset(
            {"method_declaration", "constructor_declaration", "compact_constructor_declaration"}
        ),
        comments=frozenset({"line_comment", "block_comment"}),
        refs=frozenset({"identifier", "type_identifier"}),
        bindings=frozenset(
            {
                ("formal_parameter", "name"),
                ("spread_parameter", None),
                ("variable_declarator", "name"),
                ("catch_formal_parameter", "name"),
                ("enhanced_for_statement", "name"),
                ("type_parameter", None),
                ("lambda_expression", "parameters"),
                ("inferred_parameters", None),
                ("labeled_statement", None),
                ("enum_constant", "name"),
                ("resource", "name"),
            }
        ),
        calls={"method_invocation": "name", "object_creation_expression": "type"},
        imports=frozenset({"import_declaration"}),
        opaque=frozenset(
            {"line_comment", "block_comment", "string_literal", "package_declaration"}
        ),
        blocks=frozenset(
            {
                "program",
                "block",
                "class_body",
                "interface_body",
                "constructor_body",
                "enum_body_declarations",
                "switch_block",
                "switch_block_statement_group",
            }
        ),
    ),
    "go": LanguageRules(
        classes=frozenset({"type_spec", "type_alias"}),
        # closures assigned to variables: var f = func() {...}, f := func() {...}
        functions=frozenset({"function_declaration", "var_spec", "short_var_declaration"}),
        methods=frozenset({"method_declaration", "method_elem"}),
        refs=frozenset({"identifier", "type_identifier"}),
        member_refs={"field_identifier": frozenset({("selector_expression", "field")})},
        bindings=frozenset(
            {
                ("parameter_declaration", "name"),
                ("variadic_parameter_declaration", "name"),
                ("var_spec", "name"),
                ("const_spec", "name"),
                ("type_parameter_declaration", "name"),
                ("labeled_statement", "label"),
            }
        ),
        list_bindings=frozenset({("short_var_declaration", "left"), ("range_clause", "left")}),
        calls={"call_expression": "function"},
        imports=frozenset({"import_declaration"}),
        opaque=frozenset(
            {
                "comment",
                "interpreted_string_literal",
                "raw_string_literal",
                "package_clause",
            }
        ),
        blocks=frozenset(
            {
                "source_file",
                "statement_list",
                "expression_switch_statement",
                "type_switch_statement",
                "select_statement",
            }
        ),
        stop_names=frozenset(
            {
                "err",
                "ok",
                "any",
                "bool",
                "byte",
                "error",
                "float32",
                "float64",
                "int",
                "int8",
                "int16",
                "int32",
                "int64",
                "rune",
                "string",
                "uint",
                "uint8",
                "uint16",
                "uint32",
                "uint64",
                "uintptr",
            }
        ),
    ),
    "bash": LanguageRules(
        classes=frozenset(),
        functions=frozenset({"function_definition"}),
        refs=frozenset({"variable_name"}),
        bindings=frozenset({("variable_assignment", "name"), ("for_statement", "variable")}),
        calls={"command": "name"},
        opaque=frozenset({"comment"}),
        blocks=frozenset(
            {
                "program",
                "compound_statement",
                "do_group",
                "if_statement",
                "else_clause",
                "case_item",
            }
        ),
    ),
}
