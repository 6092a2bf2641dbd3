"""Bug -> fix pairs by error injection over the syntax tree.

Each operator finds its sites among the nodes the file's query captured (see
``units.py``) inside one function, and rewrites one token or expression:

=====================  ============================================================
operator-swap          ``+``<->``-``, ``*``<->``/``, ``and``<->``or``, ``&&``<->``||`` ...
comparison-flip        ``<``<->``>=``, ``==``<->``!=``, ``is``<->``is not``, ``in``<->``not in``
off-by-one             ``<``<->``<=``, ``>``<->``>=``, or an integer in an index, slice,
                       call or comparison moved by one
wrong-variable         a use of one parameter replaced by another parameter
negated-condition      ``if c`` -> ``if not (c)`` / ``if (!(c))``
removed-condition      ``if a and b`` -> ``if a``; any other ``if c`` -> ``if True``
swapped-arguments      ``f(a, b)`` -> ``f(b, a)``
wrong-literal          ``True``<->``False``, ``0``<->``1`` (others -> ``0``), ``"text"`` -> ``""``
=====================  ============================================================

A mutant is kept only when the whole file still parses: the file's tree is copied,
edited and re-parsed incrementally (tree-sitter reuses everything outside the edit),
so the check costs far less than a fresh parse.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import NamedTuple

from tree_sitter import Node

from devlab.codebase import get_parser
from devlab.training.datasets.units import ParsedUnits, Unit

__all__ = ["Mutant", "mutate_unit"]

Site = tuple[int, int, bytes]  # file byte range and its replacement

_SWAPS = {
    "+": "-",
    "-": "+",
    "*": "/",
    "/": "*",
    "//": "*",
    "%": "*",
    "**": "*",
    "<<": ">>",
    ">>": "<<",
    "&": "|",
    "|": "&",
    "^": "&",
    "and": "or",
    "or": "and",
    "&&": "||",
    "||": "&&",
}
_FLIPS = {
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
    "==": "!=",
    "!=": "==",
    "===": "!==",
    "!==": "===",
    "is": "is not",
    "is not": "is",
    "in": "not in",
    "not in": "in",
}
_BOUNDARY = {"<": "<=", "<=": "<", ">": ">=", ">=": ">"}
_INT_CONTEXTS = frozenset(
    {
        "subscript",
        "slice",
        "argument_list",
        "arguments",
        "comparison_operator",
        "binary_operator",
        "binary_expression",
        "subscript_expression",
        "index_expression",
        "slice_expression",
        "array_access",
    }
)
_TRUE = {"python": b"True"}
_SELF = frozenset({"self", "cls", "this"})


class Mutant(NamedTuple):
    operator: str
    line: int  # 1-based line of the change in the file
    text: bytes  # the whole unit, mutated


def _body_range(unit: Unit) -> tuple[int, int]:
    return unit.start + unit.view.header_end, unit.end


def _operator_token(node: Node) -> Node | None:
    op = node.child_by_field_name("operator")
    if op is None:
        unnamed = [c for c in node.children if not c.is_named]
        op = unnamed[0] if len(unnamed) == 1 else None
    return op


def _binops(pu: ParsedUnits, unit: Unit, table: dict[str, str]) -> list[Site]:
    sites = []
    for node in pu.captures.within("binop", *_body_range(unit)):
        op = _operator_token(node)
        if op is not None and op.type in table:
            sites.append((op.start_byte, op.end_byte, table[op.type].encode()))
    return sites


def _comparisons(pu: ParsedUnits, unit: Unit, table: dict[str, str]) -> list[Site]:
    sites = _binops(pu, unit, table)
    for node in pu.captures.within("compare", *_body_range(unit)):  # Python chains
        for op in node.children:
            if not op.is_named and op.type in table:
                sites.append((op.start_byte, op.end_byte, table[op.type].encode()))
    return sites


def operator_swap(pu: ParsedUnits, unit: Unit, rng: random.Random) -> list[Site]:
    return _binops(pu, unit, _SWAPS)


def comparison_flip(pu: ParsedUnits, unit: Unit, rng: random.Random) -> list[Site]:
    return _comparisons(pu, unit, _FLIPS)


def off_by_one(pu: ParsedUnits, unit: Unit, rng: random.Random) -> list[Site]:
    sites = _comparisons(pu, unit, _BOUNDARY)
    for node in pu.captures.within("int", *_body_range(unit)):
        parent = node.parent
        if parent is None or parent.type not in _INT_CONTEXTS:
            continue
        try:
            value = int(node.text or b"")
        except ValueError:
            continue
        new = value + 1 if value == 0 or rng.random() < 0.5 else value - 1
        sites.append((node.start_byte, node.end_byte, str(new).encode()))
    return sites


def param_names(node: Node) -> list[str]:
    """The parameter names of a function definition node (self/cls/this left out)."""
    params = node.child_by_field_name("parameters")
    if params is None and node.type == "variable_declarator":
        value = node.child_by_field_name("value")
        params = value.child_by_field_name("parameters") if value is not None else None
    if params is None:
        return []
    names: list[str] = []
    for child in params.named_children:
        found: list[Node] = []
        if child.type == "identifier":
            found = [child]
        elif child.type in ("typed_parameter", "list_splat_pattern", "dictionary_splat_pattern"):
            found = [c for c in child.named_children if c.type == "identifier"][:1]
        else:
            for field_name in ("name", "pattern", "left"):
                found = [
                    n for n in child.children_by_field_name(field_name) if n.type == "identifier"
                ]
                if found:
                    break
        names += [n.text.decode() for n in found if n.text]
    return [n for n in dict.fromkeys(names) if n not in _SELF]


def is_variable_use(node: Node) -> bool:
    """False where an identifier names an attribute, a keyword argument or a method."""
    parent = node.parent
    if parent is None:
        return True
    for field_name in ("attribute", "field", "property"):
        if parent.child_by_field_name(field_name) == node and parent.type in (
            "attribute",
            "field_access",
            "member_expression",
            "selector_expression",
        ):
            return False
    if parent.type == "keyword_argument" and parent.child_by_field_name("name") == node:
        return False
    return not (parent.type == "method_invocation" and parent.child_by_field_name("name") == node)


def wrong_variable(pu: ParsedUnits, unit: Unit, rng: random.Random) -> list[Site]:
    params = param_names(unit.node)
    if len(params) < 2:
        return []
    wanted = set(params)
    sites = []
    for node in pu.captures.within("ident", *_body_range(unit)):
        name = (node.text or b"").decode()
        if name in wanted and is_variable_use(node):
            other = rng.choice([p for p in params if p != name])
            sites.append((node.start_byte, node.end_byte, other.encode()))
    return sites


def _condition(node: Node) -> Node | None:
    cond = node.child_by_field_name("condition")
    if cond is not None and cond.type == "parenthesized_expression" and cond.named_child_count:
        return cond.named_children[0]
    return cond


def negated_condition(pu: ParsedUnits, unit: Unit, rng: random.Random) -> list[Site]:
    python = pu.task.language == "python"
    sites = []
    for node in pu.captures.within("cond", *_body_range(unit)):
        cond = _condition(node)
        if cond is None or not cond.text:
            continue
        if python and cond.type == "not_operator" and cond.named_child_count:
            new = cond.named_children[0].text or b""
        else:
            new = (b"not (%s)" if python else b"!(%s)") % cond.text
        sites.append((cond.start_byte, cond.end_byte, new))
    return sites


def removed_condition(pu: ParsedUnits, unit: Unit, rng: random.Random) -> list[Site]:
    true = _TRUE.get(pu.task.language, b"true")
    sites = []
    for node in pu.captures.within("cond", *_body_range(unit)):
        if node.type == "while_statement":  # "while True" would only time out
            continue
        cond = _condition(node)
        if cond is None:
            continue
        op = (
            _operator_token(cond)
            if cond.type in ("boolean_operator", "binary_expression")
            else None
        )
        if op is not None and op.type in ("and", "or", "&&", "||"):
            left = cond.child_by_field_name("left")
            new = left.text if left is not None and left.text else true
        else:
            new = true
        sites.append((cond.start_byte, cond.end_byte, new))
    return sites


_NOT_POSITIONAL = frozenset(
    {"keyword_argument", "list_splat", "dictionary_splat", "comment", "spread_element"}
)


def swapped_arguments(pu: ParsedUnits, unit: Unit, rng: random.Random) -> list[Site]:
    sites = []
    for node in pu.captures.within("args", *_body_range(unit)):
        positional = [c for c in node.named_children if c.type not in _NOT_POSITIONAL]
        if len(positional) < 2:
            continue
        a, b = positional[0], positional[1]
        if not a.text or not b.text or a.text == b.text or a.next_named_sibling != b:
            continue
        between = pu.src[a.end_byte : b.start_byte]
        sites.append((a.start_byte, b.end_byte, b.text + between + a.text))
    return sites


def wrong_literal(pu: ParsedUnits, unit: Unit, rng: random.Random) -> list[Site]:
    python = pu.task.language == "python"
    sites: list[Site] = []
    lo, hi = _body_range(unit)
    for node in pu.captures.within("bool", lo, hi):
        flip = {b"True": b"False", b"False": b"True", b"true": b"false", b"false": b"true"}
        if node.text in flip:
            sites.append((node.start_byte, node.end_byte, flip[node.text]))
    for node in pu.captures.within("int", lo, hi):
        new = b"1" if node.text == b"0" else b"0"
        sites.append((node.start_byte, node.end_byte, new))
    for node in pu.captures.within("string", lo, hi):
        parent = node.parent
        if parent is not None and parent.type == "expression_statement":
            continue  # a docstring: changing it is no bug
        if python and any(c.type == "interpolation" for c in node.named_children):
            continue
        content = [c for c in node.named_children if c.type.endswith(("content", "fragment"))]
        if len(content) == 1:
            sites.append((content[0].start_byte, content[0].end_byte, b""))
    return sites


OPERATOR_FUNCTIONS: dict[str, Callable[[ParsedUnits, Unit, random.Random], list[Site]]] = {
    "operator-swap": operator_swap,
    "comparison-flip": comparison_flip,
    "off-by-one": off_by_one,
    "wrong-variable": wrong_variable,
    "negated-condition": negated_condition,
    "removed-condition": removed_condition,
    "swapped-arguments": swapped_arguments,
    "wrong-literal": wrong_literal,
}


def _parses(pu: ParsedUnits, site: Site) -> bool:
    """Whether the file still parses with ``site`` applied (incremental re-parse)."""
    start, end, new = site
    src = pu.src[:start] + new + pu.src[end:]
    tree = pu.tree.copy()
    row, col = pu.point(start)
    lines = new.split(b"\n")
    new_end = (row, col + len(new)) if len(lines) == 1 else (row + len(lines) - 1, len(lines[-1]))
    tree.edit(
        start_byte=start,
        old_end_byte=end,
        new_end_byte=start + len(new),
        start_point=(row, col),
        old_end_point=pu.point(end),
        new_end_point=new_end,
    )
    return not get_parser(pu.task.language).parse(src, tree).root_node.has_error


def mutate_unit(
    pu: ParsedUnits, unit: Unit, operators: list[str], count: int, rng: random.Random
) -> list[Mutant]:
    """Up to ``count`` parseable mutants of ``unit``, each by a different operator."""
    if count <= 0 or not unit.parse_ok or pu.tree.root_node.has_error:
        return []
    order = list(operators)
    rng.shuffle(order)
    mutants: list[Mutant] = []
    seen: set[bytes] = set()
    for operator in order:
        sites = OPERATOR_FUNCTIONS[operator](pu, unit, rng)
        rng.shuffle(sites)
        for site in sites[:3]:  # a few tries: one may not parse
            start, end, new = site
            if pu.src[start:end] == new or not _parses(pu, site):
                continue
            rel_a, rel_b = start - unit.start, end - unit.start
            text = unit.view.text[:rel_a] + new + unit.view.text[rel_b:]
            if text in seen:
                continue
            seen.add(text)
            mutants.append(Mutant(operator, pu.point(start)[0] + 1, text))
            break
        if len(mutants) >= count:
            break
    return mutants
