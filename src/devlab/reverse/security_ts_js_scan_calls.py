"""JavaScript / TypeScript scan, calls: ``f(...)`` and ``new C(...)``.

Evaluates the callee and arguments (callbacks as nested functions, promise-chain links
in order), then tries in turn: request sources (``req.get()``, Koa ``ctx.get()``),
the sinks, sanitisers (also ``.replace()`` to an allow-listed alphabet), module
functions given the whole request, same-file functions (summaries), functions of other
files of the project (``call_project``, when the file is analysed in a
``security_ts_js_project.JSProject``) and propagation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    MAX_SUMMARY_NESTING,
    FileAnalysis,
    union,
    unwrap,
)
from devlab.reverse.security_ts_js_scan_sinks import JSSinks
from devlab.reverse.security_ts_js_tables import (
    CALLBACK_METHODS,
    CLEAN_METHODS,
    CODE_FUNCS,
    FUNCTION_TYPES,
    MUTATORS,
    PROMISE_LINKS,
    REQ_METHODS,
    ROOTED_LITERAL,
    SANITISER_METHODS,
    SANITISERS,
    global_name,
    replace_filter_kinds,
)
from devlab.reverse.security_ts_js_templates import (
    ENGINES,
    SAFE_STRINGS,
    literal_text,
    options_no_escape,
    raw_names,
)
from devlab.reverse.taint import Taint

if TYPE_CHECKING:
    from devlab.reverse.security_ts_js_names import JSAnalysis

__all__ = ["MAX_HOPS", "JSCalls", "enter_callee", "leave_callee"]

MAX_HOPS = 4  # cross-file calls (``security_ts_js_project``) nested inside one another


def enter_callee(caller: FileAnalysis, other: JSAnalysis, fn: Node) -> tuple[int, int] | None:
    """Ready ``other`` for a call from ``caller`` into its function ``fn``: walked (its
    module variables known) when the project says so, the expression depth and summary
    nesting shared with the caller. Returns the callee's saved (depth, nesting), or None
    when a bound says stop (too many nested cross-file calls, the summary already being
    computed: a cycle)."""
    project = other.project
    if project is None or project.hops >= MAX_HOPS or fn.id in other.in_progress:
        return None
    saved = (other.depth, other.nesting)
    other.depth = max(other.depth, caller.depth)
    other.nesting = max(other.nesting, caller.nesting)
    if other.nesting >= MAX_SUMMARY_NESTING:
        other.depth, other.nesting = saved
        return None
    project.hops += 1
    try:
        if project.walk_callees:
            other.walk()
    except RecursionError:
        leave_callee(other, saved)
        raise
    if fn.id in other.in_progress:
        leave_callee(other, saved)
        return None
    return saved


def leave_callee(other: JSAnalysis, saved: tuple[int, int]) -> None:
    if other.project is not None:
        other.project.hops -= 1
    other.depth, other.nesting = saved


class JSCalls(JSSinks):
    """Calls and constructor calls of the JS/TS scan."""

    # calls ---------------------------------------------------------------------------------
    def h_call(self, node: Node) -> list[Taint]:
        fa = self.fa
        fn = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        if fn is None:
            return self.children(node)
        if args_node is not None and args_node.type == "template_string":
            self.eval(fn)
            self.eval(args_node)
            return []  # tagged template (sql`...`): the tag gets the values separately
        if fa.require_of(node) is not None:
            return []
        recv: Node | None = None
        method = ""
        recv_t: list[Taint] = []
        if fn.type == "member_expression":
            recv = fn.child_by_field_name("object")
            method = fa.text(fn.child_by_field_name("property"))
            recv_t = self.eval(recv)
        elif fn.type in FUNCTION_TYPES:
            recv_t = self.nested(fn)
        elif fn.type != "identifier":
            recv_t = self.eval(fn)
        args = [a for a in args_node.named_children if a.type != "comment"] if args_node else []
        seed = recv_t if method in CALLBACK_METHODS and recv_t else None
        if method in PROMISE_LINKS and recv is not None:
            arg_t = [
                self.chain_link(node, recv, a, seed) if a.type in FUNCTION_TYPES else self.eval(a)
                for a in args
            ]
        else:
            arg_t = [
                self.nested(a, seed) if a.type in FUNCTION_TYPES else self.eval(a) for a in args
            ]
        q = fa.qual(fn)
        return self.call(node, fn, q, recv, method, recv_t, args, arg_t)

    def h_new(self, node: Node) -> list[Taint]:
        fa = self.fa
        ctor = node.child_by_field_name("constructor")
        args_node = node.child_by_field_name("arguments")
        args = [a for a in args_node.named_children if a.type != "comment"] if args_node else []
        arg_t = [self.nested(a) if a.type in FUNCTION_TYPES else self.eval(a) for a in args]
        q = fa.qual(ctor)
        all_t: list[Taint] = []
        for t in arg_t:
            all_t = union(all_t, t)
        if global_name(q) in CODE_FUNCS:
            self.code_sink(node, q, args, arg_t, CODE_FUNCS[global_name(q)])
        elif ctor is not None and ctor.type == "identifier" and fa.text(ctor) in self.code_ctors:
            self.code_sink(node, f"{fa.text(ctor)} (Function)", args, arg_t, -1)
        elif q == "URL" and args and ROOTED_LITERAL.match(fa.text(args[0])):
            # new URL("/login", request.url): the request only gives the origin back
            return self.sanitise(all_t, frozenset({"redirect", "ssrf"}), node, "a rooted path")
        elif q in SAFE_STRINGS and arg_t:
            self.sink("xss", node, arg_t[0], f"sink: new {q}() (rendered unescaped)")
        elif (
            q in ("Response", "NextResponse")
            and len(args) > 1
            and "text/html" in fa.text(args[1])[:500]
        ):
            self.sink("xss", node, arg_t[0], f"sink: new {q}() with an HTML body")
        return all_t

    def call(
        self,
        node: Node,
        fn: Node,
        q: str,
        recv: Node | None,
        method: str,
        recv_t: list[Taint],
        args: list[Node],
        arg_t: list[list[Taint]],
    ) -> list[Taint]:
        fa = self.fa
        all_args: list[Taint] = []
        for t in arg_t:
            all_args = union(all_args, t)
        short = q.rsplit(".", 1)[-1]
        recv_text = (
            fa.text(recv) if recv is not None and recv.end_byte - recv.start_byte < 60 else ""
        )
        # sources
        if recv_text in fa.req_names and method in REQ_METHODS:
            return self.source(f"{recv_text}.{method}()", node)
        if recv_text in ("ctx.cookies", "ctx") and method == "get" and recv_text == "ctx.cookies":
            return self.source("ctx.cookies.get()", node)
        if recv_text == "ctx" and method == "get":  # Koa: a request header
            return self.source("ctx.get()", node)
        if q in ("prompt", "window.prompt"):
            return self.source("prompt()", node)
        # sinks and configuration rules
        self.check_call(node, fn, q, short, recv, recv_text, method, recv_t, args, arg_t)
        # sanitisers
        kinds = SANITISERS.get(q)
        if kinds is None and method in SANITISER_METHODS and recv_text:
            kinds = SANITISER_METHODS[method]
        if kinds is not None:
            return self.sanitise(all_args, kinds, node, q)
        if method in ("replace", "replaceAll") and recv is not None:
            kept = replace_filter_kinds(fa, args)
            if kept:  # s.replace(/[^a-z0-9]/g, ""): only an allow-listed alphabet is left
                return self.sanitise(recv_t, kept, node, f".{method}() to an allow-list")
        rendered = self.render_template(fn, q, args, arg_t)
        if rendered is not None:
            return rendered
        # a module function given the whole request returns request data: parseurl(req)
        if (
            (fa.aliases.get(fa.text(fn)) or (recv is not None and fa.aliases.get(recv_text)))
            and fn.type in ("identifier", "member_expression")
            and any(a.type == "identifier" and fa.text(a) in fa.req_names for a in args)
        ):
            req = next(fa.text(a) for a in args if fa.text(a) in fa.req_names)
            return union(self.source(f"{fa.text(fn)[:40]}({req})", node), all_args)
        # same-file functions
        target = None
        if fn.type == "identifier":
            target = fa.functions.get(fa.text(fn))
        elif recv is not None and recv.type == "this":
            target = fa.methods.get(method)
        if target is not None:
            return self.call_local(target, fa.text(fn), node, arg_t, self.spread_index(args))
        if fa.project is not None and q.startswith("."):
            got = self.call_project(node, fn, q, args, arg_t)
            if got is not None:
                return got
        if method in CLEAN_METHODS or q in ("isNaN", "Number.isInteger", "Array.isArray"):
            return []
        if method in MUTATORS and recv is not None and recv.type == "identifier" and all_args:
            name = fa.text(recv)
            self.env[name] = union(self.env.get(name, []), all_args)
        if recv is not None and fa.aliases.get(recv_text) is not None:
            return all_args  # module function: the result carries its arguments
        return union(recv_t, all_args)

    def compiled_template(self, node: Node) -> tuple[str, str, bool] | None:
        """(syntax, source, noEscape) of ``Handlebars.compile(LITERAL, opts)``."""
        node = unwrap(node)
        if node.type != "call_expression":
            return None
        spec = ENGINES.get(self.fa.qual(node.child_by_field_name("function")))
        args_node = node.child_by_field_name("arguments")
        args = [a for a in args_node.named_children if a.type != "comment"] if args_node else []
        if spec is None or not spec[1] or not args:
            return None
        text = literal_text(self.fa, args[0])
        if text is None:
            return None
        opts = self.fa.text(args[1])[:500] if len(args) > 1 else ""
        return spec[0], text, options_no_escape(opts)

    def render_template(
        self, fn: Node, q: str, args: list[Node], arg_t: list[list[Taint]]
    ) -> list[Taint] | None:
        """A literal template rendered with data (``ejs.render(src, data)``,
        ``Handlebars.compile(src)(data)``, ``tpl(data)``): values read by a raw expression
        keep their XSS taint, the others come out escaped (``security_ts_js_templates``)."""
        spec = ENGINES.get(q)
        found: tuple[str, str, bool] | None = None
        at = 0
        if spec is not None and not spec[1] and args:
            text = literal_text(self.fa, args[0])
            found, at = ((spec[0], text, False), 1) if text is not None else (None, 0)
        elif fn.type == "identifier":
            found = self.templates.get(self.fa.text(fn))
        elif fn.type == "call_expression":
            found = self.compiled_template(fn)
        if found is None:
            return None
        raw = raw_names(*found)
        data = unwrap(args[at]) if at < len(args) else None
        data_t = arg_t[at] if at < len(arg_t) else []
        if raw is None or data is None:
            return data_t
        xss = frozenset({"xss"})
        if data.type != "object":
            return data_t if raw else self.sanitise(data_t, xss, data, "an escaping template")
        out: list[Taint] = []
        for pair in data.named_children:
            if pair.type == "shorthand_property_identifier":
                key, value = self.fa.text(pair), pair
            elif pair.type == "pair":
                k = pair.child_by_field_name("key")
                key = self.fa.text(k).strip("'\"") if k is not None else ""
                v = pair.child_by_field_name("value")
                if v is None:
                    continue
                value = v
            else:  # a spread: any of its keys may be raw
                return data_t if raw else self.sanitise(data_t, xss, data, "an escaping template")
            saved = self.fa.best
            self.fa.best = dict(saved)  # evaluated once already: no second report
            try:
                t = self.env.get(key, []) if value is pair else self.eval(value)
            finally:
                self.fa.best = saved
            if key not in raw:
                t = self.sanitise(t, xss, value, "an escaping template")
            out = union(out, t)
        return out

    def call_project(
        self, node: Node, fn: Node, q: str, args: list[Node], arg_t: list[list[Taint]]
    ) -> list[Taint] | None:
        """A function of another file of the project (``q``: ``./db.find``): its summary
        applies (``security_ts_js_project``); None when it does not resolve or a bound
        stops the walk (the call is then a module call that carries its arguments)."""
        fa = self.fa
        project = fa.project
        if project is None:
            return None
        if not project.follow_all and not self.worth_following(arg_t):
            # constants only: the callee is no entry point; read only where the file is
            # parsed already (the file a task reports on), not parsed for this
            if not any(arg_t) and not fa.test_code:
                found = project.callee(fa, q, parsed_only=True)
                if found is not None:
                    found[0].called.add(found[1].id)
            return None
        found = project.callee(fa, q)
        if found is None:
            return None
        other, target = found
        other.dependency = True
        saved = enter_callee(fa, other, target)
        if saved is None:
            return None
        try:
            name = fa.text(fn)[:60]
            return self.call_local(target, name, node, arg_t, self.spread_index(args), other)
        finally:
            leave_callee(other, saved)

    def worth_following(self, args: list[list[Taint]]) -> bool:
        """Follow a call into another file (when the project does not follow every call)
        only when untrusted data goes in, or when this file is itself being analysed as a
        callee (to chain helpers): other calls would analyse the callee for nothing."""
        if self.fa.dependency:
            return any(args)
        return any(t.origin not in ("param", "unknown") for ts in args for t in ts)

    def spread_index(self, args: list[Node]) -> int:
        for i, a in enumerate(args):
            if a.type == "spread_element":
                return i
        return -1
