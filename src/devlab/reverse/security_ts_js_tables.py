"""JavaScript / TypeScript security rules: the tables and the small helpers they share.

The rule data (sources, sinks, sanitisers, propagators) loaded from the ``javascript``
rule table, the ``DL-JS-*`` rules and their fixes, the tree-sitter node-type sets, and
helpers on names and nodes used by the analysis (``security_ts_js_names``) and every
part of the scan (``security_ts_js_scan_*`` modules, ``security_ts_js``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from devlab.reverse.models import Severity
from devlab.reverse.security_tables import load_table
from devlab.reverse.security_ts_core import (
    FileAnalysis,
    filter_kinds,
    make_rules,
    words,
)
from devlab.reverse.taint import Taint

__all__ = [
    "ARCHIVE_ENTRIES",
    "ARCHIVE_MODULE",
    "ARCHIVE_NAME_PROPS",
    "ARCHIVE_ORIGIN",
    "CALLBACK_METHODS",
    "CLEAN_METHODS",
    "CLEAN_PROPS",
    "CMD_FUNCS",
    "CODE_FUNCS",
    "COOKIEISH",
    "CURRENT_PAGE",
    "DB_RECV",
    "DOM_SOURCES",
    "DOM_UNKNOWN",
    "EVENT_NAMES",
    "FS_ONE",
    "FS_TWO",
    "FUNCTION_TYPES",
    "GLOBAL_OBJECTS",
    "HEADER_SETTERS",
    "HTML_PROPS",
    "HTTP_VERBS",
    "JQ_HTML",
    "JS_GLOBALS",
    "KOA_PROPS",
    "LOCATION_TARGETS",
    "MODULE_RENAMES",
    "MUTATORS",
    "NEST_SOURCES",
    "NEXT_ROUTE_FILE",
    "NEXT_VERBS",
    "NODE_EVAL_FLAGS",
    "NODE_PROGRAMS",
    "NODE_PROGRAM_EXPRS",
    "PROGRAM_FUNCS",
    "PROMISE_LINKS",
    "PROMISIFY",
    "REGEX_HOLDERS",
    "REQ_METHODS",
    "REQ_NAMES",
    "REQ_PROPS",
    "REQ_WHOLE",
    "RES_NAMES",
    "ROOTED_LITERAL",
    "RULES",
    "SANITISERS",
    "SANITISER_METHODS",
    "SELECTOR_START",
    "SERVER_MODULES",
    "SESSION_MODULES",
    "SHADOWING_VALUES",
    "SQL_ALWAYS",
    "SQL_DB_METHODS",
    "SQL_TEXT_METHODS",
    "SSRF_FUNCS",
    "SSRF_MODULES",
    "STMT_TYPES",
    "TIMERS",
    "URL_PARTS",
    "WEAK_CIPHER",
    "WEAK_HASHES",
    "WRITE_CALL",
    "JSCall",
    "T",
    "fs_norm",
    "global_name",
    "module_name",
    "object_prop",
    "on_path",
    "pattern_names",
    "replace_filter_kinds",
    "snake_name",
]


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


def module_name(name: str) -> str:
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


def global_name(q: str) -> str:
    """``window.setTimeout`` / ``global.eval`` / ``window.document.write``: the global
    itself."""
    for prefix in GLOBAL_OBJECTS:
        if q.startswith(prefix):
            return q[len(prefix) :]
    return q


def replace_filter_kinds(fa: FileAnalysis, args: list[Node]) -> frozenset[str]:
    """Sink kinds that ``s.replace(/[^ALLOWED]/g, "x")`` protects: the kinds none of whose
    dangerous characters is in the allowed class or in the replacement."""
    if len(args) < 2 or args[0].type != "regex" or args[1].type != "string":
        return frozenset()
    pattern = fa.text(args[0].child_by_field_name("pattern"))
    if "g" not in fa.text(args[0].child_by_field_name("flags")):
        return frozenset()  # only the first match is replaced
    return filter_kinds(pattern, fa.text(args[1])[1:-1])


def fs_norm(q: str) -> str:
    """fs.promises.readFile / fs-extra.readFile -> fs.readFile."""
    if q.startswith("fs.promises."):
        return "fs." + q[len("fs.promises.") :]
    return q


def pattern_names(fa: FileAnalysis, p: Node) -> list[str]:
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
class JSCall:
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


def on_path(outer: str, inner: str) -> bool:
    """``inner`` is ``outer`` or a property path under it (``q.a`` / ``q.a.b`` / ``q.a[0]``)."""
    return outer == inner or outer.startswith((inner + ".", inner + "["))


def snake_name(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)


REQ_WHOLE = frozenset(
    {f"{r}.{p}" for r in ("req", "request") for p in ("body", "query", "params", "headers")}
)


def object_prop(fa: FileAnalysis, obj: Node | None, keys: tuple[str, ...]) -> Node | None:
    if obj is None or obj.type != "object":
        return None
    for p in obj.named_children:
        if p.type == "pair" and fa.text(p.child_by_field_name("key")).strip("'\"") in keys:
            return p.child_by_field_name("value")
        if p.type == "shorthand_property_identifier" and fa.text(p) in keys:
            return p
    return None
