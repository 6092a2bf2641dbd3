"""Go scan, sinks: the families a call is checked against.

Commands and paths (``exec.Command``, ``os``/``filepath``), web sinks (SSRF, redirects,
``template.HTML``, writes to the ResponseWriter), SQL (``database/sql``, GORM), XPath;
then the configuration rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    SHELL_FLAGS,
    SHELLS,
    unwrap,
)
from devlab.reverse.security_ts_go_scan_config import GoConfigRules
from devlab.reverse.security_ts_go_tables import (
    DB_RECV,
    FPRINT,
    GORM_METHODS,
    HTML_TYPES,
    HTTP_FUNCS,
    OS_PATH_FUNCS,
    SHELL_FUNCS,
    SQL_METHODS,
    GoCall,
    short_name,
)
from devlab.reverse.taint import Taint

__all__ = ["GoSinks"]


class GoSinks(GoConfigRules):
    """The sink families of the Go scan."""

    def check_call(
        self,
        node: Node,
        fn: Node,
        q: str,
        method: str,
        recv: Node | None,
        recv_text: str,
        recv_t: list[Taint],
        args: list[Node],
        arg_t: list[list[Taint]],
    ) -> None:
        """Check one call against the sinks: the families in order (the first that claims
        the call ends the check), then the configuration rules."""
        c = GoCall(node, fn, q, method, recv, recv_text, recv_t, args, arg_t)
        for family in (self.exec_path_sinks, self.web_sinks, self.query_sinks):
            if family(c):
                return
        self.config_rules(c)

    def exec_path_sinks(self, c: GoCall) -> bool:
        """Command injection (``exec.Command`` with a shell, ``syscall.Exec``) and path
        traversal (os, ioutil, ``http.ServeFile``, framework file replies); True when the
        call was one of them."""
        node, q, method, recv_text, args, fa = c.node, c.q, c.method, c.recv_text, c.args, self.fa
        n, arg, rest = len(c.args), c.arg, c.rest
        if q in SHELL_FUNCS and n > SHELL_FUNCS[q]:
            i = SHELL_FUNCS[q]
            prog = fa.text(args[i]).strip('"`')
            short = q.rsplit("/", 1)[-1]
            if prog in SHELLS and n > i + 2 and fa.text(args[i + 1]).strip('"`') in SHELL_FLAGS:
                self.sink("cmd", node, rest(i + 2), f'sink: {short}("{prog}", "-c", ...)')
            else:
                self.sink(
                    "cmd",
                    node,
                    arg(i),
                    f"sink: {short}() program name",
                    quiet=True,
                    strong_only=True,
                )
            return True
        if q in ("syscall.Exec", "os.StartProcess") and n:
            self.sink("cmd", node, arg(0), f"sink: {q}() program", quiet=True, strong_only=True)
            return True
        if q.startswith("os.") and method == "" and q[3:] in OS_PATH_FUNCS and n:
            self.path_sinks(node, q, arg, n)
            return True
        if q.startswith(("io/ioutil.", "os.")) and q.rsplit(".", 1)[-1] in OS_PATH_FUNCS and n:
            self.path_sinks(node, q, arg, n)
            return True
        if q == "net/http.ServeFile" and n > 2:
            self.sink("path", node, arg(2), "sink: http.ServeFile()")
            return True
        if recv_text in self.ctx and method in ("File", "FileAttachment", "SendFile") and n:
            self.sink("path", node, arg(0), f"sink: {recv_text}.{method}()")
            return True
        return False

    def web_sinks(self, c: GoCall) -> bool:
        """SSRF, open redirects, XSS (``template.HTML``, writes to the ResponseWriter),
        template injection; True when the call was one of them."""
        node, q, method, recv_text, args, fa = c.node, c.q, c.method, c.recv_text, c.args, self.fa
        n, arg, rest = len(c.args), c.arg, c.rest
        if q in HTTP_FUNCS and n > HTTP_FUNCS[q]:
            self.sink("ssrf", node, arg(HTTP_FUNCS[q]), f"sink: {short_name(q)}() URL")
            return True
        if (
            method in ("Get", "Post", "Head", "PostForm")
            and n
            and (recv_text in self.clients or re.search(r"client", recv_text, re.I))
        ):
            self.sink("ssrf", node, arg(0), f"sink: {recv_text}.{method}() URL")
            return True
        if q == "net/http.Redirect" and n > 2:
            self.sink("redirect", node, arg(2), "sink: http.Redirect()")
            return True
        if method == "Redirect" and recv_text in self.ctx and n:
            self.sink("redirect", node, arg(n - 1), f"sink: {recv_text}.Redirect()")
            return True
        if q.startswith("html/template.") and q.rsplit(".", 1)[-1] in HTML_TYPES and n:
            self.sink("xss", node, arg(0), f"sink: {short_name(q)}() (trusted, not escaped)")
            return True
        if q.startswith("fmt.") and q[4:] in FPRINT and n > 1 and self.is_writer(args[0]):
            self.sink("xss", node, rest(1), f"sink: {short_name(q)}() to the ResponseWriter")
            return True
        if q == "io.WriteString" and n > 1 and self.is_writer(args[0]):
            self.sink("xss", node, arg(1), "sink: io.WriteString() to the ResponseWriter")
            return True
        if method == "Write" and n and (recv_text in self.writers or recv_text.endswith(".Writer")):
            self.sink("xss", node, arg(0), f"sink: {recv_text}.Write()")
            return True
        if method == "Data" and recv_text in self.ctx and n > 2 and "html" in fa.text(args[1]):
            self.sink("xss", node, arg(2), f"sink: {recv_text}.Data() as HTML")
            return True
        if (
            method == "Parse"
            and n
            and ("template.New(" in recv_text or recv_text in self.templates)
        ):
            self.sink("ssti", node, arg(0), "sink: template Parse() of request data", quiet=True)
            return True
        return False

    def query_sinks(self, c: GoCall) -> bool:
        """LDAP filters, XPath expressions, SQL (database/sql, GORM); True when the call
        was one of them."""
        node, q, method, recv, recv_text, args = c.node, c.q, c.method, c.recv, c.recv_text, c.args
        arg_t, n, arg = c.arg_t, len(c.args), c.arg
        if q.endswith("ldap.NewSearchRequest") and n > 6:
            self.sink("ldap", node, arg(6), "sink: ldap.NewSearchRequest() filter")
            return True
        if re.search(r"(xmlquery|htmlquery)\.(Find|FindOne|QueryAll|Query)$", q) and n > 1:
            self.sink("xpath", node, arg(1), f"sink: {short_name(q)}() expression")
            return True
        if re.search(r"(xpath|xmlpath)[\w.]*\.(Compile|MustCompile)$", q) and n:
            self.sink("xpath", node, arg(0), f"sink: {short_name(q)}() expression")
            return True
        if method in SQL_METHODS or method in GORM_METHODS:
            self.sql_call(node, method, recv, recv_text, args, arg_t)
            return True
        return False

    def path_sinks(self, node: Node, q: str, arg: Callable[[int], list[Taint]], n: int) -> None:
        short = short_name(q)
        self.sink("path", node, arg(0), f"sink: {short}()")
        if short.endswith(("Rename", "Symlink", "Link")) and n > 1:
            self.sink("path", node, arg(1), f"sink: {short}() target")

    def sql_call(
        self,
        node: Node,
        method: str,
        recv: Node | None,
        recv_text: str,
        args: list[Node],
        arg_t: list[list[Taint]],
    ) -> None:
        fa = self.fa
        if recv is None or recv_text in self.stmts or re.search(r"stmt", recv_text, re.I):
            return
        if method in GORM_METHODS and not DB_RECV.search(recv_text):
            return
        i = SQL_METHODS.get(method, 0)
        if method in ("Select", "Get") and args and fa.text(args[0]).startswith("&"):
            i = 1  # sqlx: Select(&dest, query, args...)
        if len(args) <= i:
            return
        a = args[i]
        if method in GORM_METHODS and a.type not in (
            "call_expression",
            "binary_expression",
            "identifier",
        ):
            return
        if (
            method in ("Exec", "Query", "QueryRow")
            and a.type == "identifier"
            and not (DB_RECV.search(recv_text) or self.sqlish(a) or self.fa.text(a) in self.dyn)
        ):
            return
        self.sink(
            "sql", node, arg_t[i], f"sink: {recv_text}.{method}() query", quiet=not self.dynamic(a)
        )

    def dynamic(self, node: Node) -> bool:
        node = unwrap(node)
        t = node.type
        if t == "identifier":
            return self.fa.text(node) in self.dyn
        if t == "binary_expression":
            return self.fa.text(node.child_by_field_name("operator")) == "+"
        if t == "call_expression":
            q = self.fa.qual(node.child_by_field_name("function"))
            return q in (
                "fmt.Sprintf",
                "strings.Join",
                "strings.Replace",
                "strings.ReplaceAll",
            ) or (q.endswith(".String"))
        return False
