"""Checks in Python conditions that make a variable safe (``collect_checks``).

Each atomic check yields (variable, sink kinds it is clean for while the check holds,
polarity); the polarity is False under ``not`` / ``not in`` / ``!=``, so that after
``if x not in ALLOWED: abort(400)`` the walk applies the check (the branch left).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

if TYPE_CHECKING:
    from devlab.reverse.security.python_sinks import SinkRules

ALL = frozenset({"all"})
PREFIX_KINDS = frozenset({"path", "redirect", "ssrf"})
SCHEMES = ("http", "https", "ftp", "//", "file")
Check = tuple[str, frozenset[str], bool]
NETLOC_KINDS = frozenset({"redirect", "ssrf", "fact:netloc"})  # a parsed URL's host tested
SCHEME_AND_NETLOC = frozenset({"redirect", "ssrf"})  # ... and its scheme: both guarded
NETLOC_ONLY_KINDS = frozenset({"ssrf"})  # ... without its scheme: no redirect guard


def collect_checks(scan: SinkRules, cond: Node | None) -> list[Check]:
    out: list[Check] = []
    if cond is not None:
        _walk(scan, cond, True, out, 0)
        out = _complete_url_checks(scan, cond, out)
    return out


def _complete_url_checks(scan: SinkRules, cond: Node, out: list[Check]) -> list[Check]:
    """A test of a parsed URL's ``netloc`` alone is no redirect guard: ``https:///evil``
    (no netloc for urllib, a host for browsers) and ``javascript:`` URLs pass it; with the
    ``scheme`` tested in the same condition it is one (``if p.scheme or p.netloc``)."""
    if not any(kinds == NETLOC_KINDS for _, kinds, _ in out):
        return out
    schemes: set[str] = set()
    stack, seen = [cond], 0
    while stack and seen < 5000:  # a condition's nodes (bounded on pathological input)
        n = stack.pop()
        seen += 1
        if n.type == "attribute" and scan.fa.text(n.child_by_field_name("attribute")) == "scheme":
            orig = _parsed_origin(scan, n.child_by_field_name("object"))
            if orig is not None:
                schemes.add(orig)
        stack.extend(n.named_children)
    return [
        (name, SCHEME_AND_NETLOC if name in schemes else NETLOC_ONLY_KINDS, pol)
        if kinds == NETLOC_KINDS
        else (name, kinds, pol)
        for name, kinds, pol in out
    ]


def _parsed_origin(scan: SinkRules, obj: Node | None) -> str | None:
    """The variable a parsed URL comes from: ``parsed`` after ``parsed = urlparse(x)``,
    or the call itself (``urlparse(x).netloc``)."""
    if obj is None:
        return None
    if obj.type == "call":
        argl = obj.child_by_field_name("arguments")
        args = argl.named_children if argl is not None else []
        q = scan.fa_qual(obj.child_by_field_name("function")) or ""
        parser = q in scan.fa.model.raw["guards"]["url_parsers"]
        if parser and args and args[0].type == "identifier":
            return scan.fa.text(args[0])
        return None
    return scan.parsed_from.get(scan.fa.text(obj))


def _name(scan: SinkRules, n: Node | None) -> str | None:
    """The variable a check is about: a name, an attribute, or a read of one constant key
    (``request.args["q"]``, ``form.get("q")``); expressions other than names are kept in
    ``scan.check_nodes`` so that the walk can bind the checked value under that text."""
    if n is None:
        return None
    if n.type == "identifier":
        return scan.fa.text(n)
    if n.type == "attribute" or _keyed_read(scan, n):
        text = scan.fa.text(n)
        if len(text) <= 120:
            scan.check_nodes[text] = n
            return text
    return None


def _keyed_read(scan: SinkRules, n: Node) -> bool:
    """``x[CONST]`` or ``x.get(CONST[, default])`` on a name or an attribute."""
    if n.type == "subscript":
        value, sub = n.child_by_field_name("value"), n.child_by_field_name("subscript")
        return (
            value is not None
            and value.type in ("identifier", "attribute")
            and sub is not None
            and scan.fold(sub) is not scan.NOTHING
        )
    if n.type == "call":
        fn = n.child_by_field_name("function")
        argl = n.child_by_field_name("arguments")
        args = argl.named_children if argl is not None else []
        return (
            fn is not None
            and fn.type == "attribute"
            and scan.fa.text(fn.child_by_field_name("attribute")) == "get"
            and (fn.child_by_field_name("object") or fn).type in ("identifier", "attribute")
            and 1 <= len(args) <= 2
            and scan.fold(args[0]) is not scan.NOTHING
        )
    return False


def _walk(scan: SinkRules, n: Node, pol: bool, out: list[Check], depth: int) -> None:
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
    elif t == "attribute":
        attr = fa.text(n.child_by_field_name("attribute"))
        orig = _parsed_origin(scan, n.child_by_field_name("object"))
        if orig is not None and attr in ("netloc", "hostname"):
            out.append((orig, NETLOC_KINDS, not pol))
    elif t == "call":
        fn = n.child_by_field_name("function")
        argl = n.child_by_field_name("arguments")
        args = [a for a in (argl.named_children if argl is not None else [])]
        if fn is None:
            return
        if fn.type == "attribute":
            method = fa.text(fn.child_by_field_name("attribute"))
            recv = _name(scan, fn.child_by_field_name("object"))
            if method == "is_relative_to":
                for inner in _path_args(scan, fn.child_by_field_name("object")):
                    out.append((inner, frozenset({"path"}), pol))
                return
            if recv is None:
                return
            if method in fa.model.guard("validator_methods"):
                out.append((recv, ALL, pol))
            elif method == "startswith" and args:
                _startswith(scan, recv, args[0], pol, out)
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


def _startswith(scan: SinkRules, recv: str, arg: Node, pol: bool, out: list[Check]) -> None:
    """``x.startswith(p)``: a base directory / allowed origin (when true), a rooted path,
    or (when false) no protocol-relative ``//`` or ``/\\`` start."""
    items = arg.named_children if arg.type == "tuple" else [arg]
    prefixes = [scan.fold(i) for i in items]
    if all(isinstance(p, str) for p in prefixes):
        strs = [p for p in prefixes if isinstance(p, str)]
        if strs and all(p in ("//", "/\\", "\\") for p in strs):
            facts = {"fact:no//"} | ({"fact:no/\\"} if any("\\" in p for p in strs) else set())
            out.append((recv, frozenset(facts), not pol))
        elif strs == ["/"]:
            out.append((recv, frozenset({"fact:rooted"}), pol))
        elif strs and not any(p.startswith(SCHEMES) or p in ("", "/") for p in strs):
            out.append((recv, frozenset({"path-if-normal", "redirect", "ssrf"}), pol))
    elif arg.type != "tuple":  # a configured base directory / origin
        out.append((recv, frozenset({"path-if-normal", "redirect", "ssrf"}), pol))


def _path_args(scan: SinkRules, n: Node | None) -> list[str]:
    """Names inside ``Path(BASE, name).resolve()``."""
    out: list[str] = []
    while n is not None and n.type == "call":
        fn = n.child_by_field_name("function")
        argl = n.child_by_field_name("arguments")
        for a in argl.named_children if argl is not None else []:
            if a.type == "identifier":
                out.append(scan.fa.text(a))
        n = fn.child_by_field_name("object") if fn is not None and fn.type == "attribute" else None
    return out


def _regex(scan: SinkRules, q: str | None, args: list[Node], pol: bool, out: list[Check]) -> None:
    pattern = scan.fold(args[0])
    name = _name(scan, args[1])
    if not isinstance(pattern, str) or name is None:
        return
    anchored = (q or "").endswith("fullmatch") or (
        pattern.endswith(("$", r"\Z")) and (pattern.startswith("^") or (q or "").endswith("match"))
    )
    if anchored and "." not in pattern.replace(r"\.", ""):
        out.append((name, ALL, pol))
