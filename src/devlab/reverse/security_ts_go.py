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
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node, Tree

from devlab.reverse.security_tables import load_table
from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    CLI_PRESET,
    PASSWORDISH,
    PREFIX_GUARD,
    SHELL_FLAGS,
    SHELLS,
    SQL_TEXT,
    FileAnalysis,
    Scan,
    Summary,
    make_rules,
    row,
    same,
    union,
    unwrap,
    words,
)
from devlab.reverse.taint import Taint

__all__ = ["GoAnalysis"]


FUNCTION_TYPES = words("function_declaration method_declaration func_literal")
RULES = make_rules(
    "GO",
    {
        "cmd": 'Run a fixed program with exec.Command("prog", args...) (no "sh -c") and '
        "validate user values against an allow-list.",
        "sql": 'Use placeholders: db.Query("SELECT ... WHERE id = ?", id) ($1 for '
        "PostgreSQL), never fmt.Sprintf or + to build queries.",
        "path": "Keep only filepath.Base(name), or filepath.Join(base, name) followed by a "
        "strings.HasPrefix(filepath.Clean(p), base) check (or filepath.IsLocal).",
        "ssrf": "Parse the URL (url.Parse), check scheme and host against an allow-list and "
        "block internal addresses before requesting it.",
        "redirect": "Redirect only to relative paths or allow-listed hosts.",
        "xss": "Render with html/template (it escapes), escape with html.EscapeString(), and "
        "never convert user data to template.HTML.",
        "ldap": "Escape filter values with ldap.EscapeFilter().",
        "xpath": "Do not concatenate input into XPath expressions; validate it strictly.",
        "trust": "Validate the value before storing it in the session.",
        "ssti": "Parse templates only from trusted files/constants; pass user data as the "
        "template's data argument.",
    },
)

GO_BUILTINS = words(
    "len cap append make new panic recover print println copy delete close min max clear "
    "complex real imag nil true false iota string int int64 int32 uint uint64 uint32 byte "
    "rune float64 float32 bool error any"
)
#: the rule tables (sources, sinks, sanitisers, propagators) as data
T = load_table("go")
REQ_FIELDS = T.names("sources.request_fields")
CTX_SOURCES = T.names("sources.context_methods")
CTX_BINDERS = T.names("sources.context_binders")
CTX_TYPES = T.pattern("sources.context_types")
SANITISERS = T.kinds("sanitisers")
NUMERIC_CONVERSIONS = T.names("propagators.numeric_conversions")
CLEAN_FUNCS = T.names("propagators.clean_calls")
SHELL_FUNCS = T.positions("sinks.cmd.calls")
OS_PATH_FUNCS = T.names("sinks.path.os_functions")
SQL_METHODS = T.positions("sinks.sql.methods")
GORM_METHODS = T.names("sinks.sql.gorm_methods")
DB_RECV = T.pattern("sinks.sql.receivers")
HTTP_FUNCS = T.positions("sinks.ssrf.calls")
HTML_TYPES = T.names("sinks.xss.template_types")
FPRINT = T.names("sinks.xss.fprint")
RAND_FUNCS = T.names("config.math_rand_functions")
COOKIEISH = T.pattern("config.cookie_names")


# package names read as these import paths when a file (or snippet) does not import them
DEFAULT_IMPORTS = T.mapping("modules.default_imports")


class GoAnalysis(FileAnalysis):
    """Go file analysis: imports (alias -> path), functions and methods, package vars."""

    prefix = "GO"
    rules = RULES

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        super().__init__(path, text, src, tree, language)
        self.imports: dict[str, str] = {}  # local name -> import path

    def prepare(self) -> None:
        for name, path in DEFAULT_IMPORTS.items():  # snippets and broken import blocks
            self.imports.setdefault(name, path)
        for node in self.tree.root_node.named_children:
            if node.type == "import_declaration":
                for spec in descendants_of(node, "import_spec"):
                    path = self.text(spec.child_by_field_name("path")).strip('"`')
                    name_node = spec.child_by_field_name("name")
                    name = self.text(name_node) if name_node is not None else ""
                    if path == "net/http/pprof":
                        self.config(
                            "DEBUG",
                            "CWE-489",
                            "Profiling endpoints exposed",
                            spec,
                            "Importing net/http/pprof registers /debug/pprof/ handlers on the "
                            "default mux: heap dumps, goroutine stacks and CPU profiles "
                            "become reachable.",
                            "medium",
                            "high",
                            "Serve pprof only on a separate, internal-only listener (or remove "
                            "the import from production builds).",
                            None,
                        )
                    if name in ("_", "."):
                        continue
                    local = name or _package_name(path)
                    self.imports[local] = path
            elif node.type == "function_declaration":
                self.register(self.text(node.child_by_field_name("name")), node)
            elif node.type == "method_declaration":
                self.register("." + self.text(node.child_by_field_name("name")), node)

    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        if fn.type == "func_literal":
            return parent
        name = self.text(fn.child_by_field_name("name"))
        if fn.type == "method_declaration":
            recv = self.text(fn.child_by_field_name("receiver"))
            # A match may start only where a word starts (quadratic on a long
            # identifier otherwise: issue 13's sweep of the analysers' literals).
            m = re.search(r"(?<!\w)(\w+)(\[[^\]]{0,256}\])?\s*\)\s*$", recv)
            if m:
                return f"{m.group(1)}.{name}"
        return name

    def params(self, fn: Node) -> list[tuple[int, str, Node, Taint | None]]:
        ps = fn.child_by_field_name("parameters")
        out: list[tuple[int, str, Node, Taint | None]] = []
        if ps is None:
            return out
        i = 0
        for p in ps.named_children:
            if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            typ = self.text(p.child_by_field_name("type"))
            names = p.children_by_field_name("name")
            for n in names or [p]:
                name = self.text(n) if names else ""
                src: Taint | None = None
                if "httprouter.Params" in typ:
                    line = row(p)
                    src = Taint("httprouter params").then(
                        line, self.code(line), f"source: route parameters {name}"
                    )
                if name:
                    out.append((i, name, p, src))
                i += 1
        return out

    def qual(self, node: Node | None) -> str:
        """``exec.Command`` -> ``os/exec.Command`` (import path resolved), else the text."""
        if node is None:
            return "?"
        if node.type == "selector_expression":
            op = node.child_by_field_name("operand")
            field = self.text(node.child_by_field_name("field"))
            if op is not None and op.type == "identifier":
                path = self.imports.get(self.text(op))
                if path is not None:  # github.com/go-ldap/ldap/v3 -> .../ldap (major version)
                    return f"{MAJOR_VERSION.sub('', path)}.{field}"
            return f"{self.text(op)[:60]}.{field}"
        if node.type == "identifier":
            return self.text(node)
        return "?"


MAJOR_VERSION = re.compile(r"/v\d+$")


def _package_name(path: str) -> str:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if re.fullmatch(r"v\d+", last) and "/" in path:
        last = path.rstrip("/").rsplit("/", 2)[-2]
    return last.removeprefix("go-").split(".")[0].replace("-", "_")


def descendants_of(node: Node, typ: str) -> list[Node]:
    out: list[Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == typ:
            out.append(n)
        else:
            stack.extend(n.named_children)
    return out


@dataclass(frozen=True, slots=True)
class _Call:
    """One call on its way through ``GoScan.check_call``: the call node, the callee and
    its qualified name, the method and receiver (node, text, taints), the arguments."""

    node: Node
    fn: Node
    q: str
    method: str
    recv: Node | None
    recv_text: str
    recv_t: list[Taint]
    args: list[Node]
    arg_t: list[list[Taint]]

    def arg(self, i: int) -> list[Taint]:
        """The taints of argument ``i`` (none past the last)."""
        return self.arg_t[i] if i < len(self.arg_t) else []

    def rest(self, i: int) -> list[Taint]:
        """The taints of arguments ``i`` and after (a variadic tail)."""
        out: list[Taint] = []
        for j in range(i, len(self.args)):
            out = union(out, self.arg(j))
        return out


class GoScan(Scan):
    """The walk of one Go function body."""

    fa: GoAnalysis

    literals = words(
        "interpreted_string_literal raw_string_literal int_literal float_literal "
        "imaginary_literal rune_literal true false nil iota comment field_identifier "
        "package_identifier type_identifier label_name inc_statement dec_statement "
        "interpreted_string_literal_content escape_sequence"
    )
    skip = words(
        "import_declaration package_clause type_declaration pointer_type slice_type map_type "
        "qualified_type function_type interface_type struct_type channel_type array_type "
        "generic_type type_arguments break_statement continue_statement goto_statement "
        "fallthrough_statement empty_statement"
    )
    block_types = words("block")

    def __init__(
        self,
        fa: FileAnalysis,
        summary: Summary | None,
        symbol: str | None,
        env: dict[str, list[Taint]],
    ) -> None:
        super().__init__(fa, summary, symbol, env)
        self.req: set[str] = set()
        self.writers: set[str] = set()
        self.ctx: set[str] = set()
        self.stmts: set[str] = set()  # prepared statements
        self.templates: set[str] = set()
        self.digests: dict[str, str] = {}
        self.clients: set[str] = set()
        self._fn_text: str | None = None

    def fn_text(self) -> str:
        if self._fn_text is None:
            self._fn_text = self.fa.text(self.function) if self.function is not None else ""
        return self._fn_text

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

    # names -----------------------------------------------------------------------------------
    def h_ident(self, node: Node) -> list[Taint]:
        fa = self.fa
        name = fa.text(node)
        t = self.env.get(name)
        if t is not None:
            return t
        if name in fa.imports or name in GO_BUILTINS or name in fa.functions or name == "_":
            return []
        if name[:1].isupper():
            return []
        return self.unknown()

    def is_package(self, name: str) -> bool:
        return name in self.fa.imports and name not in self.env

    def is_request(self, node: Node | None) -> bool:
        if node is None:
            return False
        if node.type == "identifier":
            return self.fa.text(node) in self.req
        if node.type == "selector_expression":
            op = node.child_by_field_name("operand")
            return (
                self.fa.text(node.child_by_field_name("field")) == "Request"
                and op is not None
                and self.fa.text(op) in self.ctx
            )
        return False

    def h_selector(self, node: Node) -> list[Taint]:
        fa = self.fa
        op = node.child_by_field_name("operand")
        field = fa.text(node.child_by_field_name("field"))
        if self.is_request(op) and field in REQ_FIELDS:
            return self.source(f"{fa.text(op)}.{field}", node)
        q = fa.qual(node)
        if q == "os.Args":
            return self.source("os.Args", node, CLI_PRESET)
        if q == "os.Stdin":
            return self.source("os.Stdin", node, CLI_PRESET)
        text = fa.text(node)
        if len(text) < 80 and text in self.env:
            return self.env[text]
        if op is not None and op.type == "identifier" and self.is_package(fa.text(op)):
            return []
        return self.eval(op)

    def h_index(self, node: Node) -> list[Taint]:
        index = node.child_by_field_name("index")
        operand = node.child_by_field_name("operand")
        if self.fa.text(index) == "0" and self.fa.text(operand) == "os.Args":
            return []  # the program's own path
        self.eval(index)
        return self.eval(node.child_by_field_name("operand"))

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
            return self.call_local(target, fa.text(fn), node, arg_t, _variadic(args))
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
        c = _Call(node, fn, q, method, recv, recv_text, recv_t, args, arg_t)
        for family in (self.exec_path_sinks, self.web_sinks, self.query_sinks):
            if family(c):
                return
        self.config_rules(c)

    def exec_path_sinks(self, c: _Call) -> bool:
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

    def web_sinks(self, c: _Call) -> bool:
        """SSRF, open redirects, XSS (``template.HTML``, writes to the ResponseWriter),
        template injection; True when the call was one of them."""
        node, q, method, recv_text, args, fa = c.node, c.q, c.method, c.recv_text, c.args, self.fa
        n, arg, rest = len(c.args), c.arg, c.rest
        if q in HTTP_FUNCS and n > HTTP_FUNCS[q]:
            self.sink("ssrf", node, arg(HTTP_FUNCS[q]), f"sink: {_short(q)}() URL")
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
            self.sink("xss", node, arg(0), f"sink: {_short(q)}() (trusted, not escaped)")
            return True
        if q.startswith("fmt.") and q[4:] in FPRINT and n > 1 and self.is_writer(args[0]):
            self.sink("xss", node, rest(1), f"sink: {_short(q)}() to the ResponseWriter")
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

    def query_sinks(self, c: _Call) -> bool:
        """LDAP filters, XPath expressions, SQL (database/sql, GORM); True when the call
        was one of them."""
        node, q, method, recv, recv_text, args = c.node, c.q, c.method, c.recv, c.recv_text, c.args
        arg_t, n, arg = c.arg_t, len(c.args), c.arg
        if q.endswith("ldap.NewSearchRequest") and n > 6:
            self.sink("ldap", node, arg(6), "sink: ldap.NewSearchRequest() filter")
            return True
        if re.search(r"(xmlquery|htmlquery)\.(Find|FindOne|QueryAll|Query)$", q) and n > 1:
            self.sink("xpath", node, arg(1), f"sink: {_short(q)}() expression")
            return True
        if re.search(r"(xpath|xmlpath)[\w.]*\.(Compile|MustCompile)$", q) and n:
            self.sink("xpath", node, arg(0), f"sink: {_short(q)}() expression")
            return True
        if method in SQL_METHODS or method in GORM_METHODS:
            self.sql_call(node, method, recv, recv_text, args, arg_t)
            return True
        return False

    def config_rules(self, c: _Call) -> None:
        """The configuration rules: weak hashes and ciphers, math/rand, gin debug mode."""
        node, q, method, recv_text, args, fa = c.node, c.q, c.method, c.recv_text, c.args, self.fa
        n = len(c.args)
        # configuration rules
        base = q.rsplit(".", 1)[0]
        name = q.rsplit(".", 1)[-1]
        if base in ("crypto/md5", "crypto/sha1") and name in ("New", "Sum"):
            alg = base.rsplit("/", 1)[-1].upper()
            self.hash_rule(node, alg, fa.text(args[0])[:200] if args else "")
            if self.target and name == "New":
                self.digests[self.target] = alg
            if name == "Sum":
                self.hashed_input(node, alg, c.arg(0))
        elif method == "SetCookie" and recv_text in self.ctx and n >= 7:
            self.gin_cookie(node, args)
        elif method == "Write" and recv_text in self.digests and n:
            if PASSWORDISH.search(fa.text(args[0])[:200]):
                self.hash_rule(node, self.digests[recv_text], fa.text(args[0]))
            self.hashed_input(node, self.digests[recv_text], c.arg(0))
        elif base in ("crypto/des", "crypto/rc4") and name.startswith("New"):
            self.fa.config(
                "WEAKCRYPTO",
                "CWE-327",
                "Weak or broken cipher",
                node,
                f"{_short(q)}() uses a broken cipher.",
                "medium",
                "high",
                "Use AES-GCM (crypto/aes + cipher.NewGCM) or chacha20poly1305.",
                self.symbol,
            )
        elif base in ("math/rand", "math/rand/v2") and name in RAND_FUNCS:
            self.random_rule(node, _short(q))
        elif q == "github.com/gin-gonic/gin.SetMode" and n and "Debug" in fa.text(args[0]):
            fa.config(
                "DEBUG",
                "CWE-489",
                "Debug mode enabled",
                node,
                "gin runs in debug mode.",
                "low",
                "high",
                "Use gin.ReleaseMode in production (GIN_MODE=release).",
                self.symbol,
            )

    def path_sinks(self, node: Node, q: str, arg: Callable[[int], list[Taint]], n: int) -> None:
        short = _short(q)
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

    def sqlish(self, node: Node) -> bool:
        if node.type == "identifier":
            return self.fa.text(node) in self.sql_vars
        return node.end_byte - node.start_byte < 2000 and bool(SQL_TEXT.search(self.fa.text(node)))

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

    def is_writer(self, node: Node) -> bool:
        """An ``http.ResponseWriter`` parameter, or a Gin / Echo context's ``c.Writer``."""
        text = self.fa.text(node)
        return text in self.writers or (
            text.endswith(".Writer") and text.rsplit(".", 1)[0] in self.ctx
        )

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

    def gin_cookie(self, node: Node, args: list[Node]) -> None:
        """Gin's ``c.SetCookie(name, value, maxAge, path, domain, secure, httpOnly)``."""
        fa = self.fa
        missing = [
            f for f, a in (("Secure", args[5]), ("HttpOnly", args[6])) if fa.text(a) != "true"
        ]
        if not missing:
            return
        explicit = any(fa.text(a) == "false" for a in args[5:7])
        name = fa.text(args[0]).strip('"')
        fa.config(
            "COOKIE",
            "CWE-614",
            "Insecure cookie",
            node,
            f"c.SetCookie({name[:40]}) is set without {' and '.join(missing)}: the cookie can "
            "leak over plain HTTP or to scripts.",
            "medium" if explicit or COOKIEISH.search(name) else "low",
            "high" if explicit else "medium",
            "Pass secure=true and httpOnly=true (and c.SetSameSite(http.SameSiteLaxMode)).",
            self.symbol,
        )

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
        if cond is None or cond.end_byte - cond.start_byte > 2000:
            return
        fa = self.fa
        stack = [cond]
        while stack:
            n = stack.pop()
            stack.extend(n.named_children)
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

    # configuration rules ---------------------------------------------------------------------
    def tls(self, node: Node) -> None:
        self.tls_off(
            node,
            "InsecureSkipVerify: true accepts any certificate: traffic can be intercepted.",
            "high",
            "Remove InsecureSkipVerify; trust a private CA through tls.Config.RootCAs.",
        )

    def hash_rule(self, node: Node, alg: str, data: str) -> None:
        self.weak_hash(
            node,
            f"{self.target} {self.symbol or ''} {data}",
            alg,
            "Hash passwords with golang.org/x/crypto/bcrypt or argon2; use crypto/sha256 "
            "elsewhere.",
            "(crypto/" + alg.lower() + ") is broken for security uses",
        )

    def random_rule(self, node: Node, what: str) -> None:
        self.random_secret(
            node,
            f"{what} (math/rand)",
            "Use crypto/rand (rand.Read, rand.Text) for tokens, keys and passwords.",
        )

    def credential(self, node: Node, name: str, value: Node) -> None:
        if value.type not in ("interpreted_string_literal", "raw_string_literal"):
            return
        self.hard_coded(
            node,
            name,
            self.fa.text(value)[1:-1],
            "Read the secret from the environment (os.Getenv) or a secrets manager; rotate it "
            "if it was committed.",
        )


def descendants_of_params(fn: Node) -> list[Node]:
    ps = fn.child_by_field_name("parameters")
    if ps is None:
        return []
    return [p for p in ps.named_children if p.type.endswith("parameter_declaration")]


def _variadic(args: list[Node]) -> int:
    for i, a in enumerate(args):
        if a.type == "variadic_argument":
            return i
    return -1


def _short(q: str) -> str:
    return q.rsplit("/", 1)[-1]


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
