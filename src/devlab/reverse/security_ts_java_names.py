"""Java file analysis: imports, qualified names, methods, source parameters, XXE findings.

``JavaAnalysis`` registers the file's methods, resolves imported and declared types,
decides which parameters are sources (servlet requests, Spring / JAX-RS annotations,
``main`` arguments) and, when the file is done, reports the XML factories left
unprotected (``xxe_findings``). Its ``scan_class`` (``JavaScan``) is set by
``security_ts_java``: import ``JavaAnalysis`` from there.
"""

from __future__ import annotations

import re

from tree_sitter import Node, Tree

from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    CLI_PRESET,
    FileAnalysis,
    row,
)
from devlab.reverse.security_ts_java_tables import (
    MAPPINGS,
    NON_TEXT_TYPES,
    REQ_TYPES,
    RULES,
    SIMPLE_TYPES,
    SOURCE_ANNOTATIONS,
    XXE_LEVEL,
)
from devlab.reverse.taint import Taint

__all__ = ["JavaAnalysis", "xxe_findings"]


class JavaAnalysis(FileAnalysis):
    """Java file analysis: method registry (by name and arity), constant fields, types."""

    prefix = "JAVA"
    rules = RULES

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        super().__init__(path, text, src, tree, language)
        self.field_types: dict[str, str] = {}
        self.req_names: set[str] = {"request", "req", "httpRequest", "servletRequest"}
        self.resolve_class = False
        # XML factories without XXE protection: (node, factory, symbol), and per method
        # what its parse calls read: "source" (user data), "untraced" or "constant"
        self.xxe_pending: list[tuple[Node, str, str | None]] = []
        self.xxe_parsed: dict[str | None, str] = {}

    def prepare(self) -> None:
        stack = [self.tree.root_node]
        while stack:
            n = stack.pop()
            t = n.type
            if t in ("method_declaration", "constructor_declaration"):
                name = self.text(n.child_by_field_name("name"))
                ps = n.child_by_field_name("parameters")
                arity = len([p for p in ps.named_children if "parameter" in p.type]) if ps else 0
                self.register(f"{name}/{arity}", n)
                if name == "resolveClass":
                    self.resolve_class = True
                continue
            if t == "field_declaration":
                typ = self.text(n.child_by_field_name("type"))
                for d in n.children_by_field_name("declarator"):
                    name = self.text(d.child_by_field_name("name"))
                    value = d.child_by_field_name("value")
                    self.field_types[name] = typ
                    if value is not None and value.type.endswith("literal"):
                        self.module_env[name] = []
                continue
            stack.extend(n.named_children)

    def finish(self) -> None:
        xxe_findings(self)
        for m in re.finditer(
            r"@EnableWebSecurity\s*\(\s*debug\s*=\s*true", self.src.decode("utf-8", "replace")
        ):
            line = self.src[: m.start()].count(b"\n") + 1
            self.add(
                "DL-JAVA-DEBUG",
                "CWE-489",
                "Debug mode enabled",
                "Spring Security debug mode logs requests, headers and security details.",
                "medium",
                "high",
                line,
                line,
                None,
                "Remove debug = true (or drive it from a development-only profile).",
            )

    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        if fn.type == "lambda_expression":
            return parent
        name = self.text(fn.child_by_field_name("name"))
        classes: list[str] = []
        p = fn.parent
        while p is not None:
            if p.type in (
                "class_declaration",
                "interface_declaration",
                "enum_declaration",
                "record_declaration",
            ):
                classes.append(self.text(p.child_by_field_name("name")))
            elif p.type == "object_creation_expression":
                classes.append(self.text(p.child_by_field_name("type")) + "$anon")
            p = p.parent
        return ".".join([*reversed(classes), name])

    def params(self, fn: Node) -> list[tuple[int, str, Node, Taint | None]]:
        ps = fn.child_by_field_name("parameters")
        if ps is None:
            return []
        if ps.type == "identifier":
            return [(0, self.text(ps), ps, None)]
        mapping = False
        mods = next((c for c in fn.named_children if c.type == "modifiers"), None)
        if mods is not None:
            mapping = any(self.annotation_name(a) in MAPPINGS for a in mods.named_children)
        fname = self.text(fn.child_by_field_name("name"))
        out: list[tuple[int, str, Node, Taint | None]] = []
        plist = [p for p in ps.named_children if p.type != "receiver_parameter"]
        for i, p in enumerate(plist):
            if p.type == "identifier":
                out.append((i, self.text(p), p, None))
                continue
            name_node = p.child_by_field_name("name")
            if name_node is None:  # spread_parameter: the declarator holds the name
                decl = next((c for c in p.named_children if c.type == "variable_declarator"), None)
                name_node = decl.child_by_field_name("name") if decl is not None else None
            if name_node is None:
                continue
            name = self.text(name_node)
            typ = self.text(p.child_by_field_name("type"))
            pm = next((c for c in p.named_children if c.type == "modifiers"), None)
            anns = [self.annotation_name(a) for a in pm.named_children] if pm is not None else []
            line = row(p)
            src: Taint | None = None
            label = next((a for a in anns if a in SOURCE_ANNOTATIONS), None)
            if typ in NON_TEXT_TYPES and (label or mapping):
                # @PathVariable Long id: the framework bound a number, not text (a value
                # that reaches no sink, rather than a parameter of untraced origin)
                src = Taint(f"{typ} {name}", -1, (), ALL_KINDS)
            elif label:
                src = Taint(f"@{label} {name}").then(
                    line, self.code(line), f"source: @{label} parameter {name}"
                )
            elif fname == "main" and "String" in typ and "[" in self.text(p):
                src = Taint("command-line args", -1, (), CLI_PRESET).then(
                    line, self.code(line), "source: main() arguments"
                )
            elif mapping and not anns and typ in SIMPLE_TYPES:
                src = Taint(f"request parameter {name}").then(
                    line, self.code(line), f"source: request parameter {name} (Spring binding)"
                )
            if REQ_TYPES.search(typ) and "Response" not in typ:
                self.req_names.add(name)
            out.append((i, name, p, src))
        return out

    def annotation_name(self, a: Node) -> str:
        if a.type not in ("annotation", "marker_annotation"):
            return ""
        return self.text(a.child_by_field_name("name")).rsplit(".", 1)[-1]

    def qual(self, node: Node | None, depth: int = 0) -> str:
        if node is None or depth > 8:
            return "?"
        t = node.type
        if t in ("identifier", "this", "type_identifier"):
            return self.text(node)
        if t == "field_access":
            return f"{self.qual(node.child_by_field_name('object'), depth + 1)}." + self.text(
                node.child_by_field_name("field")
            )
        if t == "method_invocation":
            obj = node.child_by_field_name("object")
            name = self.text(node.child_by_field_name("name"))
            return f"{self.qual(obj, depth + 1)}.{name}()" if obj is not None else f"{name}()"
        if t == "object_creation_expression":
            return "new " + self.text(node.child_by_field_name("type")) + "()"
        if t == "parenthesized_expression" and node.named_children:
            return self.qual(node.named_children[0], depth + 1)
        return "?"


def xxe_findings(fa: JavaAnalysis) -> None:
    """One finding per unprotected XML factory, its severity from what the method parses:
    user data -> high; a parameter or field -> medium at low confidence; constants or
    nothing -> low (the configuration alone is not a vulnerability in the default view)."""
    for node, factory, symbol in fa.xxe_pending:
        sev, conf, tail = XXE_LEVEL[fa.xxe_parsed.get(symbol)]
        fa.config(
            "XXE",
            "CWE-611",
            "XML external entities",
            node,
            f"{factory} is created without disallowing DOCTYPEs or external entities {tail}: "
            "parsing untrusted XML can read local files or reach internal hosts.",
            sev,  # type: ignore[arg-type]
            conf,  # type: ignore[arg-type]
            'Call factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", '
            'true) (or XMLInputFactory.SUPPORT_DTD=false, XMLConstants.ACCESS_EXTERNAL_DTD="").',
            symbol,
        )
