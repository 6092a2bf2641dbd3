"""Code quality: per-function metrics, per-module maintainability, and smells as findings.

Pipeline, per file of the project's current snapshot (``snapshot_texts``):

1. ``lizard`` -> functions with cyclomatic complexity, lines of code (NLOC) and
   parameters (python, javascript, typescript, tsx, java, go);
2. tree-sitter -> maximum nesting depth of control blocks per function
   (``_nesting_depths``: one query per file, a stack sweep over the captured nodes);
3. ``clones.tokenize`` -> normalised tokens (clone detection), TODO markers, Halstead
   volume -> maintainability index;
then across files: clones (``clones.find_clones``), god classes and dead-code
candidates from the index's ``symbols`` and ``symbol_refs`` tables.

The per-file steps (and each function's findings) run in a process pool
(``devlab.codebase.parallel.WorkerPool``) for a project large enough to be worth it;
what comes back is small (metrics, findings, a one-byte-per-token stream, the text
compressed for snippets), so memory stays bounded on a large codebase.

Languages lizard does not read (bash) are listed in ``QualityReport.skipped`` with the
reason; a file that fails (a syntax error in the index, or an exception here) is listed
in ``QualityReport.errors`` and the rest is analysed.
"""

from __future__ import annotations

import ast
import math
import zlib
from collections import defaultdict
from collections.abc import Iterator
from functools import partial
from typing import NamedTuple

import lizard
from pydantic import BaseModel, Field
from sqlalchemy import select
from tree_sitter import Query, QueryCursor

from devlab.codebase import (
    WorkerPool,
    get_language,
    get_parser,
    require_snapshot,
    resolve_project,
    shared_pool,
    snapshot_texts,
)
from devlab.reverse.clones import Clone, TokenStream, find_clones, tokenize
from devlab.reverse.models import Confidence, Finding, Severity
from devlab.store import Database, FileVersion, ReferenceRow, SnapshotFile, SymbolRow

# devlab language id -> file extension lizard recognises
LIZARD_LANGUAGES = {
    "python": ".py",
    "javascript": ".js",
    "typescript": ".ts",
    "tsx": ".tsx",
    "java": ".java",
    "go": ".go",
}
# code languages the index parses but lizard cannot measure
UNSUPPORTED_CODE = {"bash": "lizard has no bash reader; no quality metrics for shell scripts"}


class QualityThresholds(BaseModel):
    """When a metric becomes a smell. A value strictly above the limit is reported."""

    model_config = {"extra": "forbid"}

    max_function_lines: int = Field(default=60, ge=1, description="long function: NLOC > this")
    max_parameters: int = Field(
        default=5, ge=0, description="long parameter list: > this (no self/cls)"
    )
    max_nesting: int = Field(
        default=4, ge=1, description="deep nesting: control blocks nested > this"
    )
    max_complexity: int = Field(default=10, ge=1, description="high complexity: McCabe CC > this")
    max_class_methods: int = Field(default=20, ge=1, description="god class: methods > this ...")
    max_class_lines: int = Field(default=500, ge=1, description="... or lines > this")
    min_clone_tokens: int = Field(
        default=50, ge=10, description="clones: runs of >= this many tokens"
    )
    max_todo_density: float = Field(
        default=10.0, ge=0, description="TODO/FIXME/XXX/HACK per 1000 lines of code above this ..."
    )
    min_todo_count: int = Field(default=3, ge=1, description="... and at least this many markers")
    dead_code: bool = Field(default=True, description="report never-referenced definitions")


class FunctionMetrics(BaseModel):
    path: str
    qualname: str
    start_line: int
    end_line: int
    complexity: int  # McCabe cyclomatic complexity
    length: int  # lines of code (no blank or comment-only lines)
    parameters: int  # self / cls not counted
    nesting: int  # deepest nesting of control blocks (if/for/while/try/with/switch)


class ModuleMetrics(BaseModel):
    path: str
    language: str
    loc: int  # lines of code
    functions: int
    complexity: int  # sum of the functions' CC
    halstead_volume: float
    maintainability: float  # 0..100, higher is better (see ``maintainability_index``)
    todo_count: int
    todo_density: float  # markers per 1000 lines of code


class QualityReport(BaseModel):
    project: str
    snapshot_id: int
    thresholds: QualityThresholds
    functions: list[FunctionMetrics] = Field(default_factory=list)
    modules: list[ModuleMetrics] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    errors: list[tuple[str, str]] = Field(default_factory=list)  # (path, message)
    skipped: list[tuple[str, str]] = Field(default_factory=list)  # (path, why not measured)


def maintainability_index(volume: float, complexity: int, loc: int) -> float:
    """The classic MI (Oman & Hagemeister; Coleman et al. 1994) rescaled to 0..100 as
    Visual Studio does: ``max(0, (171 - 5.2 ln V - 0.23 CC - 16.2 ln LOC) * 100 / 171)``,
    without the comment term. Below ~20 is hard to maintain."""
    if loc <= 0:
        return 100.0
    raw = 171 - 5.2 * math.log(max(volume, 1.0)) - 0.23 * complexity - 16.2 * math.log(loc)
    return round(max(0.0, min(100.0, raw * 100 / 171)), 2)


# ---- nesting depth with tree-sitter ------------------------------------------------

_CONTROL = {
    "python": "if_statement for_statement while_statement try_statement with_statement "
    "match_statement",
    "javascript": "if_statement for_statement for_in_statement while_statement do_statement "
    "try_statement switch_statement",
    "java": "if_statement for_statement enhanced_for_statement while_statement do_statement "
    "try_statement try_with_resources_statement switch_expression",
    "go": "if_statement for_statement expression_switch_statement type_switch_statement "
    "select_statement",
}
_FUNCTIONS = {
    "python": "function_definition",
    "javascript": "function_declaration function_expression arrow_function method_definition "
    "generator_function_declaration",
    "java": "method_declaration constructor_declaration lambda_expression",
    "go": "function_declaration method_declaration func_literal",
}
for _lang in ("typescript", "tsx"):
    _CONTROL[_lang] = _CONTROL["javascript"]
    _FUNCTIONS[_lang] = _FUNCTIONS["javascript"]
_queries: dict[str, Query] = {}


def _query(language: str) -> Query:
    q = _queries.get(language)
    if q is None:
        control = " ".join(f"({t})" for t in _CONTROL[language].split())
        funcs = " ".join(f"({t})" for t in _FUNCTIONS[language].split())
        q = _queries[language] = Query(get_language(language), f"[{control}] @c [{funcs}] @f")
    return q


def _nesting_depths(text: str, language: str) -> dict[int, int]:
    """Start line (1-based) -> deepest control-block nesting of the function starting
    there. A nested function starts again at 0; ``else if`` does not nest deeper."""
    tree = get_parser(language).parse(text.encode())
    captures = QueryCursor(_query(language)).captures(tree.root_node)
    events = [(n.start_byte, -n.end_byte, False, n) for n in captures.get("f", [])]
    events += [(n.start_byte, -n.end_byte, True, n) for n in captures.get("c", [])]
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    depths: dict[int, int] = {}
    # stack of (end byte, function start line or None at module level, depth)
    stack: list[tuple[int, int | None, int]] = []
    for start, neg_end, is_control, node in events:
        while stack and stack[-1][0] <= start:
            stack.pop()
        if not is_control:
            line = node.start_point[0] + 1
            depths.setdefault(line, 0)
            stack.append((-neg_end, line, 0))
            continue
        owner, depth = (stack[-1][1], stack[-1][2]) if stack else (None, 0)
        parent = node.parent
        else_if = (
            node.type == "if_statement"
            and parent is not None
            and (
                parent.type == "else_clause"
                or (
                    parent.type == "if_statement"
                    and parent.child_by_field_name("alternative") == node
                )
            )
        )
        depth = depth if else_if else depth + 1
        stack.append((-neg_end, owner, depth))
        if owner is not None and depth > depths[owner]:
            depths[owner] = depth
    return depths


# ---- per file ------------------------------------------------------------------------


class _Sym(NamedTuple):
    name: str
    qualname: str
    kind: str
    start_line: int
    end_line: int
    parent: str | None


def _qualname(syms: list[_Sym], name: str, line: int) -> str:
    best: _Sym | None = None
    for s in syms:
        if (
            s.kind in ("function", "method")
            and s.name == name
            and s.start_line <= line <= s.end_line
            and (best is None or s.end_line - s.start_line < best.end_line - best.start_line)
        ):
            best = s
    return best.qualname if best else name


def _analyse_file(
    path: str, language: str, text: str, syms: list[_Sym]
) -> tuple[list[FunctionMetrics], ModuleMetrics, TokenStream]:
    fake_name = (
        path if path.endswith(LIZARD_LANGUAGES[language]) else path + LIZARD_LANGUAGES[language]
    )
    info = lizard.analyze_file.analyze_source_code(fake_name, text)
    depths = _nesting_depths(text, language)
    functions = []
    for f in info.function_list:
        params = (
            [p for p in f.parameters if p not in ("self", "cls")]
            if language == "python"
            else f.parameters
        )
        functions.append(
            FunctionMetrics(
                path=path,
                qualname=_qualname(syms, f.unqualified_name, f.start_line),
                start_line=f.start_line,
                end_line=f.end_line,
                complexity=f.cyclomatic_complexity,
                length=f.nloc,
                parameters=len(params) if language == "python" else f.parameter_count,
                nesting=depths.get(f.start_line, 0),
            )
        )
    stream = tokenize(path, text, language)
    loc = info.nloc
    cc = sum(f.complexity for f in functions)
    module = ModuleMetrics(
        path=path,
        language=language,
        loc=loc,
        functions=len(functions),
        complexity=cc,
        halstead_volume=round(stream.halstead_volume, 1),
        maintainability=maintainability_index(stream.halstead_volume, cc, loc),
        todo_count=stream.todo_count,
        todo_density=round(stream.todo_count * 1000 / loc, 2) if loc else 0.0,
    )
    return functions, module, stream


# ---- findings ------------------------------------------------------------------------


def _snippet(lines: list[str], start: int, end: int, limit: int = 3) -> str:
    return "\n".join(lines[start - 1 : min(end, start + limit - 1)])


def _finding(
    rule_id: str,
    title: str,
    message: str,
    severity: Severity,
    confidence: Confidence,
    path: str,
    start: int,
    end: int,
    fix: str,
    metrics: dict[str, float],
    symbol: str | None = None,
    snippet: str = "",
) -> Finding:
    return Finding(
        rule_id=rule_id,
        category="quality",
        title=title,
        message=message,
        severity=severity,
        confidence=confidence,
        path=path,
        start_line=start,
        end_line=end,
        snippet=snippet,
        symbol=symbol,
        fix=fix,
        metrics=metrics,
    )


def _function_findings(fn: FunctionMetrics, t: QualityThresholds, snippet: str) -> list[Finding]:
    out = []
    m: dict[str, float] = {
        "complexity": fn.complexity,
        "length": fn.length,
        "parameters": fn.parameters,
        "nesting": fn.nesting,
    }
    where = (fn.path, fn.start_line, fn.end_line)
    if fn.length > t.max_function_lines:
        out.append(
            _finding(
                "Q-LONG-FN",
                "Long function",
                f"{fn.qualname} has {fn.length} lines of code (limit {t.max_function_lines}).",
                "medium" if fn.length > 2 * t.max_function_lines else "low",
                "high",
                *where,
                "Split it into smaller functions, each doing one step, with names that say what.",
                m,
                fn.qualname,
                snippet,
            )
        )
    if fn.parameters > t.max_parameters:
        out.append(
            _finding(
                "Q-LONG-PARAMS",
                "Long parameter list",
                f"{fn.qualname} takes {fn.parameters} parameters (limit {t.max_parameters}).",
                "low",
                "high",
                *where,
                "Group parameters that travel together into an object (dataclass, options struct) "
                "or split the function.",
                m,
                fn.qualname,
                snippet,
            )
        )
    if fn.nesting > t.max_nesting:
        out.append(
            _finding(
                "Q-DEEP-NESTING",
                "Deep nesting",
                f"{fn.qualname} nests control blocks {fn.nesting} deep (limit {t.max_nesting}).",
                "medium" if fn.nesting > t.max_nesting + 2 else "low",
                "high",
                *where,
                "Return early with guard clauses, and move inner loops into helper functions.",
                m,
                fn.qualname,
                snippet,
            )
        )
    if fn.complexity > t.max_complexity:
        out.append(
            _finding(
                "Q-COMPLEXITY",
                "High cyclomatic complexity",
                f"{fn.qualname} has cyclomatic complexity {fn.complexity} "
                f"(limit {t.max_complexity}): many paths to test.",
                "high"
                if fn.complexity > 3 * t.max_complexity
                else "medium"
                if fn.complexity > 2 * t.max_complexity
                else "low",
                "high",
                *where,
                "Extract branches into well-named functions, or replace condition chains with a "
                "lookup table or polymorphism.",
                m,
                fn.qualname,
                snippet,
            )
        )
    return out


def _clone_findings(clones: list[Clone], texts: _Texts) -> list[Finding]:
    """One finding per duplicated block: the pairs sharing a first location are merged,
    and the message lists every other place."""
    groups: dict[tuple[str, int, int], list[Clone]] = defaultdict(list)
    for c in clones:
        groups[c.a].append(c)
    out = []
    for (path, start, end), group in groups.items():
        others = ", ".join(f"{c.b.path}:{c.b.start_line}-{c.b.end_line}" for c in group)
        tokens = min(c.tokens for c in group)
        first = group[0].b
        out.append(
            _finding(
                "Q-CLONE",
                "Duplicated code",
                f"{path}:{start}-{end} is duplicated ({tokens}+ tokens, identifiers and "
                f"literals aside) at {others}.",
                "medium" if tokens >= 200 or len(group) > 2 else "low",
                "medium",
                path,
                start,
                end,
                "Extract the shared logic into one function or module and call it from "
                "every place.",
                {
                    "tokens": tokens,
                    "lines": end - start + 1,
                    "places": len(group) + 1,
                    "other_start_line": first.start_line,
                    "other_end_line": first.end_line,
                },
                None,
                _snippet(texts.get(path, []), start, end),
            )
        )
    return out


_ENTRY_POINTS = {
    "main",
    "setup",
    "teardown",
    "setUp",
    "tearDown",
    "setUpClass",
    "tearDownClass",
    "setUpModule",
    "tearDownModule",
    "init",
    "run",
}


def _is_test(path: str, name: str) -> bool:
    base = path.rsplit("/", 1)[-1]
    return (
        name.startswith(("test", "Test"))
        or base.startswith("test_")
        or base.endswith(("_test.py", "_test.go", ".test.js", ".test.ts", ".spec.js", ".spec.ts"))
        or "/tests/" in f"/{path}"
        or base == "conftest.py"
    )


def _dead_code(
    syms_by_path: dict[str, list[_Sym]],
    referenced: set[str],
    texts: _Texts,
) -> list[Finding]:
    method_counts: dict[str, int] = defaultdict(int)
    for syms in syms_by_path.values():
        for s in syms:
            if s.kind == "method":
                method_counts[s.name] += 1
    out = []
    for path, syms in syms_by_path.items():
        lines = texts.get(path, [])
        for s in syms:
            if s.kind not in ("function", "method", "class") or s.name in referenced:
                continue
            if s.name.startswith("__") and s.name.endswith("__"):
                continue
            if s.name in _ENTRY_POINTS or _is_test(path, s.name):
                continue
            if s.kind == "method" and method_counts[s.name] > 1:
                continue  # likely overrides or implements a method of another class
            head = lines[s.start_line - 1].lstrip() if 0 < s.start_line <= len(lines) else ""
            if head.startswith("@"):
                continue  # decorated: registered with a framework (route, fixture, hook)
            out.append(
                _finding(
                    "Q-DEAD-CODE",
                    "Possibly unused code",
                    f"{s.kind} {s.qualname} is defined but its name is never referenced in the "
                    "project. Best effort: calls by reflection, string dispatch, framework hooks "
                    "or from other projects are invisible here.",
                    "info",
                    "low",
                    path,
                    s.start_line,
                    s.end_line,
                    "Remove it if nothing outside this project uses it; otherwise ignore this "
                    "finding (it is public API or called dynamically).",
                    {"lines": s.end_line - s.start_line + 1},
                    s.qualname,
                    _snippet(lines, s.start_line, s.end_line, 1),
                )
            )
    return out


def _god_classes(
    syms_by_path: dict[str, list[_Sym]], t: QualityThresholds, texts: _Texts
) -> list[Finding]:
    out = []
    for path, syms in syms_by_path.items():
        methods: dict[str, int] = defaultdict(int)
        for s in syms:
            if s.kind == "method" and s.parent:
                methods[s.parent] += 1
        for s in syms:
            if s.kind != "class":
                continue
            n, lines = methods[s.qualname], s.end_line - s.start_line + 1
            if n > t.max_class_methods or lines > t.max_class_lines:
                out.append(
                    _finding(
                        "Q-GOD-CLASS",
                        "God class",
                        f"class {s.qualname} has {n} methods and {lines} lines (limits "
                        f"{t.max_class_methods} methods, {t.max_class_lines} lines).",
                        "medium",
                        "medium",
                        path,
                        s.start_line,
                        s.end_line,
                        "Split it by responsibility: move groups of methods that share fields "
                        "into their own classes.",
                        {"methods": n, "lines": lines},
                        s.qualname,
                        _snippet(texts.get(path, []), s.start_line, s.end_line, 1),
                    )
                )
    return out


def _todo_finding(m: ModuleMetrics, t: QualityThresholds) -> Finding | None:
    if m.todo_count < t.min_todo_count or m.todo_density <= t.max_todo_density:
        return None
    return _finding(
        "Q-TODO-DENSITY",
        "Many TODO/FIXME markers",
        f"{m.path} has {m.todo_count} TODO/FIXME/XXX/HACK markers "
        f"({m.todo_density:g} per 1000 lines of code; limit {t.max_todo_density:g}).",
        "info",
        "high",
        m.path,
        1,
        1,
        "Turn the markers into tracked issues, and fix or delete the stale ones.",
        {"todo_count": m.todo_count, "todo_density": m.todo_density, "loc": m.loc},
    )


def _python_compiles(text: str, language: str) -> bool:
    """A second opinion on a tree-sitter parse error: the grammar lags behind CPython on
    a few constructs, and such a file can still be measured."""
    if language != "python":
        return False
    try:
        ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return True


# ---- the index -----------------------------------------------------------------------


def _load_index(db: Database, snapshot_id: int) -> tuple[dict[str, list[_Sym]], set[str]]:
    syms: dict[str, list[_Sym]] = defaultdict(list)
    with db.session() as s:
        files = select(SnapshotFile.file_id).where(SnapshotFile.snapshot_id == snapshot_id)
        rows = s.execute(
            select(
                FileVersion.path,
                SymbolRow.name,
                SymbolRow.qualname,
                SymbolRow.kind,
                SymbolRow.start_line,
                SymbolRow.end_line,
                SymbolRow.parent,
            )
            .join(FileVersion, FileVersion.id == SymbolRow.file_id)
            .where(SymbolRow.file_id.in_(files))
        )
        for path, name, qualname, kind, start, end, parent in rows:
            syms[path].append(_Sym(name, qualname, kind, start, end, parent))
        referenced = set(
            s.scalars(select(ReferenceRow.name).where(ReferenceRow.file_id.in_(files)).distinct())
        )
    return syms, referenced


class _Measured(NamedTuple):
    """What a worker sends back for one file: metrics and per-file findings, or why not."""

    path: str
    functions: list[FunctionMetrics]
    module: ModuleMetrics | None
    stream: TokenStream | None
    findings: list[Finding]
    packed: bytes  # the text, zlib-compressed, for the cross-file findings' snippets
    error: str | None = None
    skipped: str | None = None


def _measure(item: tuple[str, str, str, str | None, list[_Sym]], t: QualityThresholds) -> _Measured:
    """Everything about one file that needs only that file (runs in a pool worker)."""
    path, language, text, parse_error, syms = item
    if language in UNSUPPORTED_CODE:
        return _Measured(path, [], None, None, [], b"", skipped=UNSUPPORTED_CODE[language])
    if parse_error and not _python_compiles(text, language):
        why = f"syntax error, not measured: {parse_error}"
        return _Measured(path, [], None, None, [], b"", error=why)
    try:
        functions, module, stream = _analyse_file(path, language, text, syms)
    except Exception as exc:  # one bad file must not stop the analysis
        return _Measured(path, [], None, None, [], b"", error=f"{type(exc).__name__}: {exc}")
    lines = text.splitlines()
    findings = [
        f
        for fn in functions
        for f in _function_findings(fn, t, _snippet(lines, fn.start_line, fn.end_line))
    ]
    todo = _todo_finding(module, t)
    if todo:
        findings.append(todo)
    packed = zlib.compress(text.encode("utf-8", "surrogatepass"), 1)
    return _Measured(path, functions, module, stream, findings, packed)


class _Texts:
    """The measured files' texts, compressed (Django's 20 MB take about 5), split into
    lines on demand for snippets; the last file asked for stays unpacked."""

    def __init__(self) -> None:
        self._packed: dict[str, bytes] = {}
        self._last: tuple[str | None, list[str]] = (None, [])

    def add(self, path: str, packed: bytes) -> None:
        self._packed[path] = packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def get(self, path: str, default: list[str]) -> list[str]:
        if self._last[0] == path:
            return self._last[1]
        packed = self._packed.get(path)
        if packed is None:
            return default
        lines = zlib.decompress(packed).decode("utf-8", "surrogatepass").splitlines()
        self._last = (path, lines)
        return lines


def analyze_quality(
    db: Database,
    project: str | int,
    thresholds: QualityThresholds | None = None,
    *,
    pool: WorkerPool | None = None,
) -> QualityReport:
    """Measure every function and module of the project's current snapshot and report
    the smells above ``thresholds`` as findings (category "quality").

    Files are measured in ``pool`` (by default a new one over every core, used only
    when the project is large enough to be worth starting it); the cross-file
    findings (god classes, clones, dead code) are computed here afterwards."""
    t = thresholds or QualityThresholds()
    ref = resolve_project(db, project)
    snapshot_id = require_snapshot(ref)
    syms_by_path, referenced = _load_index(db, snapshot_id)
    report = QualityReport(project=ref.name, snapshot_id=snapshot_id, thresholds=t)
    streams: list[TokenStream] = []
    texts = _Texts()
    wanted = set(LIZARD_LANGUAGES) | set(UNSUPPORTED_CODE)
    items = (
        (path, language, text, parse_error, syms_by_path.get(path, []))
        for path, language, text, parse_error in snapshot_texts(db, ref.id, languages=wanted)
    )
    with shared_pool(pool) as workers:
        for m in workers.map(partial(_measure, t=t), items):
            if m.skipped is not None:
                report.skipped.append((m.path, m.skipped))
                continue
            if m.error is not None or m.module is None or m.stream is None:
                report.errors.append((m.path, m.error or "not measured"))
                continue
            texts.add(m.path, m.packed)
            report.functions.extend(m.functions)
            report.modules.append(m.module)
            streams.append(m.stream)
            report.findings.extend(m.findings)
    measured = {p: syms_by_path.get(p, []) for p in texts}
    report.findings.extend(_god_classes(measured, t, texts))
    report.findings.extend(_clone_findings(find_clones(streams, t.min_clone_tokens), texts))
    del streams
    if t.dead_code:
        report.findings.extend(_dead_code(measured, referenced, texts))
    return report
