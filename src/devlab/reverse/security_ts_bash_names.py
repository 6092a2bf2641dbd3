"""Bash / shell file analysis: ``BashAnalysis`` registers the script's functions and the
variable names it assigns (those are not environment input). Its ``scan_class``
(``BashScan``) is set by ``security_ts_bash``: import ``BashAnalysis`` from there."""

from __future__ import annotations

from tree_sitter import Node, Tree

from devlab.reverse.security_ts_bash_tables import RULES
from devlab.reverse.security_ts_core import FileAnalysis

__all__ = ["BashAnalysis"]


class BashAnalysis(FileAnalysis):
    """A shell script: functions (summarised on first call), assigned variable names."""

    prefix = "SH"
    rules = RULES

    def __init__(self, path: str, text: str, src: bytes, tree: Tree, language: str) -> None:
        super().__init__(path, text, src, tree, language)
        self.assigned: set[str] = set()
        self.tmp_seen: set[str] = set()
        self.unquoted_seen: set[str] = set()

    def prepare(self) -> None:
        stack = [self.tree.root_node]
        while stack:
            n = stack.pop()
            if n.type == "function_definition":
                self.register(self.text(n.child_by_field_name("name")), n)
            elif n.type == "variable_assignment":
                self.assigned.add(self.text(n.child_by_field_name("name")))
            elif n.type == "for_statement":
                self.assigned.add(self.text(n.child_by_field_name("variable")))
            elif n.type == "command" and self.text(n.child_by_field_name("name")) in (
                "read",
                "mapfile",
                "readarray",
            ):
                for a in n.children_by_field_name("argument"):
                    self.assigned.add(self.text(a))
            stack.extend(n.named_children)

    def symbol_of(self, fn: Node, parent: str | None) -> str | None:
        return self.text(fn.child_by_field_name("name")) or parent
