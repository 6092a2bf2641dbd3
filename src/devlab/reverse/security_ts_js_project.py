"""JavaScript / TypeScript across the files of one project: imports resolved, the other
file's function summaries followed.

* ``scan_js_project(files)`` -> the findings of a set of JS/TS files analysed together
  (the small-project scan: every file walked, dependencies first, then each file's
  untraced entry points reported, once every caller had its say);
* ``scan_js_file(path, files)`` -> the findings of one file analysed with the project files
  it imports (directly or through them: ``js_dependencies``), and those its data caused in
  them (``analyze_security``'s per-file work, one pool task per file).

A call resolves when its callee is a name bound by a relative ``require('./x')`` /
``import ... from './x'`` (``x``, ``x.js``/``.ts``/``.mjs``/``.cjs``/``.jsx``/``.tsx``/
``.mts``/``.cts``, ``x/index.*``; ``./x.js`` also finds ``x.ts``) to a function the file
exports: ``module.exports = f`` / ``= {a, b: g, c() {}}`` / ``= new Service()`` (its class's
methods), ``exports.f = ...``, ``module.exports.f = ...``, ``export function``/``export
const``, ``export default``, ``export {a as b}``, and re-exports (``export {a} from``,
``export * from``, at most four files deep). The callee's summary (``FileAnalysis.summary``:
parameter -> sink, parameter -> return, sanitisers on the way) applies as for a function
of the same file (``Scan.call_local`` with ``owner``): a source passed in is reported at
the sink in the other file with the whole path; a helper that escapes, parameterises or
returns a constant gives back what its summary says, not its arguments.

Bounds: at most ``MAX_HOPS`` cross-file calls nested inside one another; the callee file's
walk and summaries share the caller's expression depth and summary nesting (so the
recursion stays within the one-file bounds); ``js_dependencies`` keeps at most
``MAX_DEPENDENCIES`` files (``MAX_DEPENDENCY_BYTES`` of text) found within
``MAX_DEPENDENCY_DEPTH`` imports. A name that does not resolve (a package, a path outside
the project, a dynamic ``require(x)``) is what it was before: a module call that carries
its arguments. Import specifiers are read with a linear regular expression (no nested
quantifiers) on the text, the exports from the syntax tree.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from tree_sitter import Node

from devlab.codebase import extensions_of, get_parser
from devlab.reverse.models import Finding
from devlab.reverse.security_ts_core import FileAnalysis
from devlab.reverse.security_ts_core_rules import unredact
from devlab.reverse.security_ts_js import JSAnalysis
from devlab.reverse.security_ts_js_scan_calls import MAX_HOPS
from devlab.reverse.security_ts_js_tables import FUNCTION_TYPES

__all__ = [
    "JS_EXTENSIONS",
    "MAX_DEPENDENCIES",
    "MAX_HOPS",
    "JSProject",
    "file_contexts",
    "import_graph",
    "js_dependencies",
    "js_importers",
    "scan_js_file",
    "scan_js_project",
]

JS_EXTENSIONS: dict[str, str] = extensions_of("javascript", "typescript", "tsx")
MAX_REEXPORT_DEPTH = 4
MAX_DEPENDENCIES = 16
MAX_DEPENDENCY_DEPTH = 3
MAX_DEPENDENCY_BYTES = 2_000_000
MAX_IMPORTERS = 8  # files importing the one analysed, walked first for their calls
MAX_SPECIFIERS = 200  # import specifiers read per file

# a quoted relative specifier ('./x', "../y", '.'); the keyword before it is checked apart
_QUOTED_RELATIVE = re.compile(r"(['\"])(\.{1,2}/[^'\"\n\\]{0,200}|\.{1,2})\1")
_SPECIFIER_KEYWORDS = ("from", "require", "import")


def _norm(path: str) -> str:
    return posixpath.normpath(path.replace("\\", "/"))


def language_of(path: str) -> str | None:
    """``javascript``/``typescript``/``tsx`` from a file name, else None."""
    return JS_EXTENSIONS.get(posixpath.splitext(path)[1].lower())


def _candidates(base: str) -> list[str]:
    out = [base]
    out += [base + e for e in JS_EXTENSIONS]
    out += [f"{base}/index{e}" for e in JS_EXTENSIONS]
    stem, ext = posixpath.splitext(base)
    if ext in (".js", ".jsx", ".mjs", ".cjs"):  # TypeScript's ESM style: './x.js' is x.ts
        out += [stem + e for e in (".ts", ".tsx", ".mts", ".cts")]
    return out


def resolve_specifier(paths: dict[str, str], importer: str, spec: str) -> str | None:
    """The project file (a key of ``paths``: normalised path -> original key) that the
    relative specifier ``spec`` in ``importer`` names, or None."""
    if not (spec.startswith(("./", "../")) or spec in (".", "..")):
        return None
    base = _norm(posixpath.join(posixpath.dirname(_norm(importer)), spec))
    for cand in _candidates(base):
        hit = paths.get(cand)
        if hit is not None:
            return hit
    return None


def specifiers(text: str) -> list[str]:
    """The relative import specifiers of a JS/TS text (``require('./x')``,
    ``import('./x')``, ``from './x'``: imports and re-exports), in order, without
    repeats. Quoted relative strings are found first (a scan for quote characters), then
    the keyword before each is checked: linear in the text."""
    out: list[str] = []
    for m in _QUOTED_RELATIVE.finditer(text):
        before = text[max(0, m.start() - 24) : m.start()].rstrip(" \t").removesuffix("(")
        before = before.rstrip(" \t")
        for kw in _SPECIFIER_KEYWORDS:
            if before.endswith(kw):
                head = before[: -len(kw)]
                if not head or not (head[-1].isalnum() or head[-1] in "_$."):
                    spec = m.group(2)
                    if spec not in out:
                        out.append(spec)
                break
        if len(out) >= MAX_SPECIFIERS:
            break
    return out


def import_graph(files: dict[str, str]) -> dict[str, list[str]]:
    """path -> the project files it imports directly (``files``: path -> text)."""
    index = {_norm(p): p for p in files}
    graph: dict[str, list[str]] = {}
    for p, text in files.items():
        deps = (resolve_specifier(index, p, spec) for spec in specifiers(text))
        graph[p] = list(dict.fromkeys(d for d in deps if d is not None and d != p))
    return graph


def js_dependencies(
    path: str, files: dict[str, str], graph: dict[str, list[str]] | None = None
) -> list[str]:
    """The project files ``path`` imports, directly or through them (breadth first, at
    most ``MAX_DEPENDENCY_DEPTH`` imports away, ``MAX_DEPENDENCIES`` files and
    ``MAX_DEPENDENCY_BYTES`` of text); ``files``: path -> text of the project's JS/TS,
    ``graph``: their ``import_graph`` when already built."""
    index = {_norm(p): p for p in files} if graph is None else {}
    out: list[str] = []
    seen = {path}
    frontier = [path]
    size = 0
    for _ in range(MAX_DEPENDENCY_DEPTH):
        nxt: list[str] = []
        for p in frontier:
            if graph is not None:
                direct = graph.get(p, [])
            else:
                found = (resolve_specifier(index, p, s) for s in specifiers(files[p]))
                direct = [d for d in found if d is not None]
            for dep in direct:
                if dep in seen:
                    continue
                seen.add(dep)
                size += len(files[dep])
                if len(out) >= MAX_DEPENDENCIES or size > MAX_DEPENDENCY_BYTES:
                    return out
                out.append(dep)
                nxt.append(dep)
        frontier = nxt
    return out


def js_importers(graph: dict[str, list[str]]) -> dict[str, list[str]]:
    """path -> the project files that import it directly (at most ``MAX_IMPORTERS``, in
    path order): the callers whose calls tell which of its functions are entry points."""
    out: dict[str, list[str]] = {}
    for p in sorted(graph):
        for dep in graph[p]:
            callers = out.setdefault(dep, [])
            if len(callers) < MAX_IMPORTERS:
                callers.append(p)
    return out


def file_contexts(files: dict[str, str]) -> dict[str, tuple[list[str], tuple[str, ...]]]:
    """path -> (the files its task reads besides it: imports and importers; the
    importers) for every JS/TS file of ``files``: one pool task per file in
    ``analyze_security`` (the import graph read once)."""
    graph = import_graph(files)
    callers = js_importers(graph)
    out: dict[str, tuple[list[str], tuple[str, ...]]] = {}
    for p in files:
        mine = tuple(callers.get(p, ()))
        near = list(dict.fromkeys([*js_dependencies(p, files, graph), *mine]))
        out[p] = (near, mine)
    return out


@dataclass
class Exports:
    """What one file exports: name -> function node, the default export, re-exports."""

    named: dict[str, Node] = field(default_factory=dict)
    default: Node | None = None
    instance: bool = False  # module.exports = new Service(): members are its methods
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (spec, name)
    stars: list[str] = field(default_factory=list)  # export * from 'spec'


class JSProject:
    """The JS/TS files of one project (path -> text), parsed and prepared lazily; resolves
    a qualified callee name of one file to a function of another."""

    def __init__(
        self, files: dict[str, str], walk_callees: bool = True, follow_all: bool = True
    ) -> None:
        self.texts = {p: t for p, t in files.items() if language_of(p) is not None}
        #: walk a callee's whole file before its first summary (its module variables
        #: known); False: summaries only, module variables of untraced origin (one file's
        #: task in ``analyze_security``, where walking every import costs 10x)
        self.walk_callees = walk_callees
        #: follow every call that resolves; False: only those that carry untrusted data in
        #: (``JSCalls.worth_following``; a call with constants only still marks the callee
        #: as called)
        self.follow_all = follow_all
        self.index = {_norm(p): p for p in self.texts}
        self.analyses: dict[str, JSAnalysis] = {}
        self.exported: dict[str, Exports] = {}
        self.hops = 0

    # files -------------------------------------------------------------------------------------
    def analysis(self, path: str) -> JSAnalysis:
        """The prepared analysis of one file of the project (parsed once)."""
        fa = self.analyses.get(path)
        if fa is None:
            text = self.texts[path]
            language = language_of(path) or "javascript"
            if "\x00" in text[:4096]:
                raise ValueError(f"{path} looks binary (NUL bytes), not {language} source")
            src = unredact(text).encode("utf-8", "replace")
            tree = get_parser(language).parse(src)
            fa = JSAnalysis(path, text, src, tree, language)
            fa.project = self
            self.analyses[path] = fa
            fa.prepare_once()
            ex = self.exports(path)
            fns = [ex.default, *ex.named.values()]
            fa.exported_ids = {fn.id for fn in fns if fn is not None}
        return fa

    def resolve(self, importer: str, spec: str) -> str | None:
        return resolve_specifier(self.index, importer, spec)

    def order(self, paths: list[str]) -> list[str]:
        """``paths`` with each file's project imports before it (depth first, iterative;
        a cycle is cut where it closes)."""
        out: list[str] = []
        done: set[str] = set()
        for start in paths:
            if start in done:
                continue
            done.add(start)
            stack: list[tuple[str, list[str]]] = [(start, self.imports(start))]
            while stack:
                cur, todo = stack[-1]
                if todo:
                    nxt = todo.pop()
                    if nxt not in done and nxt in self.texts:
                        done.add(nxt)
                        stack.append((nxt, self.imports(nxt)))
                    continue
                stack.pop()
                out.append(cur)
        return out

    def imports(self, path: str) -> list[str]:
        deps = (self.resolve(path, s) for s in specifiers(self.texts[path]))
        return [d for d in deps if d is not None and d != path][::-1]

    # exports -------------------------------------------------------------------------------------
    def exports(self, path: str) -> Exports:
        got = self.exported.get(path)
        if got is None:
            got = self.exported[path] = read_exports(self.analysis(path))
        return got

    def lookup(self, path: str, member: str, depth: int = 0) -> tuple[JSAnalysis, Node] | None:
        """The function that ``member`` ("" = the module itself / its default export) of
        file ``path`` names, following re-exports."""
        fa = self.analysis(path)
        ex = self.exports(path)
        fn = ex.default if member == "" else ex.named.get(member)
        if fn is None and member and ex.instance:
            fn = fa.methods.get(member)
        if fn is not None:
            return fa, fn
        if depth >= MAX_REEXPORT_DEPTH:
            return None
        name = member or "default"  # export { default } from './x'
        hops = [ex.reexports[name]] if name in ex.reexports else []
        hops += [(spec, member) for spec in ex.stars if member]  # '*' has no default
        for spec, name in hops:
            target = self.resolve(path, spec)
            if target is not None and target != path:
                found = self.lookup(target, "" if name == "default" else name, depth + 1)
                if found is not None:
                    return found
        return None

    def callee(
        self, fa: JSAnalysis, q: str, parsed_only: bool = False
    ) -> tuple[JSAnalysis, Node] | None:
        """The function of another project file that the qualified callee name ``q``
        (``./db.find``, ``../lib/util``) of file ``fa`` names, or None (also when
        ``parsed_only`` and that file was not parsed yet)."""
        if not q.startswith("."):
            return None
        best = ""
        for mod in fa.modules:
            if (
                mod.startswith(".")
                and len(mod) > len(best)
                and (q == mod or q.startswith(mod + "."))
            ):
                best = mod
        if not best:
            return None
        member = q[len(best) + 1 :]
        if member.startswith("default"):
            member = member[len("default") :].lstrip(".")
        if "." in member or "(" in member:
            return None
        target = self.resolve(fa.path, best)
        if target is None or target == fa.path:
            return None
        if parsed_only and target not in self.analyses:
            return None
        return self.lookup(target, member)


def _function_value(fa: FileAnalysis, value: Node | None) -> Node | None:
    """A function node, or the function an identifier names in this file."""
    if value is None:
        return None
    if value.type in FUNCTION_TYPES:
        return value
    if value.type == "identifier":
        return fa.functions.get(fa.text(value))
    return None


def _object_members(fa: JSAnalysis, obj: Node, out: dict[str, Node]) -> None:
    """``{a, b: g, c() {}, d: function () {}}``: member name -> function."""
    for p in obj.named_children:
        if p.type == "shorthand_property_identifier":
            fn = fa.functions.get(fa.text(p))
            if fn is not None:
                out.setdefault(fa.text(p), fn)
        elif p.type == "pair":
            key = p.child_by_field_name("key")
            fn = _function_value(fa, p.child_by_field_name("value"))
            if key is not None and fn is not None:
                out.setdefault(fa.text(key).strip("'\""), fn)
        elif p.type == "method_definition":
            name = p.child_by_field_name("name")
            if name is not None:
                out.setdefault(fa.text(name), p)


def _module_exports(fa: JSAnalysis, left: Node, right: Node, ex: Exports) -> None:
    """``module.exports = ...``, ``module.exports.f = ...``, ``exports.f = ...``."""
    target = fa.text(left)
    if target == "module.exports":
        fn = _function_value(fa, right)
        if fn is not None:
            ex.default = fn
        elif right.type == "object":
            _object_members(fa, right, ex.named)
        elif right.type == "new_expression":
            ex.instance = True
        return
    for prefix in ("module.exports.", "exports."):
        name = target.removeprefix(prefix)
        if name != target and name.isidentifier():
            fn = _function_value(fa, right)
            if fn is not None:
                ex.named[name] = fn
            return


def _export_statement(fa: JSAnalysis, stmt: Node, ex: Exports) -> None:
    decl = stmt.child_by_field_name("declaration")
    value = stmt.child_by_field_name("value")
    source = stmt.child_by_field_name("source")
    spec = fa.text(source)[1:-1] if source is not None else None
    is_default = any(c.type == "default" for c in stmt.children)
    if is_default and decl is not None and decl.type in FUNCTION_TYPES:
        ex.default = decl  # export default function run() {}: "run" is no export name
        return
    if decl is not None:
        if decl.type in ("function_declaration", "generator_function_declaration"):
            name = decl.child_by_field_name("name")
            if name is not None:
                ex.named[fa.text(name)] = decl
        elif decl.type in ("lexical_declaration", "variable_declaration"):
            for d in decl.named_children:
                if d.type == "variable_declarator":
                    name = d.child_by_field_name("name")
                    fn = _function_value(fa, d.child_by_field_name("value"))
                    if name is not None and name.type == "identifier" and fn is not None:
                        ex.named[fa.text(name)] = fn
        return
    if is_default:
        fn = _function_value(fa, value)
        if fn is not None:
            ex.default = fn
        elif value is not None and value.type == "object":
            _object_members(fa, value, ex.named)
        return
    if spec is not None and any(c.type == "*" for c in stmt.children):
        ex.stars.append(spec)
        return
    for clause in stmt.named_children:
        if clause.type == "export_clause":
            _export_clause(fa, clause, spec, ex)


def _export_clause(fa: JSAnalysis, clause: Node, spec: str | None, ex: Exports) -> None:
    """``export { a, b as c }`` (this file's functions) / ``export { a } from './x'``."""
    for s in clause.named_children:
        if s.type != "export_specifier":
            continue
        name_node = s.child_by_field_name("name")
        alias_node = s.child_by_field_name("alias")
        # ``default`` is a keyword, not a name node: ``export { default } from``
        name = fa.text(name_node) if name_node is not None else "default"
        alias = fa.text(alias_node) if alias_node is not None else name
        if spec is not None:
            ex.reexports[alias] = (spec, name)
        else:
            fn = fa.functions.get(name)
            if fn is not None:
                ex.named[alias] = fn


def read_exports(fa: JSAnalysis) -> Exports:
    """The exports of one prepared file, from its top-level statements."""
    ex = Exports()
    for stmt in fa.tree.root_node.named_children:
        if stmt.type == "export_statement":
            _export_statement(fa, stmt, ex)
        elif stmt.type == "expression_statement" and stmt.named_children:
            expr = stmt.named_children[0]
            if expr.type == "assignment_expression":
                left = expr.child_by_field_name("left")
                right = expr.child_by_field_name("right")
                if left is not None and right is not None:
                    _module_exports(fa, left, right, ex)
    return ex


def scan_js_project(files: dict[str, str]) -> list[Finding]:
    """Findings of the JS/TS files of ``files`` (path -> text; others ignored) analysed
    together: calls into other files follow their summaries. Raises ``ValueError`` for
    a binary file (NUL bytes)."""
    project = JSProject(files)
    order = project.order(list(project.texts))
    for path in order:
        project.analysis(path).walk()
    out: list[Finding] = []
    for path in project.texts:
        out += project.analysis(path).conclude()
    return out


def scan_js_file(
    path: str, files: dict[str, str], importers: list[str] | tuple[str, ...] = ()
) -> list[Finding]:
    """Findings of file ``path`` analysed with the project files around it (``files``:
    path -> text, ``path`` among them: what ``file_contexts`` chose, its imports and
    importers; a file is parsed only when a call needs it), and the findings in those
    files that data from ``path`` caused. The imported files are not walked: only the
    summaries of the functions ``path`` calls are computed. ``importers`` (files that
    import ``path``) are walked before ``path``'s untraced entry points are reported,
    when any of its functions has a parameter that reaches a sink: a function they call
    with constants is no entry point, and data they pass in is reported at its sink
    here."""
    project = JSProject(files, walk_callees=False, follow_all=False)
    main = project.analysis(path)
    main.walk()
    if any(s.hits for s in main.summaries.values()):  # else callers cannot change a thing
        for p in importers:
            if p in project.texts:
                project.analysis(p).walk()
    out = main.conclude()
    for p, fa in project.analyses.items():
        if p != path and p not in importers and fa.cross_reports:
            out += [f for f in fa.results() if (f.rule_id, f.start_line) in fa.cross_reports]
    return out
