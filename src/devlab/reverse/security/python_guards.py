"""Checks in Python conditions that make a variable safe (``collect_checks``).

Each atomic check yields (variable, sink kinds it is clean for while the check holds,
polarity); the polarity is False under ``not`` / ``not in`` / ``!=``, so that after
``if x not in ALLOWED: abort(400)`` the walk applies the check (the branch left).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

if TYPE_CHECKING:
    from devlab.reverse.security.python_scan import PyScan

ALL = frozenset({"all"})
PREFIX_KINDS = frozenset({"path", "redirect", "ssrf"})
SCHEMES = ("http", "https", "ftp", "//", "file")
Check = tuple[str, frozenset[str], bool]


def collect_checks(scan: PyScan, cond: Node | None) -> list[Check]:
    out: list[Check] = []
    if cond is not None:
        _walk(scan, cond, True, out, 0)
        _redirect_pairs(scan, cond, out)
    return out


def _name(scan: PyScan, n: Node | None) -> str | None:
    if n is not None and n.type in ("identifier", "attribute"):
        return scan.fa.text(n)
    return None


def _walk(scan: PyScan, n: Node, pol: bool, out: list[Check], depth: int) -> None:
    if depth > 20:
        return
    fa = scan.fa
    t = n.type
    if t == "parenthesized_expression" and n.named_children:
        _walk(scan, n.named_children[0], pol, out, depth + 1)
    elif t == "not_operator":
        arg = n.child_by_field_name("argument")
        if arg is not None:
            _walk(scan, arg, not pol, out, depth + 1)
    elif t == "boolean_operator":
        for c in (n.child_by_field_name("left"), n.child_by_field_name("right")):
            if c is not None:
                _walk(scan, c, pol, out, depth + 1)
    elif t == "comparison_operator":
        kids = n.named_children
        ops = [fa.text(c) for c in n.children if not c.is_named]
        if len(kids) == 2 and len(ops) >= 1:
            op = " ".join(ops)
            name = _name(scan, kids[0])
            if name is not None and op in ("in", "not in"):
                out.append((name, ALL, pol if op == "in" else not pol))
            elif name is not None and op in ("==", "!=") and scan.fold(kids[1]) is not scan.NOTHING:
                out.append((name, ALL, pol if op == "==" else not pol))
            elif op in ("in", "not in") and scan.fold(kids[0]) in ("..", "../", "/"):
                other = _name(scan, kids[1])
                if other is not None:  # ".." in x -> leaving: x has no ".."
                    out.append((other, frozenset({"path"}), not pol if op == "in" else pol))
    elif t == "call":
        fn = n.child_by_field_name("function")
        argl = n.child_by_field_name("arguments")
        args = [a for a in (argl.named_children if argl is not None else [])]
        if fn is None:
            return
        if fn.type == "attribute":
            method = fa.text(fn.child_by_field_name("attribute"))
            recv = _name(scan, fn.child_by_field_name("object"))
            if recv is None:
                return
            if method in fa.model.guard("validator_methods"):
                out.append((recv, ALL, pol))
            elif method == "startswith" and args:
                prefix = scan.fold(args[0])
                if isinstance(prefix, str) and prefix and not prefix.startswith(SCHEMES):
                    kinds = PREFIX_KINDS if prefix != "/" else frozenset({"path"})
                    out.append((recv, kinds, pol))
                elif not isinstance(prefix, (str, tuple)) and prefix is scan.NOTHING:
                    if args[0].type != "tuple" and args[0].type != "string":
                        out.append((recv, PREFIX_KINDS, pol))  # a configured base directory
            q = scan.fa_qual(fn)
            if q in fa.model.guard("regex_calls") and len(args) > 1:
                _regex(scan, q, args, pol, out)
            return
        q = scan.fa_qual(fn)
        last = (q or "").rsplit(".", 1)[-1]
        if last in fa.model.guard("safe_url_predicates") and args:
            name = _name(scan, args[0])
            if name is not None:
                out.append((name, frozenset({"redirect", "ssrf"}), pol))
        elif q in fa.model.guard("regex_calls") and len(args) > 1:
            _regex(scan, q, args, pol, out)
        elif last == "isinstance" and args:
            name = _name(scan, args[0])
            if name is not None and fa.text(args[-1]) in ("int", "float", "bool"):
                out.append((name, ALL, pol))


def _regex(scan: PyScan, q: str | None, args: list[Node], pol: bool, out: list[Check]) -> None:
    pattern = scan.fold(args[0])
    name = _name(scan, args[1])
    if not isinstance(pattern, str) or name is None:
        return
    anchored = (q or "").endswith("fullmatch") or (
        pattern.endswith(("$", r"\Z")) and (pattern.startswith("^") or q.endswith("match"))
    )
    if anchored and "." not in pattern.replace(r"\.", ""):
        out.append((name, ALL, pol))


def _redirect_pairs(scan: PyScan, cond: Node, out: list[Check]) -> None:
    """``not x.startswith("/") or x.startswith("//")``: a rooted, non protocol-relative
    path; with the condition leaving (or resetting x) x is safe to redirect to."""
    text = scan.fa.text(cond)
    for name, kinds, pol in list(out):
        if kinds == frozenset({"path"}) and not pol:
            if f'{name}.startswith("//")' in text or f"{name}.startswith('//')" in text or (
                f'"//" in {name}' in text or f"'//' in {name}" in text
            ):  # fmt: skip
                out.append((name, frozenset({"redirect"}), False))
