"""Java security rules (ids ``DL-JAVA-*``) over tree-sitter trees.

Sources: servlet requests (``request.getParameter/getHeader/getCookies/getQueryString/
getInputStream/getReader``...), Spring / JAX-RS parameters (``@RequestParam``,
``@PathVariable``, ``@RequestBody``, ``@RequestHeader``, ``@QueryParam``...; plain
String parameters of ``@GetMapping`` methods too), ``main`` arguments, ``System.in``,
``System.getenv`` / ``System.getProperty`` (weak).

Sinks: ``Runtime.exec`` / ``ProcessBuilder`` (shell forms), ``ScriptEngine.eval`` /
SpEL / Groovy / OGNL, JDBC / JPA / ``JdbcTemplate`` queries, file streams and
``java.nio.file.Files``, ``ObjectInputStream.readObject`` / ``XMLDecoder`` / SnakeYAML
/ XStream, ``URL.openConnection`` / RestTemplate / HTTP clients, ``sendRedirect`` and
``"redirect:"`` views, servlet writers, ``DirContext.search``, ``XPath.evaluate``,
``session.setAttribute``. Configuration rules: XML factories without XXE protection in
the same method, cookies without ``setSecure``/``setHttpOnly``, weak digests and
ciphers, ``java.util.Random`` for secrets, trust-all TrustManagers and HostnameVerifiers,
hard-coded credentials, Spring Security debug mode, Jackson default typing.

The parts: ``security_ts_java_tables`` (rule tables, helpers), ``security_ts_java_names``
(``JavaAnalysis``) and the scan in layers: ``security_ts_java_scan_base`` (state, names),
``_scan_config`` (configuration rules), ``_scan_sinks`` (sink families), and here
``JavaScan``: calls (sources, sanitisers: this module's ``SANITISER_METHODS`` is the one
read), statements, guards and the handler table.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    CLI_PRESET,
    PREFIX_GUARD,
    same,
    union,
)
from devlab.reverse.security_ts_java_names import JavaAnalysis
from devlab.reverse.security_ts_java_scan_sinks import JavaSinks
from devlab.reverse.security_ts_java_tables import (
    ALLOW_METHODS,
    CALLBACK_METHODS,
    CLEAN_METHODS,
    FUNCTION_TYPES,
    HTML_TEXT,
    MAPPINGS,
    MUTATORS,
    PATH_CTORS,
    REQ_METHODS,
    REQ_TYPES,
    SANITISER_METHODS,
    SANITISER_QUALS,
    SCALAR_BOXES,
    array_init,
)
from devlab.reverse.taint import Taint

__all__ = ["REQ_METHODS", "SANITISER_METHODS", "SANITISER_QUALS", "JavaAnalysis", "JavaScan"]


class JavaScan(JavaSinks):
    """The walk of one Java method / lambda body."""

    def h_field(self, node: Node) -> list[Taint]:
        fa = self.fa
        obj = node.child_by_field_name("object")
        text = fa.text(node)
        if text == "System.in":
            return self.source("System.in", node, CLI_PRESET)
        if text in self.env:
            return self.env[text]
        self.tls_constant(node, text)
        if obj is not None and obj.type == "this":
            f = fa.text(node.child_by_field_name("field"))
            return self.env.get(f, [] if f in fa.module_env else self.unknown())
        return self.eval(obj)

    # calls -----------------------------------------------------------------------------------
    def h_call(self, node: Node) -> list[Taint]:
        fa = self.fa
        obj = node.child_by_field_name("object")
        name = fa.text(node.child_by_field_name("name"))
        args_node = node.child_by_field_name("arguments")
        args = [a for a in args_node.named_children if "comment" not in a.type] if args_node else []
        recv_t = self.eval(obj) if obj is not None else []
        seed = recv_t if name in CALLBACK_METHODS and recv_t else None
        arg_t = [
            self.nested(a, seed) if a.type == "lambda_expression" else self.eval(a) for a in args
        ]
        q = fa.qual(node)[:-2]  # without the trailing "()"
        recv_text = fa.text(obj) if obj is not None and obj.end_byte - obj.start_byte < 80 else ""
        rtype = self.recv_type(obj)
        all_args: list[Taint] = []
        for t in arg_t:
            all_args = union(all_args, t)
        # sources
        if name in REQ_METHODS and (
            recv_text in fa.req_names or (REQ_TYPES.search(rtype) and "Response" not in rtype)
        ):
            return self.source(f"{recv_text or 'request'}.{name}()", node)
        if q in ("System.getenv", "System.getProperty"):
            return self.source(q, node, CLI_PRESET)
        self.check_call(node, q, name, obj, recv_text, rtype, recv_t, args, arg_t)
        # sanitisers
        kinds = SANITISER_QUALS.get(q) or SANITISER_METHODS.get(name)
        if kinds is None and name == "getName" and ("File" in rtype or "new File" in recv_text):
            kinds = frozenset({"path"})
        if kinds is not None:
            return self.sanitise(all_args if args else recv_t, kinds, node, q or name)
        # same-file methods
        if obj is None or (obj is not None and obj.type == "this"):
            target = fa.functions.get(f"{name}/{len(args)}")
            if target is not None:
                return self.call_local(target, name, node, arg_t)
        if name in CLEAN_METHODS:
            return []
        if name in MUTATORS and obj is not None and obj.type == "identifier" and all_args:
            v = fa.text(obj)
            self.env[v] = union(self.env.get(v, []), all_args)
            if name in ("append", "insert"):
                self.dyn.add(v)
        if obj is not None and obj.type == "identifier" and fa.text(obj)[:1].isupper():
            return all_args  # static method: the result carries its arguments
        return union(recv_t, all_args)

    def h_new(self, node: Node) -> list[Taint]:
        fa = self.fa
        typ = fa.text(node.child_by_field_name("type")).split("<")[0]
        args_node = node.child_by_field_name("arguments")
        args = [a for a in args_node.named_children if "comment" not in a.type] if args_node else []
        arg_t = [self.nested(a) if a.type == "lambda_expression" else self.eval(a) for a in args]
        body = next((c for c in node.named_children if c.type == "class_body"), None)
        if body is not None:
            self.eval(body)
        all_args: list[Taint] = []
        for t in arg_t:
            all_args = union(all_args, t)
        short = typ.rsplit(".", 1)[-1]
        if short in PATH_CTORS and args:
            self.sink("path", node, arg_t[0], f"sink: new {short}()")
        elif short == "ProcessBuilder":
            self.process_builder(node, args, arg_t)
        elif short in ("HttpGet", "HttpPost", "HttpPut", "HttpDelete", "HttpHead", "HttpPatch"):
            if arg_t:
                self.sink("ssrf", node, arg_t[0], f"sink: new {short}() URL")
        elif short in ("RedirectView", "ModelAndView") and args:
            if short == "RedirectView" or fa.text(args[0]).startswith('"redirect:'):
                self.sink("redirect", node, arg_t[0], f"sink: new {short}() redirect")
        elif short in ("NoopHostnameVerifier", "TrustAllStrategy"):
            self.tls(node, f"new {short}() accepts every certificate or host name.")
        elif short == "TrustSelfSignedStrategy":
            self.tls(node, "TrustSelfSignedStrategy accepts any self-signed certificate.", "medium")
        elif short == "NullCipher":
            self.weak_cipher(node, "NullCipher (no encryption)")
        elif short in ("SAXReader", "SAXBuilder"):
            self.xxe(node, short)
        return all_args

    # statements ------------------------------------------------------------------------------
    def h_declarator(self, node: Node) -> list[Taint]:
        fa = self.fa
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        name = fa.text(name_node)
        parent = node.parent
        typ = fa.text(parent.child_by_field_name("type")) if parent is not None else ""
        if typ:
            self.types[name] = typ
        if value is None:
            return []
        saved, self.target = self.target, name
        t = self.eval(value)
        self.target = saved
        self.bind(name, t, node, self.dynamic(value))
        self.after_assign(node, name, typ, value)
        return t

    def after_assign(self, node: Node, name: str, typ: str, value: Node) -> None:
        fa = self.fa
        vtext = fa.text(value) if value.end_byte - value.start_byte < 300 else ""
        if value.type in ("string_literal", "binary_expression") and self.sqlish(value):
            self.sql_vars.add(name)
        if "getWriter()" in vtext or "getOutputStream()" in vtext:
            self.writers.add(name)
        if "SafeConstructor" in vtext:
            self.safe_yaml.add(name)
        init = array_init(value)
        if init is not None:
            self.arrays[name] = init
        else:
            self.arrays.pop(name, None)
        if value.type == "object_creation_expression":
            ctype = fa.text(value.child_by_field_name("type"))
            self.types.setdefault(name, ctype)
            if typ == "var":
                self.types[name] = ctype
            if ctype == "Cookie":
                self.cookie_var(value, name)
        elif value.type == "method_invocation" and typ in ("", "var"):
            rt = self.recv_type(value)
            if rt:
                self.types[name] = rt
        if "HostnameVerifier" in typ and re.fullmatch(
            r"\(?\s*\w+\s*,\s*\w+\s*\)?\s*->\s*true", vtext
        ):
            self.tls(node, "The HostnameVerifier accepts every host name.")
        self.credential(node, name, value)

    def h_assign(self, node: Node) -> list[Taint]:
        fa = self.fa
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        op = fa.text(node.child_by_field_name("operator"))
        if left is None or right is None:
            return []
        ltext = fa.text(left)
        name = ltext.removeprefix("this.")
        saved, self.target = self.target, name
        t = self.eval(right)
        self.target = saved
        if op == "+=":
            t = union(self.env.get(name, []), t)
        if left.type == "identifier" or ltext.startswith("this."):
            self.bind(name, t, node, op == "+=" or self.dynamic(right))
            self.after_assign(node, name, "", right)
        elif left.type == "array_access":
            arr = left.child_by_field_name("array")
            if arr is not None and arr.type == "identifier" and t:
                a = fa.text(arr)
                self.env[a] = union(self.env.get(a, []), t)
        elif len(ltext) < 80:
            self.env[ltext] = t
        return t

    def h_function(self, node: Node) -> list[Taint]:
        fa = self.fa
        self.tls_method(node)
        if node.type == "lambda_expression":
            return self.nested(node)
        name = fa.text(node.child_by_field_name("name"))
        ps = node.child_by_field_name("parameters")
        arity = len([p for p in ps.named_children if "parameter" in p.type]) if ps else 0
        if same(fa.functions.get(f"{name}/{arity}"), node):
            fa.summary(node)
            return []
        return self.nested(node)

    def h_if(self, node: Node) -> list[Taint]:
        cond = node.child_by_field_name("condition")
        self.eval(cond)
        self.guards(cond)
        self.branch(
            node.child_by_field_name("consequence"), node.child_by_field_name("alternative")
        )
        return []

    def h_loop(self, node: Node) -> list[Taint]:
        for f in ("init", "condition", "update"):
            for c in node.children_by_field_name(f):
                self.eval(c)
        self.branch(node.child_by_field_name("body"))
        return []

    def h_foreach(self, node: Node) -> list[Taint]:
        t = self.eval(node.child_by_field_name("value"))
        name = node.child_by_field_name("name")
        if name is not None:
            self.cond += 1
            self.bind(self.fa.text(name), t, node)
            self.cond -= 1
        self.branch(node.child_by_field_name("body"))
        return []

    def h_resource(self, node: Node) -> list[Taint]:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        t = self.eval(value)
        if name is not None:
            self.bind(self.fa.text(name), t, node)
            typ = self.fa.text(node.child_by_field_name("type"))
            if typ:
                self.types[self.fa.text(name)] = typ
        return t

    def h_branch(self, node: Node) -> list[Taint]:
        self.branch(*node.named_children)
        return []

    def h_java_ternary(self, node: Node) -> list[Taint]:
        """``allowed.contains(x) ? x : "default"``: the picked branch is allow-listed."""
        cond = node.child_by_field_name("condition")
        cons = node.child_by_field_name("consequence")
        self.eval(cond)
        t = self.eval(cons)
        if self.allow_listed(cond, cons, ALLOW_METHODS):
            t = self.sanitise(t, ALL_KINDS, node, "an allow-list")
        return union(t, self.eval(node.child_by_field_name("alternative")))

    def h_binary(self, node: Node) -> list[Taint]:
        op = self.fa.text(node.child_by_field_name("operator"))
        left = self.eval(node.child_by_field_name("left"))
        right = self.eval(node.child_by_field_name("right"))
        return union(left, right) if op == "+" else []

    def h_unary(self, node: Node) -> list[Taint]:
        self.children(node)
        return []

    def h_instanceof(self, node: Node) -> list[Taint]:
        """``x instanceof String s`` / ``x instanceof Filter(String col, var n)`` (Java 16 /
        21 patterns): the names the pattern binds hold ``x``'s value (a boxed number or a
        boolean component holds none of it); the test itself is a boolean."""
        kids = node.named_children
        if not kids:
            return []
        taints = self.eval(kids[0])
        stack = list(kids[1:])
        seen = 0
        while stack and seen < 200:
            n = stack.pop()
            seen += 1
            if n.type == "record_pattern_component" or n is kids[-1]:
                parts = n.named_children
                typ = self.fa.text(parts[0]) if len(parts) == 2 else ""
                if len(parts) == 2 and parts[1].type == "identifier":
                    clean = typ in SCALAR_BOXES
                    self.bind(self.fa.text(parts[1]), [] if clean else taints, n)
                    continue
            if n.type == "identifier" and n is kids[-1]:
                self.bind(self.fa.text(n), taints, n)  # x instanceof String s
                continue
            stack.extend(n.named_children)
        return []

    def h_cast(self, node: Node) -> list[Taint]:
        t = self.eval(node.child_by_field_name("value"))
        typ = self.fa.text(node.child_by_field_name("type"))
        return [] if typ in ("int", "long", "short", "byte", "double", "float", "boolean") else t

    def h_return(self, node: Node) -> list[Taint]:
        t = self.children(node)
        kids = node.named_children
        if (
            kids
            and kids[0].type == "binary_expression"
            and self.fa.text(kids[0]).startswith('"redirect:')
        ):
            self.sink("redirect", node, t, 'sink: "redirect:" view name')
        elif kids and t and HTML_TEXT.search(self.fa.text(kids[0])[:2000]) and self.body_method():
            self.sink("xss", node, t, "sink: HTML returned as the response body (@ResponseBody)")
        self.returned(t, node)
        return []

    def body_method(self) -> bool:
        """A Spring handler whose return value is the response body: a request-mapping
        method with ``@ResponseBody`` or in a ``@RestController`` class."""
        fn = self.function
        if fn is None or fn.type != "method_declaration":
            return False
        mods = next((c for c in fn.children if c.type == "modifiers"), None)
        text = self.fa.text(mods) if mods is not None else ""
        if not any(f"@{m}" in text for m in MAPPINGS):
            return False
        if "@ResponseBody" in text:
            return True
        cls = fn.parent.parent if fn.parent is not None else None
        cmods = next((c for c in cls.children if c.type == "modifiers"), None) if cls else None
        ctext = self.fa.text(cmods) if cmods is not None else ""
        return "@RestController" in ctext or "@ResponseBody" in ctext

    # guards ----------------------------------------------------------------------------------
    def guards(self, cond: Node | None) -> None:
        fa = self.fa
        for n in self.condition_nodes(cond):
            if n.type != "method_invocation":
                continue
            name = fa.text(n.child_by_field_name("name"))
            obj = n.child_by_field_name("object")
            args_node = n.child_by_field_name("arguments")
            args = args_node.named_children if args_node is not None else []
            if name == "startsWith":
                self.guard_root(obj, PREFIX_GUARD, n, ".startsWith()")
            elif name == "contains" and args and ".." in fa.text(args[0]):
                self.guard_root(obj, frozenset({"path"}), n, '.contains("..")')
            elif name in ("contains", "containsKey") and args:
                self.guard_root(args[0], ALL_KINDS, n, f"allow-list .{name}()")
            elif name == "matches" and obj is not None:
                if fa.text(obj) == "Pattern" and len(args) > 1:
                    self.guard_root(args[1], ALL_KINDS, n, "Pattern.matches()")
                elif (
                    obj.type == "method_invocation"
                    and fa.text(obj.child_by_field_name("name")) == "matcher"
                ):
                    inner = obj.child_by_field_name("arguments")
                    if inner is not None and inner.named_children:
                        self.guard_root(inner.named_children[0], ALL_KINDS, n, "a regex matcher")
                else:
                    self.guard_root(obj, ALL_KINDS, n, ".matches()")
            elif name in ("isNumeric", "isAlphanumeric", "isAlpha", "isDigits") and args:
                self.guard_root(args[0], ALL_KINDS, n, name + "()")

    def guard_root(self, node: Node | None, kinds: frozenset[str], at: Node, label: str) -> None:
        while node is not None and node.type in ("method_invocation", "field_access"):
            nxt = node.child_by_field_name("object")
            if nxt is None or (nxt.type == "identifier" and self.fa.text(nxt)[:1].isupper()):
                args = node.child_by_field_name("arguments")  # Paths.get(base, x).normalize()
                nxt = args.named_children[-1] if args is not None and args.named_children else None
            node = nxt
        if node is not None and node.type == "identifier":
            self.guard(self.fa.text(node), kinds, at, label)

    def h_field_decl(self, node: Node) -> list[Taint]:
        for d in node.children_by_field_name("declarator"):
            value = d.child_by_field_name("value")
            name = self.fa.text(d.child_by_field_name("name"))
            if value is not None:
                saved, self.target = self.target, name
                self.eval(value)
                self.target = saved
                self.credential(d, name, value)
        return []


JavaScan.handlers = {
    "identifier": JavaScan.h_ident,
    "field_access": JavaScan.h_field,
    "array_access": JavaScan.h_array_access,
    "method_invocation": JavaScan.h_call,
    "object_creation_expression": JavaScan.h_new,
    "variable_declarator": JavaScan.h_declarator,
    "field_declaration": JavaScan.h_field_decl,
    "assignment_expression": JavaScan.h_assign,
    "if_statement": JavaScan.h_if,
    "for_statement": JavaScan.h_loop,
    "while_statement": JavaScan.h_loop,
    "do_statement": JavaScan.h_loop,
    "enhanced_for_statement": JavaScan.h_foreach,
    "resource": JavaScan.h_resource,
    "catch_clause": JavaScan.h_branch,
    "switch_block": JavaScan.h_branch,
    "ternary_expression": JavaScan.h_java_ternary,
    "binary_expression": JavaScan.h_binary,
    "unary_expression": JavaScan.h_unary,
    "cast_expression": JavaScan.h_cast,
    "instanceof_expression": JavaScan.h_instanceof,
    "return_statement": JavaScan.h_return,
    **{t: JavaScan.h_function for t in FUNCTION_TYPES},
}
JavaAnalysis.scan_class = JavaScan
