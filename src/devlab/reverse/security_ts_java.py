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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node, Tree

from devlab.reverse.models import Severity
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
    credential_name,
    make_rules,
    row,
    same,
    union,
    unwrap,
    words,
)
from devlab.reverse.taint import Taint

__all__ = ["JavaAnalysis"]


WEAK_GETINSTANCE = re.compile(r'^MessageDigest\.getInstance\(\s*"([\w-]+)"\s*\)$')
HTML_TEXT = re.compile(r'"\s*<[A-Za-z!/]')  # a string literal that starts with a tag
#: the rule tables (sources, sinks, sanitisers, propagators) as data
T = load_table("java")
ALLOW_METHODS = T.names("guards.allow_list_methods")
FUNCTION_TYPES = words("method_declaration constructor_declaration lambda_expression")
RULES = make_rules(
    "JAVA",
    {
        "cmd": "Run a fixed program with ProcessBuilder and pass user values as separate "
        "arguments (no 'sh -c'); validate them against an allow-list.",
        "code": "Never evaluate user input as script or expression language; use "
        "SimpleEvaluationContext for SpEL or map inputs to fixed operations.",
        "sql": "Use a PreparedStatement with ? placeholders (or named parameters / JPA "
        "setParameter) instead of concatenating values into the query.",
        "path": "Resolve the name against the base directory, normalize() it and reject it "
        "unless it startsWith(base); or keep only FilenameUtils.getName(name).",
        "deser": "Do not deserialise untrusted data with ObjectInputStream/XMLDecoder/"
        "XStream; use JSON into fixed types, an ObjectInputFilter allow-list, or "
        "new Yaml(new SafeConstructor(...)).",
        "ssrf": "Check the URL's scheme and host against an allow-list before connecting and "
        "block internal address ranges.",
        "redirect": "Redirect only to relative paths or to allow-listed hosts.",
        "xss": "Encode output for its context (OWASP Encoder Encode.forHtml(), "
        "HtmlUtils.htmlEscape()) or render through an escaping template.",
        "ldap": "Escape filter values with LdapEncoder.filterEncode() (Spring LDAP) or use "
        'a parameterised filter: ctx.search(base, "(uid={0})", new Object[]{v}, ctls).',
        "xpath": "Use an XPathVariableResolver with $variables instead of concatenating "
        "input into the expression.",
        "trust": "Validate the value before storing it in the session.",
    },
)

REQ_TYPES = T.pattern("sources.request_types")
REQ_METHODS = T.names("sources.request_methods")
SOURCE_ANNOTATIONS = T.names("sources.parameter_annotations")
MAPPINGS = T.names("sources.mapping_annotations")
SIMPLE_TYPES = T.names("sources.simple_types")
NON_TEXT_TYPES = T.names("sources.non_text_types")  # bound values that hold no text
SANITISER_QUALS = T.kinds("sanitisers")
SANITISER_METHODS = T.kinds("sanitiser_methods")
CLEAN_METHODS = T.names("propagators.clean_methods")
MUTATORS = T.names("propagators.mutators")
CALLBACK_METHODS = T.names("propagators.callbacks")
PATH_CTORS = T.names("sinks.path.constructors")
FILES_METHODS = T.names("sinks.path.files_methods")
FILE_METHODS = T.names("sinks.path.file_methods")
SQL_ALWAYS = T.names("sinks.sql.always")
JDBC_TEMPLATE = T.names("sinks.sql.jdbc_template")
SQL_RECV = T.pattern("sinks.sql.receivers")
REST_METHODS = T.names("sinks.ssrf.rest_template")
HTTP_CTORS = T.names("sinks.ssrf.constructors")
WRITER_METHODS = T.names("sinks.xss.writer_methods")
RANDOM_METHODS = T.names("config.random_methods")
XML_FACTORIES = T.names("sinks.xxe.factories")
XXE_SAFE = T.pattern("sinks.xxe.safe_features")
WEAK_DIGESTS = T.names("config.weak_digests")
WEAK_CIPHER = T.pattern("config.weak_ciphers")
COOKIEISH = T.pattern("config.cookie_names")
RETURN_TYPES = T.mapping("propagators.return_types")


class JavaAnalysis(FileAnalysis):
    """Java file analysis: method registry (by name and arity), constant fields, types."""

    prefix = "JAVA"
    rules = RULES

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        super().__init__(path, text, src, tree, language)
        self.field_types: dict[str, str] = {}
        self.req_names: set[str] = {"request", "req", "httpRequest", "servletRequest"}
        self.resolve_class = False
        # XML factories without XXE protection: (node, factory, symbol), and per method
        # what its parse calls read: "source" (user data), "untraced" or "constant"
        self.xxe_pending: list[tuple[Node, str, str | None]] = []
        self.xxe_parsed: dict[str | None, str] = {}

    def prepare(self) -> None:
        stack = [self.tree.root_node]
        while stack:
            n = stack.pop()
            t = n.type
            if t in ("method_declaration", "constructor_declaration"):
                name = self.text(n.child_by_field_name("name"))
                ps = n.child_by_field_name("parameters")
                arity = len([p for p in ps.named_children if "parameter" in p.type]) if ps else 0
                self.register(f"{name}/{arity}", n)
                if name == "resolveClass":
                    self.resolve_class = True
                continue
            if t == "field_declaration":
                typ = self.text(n.child_by_field_name("type"))
                for d in n.children_by_field_name("declarator"):
                    name = self.text(d.child_by_field_name("name"))
                    value = d.child_by_field_name("value")
                    self.field_types[name] = typ
                    if value is not None and value.type.endswith("literal"):
                        self.module_env[name] = []
                continue
            stack.extend(n.named_children)

    def finish(self) -> None:
        _xxe_findings(self)
        for m in re.finditer(
            r"@EnableWebSecurity\s*\(\s*debug\s*=\s*true", self.src.decode("utf-8", "replace")
        ):
            line = self.src[: m.start()].count(b"\n") + 1
            self.add(
                "DL-JAVA-DEBUG",
                "CWE-489",
                "Debug mode enabled",
                "Spring Security debug mode logs requests, headers and security details.",
                "medium",
                "high",
                line,
                line,
                None,
                "Remove debug = true (or drive it from a development-only profile).",
            )

    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        if fn.type == "lambda_expression":
            return parent
        name = self.text(fn.child_by_field_name("name"))
        classes: list[str] = []
        p = fn.parent
        while p is not None:
            if p.type in (
                "class_declaration",
                "interface_declaration",
                "enum_declaration",
                "record_declaration",
            ):
                classes.append(self.text(p.child_by_field_name("name")))
            elif p.type == "object_creation_expression":
                classes.append(self.text(p.child_by_field_name("type")) + "$anon")
            p = p.parent
        return ".".join([*reversed(classes), name])

    def params(self, fn: Node) -> list[tuple[int, str, Node, Taint | None]]:
        ps = fn.child_by_field_name("parameters")
        if ps is None:
            return []
        if ps.type == "identifier":
            return [(0, self.text(ps), ps, None)]
        mapping = False
        mods = next((c for c in fn.named_children if c.type == "modifiers"), None)
        if mods is not None:
            mapping = any(self.annotation_name(a) in MAPPINGS for a in mods.named_children)
        fname = self.text(fn.child_by_field_name("name"))
        out: list[tuple[int, str, Node, Taint | None]] = []
        plist = [p for p in ps.named_children if p.type != "receiver_parameter"]
        for i, p in enumerate(plist):
            if p.type == "identifier":
                out.append((i, self.text(p), p, None))
                continue
            name_node = p.child_by_field_name("name")
            if name_node is None:  # spread_parameter: the declarator holds the name
                decl = next((c for c in p.named_children if c.type == "variable_declarator"), None)
                name_node = decl.child_by_field_name("name") if decl is not None else None
            if name_node is None:
                continue
            name = self.text(name_node)
            typ = self.text(p.child_by_field_name("type"))
            pm = next((c for c in p.named_children if c.type == "modifiers"), None)
            anns = [self.annotation_name(a) for a in pm.named_children] if pm is not None else []
            line = row(p)
            src: Taint | None = None
            label = next((a for a in anns if a in SOURCE_ANNOTATIONS), None)
            if typ in NON_TEXT_TYPES and (label or mapping):
                # @PathVariable Long id: the framework bound a number, not text (a value
                # that reaches no sink, rather than a parameter of untraced origin)
                src = Taint(f"{typ} {name}", -1, (), ALL_KINDS)
            elif label:
                src = Taint(f"@{label} {name}").then(
                    line, self.code(line), f"source: @{label} parameter {name}"
                )
            elif fname == "main" and "String" in typ and "[" in self.text(p):
                src = Taint("command-line args", -1, (), CLI_PRESET).then(
                    line, self.code(line), "source: main() arguments"
                )
            elif mapping and not anns and typ in SIMPLE_TYPES:
                src = Taint(f"request parameter {name}").then(
                    line, self.code(line), f"source: request parameter {name} (Spring binding)"
                )
            if REQ_TYPES.search(typ) and "Response" not in typ:
                self.req_names.add(name)
            out.append((i, name, p, src))
        return out

    def annotation_name(self, a: Node) -> str:
        if a.type not in ("annotation", "marker_annotation"):
            return ""
        return self.text(a.child_by_field_name("name")).rsplit(".", 1)[-1]

    def qual(self, node: Node | None, depth: int = 0) -> str:
        if node is None or depth > 8:
            return "?"
        t = node.type
        if t in ("identifier", "this", "type_identifier"):
            return self.text(node)
        if t == "field_access":
            return f"{self.qual(node.child_by_field_name('object'), depth + 1)}." + self.text(
                node.child_by_field_name("field")
            )
        if t == "method_invocation":
            obj = node.child_by_field_name("object")
            name = self.text(node.child_by_field_name("name"))
            return f"{self.qual(obj, depth + 1)}.{name}()" if obj is not None else f"{name}()"
        if t == "object_creation_expression":
            return "new " + self.text(node.child_by_field_name("type")) + "()"
        if t == "parenthesized_expression" and node.named_children:
            return self.qual(node.named_children[0], depth + 1)
        return "?"


XXE_LEVEL = {
    # what the method parses -> (severity, confidence, message tail)
    "source": ("high", "medium", "and parses user data in this method"),
    "untraced": ("medium", "low", "and parses a document of untraced origin in this method"),
    None: ("low", "low", "(no document from a user reaches its parser in this method)"),
}
XML_PARSERS = T.names("sinks.xxe.parsers")


def _xxe_findings(fa: JavaAnalysis) -> None:
    """One finding per unprotected XML factory, its severity from what the method parses:
    user data -> high; a parameter or field -> medium at low confidence; constants or
    nothing -> low (the configuration alone is not a vulnerability in the default view)."""
    for node, factory, symbol in fa.xxe_pending:
        sev, conf, tail = XXE_LEVEL[fa.xxe_parsed.get(symbol)]
        fa.config(
            "XXE",
            "CWE-611",
            "XML external entities",
            node,
            f"{factory} is created without disallowing DOCTYPEs or external entities {tail}: "
            "parsing untrusted XML can read local files or reach internal hosts.",
            sev,  # type: ignore[arg-type]
            conf,  # type: ignore[arg-type]
            'Call factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", '
            'true) (or XMLInputFactory.SUPPORT_DTD=false, XMLConstants.ACCESS_EXTERNAL_DTD="").',
            symbol,
        )


@dataclass(frozen=True, slots=True)
class _Call:
    """One call on its way through ``JavaScan.check_call``: the call node, its qualified
    and simple names, the receiver (node, text, declared type, taints), the arguments."""

    node: Node
    q: str
    name: str
    obj: Node | None
    recv_text: str
    rtype: str
    recv_t: list[Taint]
    args: list[Node]
    arg_t: list[list[Taint]]

    def arg(self, i: int) -> list[Taint]:
        """The taints of argument ``i`` (none past the last)."""
        return self.arg_t[i] if i < len(self.arg_t) else []


SCALAR_BOXES = frozenset(
    {"int", "long", "short", "byte", "double", "float", "boolean", "Integer", "Long", "Short"}
    | {"Byte", "Double", "Float", "Boolean"}
)  # pattern components of these types hold no text


class JavaScan(Scan):
    """The walk of one Java method / lambda body."""

    fa: JavaAnalysis

    context_types = words(
        "expression_statement local_variable_declaration return_statement field_declaration"
    )
    literals = words(
        "string_literal character_literal decimal_integer_literal hex_integer_literal "
        "octal_integer_literal binary_integer_literal decimal_floating_point_literal "
        "hex_floating_point_literal true false null_literal class_literal text_block "
        "line_comment block_comment this super method_reference "
        "update_expression string_fragment multiline_string_fragment"
    )
    skip = words(
        "import_declaration package_declaration modifiers annotation marker_annotation "
        "type_identifier generic_type integral_type floating_point_type boolean_type "
        "void_type array_type scoped_type_identifier type_arguments type_parameters "
        "dimensions break_statement continue_statement throws annotation_type_declaration "
        "module_declaration"
    )
    block_types = words("block constructor_body")

    def __init__(
        self,
        fa: FileAnalysis,
        summary: Summary | None,
        symbol: str | None,
        env: dict[str, list[Taint]],
    ) -> None:
        super().__init__(fa, summary, symbol, env)
        self.types: dict[str, str] = dict(self.fa.field_types)
        self.writers: set[str] = set()
        self.safe_yaml: set[str] = set()
        self.digests: dict[str, str] = {}  # variable -> weak algorithm
        self.arrays: dict[str, Node] = {}  # String[] cmd = {...}: the initializer
        self._fn_text: str | None = None

    def fn_text(self) -> str:
        if self._fn_text is None:
            node = self.function
            self._fn_text = self.fa.text(node) if node is not None else ""
        return self._fn_text

    def recv_type(self, node: Node | None) -> str:
        if node is None:
            return ""
        t = node.type
        if t == "identifier":
            return self.types.get(self.fa.text(node), "")
        if t == "field_access" and self.fa.text(node.child_by_field_name("object")) == "this":
            return self.types.get(self.fa.text(node.child_by_field_name("field")), "")
        if t == "object_creation_expression":
            return self.fa.text(node.child_by_field_name("type"))
        if t == "method_invocation":
            return RETURN_TYPES.get(self.fa.text(node.child_by_field_name("name")), "")
        return ""

    # names ---------------------------------------------------------------------------------
    def h_ident(self, node: Node) -> list[Taint]:
        name = self.fa.text(node)
        t = self.env.get(name)
        if t is not None:
            return t
        if name[:1].isupper() or name in self.fa.module_env:
            return []
        return self.unknown()

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

    def h_array_access(self, node: Node) -> list[Taint]:
        self.eval(node.child_by_field_name("index"))
        return self.eval(node.child_by_field_name("array"))

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
        c = _Call(node, q, name, obj, recv_text, rtype, recv_t, args, arg_t)
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

    def code_sinks(self, c: _Call) -> bool:
        """Command injection (``Runtime.exec``, ``ProcessBuilder``) and code injection
        (script engines, SpEL, Groovy, OGNL, MVEL); True when the call was one of them."""
        node, q, name, recv_text, rtype, args = c.node, c.q, c.name, c.recv_text, c.rtype, c.args
        arg_t, fa, n, arg = c.arg_t, self.fa, len(c.args), c.arg
        # command injection
        if name == "exec" and (rtype == "Runtime" or "getRuntime()" in recv_text) and n:
            a0 = args[0]
            init = _array_init(a0)
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

    def sql_path_sinks(self, c: _Call) -> bool:
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

    def deser_ssrf_sinks(self, c: _Call) -> bool:
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

    def output_query_sinks(self, c: _Call) -> bool:
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

    def config_rules(self, c: _Call) -> None:
        """The configuration rules: XML factories, weak hashes, ciphers and randomness,
        cookies, TLS host names, hard-coded credentials."""
        node, q, name, recv_text, rtype, args = c.node, c.q, c.name, c.recv_text, c.rtype, c.args
        fa, n = self.fa, len(c.args)
        # configuration rules
        if name in ("newInstance", "newFactory", "newDefaultFactory", "createXMLReader") and (
            recv_text in XML_FACTORIES
        ):
            self.xxe(node, recv_text)
        elif q == "MessageDigest.getInstance" and n and args[0].type == "string_literal":
            alg = fa.text(args[0]).strip('"')
            if alg.upper() in WEAK_DIGESTS:
                self.hash_rule(node, alg)
                if self.target:
                    self.digests[self.target] = alg
        elif name in ("update", "digest") and n and recv_text in self.digests:
            if PASSWORDISH.search(fa.text(args[0])[:200]):
                self.hash_rule(node, self.digests[recv_text])
            self.hashed_input(node, self.digests[recv_text], c.arg(0))
        elif name in ("update", "digest") and n and (m := WEAK_GETINSTANCE.match(recv_text)):
            if m.group(1).upper() in WEAK_DIGESTS:
                self.hashed_input(node, m.group(1), c.arg(0))
        elif (recv_text == "DigestUtils" and re.match(r"(md5|sha1|sha|md2)(Hex)?$", name)) or (
            recv_text == "Hashing" and name in ("md5", "sha1")
        ):
            self.hash_rule(node, name)
            self.hashed_input(node, name, c.arg(0))
        elif q == "Cipher.getInstance" and n and args[0].type == "string_literal":
            alg = fa.text(args[0]).strip('"')
            if WEAK_CIPHER.search(alg) and not alg.upper().startswith("RSA"):
                self.weak_cipher(node, alg)
        elif (
            (
                name in RANDOM_METHODS
                and (
                    rtype == "Random"
                    or "new Random(" in recv_text
                    or "ThreadLocalRandom" in recv_text
                )
            )
            or q == "Math.random"
            or (recv_text == "RandomStringUtils" and name.startswith("random"))
        ):
            self.random_rule(node, q or name)
        elif name == "setSecure" and n and fa.text(args[0]) == "false":
            self.cookie(node, "setSecure(false) sends the cookie over plain HTTP.", True)
        elif name == "setHttpOnly" and n and fa.text(args[0]) == "false":
            self.cookie(node, "setHttpOnly(false) exposes the cookie to scripts.", True)
        elif name == "build" and "ResponseCookie.from" in q:
            text = fa.text(node)
            missing = [f for f in ("secure", "httpOnly") if f".{f}(true)" not in text]
            if missing:
                self.cookie(node, f"ResponseCookie built without {' and '.join(missing)}(true).")
        elif name in ("setHostnameVerifier", "setDefaultHostnameVerifier", "hostnameVerifier"):
            if n and re.fullmatch(r"\(?\s*\w+\s*,\s*\w+\s*\)?\s*->\s*true", fa.text(args[0])):
                self.tls(node, "The HostnameVerifier accepts every host name.")
        elif name.startswith("set") and n == 1 and credential_name(name[3:]):
            self.credential(node, name[3:], args[0])
        elif q == "DriverManager.getConnection" and n >= 3:
            self.credential(node, "password", args[2])

    def process_builder(self, node: Node, args: list[Node], arg_t: list[list[Taint]]) -> None:
        fa = self.fa
        items = args
        if len(args) == 1 and args[0].type == "method_invocation":
            q = fa.qual(args[0])
            if q in ("Arrays.asList()", "List.of()"):
                inner = args[0].child_by_field_name("arguments")
                items = list(inner.named_children) if inner is not None else []
        if len(items) == 1 and (init := _array_init(items[0])) is not None:
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
        if t == "method_invocation":
            name = self.fa.text(node.child_by_field_name("name"))
            obj = node.child_by_field_name("object")
            if name == "toString" and obj is not None:
                return self.dynamic(obj)
            return name in ("format", "concat", "formatted", "replace", "join")
        return False

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
        init = _array_init(value)
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
        if cond is None or cond.end_byte - cond.start_byte > 2000:
            return
        fa = self.fa
        stack = [cond]
        while stack:
            n = stack.pop()
            stack.extend(n.named_children)
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

    # configuration rules ---------------------------------------------------------------------
    def hash_rule(self, node: Node, alg: str) -> None:
        self.weak_hash(
            node,
            self.context_text(node),
            alg,
            "Hash passwords with BCrypt/Argon2 (Spring Security PasswordEncoder); use SHA-256 "
            "or better elsewhere.",
        )

    def weak_cipher(self, node: Node, alg: str) -> None:
        self.fa.config(
            "WEAKCRYPTO",
            "CWE-327",
            "Weak or broken cipher",
            node,
            f"The cipher '{alg}' is broken or leaks patterns (DES/RC4/ECB; plain 'AES' means "
            "AES/ECB).",
            "medium",
            "high",
            'Use Cipher.getInstance("AES/GCM/NoPadding") with a random 12-byte IV.',
            self.symbol,
        )

    def random_rule(self, node: Node, what: str) -> None:
        self.random_secret(
            node,
            f"{what} (java.util.Random)",
            "Use java.security.SecureRandom (e.g. new SecureRandom().nextBytes(buf)).",
        )

    def xxe(self, node: Node, factory: str) -> None:
        text = self.fn_text() or self.fa.src.decode("utf-8", "replace")
        if XXE_SAFE.search(text):
            return
        self.fa.xxe_pending.append((node, factory, self.symbol))

    def xml_parse(self, c: _Call) -> None:
        """A parse call on a DOM/SAX/StAX parser: what its document is, for the method's
        unprotected factories (``_xxe_findings``)."""
        if c.name not in ("parse", "unmarshal", "createXMLStreamReader") or not c.args:
            return
        if not (
            c.rtype in XML_PARSERS
            or re.search(r"new(DocumentBuilder|SAXParser|XMLReader)\(\)|Unmarshaller", c.recv_text)
        ):
            return
        live = [
            t
            for t in union(c.arg(0), c.arg(1) if c.name == "parse" else [])
            if not t.clean_for("xxe")
        ]
        level = (
            "source"
            if any(t.origin not in ("param", "unknown") for t in live)
            else "untraced"
            if live
            else None
        )
        seen = self.fa.xxe_parsed.get(self.symbol)
        if level == "source" or (level == "untraced" and seen is None):
            self.fa.xxe_parsed[self.symbol] = level

    def cookie_var(self, creation: Node, name: str) -> None:
        text = self.fn_text()
        missing = [
            f
            for f in ("setSecure", "setHttpOnly")
            if not re.search(rf"\b{re.escape(name)}\s*\.\s*{f}\s*\(\s*true\s*\)", text)
        ]
        if not missing:
            return
        args = creation.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        sensitive = bool(COOKIEISH.search(self.fa.text(first)))
        self.cookie(
            creation,
            f"Cookie '{name}' is added without {' and '.join(m + '(true)' for m in missing)}: "
            "it can leak over plain HTTP or to scripts.",
            False,
            "medium" if sensitive else "low",
        )

    def cookie(
        self, node: Node, message: str, explicit: bool = False, sev: Severity = "medium"
    ) -> None:
        self.fa.config(
            "COOKIE",
            "CWE-614",
            "Insecure cookie",
            node,
            message,
            "medium" if explicit else sev,
            "high" if explicit else "medium",
            "Call cookie.setSecure(true) and cookie.setHttpOnly(true) (and set SameSite).",
            self.symbol,
        )

    def tls(
        self, node: Node, message: str, sev: Severity = "high", symbol: str | None = None
    ) -> None:
        self.tls_off(
            node,
            message,
            sev,
            "Use the default TrustManager and HostnameVerifier; trust a private CA by adding "
            "it to a KeyStore-backed TrustManagerFactory.",
            symbol,
        )

    def tls_constant(self, node: Node, text: str) -> None:
        if text.endswith(
            (
                "ALLOW_ALL_HOSTNAME_VERIFIER",
                "NoopHostnameVerifier.INSTANCE",
                "InsecureTrustManagerFactory.INSTANCE",
                "TrustAllStrategy.INSTANCE",
            )
        ):
            self.tls(node, f"{text} turns off certificate or host name checks.")

    def tls_method(self, node: Node) -> None:
        if node.type != "method_declaration":
            return
        fa = self.fa
        name = fa.text(node.child_by_field_name("name"))
        body = node.child_by_field_name("body")
        if body is None:
            return
        stmts = [c for c in body.named_children if "comment" not in c.type]
        symbol = fa.symbol_of(node, self.symbol)
        if name == "checkServerTrusted" and not stmts:
            self.tls(
                node,
                "checkServerTrusted() is empty: this TrustManager accepts every certificate.",
                symbol=symbol,
            )
        elif (
            name == "verify"
            and "SSLSession" in fa.text(node.child_by_field_name("parameters"))
            and len(stmts) == 1
            and re.fullmatch(r"return\s+true\s*;", fa.text(stmts[0]))
        ):
            self.tls(node, "This HostnameVerifier returns true for every host name.", symbol=symbol)

    def credential(self, node: Node, name: str, value: Node) -> None:
        if value.type != "string_literal":
            return
        self.hard_coded(
            node,
            name,
            self.fa.text(value).strip('"'),
            "Read the secret from the environment, a vault or an external configuration "
            '(@Value("${...}")); rotate it if it was committed.',
        )

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


def _array_init(node: Node) -> Node | None:
    if node.type == "array_creation_expression":
        return node.child_by_field_name("value")
    if node.type == "array_initializer":
        return node
    return None


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
