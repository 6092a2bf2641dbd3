"""JavaScript / TypeScript file analysis: imports, aliases and qualified names, functions.

``JSAnalysis`` resolves what a name refers to (``require``/``import`` aliases, a local
declaration shadowing one, ``util.promisify``), registers the file's functions and class
methods, and decides which parameters are sources (Nest decorators, Next.js route
handlers, React component props). Its ``scan_class`` (``JSScan``) is set by
``security_ts_js``: import ``JSAnalysis`` from there.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tree_sitter import Node, Tree

from devlab.reverse.security_ts_core import (
    CLIENT_PRESET,
    FileAnalysis,
    row,
)
from devlab.reverse.security_ts_js_tables import (
    ARCHIVE_MODULE,
    CODE_FUNCS,
    FUNCTION_TYPES,
    NEST_SOURCES,
    NEXT_ROUTE_FILE,
    NEXT_VERBS,
    PROMISIFY,
    REQ_NAMES,
    RULES,
    SERVER_MODULES,
    SHADOWING_VALUES,
    fs_norm,
    module_name,
    pattern_names,
)
from devlab.reverse.taint import Taint

if TYPE_CHECKING:
    from devlab.reverse.security_ts_js_project import JSProject

__all__ = ["JSAnalysis"]


class JSAnalysis(FileAnalysis):
    """JS/TS/TSX file analysis: imports, functions, and the ``JSScan`` walk."""

    prefix = "JS"
    rules = RULES

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        super().__init__(path, text, src, tree, language)
        self.aliases: dict[str, str] = {}
        self.modules: set[str] = set()
        self.methods: dict[str, Node | None] = {}  # this.name() calls
        self.req_names: set[str] = set(REQ_NAMES)
        self.jsx = self.language == "tsx" or self.path.endswith((".jsx", ".tsx"))

        self.class_names: dict[int, str] = {}
        self.shadow_cache: dict[int, frozenset[str]] = {}
        self.archive = False  # the file uses a module that reads archives
        #: the project's other files (``security_ts_js_project.JSProject``), or None
        self.project: JSProject | None = None
        #: functions other files of the project can import (``exports.f = function``):
        #: summarised like declarations, not walked as anonymous callbacks
        self.exported_ids: set[int] = set()
        self.dependency = False  # analysed because another file of the project calls it

    # qualified names -----------------------------------------------------------------------
    def qual(self, node: Node | None, depth: int = 0) -> str:
        if node is None or depth > 8:
            return "?"
        t = node.type
        if t == "identifier":
            n = self.text(node)
            if n in self.aliases and self.shadowed(node, n):
                return n
            return self.aliases.get(n, n)
        if t == "this":
            return "this"
        if t == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            full = fs_norm(f"{self.qual(obj, depth + 1)}.{self.text(prop)}")
            return self.aliases.get(full, full)  # o.eval where o = { eval }
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            mod = self.require_of(node)
            if mod is not None:
                return mod
            return self.qual(fn, depth + 1) + "()"
        if t in ("parenthesized_expression", "await_expression", "non_null_expression"):
            inner = node.named_children
            return self.qual(inner[0], depth + 1) if inner else "?"
        if t == "sequence_expression":  # (0, eval)(x): the comma operator's last value
            kids = node.named_children
            return self.qual(kids[-1], depth + 1) if kids else "?"
        if t == "as_expression":
            return self.qual(node.named_children[0], depth + 1)
        if t == "new_expression":
            return self.qual(node.child_by_field_name("constructor"), depth + 1) + "()"
        return "?"

    def shadowed(self, node: Node, name: str) -> bool:
        """An enclosing function declares ``name`` itself (a parameter, or a local
        ``var``/``let``/``const`` bound to a value that is no module API), so the
        module-level alias of that name (``const foo = require('child_process')``)
        does not apply here."""
        p = node.parent
        while p is not None:
            if p.type in FUNCTION_TYPES and name in self.local_names(p):
                return True
            p = p.parent
        return False

    def local_names(self, fn: Node) -> frozenset[str]:
        """Parameter names of ``fn`` and the names its body declares with a value that
        creates no alias (not descending into nested functions); cached per function."""
        got = self.shadow_cache.get(fn.id)
        if got is not None:
            return got
        names: set[str] = set()
        ps = fn.child_by_field_name("parameters")
        single = fn.child_by_field_name("parameter")
        for p in [single] if single is not None else (ps.named_children if ps else []):
            if p.type in ("required_parameter", "optional_parameter"):
                p = p.child_by_field_name("pattern") or p
            names.update(pattern_names(self, p))
        stack = [c for c in [fn.child_by_field_name("body")] if c is not None]
        while stack:
            n = stack.pop()
            if n.type in FUNCTION_TYPES or n.type == "class_declaration":
                continue
            if n.type == "variable_declarator":
                name, value = n.child_by_field_name("name"), n.child_by_field_name("value")
                if name is not None and (value is None or value.type in SHADOWING_VALUES):
                    names.update(pattern_names(self, name))
            stack.extend(n.named_children)
        out = frozenset(names)
        self.shadow_cache[fn.id] = out
        return out

    def require_of(self, node: Node | None) -> str | None:
        """Module name of ``require('m')`` / ``await import('m')``, else None."""
        if node is None:
            return None
        if node.type == "await_expression" and node.named_children:
            node = node.named_children[0]
        if node.type != "call_expression":
            return None
        fn = node.child_by_field_name("function")
        if fn is None or self.text(fn) not in ("require", "import"):
            return None
        args = node.child_by_field_name("arguments")
        if args is None or not args.named_children:
            return None
        a = args.named_children[0]
        if a.type != "string":
            return None
        mod = module_name(self.text(a)[1:-1])
        self.modules.add(mod)
        return mod

    # setup ---------------------------------------------------------------------------------
    def prepare(self) -> None:
        root = self.tree.root_node
        for stmt in root.named_children:
            node = stmt
            if stmt.type == "export_statement":
                node = stmt.child_by_field_name("declaration") or stmt
            if stmt.type == "import_statement":
                self.import_(stmt)
            elif node.type in ("function_declaration", "generator_function_declaration"):
                name = node.child_by_field_name("name")
                if name is not None:
                    self.register(self.text(name), node)
            elif node.type in ("lexical_declaration", "variable_declaration"):
                for d in node.named_children:
                    if d.type != "variable_declarator":
                        continue
                    name, value = d.child_by_field_name("name"), d.child_by_field_name("value")
                    if name is None or value is None:
                        continue
                    if value.type in FUNCTION_TYPES and name.type == "identifier":
                        self.register(self.text(name), value)
                    else:
                        self.alias_declarator(name, value)
            elif node.type in ("class_declaration", "abstract_class_declaration"):
                self.register_class(node)

        self.archive = any(ARCHIVE_MODULE.search(m) for m in self.modules)
        # "request" is the incoming request only in server code (elsewhere it is often an
        # outgoing fetch Request); "req" always is
        if self.modules & SERVER_MODULES or b"createServer(" in self.src:
            self.req_names.add("request")

    def register_class(self, node: Node) -> None:
        cname = self.text(node.child_by_field_name("name")) or "<class>"
        body = node.child_by_field_name("body")
        if body is None:
            return
        for m in body.named_children:
            if m.type == "method_definition":
                name = self.text(m.child_by_field_name("name"))
                self.class_names[m.id] = cname
                if name in self.methods:
                    self.methods[name] = None
                else:
                    self.methods[name] = m

    def import_(self, stmt: Node) -> None:
        src = stmt.child_by_field_name("source")
        if src is None:
            return
        mod = module_name(self.text(src)[1:-1])
        self.modules.add(mod)
        for clause in stmt.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.aliases[self.text(part)] = mod
                elif part.type == "namespace_import":
                    for n in part.named_children:
                        if n.type == "identifier":
                            self.aliases[self.text(n)] = mod
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or name
                        self.aliases[self.text(alias)] = f"{mod}.{self.text(name)}"

    def alias_declarator(self, name: Node, value: Node) -> None:
        """``const cp = require('child_process')``, ``const {exec} = require(...)``,
        ``const run = util.promisify(exec)``."""
        mod = self.require_of(value)
        if mod is None and value.type == "member_expression":
            obj = value.child_by_field_name("object")
            base = self.require_of(obj)
            if base is None and obj is not None and obj.type == "identifier":
                base = self.aliases.get(self.text(obj))  # const exec = childProcess.exec
            if base is not None:
                mod = f"{base}.{self.text(value.child_by_field_name('property'))}"
        if mod is None and value.type == "call_expression":
            fn = self.qual(value.child_by_field_name("function"))
            args = value.child_by_field_name("arguments")
            if fn in PROMISIFY and args is not None and args.named_children:
                mod = self.qual(args.named_children[0])
        if mod is None and value.type == "identifier":  # const run = exec; const e = eval
            text = self.text(value)
            mod = self.aliases.get(text) or (text if text in CODE_FUNCS else None)
        if mod is None and value.type == "object" and name.type == "identifier":
            self.alias_members(self.text(name), value)
            return
        if mod is None:
            return
        if name.type == "identifier":
            self.aliases[self.text(name)] = mod
        elif name.type == "object_pattern":
            for p in name.named_children:
                if p.type == "shorthand_property_identifier_pattern":
                    self.aliases[self.text(p)] = f"{mod}.{self.text(p)}"
                elif p.type == "pair_pattern":
                    k, v = p.child_by_field_name("key"), p.child_by_field_name("value")
                    if v is not None and v.type == "identifier":
                        self.aliases[self.text(v)] = f"{mod}.{self.text(k)}"

    def alias_members(self, name: str, obj: Node) -> None:
        """``const o = { eval }`` / ``{ run: cp.exec }``: ``o.eval`` / ``o.run`` call what
        the member holds (an imported API or a global code sink)."""
        for p in obj.named_children:
            key: str | None = None
            value: Node | None = p
            if p.type == "shorthand_property_identifier":
                key = self.text(p)
            elif p.type == "pair":
                k, value = p.child_by_field_name("key"), p.child_by_field_name("value")
                key = self.text(k) if k is not None and k.type == "property_identifier" else None
            if key is None or value is None:
                continue
            text = self.text(value)
            if value.type == "member_expression":
                q = self.qual(value)
                target = q if "." in q and not q.startswith(("?", "this.")) else None
            else:
                target = self.aliases.get(text) or (text if text in CODE_FUNCS else None)
            if target is not None and (target in CODE_FUNCS or target != text):
                self.aliases[f"{name}.{key}"] = target

    # functions -----------------------------------------------------------------------------
    def function_name(self, fn: Node) -> str | None:
        name = fn.child_by_field_name("name")
        if name is not None:
            return self.text(name)
        parent = fn.parent
        if parent is not None and parent.type == "variable_declarator":
            return self.text(parent.child_by_field_name("name"))
        if parent is not None and parent.type in ("pair", "assignment_expression"):
            key = parent.child_by_field_name("key") or parent.child_by_field_name("left")
            return self.text(key).rsplit(".", 1)[-1]
        return None

    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        name = self.function_name(fn)
        if fn.type == "method_definition":
            cls = self.class_names.get(fn.id) or self.enclosing_class(fn)
            return f"{cls}.{name}" if cls else name
        if name:
            return f"{parent}.{name}" if parent else name
        # an anonymous callback: name it after the call, e.g. "app.get('/users/:id')"
        args = fn.parent
        call = args.parent if args is not None else None
        if call is not None and call.type == "call_expression" and args is not None:
            first = args.named_children[0] if args.named_children else None
            callee = self.text(call.child_by_field_name("function"))[:40]
            if first is not None and first.type == "string" and first.id != fn.id:
                label = f"{callee}({self.text(first)[:60]})"
                return f"{parent}.{label}" if parent else label
        return parent

    def enclosing_class(self, fn: Node) -> str | None:
        p = fn.parent
        while p is not None:
            if p.type in ("class_declaration", "class", "abstract_class_declaration"):
                name = p.child_by_field_name("name")
                return self.text(name) if name is not None else None
            p = p.parent
        return None

    def next_route_handler(self, fn: Node) -> bool:
        """A Next.js App Router route handler: an exported ``GET``/``POST``/... function
        in a file that imports ``next/server`` or is named ``route.js``/``route.ts``."""
        name = fn.child_by_field_name("name")
        if name is None or self.text(name) not in NEXT_VERBS:
            return False
        if fn.parent is None or fn.parent.type != "export_statement":
            return False
        return "next/server" in self.modules or bool(NEXT_ROUTE_FILE.search(self.path))

    def params(self, fn: Node) -> list[tuple[int, str, Node, Taint | None]]:
        out: list[tuple[int, str, Node, Taint | None]] = []
        single = fn.child_by_field_name("parameter")
        plist = [single] if single is not None else []
        if not plist:
            ps = fn.child_by_field_name("parameters")
            plist = [p for p in ps.named_children if p.type != "comment"] if ps else []
        component = self.is_component(fn)
        next_route = self.next_route_handler(fn)
        for i, p in enumerate(plist):
            src: Taint | None = None
            decorator = None
            typ = ""
            if p.type in ("required_parameter", "optional_parameter"):
                for c in p.named_children:
                    if c.type == "decorator":
                        decorator = self.text(c).lstrip("@").split("(")[0].strip()
                typ = self.text(p.child_by_field_name("type"))
                p = p.child_by_field_name("pattern") or p
            names = pattern_names(self, p)
            line = row(p)
            if decorator in NEST_SOURCES:
                label = f"@{decorator}()"
                src = Taint(label).then(line, self.code(line), f"source: {label} parameter")
            elif (
                decorator in ("Req", "Request")
                or re.search(r"\b(Next)?Request\b", typ)
                or (next_route and i == 0)
            ):
                self.req_names.update(names)
            elif next_route and i == 1:  # export async function GET(req, { params })
                src = Taint("route params").then(line, self.code(line), "source: route params")
            elif component and i == 0:
                src = Taint("component props", -1, (), CLIENT_PRESET).then(
                    line, self.code(line), "source: component props"
                )
            for n in names:
                out.append((i, n, p, src))
        return out

    def is_component(self, fn: Node) -> bool:
        if not self.jsx or fn.type == "method_definition":
            return False
        name = self.function_name(fn)
        return bool(name and name[0].isupper())
