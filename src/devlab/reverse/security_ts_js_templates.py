"""Templates written in JavaScript code: which values a render escapes.

Handlebars, Mustache and EJS escape HTML in what they render, except in their raw forms:
``{{{name}}}`` / ``{{& name}}`` (Handlebars, Mustache), ``<%- name %>`` (EJS), or every
expression once ``Handlebars.compile(src, {noEscape: true})`` turns escaping off. A render
of a literal template therefore passes on, as cross-site-scripting taint, only the values
its raw expressions read; the others come out escaped. (eslint-plugin-security's
"escapeMarkup = false" rule, read as a data flow: the setting alone is no finding.)
``new Handlebars.SafeString(x)`` marks ``x`` as HTML for every template: request data
there is XSS wherever it is rendered.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.security_ts_core import FileAnalysis

#: module function -> (template syntax, compiles: the call returns a render function)
ENGINES: dict[str, tuple[str, bool]] = {
    "handlebars.compile": ("mustache", True),
    "mustache.render": ("mustache", False),
    "ejs.render": ("ejs", False),
    "ejs.compile": ("ejs", True),
}
SAFE_STRINGS = frozenset({"handlebars.SafeString", "handlebars.Utils.SafeString"})

_MUSTACHE_RAW = re.compile(r"\{\{\{\s*([A-Za-z_$][\w$]*)|\{\{&\s*([A-Za-z_$][\w$]*)")
_MUSTACHE_ANY = re.compile(r"\{\{[{&]?\s*([A-Za-z_$][\w$]*)")
_EJS_RAW = re.compile(r"<%-\s*([A-Za-z_$][\w$]*)")
_EJS_CODE = re.compile(r"<%(?![=-])")  # scriptlets: code we do not read


def literal_text(fa: FileAnalysis, node: Node) -> str | None:
    """A string literal's text (a template literal without substitutions too)."""
    plain = node.type == "string" or (
        node.type == "template_string"
        and not any(c.type == "template_substitution" for c in node.named_children)
    )
    return fa.text(node)[1:-1] if plain else None


def raw_names(syntax: str, template: str, no_escape: bool) -> set[str] | None:
    """Names a template renders without escaping; None = any value may come out raw
    (EJS scriptlets, which run code we do not read)."""
    if syntax == "ejs":
        if _EJS_CODE.search(template):
            return None
        return set(_EJS_RAW.findall(template))
    if no_escape:
        return set(_MUSTACHE_ANY.findall(template))
    return {a or b for a, b in _MUSTACHE_RAW.findall(template)}


def options_no_escape(text: str) -> bool:
    """``{noEscape: true}`` in a compile call's options."""
    return re.search(r"\bnoEscape\s*:\s*true\b", text) is not None
