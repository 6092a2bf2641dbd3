"""Java scan, sinks: the families a call is checked against.

Commands (``Runtime.exec``, ``ProcessBuilder`` shell forms), code (ScriptEngine, SpEL,
Groovy, OGNL), SQL (JDBC, JPA, ``JdbcTemplate``), paths (file streams, ``Files``),
deserialisation, SSRF, redirects, servlet writers, LDAP and XPath; then the
configuration rules.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    SHELL_FLAGS,
    SHELLS,
    union,
    unwrap,
)
from devlab.reverse.security_ts_java_scan_config import JavaConfigRules
from devlab.reverse.security_ts_java_tables import (
    FILE_METHODS,
    FILES_METHODS,
    JDBC_TEMPLATE,
    REST_METHODS,
    SQL_ALWAYS,
    SQL_RECV,
    WRITER_METHODS,
    JavaCall,
    array_init,
)
from devlab.reverse.taint import Taint

__all__ = ["JavaSinks"]


class JavaSinks(JavaConfigRules):
    """The sink families of the Java scan."""

    def check_call(
        self,
        node: Node,
        q: str,
        name: str,
        obj: Node | None,
        recv_text: str,
        rtype: str,
        recv_t: list[Taint],
        args: list[Node],
        arg_t: list[list[Taint]],
    ) -> None:
        """Check one call against the sinks: the families in order (the first that claims
        the call ends the check), then the configuration rules."""
        c = JavaCall(node, q, name, obj, recv_text, rtype, recv_t, args, arg_t)
        self.xml_parse(c)
        for family in (
            self.code_sinks,
            self.sql_path_sinks,
            self.deser_ssrf_sinks,
            self.output_query_sinks,
        ):
            if family(c):
                return
        self.config_rules(c)

    def code_sinks(self, c: JavaCall) -> bool:
        """Command injection (``Runtime.exec``, ``ProcessBuilder``) and code injection
        (script engines, SpEL, Groovy, OGNL, MVEL); True when the call was one of them."""
        node, q, name, recv_text, rtype, args = c.node, c.q, c.name, c.recv_text, c.rtype, c.args
        arg_t, fa, n, arg = c.arg_t, self.fa, len(c.args), c.arg
        # command injection
        if name == "exec" and (rtype == "Runtime" or "getRuntime()" in recv_text) and n:
            a0 = args[0]
            init = array_init(a0)
            if init is None and a0.type == "identifier":
                init = self.arrays.get(fa.text(a0))
            if init is not None:
                self.command_list(node, init, "Runtime.exec(String[])")
            else:
                self.sink("cmd", node, arg(0), "sink: Runtime.exec()")
            return True
        if name == "command" and "ProcessBuilder" in (rtype or recv_text):
            self.process_builder(node, args, arg_t)
            return True
        # code injection
        if name == "eval" and ("ScriptEngine" in rtype or re.search(r"engine", recv_text, re.I)):
            self.sink("code", node, arg(0), "sink: ScriptEngine.eval()")
            return True
        if name == "parseExpression" and (
            "ExpressionParser" in rtype or re.search(r"parser|Spel", recv_text, re.I)
        ):
            self.sink("code", node, arg(0), "sink: SpEL parseExpression()")
            return True
        if name in ("evaluate", "parse", "run") and "GroovyShell" in (rtype + recv_text):
            self.sink("code", node, arg(0), "sink: GroovyShell." + name + "()")
            return True
        if q in ("Ognl.getValue", "Ognl.parseExpression", "MVEL.eval", "MVEL.compileExpression"):
            self.sink("code", node, arg(0), f"sink: {q}()")
            return True
        return False

    def sql_path_sinks(self, c: JavaCall) -> bool:
        """SQL queries and path traversal (``Files``, ``File``, ``transferTo``); True when
        the call was one of them."""
        node, q, name, recv_text, rtype = c.node, c.q, c.name, c.recv_text, c.rtype
        recv_t, args, n, arg = c.recv_t, c.args, len(c.args), c.arg
        # SQL
        if n and (
            name in SQL_ALWAYS
            or (
                name in JDBC_TEMPLATE
                and ("JdbcTemplate" in rtype or re.search(r"jdbc|template", recv_text, re.I))
            )
            or (
                name == "execute"
                and ("Statement" in rtype or SQL_RECV.search(recv_text) or self.sqlish(args[0]))
            )
        ):
            if args[0].type in ("string_literal", "identifier", "binary_expression") or (
                args[0].type == "method_invocation"
            ):
                self.sink(
                    "sql",
                    node,
                    arg(0),
                    f"sink: {name}() query",
                    quiet=not self.dynamic(args[0]),
                )
            return True
        # path traversal
        if q.startswith(("Files.", "java.nio.file.Files.")) and name in FILES_METHODS and n:
            self.sink("path", node, arg(0), f"sink: Files.{name}()")
            if name in ("copy", "move") and n > 1:
                self.sink("path", node, arg(1), f"sink: Files.{name}() target")
            return True
        if name in FILE_METHODS and ("File" in rtype or "new File" in recv_text) and recv_t:
            self.sink("path", node, recv_t, f"sink: File.{name}()")
            return True
        if name == "transferTo" and n:
            self.sink("path", node, arg(0), "sink: MultipartFile.transferTo()")
            return True
        return False

    def deser_ssrf_sinks(self, c: JavaCall) -> bool:
        """Deserialisation (Java serialisation, SnakeYAML, XStream, Jackson default
        typing) and SSRF; True when the call was one of them."""
        node, q, name, obj, recv_text, rtype = c.node, c.q, c.name, c.obj, c.recv_text, c.rtype
        recv_t, fa, n, arg = c.recv_t, self.fa, len(c.args), c.arg
        # deserialisation
        if name in ("readObject", "readUnshared") and (
            "ObjectInputStream" in rtype or "XMLDecoder" in rtype
        ):
            if not fa.resolve_class:
                what = "XMLDecoder" if "XMLDecoder" in rtype else "ObjectInputStream"
                self.sink("deser", node, recv_t, f"sink: {what}.{name}()")
            return True
        if name in ("load", "loadAll", "loadAs") and (
            rtype.rsplit(".", 1)[-1] == "Yaml" or re.match(r"new ([\w.]+\.)?Yaml\(\s*\)", recv_text)
        ):
            if not (obj is not None and fa.text(obj) in self.safe_yaml) and (
                "SafeConstructor" not in (fa.text(obj) if obj is not None else recv_text)
            ):
                self.sink("deser", node, arg(0), "sink: SnakeYAML Yaml.load()")
            return True
        if name == "fromXML" and ("XStream" in rtype or re.search(r"xstream", recv_text, re.I)):
            self.sink("deser", node, arg(0), "sink: XStream.fromXML()")
            return True
        if name in ("enableDefaultTyping", "activateDefaultTyping"):
            fa.config(
                "DESER",
                "CWE-502",
                "Unsafe deserialisation",
                node,
                f"Jackson {name}() lets JSON choose the classes to instantiate (gadget chains).",
                "medium",
                "medium",
                "Remove default typing, or restrict it with a PolymorphicTypeValidator allow-list.",
                self.symbol,
            )
            return True
        # SSRF
        if name in ("openConnection", "openStream") and recv_t:
            self.sink("ssrf", node, recv_t, f"sink: URL.{name}()")
            return True
        if (
            n
            and name in REST_METHODS
            and ("RestTemplate" in rtype or re.search(r"rest", recv_text, re.I))
        ):
            self.sink("ssrf", node, arg(0), f"sink: RestTemplate.{name}() URL")
            return True
        if n and (
            name == "uri"
            or q in ("HttpRequest.newBuilder", "Jsoup.connect")
            or (name == "url" and "Builder" in recv_text)
        ):
            self.sink("ssrf", node, arg(0), f"sink: {q or name}() URL")
            return True
        return False

    def output_query_sinks(self, c: JavaCall) -> bool:
        """Redirects, XSS through the response writer, LDAP and XPath queries, the
        session as a trust boundary; True when the call was one of them."""
        node, name, obj, recv_text, rtype = c.node, c.name, c.obj, c.recv_text, c.rtype
        recv_t, args, fa, n, arg = c.recv_t, c.args, self.fa, len(c.args), c.arg
        # redirects
        if name == "sendRedirect" and n:
            self.sink("redirect", node, arg(0), "sink: response.sendRedirect()")
            return True
        if name in ("setHeader", "addHeader") and n > 1 and fa.text(args[0]) == '"Location"':
            self.sink("redirect", node, arg(1), "sink: Location header")
            return True
        # XSS
        if (
            name in WRITER_METHODS
            and n
            and (
                "getWriter()" in recv_text
                or "getOutputStream()" in recv_text
                or (obj is not None and fa.text(obj) in self.writers)
            )
        ):
            i = 1 if name in ("printf", "format") and n > 1 else 0
            t = arg(i)
            for j in range(i + 1, n):
                t = union(t, arg(j))
            self.sink("xss", node, t, f"sink: response writer .{name}()")
            return True
        # LDAP / XPath
        if (
            name == "search"
            and n > 1
            and (
                re.search(r"DirContext|LdapContext|LdapTemplate", rtype)
                or re.search(r"ctx|context|ldap", recv_text, re.I)
            )
        ):
            if args[1].type in ("binary_expression", "identifier", "string_literal") or (
                fa.text(args[1]).startswith("String.format")
            ):
                self.sink("ldap", node, arg(1), "sink: LDAP search() filter")
            return True
        if (
            name in ("evaluate", "compile")
            and n
            and ("XPath" in rtype or re.search(r"xpath", recv_text, re.I))
        ):
            self.sink("xpath", node, arg(0), f"sink: XPath.{name}() expression")
            return True
        if name in ("selectNodes", "selectSingleNode", "valueOf") and n == 1 and recv_t == []:
            if re.search(r"doc|node|root|element", recv_text, re.I):
                self.sink("xpath", node, arg(0), f"sink: {name}() XPath expression")
            return True
        # trust boundary
        if (
            name in ("setAttribute", "putValue")
            and n > 1
            and (
                "HttpSession" in rtype
                or re.search(r"session", recv_text, re.I)
                or "getSession()" in recv_text
            )
        ):
            self.sink("trust", node, arg(1), "sink: session.setAttribute()")
            return True
        return False

    def process_builder(self, node: Node, args: list[Node], arg_t: list[list[Taint]]) -> None:
        fa = self.fa
        items = args
        if len(args) == 1 and args[0].type == "method_invocation":
            q = fa.qual(args[0])
            if q in ("Arrays.asList()", "List.of()"):
                inner = args[0].child_by_field_name("arguments")
                items = list(inner.named_children) if inner is not None else []
        if len(items) == 1 and (init := array_init(items[0])) is not None:
            items = list(init.named_children)
        if items is args and len(args) == 1 and args[0].type == "identifier":
            self.sink("cmd", node, arg_t[0], "sink: ProcessBuilder command list", quiet=True)
            return
        self.command_items(node, items, "ProcessBuilder")

    def command_list(self, node: Node, init: Node, label: str) -> None:
        self.command_items(node, list(init.named_children), label)

    def command_items(self, node: Node, items: list[Node], label: str) -> None:
        fa = self.fa
        if not items:
            return
        prog = fa.text(items[0]).strip('"')
        if prog in SHELLS and len(items) > 2 and fa.text(items[1]).strip('"') in SHELL_FLAGS:
            t: list[Taint] = []
            for it in items[2:]:
                t = union(t, self.eval(it))
            self.sink("cmd", node, t, f"sink: {label} via '{prog} -c'")
            return
        self.sink(
            "cmd",
            node,
            self.eval(items[0]),
            f"sink: {label} program name",
            quiet=True,
            strong_only=True,
        )

    def dynamic(self, node: Node) -> bool:
        node = unwrap(node)
        t = node.type
        if t == "identifier":
            return self.fa.text(node) in self.dyn
        if t == "binary_expression":
            return self.fa.text(node.child_by_field_name("operator")) == "+"
        if t == "method_invocation":
            name = self.fa.text(node.child_by_field_name("name"))
            obj = node.child_by_field_name("object")
            if name == "toString" and obj is not None:
                return self.dynamic(obj)
            return name in ("format", "concat", "formatted", "replace", "join")
        return False
