"""Go security rules (ids ``DL-GO-*``) over tree-sitter trees.

Sources: ``*http.Request`` data (``r.URL.Query().Get``, ``r.FormValue``,
``r.PostFormValue``, ``r.Header.Get``, ``r.Body``, cookies...), ``mux.Vars(r)``,
``chi.URLParam``, gin / echo / fiber context getters and binders, ``httprouter.Params``,
``os.Args``, ``flag`` values, ``os.Stdin`` readers, ``os.Getenv`` (weak). Taint also
flows into ``&v`` arguments of decoders and binders (``json.NewDecoder(r.Body).Decode(&v)``).

Sinks: ``exec.Command`` (shell forms and program names), ``database/sql`` / sqlx / gorm
queries built with ``fmt.Sprintf`` or ``+``, ``os`` file functions and
``http.ServeFile``, HTTP clients, ``http.Redirect``, ``template.HTML`` and writes to the
``http.ResponseWriter``, template ``Parse`` of request data (SSTI), LDAP search
filters, XPath queries, session values. Configuration rules: ``InsecureSkipVerify``,
old TLS versions, cookies without ``Secure``/``HttpOnly``, ``crypto/md5``/``sha1``,
DES/RC4, ``math/rand`` for secrets, ``net/http/pprof``, hard-coded credentials.

The parts: ``security_ts_go_tables`` (rule tables, helpers), ``security_ts_go_names``
(``GoAnalysis``) and the scan in layers: ``security_ts_go_scan_base`` (state, names),
``_scan_config`` (configuration rules), ``_scan_sinks`` (sink families), and here
``GoScan``: calls (sources, sanitisers), assignments, statements, composite literals,
guards and the handler table.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    CLI_PRESET,
    PREFIX_GUARD,
    Scan,
    row,
    same,
    union,
)
from devlab.reverse.security_ts_go_names import GoAnalysis
from devlab.reverse.security_ts_go_scan_sinks import GoSinks
from devlab.reverse.security_ts_go_tables import (
    CLEAN_FUNCS,
    COOKIEISH,
    CTX_BINDERS,
    CTX_SOURCES,
    CTX_TYPES,
    DB_RECV,
    FUNCTION_TYPES,
    NUMERIC_CONVERSIONS,
    REQ_FIELDS,
    SANITISERS,
    SQL_METHODS,
    descendants_of_params,
    variadic_index,
)
from devlab.reverse.taint import Taint

__all__ = ["DB_RECV", "SQL_METHODS", "GoAnalysis", "GoScan"]


class GoScan(GoSinks):
    """The walk of one Go function body."""

    def enter(self, fn: Node, parent: Scan | None) -> None:
        """Remember which parameters are the request, the response writer, a context
        (closures also see their parent's)."""
        fa = self.fa
        if isinstance(parent, GoScan):
            self.req |= parent.req
            self.writers |= parent.writers
            self.ctx |= parent.ctx
            self.clients |= parent.clients
            self.templates |= parent.templates
            self.stmts |= parent.stmts
        for p in descendants_of_params(fn):
            typ = fa.text(p.child_by_field_name("type"))
            names = [fa.text(n) for n in p.children_by_field_name("name")]
            if re.search(r"\*\s*http\.Request\b", typ):
                self.req.update(names)
            elif "http.ResponseWriter" in typ:
                self.writers.update(names)
            elif CTX_TYPES.search(typ):
                self.ctx.update(names)
            elif "http.Client" in typ:
                self.clients.update(names)

    # calls -----------------------------------------------------------------------------------
    def h_call(self, node: Node) -> list[Taint]:
        fa = self.fa
        fn = node.child_by_field_name("function")
        args_node = node.child_by_field_name("arguments")
        args = [a for a in args_node.named_children if a.type != "comment"] if args_node else []
        if fn is None:
            return self.children(node)
        recv: Node | None = None
        method = ""
        recv_t: list[Taint] = []
        q = fa.qual(fn)
        if fn.type == "selector_expression":
            method = fa.text(fn.child_by_field_name("field"))
            recv = fn.child_by_field_name("operand")
            if not (
                recv is not None and recv.type == "identifier" and self.is_package(fa.text(recv))
            ):
                if self.is_request(recv) and method in REQ_FIELDS:
                    return self.source(f"{fa.text(recv)}.{method}()", node)
                recv_t = self.eval(recv)
            else:
                recv = None
        elif fn.type == "func_literal":
            recv_t = self.nested(fn)
        elif fn.type != "identifier":
            recv_t = self.eval(fn)
        arg_t = [self.nested(a) if a.type == "func_literal" else self.eval(a) for a in args]
        all_args: list[Taint] = []
        for t in arg_t:
            all_args = union(all_args, t)
        recv_text = (
            fa.text(recv) if recv is not None and recv.end_byte - recv.start_byte < 80 else ""
        )
        src = self.call_source(node, q, method, recv_text, args)
        if src is not None:
            return src
        self.check_call(node, fn, q, method, recv, recv_text, recv_t, args, arg_t)
        cleaned = self.call_sanitiser(node, fn, q, method, recv_t, args, arg_t)
        if cleaned is not None:
            return cleaned
        # same-file functions
        target = None
        if fn.type == "identifier":
            target = fa.functions.get(fa.text(fn))
        elif recv is not None and method:
            target = fa.functions.get("." + method)
        if target is not None:
            return self.call_local(target, fa.text(fn), node, arg_t, variadic_index(args))
        if q in CLEAN_FUNCS or q in ("len", "cap") or q.startswith("errors."):
            return []
        out = union(recv_t, all_args)
        if out:
            self.out_params(args, out, node)
        if (
            method in ("WriteString", "Write", "WriteByte", "WriteRune")
            and recv is not None
            and recv.type == "identifier"
            and all_args
            and fa.text(recv) not in self.writers
        ):
            v = fa.text(recv)
            self.env[v] = union(self.env.get(v, []), all_args)
            self.dyn.add(v)
        return out

    def call_source(
        self, node: Node, q: str, method: str, recv_text: str, args: list[Node]
    ) -> list[Taint] | None:
        """The taints of a call that is a source (request context, route variables,
        environment, flags); None when it is not one."""
        if recv_text in self.ctx and method in CTX_SOURCES:
            return self.source(f"{recv_text}.{method}()", node)
        if recv_text in self.ctx and method in CTX_BINDERS:
            src = self.source(f"{recv_text}.{method}()", node)
            self.out_params(args, src, node)
            return []
        if q in ("github.com/gorilla/mux.Vars", "github.com/go-chi/chi.URLParam") or (
            q.endswith(("/chi.URLParam", "/chi/v5.URLParam", "mux.Vars"))
        ):
            return self.source(q.rsplit("/", 1)[-1], node)
        if q in ("os.Getenv", "os.LookupEnv"):
            return self.source("os.Getenv", node, CLI_PRESET)
        if q in ("flag.Arg", "flag.Args", "flag.String", "flag.Int"):
            return self.source("command-line flag", node, CLI_PRESET) if q != "flag.Int" else []
        return None

    def call_sanitiser(
        self,
        node: Node,
        fn: Node,
        q: str,
        method: str,
        recv_t: list[Taint],
        args: list[Node],
        arg_t: list[list[Taint]],
    ) -> list[Taint] | None:
        """The taints of a call that is a sanitiser (escapers, numeric conversions,
        ``url.Values.Encode``, ``filepath.Clean``); None when it is not one."""
        fa = self.fa
        kinds = SANITISERS.get(q)
        if kinds is None and q.endswith(".EscapeFilter") and "ldap" in q:
            kinds = frozenset({"ldap"})
        if kinds is None and fn.type == "identifier" and q in NUMERIC_CONVERSIONS:
            kinds = ALL_KINDS
        if kinds is None and method == "Encode" and not args:  # url.Values.Encode()
            return self.sanitise(recv_t, frozenset({"xss", "path", "redirect", "ssrf"}), node, q)
        if kinds is not None:
            return self.sanitise(arg_t[0] if arg_t else [], kinds, node, q.rsplit("/", 1)[-1])
        if q in ("path/filepath.Clean", "path.Clean"):
            line = row(node)
            return [
                t.then(line, fa.code(line), "normalised by filepath.Clean (needs a prefix check)")
                for t in (arg_t[0] if arg_t else [])
            ]
        return None

    def out_params(self, args: list[Node], taints: list[Taint], node: Node) -> None:
        """Decoders and binders write into ``&v`` arguments."""
        for a in args:
            if a.type == "unary_expression" and self.fa.text(a).startswith("&"):
                op = a.child_by_field_name("operand")
                if op is not None and op.type == "identifier":
                    self.bind(self.fa.text(op), taints, node)

    # statements ------------------------------------------------------------------------------
    def assign(self, lefts: list[Node], rights: list[Node], node: Node, op: str = "=") -> None:
        fa = self.fa
        pair = len(lefts) == len(rights)
        single: list[Taint] = []
        if not pair:
            saved, self.target = self.target, fa.text(lefts[0]) if lefts else ""
            for r in rights:
                single = union(single, self.eval(r))
            self.target = saved
        for i, left in enumerate(lefts):
            ltext = fa.text(left)
            right = rights[i] if pair else (rights[0] if rights else None)
            if pair:
                saved, self.target = self.target, ltext.rsplit(".", 1)[-1]
                t = self.eval(right)
                self.target = saved
            else:
                t = [] if ltext in ("err", "ok") else single  # an error / a flag, not data
            if op == "+=":
                t = union(self.env.get(ltext, []), t)
            if left.type == "identifier":
                if ltext == "_":
                    continue
                self.bind(ltext, t, node, op == "+=" or (right is not None and self.dynamic(right)))
                if right is not None:
                    self.after_assign(left, ltext, right)
            elif left.type == "index_expression":
                operand = left.child_by_field_name("operand")
                otext = fa.text(operand)
                if otext.endswith(".Values") and re.search(r"sess", otext, re.I):
                    self.sink("trust", node, t, f"sink: {otext}[...] (stored in the session)")
                if operand is not None and operand.type == "identifier" and t:
                    self.env[otext] = union(self.env.get(otext, []), t)
            elif left.type == "selector_expression":
                field = fa.text(left.child_by_field_name("field"))
                if right is not None:
                    rtext = fa.text(right)
                    if field == "InsecureSkipVerify" and rtext == "true":
                        self.tls(node)
                    self.credential(node, field, right)
                if len(ltext) < 80:
                    self.env[ltext] = t
                    root = left.child_by_field_name("operand")
                    if root is not None and root.type == "identifier" and t:
                        rname = fa.text(root)
                        self.env[rname] = union(self.env.get(rname, []), t)

    def after_assign(self, left: Node, name: str, right: Node) -> None:
        fa = self.fa
        rtext = fa.text(right) if right.end_byte - right.start_byte < 300 else ""
        if right.type in (
            "interpreted_string_literal",
            "raw_string_literal",
            "binary_expression",
        ) and self.sqlish(right):
            self.sql_vars.add(name)
        if re.search(r"\.Prepare(Context|x)?\(", rtext):
            self.stmts.add(name)
        if "template.New(" in rtext or "template.Must(" in rtext:
            self.templates.add(name)
        if re.search(r"&?http\.Client\{", rtext):
            self.clients.add(name)
        self.credential(left, name, right)

    def h_short_var(self, node: Node) -> list[Taint]:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        lefts = list(left.named_children) if left is not None else []
        rights = list(right.named_children) if right is not None else []
        self.assign(lefts, rights, node)
        return []

    def h_assignment(self, node: Node) -> list[Taint]:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        op = self.fa.text(node.child_by_field_name("operator")) or "="
        lefts = list(left.named_children) if left is not None else []
        rights = list(right.named_children) if right is not None else []
        self.assign(lefts, rights, node, op)
        return []

    def h_var_spec(self, node: Node) -> list[Taint]:
        names = node.children_by_field_name("name")
        value = node.child_by_field_name("value")
        rights = list(value.named_children) if value is not None else []
        if rights:
            self.assign(list(names), rights, node)
        else:
            for n in names:
                self.env.setdefault(self.fa.text(n), [])
        return []

    def h_function(self, node: Node) -> list[Taint]:
        fa = self.fa
        if node.type != "func_literal":
            key = fa.text(node.child_by_field_name("name"))
            if node.type == "method_declaration":
                key = "." + key
            if same(fa.functions.get(key), node):
                fa.summary(node)
                return []
        return self.nested(node)

    def h_if(self, node: Node) -> list[Taint]:
        self.eval(node.child_by_field_name("initializer"))
        cond = node.child_by_field_name("condition")
        self.eval(cond)
        self.guards(cond)
        self.branch(
            node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
        )
        return []

    def h_for(self, node: Node) -> list[Taint]:
        for c in node.named_children:
            if c.type == "range_clause":
                t = self.eval(c.child_by_field_name("right"))
                left = c.child_by_field_name("left")
                self.cond += 1
                for n in left.named_children if left is not None else []:
                    if n.type == "identifier" and self.fa.text(n) != "_":
                        self.bind(self.fa.text(n), t, c)
                self.cond -= 1
            elif c.type == "for_clause":
                for f in ("initializer", "condition", "update"):
                    self.eval(c.child_by_field_name(f))
            elif c.type != "block":
                self.eval(c)
        self.branch(node.child_by_field_name("body"))
        return []

    def h_case(self, node: Node) -> list[Taint]:
        """``case "a", "b":`` of a switch on a variable: inside the case the variable is
        one of the listed constants (an allow-list); outside it keeps its taint."""
        sw = node.parent
        value = sw.child_by_field_name("value") if sw is not None else None
        lits = node.children_by_field_name("value")
        if (
            value is None
            or value.type != "identifier"
            or not lits
            or not all(
                x.type.endswith("literal")
                for v in lits
                for x in (v.named_children if v.type == "expression_list" else [v])
            )
        ):
            return self.children(node)
        name = self.fa.text(value)
        before = self.env.get(name)
        self.guard(name, ALL_KINDS, node, "a switch case allow-list")
        self.children(node)
        if before is not None:
            self.env[name] = before
        return []

    def h_switch(self, node: Node) -> list[Taint]:
        self.eval(node.child_by_field_name("initializer"))
        t = self.eval(node.child_by_field_name("value"))
        alias = node.child_by_field_name("alias")
        if alias is not None:
            for n in alias.named_children:
                self.bind(self.fa.text(n), t, node)
        cases = [c for c in node.named_children if c.type.endswith(("_case", "communication_case"))]
        self.branch(*cases)
        return []

    def h_binary(self, node: Node) -> list[Taint]:
        op = self.fa.text(node.child_by_field_name("operator"))
        left = self.eval(node.child_by_field_name("left"))
        right = self.eval(node.child_by_field_name("right"))
        return union(left, right) if op == "+" else []

    def h_unary(self, node: Node) -> list[Taint]:
        t = self.eval(node.child_by_field_name("operand"))
        op = self.fa.text(node.child_by_field_name("operator"))
        return [] if op in ("!", "-", "^") else t

    def h_return(self, node: Node) -> list[Taint]:
        self.returned(self.children(node), node)
        return []

    def h_composite(self, node: Node) -> list[Taint]:
        fa = self.fa
        typ = fa.text(node.child_by_field_name("type"))
        body = node.child_by_field_name("body")
        t = self.eval(body)
        if body is None:
            return t
        fields = {}
        for el in body.named_children:
            if el.type == "keyed_element":
                kids = el.named_children
                if len(kids) == 2:
                    fields[fa.text(kids[0])] = fa.text(kids[1])
        if typ.endswith("http.Cookie"):
            missing = [
                f
                for f in ("Secure", "HttpOnly")
                if fields.get(f) != "true" and not re.search(rf"\.{f}\s*=\s*true", self.fn_text())
            ]
            if missing:
                explicit = any(fields.get(f) == "false" for f in missing)
                name = fields.get("Name", "")
                fa.config(
                    "COOKIE",
                    "CWE-614",
                    "Insecure cookie",
                    node,
                    f"http.Cookie {name[:40]} is set without {' and '.join(missing)}: true; it "
                    "can leak over plain HTTP or to scripts.",
                    "medium" if explicit or COOKIEISH.search(name) else "low",
                    "high" if explicit else "medium",
                    "Set Secure: true, HttpOnly: true and SameSite: http.SameSiteLaxMode.",
                    self.symbol,
                )
        return t

    def h_keyed(self, node: Node) -> list[Taint]:
        fa = self.fa
        kids = node.named_children
        if len(kids) != 2:
            return self.children(node)
        key = fa.text(kids[0]).strip('"')
        value = kids[1]
        vtext = fa.text(value)
        if key == "InsecureSkipVerify" and vtext == "true":
            self.tls(node)
        elif key == "MinVersion" and re.search(r"VersionSSL30|VersionTLS10|VersionTLS11", vtext):
            fa.config(
                "TLSVER",
                "CWE-326",
                "Obsolete TLS version allowed",
                node,
                f"MinVersion {vtext} allows TLS versions with known weaknesses.",
                "medium",
                "high",
                "Set MinVersion: tls.VersionTLS12 (or VersionTLS13).",
                self.symbol,
            )
        inner = value.named_children[0] if value.named_children else value
        self.credential(node, key, inner)
        saved, self.target = self.target, key
        t = self.eval(value)
        self.target = saved
        return t

    # guards ----------------------------------------------------------------------------------
    def guards(self, cond: Node | None) -> None:
        fa = self.fa
        for n in self.condition_nodes(cond):
            if n.type != "call_expression":
                continue
            q = fa.qual(n.child_by_field_name("function"))
            args_node = n.child_by_field_name("arguments")
            args = args_node.named_children if args_node is not None else []
            if not args:
                continue
            if q == "strings.HasPrefix":
                self.guard_root(args[0], PREFIX_GUARD, n, "strings.HasPrefix()")
            elif q == "strings.Contains" and len(args) > 1 and ".." in fa.text(args[1]):
                self.guard_root(args[0], frozenset({"path"}), n, 'strings.Contains("..")')
            elif q == "path/filepath.IsLocal":
                self.guard_root(args[0], frozenset({"path"}), n, "filepath.IsLocal()")
            elif q.endswith(("MatchString", "Match")):
                self.guard_root(args[-1], ALL_KINDS, n, "a regular expression")
            elif q in ("slices.Contains",) and len(args) > 1:
                self.guard_root(args[1], ALL_KINDS, n, "allow-list slices.Contains()")

    def guard_root(self, node: Node | None, kinds: frozenset[str], at: Node, label: str) -> None:
        while node is not None and node.type == "call_expression":
            args = node.child_by_field_name("arguments")
            node = args.named_children[-1] if args is not None and args.named_children else None
        if node is not None and node.type == "identifier":
            self.guard(self.fa.text(node), kinds, at, label)


GoScan.handlers = {
    "identifier": GoScan.h_ident,
    "selector_expression": GoScan.h_selector,
    "index_expression": GoScan.h_index,
    "call_expression": GoScan.h_call,
    "short_var_declaration": GoScan.h_short_var,
    "assignment_statement": GoScan.h_assignment,
    "var_spec": GoScan.h_var_spec,
    "const_spec": GoScan.h_var_spec,
    "if_statement": GoScan.h_if,
    "for_statement": GoScan.h_for,
    "expression_switch_statement": GoScan.h_switch,
    "expression_case": GoScan.h_case,
    "type_switch_statement": GoScan.h_switch,
    "select_statement": GoScan.h_switch,
    "binary_expression": GoScan.h_binary,
    "unary_expression": GoScan.h_unary,
    "return_statement": GoScan.h_return,
    "composite_literal": GoScan.h_composite,
    "keyed_element": GoScan.h_keyed,
    **{t: GoScan.h_function for t in FUNCTION_TYPES},
}
GoAnalysis.scan_class = GoScan
