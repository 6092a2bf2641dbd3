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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node, Tree

from devlab.reverse import security_ts_js_web as web
from devlab.reverse.models import Severity
from devlab.reverse.security_tables import load_table
from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    CLI_PRESET,
    CLIENT_PRESET,
    PASSWORDISH,
    PREFIX_GUARD,
    SHELL_FLAGS,
    SHELLS,
    SQL_TEXT,
    FileAnalysis,
    Scan,
    Summary,
    filter_kinds,
    make_rules,
    row,
    same,
    union,
    unwrap,
    words,
)
from devlab.reverse.taint import Taint, scheme_only_pattern, scheme_only_prefix

__all__ = ["JSAnalysis"]


FUNCTION_TYPES = words(
    "function_declaration generator_function_declaration function_expression function "
    "arrow_function generator_function method_definition"
)
RULES = make_rules(
    "JS",
    {
        "cmd": "Use child_process.execFile()/spawn() with an argument array and no shell; "
        "never build a command string from user input.",
        "code": "Never evaluate user input as code: parse data with JSON.parse(), pass "
        "functions (not strings) to setTimeout, map inputs to a fixed set of operations.",
        "sql": "Use a parameterised query: db.query('SELECT ... WHERE id = ?', [id]) "
        "(or $1 placeholders), never string concatenation or template literals.",
        "path": "Reduce the name with path.basename(), or resolve it with path.resolve(base, "
        "name) and reject it unless it startsWith(base + path.sep); for res.sendFile pass "
        "{ root: base }.",
        "deser": "Do not deserialise untrusted data with node-serialize; use JSON.parse(). "
        "With js-yaml < 4 use safeLoad() (or upgrade: load() is safe from version 4).",
        "ssrf": "Check the URL's protocol and host against an allow-list (new URL(value)) "
        "before fetching, and block private address ranges.",
        "redirect": "Redirect only to relative paths (starting with a single '/') or to "
        "allow-listed hosts.",
        "xss": "Use textContent / JSX text instead of HTML sinks, or sanitise with "
        "DOMPurify.sanitize(); escape values sent with res.send() (escape-html) or render "
        "them through an auto-escaping template.",
        "ldap": "Escape filter values (RFC 4515: \\, *, (, ), NUL) before building the "
        "filter, e.g. with ldap-escape.",
        "xpath": "Use XPath variables / a parameterised evaluate instead of concatenating "
        "input into the expression.",
        "trust": "Validate and normalise the value before storing it in the session.",
        "xxe": "Parse untrusted XML without entity expansion (remove noent: true).",
    },
)

JS_GLOBALS = words(
    "__dirname __filename JSON Math Object Array String Number Boolean Date console "
    "process Promise Buffer window document undefined NaN Infinity module exports "
    "require Symbol Error RegExp Map Set URL URLSearchParams globalThis navigator "
    "crypto React arguments"
)
#: the rule tables (sources, sinks, sanitisers, propagators) as data
T = load_table("javascript")
REQ_NAMES = T.names("sources.request_names")
SERVER_MODULES = T.names("sources.server_modules")
REQ_PROPS = T.names("sources.request_props")
# get/header/param/cookie (Express); json/formData/text: a Fetch API Request's body
# (Next.js App Router, Hono, workers)
REQ_METHODS = T.names("sources.request_methods")
ROOTED_LITERAL = re.compile(r"""^["'`]/(?![/\\])""")  # "/path", not "//host"
NEXT_VERBS = T.names("sources.next_route_verbs")
NEXT_ROUTE_FILE = re.compile(r"(^|/)route\.(js|ts|mjs)$")
KOA_PROPS = T.names("sources.koa_props")
DOM_SOURCES = T.names_map("sources.dom")
EVENT_NAMES = T.names("sources.event_names")
NEST_SOURCES = T.names("sources.nest_decorators")

SANITISERS = T.kinds("sanitisers")
SANITISER_METHODS = T.kinds("sanitiser_methods")
CLEAN_METHODS = T.names("propagators.clean_methods")
CLEAN_PROPS = T.names("propagators.clean_props")
MUTATORS = T.names("propagators.mutators")
CALLBACK_METHODS = T.names("propagators.callbacks")
CMD_FUNCS = T.names("sinks.cmd.shell_calls")
PROGRAM_FUNCS = T.names("sinks.cmd.program_calls")
CODE_FUNCS = T.positions("sinks.code.calls")
NODE_PROGRAMS = T.names("sinks.code.node_programs")
NODE_PROGRAM_EXPRS = T.names("sinks.code.node_program_exprs")
NODE_EVAL_FLAGS = T.names("sinks.code.node_eval_flags")
TIMERS = T.names("sinks.code.timers")
FS_ONE = T.names("sinks.path.fs_one_path")
FS_TWO = T.names("sinks.path.fs_two_paths")
HTTP_VERBS = T.names("sinks.ssrf.http_verbs")
SSRF_FUNCS = T.names("sinks.ssrf.calls")
SSRF_MODULES = T.names("sinks.ssrf.modules")
RES_NAMES = T.names("sinks.xss.response_names")
HEADER_SETTERS = T.names("sinks.redirect.header_setters")
REGEX_HOLDERS = frozenset({"regex", "identifier", "member_expression"})
#: modules that read archives: their entries' names are chosen by the archive's author
ARCHIVE_MODULE = T.pattern("sources.archive.modules")
ARCHIVE_NAME_PROPS = T.names("sources.archive.name_props")
ARCHIVE_ENTRIES = T.names("sources.archive.entries")
ARCHIVE_ORIGIN = "archive entry name"
#: calls that create a file, directory or link at a path (zip-slip sinks, besides fs.*)
WRITE_CALL = T.pattern("sinks.path.archive_write_calls")
DB_RECV = T.pattern("sinks.sql.receivers")
SQL_ALWAYS = T.names("sinks.sql.always")
SQL_DB_METHODS = T.names("sinks.sql.db_methods")
SQL_TEXT_METHODS = T.names("sinks.sql.text_methods")
JQ_HTML = T.names("sinks.xss.jquery_methods")
HTML_PROPS = T.names("sinks.xss.html_props")
LOCATION_TARGETS = T.names("sinks.redirect.location_targets")
COOKIEISH = T.pattern("config.cookie_names")
WEAK_HASHES = T.names("config.weak_hashes")
WEAK_CIPHER = T.pattern("config.weak_ciphers")
MODULE_RENAMES = T.mapping("modules.aliases")
STMT_TYPES = words(
    "expression_statement lexical_declaration variable_declaration return_statement "
    "public_field_definition field_definition"
)


PROMISIFY = T.names("propagators.promisify")


def _module(name: str) -> str:
    name = name.removeprefix("node:")
    return MODULE_RENAMES.get(name, name)


#: a local declaration with one of these values hides a module-level alias of its name
SHADOWING_VALUES = frozenset(
    {"regex", "string", "number", "template_string", "object", "array", "new_expression",
     "true", "false", "null", "undefined", "class", "arrow_function", "function_expression",
     "function"}
)  # fmt: skip
SESSION_MODULES = frozenset({"express-session", "cookie-session"})
PROMISE_LINKS = frozenset({"then", "catch", "finally"})
GLOBAL_OBJECTS = ("window.", "globalThis.", "global.")
#: the browser's HTML injection sinks (innerHTML, outerHTML, insertAdjacentHTML,
#: document.write) report a value of untraced origin at this severity, low confidence:
#: W3C Trusted Types reject any plain string there, whatever its origin
DOM_UNKNOWN: Severity = "medium"


def _global(q: str) -> str:
    """``window.setTimeout`` / ``global.eval`` / ``window.document.write``: the global
    itself."""
    for prefix in GLOBAL_OBJECTS:
        if q.startswith(prefix):
            return q[len(prefix) :]
    return q


def _filter_kinds(fa: FileAnalysis, args: list[Node]) -> frozenset[str]:
    """Sink kinds that ``s.replace(/[^ALLOWED]/g, "x")`` protects: the kinds none of whose
    dangerous characters is in the allowed class or in the replacement."""
    if len(args) < 2 or args[0].type != "regex" or args[1].type != "string":
        return frozenset()
    pattern = fa.text(args[0].child_by_field_name("pattern"))
    if "g" not in fa.text(args[0].child_by_field_name("flags")):
        return frozenset()  # only the first match is replaced
    return filter_kinds(pattern, fa.text(args[1])[1:-1])


def _norm(q: str) -> str:
    """fs.promises.readFile / fs-extra.readFile -> fs.readFile."""
    if q.startswith("fs.promises."):
        return "fs." + q[len("fs.promises.") :]
    return q


class JSAnalysis(FileAnalysis):
    """JS/TS/TSX file analysis: imports, functions, and the ``JSScan`` walk."""

    prefix = "JS"
    rules = RULES

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        super().__init__(path, text, src, tree, language)
        self.aliases: dict[str, str] = {}
        self.modules: set[str] = set()
        self.methods: dict[str, Node | None] = {}  # this.name() calls
        self.req_names: set[str] = set(REQ_NAMES)
        self.jsx = self.language == "tsx" or self.path.endswith((".jsx", ".tsx"))

        self.class_names: dict[int, str] = {}
        self.shadow_cache: dict[int, frozenset[str]] = {}
        self.archive = False  # the file uses a module that reads archives

    # qualified names -----------------------------------------------------------------------
    def qual(self, node: Node | None, depth: int = 0) -> str:
        if node is None or depth > 8:
            return "?"
        t = node.type
        if t == "identifier":
            n = self.text(node)
            if n in self.aliases and self.shadowed(node, n):
                return n
            return self.aliases.get(n, n)
        if t == "this":
            return "this"
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            full = _norm(f"{self.qual(obj, depth + 1)}.{self.text(prop)}")
            return self.aliases.get(full, full)  # o.eval where o = { eval }
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            mod = self.require_of(node)
            if mod is not None:
                return mod
            return self.qual(fn, depth + 1) + "()"
        if t in ("parenthesized_expression", "await_expression", "non_null_expression"):
            inner = node.named_children
            return self.qual(inner[0], depth + 1) if inner else "?"
        if t == "sequence_expression":  # (0, eval)(x): the comma operator's last value
            kids = node.named_children
            return self.qual(kids[-1], depth + 1) if kids else "?"
        if t == "as_expression":
            return self.qual(node.named_children[0], depth + 1)
        if t == "new_expression":
            return self.qual(node.child_by_field_name("constructor"), depth + 1) + "()"
        return "?"

    def shadowed(self, node: Node, name: str) -> bool:
        """An enclosing function declares ``name`` itself (a parameter, or a local
        ``var``/``let``/``const`` bound to a value that is no module API), so the
        module-level alias of that name (``const foo = require('child_process')``)
        does not apply here."""
        p = node.parent
        while p is not None:
            if p.type in FUNCTION_TYPES and name in self.local_names(p):
                return True
            p = p.parent
        return False

    def local_names(self, fn: Node) -> frozenset[str]:
        """Parameter names of ``fn`` and the names its body declares with a value that
        creates no alias (not descending into nested functions); cached per function."""
        got = self.shadow_cache.get(fn.id)
        if got is not None:
            return got
        names: set[str] = set()
        ps = fn.child_by_field_name("parameters")
        single = fn.child_by_field_name("parameter")
        for p in [single] if single is not None else (ps.named_children if ps else []):
            if p.type in ("required_parameter", "optional_parameter"):
                p = p.child_by_field_name("pattern") or p
            names.update(_pattern_names(self, p))
        stack = [c for c in [fn.child_by_field_name("body")] if c is not None]
        while stack:
            n = stack.pop()
            if n.type in FUNCTION_TYPES or n.type == "class_declaration":
                continue
            if n.type == "variable_declarator":
                name, value = n.child_by_field_name("name"), n.child_by_field_name("value")
                if name is not None and (value is None or value.type in SHADOWING_VALUES):
                    names.update(_pattern_names(self, name))
            stack.extend(n.named_children)
        out = frozenset(names)
        self.shadow_cache[fn.id] = out
        return out

    def require_of(self, node: Node | None) -> str | None:
        """Module name of ``require('m')`` / ``await import('m')``, else None."""
        if node is None:
            return None
        if node.type == "await_expression" and node.named_children:
            node = node.named_children[0]
        if node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        if fn is None or self.text(fn) not in ("require", "import"):
            return None
        args = node.child_by_field_name("arguments")
        if args is None or not args.named_children:
            return None
        a = args.named_children[0]
        if a.type != "string":
            return None
        mod = _module(self.text(a)[1:-1])
        self.modules.add(mod)
        return mod

    # setup ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        root = self.tree.root_node
        for stmt in root.named_children:
            node = stmt
            if stmt.type == "export_statement":
                node = stmt.child_by_field_name("declaration") or stmt
            if stmt.type == "import_statement":
                self.import_(stmt)
            elif node.type in ("function_declaration", "generator_function_declaration"):
                name = node.child_by_field_name("name")
                if name is not None:
                    self.register(self.text(name), node)
            elif node.type in ("lexical_declaration", "variable_declaration"):
                for d in node.named_children:
                    if d.type != "variable_declarator":
                        continue
                    name, value = d.child_by_field_name("name"), d.child_by_field_name("value")
                    if name is None or value is None:
                        continue
                    if value.type in FUNCTION_TYPES and name.type == "identifier":
                        self.register(self.text(name), value)
                    else:
                        self.alias_declarator(name, value)
            elif node.type in ("class_declaration", "abstract_class_declaration"):
                self.register_class(node)

        self.archive = any(ARCHIVE_MODULE.search(m) for m in self.modules)
        # "request" is the incoming request only in server code (elsewhere it is often an
        # outgoing fetch Request); "req" always is
        if self.modules & SERVER_MODULES or b"createServer(" in self.src:
            self.req_names.add("request")

    def register_class(self, node: Node) -> None:
        cname = self.text(node.child_by_field_name("name")) or "<class>"
        body = node.child_by_field_name("body")
        if body is None:
            return
        for m in body.named_children:
            if m.type == "method_definition":
                name = self.text(m.child_by_field_name("name"))
                self.class_names[m.id] = cname
                if name in self.methods:
                    self.methods[name] = None
                else:
                    self.methods[name] = m

    def import_(self, stmt: Node) -> None:
        src = stmt.child_by_field_name("source")
        if src is None:
            return
        mod = _module(self.text(src)[1:-1])
        self.modules.add(mod)
        for clause in stmt.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.aliases[self.text(part)] = mod
                elif part.type == "namespace_import":
                    for n in part.named_children:
                        if n.type == "identifier":
                            self.aliases[self.text(n)] = mod
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        self.aliases[self.text(alias)] = f"{mod}.{self.text(name)}"

    def alias_declarator(self, name: Node, value: Node) -> None:
        """``const cp = require('child_process')``, ``const {exec} = require(...)``,
        ``const run = util.promisify(exec)``."""
        mod = self.require_of(value)
        if mod is None and value.type == "member_expression":
            obj = value.child_by_field_name("object")
            base = self.require_of(obj)
            if base is None and obj is not None and obj.type == "identifier":
                base = self.aliases.get(self.text(obj))  # const exec = childProcess.exec
            if base is not None:
                mod = f"{base}.{self.text(value.child_by_field_name('property'))}"
        if mod is None and value.type == "call_expression":
            fn = self.qual(value.child_by_field_name("function"))
            args = value.child_by_field_name("arguments")
            if fn in PROMISIFY and args is not None and args.named_children:
                mod = self.qual(args.named_children[0])
        if mod is None and value.type == "identifier":  # const run = exec; const e = eval
            text = self.text(value)
            mod = self.aliases.get(text) or (text if text in CODE_FUNCS else None)
        if mod is None and value.type == "object" and name.type == "identifier":
            self.alias_members(self.text(name), value)
            return
        if mod is None:
            return
        if name.type == "identifier":
            self.aliases[self.text(name)] = mod
        elif name.type == "object_pattern":
            for p in name.named_children:
                if p.type == "shorthand_property_identifier_pattern":
                    self.aliases[self.text(p)] = f"{mod}.{self.text(p)}"
                elif p.type == "pair_pattern":
                    k, v = p.child_by_field_name("key"), p.child_by_field_name("value")
                    if v is not None and v.type == "identifier":
                        self.aliases[self.text(v)] = f"{mod}.{self.text(k)}"

    def alias_members(self, name: str, obj: Node) -> None:
        """``const o = { eval }`` / ``{ run: cp.exec }``: ``o.eval`` / ``o.run`` call what
        the member holds (an imported API or a global code sink)."""
        for p in obj.named_children:
            key: str | None = None
            value: Node | None = p
            if p.type == "shorthand_property_identifier":
                key = self.text(p)
            elif p.type == "pair":
                k, value = p.child_by_field_name("key"), p.child_by_field_name("value")
                key = self.text(k) if k is not None and k.type == "property_identifier" else None
            if key is None or value is None:
                continue
            text = self.text(value)
            if value.type == "member_expression":
                q = self.qual(value)
                target = q if "." in q and not q.startswith(("?", "this.")) else None
            else:
                target = self.aliases.get(text) or (text if text in CODE_FUNCS else None)
            if target is not None and (target in CODE_FUNCS or target != text):
                self.aliases[f"{name}.{key}"] = target

    # functions -----------------------------------------------------------------------------
    def function_name(self, fn: Node) -> str | None:
        name = fn.child_by_field_name("name")
        if name is not None:
            return self.text(name)
        parent = fn.parent
        if parent is not None and parent.type == "variable_declarator":
            return self.text(parent.child_by_field_name("name"))
        if parent is not None and parent.type in ("pair", "assignment_expression"):
            key = parent.child_by_field_name("key") or parent.child_by_field_name("left")
            return self.text(key).rsplit(".", 1)[-1]
        return None

    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        name = self.function_name(fn)
        if fn.type == "method_definition":
            cls = self.class_names.get(fn.id) or self.enclosing_class(fn)
            return f"{cls}.{name}" if cls else name
        if name:
            return f"{parent}.{name}" if parent else name
        # an anonymous callback: name it after the call, e.g. "app.get('/users/:id')"
        args = fn.parent
        call = args.parent if args is not None else None
        if call is not None and call.type == "call_expression" and args is not None:
            first = args.named_children[0] if args.named_children else None
            callee = self.text(call.child_by_field_name("function"))[:40]
            if first is not None and first.type == "string" and first.id != fn.id:
                label = f"{callee}({self.text(first)[:60]})"
                return f"{parent}.{label}" if parent else label
        return parent

    def enclosing_class(self, fn: Node) -> str | None:
        p = fn.parent
        while p is not None:
            if p.type in ("class_declaration", "class", "abstract_class_declaration"):
                name = p.child_by_field_name("name")
                return self.text(name) if name is not None else None
            p = p.parent
        return None

    def next_route_handler(self, fn: Node) -> bool:
        """A Next.js App Router route handler: an exported ``GET``/``POST``/... function
        in a file that imports ``next/server`` or is named ``route.js``/``route.ts``."""
        name = fn.child_by_field_name("name")
        if name is None or self.text(name) not in NEXT_VERBS:
            return False
        if fn.parent is None or fn.parent.type != "export_statement":
            return False
        return "next/server" in self.modules or bool(NEXT_ROUTE_FILE.search(self.path))

    def params(self, fn: Node) -> list[tuple[int, str, Node, Taint | None]]:
        out: list[tuple[int, str, Node, Taint | None]] = []
        single = fn.child_by_field_name("parameter")
        plist = [single] if single is not None else []
        if not plist:
            ps = fn.child_by_field_name("parameters")
            plist = [p for p in ps.named_children if p.type != "comment"] if ps else []
        component = self.is_component(fn)
        next_route = self.next_route_handler(fn)
        for i, p in enumerate(plist):
            src: Taint | None = None
            decorator = None
            typ = ""
            if p.type in ("required_parameter", "optional_parameter"):
                for c in p.named_children:
                    if c.type == "decorator":
                        decorator = self.text(c).lstrip("@").split("(")[0].strip()
                typ = self.text(p.child_by_field_name("type"))
                p = p.child_by_field_name("pattern") or p
            names = _pattern_names(self, p)
            line = row(p)
            if decorator in NEST_SOURCES:
                label = f"@{decorator}()"
                src = Taint(label).then(line, self.code(line), f"source: {label} parameter")
            elif (
                decorator in ("Req", "Request")
                or re.search(r"\b(Next)?Request\b", typ)
                or (next_route and i == 0)
            ):
                self.req_names.update(names)
            elif next_route and i == 1:  # export async function GET(req, { params })
                src = Taint("route params").then(line, self.code(line), "source: route params")
            elif component and i == 0:
                src = Taint("component props", -1, (), CLIENT_PRESET).then(
                    line, self.code(line), "source: component props"
                )
            for n in names:
                out.append((i, n, p, src))
        return out

    def is_component(self, fn: Node) -> bool:
        if not self.jsx or fn.type == "method_definition":
            return False
        name = self.function_name(fn)
        return bool(name and name[0].isupper())


def _pattern_names(fa: FileAnalysis, p: Node) -> list[str]:
    """Names bound by a parameter / declaration pattern (destructuring included)."""
    if p.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [fa.text(p)]
    out: list[str] = []
    stack = [p]
    while stack:
        n = stack.pop()
        if n.type in ("identifier", "shorthand_property_identifier_pattern"):
            out.append(fa.text(n))
            continue
        if n.type == "pair_pattern":
            v = n.child_by_field_name("value")
            if v is not None:
                stack.append(v)
            continue
        if n.type in ("assignment_pattern", "object_assignment_pattern"):
            left = n.child_by_field_name("left")
            if left is not None:
                stack.append(left)
            continue
        if n.type in ("object_pattern", "array_pattern", "rest_pattern"):
            stack.extend(n.named_children)
    return out


@dataclass(frozen=True, slots=True)
class _Call:
    """One call on its way through ``JSScan.check_call``: the call node, the callee, its
    qualified and short names, the receiver (node, text, taints) and the arguments."""

    node: Node
    fn: Node
    q: str
    short: str
    recv: Node | None
    recv_text: str
    method: str
    recv_t: list[Taint]
    args: list[Node]
    arg_t: list[list[Taint]]

    def arg(self, i: int) -> list[Taint]:
        """The taints of argument ``i`` (none past the last)."""
        return self.arg_t[i] if i < len(self.arg_t) else []


CURRENT_PAGE = frozenset(
    {"location.href", "window.location.href", "document.location.href", "document.URL"}
    | {"location.pathname", "window.location.pathname"}
)  # navigating to the page itself
SELECTOR_START = re.compile(r"\s*[^\s<]")  # jQuery: markup only when the text starts with <

URL_PARTS = frozenset({"origin", "host", "hostname"})  # of a parsed URL, in checks


class JSScan(Scan):
    """The walk of one JS/TS function body."""

    fa: JSAnalysis

    context_types = STMT_TYPES
    literals = words(
        "string number true false null undefined regex comment string_fragment "
        "escape_sequence hash_bang_line statement_identifier property_identifier "
        "private_property_identifier html_comment jsx_text this super update_expression "
        "meta_property"
    )
    skip = words(
        "type_annotation type_arguments type_parameters interface_declaration "
        "type_alias_declaration ambient_declaration import_statement predefined_type "
        "type_identifier decorator empty_statement debugger_statement break_statement "
        "continue_statement accessibility_modifier override_modifier "
        "abstract_method_signature method_signature index_signature jsx_closing_element "
        "module internal_module"
    )
    block_types = frozenset({"statement_block"})

    def __init__(
        self,
        fa: FileAnalysis,
        summary: Summary | None,
        symbol: str | None,
        env: dict[str, list[Taint]],
    ) -> None:
        super().__init__(fa, summary, symbol, env)
        self.digests: dict[str, str] = {}  # variable -> weak hash algorithm
        self.code_ctors: set[str] = set()  # variables holding Function (or its async twin)
        self.regexes: dict[str, str] = {}  # variable -> the regex literal it holds
        self.plain_responses: set[str] = set()  # res objects given a non-HTML content type
        # object -> taint key -> the property paths it was stored under (``q.yaml = v``):
        # a read of another property (``q.root``) does not see it
        self.stored: dict[str, dict[tuple[str, int, frozenset[str]], set[str]]] = {}
        # promise chain link (call node id) -> this function's variables as its callback
        # left them, for the chain's later links
        self.chains: dict[int, dict[str, list[Taint]]] = {}

    # names ---------------------------------------------------------------------------------
    def h_ident(self, node: Node) -> list[Taint]:
        name = self.fa.text(node)
        t = self.env.get(name)
        if t is not None:
            return t
        if name in JS_GLOBALS or name in self.fa.aliases or name in self.fa.functions:
            return []
        return self.unknown()

    def h_member(self, node: Node) -> list[Taint]:
        fa = self.fa
        obj = node.child_by_field_name("object")
        prop = fa.text(node.child_by_field_name("property"))
        key = fa.text(node)
        if len(key) < 80 and key in self.env:
            return self.env[key]  # assigned, or guarded by a check (guard_root)
        found = self.member_source(obj, prop)
        if found:
            return self.source(found[0], node, found[1])
        t = self.eval(obj)
        if prop in CLEAN_PROPS:
            return []
        if obj is not None and obj.type == "this":
            return self.unknown()
        return self.other_fields_dropped(node, key, t)

    def other_fields_dropped(self, node: Node, key: str, t: list[Taint]) -> list[Taint]:
        """``q.yaml = v`` taints the object ``q`` as a whole (passed on, spread, indexed)
        but not a read of another property ``q.root``: drop the taints that reached the
        object only through stores under other property paths."""
        root: Node | None = node
        while root is not None and root.type in ("member_expression", "subscript_expression"):
            root = root.child_by_field_name("object")
        if root is None or root.type != "identifier" or not t:
            return t
        stored = self.stored.get(self.fa.text(root))
        if not stored:
            return t
        return [
            x
            for x in t
            if (paths := stored.get((x.origin, x.param, x.sanitisers))) is None
            or any(_on_path(p, key) or _on_path(key, p) for p in paths)
        ]

    def bind(self, name: str, taints: list[Taint], node: Node, dynamic: bool = False) -> None:
        super().bind(name, taints, node, dynamic)
        stored = self.stored.get(name)
        if stored is None:
            return
        if self.cond == 0:
            del self.stored[name]  # a new object: no stores under it yet
        else:
            for x in taints:  # the object itself may now carry these
                stored.pop((x.origin, x.param, x.sanitisers), None)

    def member_source(self, obj: Node | None, prop: str) -> tuple[str, frozenset[str]] | None:
        """(label, sink kinds it cannot reach) when ``obj.prop`` reads untrusted input."""
        if obj is None:
            return None
        fa = self.fa
        o = fa.text(obj) if obj.type in ("identifier", "member_expression", "this") else ""
        if not o or len(o) > 40:
            return None
        server: frozenset[str] = frozenset()
        if o in fa.req_names:
            return (f"{o}.{prop}", server) if prop in REQ_PROPS else None
        if o in ("ctx.request", "ctx.req") and prop in REQ_PROPS | KOA_PROPS:
            return f"{o}.{prop}", server
        if o == "ctx" and prop in KOA_PROPS and prop != "body":
            # ctx.body is Koa's *response* body; the request's is ctx.request.body
            return f"ctx.{prop}", server
        if o == "process" and prop in ("argv", "env"):
            return f"process.{prop}", CLI_PRESET
        props = DOM_SOURCES.get(o)
        if props is not None and prop in props:
            return f"{o}.{prop}", CLIENT_PRESET
        if prop in ARCHIVE_NAME_PROPS and (
            prop == "entryName" or (fa.archive and o in ARCHIVE_ENTRIES)
        ):
            return ARCHIVE_ORIGIN, ALL_KINDS - {"path"}
        if o in EVENT_NAMES and prop == "data":
            return "message event data", CLIENT_PRESET
        if o in ("this.props", "this.state"):
            return o, CLIENT_PRESET
        return None

    def h_subscript(self, node: Node) -> list[Taint]:
        obj = node.child_by_field_name("object")
        self.eval(node.child_by_field_name("index"))
        return self.eval(obj)

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

    def chain_link(self, node: Node, recv: Node, fn: Node, seed: list[Taint] | None) -> list[Taint]:
        """A callback of ``p.then(cb)`` / ``.catch`` / ``.finally``: it runs after the earlier
        callbacks of the same chain, so it starts from what they left in the variables of
        this function (a check that throws in one ``.then`` guards the next ones); what it
        leaves is recorded for the chain's later links. The rest of this function does not
        see it (it runs before the callbacks do)."""
        fa = self.fa
        if fn.id in fa.analysed:
            return []
        before = self.chains.get(recv.id, {})
        start = {**self.env, **before}
        scan = fa.analyse(fn, None, dict(start), seed, fa.symbol_of(fn, self.symbol), self)
        local = fa.local_names(fn)
        after = dict(before)
        ends = {**scan.env, **self.returned_chains(fn, scan)}
        for name, taints in ends.items():
            if name in start and name not in local and taints is not start[name]:
                after[name] = taints
        self.realpath_guard(recv, fn, scan, start, after)
        if after:
            self.chains[node.id] = after
        return [t for t in scan.returns if t.origin != "param"]

    def returned_chains(self, fn: Node, scan: Scan) -> dict[str, list[Taint]]:
        """What the promise chain a callback returns left in the variables (the outer chain
        waits for it): the record of the chain every ``return`` of ``fn`` gives back (or its
        expression body), else nothing."""
        body = fn.child_by_field_name("body")
        if body is None:
            return {}
        if body.type != "statement_block":
            returned = [body]
        else:
            returned = []
            stack = list(body.named_children)
            while stack:
                n = stack.pop()
                if n.type in FUNCTION_TYPES or n.type == "class_declaration":
                    continue
                if n.type == "return_statement":
                    returned.append(n.named_children[0] if n.named_children else n)
                    continue
                stack.extend(n.named_children)
        chains = getattr(scan, "chains", {})
        records = [chains.get(unwrap(r).id) for r in returned]
        if not records or any(r is None for r in records):
            return {}
        out: dict[str, list[Taint]] = {}
        for r in records:
            out.update(r or {})
        return out

    def realpath_guard(
        self,
        recv: Node,
        fn: Node,
        scan: Scan,
        start: dict[str, list[Taint]],
        after: dict[str, list[Taint]],
    ) -> None:
        """``fs.realpath(x)`` / ``fs.realpath(path.dirname(x)).then(real => check(real))``: a
        prefix check of the resolved path (or of its directory) confines ``x`` for paths."""
        fa = self.fa
        if recv.type != "call_expression":
            return
        if not re.search(r"(^|\.)realpath(Sync)?$", fa.qual(recv.child_by_field_name("function"))):
            return
        args = recv.child_by_field_name("arguments")
        arg = unwrap(args.named_children[0]) if args is not None and args.named_children else None
        if (
            arg is not None
            and arg.type == "call_expression"
            and re.search(r"(^|\.)dirname$", fa.qual(arg.child_by_field_name("function")))
        ):
            inner = arg.child_by_field_name("arguments")
            arg = unwrap(inner.named_children[0]) if inner and inner.named_children else None
        params = fa.params(fn)
        if arg is None or arg.type != "identifier" or not params:
            return
        name, real = fa.text(arg), params[0][1]
        checked = scan.env.get(real) or []
        if name in start and checked and all(t.clean_for("path") for t in checked):
            after[name] = self.sanitise(after.get(name, start[name]), frozenset({"path"}), fn,
                                        "a prefix check of its real path")  # fmt: skip

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
        if _global(q) in CODE_FUNCS:
            self.code_sink(node, q, args, arg_t, CODE_FUNCS[_global(q)])
        elif ctor is not None and ctor.type == "identifier" and fa.text(ctor) in self.code_ctors:
            self.code_sink(node, f"{fa.text(ctor)} (Function)", args, arg_t, -1)
        elif q == "URL" and args and ROOTED_LITERAL.match(fa.text(args[0])):
            # new URL("/login", request.url): the request only gives the origin back
            return self.sanitise(all_t, frozenset({"redirect", "ssrf"}), node, "a rooted path")
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
            kept = _filter_kinds(fa, args)
            if kept:  # s.replace(/[^a-z0-9]/g, ""): only an allow-listed alphabet is left
                return self.sanitise(recv_t, kept, node, f".{method}() to an allow-list")
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
        if method in CLEAN_METHODS or q in ("isNaN", "Number.isInteger", "Array.isArray"):
            return []
        if method in MUTATORS and recv is not None and recv.type == "identifier" and all_args:
            name = fa.text(recv)
            self.env[name] = union(self.env.get(name, []), all_args)
        if recv is not None and fa.aliases.get(recv_text) is not None:
            return all_args  # module function: the result carries its arguments
        return union(recv_t, all_args)

    def spread_index(self, args: list[Node]) -> int:
        for i, a in enumerate(args):
            if a.type == "spread_element":
                return i
        return -1

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
        c = _Call(node, fn, q, short, recv, recv_text, method, recv_t, args, arg_t)
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

    def zip_slip(self, c: _Call) -> None:
        """An archive entry's name reaching a call that writes files (CWE-22)."""
        node, fn, q, arg_t, fa = c.node, c.fn, c.q, c.arg_t, self.fa
        if not q.startswith("fs.") and self.writes_files(fn, q):
            # zip slip: an archive entry's name decides where a file is written
            for t in arg_t[:2]:
                entry = [x for x in t if x.origin == ARCHIVE_ORIGIN]
                if entry:
                    self.sink("path", node, entry, f"sink: {fa.text(fn)[:60]}() (writes there)")
                    break

    def code_sinks(self, c: _Call) -> bool:
        """Command injection, programs run, code evaluation, timers with a string,
        ``require()`` of a computed module; True when the call was one of them."""
        node, fn, q, recv_text, method, args = c.node, c.fn, c.q, c.recv_text, c.method, c.args
        arg_t, fa, a0, arg = c.arg_t, self.fa, c.args[0], c.arg
        q = _global(q)  # global.setTimeout, window.eval: the global itself
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

    def path_deser_ssrf_sinks(self, c: _Call) -> bool:
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

    def redirect_xss_sinks(self, c: _Call) -> bool:
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
                    prop = _object_prop(fa, a, ("Location", "location"))
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
        if _global(q) in ("document.write", "document.writeln"):
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
                a0.type == "member_expression" and fa.text(a0) in _REQ_WHOLE
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

    def note_content_type(self, c: _Call) -> None:
        """``res.type('text/plain')``, ``res.set('Content-Type', 'application/json')``,
        ``res.writeHead(200, {'Content-Type': ...})``: a constant non-HTML type makes what
        this response object sends afterwards text, not markup (no XSS sink)."""
        fa, args = self.fa, c.args
        value: Node | None = None
        if c.method in ("type", "contentType"):
            value = args[0] if args else None
        elif c.method == "writeHead":
            for a in args[1:]:
                value = value or _object_prop(fa, a, ("Content-Type", "content-type"))
        elif len(args) > 1 and fa.text(args[0])[1:-1].lower() == "content-type":
            value = args[1]
        if value is None or value.type != "string":
            return
        ctype = fa.text(value)[1:-1].lower()
        if ctype and not any(w in ctype for w in ("html", "xml", "svg")):
            self.plain_responses.add((c.recv_text or "").split(".")[0])

    def query_xxe_sinks(self, c: _Call) -> bool:
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
                prop = _object_prop(fa, a0, ("text", "sql", "query"))
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

    def config_rules(self, c: _Call) -> None:
        """The configuration rules: cookies, weak hashes and ciphers, debug handlers."""
        node, fn, q, short, recv, recv_text = c.node, c.fn, c.q, c.short, c.recv, c.recv_text
        method, args, fa, a0, arg = c.method, c.args, self.fa, c.args[0], c.arg
        # configuration rules
        if (method == "cookie" and recv_text in RES_NAMES) or (
            method == "set" and recv_text == "ctx.cookies"
        ):
            self.cookie_rule(node, args, koa=method == "set")
        elif (q in ("cookie.serialize", "serialize") and q.startswith("cookie")) or (
            fn.type == "identifier" and fa.aliases.get(fa.text(fn)) == "cookie.serialize"
        ):
            self.cookie_rule(node, args)
        elif q in ("crypto.createHash", "createHash") or q.endswith("crypto.createHash"):
            if a0.type == "string" and fa.text(a0)[1:-1].lower() in WEAK_HASHES:
                self.hash_rule(node, fa.text(a0)[1:-1])
                if self.target:
                    self.digests[self.target] = fa.text(a0)[1:-1]
        elif method == "update" and recv_text in self.digests:
            if PASSWORDISH.search(fa.text(a0)[:200]):
                self.hash_rule(node, self.digests[recv_text])
            self.hashed_input(node, self.digests[recv_text], arg(0))
        elif method == "update" and recv is not None and recv.type == "call_expression":
            m = re.match(r"^(?:crypto\.)?createHash\(\s*['\"](\w+)['\"]", recv_text or "")
            if m and m.group(1).lower() in WEAK_HASHES:
                self.hashed_input(node, m.group(1), arg(0))
        elif q in ("md5", "sha1", "blueimp-md5", "js-md5", "CryptoJS.MD5", "CryptoJS.SHA1"):
            if fa.aliases.get(fa.text(fn)) or q.startswith("CryptoJS"):
                self.hash_rule(node, short.lower())
        elif q in ("crypto.createCipher", "crypto.createDecipher"):
            fa.config(
                "WEAKCRYPTO",
                "CWE-327",
                "Weak or broken cipher",
                node,
                f"{q}() derives the key with MD5 and no salt, and uses no IV (deprecated).",
                "medium",
                "high",
                "Use crypto.createCipheriv('aes-256-gcm', key, iv) with a random IV and a key "
                "from a KDF (scrypt/pbkdf2).",
                self.symbol,
            )
        elif q in ("crypto.createCipheriv", "crypto.createDecipheriv") and a0.type == "string":
            alg = fa.text(a0)[1:-1]
            if WEAK_CIPHER.search(alg):
                fa.config(
                    "WEAKCRYPTO",
                    "CWE-327",
                    "Weak or broken cipher",
                    node,
                    f"The cipher '{alg}' is broken or leaks patterns (DES/RC4/ECB).",
                    "medium",
                    "high",
                    "Use AES-GCM (aes-256-gcm) or ChaCha20-Poly1305 with a random IV.",
                    self.symbol,
                )
        elif q in ("errorhandler", "errorhandler()") and fa.aliases.get(fa.text(fn)):
            fa.config(
                "DEBUG",
                "CWE-489",
                "Debug error handler enabled",
                node,
                "errorhandler() sends stack traces to the client; it is for development only.",
                "low",
                "medium",
                "Install errorhandler only when process.env.NODE_ENV === 'development'.",
                self.symbol,
            )

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

    def sqlish(self, node: Node) -> bool:
        if node.type == "identifier":
            return self.fa.text(node) in self.sql_vars
        text = self.fa.text(node) if node.end_byte - node.start_byte < 2000 else ""
        return bool(SQL_TEXT.search(text))

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
        names = _pattern_names(fa, name)
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
            for n in _pattern_names(fa, left):
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
        elif ltext in LOCATION_TARGETS or _global(ltext) in LOCATION_TARGETS:
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
        if name and (same(fa.functions.get(name), fn) or same(fa.methods.get(name), fn)):
            fa.summary(fn)
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
            for n in _pattern_names(self.fa, left):
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
            inner = _object_prop(fa, obj, ("__html",)) if obj is not None else None
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

    # guards --------------------------------------------------------------------------------
    def guards(self, cond: Node | None) -> None:
        if cond is None or cond.end_byte - cond.start_byte > 2000:
            return
        fa = self.fa
        stack = [cond]
        while stack:
            n = stack.pop()
            stack.extend(n.named_children)
            if n.type == "binary_expression":
                self.url_part_check(n)
            if n.type != "call_expression":
                continue
            fn = n.child_by_field_name("function")
            args_node = n.child_by_field_name("arguments")
            args = args_node.named_children if args_node is not None else []
            if fn is None or fn.type != "member_expression":
                if fn is not None and fa.qual(fn).startswith("validator.") and args:
                    self.guard_root(args[0], ALL_KINDS, n, fa.qual(fn))
                continue
            method = fa.text(fn.child_by_field_name("property"))
            recv = fn.child_by_field_name("object")
            if method == "startsWith":
                if args and args[0].type == "string" and scheme_only_prefix(fa.text(args[0])[1:-1]):
                    continue  # startsWith("https://") pins the scheme, not the host
                self.guard_root(recv, PREFIX_GUARD, n, ".startsWith()")
            elif method in ("includes", "indexOf") and args and ".." in fa.text(args[0]):
                self.guard_root(recv, frozenset({"path"}), n, f".{method}('..')")
            elif method == "indexOf" and args and self.compared_to_zero(n):
                if args[0].type == "string" and scheme_only_prefix(fa.text(args[0])[1:-1]):
                    continue
                # x.indexOf(base) === 0 / !== 0: the pre-ES6 x.startsWith(base)
                if recv is not None:
                    self.guard_root(unwrap(recv), PREFIX_GUARD, n, ".indexOf() === 0")
            elif method in ("includes", "has", "indexOf") and args:
                self.guard_root(args[0], ALL_KINDS, n, f"allow-list .{method}()")
            elif method == "test" and args and recv is not None and recv.type in REGEX_HOLDERS:
                # a regex literal, a variable holding one, or a RegExp built elsewhere (an
                # allow-list from configuration): only a scheme-only URL pattern
                # (/^https?:\/\//) checks nothing
                if recv.type == "regex":
                    pattern: str | None = fa.text(recv)
                else:
                    pattern = self.regexes.get(fa.text(recv))
                if pattern is not None and scheme_only_pattern(pattern.strip("/")):
                    continue
                self.guard_root(args[0], ALL_KINDS, n, "a regular expression")
            elif fa.qual(fn).startswith("validator.") and args:
                self.guard_root(args[0], ALL_KINDS, n, fa.qual(fn))

    def compared_to_zero(self, call: Node) -> bool:
        """``call === 0`` / ``call !== 0`` (either side, parentheses allowed)."""
        node, parent = call, call.parent
        while parent is not None and parent.type == "parenthesized_expression":
            node, parent = parent, parent.parent
        if parent is None or parent.type != "binary_expression":
            return False
        if self.fa.text(parent.child_by_field_name("operator")) not in ("===", "!==", "==", "!="):
            return False
        left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
        other = right if same(left, node) else left
        return other is not None and self.fa.text(other) == "0"

    def url_part_check(self, n: Node) -> None:
        """``u.origin === ALLOWED`` / ``u.host !== cfg.host`` on a parsed URL ``u``: its
        origin pins scheme and host (a redirect or request target checked); its host alone
        does not pin the scheme (``javascript://host/...``): a request target only."""
        op = self.fa.text(n.child_by_field_name("operator"))
        if op not in ("===", "==", "!==", "!="):
            return
        sides = [n.child_by_field_name("left"), n.child_by_field_name("right")]
        for side, other in (sides, sides[::-1]):
            if side is None or other is None or side.type != "member_expression":
                continue
            part = self.fa.text(side.child_by_field_name("property"))
            obj = side.child_by_field_name("object")
            if part not in URL_PARTS or obj is None or obj.type != "identifier":
                continue
            if other.type not in ("string", "identifier", "member_expression"):
                continue
            kinds = frozenset({"redirect", "ssrf"}) if part == "origin" else frozenset({"ssrf"})
            self.guard(self.fa.text(obj), kinds, n, f"a check of .{part}")

    def guard_root(self, node: Node | None, kinds: frozenset[str], at: Node, label: str) -> None:
        while node is not None and node.type in ("call_expression", "member_expression"):
            if node.type == "call_expression":
                fn = node.child_by_field_name("function")
                args = node.child_by_field_name("arguments")
                obj = fn.child_by_field_name("object") if fn is not None else None
                if (
                    obj is not None
                    and obj.type == "identifier"
                    and self.fa.text(obj) in self.fa.aliases
                    and args is not None
                    and args.named_children
                ):
                    node = args.named_children[-1]  # pth.resolve(base, name).startsWith(...)
                elif fn is not None and fn.type == "member_expression":
                    node = obj
                elif args is not None and args.named_children:
                    node = args.named_children[-1]  # path.resolve(base, x).startsWith(base)
                else:
                    return
            else:
                key = self.fa.text(node)
                if key in self.env:
                    self.guard(key, kinds, at, label)
                    return
                if len(key) < 80:
                    # a property read (req.query.name, opts.name): the value read there is
                    # bound under its text and guarded, not the whole object it comes from
                    value = self.eval(node)
                    if value:
                        self.env[key] = value
                        self.guard(key, kinds, at, label)
                        return
                node = node.child_by_field_name("object")
        if node is not None and node.type == "identifier":
            self.guard(self.fa.text(node), kinds, at, label)

    # configuration rules -------------------------------------------------------------------
    def credential(self, node: Node, name: str, value: Node) -> None:
        if value.type not in ("string", "template_string"):
            return
        if (
            value.type == "template_string"
            and value.named_children
            and any(c.type == "template_substitution" for c in value.named_children)
        ):
            return
        self.hard_coded(
            node,
            name,
            self.fa.text(value)[1:-1],
            "Read the secret from the environment (process.env) or a secrets manager; "
            "rotate it if it was committed.",
        )

    def tls(self, node: Node, message: str) -> None:
        self.tls_off(
            node,
            message,
            "high",
            "Keep certificate verification on; for a private CA pass it with the ca option "
            "(or NODE_EXTRA_CA_CERTS).",
        )

    def cookie_rule(self, node: Node, args: list[Node], koa: bool = False) -> None:
        fa = self.fa
        opts = args[2] if len(args) > 2 else None
        if opts is not None and opts.type != "object":
            return  # options built elsewhere: cannot tell
        text = fa.text(opts) if opts is not None else ""
        missing = [
            f for f in ("secure", "httpOnly") if not re.search(rf"\b{f}\s*:\s*(?!false)\S", text)
        ]
        if koa and "httpOnly" in missing and not re.search(r"\bhttpOnly\s*:\s*false", text):
            missing.remove("httpOnly")  # Koa's cookies are httpOnly by default
        if not missing:
            return
        name = fa.text(args[0]) if args else ""
        sensitive = bool(COOKIEISH.search(name))
        explicit = any(re.search(rf"\b{f}\s*:\s*false", text) for f in missing)
        fa.config(
            "COOKIE",
            "CWE-614",
            "Insecure cookie",
            node,
            f"res.cookie({name[:40]}) is set without {' and '.join(missing)}: the cookie can "
            "leak over plain HTTP or to scripts.",
            "medium" if sensitive or explicit else "low",
            "high" if explicit else "medium",
            "Pass { secure: true, httpOnly: true, sameSite: 'lax' }.",
            self.symbol,
        )

    def hash_rule(self, node: Node, alg: str) -> None:
        self.weak_hash(
            node,
            self.context_text(node),
            alg.upper(),
            "Hash passwords with bcrypt/argon2/scrypt (crypto.scrypt); use SHA-256 or better "
            "(or HMAC-SHA-256) elsewhere.",
        )

    def random_rule(self, node: Node) -> None:
        self.random_secret(
            node,
            "Math.random()",
            "Use crypto.randomBytes() / crypto.randomUUID() (or crypto.getRandomValues() in "
            "browsers).",
            snake_name,
        )


def _on_path(outer: str, inner: str) -> bool:
    """``inner`` is ``outer`` or a property path under it (``q.a`` / ``q.a.b`` / ``q.a[0]``)."""
    return outer == inner or outer.startswith((inner + ".", inner + "["))


def snake_name(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)


_REQ_WHOLE = frozenset(
    {f"{r}.{p}" for r in ("req", "request") for p in ("body", "query", "params", "headers")}
)


def _object_prop(fa: FileAnalysis, obj: Node | None, keys: tuple[str, ...]) -> Node | None:
    if obj is None or obj.type != "object":
        return None
    for p in obj.named_children:
        if p.type == "pair" and fa.text(p.child_by_field_name("key")).strip("'\"") in keys:
            return p.child_by_field_name("value")
        if p.type == "shorthand_property_identifier" and fa.text(p) in keys:
            return p
    return None


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
