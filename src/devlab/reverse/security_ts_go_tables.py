"""Go security rules: the tables and small helpers the analysis and the scan share.

The rule data (sources, sinks, sanitisers) loaded from the ``go`` rule table, the
``DL-GO-*`` rules and their fixes, the builtins, the default import paths of package
names, ``GoCall`` (one call on its way through the sink checks) and node helpers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from devlab.reverse.security_tables import load_table
from devlab.reverse.security_ts_core import (
    make_rules,
    union,
    words,
)
from devlab.reverse.taint import Taint

__all__ = [
    "CLEAN_FUNCS",
    "COOKIEISH",
    "CTX_BINDERS",
    "CTX_SOURCES",
    "CTX_TYPES",
    "DB_RECV",
    "DEFAULT_IMPORTS",
    "FPRINT",
    "FUNCTION_TYPES",
    "GORM_METHODS",
    "GO_BUILTINS",
    "HTML_TYPES",
    "HTTP_FUNCS",
    "MAJOR_VERSION",
    "NUMERIC_CONVERSIONS",
    "OS_PATH_FUNCS",
    "RAND_FUNCS",
    "REQ_FIELDS",
    "RULES",
    "SANITISERS",
    "SHELL_FUNCS",
    "SQL_METHODS",
    "GoCall",
    "T",
    "descendants_of",
    "descendants_of_params",
    "package_name",
    "short_name",
    "variadic_index",
]


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


MAJOR_VERSION = re.compile(r"/v\d+$")


def package_name(path: str) -> str:
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
class GoCall:
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


def descendants_of_params(fn: Node) -> list[Node]:
    ps = fn.child_by_field_name("parameters")
    if ps is None:
        return []
    return [p for p in ps.named_children if p.type.endswith("parameter_declaration")]


def variadic_index(args: list[Node]) -> int:
    for i, a in enumerate(args):
        if a.type == "variadic_argument":
            return i
    return -1


def short_name(q: str) -> str:
    return q.rsplit("/", 1)[-1]
