"""``match`` statements (Python 3.10+) in the Python taint walk.

The subject's taint flows into every name a case pattern captures (``case {"cmd":
str(cmd)}``, ``case [first, *rest]``, ``case Point(x=px)``, ``case ... as name``), each
case being a branch that may not run. Captures that can only hold a constant are clean:
``case "ls" | "pwd" as tool`` (an allow-list) and the arguments of ``int(n)`` /
``float(x)`` / ``bool(b)`` class patterns. A case guard (``case str(c) if c in ALLOWED``)
is read like an ``if`` condition for the case's body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from devlab.reverse.taint import Taint

if TYPE_CHECKING:
    from devlab.reverse.security.python_scan import PyScan

LITERAL_NODES = frozenset(
    {"string", "integer", "float", "true", "false", "none", "concatenated_string", "-"}
)
SCALAR_CLASSES = frozenset({"int", "float", "bool"})
MAX_DEPTH = 30


def h_match(scan: PyScan, node: Node) -> list[Taint]:
    """Evaluate the subject once, then each case clause as a branch."""
    subject = node.child_by_field_name("subject")
    taints = scan.eval(subject)
    body = node.child_by_field_name("body")
    scan.match_subjects.append(taints)
    try:
        for clause in body.named_children if body is not None else []:
            if clause.type == "case_clause":
                scan.branch(clause)
    finally:
        scan.match_subjects.pop()
    return []


def h_case(scan: PyScan, node: Node) -> list[Taint]:
    """One ``case``: bind its captures, read its guard, walk its body."""
    taints = scan.match_subjects[-1] if scan.match_subjects else []
    for pat in node.named_children:
        if pat.type == "case_pattern":
            bind_pattern(scan, pat, taints, 0)
    guard = node.child_by_field_name("guard")
    saved: dict[str, list[Taint]] = {}
    if guard is not None:
        cond = guard.named_children[0] if guard.named_children else None
        scan.eval(cond)
        saved = scan.apply_checks(scan.checks(cond), positive=True)
    scan.eval(node.child_by_field_name("consequence"))
    scan.restore(saved)
    return []


def bind_pattern(scan: PyScan, pat: Node, taints: list[Taint], depth: int) -> None:
    """Give every name ``pat`` captures the subject's taints (or none when the capture
    can only hold a constant)."""
    if depth > MAX_DEPTH:
        return
    t = pat.type
    kids = pat.named_children
    if t == "as_pattern":
        inner = [k for k in kids if k.type == "case_pattern"]
        alias = kids[-1] if kids and kids[-1].type == "identifier" else None
        for k in inner:
            bind_pattern(scan, k, taints, depth + 1)
        if alias is not None:
            clean = all(constant_only(scan, k, 0) for k in inner)
            scan.assign_name(scan.fa.text(alias), [] if clean else taints, None, alias)
    elif t == "dotted_name":
        name = scan.fa.text(pat)
        if len(kids) == 1 and name != "_":  # a bare name captures; a.b is a value
            scan.assign_name(name, taints, None, pat)
    elif t == "class_pattern":
        cls = scan.fa.text(kids[0]) if kids else ""
        args = [k for k in kids[1:]]
        for k in args:
            bind_pattern(scan, k, [] if cls in SCALAR_CLASSES else taints, depth + 1)
    elif t == "keyword_pattern":
        for k in kids[1:]:  # the first child names the attribute, not a capture
            bind_pattern(scan, k, taints, depth + 1)
    elif t == "splat_pattern":
        for k in kids:
            if k.type == "identifier" and scan.fa.text(k) != "_":
                scan.assign_name(scan.fa.text(k), taints, None, k)
    else:  # case_pattern, dict/list/tuple/union patterns: the captures inside
        for k in kids:
            bind_pattern(scan, k, taints, depth + 1)


def constant_only(scan: PyScan, pat: Node, depth: int) -> bool:
    """Can this pattern only match constants (literals, dotted values, unions of them)?"""
    if depth > MAX_DEPTH:
        return False
    t = pat.type
    if t in LITERAL_NODES:
        return True
    if t == "dotted_name":
        return len(pat.named_children) > 1  # Color.RED, not a capture
    if t in ("case_pattern", "union_pattern"):
        kids = pat.named_children
        return bool(kids) and all(constant_only(scan, k, depth + 1) for k in kids)
    return False
