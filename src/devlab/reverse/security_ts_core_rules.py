"""Shared data of the tree-sitter security rules: kinds, presets, rules, small helpers.

The sink kinds and the source presets (which kinds a CLI or browser source cannot
reach), the credential and secret heuristics (``credential_name``/``credential_value``),
the ``s.replace(/[^ALLOWED]/g, ...)`` filter reading (``filter_kinds``), the shell and
SQL tables, the taint ``Rule``s every language builds with ``make_rules``, the summary
records (``SinkHit``, ``Summary``) and helpers on taints and tree-sitter nodes. Used by
``security_ts_core`` (which re-exports every public name here), its ``FileAnalysis``
(``security_ts_core_file``) and the language modules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tree_sitter import Node

from devlab.reverse.models import Confidence, Severity
from devlab.reverse.security_tables import KNOWN_KINDS
from devlab.reverse.taint import Taint

if TYPE_CHECKING:
    from devlab.reverse.security_ts_core_file import FileAnalysis

__all__ = [
    "ALLOW_CALL",
    "ALL_KINDS",
    "CLASS_ESCAPES",
    "CLIENT_PRESET",
    "CLI_ORIGINS",
    "CLI_PRESET",
    "CONF_RANK",
    "CRED_NAME",
    "CRED_NOT",
    "FILTER_FORBIDDEN",
    "LEXER_NAME",
    "LEXER_VALUE",
    "MAX_DEPTH",
    "MAX_SUMMARY_NESTING",
    "NEGATED_CLASS",
    "PASSWORDISH",
    "PREFIX_GUARD",
    "RANDOM_SECRET_NAME",
    "REDACTED",
    "SEMI_ORIGINS",
    "SHELLS",
    "SHELL_FLAGS",
    "SIGNATUREISH",
    "SQL_TEXT",
    "TEST_PATH",
    "UNKNOWN",
    "WEAK_ORIGINS",
    "WORD",
    "WRAPPERS",
    "Rule",
    "SinkHit",
    "Summary",
    "credential_name",
    "credential_value",
    "descendants",
    "end_row",
    "filter_kinds",
    "make_rules",
    "row",
    "same",
    "snake",
    "union",
    "unredact",
    "unwrap",
    "with_sanitisers",
    "words",
]

# The categories a rule table may name, defined once with the tables' loader.
ALL_KINDS: frozenset[str] = KNOWN_KINDS
#: command-line input is the user's own: reading the file or URL they name is the point
CLI_PRESET: frozenset[str] = frozenset({"path", "ssrf", "redirect", "xss", "trust"})
#: browser input (location, props, message data) only matters for client-side sinks
CLIENT_PRESET: frozenset[str] = ALL_KINDS - {"xss", "redirect", "code"}
#: what a "starts with the base directory / allowed prefix" check protects
PREFIX_GUARD: frozenset[str] = frozenset({"path", "redirect", "ssrf"})
WEAK_ORIGINS: frozenset[str] = frozenset(
    {"process.env", "System.getenv", "System.getProperty", "os.Getenv", "environment"}
)
CLI_ORIGINS: frozenset[str] = frozenset(
    {"process.argv", "os.Args", "command-line flag", "command-line args"}
)
TEST_PATH = re.compile(
    r"(^|/)(tests?|__tests__|testdata|spec|e2e|fixtures?)/|"
    r"(_test\.go|\.(test|spec)\.[jt]sx?|Tests?\.java|IT\.java|_spec\.[jt]s)$"
)
#: sources reported at medium confidence: client-side state, and archive entry names (the
#: archive may or may not come from a user)
SEMI_ORIGINS: frozenset[str] = frozenset(
    {"component props", "this.props", "this.state", "archive entry name"}
)
CONF_RANK = {"high": 2, "medium": 1, "low": 0}
MAX_DEPTH = 200  # expression nesting handled recursively; deeper subtrees are read flat
MAX_SUMMARY_NESTING = 8

# credentials / secrets -------------------------------------------------------------------
CRED_NAME = re.compile(
    r"(pass(word|wd|phrase)?|pwd|secret|token|api_?key|access_?key|private_?key|auth_?key|"
    r"credential|client_?secret)",
    re.I,
)
CRED_NOT = re.compile(
    r"(askpass|^credentials$|_(field|fields|name|names|url|uri|path|file|dir|header|param|params|env|var|length|"
    r"len|type|label|placeholder|prompt|regex|re|pattern|endpoint|route|policy|hint|message|"
    r"msg|text|title|id|error|err|prefix|suffix|column|col|cookie|event|action|expiry|"
    r"expires|expiration|ttl|timeout|count|mode|format|input|selector|class|style|icon|"
    r"validator|min|max|rule|rules|method|provider|service|store|storage|location|"
    r"keyname|attr|attribute|property|prop|query|hash|hashed|digest|salt|reset|changed|"
    r"required|enabled|visible|valid|policy)|(token|pass|password|pwd)_key)$",
    re.I,
)
RANDOM_SECRET_NAME = re.compile(
    r"(token|secret|pass(word)?|nonce|salt|otp|api_?key|session_?id|reset|csrf|"
    r"verif(y|ication)_?code|auth_?code|invite)",
    re.I,
)
PASSWORDISH = re.compile(r"(pass(word|wd|phrase)?|pwd|credential)", re.I)
SIGNATUREISH = re.compile(r"(sign|signature|token|hmac|auth|verify|secret|integrity)", re.I)
REDACTED = re.compile(r"^<?REDACTED:[^>]*>?$")
_PLACEHOLDER = re.compile(
    r"(^[\s*x.]*$|^[<{$%]|changeme|change_me|your[_-]?|example|placeholder|dummy|"
    r"^todo|^fixme|^xxx|^\*+$|^null$|^none$|^undefined$|^test$|^secret$|^password$|"
    r"^token$|\$\{|\{\{)",
    re.I,
)
ALLOW_CALL = re.compile(r"^[\w.]+\.(\w+)\(\s*([\w.]+)\s*\)$")  # allowed.contains(x)
SQL_TEXT = re.compile(
    r"\b(select\b[\s\S]*\bfrom|insert\s+into|update\b[\s\S]*\bset\b|delete\s+from|"
    r"where\s+[\w.\"`]+\s*(=|<|>|like|in\b)|order\s+by|create\s+(table|index)|drop\s+table)",
    re.I,
)
SHELLS = frozenset(
    {
        "sh",
        "bash",
        "zsh",
        "dash",
        "ksh",
        "/bin/sh",
        "/bin/bash",
        "/usr/bin/bash",
        "/bin/zsh",
        "/usr/bin/env",
        "cmd",
        "cmd.exe",
        "powershell",
        "powershell.exe",
        "pwsh",
    }
)
SHELL_FLAGS = frozenset({"-c", "/c", "/C", "-Command", "-command", "-lc", "-ec"})


def words(text: str) -> frozenset[str]:
    """A frozenset of space-separated words (keeps the rule tables compact)."""
    return frozenset(text.split())


def snake(name: str) -> str:
    """``apiKeyHeader`` -> ``api_key_header`` (credential names are checked in snake case)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def credential_name(name: str) -> bool:
    """Does this variable/field/key name denote a secret value?"""
    name = name.strip("\"'`")
    if not re.fullmatch(r"[A-Za-z_$][\w$-]*", name):
        return False  # an expression (map key, member chain), not a name
    s = snake(name)
    return bool(CRED_NAME.search(s)) and not CRED_NOT.search(s)


LEXER_NAME = re.compile(r"(?i)(token|tok|token_?type|token_?kind)")
LEXER_VALUE = re.compile(r"[a-z]+(?:[-_.][a-z0-9]+)*")


def credential_value(name: str, value: str) -> tuple[Severity, Confidence, str] | None:
    """(severity, confidence, why) when ``value`` looks like a real hard-coded secret for a
    credential-named ``name``; None for empty values, placeholders and key names. A value
    the ingestion scrubbed (``<REDACTED:...>``) is a secret whatever the name."""
    v = value.strip()
    if not v:
        return None
    if REDACTED.match(v):
        return "high", "high", "a secret literal (detected and redacted at ingestion)"
    if not credential_name(name):
        return None
    if len(v) < 4 or " " in v or _PLACEHOLDER.search(v):
        return None
    low = v.lower()
    if low == name.lower() or low == snake(name):
        return None
    if LEXER_NAME.fullmatch(name) and LEXER_VALUE.fullmatch(v):
        return None  # a tokenizer's token kind (token = "keyword", tok = "variable-2")
    if low.startswith(("http://", "https://", "/", "./", "../")) and "@" not in low:
        return None
    if re.fullmatch(r"[.#][a-z][\w.\-]*", low):
        return None  # a CSS selector or an event namespace (DATA_API_KEY = ".data-api")
    # values that name a key rather than hold one: "access_token", "auth.password"
    if re.search(r"[._:\-]", v) and CRED_NAME.search(low) and re.fullmatch(r"[\w.:\-]+", v):
        return None
    return "medium", "medium", "a string literal"


NEGATED_CLASS = re.compile(r"^\[\^((?:\\.|[^\]\\])+)\][+*]?$")
WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
CLASS_ESCAPES = {"w": WORD, "d": frozenset("0123456789"), "s": frozenset(" \t\n\r\f\v")}
#: the characters that must not survive a filter for it to protect each sink kind
FILTER_FORBIDDEN: dict[str, frozenset[str]] = {
    "path": frozenset("/\\."),
    "xss": frozenset("<>\"'&`"),
    "cmd": frozenset(";&|$`()<>\n\r\t \"'\\*?~{}[]!#%^"),
    "sql": frozenset("'\"\\;` \t\n\r-#/"),
    "redirect": frozenset(":/\\"),
    "ldap": frozenset("()*\\\0"),
    "xpath": frozenset("'\"[]()/@="),
}


def _class_chars(body: str) -> frozenset[str] | None:
    """The characters a regex character class (its body, without ``[^``/``]``) names;
    None when it uses a construct this does not read (unicode escapes, classes)."""
    out: set[str] = set()
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body):
                return None
            e = body[i + 1]
            if e in CLASS_ESCAPES:
                out |= CLASS_ESCAPES[e]
            elif e.isalnum():
                return None  # \u, \x, \p, \W, \S ...
            else:
                out.add(e)
            i += 2
            continue
        if i + 2 < len(body) and body[i + 1] == "-" and body[i + 2] != "\\":
            lo, hi = ord(c), ord(body[i + 2])
            if hi < lo or hi - lo > 256:
                return None
            out.update(chr(x) for x in range(lo, hi + 1))
            i += 3
            continue
        out.add(c)
        i += 1
    return frozenset(out)


def filter_kinds(pattern: str, replacement: str) -> frozenset[str]:
    """Sink kinds that replacing every match of ``pattern`` (a regex: one negated character
    class, ``[^ALLOWED]``) by ``replacement`` protects: the kinds none of whose dangerous
    characters is allowed or in the replacement (``[^a-z0-9]`` protects every kind, ``[^\\w.-]``
    leaves ``.`` and so does not protect paths). Empty for any other pattern."""
    m = NEGATED_CLASS.match(pattern)
    kept = _class_chars(m.group(1)) if m else None
    if kept is None:
        return frozenset()
    chars = kept | set(replacement)
    out = {k for k, bad in FILTER_FORBIDDEN.items() if not chars & bad}
    if chars <= WORD:
        out.add("code")
    return frozenset(out)


# rules --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """A taint rule: the sink kind (also the sanitiser kind) and how it is reported."""

    key: str
    rule_id: str
    cwe: str
    title: str
    severity: Severity
    fix: str
    unknown: Severity | None = None  # severity for untraced non-constant input
    constant: Severity | None = None  # severity for constants (inherently dangerous API)


_BASE_RULES: dict[str, tuple[str, str, str, Severity, Severity | None, Severity | None]] = {
    "cmd": ("CMDI", "CWE-78", "OS command injection", "critical", "medium", None),
    "code": ("CODEI", "CWE-94", "Code injection", "critical", "medium", "info"),
    "sql": ("SQLI", "CWE-89", "SQL injection", "high", "medium", None),
    "path": ("PATH", "CWE-22", "Path traversal", "high", None, None),
    "deser": ("DESER", "CWE-502", "Unsafe deserialisation", "critical", "medium", None),
    "ssrf": ("SSRF", "CWE-918", "Server-side request forgery", "high", None, None),
    "redirect": ("REDIRECT", "CWE-601", "Open redirect", "medium", None, None),
    "xss": ("XSS", "CWE-79", "Cross-site scripting", "high", None, None),
    "xxe": ("XXE", "CWE-611", "XML external entities", "high", None, None),
    "ldap": ("LDAPI", "CWE-90", "LDAP injection", "high", None, None),
    "xpath": ("XPATHI", "CWE-643", "XPath injection", "high", None, None),
    "trust": ("TRUST", "CWE-501", "Trust boundary violation", "medium", None, None),
    "ssti": ("SSTI", "CWE-1336", "Server-side template injection", "high", "medium", None),
}


def make_rules(prefix: str, fixes: dict[str, str]) -> dict[str, Rule]:
    """The taint rules of one language: ids ``DL-<prefix>-...`` with that language's fixes."""
    out: dict[str, Rule] = {}
    for key, (suffix, cwe, title, sev, unknown, constant) in _BASE_RULES.items():
        if key in fixes:
            out[key] = Rule(
                key, f"DL-{prefix}-{suffix}", cwe, title, sev, fixes[key], unknown, constant
            )
    return out


@dataclass
class SinkHit:
    """A parameter of a summarised function reaching a sink inside it."""

    key: str
    line: int
    end: int
    note: str
    taint: Taint  # origin "param"
    symbol: str | None
    quiet: bool = False  # no "untraced origin" report for this sink
    unknown: Severity | None = None  # this sink's own severity for untraced values
    #: the analysis of the file the sink is in, when that is another file of the project
    #: (a summary that calls a function imported from there); None: this file
    owner: FileAnalysis | None = None


@dataclass
class Summary:
    hits: list[SinkHit] = field(default_factory=list)
    returns: list[Taint] = field(default_factory=list)


def union(a: list[Taint], b: list[Taint]) -> list[Taint]:
    """Both taint lists, de-duplicated by (origin, param, sanitisers), at most 6."""
    if not b:
        return a
    if not a:
        return b
    out: dict[tuple[str, int, frozenset[str]], Taint] = {}
    for t in a + b:
        out.setdefault((t.origin, t.param, t.sanitisers), t)
    return list(out.values())[:6]


def with_sanitisers(t: Taint, kinds: frozenset[str], line: int, code: str, note: str) -> Taint:
    """``t`` after passing a sanitiser (or guard) for ``kinds``, with a step saying so."""
    return Taint(t.origin, t.param, t.steps, t.sanitisers | kinds).then(line, code, note)


def same(a: Node | None, b: Node) -> bool:
    """The same syntax node (py-tree-sitter makes a new ``Node`` object per access)."""
    return a is not None and a.id == b.id


def row(node: Node) -> int:
    """1-based line of a node's start."""
    return node.start_point[0] + 1


def end_row(node: Node) -> int:
    """1-based line of a node's end (a node ending at column 0 ends on the line before)."""
    r, c = node.end_point
    return max(r if c == 0 and r > node.start_point[0] else r + 1, node.start_point[0] + 1)


def descendants(node: Node, stop: frozenset[str] = frozenset()) -> Iterator[Node]:
    """Every node under ``node`` (pre-order, iterative), not entering ``stop`` types."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if n.type in stop and n is not node:
            continue
        stack.extend(reversed(n.named_children))


UNKNOWN = Taint("unknown")
WRAPPERS = frozenset(
    {"parenthesized_expression", "await_expression", "as_expression", "non_null_expression"}
)


def unwrap(node: Node) -> Node:
    """The expression inside any number of parentheses / ``await`` / ``as`` casts."""
    for _ in range(10_000):
        if node.type not in WRAPPERS or not node.named_children:
            break
        node = node.named_children[0]
    return node


# a redaction marker not already inside quotes: <REDACTED:AWS Access Key>
_BARE_REDACTED = re.compile(r"(?<![\"'`\w])<(REDACTED:[^<>\"'`\n]{0,80})>(?![\"'`])")


def unredact(text: str) -> str:
    """``<REDACTED:x>`` -> ``"REDACTED:x"`` (same length) where it stands as a value:
    secrets scrubbed at ingestion read as string constants, lines and columns unmoved."""
    if "REDACTED:" not in text:
        return text
    return _BARE_REDACTED.sub(lambda m: f'"{m.group(1)}"', text)
