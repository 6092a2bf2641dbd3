"""Go scan, first layer: its state and the reads of names, selectors and indexes.

The scan is one class built in layers, each layer calling only itself and the ones
below: base -> configuration rules -> sinks -> calls, assignments, statements and
guards (``security_ts_go.GoScan``).
"""

from __future__ import annotations

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    CLI_PRESET,
    FileAnalysis,
    Scan,
    Summary,
    words,
)
from devlab.reverse.security_ts_go_names import GoAnalysis
from devlab.reverse.security_ts_go_tables import (
    GO_BUILTINS,
    REQ_FIELDS,
)
from devlab.reverse.taint import Taint

__all__ = ["GoScanBase"]


class GoScanBase(Scan):
    """The walk of one Go function body: state and names."""

    fa: GoAnalysis

    literals = words(
        "interpreted_string_literal raw_string_literal int_literal float_literal "
        "imaginary_literal rune_literal true false nil iota comment field_identifier "
        "package_identifier type_identifier label_name inc_statement dec_statement "
        "interpreted_string_literal_content escape_sequence"
    )
    skip = words(
        "import_declaration package_clause type_declaration pointer_type slice_type map_type "
        "qualified_type function_type interface_type struct_type channel_type array_type "
        "generic_type type_arguments break_statement continue_statement goto_statement "
        "fallthrough_statement empty_statement"
    )
    block_types = words("block")

    def __init__(
        self,
        fa: FileAnalysis,
        summary: Summary | None,
        symbol: str | None,
        env: dict[str, list[Taint]],
    ) -> None:
        super().__init__(fa, summary, symbol, env)
        self.req: set[str] = set()
        self.writers: set[str] = set()
        self.ctx: set[str] = set()
        self.stmts: set[str] = set()  # prepared statements
        self.templates: set[str] = set()
        self.digests: dict[str, str] = {}
        self.clients: set[str] = set()
        self._fn_text: str | None = None

    def fn_text(self) -> str:
        if self._fn_text is None:
            self._fn_text = self.fa.text(self.function) if self.function is not None else ""
        return self._fn_text

    # names -----------------------------------------------------------------------------------
    def h_ident(self, node: Node) -> list[Taint]:
        fa = self.fa
        name = fa.text(node)
        t = self.env.get(name)
        if t is not None:
            return t
        if name in fa.imports or name in GO_BUILTINS or name in fa.functions or name == "_":
            return []
        if name[:1].isupper():
            return []
        return self.unknown()

    def is_package(self, name: str) -> bool:
        return name in self.fa.imports and name not in self.env

    def is_request(self, node: Node | None) -> bool:
        if node is None:
            return False
        if node.type == "identifier":
            return self.fa.text(node) in self.req
        if node.type == "selector_expression":
            op = node.child_by_field_name("operand")
            return (
                self.fa.text(node.child_by_field_name("field")) == "Request"
                and op is not None
                and self.fa.text(op) in self.ctx
            )
        return False

    def is_writer(self, node: Node) -> bool:
        """An ``http.ResponseWriter`` parameter, or a Gin / Echo context's ``c.Writer``."""
        text = self.fa.text(node)
        return text in self.writers or (
            text.endswith(".Writer") and text.rsplit(".", 1)[0] in self.ctx
        )

    def h_selector(self, node: Node) -> list[Taint]:
        fa = self.fa
        op = node.child_by_field_name("operand")
        field = fa.text(node.child_by_field_name("field"))
        if self.is_request(op) and field in REQ_FIELDS:
            return self.source(f"{fa.text(op)}.{field}", node)
        q = fa.qual(node)
        if q == "os.Args":
            return self.source("os.Args", node, CLI_PRESET)
        if q == "os.Stdin":
            return self.source("os.Stdin", node, CLI_PRESET)
        text = fa.text(node)
        if len(text) < 80 and text in self.env:
            return self.env[text]
        if op is not None and op.type == "identifier" and self.is_package(fa.text(op)):
            return []
        return self.eval(op)

    def h_index(self, node: Node) -> list[Taint]:
        index = node.child_by_field_name("index")
        operand = node.child_by_field_name("operand")
        if self.fa.text(index) == "0" and self.fa.text(operand) == "os.Args":
            return []  # the program's own path
        self.eval(index)
        return self.eval(node.child_by_field_name("operand"))
