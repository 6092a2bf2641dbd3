"""JavaScript / TypeScript / TSX security rules (ids ``DL-JS-*``) over tree-sitter trees.

Sources: Express/Koa/Nest request data (``req.query/params/body/headers/cookies``,
``req.get()``, ``ctx.request.body``, ``@Query()``/``@Param()``/``@Body()`` parameters,
what a module function returns when given the whole request: ``parseurl(req)``),
``process.argv``, ``process.env`` (weak), DOM input (``location.search/hash``,
``document.URL/cookie/referrer``, ``window.name``, message ``event.data``), React
component props / ``this.props`` / ``this.state`` (for XSS and redirects only) and
archive entry names (``entry.entryName``; ``entry/header/file.path/name`` in files that
use an archive module; path sinks only, medium confidence).

Sinks: ``child_process`` (exec, spawn with a shell; ``spawn(process.execPath, ['-e',
code])`` is code injection), ``eval``/``new Function`` (also through a variable holding
``Function``)/string timers/``vm``, SQL ``query``/``execute``/``raw`` built from
strings, ``fs`` paths and ``res.sendFile`` (and, for archive entry names, any call named
like a write: ``writeFileTo``, ``makeDir``, ``mkdirp`` -- zip slip),
``node-serialize``/``js-yaml`` loads, HTTP clients (SSRF), ``res.redirect``/``location``/
a ``Location`` header (``setHeader``/``writeHead``), DOM HTML sinks /
``dangerouslySetInnerHTML`` / ``res.send``, ldapjs filters, XPath, ``req.session``
writes. ``JSON.stringify`` sanitises for code (a JSON text is a literal); a regex or
``startsWith`` that pins only the URL scheme (``/^https?:/``) is no guard; a
``RegExp`` variable's ``.test()`` is (an allow-list built elsewhere). Configuration rules:
hard-coded credentials, TLS verification off, insecure cookies, weak hashes and ciphers,
``Math.random`` for secrets, libxml ``noent``, express ``errorhandler``.

The parts: ``security_ts_js_tables`` (rule tables, helpers), ``security_ts_js_names``
(``JSAnalysis``: imports, aliases, functions, source parameters) and the scan in layers:
``security_ts_js_scan_base`` (state, sources), ``_scan_config`` (configuration rules),
``_scan_guards`` (guards, promise chains), ``_scan_sinks`` (sink families),
``_scan_calls`` (calls), and here ``JSScan``: statements, assignments, object
literals, JSX, control flow, and the handler table. ``security_ts_js_web`` holds the
browser rules.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse import security_ts_js_web as web
from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    same,
    union,
    unwrap,
)
from devlab.reverse.security_ts_js_names import JSAnalysis
from devlab.reverse.security_ts_js_scan_calls import JSCalls
from devlab.reverse.security_ts_js_tables import (
    CMD_FUNCS,
    DOM_UNKNOWN,
    FUNCTION_TYPES,
    HTML_PROPS,
    LOCATION_TARGETS,
    SANITISERS,
    SESSION_MODULES,
    global_name,
    object_prop,
    pattern_names,
)
from devlab.reverse.taint import Taint

__all__ = ["CMD_FUNCS", "SANITISERS", "JSAnalysis", "JSScan"]


class JSScan(JSCalls):
    """The walk of one JS/TS function body."""

    # statements ----------------------------------------------------------------------------
    def h_declarator(self, node: Node) -> list[Taint]:
        fa = self.fa
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None or value is None:
            return []
        if value.type in FUNCTION_TYPES and name.type == "identifier":
            self.function_node(value)
            return []
        fa.alias_declarator(name, value)
        names = pattern_names(fa, name)
        saved, self.target = self.target, names[0] if len(names) == 1 else self.target
        t = self.eval(value)
        self.target = saved
        dyn = self.dynamic(value)
        if name.type == "identifier":
            self.note_value(fa.text(name), value)
        for n in names:
            self.bind(n, t, node, dyn)
            if self.sqlish_value(value):
                self.sql_vars.add(n)
        if name.type == "identifier":
            self.credential(name, fa.text(name), value)
        return t

    def note_value(self, name: str, value: Node) -> None:
        """Remember what kind of value ``name`` holds: the Function constructor (``ctor =
        Function``, ``(async function () {}).constructor``), a regex literal."""
        value = unwrap(value)
        text = self.fa.text(value) if value.end_byte - value.start_byte < 300 else ""
        if (
            text == "Function"
            or (text.endswith(".constructor") and re.search(r"\bfunction\b", text))
            or ("Function(" in text and "constructor" in text)
        ):  # not obj.constructor: a class, whatever it is
            self.code_ctors.add(name)
        elif self.cond == 0:
            self.code_ctors.discard(name)
        compiled = self.compiled_template(value)
        if compiled is not None:
            self.templates[name] = compiled
        elif self.cond == 0:
            self.templates.pop(name, None)
        if value.type == "regex":
            self.regexes[name] = text
        elif value.type == "new_expression" and text.startswith("new RegExp("):
            args = value.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            if first is not None and first.type == "string":
                self.regexes[name] = "/" + self.fa.text(first)[1:-1] + "/"
        elif self.cond == 0:
            self.regexes.pop(name, None)

    def sqlish_value(self, value: Node) -> bool:
        return value.type in ("string", "template_string", "binary_expression") and self.sqlish(
            value
        )

    def h_assign(self, node: Node) -> list[Taint]:
        fa = self.fa
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return []
        if fa.text(left) == "window.onmessage":
            web.message_handler(fa, node, right, "window.onmessage")
        if right.type in FUNCTION_TYPES:
            self.function_node(right)
            return []
        ltext = fa.text(left)
        saved, self.target = self.target, ltext.rsplit(".", 1)[-1]
        t = self.eval(right)
        self.target = saved
        self.assign_to(left, ltext, t, right, node)
        return t

    def assign_to(
        self, left: Node, ltext: str, t: list[Taint], right: Node, node: Node, aug: bool = False
    ) -> None:
        fa = self.fa
        if left.type == "identifier":
            if not aug:
                self.note_value(ltext, right)
            if aug:
                t = union(self.env.get(ltext, []), t)
            self.bind(ltext, t, node, aug or self.dynamic(right))
            if self.sqlish_value(right):
                self.sql_vars.add(ltext)
            if not aug:
                self.credential(left, ltext, right)
            return
        if left.type in ("object_pattern", "array_pattern"):
            for n in pattern_names(fa, left):
                self.bind(n, t, node)
            return
        if left.type not in ("member_expression", "subscript_expression"):
            return
        prop = ltext.rsplit(".", 1)[-1]
        if prop in HTML_PROPS:
            self.sink("xss", node, t, f"sink: .{prop} assignment", unknown=DOM_UNKNOWN)
        elif ltext == "ctx.body" and right.type in ("template_string", "binary_expression"):
            # Koa sends a string body as text/html
            self.sink("xss", node, t, "sink: ctx.body (HTML response)")
        elif ltext in LOCATION_TARGETS or global_name(ltext) in LOCATION_TARGETS:
            self.sink("redirect", node, t, f"sink: {ltext} assignment")
        elif re.match(r"^(req|request|ctx)\.session\b", ltext):
            self.sink("trust", node, t, f"sink: {ltext} (stored in the session)")
        elif (
            ltext
            in (
                "process.env.NODE_TLS_REJECT_UNAUTHORIZED",
                "process.env['NODE_TLS_REJECT_UNAUTHORIZED']",
                'process.env["NODE_TLS_REJECT_UNAUTHORIZED"]',
            )
            and fa.text(right).strip("'\"`") == "0"
        ):
            self.tls(
                node,
                "NODE_TLS_REJECT_UNAUTHORIZED = '0' turns off certificate checks "
                "for every HTTPS request of the process.",
            )
        elif left.type == "member_expression" and not aug:
            self.credential(left, prop, right)
        if len(ltext) < 80:
            if aug:
                t = union(self.env.get(ltext, []), t)
            self.env[ltext] = t
            root = left
            while root.type in ("member_expression", "subscript_expression"):
                obj = root.child_by_field_name("object")
                if obj is None:
                    return
                root = obj
            if root.type == "identifier" and t:
                r = fa.text(root)
                before = {(x.origin, x.param, x.sanitisers) for x in self.env.get(r, [])}
                stored = self.stored.setdefault(r, {})
                for x in t:
                    k = (x.origin, x.param, x.sanitisers)
                    if k not in before or k in stored:
                        stored.setdefault(k, set()).add(ltext)
                self.env[r] = union(self.env.get(r, []), t)

    def h_augassign(self, node: Node) -> list[Taint]:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return []
        t = self.eval(right)
        self.assign_to(left, self.fa.text(left), t, right, node, aug=True)
        return t

    def h_pair(self, node: Node) -> list[Taint]:
        fa = self.fa
        key = node.child_by_field_name("key")
        value = node.child_by_field_name("value")
        if key is None or value is None:
            return []
        k = fa.text(key).strip("'\"")
        if value.type in FUNCTION_TYPES:
            if k == "checkServerIdentity":
                body = fa.text(value.child_by_field_name("body"))
                if not re.search(r"\b(throw|Error|return\s+\w)", body):
                    self.tls(node, "checkServerIdentity accepts every certificate host name.")
            self.function_node(value)
            return []
        vtext = fa.text(value) if value.end_byte - value.start_byte < 200 else ""
        if k in ("rejectUnauthorized", "strictSSL") and vtext == "false":
            self.tls(node, f"{k}: false turns off TLS certificate verification.")
        elif (k == "httpOnly" and vtext == "false") or (
            k == "secure" and vtext == "false" and (self.in_cookie_options(node))
        ):
            fa.config(
                "COOKIE",
                "CWE-614",
                "Insecure cookie",
                node,
                f"The cookie is configured with {k}: false.",
                "medium",
                "high",
                "Set secure: true, httpOnly: true and sameSite: 'lax' (or 'strict').",
                self.symbol,
            )
        elif (
            k == "cookie"
            and value.type == "object"
            and self.session_options(node)
            and not re.search(r"\bsecure\s*:", fa.text(value))
        ):
            fa.config(
                "COOKIE",
                "CWE-614",
                "Insecure cookie",
                node,
                "The session cookie's options leave out secure (the session middleware's "
                "default is false): the session id also travels over plain HTTP.",
                "medium",
                "medium",
                "Set secure: true, httpOnly: true and sameSite: 'lax' (or 'strict').",
                self.symbol,
            )
        saved, self.target = self.target, k
        t = self.eval(value)
        self.target = saved
        self.credential(node, k, value)
        return t

    def session_options(self, pair: Node) -> bool:
        """The pair is an option of ``session({...})`` (express-session / cookie-session)."""
        obj = pair.parent
        args = obj.parent if obj is not None else None
        call = args.parent if args is not None else None
        if (
            call is None
            or args is None
            or call.type != "call_expression"
            or args.type != "arguments"
        ):
            return False
        return self.fa.qual(call.child_by_field_name("function")) in SESSION_MODULES

    def in_cookie_options(self, pair: Node) -> bool:
        obj = pair.parent
        parent = obj.parent if obj is not None else None
        if parent is None:
            return False
        if parent.type == "pair":
            return self.fa.text(parent.child_by_field_name("key")).strip("'\"") == "cookie"
        return parent.type == "arguments" and ".cookie(" in self.fa.text(parent.parent)[:200]

    def h_function(self, node: Node) -> list[Taint]:
        self.function_node(node)
        return []

    def function_node(self, fn: Node) -> list[Taint]:
        fa = self.fa
        name = fa.function_name(fn)
        if (
            name and (same(fa.functions.get(name), fn) or same(fa.methods.get(name), fn))
        ) or fn.id in fa.exported_ids:
            fa.summary(fn)  # parameters judged at the call sites (or untraced at the end)
            return []
        return self.nested(fn)

    def h_class(self, node: Node) -> list[Taint]:
        return self.eval(node.child_by_field_name("body"))

    def h_field(self, node: Node) -> list[Taint]:
        fa = self.fa
        prop = node.child_by_field_name("property") or node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if value is None:
            return []
        if value.type in FUNCTION_TYPES:
            return self.nested(value)
        name = fa.text(prop)
        saved, self.target = self.target, name
        t = self.eval(value)
        self.target = saved
        self.credential(node, name, value)
        return t

    def h_if(self, node: Node) -> list[Taint]:
        cond = node.child_by_field_name("condition")
        self.eval(cond)
        self.guards(cond)
        self.branch(
            node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
        )
        return []

    def h_loop(self, node: Node) -> list[Taint]:
        for f in ("initializer", "condition", "increment"):
            self.eval(node.child_by_field_name(f))
        self.branch(node.child_by_field_name("body"))
        return []

    def h_forin(self, node: Node) -> list[Taint]:
        left = node.child_by_field_name("left")
        t = self.eval(node.child_by_field_name("right"))
        if left is not None:
            self.cond += 1
            for n in pattern_names(self.fa, left):
                self.bind(n, t, node)
            self.cond -= 1
        self.branch(node.child_by_field_name("body"))
        return []

    def h_switch(self, node: Node) -> list[Taint]:
        self.eval(node.child_by_field_name("value"))
        self.branch(node.child_by_field_name("body"))
        return []

    def h_try(self, node: Node) -> list[Taint]:
        self.eval(node.child_by_field_name("body"))
        self.branch(node.child_by_field_name("handler"))
        self.eval(node.child_by_field_name("finalizer"))
        return []

    def h_binary(self, node: Node) -> list[Taint]:
        op = self.fa.text(node.child_by_field_name("operator"))
        left = self.eval(node.child_by_field_name("left"))
        right = self.eval(node.child_by_field_name("right"))
        if op in ("+", "||", "&&", "??"):
            return union(left, right)
        return []

    def h_unary(self, node: Node) -> list[Taint]:
        self.children(node)
        return []

    def h_return(self, node: Node) -> list[Taint]:
        saved, self.target = self.target, ""
        t = self.children(node)
        self.target = saved
        self.returned(t, node)
        return []

    def h_jsx_attr(self, node: Node) -> list[Taint]:
        fa = self.fa
        kids = node.named_children
        if not kids:
            return []
        name = fa.text(kids[0])
        value = kids[1] if len(kids) > 1 else None
        if value is None:
            return []
        if name == "dangerouslySetInnerHTML":
            obj = value.named_children[0] if value.named_children else None
            inner = object_prop(fa, obj, ("__html",)) if obj is not None else None
            t = self.eval(inner if inner is not None else value)
            self.sink("xss", node, t, "sink: dangerouslySetInnerHTML")
            return []
        return self.eval(value)

    def h_js_ternary(self, node: Node) -> list[Taint]:
        """``ALLOWED.includes(x) ? x : "default"``: the chosen branch is allow-listed."""
        cond = node.child_by_field_name("condition")
        cons = node.child_by_field_name("consequence")
        self.eval(cond)
        t = self.eval(cons)
        inner = cond
        while inner is not None and inner.type == "parenthesized_expression":
            inner = inner.named_children[0] if inner.named_children else None
        if inner is not None and inner.type == "call_expression" and cons is not None:
            fn = inner.child_by_field_name("function")
            args = inner.child_by_field_name("arguments")
            a = args.named_children if args is not None else []
            if (
                fn is not None
                and fn.type == "member_expression"
                and self.fa.text(fn.child_by_field_name("property")) in ("includes", "has")
                and a
                and self.fa.text(a[0]) == self.fa.text(cons)
            ):
                t = self.sanitise(t, ALL_KINDS, node, "an allow-list")
        return union(t, self.eval(node.child_by_field_name("alternative")))


JSScan.handlers = {
    "identifier": JSScan.h_ident,
    "shorthand_property_identifier": JSScan.h_ident,
    "member_expression": JSScan.h_member,
    "subscript_expression": JSScan.h_subscript,
    "call_expression": JSScan.h_call,
    "new_expression": JSScan.h_new,
    "variable_declarator": JSScan.h_declarator,
    "assignment_expression": JSScan.h_assign,
    "augmented_assignment_expression": JSScan.h_augassign,
    "pair": JSScan.h_pair,
    "class_declaration": JSScan.h_class,
    "abstract_class_declaration": JSScan.h_class,
    "class": JSScan.h_class,
    "field_definition": JSScan.h_field,
    "public_field_definition": JSScan.h_field,
    "if_statement": JSScan.h_if,
    "for_statement": JSScan.h_loop,
    "while_statement": JSScan.h_loop,
    "do_statement": JSScan.h_loop,
    "for_in_statement": JSScan.h_forin,
    "switch_statement": JSScan.h_switch,
    "try_statement": JSScan.h_try,
    "ternary_expression": JSScan.h_js_ternary,
    "binary_expression": JSScan.h_binary,
    "unary_expression": JSScan.h_unary,
    "return_statement": JSScan.h_return,
    "jsx_attribute": JSScan.h_jsx_attr,
    **{t: JSScan.h_function for t in FUNCTION_TYPES},
}
JSAnalysis.scan_class = JSScan
