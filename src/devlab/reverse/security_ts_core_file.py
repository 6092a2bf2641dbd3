"""The per-file half of the tree-sitter security engine: ``FileAnalysis``.

One file's registry of functions and their summaries (computed once, on demand, with
recursion and nesting caps), the module-level walk, and the findings: ``add`` keeps the
strongest finding per (rule, line, CWE); ``report``/``untraced``/``config`` turn taints
and settings into findings. The walk of one body is ``security_ts_core.Scan`` (each
language sets ``scan_class``); import both from ``security_ts_core``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from tree_sitter import Node, Tree

from devlab.reverse.models import SEVERITY_ORDER, Confidence, Finding, Severity, TaintStep
from devlab.reverse.security_ts_core_rules import (
    CONF_RANK,
    MAX_SUMMARY_NESTING,
    SEMI_ORIGINS,
    TEST_PATH,
    WEAK_ORIGINS,
    Rule,
    Summary,
    end_row,
    row,
)
from devlab.reverse.taint import Taint

if TYPE_CHECKING:
    from devlab.reverse.security_ts_core import Scan

__all__ = ["FileAnalysis"]


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
        self.prepared = self.walked = False
        #: (rule id, line) of findings here that data from another file caused
        self.cross_reports: set[tuple[str, int]] = set()
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
        self.walk()
        return self.conclude()

    def walk(self) -> None:
        """The module body, then every function not yet analysed (once: a project's
        other files may ask for this file's summaries before or during its own walk)."""
        if self.walked:
            return
        self.walked = True
        self.prepare_once()
        scan = self.scan_class(self, None, None, self.module_env)
        scan.eval(self.tree.root_node)
        for node in list(self.functions.values()):
            if node is not None and node.id not in self.analysed:
                self.summary(node)

    def prepare_once(self) -> None:
        if not self.prepared:
            self.prepared = True
            self.prepare()

    def conclude(self) -> list[Finding]:
        """The findings, once every file that may call this one's functions was walked:
        parameters of functions nobody called reach their sinks untraced."""
        for fn_id, summary in self.summaries.items():
            if fn_id not in self.called:  # an entry point / exported API: params untraced
                for hit in summary.hits:
                    if not hit.quiet:
                        (hit.owner or self).untraced(
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
