"""Python security analysis over tree-sitter: DevLab's one taint core for Python.

* ``scan_python_tree(path, text, project=None)`` -> the findings of one file;
* ``PythonProject(files)``: the Python files of one project, parsed lazily, so that a
  call to a function imported from another file of the project (``from helpers import
  run``, ``import pkg.helpers``, relative imports) uses that function's summary.

The grammar is tree-sitter's, not the interpreter's: Python 3.12/3.13 syntax (PEP 701
f-strings, ``type`` statements, PEP 695 generics) parses on any interpreter, and a file
with syntax errors is analysed as far as it parsed. The flow model is the shared one of
``devlab.reverse.security_ts_core`` (ordered walk per function, summaries, guards); the
Python sources, sinks and sanitisers are data (``tables/python.json``).

Entry points: module-level functions and methods are summarised (parameters symbolic);
request objects (``request.args``, ``request.GET``, ``self.get_argument()``...) are
sources wherever they appear; the parameters of a function decorated as a route
(``@app.route``, ``@router.post``...) are sources, also when the function is nested in a
factory (``def init(app): @app.route(...) def h(): ...``), where it is analysed with
the enclosing function's variables (a closure).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol, cast

from tree_sitter import Node, Tree

from devlab.codebase import get_parser
from devlab.reverse.models import Finding
from devlab.reverse.security.python_model import python_model
from devlab.reverse.security_ts_core import (
    FileAnalysis,
    Summary,
    make_rules,
    row,
)
from devlab.reverse.taint import Taint

FIXES = {
    "cmd": "Pass a list of arguments without shell=True, or quote with shlex.quote().",
    "code": "Never eval()/exec() request data; use ast.literal_eval() or a fixed mapping.",
    "sql": "Use a parameterised query (placeholders + a parameter tuple).",
    "path": "Use werkzeug.utils.secure_filename()/os.path.basename(), or resolve the path "
    "and check it stays under the base directory.",
    "deser": "Do not unpickle or yaml.load untrusted data; use json or yaml.safe_load().",
    "ssrf": "Check the URL's host against an allow-list before fetching it.",
    "redirect": "Redirect only to relative paths or allow-listed hosts (url_for, "
    "url_has_allowed_host_and_scheme).",
    "xss": "Escape the text (markupsafe.escape / html.escape) or render a template with "
    "autoescaping.",
    "xxe": "Parse untrusted XML with defusedxml, or an lxml parser with "
    "resolve_entities=False and no_network=True.",
    "ldap": "Escape the value with ldap.filter.escape_filter_chars() (ldap3: escape_filter_chars).",
    "xpath": "Pass the value as an XPath variable (tree.xpath('//u[@n=$name]', name=v)).",
    "trust": "Validate the value against an allow-list before storing it in the session.",
    "ssti": "Render a fixed template and pass the value as a variable.",
}
RULES = make_rules("PY", FIXES)
_Rule = type(RULES["code"])
# eval() of text is CWE-95 (eval injection); exec()/compile()/other interpreters CWE-94
RULES["code"] = _Rule(
    "code",
    "DL-PY-CODEI",
    "CWE-95",
    "Code injection (eval)",
    "critical",
    FIXES["code"],
    "medium",
    "info",
)
RULES["exec"] = _Rule(
    "exec",
    "DL-PY-CODEI",
    "CWE-94",
    "Code injection",
    "critical",
    FIXES["code"],
    "medium",
    "info",
)
FUNCTION_TYPES = frozenset({"function_definition"})


NON_TEXT = frozenset(
    {"int", "float", "bool", "uuid.UUID", "UUID", "datetime", "date", "datetime.datetime"}
    | {"datetime.date", "Decimal", "decimal.Decimal", "PositiveInt", "NonNegativeInt"}
)  # route parameter types that hold no text
TYPE_HEAD = re.compile(r"\s*(?:typing\.)?(?:(?:Annotated|Optional)\[\s*)?([\w.]+)")


def _module_candidates(module: str, level: int, from_path: str) -> list[str]:
    """Project paths a (possibly relative) import of ``module`` may name."""
    parts = [p for p in module.split(".") if p]
    base = from_path.replace("\\", "/").rsplit("/", 1)[0] if "/" in from_path else ""
    roots: list[str] = []
    if level:
        up = base.split("/") if base else []
        up = up[: max(0, len(up) - (level - 1))]
        roots.append("/".join(up))
    else:
        roots += [base, ""]
    out: list[str] = []
    for r in roots:
        stem = "/".join([x for x in (r, *parts) if x])
        if stem:
            out += [f"{stem}.py", f"{stem}/__init__.py"]
    return out


@dataclass
class PythonProject:
    """The Python files of one project (path -> text), analysed lazily and once each."""

    files: dict[str, str]
    analyses: dict[str, PyAnalysis] = field(default_factory=dict)
    by_suffix: dict[str, str] = field(default_factory=dict)
    #: (path, function name) called from another file: not an untraced entry point
    called: set[tuple[str, str]] = field(default_factory=set)

    def __post_init__(self) -> None:
        for p in self.files:
            norm = p.replace("\\", "/")
            self.by_suffix.setdefault(norm, p)
            parts = norm.split("/")
            for i in range(1, len(parts)):  # sub-paths, for projects under a prefix
                self.by_suffix.setdefault("/".join(parts[i:]), p)

    def analysis(self, path: str) -> PyAnalysis:
        fa = self.analyses.get(path)
        if fa is None:
            text = self.files[path]
            src = text.encode("utf-8", "replace")
            fa = PyAnalysis(path, text, src, get_parser("python").parse(src), "python")
            fa.project = self
            fa.prepare()
            self.analyses[path] = fa
        return fa

    def resolve_path(self, module: str, level: int, from_path: str) -> str | None:
        for cand in _module_candidates(module, level, from_path):
            hit = self.by_suffix.get(cand)
            if hit is not None and hit != from_path:
                return hit
        return None

    def resolve(self, module: str, level: int, from_path: str) -> PyAnalysis | None:
        hit = self.resolve_path(module, level, from_path)
        return self.analysis(hit) if hit is not None else None


class _ModuleState(Protocol):
    """What ``run`` keeps of the module body's scan (a ``PyScan``)."""

    consts: dict[str, object]
    flags: dict[str, set[str]]


class PyAnalysis(FileAnalysis):
    """One Python file: imports, functions (incl. methods and nested), summaries."""

    prefix = "PY"
    rules = RULES
    # scan_class: PyScan, set by python_scan (which reads this module's PyAnalysis)

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        super().__init__(path, text, src, tree, language)
        self.model = python_model()
        self.aliases: dict[str, str] = {}  # local name -> qualified name
        self.imported: dict[str, tuple[str, int, str]] = {}  # name -> (module, level, attr)
        self.module_alias: dict[str, tuple[str, int]] = {}  # import pkg.mod as m
        self.fallbacks: set[str] = set()  # names bound only by an `except ImportError` import
        self._fields: dict[str, bool] | None = None  # self.<field> -> constant-like
        self.assignments: list[Node] = []  # assignment statements (prepare)
        self.xml_default: dict[str, Node] = {}  # lxml parser name -> its construction
        self.xml_default_used: dict[str, str] = {}  # ... parsing a non-constant document
        self.class_of: dict[int, str] = {}
        self.closure_env: dict[int, dict[str, list[Taint]]] = {}
        self.consts: dict[str, object] = {}
        self.module_flags: dict[str, set[str]] = {}
        self.project: PythonProject | None = None
        self.hardened: frozenset[str] | None = None  # modules hardened in this file
        self.autoescape_off: bool | None = None  # app.jinja_env.autoescape = False here
        self.dependency = False  # analysed because another file calls into it
        self.cross_file: set[str] = set()  # other files where this one's data hit a sink
        self.prepared = False
        self.ran = False
        self.untraced_done = False

    # imports, definitions -------------------------------------------------------------------
    def prepare(self) -> None:
        if self.prepared:
            return
        self.prepared = True
        stack = [self.tree.root_node]
        while stack:  # statements only: imports, defs and assignments are never inside
            n = stack.pop()  # expressions (lambdas cannot hold them), so those are skipped
            t = n.type
            if t == "import_statement":
                self.import_(n)
                continue
            if t == "import_from_statement":
                self.import_from(n)
                continue
            if t in ("assignment", "augmented_assignment"):
                self.assignments.append(n)
                continue
            if t == "function_definition":
                self.define(n)
            if t in _STATEMENT_CONTAINERS:
                stack.extend(n.named_children)

    def fallback_import(self, n: Node, alias: str) -> bool:
        """True when this import only stands in for another binding of ``alias``:
        ``try: import yaml`` / ``except ImportError: import vendored.yaml3 as yaml`` names
        the real module first, so the ``except`` fallback (walked in any order) does not
        replace it; a primary import replaces a fallback seen before it."""
        p = n.parent
        while p is not None and p.type not in ("function_definition", "class_definition"):
            if p.type == "except_clause":
                if alias in self.aliases:
                    return True
                self.fallbacks.add(alias)
                return False
            p = p.parent
        if alias in self.fallbacks:
            self.fallbacks.discard(alias)
            self.aliases.pop(alias, None)
            self.module_alias.pop(alias, None)
            self.imported.pop(alias, None)
        return False

    def import_(self, n: Node) -> None:
        for c in n.named_children:
            if c.type == "dotted_name":
                name = self.text(c)
                top = name.split(".")[0]
                if self.fallback_import(n, top):
                    continue
                self.aliases.setdefault(top, top)
                self.module_alias[name] = (name, 0)
            elif c.type == "aliased_import":
                name = self.text(c.child_by_field_name("name"))
                alias = self.text(c.child_by_field_name("alias"))
                if self.fallback_import(n, alias):
                    continue
                self.aliases[alias] = name
                self.module_alias[alias] = (name, 0)

    def import_from(self, n: Node) -> None:
        mod_node = n.child_by_field_name("module_name")
        mod = self.text(mod_node)
        level = len(mod) - len(mod.lstrip("."))
        mod = mod.lstrip(".")
        for c in n.named_children:
            if c.id == (mod_node.id if mod_node is not None else -1):
                continue
            if c.type == "dotted_name":
                name = alias = self.text(c)
            elif c.type == "aliased_import":
                name = self.text(c.child_by_field_name("name"))
                alias = self.text(c.child_by_field_name("alias"))
            else:
                continue
            if self.fallback_import(n, alias):
                continue
            self.aliases[alias] = f"{mod}.{name}" if mod else name
            self.imported[alias] = (mod, level, name)

    def define(self, fn: Node) -> None:
        name = self.text(fn.child_by_field_name("name"))
        cls = self.enclosing_class(fn)
        if cls:
            self.class_of[fn.id] = cls
            self.register(f"{cls}.{name}", fn)
        elif self.enclosing_function(fn) is None:
            self.register(name, fn)

    def enclosing_class(self, fn: Node) -> str | None:
        p = fn.parent
        while p is not None and p.type in ("block", "decorated_definition"):
            if p.type == "block" and p.parent is not None and p.parent.type == "class_definition":
                return self.text(p.parent.child_by_field_name("name"))
            p = p.parent
        return None

    def enclosing_function(self, n: Node) -> Node | None:
        p = n.parent
        while p is not None:
            if p.type in ("function_definition", "lambda"):
                return p
            if p.type == "class_definition":
                return None
            p = p.parent
        return None

    # functions -----------------------------------------------------------------------------
    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        if fn.type != "function_definition":
            return parent
        name = self.text(fn.child_by_field_name("name"))
        cls = self.class_of.get(fn.id)
        if cls:
            return f"{cls}.{name}"
        outer = self.enclosing_function(fn)
        if outer is not None and parent is None:
            parent = self.symbol_of(outer, None)
        return f"{parent}.{name}" if parent else name

    def route_decorated(self, fn: Node) -> bool:
        """``@app.route(...)``, ``@router.get(...)``, ``@bp.post``, ``@api_view``..."""
        p = fn.parent
        if p is None or p.type != "decorated_definition":
            return False
        for d in p.named_children:
            if d.type != "decorator":
                continue
            e = d.named_children[0] if d.named_children else None
            if e is not None and e.type == "call":
                e = e.child_by_field_name("function")
            if e is None:
                continue
            last = self.text(e).rsplit(".", 1)[-1]
            if last in self.model.route_decorators and (
                e.type == "attribute" or last in ("api_view", "route", "view")
            ):
                return True
        return False

    def params(self, fn: Node) -> list[tuple[int, str, Node, Taint | None]]:
        ps = fn.child_by_field_name("parameters")
        if ps is None:
            return []
        route = self.route_decorated(fn)
        method = fn.id in self.class_of
        out: list[tuple[int, str, Node, Taint | None]] = []
        i = 0
        for p in ps.named_children:
            name_node = p
            default: Node | None = None
            if p.type in ("typed_parameter",):
                name_node = next((c for c in p.named_children if c.type == "identifier"), p)
            elif p.type in ("default_parameter", "typed_default_parameter"):
                name_node = p.child_by_field_name("name") or p
                default = p.child_by_field_name("value")
            elif p.type in ("list_splat_pattern", "dictionary_splat_pattern"):
                name_node = p.named_children[0] if p.named_children else p
            elif p.type != "identifier":
                continue
            name = self.text(name_node)
            if method and i == 0 and not out and name in ("self", "cls"):
                method = False  # the receiver: not a positional argument of a call
                continue
            src: Taint | None = None
            if name == "environ" and i == 0 and b"start_response" in self.text(ps).encode():
                line = row(p)
                src = Taint("WSGI environ", -1).then(line, self.code(line), "source: WSGI environ")
            elif (
                route
                and name not in self.model.not_input_params
                and not (default is not None and "Depends" in self.text(default))
                and "Request" not in self.text(p)
            ):
                line = row(p)
                if self.non_text_param(fn, p, name):
                    # item_id: int (FastAPI validates it), <int:pid> (a Flask converter):
                    # the framework hands over a number, not text
                    src = Taint(f"typed route parameter {name}", -1, (), frozenset({"all"}))
                else:
                    src = Taint("route parameter", -1).then(
                        line, self.code(line), f"source: route parameter {name}"
                    )
            out.append((i, name, name_node, src))
            i += 1
        return out

    def non_text_param(self, fn: Node, p: Node, name: str) -> bool:
        """A route parameter annotated with a number / bool / UUID / date type (also inside
        ``Annotated[...]``/``Optional[...]``), or bound by a Flask ``<int:name>``,
        ``<float:name>`` or ``<uuid:name>`` converter."""
        typ = p.child_by_field_name("type")
        if typ is not None:
            first = TYPE_HEAD.match(self.text(typ))
            if first is not None and first.group(1) in NON_TEXT:
                return True
        dec = fn.parent
        if dec is not None and dec.type == "decorated_definition":
            for d in dec.named_children:
                if d.type == "decorator" and re.search(
                    rf"<(?:int|float|uuid):{re.escape(name)}>", self.text(d)
                ):
                    return True
        return False

    def finish(self) -> None:
        """lxml parsers that resolve entities by default and parse a non-constant
        document in this file: one XXE finding at the parser's construction (where the
        fix goes), medium at low confidence (lxml 5 no longer resolves them by default)."""
        rule = self.rules["xxe"]
        for name, how in self.xml_default_used.items():
            node = self.xml_default[name]
            self.add(
                rule.rule_id,
                rule.cwe,
                rule.title,
                f"{rule.title}: lxml parser {name} is built without resolve_entities=False "
                f"(lxml before 5.0 resolves entities by default) and parses {how}.",
                "medium",
                "low",
                row(node),
                row(node),
                None,
                rule.fix,
            )

    def field_is_constant(self, name: str) -> bool:
        """Whether ``self.<name>`` holds only constants in this file: every assignment to
        it (``self.name = ...`` in any method, ``name = ...`` in a class body) is a
        literal, or a code object from ``compile()`` (judged where it was compiled).
        Other fields (set from parameters, or from outside the file) are of untraced
        origin, like parameters."""
        if self._fields is None:
            fields: dict[str, bool] = {}
            for n in self.assignments:  # collected by prepare()
                left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
                if left is None or right is None:
                    continue
                if left.type == "attribute":
                    obj = left.child_by_field_name("object")
                    if obj is None or self.text(obj) not in ("self", "cls"):
                        continue
                    key = self.text(left.child_by_field_name("attribute"))
                elif left.type == "identifier" and _in_class_body(n):
                    key = self.text(left)
                else:
                    continue
                fields[key] = fields.get(key, True) and self._constant_like(right)
            self._fields = fields
        return self._fields.get(name, False)

    def _constant_like(self, v: Node) -> bool:
        if v.type in _LITERALS:
            return True
        if v.type in ("string", "concatenated_string"):
            return b"{" not in self.src[v.start_byte : v.end_byte] or not any(
                c.type == "interpolation" for c in _descendants(v)
            )
        if v.type == "call":
            fn = v.child_by_field_name("function")
            return fn is not None and self.text(fn) == "compile"
        return False

    def self_defaults(self) -> dict[str, object]:
        """``self.x = param`` in an ``__init__`` whose parameter has a constant default."""
        out: dict[str, object] = {}
        for key, fn in self.functions.items():
            if fn is None or not key.endswith(".__init__"):
                continue
            ps = fn.child_by_field_name("parameters")
            defaults: dict[str, object] = {}
            for p in ps.named_children if ps is not None else []:
                if p.type in ("default_parameter", "typed_default_parameter"):
                    v = self.text(p.child_by_field_name("value"))
                    if v in ("True", "False"):
                        defaults[self.text(p.child_by_field_name("name"))] = v == "True"
            for m in re.finditer(
                rb"self\.(\w+)\s*=\s*(\w+)", self.src[fn.start_byte : fn.end_byte]
            ):
                name, val = m.group(1).decode(), m.group(2).decode()
                if val in defaults:
                    out[name] = defaults[val]
        return out

    def summary(self, fn: Node) -> Summary:
        """As the core's, but a nested function starts from its closure's variables."""
        cached = self.summaries.get(fn.id)
        if cached is not None:
            return cached
        if fn.id in self.in_progress or self.nesting >= 8:
            return Summary()
        self.in_progress.add(fn.id)
        self.nesting += 1
        try:
            s = Summary()
            env = dict(self.closure_env.get(fn.id, self.module_env))
            self.analyse(fn, s, env, None, self.symbol_of(fn, None))
        finally:
            self.nesting -= 1
            self.in_progress.discard(fn.id)
        self.summaries[fn.id] = s
        return s

    def run(self) -> list[Finding]:
        """Analyse the module body (constants, module-level flows), then every function
        not yet analysed; parameters of functions nobody calls are untraced."""
        if self.ran:
            return self.results()
        self.ran = True
        self.prepare()
        scan = self.scan_class(self, None, None, self.module_env)
        scan.eval(self.tree.root_node)
        folded = cast(_ModuleState, scan)  # a PyScan: constants and flags of the module
        self.consts = dict(folded.consts)
        self.module_flags = {k: set(v) for k, v in folded.flags.items()}
        for node in list(self.functions.values()):
            if node is not None and node.id not in self.analysed:
                self.summary(node)
        return self.results()

    def results(self) -> list[Finding]:
        """The findings; parameters of functions nobody calls (in this file or, within a
        project, from another file) reach their sinks untraced: reported now, after every
        file had the chance to call them."""
        if self.ran and not self.untraced_done:
            self.untraced_done = True
            elsewhere = (
                {n for p, n in self.project.called if p == self.path} if self.project else set()
            )
            called_names = {
                fn.id for name, fn in self.functions.items() if fn is not None and name in elsewhere
            }
            for fn_id, summary in self.summaries.items():
                if fn_id not in self.called and fn_id not in called_names:
                    for hit in summary.hits:
                        if not hit.quiet:
                            self.untraced(hit.key, hit.line, hit.end, hit.note, hit.symbol)
            self.finish()
        return super().results()


_BARE_REDACTED = re.compile(r"(?<![\"'`\w])<(REDACTED:[^<>\"'`\n]{0,80})>(?![\"'`])")


def unredact(text: str) -> str:
    """``<REDACTED:x>`` -> ``"REDACTED:x"`` (same length) where it stands as a value."""
    if "REDACTED:" not in text:
        return text
    return _BARE_REDACTED.sub(lambda m: f'"{m.group(1)}"', text)


def scan_python_tree(path: str, text: str, project: PythonProject | None = None) -> list[Finding]:
    """DevLab's findings for one Python file (tree-sitter; never a syntax error).

    With ``project`` (which must hold ``path``), calls into the project's other files
    follow their summaries; the findings returned are those located in ``path``."""
    if not isinstance(text, str):
        raise ValueError(f"expected source text, got {type(text).__name__}")
    if "\x00" in text[:4096]:
        raise ValueError(f"{path} looks binary (NUL bytes), not Python source")
    if project is None:
        project = PythonProject({path: unredact(text)})
    fa = project.analysis(path)
    fa.run()
    return fa.results()


def parse_tree(text: str) -> Tree:
    return get_parser("python").parse(text.encode("utf-8", "replace"))


_LITERALS = frozenset({"integer", "float", "true", "false", "none"})
#: nodes whose children can be statements (walked by prepare)
_STATEMENT_CONTAINERS = frozenset(
    {
        "module", "block", "class_definition", "function_definition",
        "decorated_definition", "if_statement", "elif_clause", "else_clause",
        "try_statement", "except_clause", "except_group_clause", "finally_clause",
        "with_statement", "for_statement", "while_statement", "match_statement",
        "case_clause", "expression_statement", "future_import_statement",
    }
)  # fmt: skip


def _descendants(n: Node) -> list[Node]:
    out, stack = [], list(n.named_children)
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(c.named_children)
    return out


def _in_class_body(n: Node) -> bool:
    """An assignment statement directly in a class body (a class attribute)."""
    p = n.parent
    if p is not None and p.type == "expression_statement":
        p = p.parent
    return (
        p is not None
        and p.type == "block"
        and (p.parent is not None and p.parent.type == "class_definition")
    )
