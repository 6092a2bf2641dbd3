"""JavaScript / TypeScript scan, sinks: the families a call is checked against.

Command injection (``child_process``, shelljs, ``spawn`` with a shell or a ``-c``/``-e``
argument), code evaluation (``eval``, ``Function``, string timers, ``vm``, computed
``require``), path traversal (``fs``, ``res.sendFile``, zip slip), deserialisation,
SSRF, open redirects (Express/Koa/Next.js, ``location``), XSS (DOM, jQuery, HTML
responses), SQL, LDAP, XPath and XXE; then the configuration rules.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse import security_ts_js_web as web
from devlab.reverse.security_ts_core import (
    SHELL_FLAGS,
    SHELLS,
    union,
    unwrap,
)
from devlab.reverse.security_ts_js_scan_guards import JSGuards
from devlab.reverse.security_ts_js_tables import (
    ARCHIVE_ORIGIN,
    CMD_FUNCS,
    CODE_FUNCS,
    CURRENT_PAGE,
    DB_RECV,
    DOM_UNKNOWN,
    FS_ONE,
    FS_TWO,
    FUNCTION_TYPES,
    GLOBAL_OBJECTS,
    HEADER_SETTERS,
    HTTP_VERBS,
    JQ_HTML,
    NODE_EVAL_FLAGS,
    NODE_PROGRAM_EXPRS,
    NODE_PROGRAMS,
    PROGRAM_FUNCS,
    REQ_WHOLE,
    RES_NAMES,
    RULES,
    SELECTOR_START,
    SQL_ALWAYS,
    SQL_DB_METHODS,
    SQL_TEXT_METHODS,
    SSRF_FUNCS,
    SSRF_MODULES,
    TIMERS,
    WRITE_CALL,
    JSCall,
    global_name,
    object_prop,
)
from devlab.reverse.taint import Taint

__all__ = ["JSSinks"]


class JSSinks(JSGuards):
    """The sink families of the JS/TS scan."""

    # sinks ---------------------------------------------------------------------------------
    def check_call(
        self,
        node: Node,
        fn: Node,
        q: str,
        short: str,
        recv: Node | None,
        recv_text: str,
        method: str,
        recv_t: list[Taint],
        args: list[Node],
        arg_t: list[list[Taint]],
    ) -> None:
        """Check one call against the sinks: the families in order (the first that claims
        the call ends the check), then the configuration rules."""
        if not args:
            if q == "Math.random":
                self.random_rule(node)
            return
        c = JSCall(node, fn, q, short, recv, recv_text, method, recv_t, args, arg_t)
        self.zip_slip(c)
        web.cleartext_call(self.fa, node, q, method, recv_text, args)
        if (
            method == "addEventListener"
            and recv_text == "window"
            and len(args) > 1
            and self.fa.text(args[0])[1:-1] == "message"
        ):
            web.message_handler(self.fa, node, args[1], "window.addEventListener('message')")
        for family in (
            self.code_sinks,
            self.path_deser_ssrf_sinks,
            self.redirect_xss_sinks,
            self.query_xxe_sinks,
        ):
            if family(c):
                return
        self.config_rules(c)

    def zip_slip(self, c: JSCall) -> None:
        """An archive entry's name reaching a call that writes files (CWE-22)."""
        node, fn, q, arg_t, fa = c.node, c.fn, c.q, c.arg_t, self.fa
        if not q.startswith("fs.") and self.writes_files(fn, q):
            # zip slip: an archive entry's name decides where a file is written
            for t in arg_t[:2]:
                entry = [x for x in t if x.origin == ARCHIVE_ORIGIN]
                if entry:
                    self.sink("path", node, entry, f"sink: {fa.text(fn)[:60]}() (writes there)")
                    break

    def code_sinks(self, c: JSCall) -> bool:
        """Command injection, programs run, code evaluation, timers with a string,
        ``require()`` of a computed module; True when the call was one of them."""
        node, fn, q, recv_text, method, args = c.node, c.fn, c.q, c.recv_text, c.method, c.args
        arg_t, fa, a0, arg = c.arg_t, self.fa, c.args[0], c.arg
        q = global_name(q)  # global.setTimeout, window.eval: the global itself
        if q.startswith("this.") and self.this_is_global(node):
            q = q[len("this.") :]  # this.eval() in a plain function: the global eval
        # command injection
        if q in CMD_FUNCS or (
            method == "exec" and "shelljs" in fa.modules and recv_text in ("shell", "shelljs", "sh")
        ):
            self.sink("cmd", node, arg(0), f"sink: {q}()")
            return True
        if q in PROGRAM_FUNCS:
            self.program_sink(node, q, args, arg_t)
            return True
        if q in CODE_FUNCS:
            self.code_sink(node, q, args, arg_t, CODE_FUNCS[q])
            return True
        if fn.type == "identifier" and fa.text(fn) in self.code_ctors:
            self.code_sink(node, f"{fa.text(fn)} (Function)", args, arg_t, -1)
            return True
        if q in TIMERS:
            if a0.type in ("string", "template_string", "binary_expression") or (
                a0.type == "identifier" and arg(0)
            ):
                self.sink(
                    "code",
                    node,
                    arg(0),
                    f"sink: {q}() with a string",
                    quiet=a0.type == "identifier",
                    constant=a0.type == "string",
                )
            return True
        if fn.type == "identifier" and fa.text(fn) == "require" and a0.type != "string":
            self.sink("code", node, arg(0), "sink: require() of a computed module", quiet=True)
            return True
        return False

    def path_deser_ssrf_sinks(self, c: JSCall) -> bool:
        """Path traversal (fs, ``res.sendFile``), deserialisation, SSRF; True when the
        call was one of them."""
        node, q, short, recv_text, method = c.node, c.q, c.short, c.recv_text, c.method
        args, fa, a0, arg = c.args, self.fa, c.args[0], c.arg
        # path traversal
        if q.startswith("fs.") and short in FS_ONE | FS_TWO:
            self.sink("path", node, arg(0), f"sink: {q}()")
            if short in FS_TWO:
                self.sink("path", node, arg(1), f"sink: {q}() target")
            return True
        if method in ("sendFile", "download", "sendfile") and recv_text in RES_NAMES:
            opts = args[1] if len(args) > 1 else None
            if opts is not None and opts.type == "object" and "root" in fa.text(opts):
                return True
            self.sink("path", node, arg(0), f"sink: {recv_text}.{method}()")
            return True
        # deserialisation
        if q in ("node-serialize.unserialize", "serialize.unserialize") or (
            method == "unserialize" and "node-serialize" in fa.modules
        ):
            self.sink("deser", node, arg(0), "sink: node-serialize unserialize()")
            return True
        if q == "js-yaml.load" or (q == "yaml.load" and "js-yaml" not in fa.modules):
            unsafe = len(args) > 1 and "DEFAULT_FULL_SCHEMA" in fa.text(args[1])
            self.sink(
                "deser",
                node,
                arg(0),
                "sink: js-yaml load() (unsafe before js-yaml 4)",
                quiet=True,
                severity=None if unsafe else "medium",
                confidence=None if unsafe else "medium",
            )
            return True
        # SSRF
        if q in SSRF_FUNCS or (
            short in HTTP_VERBS and q.rsplit(".", 1)[0] in SSRF_MODULES | {"http", "https"}
        ):
            i = 1 if q == "needle" and a0.type == "string" else 0
            self.sink("ssrf", node, arg(i), f"sink: {q}() URL")
            return True
        return False

    def redirect_xss_sinks(self, c: JSCall) -> bool:
        """Open redirects (``res.redirect``, Location headers, ``location.assign``) and
        XSS (``document.write``, jQuery, HTML responses); True when the call was one."""
        node, fn, q, recv, recv_text, method = c.node, c.fn, c.q, c.recv, c.recv_text, c.method
        args, fa, a0, arg = c.args, self.fa, c.args[0], c.arg
        # redirects
        if method == "redirect" and (recv_text in RES_NAMES or recv_text == "ctx"):
            self.sink("redirect", node, arg(len(args) - 1), f"sink: {recv_text}.redirect()")
            return True
        if method in HEADER_SETTERS and (recv_text in RES_NAMES | {"ctx", "this.res"}):
            self.note_content_type(c)
            if method == "writeHead":
                for a in args[1:]:
                    prop = object_prop(fa, a, ("Location", "location"))
                    if prop is not None:
                        where = f"sink: {recv_text}.writeHead() Location header"
                        self.sink("redirect", node, self.eval(prop), where)
            elif a0.type == "string" and fa.text(a0)[1:-1].lower() == "location" and len(args) > 1:
                self.sink("redirect", node, arg(1), f"sink: {recv_text}.{method}('Location')")
            return True
        if q.endswith(("NextResponse.redirect", "Response.redirect")) or (
            fn.type == "identifier"
            and fa.text(fn) in ("redirect", "permanentRedirect")
            and "next/navigation" in fa.modules
        ):
            self.sink("redirect", node, arg(0), f"sink: {q}()")
            return True
        if (
            q in ("location.assign", "location.replace", "window.location.assign")
            or q in ("window.location.replace", "window.open")
        ) and fa.text(a0) not in CURRENT_PAGE:  # location.assign(location.href): a reload
            self.sink("redirect", node, arg(0), f"sink: {q}()")
            return True
        # XSS
        if global_name(q) in ("document.write", "document.writeln"):
            self.sink("xss", node, union(arg(0), arg(1)), f"sink: {q}()", unknown=DOM_UNKNOWN)
            return True
        if method == "insertAdjacentHTML":
            self.sink("xss", node, arg(1), "sink: insertAdjacentHTML()", unknown=DOM_UNKNOWN)
            return True
        if method in JQ_HTML and re.match(r"^(\$|jQuery)\(", recv_text or fa.qual(recv) + "("):
            self.sink("xss", node, arg(0), f"sink: jQuery .{method}()")
            return True
        if (
            fn.type == "identifier"
            and fa.text(fn) in ("$", "jQuery")
            and a0.type != "string"
            and not SELECTOR_START.match(self.leading_constant(a0))
        ):  # $("#" + id): a string not starting with "<" is a selector to jQuery, not markup
            self.sink("xss", node, arg(0), "sink: jQuery $() with markup")
            return True
        res_chain = recv_text in RES_NAMES or bool(
            re.match(r"^(res|response|reply)\.status\(\d+\)$", recv_text or "")
        )  # res.status(200).send(...)
        if method in ("type", "contentType") and recv_text in RES_NAMES:
            self.note_content_type(c)
            return True
        plain = (recv_text or "").split(".")[0] in self.plain_responses
        if method in ("send", "write", "end") and res_chain and not plain:
            if a0.type not in ("object", "array") and not (
                a0.type == "member_expression" and fa.text(a0) in REQ_WHOLE
            ):
                self.sink("xss", node, arg(0), f"sink: {recv_text}.{method}() (HTML response)")
            return True
        return False

    def leading_constant(self, n: Node, depth: int = 0) -> str:
        """The constant text a string-building expression starts with ("" if unknown)."""
        if depth > 20:
            return ""
        if n.type == "string":
            return self.fa.text(n)[1:-1]
        if n.type == "template_string":
            kids = n.named_children
            if kids and kids[0].type == "string_fragment":
                return self.fa.text(kids[0])
            return ""
        if n.type == "binary_expression" and self.fa.text(n.child_by_field_name("operator")) == "+":
            left = n.child_by_field_name("left")
            return self.leading_constant(left, depth + 1) if left is not None else ""
        if n.type == "parenthesized_expression" and n.named_children:
            return self.leading_constant(n.named_children[0], depth + 1)
        return ""

    def note_content_type(self, c: JSCall) -> None:
        """``res.type('text/plain')``, ``res.set('Content-Type', 'application/json')``,
        ``res.writeHead(200, {'Content-Type': ...})``: a constant non-HTML type makes what
        this response object sends afterwards text, not markup (no XSS sink)."""
        fa, args = self.fa, c.args
        value: Node | None = None
        if c.method in ("type", "contentType"):
            value = args[0] if args else None
        elif c.method == "writeHead":
            for a in args[1:]:
                value = value or object_prop(fa, a, ("Content-Type", "content-type"))
        elif len(args) > 1 and fa.text(args[0])[1:-1].lower() == "content-type":
            value = args[1]
        if value is None or value.type != "string":
            return
        ctype = fa.text(value)[1:-1].lower()
        if ctype and not any(w in ctype for w in ("html", "xml", "svg")):
            self.plain_responses.add((c.recv_text or "").split(".")[0])

    def query_xxe_sinks(self, c: JSCall) -> bool:
        """SQL, LDAP and XPath queries, libxmljs with ``noent``; True when the call was
        one of them."""
        node, fn, q, short, recv, recv_text = c.node, c.fn, c.q, c.short, c.recv, c.recv_text
        method, args, fa, a0, arg = c.method, c.args, self.fa, c.args[0], c.arg
        # SQL
        if method in SQL_ALWAYS or (
            method in SQL_DB_METHODS | SQL_TEXT_METHODS
            and recv is not None
            and (
                (method in SQL_DB_METHODS and bool(DB_RECV.search(recv_text or fa.qual(recv))))
                or self.sqlish(a0)
            )
            and q not in ("String.raw", "child_process.exec")
            and not (method == "exec" and recv is not None and recv.type == "regex")
        ):
            target = a0
            taints = arg(0)
            if a0.type == "object":
                prop = object_prop(fa, a0, ("text", "sql", "query"))
                if prop is None:
                    return True
                target, taints = prop, self.eval(prop)
            self.sink(
                "sql",
                node,
                taints,
                f"sink: {fa.text(fn)[:60]}() query",
                quiet=not self.dynamic(target),
            )
            return True
        # LDAP / XPath
        if method == "search" and "ldapjs" in fa.modules and len(args) > 1:
            self.sink("ldap", node, arg(1), "sink: ldapjs search() filter")
            return True
        if q.startswith(("xpath.", "xpath-ts.", "xpath.js.")) and short in (
            "select",
            "select1",
            "evaluate",
            "parse",
            "useNamespaces",
        ):
            if short != "useNamespaces":
                self.sink("xpath", node, arg(0), f"sink: {q}() expression")
            return True
        if q == "document.evaluate":
            self.sink("xpath", node, arg(0), "sink: document.evaluate() expression")
            return True
        # XXE
        if short in ("parseXml", "parseXmlString", "parseXmlAsync") and len(args) > 1:
            if re.search(r"noent\s*:\s*true", fa.text(args[1])):
                self.sink("xxe", node, arg(0), f"sink: {q}() with noent: true")
                # the setting alone (a constant, sanitised or untraced document): low
                user_doc = any(
                    t.origin not in ("param", "unknown") and not t.clean_for("xxe") for t in arg(0)
                )
                fa.config(
                    "XXE",
                    "CWE-611",
                    "XML external entities",
                    node,
                    "libxmljs parses with noent: true: external entities are expanded.",
                    "high" if user_doc else "low",
                    "high",
                    RULES["xxe"].fix,
                    self.symbol,
                )
            return True
        return False

    def writes_files(self, fn: Node, q: str) -> bool:
        """Does the callee name say it creates files or directories (``writeFileTo``,
        ``makeDir``, ``mkdirp.sync``)? Used for archive entry names only."""
        text = self.fa.text(fn) if fn.end_byte - fn.start_byte < 80 else ""
        for name in (text, q):
            parts = name.split(".")
            if len(parts) > 1 and parts[-1] in ("sync", "async", "promise"):
                parts.pop()
            if parts and WRITE_CALL.match(parts[-1]):
                return True
        return False

    def this_is_global(self, node: Node) -> bool:
        """``this`` at ``node`` is the global object: the nearest enclosing non-arrow
        function is a plain function (declared, or assigned to a variable or to a member
        of ``window``/``global``/``globalThis``), not a method of a class or of an object
        literal, nor a constructor's prototype member; or there is none (script top level,
        where ``this`` is the global object in a browser script)."""
        p = node.parent
        while p is not None and (p.type not in FUNCTION_TYPES or p.type == "arrow_function"):
            if p.type in ("class_body", "class_declaration", "class"):
                return False
            p = p.parent
        if p is None:
            return True
        if p.type == "method_definition":
            return False
        up = p.parent
        if up is None:
            return False
        if up.type == "pair":
            return False
        if up.type == "assignment_expression":
            left = self.fa.text(up.child_by_field_name("left"))
            return left.startswith(GLOBAL_OBJECTS) and left.count(".") == 1
        return p.type in ("function_declaration", "generator_function_declaration") or (
            up.type == "variable_declarator"
        )

    def program_sink(self, node: Node, q: str, args: list[Node], arg_t: list[list[Taint]]) -> None:
        fa = self.fa
        shell = any(
            a.type == "object" and re.search(r"\bshell\s*:\s*(?!false)", fa.text(a)) for a in args
        )
        a0 = args[0]
        elems = args[1].named_children if len(args) > 1 and args[1].type == "array" else []
        prog = fa.text(a0)[1:-1] if a0.type == "string" else ""
        if (
            (prog in NODE_PROGRAMS or fa.text(a0) in NODE_PROGRAM_EXPRS)
            and len(elems) > 1
            and fa.text(elems[0])[1:-1] in NODE_EVAL_FLAGS
        ):
            # a second Node.js process running code given on its command line
            self.sink("code", node, self.eval(elems[1]), f"sink: {q}(node, ['-e', code])")
            return
        if prog in SHELLS and elems and fa.text(elems[0])[1:-1] in SHELL_FLAGS:
            if len(elems) > 1:
                self.sink("cmd", node, self.eval(elems[1]), f"sink: {q}('{prog}', ['-c', ...])")
            return
        if shell:
            t = arg_t[0] if arg_t else []
            for i in range(1, len(arg_t)):
                if args[i].type == "array":
                    t = union(t, arg_t[i])
            self.sink("cmd", node, t, f"sink: {q}() with shell: true")
            return
        self.sink(
            "cmd",
            node,
            arg_t[0] if arg_t else [],
            f"sink: {q}() program name",
            quiet=True,
            strong_only=True,
        )

    def code_sink(
        self, node: Node, q: str, args: list[Node], arg_t: list[list[Taint]], index: int
    ) -> None:
        if not args:
            return
        i = index if index >= 0 else len(args) - 1
        if i >= len(args):
            return
        a = args[i]
        self.sink(
            "code",
            node,
            arg_t[i],
            f"sink: {q}()",
            constant=a.type in ("string", "template_string"),
        )

    def dynamic(self, node: Node) -> bool:
        node = unwrap(node)
        t = node.type
        if t == "identifier":
            return self.fa.text(node) in self.dyn
        if t == "template_string":
            return any(c.type == "template_substitution" for c in node.named_children)
        if t == "binary_expression":
            return self.fa.text(node.child_by_field_name("operator")) == "+"
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            return self.fa.text(fn).rsplit(".", 1)[-1] in ("format", "concat", "join", "replace")
        return False
