"""One parse per file: the syntax tree, the units (functions, methods, classes) and the
nodes every later stage needs, found once.

The symbols come from the store (ingestion found them); here the file is parsed once
with tree-sitter and one query per language collects, in C, every node of interest
(operators, literals, conditions, argument lists, identifiers, comments, branches,
imports). ``UnitView`` is what the example builders read: the unit's bytes and the
offsets that matter (where the body starts, the docstring, statement boundaries).
Augmentations edit a ``UnitView`` and map those offsets (``Edits``), so every builder
works unchanged on augmented code.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from tree_sitter import Node, Query, QueryCursor, Tree

from devlab.codebase import RULES, get_language, get_parser

__all__ = [
    "Edits",
    "FileTask",
    "ParsedUnits",
    "SymbolInfo",
    "Unit",
    "UnitView",
    "parse_units",
]


class SymbolInfo(NamedTuple):
    name: str
    qualname: str
    kind: str  # function | method | class
    signature: str
    docstring: str
    start_line: int
    end_line: int
    parent: str | None


class FileTask(NamedTuple):
    """One file of a snapshot, with what the store knows about it (picklable)."""

    project: str
    snapshot_id: int
    commit: str | None
    path: str
    language: str
    text: str
    licence: str | None
    module: str
    is_test: bool
    symbols: tuple[SymbolInfo, ...]


# Node types per capture, per language. Types a grammar lacks are left out when the
# query is built, so a grammar upgrade cannot break it.
_COMMON = {
    "args": ("argument_list", "arguments"),
    "bool": ("true", "false"),
    "ident": ("identifier",),
}
_CAPTURES: dict[str, dict[str, tuple[str, ...]]] = {
    "python": {
        "binop": ("binary_operator", "boolean_operator"),
        "compare": ("comparison_operator",),
        "int": ("integer",),
        "string": ("string",),
        "cond": ("if_statement", "elif_clause", "while_statement"),
        "comment": ("comment",),
        "branch": (
            "if_statement",
            "elif_clause",
            "for_statement",
            "while_statement",
            "except_clause",
            "conditional_expression",
            "boolean_operator",
            "case_clause",
            "if_clause",
        ),
        "import": ("import_statement", "import_from_statement"),
    },
    "javascript": {
        "binop": ("binary_expression",),
        "int": ("number",),
        "string": ("string",),
        "cond": ("if_statement", "while_statement"),
        "comment": ("comment",),
        "branch": (
            "if_statement",
            "for_statement",
            "for_in_statement",
            "while_statement",
            "do_statement",
            "catch_clause",
            "ternary_expression",
            "switch_case",
        ),
        "import": ("import_statement",),
        "mlstring": ("template_string",),
        "shorthand": ("shorthand_property_identifier", "shorthand_property_identifier_pattern"),
    },
    "java": {
        "binop": ("binary_expression",),
        "int": ("decimal_integer_literal",),
        "string": ("string_literal",),
        "cond": ("if_statement", "while_statement"),
        "comment": ("line_comment", "block_comment"),
        "branch": (
            "if_statement",
            "for_statement",
            "enhanced_for_statement",
            "while_statement",
            "do_statement",
            "catch_clause",
            "ternary_expression",
            "switch_label",
        ),
        "import": ("import_declaration",),
        "mlstring": ("text_block",),
    },
    "go": {
        "binop": ("binary_expression",),
        "int": ("int_literal",),
        "string": ("interpreted_string_literal",),
        "cond": ("if_statement",),
        "comment": ("comment",),
        "branch": (
            "if_statement",
            "for_statement",
            "expression_case",
            "type_case",
            "communication_case",
        ),
        "import": ("import_spec",),
        "mlstring": ("raw_string_literal",),
    },
    "bash": {
        "comment": ("comment",),
        "branch": ("if_statement", "elif_clause", "for_statement", "while_statement", "case_item"),
        "mlstring": ("heredoc_body", "raw_string", "string"),
    },
}
_CAPTURES["typescript"] = _CAPTURES["tsx"] = _CAPTURES["javascript"]

_queries: dict[str, Query] = {}
_queries_lock = threading.Lock()


def _query(language: str) -> Query:
    query = _queries.get(language)
    if query is None:
        lang = get_language(language)
        spec = dict(_CAPTURES.get(language, {}))
        if language != "bash":
            spec = {**_COMMON, **spec}
        patterns = []
        for capture, types in spec.items():
            for node_type in types:
                if lang.id_for_node_kind(node_type, True) is not None:
                    patterns.append(f"({node_type}) @{capture}")
        with _queries_lock:
            query = _queries.setdefault(language, Query(lang, "\n".join(patterns)))
    return query


class Captures:
    """The captured nodes of one file, by capture name, sorted by start byte."""

    def __init__(self, found: dict[str, list[Node]]) -> None:
        self._nodes: dict[str, list[Node]] = {}
        self._starts: dict[str, list[int]] = {}
        for name, nodes in found.items():
            nodes = sorted(nodes, key=lambda n: n.start_byte)
            self._nodes[name] = nodes
            self._starts[name] = [n.start_byte for n in nodes]

    def within(self, name: str, start: int, end: int) -> list[Node]:
        starts = self._starts.get(name)
        if not starts:
            return []
        return self._nodes[name][bisect_left(starts, start) : bisect_left(starts, end)]

    def all(self, name: str) -> list[Node]:
        return self._nodes.get(name, [])


@dataclass
class Edits:
    """Byte edits on a unit's text: ``(start, end, replacement)``, non-overlapping."""

    items: list[tuple[int, int, bytes]] = field(default_factory=list)

    def add(self, start: int, end: int, new: bytes) -> None:
        self.items.append((start, end, new))

    def apply(self, text: bytes) -> bytes:
        out, pos = [], 0
        for start, end, new in sorted(self.items):
            if start < pos:  # overlapping edit: the first one wins
                continue
            out += [text[pos:start], new]
            pos = end
        out.append(text[pos:])
        return b"".join(out)

    def mapper(self):  # type: ignore[no-untyped-def]
        """A function from old offsets to new ones (an offset inside an edited range
        maps to the start of its replacement)."""
        items = sorted(self.items)
        starts = [s for s, _, _ in items]
        shifts, total = [], 0
        for start, end, new in items:
            total += len(new) - (end - start)
            shifts.append(total)

        def move(offset: int) -> int:
            i = bisect_right(starts, offset) - 1
            if i < 0:
                return offset
            start, end, _new = items[i]
            if offset < end:
                return start + (shifts[i - 1] if i else 0)
            return offset + shifts[i]

        return move


@dataclass
class UnitView:
    """A unit's code and the offsets the builders cut at (all bytes, relative to ``text``)."""

    text: bytes
    header_end: int  # where the body starts (the line after the signature, or the doc)
    body_start: int  # where the code after the docstring starts
    doc: tuple[int, int] | None  # the docstring / doc comment lines
    stmts: list[tuple[int, int]]  # (statement line start, end of its enclosing block)
    transforms: tuple[str, ...] = ()

    def edited(self, edits: Edits, transform: str) -> UnitView:
        move = edits.mapper()
        return UnitView(
            text=edits.apply(self.text),
            header_end=move(self.header_end),
            body_start=move(self.body_start),
            doc=(move(self.doc[0]), move(self.doc[1])) if self.doc else None,
            stmts=sorted({(move(a), move(b)) for a, b in self.stmts if move(a) < move(b)}),
            transforms=(*self.transforms, transform),
        )

    def retag(self, transform: str) -> UnitView:
        return replace(self, transforms=(*self.transforms, transform))


@dataclass
class Unit:
    """A function, method or class of a file, located in the tree."""

    id: str
    symbol: SymbolInfo
    node: Node  # the definition node (decorators and doc comments excluded)
    start: int  # byte offset of the unit's first line in the file (doc comment included)
    end: int  # byte offset just after its last line
    view: UnitView
    parse_ok: bool


@dataclass
class ParsedUnits:
    task: FileTask
    src: bytes
    tree: Tree
    line_starts: list[int]
    captures: Captures
    units: list[Unit]
    imports: list[str]  # the file's import lines (context for doc <-> code)

    def point(self, offset: int) -> tuple[int, int]:
        row = bisect_right(self.line_starts, offset) - 1
        return row, offset - self.line_starts[row]


_DOC_COMMENT = re.compile(rb"^\s*(//|/\*|\*|\*/|#(?!!))")


def _line_starts(src: bytes) -> list[int]:
    starts = [0]
    find = src.find
    pos = find(b"\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = find(b"\n", pos + 1)
    return starts


def _definition(node: Node, language: str) -> Node:
    """The definition node for a symbol's line range: unwrap decorators and exports
    downwards, or walk up from an inner node."""
    rules = RULES[language]
    kinds = rules.classes | rules.functions | rules.methods
    probe = node
    for _ in range(3):
        if probe.type in kinds:
            return probe
        inner = probe.child_by_field_name("definition") or probe.child_by_field_name("declaration")
        if inner is None:
            inner = next((c for c in probe.named_children if c.type in kinds), None)
        if inner is None:
            break
        probe = inner
    up: Node | None = node
    while up is not None and up.type not in kinds:
        up = up.parent
    return up or node


def _body(node: Node, language: str) -> Node | None:
    body = node.child_by_field_name("body")
    if body is None and node.type == "variable_declarator":  # const f = () => {...}
        value = node.child_by_field_name("value")
        body = value.child_by_field_name("body") if value is not None else None
    return body


_CLAUSE_SUFFIXES = ("_clause", "_body", "block")


def _statements(body: Node, blocks: frozenset[str]) -> list[tuple[int, int]]:
    """(start byte, end byte of the enclosing block) of every statement under ``body``,
    descending only through blocks and clauses (never into expressions)."""
    found: list[tuple[int, int]] = []
    stack = [(body, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > 24:
            continue
        is_block = node.type in blocks or node is body
        for child in node.named_children:
            if is_block and not child.type.endswith("comment"):
                found.append((child.start_byte, node.end_byte))
            if child.type in blocks or child.type.endswith(_CLAUSE_SUFFIXES):
                stack.append((child, depth + 1))
            elif is_block:  # a compound statement: look for its blocks / clauses
                for grand in child.named_children:
                    if grand.type in blocks or grand.type.endswith(_CLAUSE_SUFFIXES):
                        stack.append((grand, depth + 1))
    return found


def _python_doc(body: Node) -> Node | None:
    first = body.named_children[0] if body.named_child_count else None
    if first is not None and first.type == "expression_statement" and first.named_child_count:
        inner = first.named_children[0]
        if inner.type == "string":
            return first
    return None


def _view(
    pu: ParsedUnits, sym: SymbolInfo, node: Node, start: int, end: int, doc_start: int | None
) -> UnitView | None:
    src, starts = pu.src, pu.line_starts
    body = _body(node, pu.task.language)
    if body is None:
        return None

    def line_start(offset: int) -> int:
        return starts[bisect_right(starts, offset) - 1]

    def next_line(offset: int) -> int:
        i = bisect_right(starts, offset)
        return starts[i] if i < len(starts) else len(src)

    language = pu.task.language
    if language == "python":
        inner = [c for c in body.named_children if not c.type.endswith("comment")]
        if not inner or inner[0].start_point.row <= node.start_point.row:
            return None  # a one-line definition: nothing to cut
        doc_node = _python_doc(body)
        header_end = line_start(inner[0].start_byte)
        if doc_node is not None:
            doc = (line_start(doc_node.start_byte), next_line(doc_node.end_byte - 1))
            body_start = doc[1]
        else:
            doc, body_start = None, header_end
    else:
        first = next((c for c in body.named_children if not c.type.endswith("comment")), None)
        if first is None or first.start_point.row <= body.start_point.row:
            header_end = next_line(body.start_byte)
        else:
            header_end = line_start(first.start_byte)
        if header_end >= end:
            return None
        doc = (doc_start, line_start(node.start_byte)) if doc_start is not None else None
        body_start = header_end
    blocks = RULES[language].blocks
    stmts = sorted(
        {
            (line_start(s) - start, min(next_line(e - 1), end) - start)
            for s, e in _statements(body, blocks)
            if start <= s < end
        }
    )
    return UnitView(
        text=src[start:end],
        header_end=header_end - start,
        body_start=body_start - start,
        doc=(doc[0] - start, doc[1] - start) if doc else None,
        stmts=[(a, b) for a, b in stmts if a >= header_end - start and b > a],
    )


def parse_units(task: FileTask, min_lines: int, max_lines: int) -> ParsedUnits:
    """Parse ``task``'s text once and locate its functions, methods and classes."""
    src = task.text.encode("utf-8", "replace")
    tree = get_parser(task.language).parse(src)
    root = tree.root_node
    captures = Captures(QueryCursor(_query(task.language)).captures(root))
    starts = _line_starts(src)
    imports = [n.text.decode("utf-8", "replace") for n in captures.all("import")[:8] if n.text]
    pu = ParsedUnits(task, src, tree, starts, captures, [], imports)
    lines = src.split(b"\n")
    for sym in task.symbols:
        if sym.kind not in ("function", "method", "class"):
            continue
        n_lines = sym.end_line - sym.start_line + 1
        if n_lines < min_lines or n_lines > max_lines or sym.end_line > len(starts):
            continue
        a = starts[sym.start_line - 1]
        b = starts[sym.end_line] if sym.end_line < len(starts) else len(src)
        text = src[a:b]
        lead = len(text) - len(text.lstrip())
        tail = len(text.rstrip())
        found = root.named_descendant_for_byte_range(a + lead, a + max(tail - 1, lead))
        if found is None:
            continue
        node = _definition(found, task.language)
        if node.type not in (
            RULES[task.language].classes
            | RULES[task.language].functions
            | RULES[task.language].methods
        ):
            continue
        doc_start = None
        if task.language != "python" and sym.docstring:
            row = sym.start_line - 2
            while row >= 0 and _DOC_COMMENT.match(lines[row]):
                row -= 1
            if row < sym.start_line - 2:
                doc_start = starts[row + 1]
        start = doc_start if doc_start is not None else a
        view = _view(pu, sym, node, start, b, doc_start)
        if view is None:
            continue
        uid = f"{task.project}:{task.path}:{sym.qualname}:{sym.start_line}"
        pu.units.append(Unit(uid, sym, node, start, b, view, not node.has_error))
    return pu
