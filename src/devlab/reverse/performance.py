"""Performance insights for Python: patterns whose cost grows with the data.

Each rule names a pattern that is slow for a reason a reviewer would accept, not a
micro-optimisation:

* ``DL-PERF-QUERY-IN-LOOP``: a database query per loop iteration (the N+1 pattern);
* ``DL-PERF-HTTP-IN-LOOP``: a network round trip per loop iteration;
* ``DL-PERF-BLOCKING-ASYNC``: a blocking call inside ``async def`` stalls the event loop;
* ``DL-PERF-STR-CONCAT-LOOP``: ``s += ...`` on a string in a loop is quadratic;
* ``DL-PERF-READLINES``: ``for line in f.readlines()`` reads the whole file first;
* ``DL-PERF-SORT-MINMAX``: ``sorted(xs)[0]`` / ``[-1]`` sorts to find a minimum or maximum.

"In a loop" means the body of a ``for``/``while`` or the element of a comprehension, not
the loop's own iterable (which runs once). A function defined inside a loop starts afresh.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from devlab.codebase import WorkerPool, snapshot_texts
from devlab.reverse.models import Confidence, Finding, Severity
from devlab.store import Database

__all__ = ["PERFORMANCE_RULES", "analyze_performance", "scan_python_performance"]

PERFORMANCE_RULES: dict[str, tuple[str, Severity, Confidence, str]] = {
    # rule id: (title, severity, confidence, fix)
    "DL-PERF-QUERY-IN-LOOP": (
        "Database query inside a loop (N+1)",
        "medium",
        "medium",
        "Fetch what the loop needs in one query (WHERE id IN (...), a join, "
        "select_related/prefetch_related, joinedload/selectinload) or use executemany.",
    ),
    "DL-PERF-HTTP-IN-LOOP": (
        "HTTP request inside a loop",
        "low",
        "medium",
        "Use a batch endpoint if there is one, or reuse one session and run the requests "
        "concurrently (a thread pool or an async client).",
    ),
    "DL-PERF-BLOCKING-ASYNC": (
        "Blocking call inside an async function",
        "medium",
        "high",
        "Use the async equivalent (asyncio.sleep, an async HTTP client, "
        "asyncio.create_subprocess_exec) or run it with asyncio.to_thread.",
    ),
    "DL-PERF-STR-CONCAT-LOOP": (
        "String built with += in a loop",
        "low",
        "medium",
        "Append the pieces to a list and ''.join() them once after the loop.",
    ),
    "DL-PERF-READLINES": (
        "Whole file read to iterate over its lines",
        "low",
        "high",
        "Iterate over the file object itself: `for line in f:` reads one line at a time.",
    ),
    "DL-PERF-SORT-MINMAX": (
        "Sorting to find a minimum or maximum",
        "low",
        "high",
        "Use min(xs) or max(xs) (O(n)) instead of sorted(xs)[0] / sorted(xs)[-1] (O(n log n)).",
    ),
}

QUERY_METHODS = frozenset({"execute", "executescript", "raw"})
SESSION_METHODS = frozenset({"query", "scalar", "scalars", "get", "execute"})
SESSION_NAMES = ("session", "Session", "db", "conn", "connection", "cursor")
ORM_MANAGER_METHODS = frozenset(
    {"get", "filter", "exclude", "all", "first", "last", "count", "exists", "create", "update"}
)
HTTP_MODULES = frozenset({"requests", "httpx", "urllib3"})
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
BLOCKING_CALLS = frozenset(
    {
        "time.sleep",
        "urllib.request.urlopen",
        "urlopen",
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_call",
        "subprocess.check_output",
        "os.system",
    }
)


def _dotted(node: ast.AST) -> str:
    """``a.b.c`` for a Name/Attribute chain, '' otherwise (calls in the chain stop it)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _is_query(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in QUERY_METHODS:
        return True
    owner = func.value
    if func.attr in SESSION_METHODS and _dotted(owner).endswith(SESSION_NAMES):
        return True
    # Model.objects.filter(...) / .get(...)  (Django's manager)
    return func.attr in ORM_MANAGER_METHODS and (
        isinstance(owner, ast.Attribute) and owner.attr == "objects"
    )


def _is_http(call: ast.Call) -> bool:
    name = _dotted(call.func)
    head, _, method = name.rpartition(".")
    if name in {"urllib.request.urlopen", "urlopen"}:
        return True
    return head in HTTP_MODULES and method in HTTP_METHODS


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, lines: list[str]) -> None:
        self.path = path
        self.lines = lines
        self.findings: list[Finding] = []
        self.seen: set[tuple[str, int]] = set()
        self.loop_depth = 0
        self.async_depth = 0
        self.scope: list[str] = []
        self.string_vars: list[set[str]] = [set()]

    # ---------------------------------------------------------------- helpers
    def add(self, rule: str, node: ast.AST, message: str) -> None:
        line = getattr(node, "lineno", 1)
        if (rule, line) in self.seen:
            return
        self.seen.add((rule, line))
        title, severity, confidence, fix = PERFORMANCE_RULES[rule]
        end = getattr(node, "end_lineno", None) or line
        self.findings.append(
            Finding(
                rule_id=rule,
                category="performance",
                title=title,
                message=message,
                severity=severity,
                confidence=confidence,
                path=self.path,
                start_line=line,
                end_line=end,
                snippet=self.lines[line - 1].strip() if 0 < line <= len(self.lines) else "",
                symbol=".".join(self.scope) or None,
                fix=fix,
            )
        )

    def _body(self, nodes: Iterable[ast.AST], *, in_loop: bool) -> None:
        self.loop_depth += in_loop
        for node in nodes:
            self.visit(node)
        self.loop_depth -= in_loop

    # ---------------------------------------------------------------- scopes
    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, is_async: bool) -> None:
        for d in node.decorator_list:
            self.visit(d)
        saved = self.loop_depth, self.async_depth
        self.loop_depth, self.async_depth = 0, (1 if is_async else 0)
        self.scope.append(node.name)
        self.string_vars.append(set())
        self._body(node.body, in_loop=False)
        self.string_vars.pop()
        self.scope.pop()
        self.loop_depth, self.async_depth = saved

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node, False)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node, True)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        saved = self.loop_depth
        self.loop_depth = 0
        self.visit(node.body)
        self.loop_depth = saved

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    # ---------------------------------------------------------------- loops
    def _for(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.target)
        self.visit(node.iter)
        it = node.iter
        if (
            isinstance(it, ast.Call)
            and isinstance(it.func, ast.Attribute)
            and it.func.attr == "readlines"
            and not it.args
        ):
            self.add("DL-PERF-READLINES", it, "readlines() loads the whole file before the loop")
        self._body(node.body, in_loop=True)
        self._body(node.orelse, in_loop=False)

    def visit_For(self, node: ast.For) -> None:
        self._for(node)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        self._for(node)

    def visit_While(self, node: ast.While) -> None:
        self._body([node.test, *node.body], in_loop=True)
        self._body(node.orelse, in_loop=False)

    def _comprehension(
        self,
        node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp,
        elements: list[ast.AST],
    ) -> None:
        generators = node.generators
        self.visit(generators[0].iter)  # runs once
        inner: list[ast.AST] = []
        for i, gen in enumerate(generators):
            if i:
                inner.append(gen.iter)
            inner.extend(gen.ifs)
        self._body([*inner, *elements], in_loop=True)

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, [node.elt])

    def visit_SetComp(self, node: ast.SetComp) -> None:
        self._comprehension(node, [node.elt])

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> None:
        self._comprehension(node, [node.elt])

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, [node.key, node.value])

    # ---------------------------------------------------------------- statements
    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        is_str = isinstance(node.value, ast.JoinedStr) or (
            isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        )
        for target in node.targets:
            if isinstance(target, ast.Name):
                (self.string_vars[-1].add if is_str else self.string_vars[-1].discard)(target.id)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.generic_visit(node)
        if (
            self.loop_depth
            and isinstance(node.op, ast.Add)
            and isinstance(node.target, ast.Name)
            and node.target.id in self.string_vars[-1]
        ):
            self.add(
                "DL-PERF-STR-CONCAT-LOOP",
                node,
                f"`{node.target.id} += ...` copies the whole string on every iteration "
                "(quadratic in its final length)",
            )

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.generic_visit(node)
        value, index = node.value, node.slice
        if (
            isinstance(value, ast.Call)
            and _dotted(value.func) == "sorted"
            and len(value.args) == 1
            and isinstance(index, (ast.Constant, ast.UnaryOp))
        ):
            k = index.value if isinstance(index, ast.Constant) else None
            if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
                inner = index.operand
                k = (
                    -inner.value
                    if isinstance(inner, ast.Constant)
                    and isinstance(inner.value, int | float | complex)
                    else None
                )
            if k in (0, -1):
                which = "min" if k == 0 else "max"
                reverse = any(kw.arg == "reverse" for kw in value.keywords)
                if reverse:
                    which = "max" if which == "min" else "min"
                self.add(
                    "DL-PERF-SORT-MINMAX",
                    node,
                    f"sorting all items to take one end; {which}() finds it in one pass",
                )

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        name = _dotted(node.func)
        if self.loop_depth and _is_query(node):
            self.add(
                "DL-PERF-QUERY-IN-LOOP",
                node,
                "a database query runs once per loop iteration (N+1 queries)",
            )
        elif self.loop_depth and _is_http(node):
            self.add(
                "DL-PERF-HTTP-IN-LOOP", node, "a network round trip runs once per loop iteration"
            )
        if self.async_depth and (
            name in BLOCKING_CALLS or (name.rpartition(".")[0] == "requests" and _is_http(node))
        ):
            self.add(
                "DL-PERF-BLOCKING-ASYNC",
                node,
                f"{name}() blocks the event loop: every other task waits for it",
            )


def scan_python_performance(path: str, text: str, tree: ast.Module | None = None) -> list[Finding]:
    """Performance findings of one Python file. Raises ``SyntaxError`` if it does not parse."""
    tree = tree or ast.parse(text, filename=path)
    scanner = _Scanner(path, text.splitlines())
    scanner.visit(tree)
    return sorted(scanner.findings, key=lambda f: (f.start_line, f.rule_id))


def _scan_item(item: tuple[str, str]) -> tuple[str, list[Finding], str | None]:
    """``(path, findings, why it was not analysed or None)``; runs in a pool worker."""
    path, text = item
    try:
        return path, scan_python_performance(path, text), None
    except SyntaxError as exc:
        return path, [], f"syntax error line {exc.lineno}: {exc.msg}"
    except (RecursionError, ValueError) as exc:
        return path, [], f"analysis failed: {exc!r}"


def analyze_performance(
    db: Database, project: str | int, *, pool: WorkerPool | None = None
) -> tuple[list[Finding], list[tuple[str, str]]]:
    """Performance findings of every Python file in the project's current snapshot, and
    ``(path, message)`` for files that could not be analysed (the rest still are). With
    ``pool`` the per-file scans run in its workers; the results are the same, in path
    order."""
    findings: list[Finding] = []
    errors: list[tuple[str, str]] = []
    items = ((t.path, t.text) for t in snapshot_texts(db, project, languages=["python"]))
    results = pool.map(_scan_item, items) if pool is not None else map(_scan_item, items)
    for path, found, error in results:
        findings.extend(found)
        if error is not None:
            errors.append((path, error))
    return findings, errors
