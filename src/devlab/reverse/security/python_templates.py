"""Jinja2 templates written in the code: which variables reach the page unescaped.

A template engine escapes what it renders only while escaping is on. Flask turns
autoescaping on for ``render_template_string``; a bare ``jinja2.Template(...)`` or
``jinja2.Environment()`` leaves it off unless ``autoescape=`` says otherwise. Whatever the
setting, ``|safe`` and ``{% autoescape false %}`` switch it off for one expression or one
block. A value handed to such a template under a name that is rendered unescaped is the
same flow as returning it in HTML: request data there is cross-site scripting, a constant
or an escaped value is not. (The same idea as eslint-plugin-security's "escapeMarkup =
false" rule, read as a data flow: the setting alone is no finding in the default view.)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tree_sitter import Node

from devlab.reverse.security.python_config import ConfigRules
from devlab.reverse.taint import Taint

# {{ expr }} with its filters; the first name of the expression is what the caller passed.
# Linear on hostile text (tests/test_regex_linear.py): the expression's tail is bounded and
# possessive, and the autoescape blocks' ends are paired with their starts outside the regex
# (a lazy ``(.*?)`` to the end tag rescans the rest of the text for every unclosed start).
_EXPR = re.compile(r"\{\{-?\s*+([A-Za-z_][A-Za-z0-9_]*+)([^}]{0,400}+)\}\}")
_BLOCK_START = re.compile(r"\{%-?\s*+autoescape\s++false\s*+-?%\}")
_BLOCK_END = re.compile(r"\{%-?\s*+endautoescape")
_FILTER = re.compile(r"\|\s*([A-Za-z_][A-Za-z0-9_]*)")
_ESCAPING = frozenset({"e", "escape", "forceescape", "urlencode", "int", "float", "length",
                       "count", "tojson"})  # fmt: skip


def _filters(rest: str) -> list[str]:
    return _FILTER.findall(rest)


def unescaped_names(template: str, autoescape: bool) -> set[str]:
    """Names of the template's context rendered into the page without escaping.

    ``autoescape`` is the engine's setting for this template. A name counts when one of
    its ``{{ ... }}`` uses has ``|safe``, sits inside ``{% autoescape false %}``, or (with
    autoescaping off) carries no escaping filter.
    """
    out: set[str] = set()
    off_spans = _off_spans(template)
    for m in _EXPR.finditer(template):
        name, rest = m.group(1), m.group(2)
        filters = _filters(rest)
        if _escaped_before_safe(filters):
            continue
        if "safe" in filters:
            out.add(name)
            continue
        off = not autoescape or any(a <= m.start() < b for a, b in off_spans)
        if off and not any(f in _ESCAPING for f in filters):
            out.add(name)
    return out


def _off_spans(template: str) -> list[tuple[int, int]]:
    """The spans inside ``{% autoescape false %} ... {% endautoescape``: each start with
    the first end after it (one pass over the starts and the ends)."""
    ends = [m.start() for m in _BLOCK_END.finditer(template)]
    spans, i = [], 0
    for start in _BLOCK_START.finditer(template):
        while i < len(ends) and ends[i] < start.end():
            i += 1
        if i == len(ends):
            break
        spans.append((start.end(), ends[i]))
    return spans


def _escaped_before_safe(filters: list[str]) -> bool:
    if "forceescape" in filters:
        return True
    cut = filters.index("safe") if "safe" in filters else len(filters)
    return any(f in _ESCAPING for f in filters[:cut])


_GLOBAL_OFF = re.compile(rb"\.jinja_env\.autoescape\s*=\s*False\b")
FLASK_RENDERS = frozenset({"flask.render_template", "flask.render_template_string"})

MARKUP_CLASSES = frozenset({"markupsafe.Markup", "flask.Markup", "jinja2.Markup"})
RENDER_METHODS = frozenset({"render", "render_async", "stream", "generate"})


class TemplateRules(ConfigRules):
    """Mixed into ``PyScan`` (through ``SinkRules``): templates written in the code."""

    if TYPE_CHECKING:

        def fa_qual(self, node: Node | None) -> str | None: ...

        def call_args(self, argl: Node | None) -> tuple[list[Node], dict[str, Node], bool]: ...

    def template_sinks(
        self,
        node: Node,
        q: str | None,
        method: str | None,
        recv: Node | None,
        pos: list[Node],
        kw: dict[str, Node],
        kw_t: dict[str, list[Taint]],
    ) -> None:
        """Request data handed to a template under a name it renders unescaped."""
        if q == "flask.render_template" and self.flask_autoescape_off():
            for name in sorted(kw_t):  # a template file: every variable may be raw
                self.sink("xss", kw[name], kw_t[name], f"sink: {q}() with autoescape off")
            return
        if q == "flask.render_template_string" and pos:
            source, autoescape, label = self.fold(pos[0]), not self.flask_autoescape_off(), q
        elif method in RENDER_METHODS and recv is not None:
            found = self.template_of(recv)
            if found is None:
                return
            source, autoescape, label = found[0], found[1], f"{found[2]}.{method}"
        else:
            return
        if not isinstance(source, str):
            return
        names = unescaped_names(source, autoescape)
        if not names:
            return
        ctx = dict(kw_t)
        ctx_nodes = dict(kw)
        if method in RENDER_METHODS and pos and pos[0].type == "dictionary":
            for pair in pos[0].named_children:  # .render({"name": value})
                if pair.type != "pair":
                    continue
                key = self.fold(pair.child_by_field_name("key"))
                value = pair.child_by_field_name("value")
                if isinstance(key, str) and value is not None:
                    ctx[key], ctx_nodes[key] = self.eval_quiet(value), value
        for name in sorted(names & set(ctx)):
            self.sink(
                "xss", ctx_nodes[name], ctx[name],
                f"sink: {label}() renders '{name}' unescaped (|safe / autoescape off)",
            )  # fmt: skip

    def flask_autoescape_off(self) -> bool:
        """The file turns Flask's autoescaping off (``app.jinja_env.autoescape = False``)."""
        fa = self.fa
        if fa.autoescape_off is None:  # once per file: a search of the whole text
            fa.autoescape_off = _GLOBAL_OFF.search(fa.src) is not None
        return fa.autoescape_off

    def template_of(self, recv: Node, depth: int = 0) -> tuple[object, bool, str] | None:
        """(template source, autoescape, label) of ``jinja2.Template(src)`` or
        ``env.from_string(src)`` (``env`` an ``Environment`` built here or in the module)."""
        if depth > 3:
            return None
        if recv.type == "identifier":
            value = self.value_nodes.get(self.fa.text(recv)) or self.module_value(recv)
            return self.template_of(value, depth + 1) if value is not None else None
        if recv.type != "call":
            return None
        fn = recv.child_by_field_name("function")
        pos, kw, _splat = self.call_args(recv.child_by_field_name("arguments"))
        q = self.fa_qual(fn)
        if q == "jinja2.Template" and pos:
            on = "autoescape" in kw and self.fold(kw["autoescape"]) is True
            return self.fold(pos[0]), on, q
        if fn is not None and fn.type == "attribute" and pos:
            if self.fa.text(fn.child_by_field_name("attribute")) != "from_string":
                return None
            env = fn.child_by_field_name("object")
            env_on = self.autoescape_of(env, depth + 1) if env is not None else None
            if env_on is None:
                return None
            return self.fold(pos[0]), env_on, "jinja2.Environment.from_string"
        return None

    def autoescape_of(self, env: Node, depth: int) -> bool | None:
        """A ``jinja2.Environment``'s autoescape setting (None: not one built here)."""
        if env.type == "identifier":
            value = self.value_nodes.get(self.fa.text(env)) or self.module_value(env)
            if value is None or depth > 3:
                return None
            return self.autoescape_of(value, depth + 1)
        if env.type != "call":
            return None
        if self.fa_qual(env.child_by_field_name("function")) != "jinja2.Environment":
            return None
        _pos, kw, _splat = self.call_args(env.child_by_field_name("arguments"))
        if "autoescape" not in kw:
            return False  # Jinja2's default
        value = self.fold(kw["autoescape"])
        # select_autoescape(...) and callables decide by file name: from_string has none,
        # and select_autoescape's default_for_string is True
        return value is not False and value is not None

    def module_value(self, name: Node) -> Node | None:
        """The value a module-level ``name = ...`` statement last set (None: none)."""
        text = self.fa.text(name)
        found = None
        for a in self.fa.assignments:
            if a.parent is None or a.parent.parent is None or a.parent.parent.type != "module":
                continue
            left = a.child_by_field_name("left")
            if left is not None and left.type == "identifier" and self.fa.text(left) == text:
                found = a.child_by_field_name("right")
        return found
