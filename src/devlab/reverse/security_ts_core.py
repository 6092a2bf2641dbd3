"""Shared machinery of DevLab's tree-sitter security rules (JS/TS, Java, Go, Bash).

Model (the same as the Python rules in ``devlab.reverse.taint``)
-----------------------------------------------------------------
* A value carries zero or more ``Taint``s: a real *source* (request data, argv, stdin,
  env...), a *parameter* of the function being summarised (origin ``"param"``), or an
  *unknown* value (origin ``"unknown"``: a free variable such as a field). A taint keeps
  the ``TaintStep``s it took and the sanitiser kinds it passed.
* ``Scan`` walks one function body once, in source order, keeping an environment
  name -> taints. Assignments at the top level of the body replace a variable's taints;
  assignments inside a branch or loop add to them (no environment copies, so the walk
  stays linear). Conditions are read for *guards* (``startsWith``/``HasPrefix``,
  allow-list and regex checks) that sanitise a variable from there on.
* Calls to functions of the same file use a summary computed once per function
  (parameters symbolic): which parameters reach which sinks, what the return value
  carries. A source passed to such a function is reported at the callee's sink with the
  whole path.

Reporting (``Scan.sink``)
-------------------------
* tainted: the rule's severity, confidence high; weak sources (environment variables)
  report at most medium/medium; component props/state keep the severity at medium
  confidence.
* unknown (a parameter nobody in the project calls, or a free value): non-constant data
  of untraced origin; ``Rule.unknown`` severity at low confidence, only for rules whose
  sink is dangerous by itself (commands, code, dynamic SQL, deserialisation: a library's
  callers are its input); ``quiet`` sinks never report it. Constants (literal loops,
  re-assigned values) are never reported: that is presence only.
* sanitised / constants: not reported, except ``Rule.constant`` (``eval`` of a constant).

Every finding goes through ``FileAnalysis.add``, which keeps the strongest finding per
(rule, line, CWE).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Self

from tree_sitter import Node, Tree

from devlab.reverse.models import SEVERITY_ORDER, Confidence, Finding, Severity, TaintStep
from devlab.reverse.security_tables import KNOWN_KINDS
from devlab.reverse.taint import Taint

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


# the file ------------------------------------------------------------------------------------
class FileAnalysis:
    """One file's analysis: registry of functions, summaries, findings.

    Language modules subclass it, set ``scan_class``, ``prefix`` and ``rules``, and
    implement ``prepare`` (imports, function registry), ``params`` and ``symbol_of``.
    """

    prefix: ClassVar[str] = ""
    rules: ClassVar[dict[str, Rule]] = {}
    scan_class: ClassVar[type[Scan]]

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        self.path, self.src, self.tree, self.language = path, src, tree, language
        self.lines = text.splitlines()
        self.functions: dict[str, Node | None] = {}  # callable name -> node (None: ambiguous)
        self.summaries: dict[int, Summary] = {}
        self.in_progress: set[int] = set()
        self.analysed: set[int] = set()
        self.called: set[int] = set()  # functions called from this file
        self.nesting = 0
        self.depth = 0
        self.module_env: dict[str, list[Taint]] = {}
        self.best: dict[tuple[str, int, str], tuple[tuple[int, int, int], Finding]] = {}
        # tests exercise insecure settings on purpose: report them, but at low severity
        self.test_code = bool(TEST_PATH.search(path.replace("\\", "/")))

    # text ------------------------------------------------------------------------------------
    def text(self, node: Node | None) -> str:
        if node is None:
            return ""
        return self.src[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def code(self, line: int, end: int | None = None) -> str:
        end = min(end or line, line + 7)
        return "\n".join(s[:300] for s in self.lines[line - 1 : end]).strip()

    def register(self, name: str, node: Node) -> None:
        """Remember a callable definition; a second one of that name makes it ambiguous."""
        self.functions[name] = None if name in self.functions else node

    # findings --------------------------------------------------------------------------------
    def add(
        self,
        rule_id: str,
        cwe: str | None,
        title: str,
        message: str,
        severity: Severity,
        confidence: Confidence,
        line: int,
        end: int,
        symbol: str | None,
        fix: str,
        taint: Taint | None = None,
    ) -> None:
        """Record a finding; per (rule, line, CWE) the strongest one is kept."""
        steps: list[TaintStep] = list(taint.steps) if taint is not None else []
        if self.test_code and SEVERITY_ORDER[severity] > SEVERITY_ORDER["low"]:
            severity = "low"
            message += " (in test code)"
        rank = (SEVERITY_ORDER[severity], int(bool(steps)), CONF_RANK[confidence])
        key = (rule_id, line, cwe or "")
        cur = self.best.get(key)
        if cur is not None and cur[0] >= rank:
            return
        self.best[key] = (
            rank,
            Finding(
                rule_id=rule_id,
                category="security",
                title=title,
                message=message,
                severity=severity,
                confidence=confidence,
                cwe=cwe,
                path=self.path,
                start_line=line,
                end_line=max(end, line),
                snippet=self.code(line, end),
                symbol=symbol,
                fix=fix,
                taint_path=steps,
            ),
        )

    def config(
        self,
        suffix: str,
        cwe: str,
        title: str,
        node: Node,
        message: str,
        severity: Severity,
        confidence: Confidence,
        fix: str,
        symbol: str | None,
    ) -> None:
        """A configuration / API-misuse finding (no data flow): ``DL-<prefix>-<suffix>``."""
        self.add(
            f"DL-{self.prefix}-{suffix}",
            cwe,
            title,
            message,
            severity,
            confidence,
            row(node),
            end_row(node),
            symbol,
            fix,
        )

    def report(
        self,
        key: str,
        taint: Taint,
        line: int,
        end: int,
        note: str,
        symbol: str | None,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
    ) -> None:
        """A source reached a sink: the rule's severity (lowered for weak sources)."""
        rule = self.rules[key]
        path = taint.then(line, self.code(line, end), note)
        sev: Severity = severity or rule.severity
        conf: Confidence = confidence or "high"
        if taint.origin in WEAK_ORIGINS:
            conf = "medium"
            if SEVERITY_ORDER[sev] > SEVERITY_ORDER["medium"]:
                sev = "medium"
        elif taint.origin in SEMI_ORIGINS:
            conf = "medium"
        where = note.removeprefix("sink: ")
        self.add(
            rule.rule_id,
            rule.cwe,
            rule.title,
            f"{rule.title}: untrusted data from {taint.origin} reaches {where} "
            "without a sanitiser.",
            sev,
            conf,
            line,
            end,
            symbol,
            rule.fix,
            path,
        )

    def untraced(
        self,
        key: str,
        line: int,
        end: int,
        note: str,
        symbol: str | None,
        severity: Severity | None = None,
        unknown: Severity | None = None,
    ) -> None:
        """A value of unknown origin reaches a sink: reported (low confidence) only for
        rules whose sink is dangerous by itself, or for a sink that says it is
        (``unknown``: an injection sink of the browser, see ``Scan.sink``)."""
        rule = self.rules[key]
        base = unknown or rule.unknown
        if not base:
            return
        self.add(
            rule.rule_id,
            rule.cwe,
            rule.title,
            f"{rule.title}: a value of untraced origin (a parameter or a field) reaches "
            f"{note.removeprefix('sink: ')}; make sure it cannot come from a user.",
            min(base, severity or base, key=SEVERITY_ORDER.__getitem__),
            "low",
            line,
            end,
            symbol,
            rule.fix,
        )

    def results(self) -> list[Finding]:
        out = [f for _, f in self.best.values()]
        out.sort(key=lambda f: (f.start_line, -SEVERITY_ORDER[f.severity], f.rule_id))
        return out

    # functions -------------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        """Analyse the whole file; returns its findings."""
        self.prepare()
        scan = self.scan_class(self, None, None, self.module_env)
        scan.eval(self.tree.root_node)
        for node in list(self.functions.values()):
            if node is not None and node.id not in self.analysed:
                self.summary(node)
        for fn_id, summary in self.summaries.items():
            if fn_id not in self.called:  # an entry point / exported API: params untraced
                for hit in summary.hits:
                    if not hit.quiet:
                        self.untraced(
                            hit.key, hit.line, hit.end, hit.note, hit.symbol, None, hit.unknown
                        )
        self.finish()
        return self.results()

    def prepare(self) -> None:
        """Collect imports and the callable definitions (language hook)."""

    def finish(self) -> None:
        """Rules that need the whole file (language hook)."""

    def params(self, fn: Node) -> list[tuple[int, str, Node, Taint | None]]:
        """(position, name, node, source taint or None) of each parameter name, in order;
        a destructured parameter gives several names at one position (language hook)."""
        return []

    def body(self, fn: Node) -> Node | None:
        return fn.child_by_field_name("body")

    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        """Qualified name of a function node (language hook)."""
        return parent

    def summary(self, fn: Node) -> Summary:
        """The function's summary, analysing it once (parameters symbolic)."""
        cached = self.summaries.get(fn.id)
        if cached is not None:
            return cached
        if fn.id in self.in_progress or self.nesting >= MAX_SUMMARY_NESTING:
            return Summary()
        self.in_progress.add(fn.id)
        self.nesting += 1
        try:
            s = Summary()
            self.analyse(fn, s, dict(self.module_env), None, self.symbol_of(fn, None))
        finally:
            self.nesting -= 1
            self.in_progress.discard(fn.id)
        self.summaries[fn.id] = s
        return s

    def analyse(
        self,
        fn: Node,
        summary: Summary | None,
        env: dict[str, list[Taint]],
        seed: list[Taint] | None,
        symbol: str | None,
        parent: Scan | None = None,
    ) -> Scan:
        """Walk one function with its parameters bound: sources, seeded taints (callbacks of
        tainted receivers) or symbolic ``param`` taints."""
        self.analysed.add(fn.id)
        scan = self.scan_class(self, summary, symbol, env)
        scan.function = fn
        scan.enter(fn, parent)
        head = self.code(row(fn))
        for i, name, pnode, src in self.params(fn):
            if src is not None:
                scan.env[name] = [src]
            elif seed:
                scan.env[name] = [
                    t.then(row(pnode), head, f"callback parameter {name}") for t in seed
                ]
            else:
                scan.env[name] = [Taint("param", i).then(row(pnode), head, f"parameter {name}")]
            scan.dyn.discard(name)
        body = self.body(fn)
        if body is not None:
            result = scan.eval(body)
            if body.type not in scan.block_types:
                scan.returned(result, body)
        return scan


# the walk -------------------------------------------------------------------------------------
class Scan:
    """Walk one function body in order, keeping an environment name -> taints.

    Subclasses fill ``handlers`` (node type -> method of the subclass: ``Self`` binds to
    it, so ``JSScan.handlers`` holds ``JSScan`` methods) and the type sets; every other
    node evaluates to the union of its named children.
    """

    handlers: ClassVar[dict[str, Callable[[Self, Node], list[Taint]]]] = {}
    literals: ClassVar[frozenset[str]] = frozenset()
    skip: ClassVar[frozenset[str]] = frozenset()
    block_types: ClassVar[frozenset[str]] = frozenset()
    identifier_types: ClassVar[frozenset[str]] = frozenset({"identifier"})
    context_types: ClassVar[frozenset[str]] = frozenset()  # statements ending context_text

    def __init__(
        self,
        fa: FileAnalysis,
        summary: Summary | None,
        symbol: str | None,
        env: dict[str, list[Taint]],
    ) -> None:
        self.fa, self.summary, self.symbol, self.env = fa, summary, symbol, env
        self.cond = 0  # > 0 inside a branch or loop: assignments add taint
        self.dyn: set[str] = set()  # variables holding strings built dynamically
        self.sql_vars: set[str] = set()  # variables holding SQL text
        self.returns: list[Taint] = []
        self.target = ""  # name being assigned (context for randomness / hashing rules)
        self.function: Node | None = None

    def enter(self, fn: Node, parent: Scan | None) -> None:
        """Start walking function ``fn`` (nested in ``parent``'s walk, if any): hook."""

    # core ------------------------------------------------------------------------------------
    def eval(self: Self, node: Node | None) -> list[Taint]:
        """Taints of the value of ``node``; checks the sinks and rules inside it."""
        if node is None:
            return []
        t = node.type
        if t in self.literals or t in self.skip:
            return []
        fa = self.fa
        if fa.depth >= MAX_DEPTH:
            return self.flat(node)
        h = self.handlers.get(t)
        fa.depth += 1
        try:
            if h is not None:
                return h(self, node)
            return self.children(node)
        finally:
            fa.depth -= 1

    def children(self, node: Node) -> list[Taint]:
        out: list[Taint] = []
        for c in node.named_children:
            r = self.eval(c)
            if r:
                out = union(out, r)
        return out

    def flat(self, node: Node) -> list[Taint]:
        """Too deep to walk: the taints of every variable named in the subtree (no sinks)."""
        out: list[Taint] = []
        for n in descendants(node):
            if n.type in self.identifier_types:
                out = union(out, self.env.get(self.fa.text(n), []))
        return out

    def branch(self, *nodes: Node | None) -> None:
        """Evaluate bodies that may not run (if/else, loops, catch)."""
        self.cond += 1
        for n in nodes:
            self.eval(n)
        self.cond -= 1

    def bind(self, name: str, taints: list[Taint], node: Node, dynamic: bool = False) -> None:
        """``name = value``: replace its taints at top level, add to them in a branch."""
        line = row(node)
        new = [t.then(line, self.fa.code(line), f"assigned to {name}") for t in taints]
        if self.cond > 0 and name in self.env:
            new = union(self.env[name], new)
        self.env[name] = new
        if dynamic:
            self.dyn.add(name)
        elif self.cond == 0:
            self.dyn.discard(name)

    def source(self, label: str, node: Node, preset: frozenset[str] = frozenset()) -> list[Taint]:
        """A fresh taint from a source; ``preset`` lists sink kinds it cannot harm."""
        line = row(node)
        return [Taint(label, -1, (), preset).then(line, self.fa.code(line), f"source: {label}")]

    def unknown(self) -> list[Taint]:
        return [UNKNOWN]

    def sanitise(
        self, taints: list[Taint], kinds: frozenset[str], node: Node, label: str
    ) -> list[Taint]:
        line = row(node)
        code = self.fa.code(line)
        return [
            with_sanitisers(t, kinds, line, code, f"passes {label} (sanitiser)") for t in taints
        ]

    def guard(self, name: str, kinds: frozenset[str], node: Node, label: str) -> None:
        """A check in a condition (prefix, allow-list, regex) sanitises ``name`` from here."""
        taints = self.env.get(name)
        if not taints:
            return
        line = row(node)
        code = self.fa.code(line)
        self.env[name] = [
            with_sanitisers(t, kinds, line, code, f"checked by {label} (guard)") for t in taints
        ]

    def returned(self, taints: list[Taint], node: Node) -> None:
        if not taints:
            return
        line = row(node)
        code = self.fa.code(line)
        ts = [t.then(line, code, "returned") for t in taints]
        self.returns = union(self.returns, ts)
        if self.summary is not None:
            self.summary.returns = union(self.summary.returns, ts)

    # sinks -----------------------------------------------------------------------------------
    def sink(
        self,
        key: str,
        node: Node,
        taints: list[Taint],
        note: str,
        *,
        quiet: bool = False,
        constant: bool = False,
        severity: Severity | None = None,
        confidence: Confidence | None = None,
        strong_only: bool = False,
        unknown: Severity | None = None,
    ) -> None:
        """Data ``taints`` reaches a ``key`` sink at ``node``: report or summarise it.

        ``quiet``: no report for untraced values; ``constant``: report constants at the
        rule's ``constant`` severity; ``strong_only``: weak sources (environment) do not
        count (a program chosen by $SHELL or %ComSpec% is normal); ``unknown``: this sink
        reports values of untraced origin at that severity (low confidence) even when its
        rule does not (the browser's HTML injection sinks: W3C Trusted Types treat any
        string reaching them as a violation)."""
        fa = self.fa
        rule = fa.rules.get(key)
        if rule is None:
            return
        line, end = row(node), end_row(node)
        live = [
            t
            for t in taints
            if not t.clean_for(rule.key)
            and not (strong_only and (t.origin in WEAK_ORIGINS or t.origin in CLI_ORIGINS))
        ]
        sources = [t for t in live if t.origin not in ("param", "unknown")]
        if sources:
            best = min(
                sources,
                key=lambda t: (t.origin in WEAK_ORIGINS, t.origin in SEMI_ORIGINS, len(t.steps)),
            )
            fa.report(key, best, line, end, note, self.symbol, severity, confidence)
            return
        params = [t for t in live if t.origin == "param"]
        if params and self.summary is not None:
            # parameters of a summarised function: judged at its call sites (or, when the
            # file never calls it, at the end as untraced)
            for t in params:
                self.summary.hits.append(
                    SinkHit(key, line, end, note, t, self.symbol, quiet, unknown)
                )
            live = [t for t in live if t.origin != "param"]
        if live and not quiet:
            fa.untraced(key, line, end, note, self.symbol, severity, unknown)
        elif not taints and constant and rule.constant:
            fa.add(
                rule.rule_id,
                rule.cwe,
                rule.title,
                f"{note.removeprefix('sink: ')} runs only constant input here, but the API is "
                "dangerous by itself.",
                rule.constant,
                "low",
                line,
                end,
                self.symbol,
                rule.fix,
            )

    # calls to functions of this file ------------------------------------------------------------
    def call_local(
        self, fn: Node, name: str, call: Node, args: list[list[Taint]], spread_from: int = -1
    ) -> list[Taint]:
        """Apply the summary of a same-file function to a call's argument taints."""
        fa = self.fa
        summary = fa.summary(fn)
        fa.called.add(fn.id)
        line = row(call)
        code = fa.code(line)
        note = f"passed to {name}() (same file)"

        def arg(i: int) -> list[Taint]:
            if i < len(args):
                return args[i]
            if 0 <= spread_from < len(args):
                return args[spread_from]
            return []

        for hit in summary.hits:
            for t in arg(hit.taint.param):
                if t.origin == "unknown":
                    if not hit.quiet and not t.clean_for(fa.rules[hit.key].key):
                        fa.untraced(
                            hit.key, hit.line, hit.end, hit.note, hit.symbol, None, hit.unknown
                        )
                    continue
                combined = Taint(
                    t.origin,
                    t.param,
                    (*t.then(line, code, note).steps, *hit.taint.steps),
                    t.sanitisers | hit.taint.sanitisers,
                )
                rule = fa.rules[hit.key]
                if combined.clean_for(rule.key):
                    continue
                if t.origin == "param":
                    if self.summary is not None:
                        self.summary.hits.append(
                            SinkHit(
                                hit.key,
                                hit.line,
                                hit.end,
                                hit.note,
                                combined,
                                hit.symbol,
                                hit.quiet,
                                hit.unknown,
                            )
                        )
                    continue
                fa.report(hit.key, combined, hit.line, hit.end, hit.note, hit.symbol)
        out: list[Taint] = []
        for r in summary.returns:
            if r.origin == "param":
                for t in arg(r.param):
                    out.append(
                        Taint(
                            t.origin,
                            t.param,
                            (*t.then(line, code, note).steps, *r.steps[1:]),
                            t.sanitisers | r.sanitisers,
                        )
                    )
            elif r.origin != "unknown":
                out.append(r.then(line, code, f"returned by {name}()"))
        return union([], out) if out else []

    def nested(self, fn: Node, seed: list[Taint] | None = None) -> list[Taint]:
        """A function defined inside this one (callback, closure): analysed here, once, with
        the current environment; returns what it returns."""
        fa = self.fa
        if fn.id in fa.analysed:
            return []
        scan = fa.analyse(fn, None, dict(self.env), seed, fa.symbol_of(fn, self.symbol), self)
        return [t for t in scan.returns if t.origin != "param"]

    def h_ternary(self, node: Node) -> list[Taint]:
        """``c ? a : b`` (field names ``condition``/``consequence``/``alternative``): the
        condition is evaluated, the value carries both branches."""
        self.eval(node.child_by_field_name("condition"))
        return union(
            self.eval(node.child_by_field_name("consequence")),
            self.eval(node.child_by_field_name("alternative")),
        )

    # configuration rules shared by the languages --------------------------------------------
    def context_text(self, node: Node) -> str:
        """The assigned name, the symbol and the statement around ``node`` (at most 8 levels
        up, stopping at a ``context_types`` node): context for the weak-hash rule."""
        p: Node | None = node
        for _ in range(8):
            if p is None or p.type in self.context_types:
                break
            p = p.parent
        text = self.fa.text(p)[:400] if p is not None else ""
        return f"{self.target} {self.symbol or ''} {text}"

    def weak_hash(
        self,
        node: Node,
        ctx: str,
        alg: str,
        fix: str,
        broken: str = "is broken for security uses",
    ) -> None:
        """``DL-*-WEAKHASH``: ``alg`` hashes something; ``ctx`` tells a password (high), a
        token or signature (medium) or anything else (low, ``broken``)."""
        sev: Severity
        conf: Confidence
        if PASSWORDISH.search(ctx):
            sev, conf, why = "high", "high", "hashes a password: fast hashes are cracked offline"
        elif SIGNATUREISH.search(ctx):
            sev, conf, why = "medium", "medium", "protects a token or signature"
        else:
            sev, conf, why = "low", "low", broken
        self.fa.config(
            "WEAKHASH", "CWE-328", "Weak hash", node, f"{alg} {why}.", sev, conf, fix, self.symbol
        )

    def hashed_input(self, node: Node, alg: str, taints: list[Taint]) -> None:
        """A weak hash of request data (it needs a strong hash): CWE-328, medium."""
        live = [t for t in taints if t.origin not in ("param", "unknown")]
        if not live:
            return
        self.fa.config(
            "WEAKHASH",
            "CWE-328",
            "Weak hash",
            node,
            f"{alg.upper()} hashes data from {live[0].origin}: MD5/SHA-1 are unfit for it.",
            "medium",
            "high",
            "Use SHA-256 or better; for passwords a password hash (bcrypt/scrypt/argon2).",
            self.symbol,
        )

    def allow_listed(self, cond: Node | None, cons: Node | None, methods: frozenset[str]) -> bool:
        """``ALLOWED.contains(x) ? x : "default"`` (any language): the condition is a
        membership call (``methods``) on the very expression the branch picks."""
        while cond is not None and cond.type == "parenthesized_expression" and cond.named_children:
            cond = cond.named_children[0]
        if cond is None or cons is None:
            return False
        m = ALLOW_CALL.match(self.fa.text(cond)[:300])
        return bool(m and m.group(1) in methods and m.group(2) == self.fa.text(cons))

    def random_secret(
        self, node: Node, how: str, fix: str, to_snake: Callable[[str], str] = snake
    ) -> None:
        """``DL-*-RANDOM``: a predictable generator (``how``) assigned to a secret-named
        target (or returned by a secret-named function)."""
        name = self.target or (self.symbol or "").rsplit(".", 1)[-1]
        if not RANDOM_SECRET_NAME.search(to_snake(name)):
            return
        self.fa.config(
            "RANDOM",
            "CWE-330",
            "Insecure randomness for a secret",
            node,
            f"'{name}' is generated with {how}, which is predictable.",
            "high",
            "medium",
            fix,
            self.symbol,
        )

    def hard_coded(self, node: Node, name: str, value: str, fix: str) -> None:
        """``DL-*-CREDS``: the literal ``value`` assigned to ``name`` looks like a real secret."""
        found = credential_value(name, value)
        if found is None:
            return
        sev, conf, why = found
        self.fa.config(
            "CREDS",
            "CWE-798",
            "Hard-coded credential",
            node,
            f"'{name}' is assigned {why}.",
            sev,
            conf,
            fix,
            self.symbol,
        )

    def tls_off(
        self, node: Node, message: str, sev: Severity, fix: str, symbol: str | None = None
    ) -> None:
        """``DL-*-TLS``: certificate (or host name) verification switched off."""
        self.fa.config(
            "TLS",
            "CWE-295",
            "TLS certificate verification disabled",
            node,
            message,
            sev,
            "high",
            fix,
            symbol or self.symbol,
        )
