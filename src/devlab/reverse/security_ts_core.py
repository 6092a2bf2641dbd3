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

The parts: ``security_ts_core_rules`` (kinds, presets, rules, credential and filter
heuristics, node helpers), ``security_ts_core_file`` (``FileAnalysis``) and here
``Scan``, the walk; every public name of those modules is importable from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import ClassVar, Self

from tree_sitter import Node

from devlab.reverse.models import Confidence, Severity
from devlab.reverse.security_ts_core_file import FileAnalysis
from devlab.reverse.security_ts_core_rules import (
    ALL_KINDS,
    ALLOW_CALL,
    CLASS_ESCAPES,
    CLI_ORIGINS,
    CLI_PRESET,
    CLIENT_PRESET,
    CONF_RANK,
    CRED_NAME,
    CRED_NOT,
    FILTER_FORBIDDEN,
    LEXER_NAME,
    LEXER_VALUE,
    MAX_DEPTH,
    MAX_SUMMARY_NESTING,
    NEGATED_CLASS,
    PASSWORDISH,
    PREFIX_GUARD,
    RANDOM_SECRET_NAME,
    REDACTED,
    SEMI_ORIGINS,
    SHELL_FLAGS,
    SHELLS,
    SIGNATUREISH,
    SQL_TEXT,
    TEST_PATH,
    UNKNOWN,
    WEAK_ORIGINS,
    WORD,
    WRAPPERS,
    Rule,
    SinkHit,
    Summary,
    credential_name,
    credential_value,
    descendants,
    end_row,
    filter_kinds,
    make_rules,
    row,
    same,
    snake,
    union,
    unwrap,
    with_sanitisers,
    words,
)
from devlab.reverse.taint import Taint

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
    "FileAnalysis",
    "Rule",
    "Scan",
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
    "unwrap",
    "with_sanitisers",
    "words",
]


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

    def condition_nodes(self, cond: Node | None) -> Iterator[Node]:
        """Every node of a condition (none for one over 2,000 bytes): what each language's
        ``guards`` looks through for checks."""
        if cond is None or cond.end_byte - cond.start_byte > 2000:
            return
        stack = [cond]
        while stack:
            n = stack.pop()
            stack.extend(n.named_children)
            yield n

    def sqlish(self, node: Node) -> bool:
        """Whether ``node`` is SQL text: a variable known to hold some, or text that reads
        as SQL (up to 2,000 bytes)."""
        if node.type == "identifier":
            return self.fa.text(node) in self.sql_vars
        return node.end_byte - node.start_byte < 2000 and bool(SQL_TEXT.search(self.fa.text(node)))

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

    # calls to functions of this file (or of another file of the project) -----------------------
    def call_local(
        self,
        fn: Node,
        name: str,
        call: Node,
        args: list[list[Taint]],
        spread_from: int = -1,
        owner: FileAnalysis | None = None,
    ) -> list[Taint]:
        """Apply the summary of a same-file function to a call's argument taints; with
        ``owner`` (the analysis of another file of the project, see
        ``security_ts_js_project``), of a function of that file: its sinks are reported
        there, with the whole path."""
        fa = self.fa
        home = owner or fa
        summary = home.summary(fn)
        if owner is None or not fa.test_code:
            # a test calling another file's API with constants does not make it less
            # of an entry point: only calls from non-test files count
            home.called.add(fn.id)
        line = row(call)
        code = fa.code(line)
        note = f"passed to {name}() ({'same file' if owner is None else owner.path})"

        def arg(i: int) -> list[Taint]:
            if i < len(args):
                return args[i]
            if 0 <= spread_from < len(args):
                return args[spread_from]
            return []

        for hit in summary.hits:
            where = hit.owner or home
            for t in arg(hit.taint.param):
                if t.origin == "unknown":
                    if not hit.quiet and not t.clean_for(fa.rules[hit.key].key):
                        where.untraced(
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
                                None if where is fa else where,
                            )
                        )
                    continue
                where.report(hit.key, combined, hit.line, hit.end, hit.note, hit.symbol)
                if where is not fa:
                    where.cross_reports.add((rule.rule_id, hit.line))
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
