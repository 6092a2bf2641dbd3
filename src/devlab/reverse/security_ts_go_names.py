"""Go file analysis: imports, qualified names, functions and methods, source parameters.

``GoAnalysis`` reads the imports (aliases, major-version paths), registers the file's
functions and methods, and decides which parameters are sources (``*http.Request``, a
web framework's context). Its ``scan_class`` (``GoScan``) is set by ``security_ts_go``:
import ``GoAnalysis`` from there.
"""

from __future__ import annotations

import re

from tree_sitter import Node, Tree

from devlab.reverse.security_ts_core import (
    FileAnalysis,
    row,
)
from devlab.reverse.security_ts_go_tables import (
    DEFAULT_IMPORTS,
    MAJOR_VERSION,
    RULES,
    descendants_of,
    package_name,
)
from devlab.reverse.taint import Taint

__all__ = ["GoAnalysis"]


class GoAnalysis(FileAnalysis):
    """Go file analysis: imports (alias -> path), functions and methods, package vars."""

    prefix = "GO"
    rules = RULES

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        super().__init__(path, text, src, tree, language)
        self.imports: dict[str, str] = {}  # local name -> import path

    def prepare(self) -> None:
        for name, path in DEFAULT_IMPORTS.items():  # snippets and broken import blocks
            self.imports.setdefault(name, path)
        for node in self.tree.root_node.named_children:
            if node.type == "import_declaration":
                for spec in descendants_of(node, "import_spec"):
                    path = self.text(spec.child_by_field_name("path")).strip('"`')
                    name_node = spec.child_by_field_name("name")
                    name = self.text(name_node) if name_node is not None else ""
                    if path == "net/http/pprof":
                        self.config(
                            "DEBUG",
                            "CWE-489",
                            "Profiling endpoints exposed",
                            spec,
                            "Importing net/http/pprof registers /debug/pprof/ handlers on the "
                            "default mux: heap dumps, goroutine stacks and CPU profiles "
                            "become reachable.",
                            "medium",
                            "high",
                            "Serve pprof only on a separate, internal-only listener (or remove "
                            "the import from production builds).",
                            None,
                        )
                    if name in ("_", "."):
                        continue
                    local = name or package_name(path)
                    self.imports[local] = path
            elif node.type == "function_declaration":
                self.register(self.text(node.child_by_field_name("name")), node)
            elif node.type == "method_declaration":
                self.register("." + self.text(node.child_by_field_name("name")), node)

    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        if fn.type == "func_literal":
            return parent
        name = self.text(fn.child_by_field_name("name"))
        if fn.type == "method_declaration":
            recv = self.text(fn.child_by_field_name("receiver"))
            # A match may start only where a word starts (quadratic on a long
            # identifier otherwise: issue 13's sweep of the analysers' literals).
            m = re.search(r"(?<!\w)(\w+)(\[[^\]]{0,256}\])?\s*\)\s*$", recv)
            if m:
                return f"{m.group(1)}.{name}"
        return name

    def params(self, fn: Node) -> list[tuple[int, str, Node, Taint | None]]:
        ps = fn.child_by_field_name("parameters")
        out: list[tuple[int, str, Node, Taint | None]] = []
        if ps is None:
            return out
        i = 0
        for p in ps.named_children:
            if p.type not in ("parameter_declaration", "variadic_parameter_declaration"):
                continue
            typ = self.text(p.child_by_field_name("type"))
            names = p.children_by_field_name("name")
            for n in names or [p]:
                name = self.text(n) if names else ""
                src: Taint | None = None
                if "httprouter.Params" in typ:
                    line = row(p)
                    src = Taint("httprouter params").then(
                        line, self.code(line), f"source: route parameters {name}"
                    )
                if name:
                    out.append((i, name, p, src))
                i += 1
        return out

    def qual(self, node: Node | None) -> str:
        """``exec.Command`` -> ``os/exec.Command`` (import path resolved), else the text."""
        if node is None:
            return "?"
        if node.type == "selector_expression":
            op = node.child_by_field_name("operand")
            field = self.text(node.child_by_field_name("field"))
            if op is not None and op.type == "identifier":
                path = self.imports.get(self.text(op))
                if path is not None:  # github.com/go-ldap/ldap/v3 -> .../ldap (major version)
                    return f"{MAJOR_VERSION.sub('', path)}.{field}"
            return f"{self.text(op)[:60]}.{field}"
        if node.type == "identifier":
            return self.text(node)
        return "?"
