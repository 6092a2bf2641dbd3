"""Java scan, first layer: its state, receiver types and the reads of names and fields.

The scan is one class built in layers, each layer calling only itself and the ones
below: base -> configuration rules -> sinks -> calls, statements and guards
(``security_ts_java.JavaScan``).
"""

from __future__ import annotations

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    FileAnalysis,
    Scan,
    Summary,
    words,
)
from devlab.reverse.security_ts_java_names import JavaAnalysis
from devlab.reverse.security_ts_java_tables import (
    RETURN_TYPES,
)
from devlab.reverse.taint import Taint

__all__ = ["JavaScanBase"]


class JavaScanBase(Scan):
    """The walk of one Java method / lambda body: state and names."""

    fa: JavaAnalysis

    context_types = words(
        "expression_statement local_variable_declaration return_statement field_declaration"
    )
    literals = words(
        "string_literal character_literal decimal_integer_literal hex_integer_literal "
        "octal_integer_literal binary_integer_literal decimal_floating_point_literal "
        "hex_floating_point_literal true false null_literal class_literal text_block "
        "line_comment block_comment this super method_reference "
        "update_expression string_fragment multiline_string_fragment"
    )
    skip = words(
        "import_declaration package_declaration modifiers annotation marker_annotation "
        "type_identifier generic_type integral_type floating_point_type boolean_type "
        "void_type array_type scoped_type_identifier type_arguments type_parameters "
        "dimensions break_statement continue_statement throws annotation_type_declaration "
        "module_declaration"
    )
    block_types = words("block constructor_body")

    def __init__(
        self,
        fa: FileAnalysis,
        summary: Summary | None,
        symbol: str | None,
        env: dict[str, list[Taint]],
    ) -> None:
        super().__init__(fa, summary, symbol, env)
        self.types: dict[str, str] = dict(self.fa.field_types)
        self.writers: set[str] = set()
        self.safe_yaml: set[str] = set()
        self.digests: dict[str, str] = {}  # variable -> weak algorithm
        self.arrays: dict[str, Node] = {}  # String[] cmd = {...}: the initializer
        self._fn_text: str | None = None

    def fn_text(self) -> str:
        if self._fn_text is None:
            node = self.function
            self._fn_text = self.fa.text(node) if node is not None else ""
        return self._fn_text

    def recv_type(self, node: Node | None) -> str:
        if node is None:
            return ""
        t = node.type
        if t == "identifier":
            return self.types.get(self.fa.text(node), "")
        if t == "field_access" and self.fa.text(node.child_by_field_name("object")) == "this":
            return self.types.get(self.fa.text(node.child_by_field_name("field")), "")
        if t == "object_creation_expression":
            return self.fa.text(node.child_by_field_name("type"))
        if t == "method_invocation":
            return RETURN_TYPES.get(self.fa.text(node.child_by_field_name("name")), "")
        return ""

    # names ---------------------------------------------------------------------------------
    def h_ident(self, node: Node) -> list[Taint]:
        name = self.fa.text(node)
        t = self.env.get(name)
        if t is not None:
            return t
        if name[:1].isupper() or name in self.fa.module_env:
            return []
        return self.unknown()

    def h_array_access(self, node: Node) -> list[Taint]:
        self.eval(node.child_by_field_name("index"))
        return self.eval(node.child_by_field_name("array"))
