"""JavaScript / TypeScript scan: guards in conditions and promise chains.

A condition (``if``) that checks a value (``startsWith``/``indexOf() === 0`` prefix
checks, ``includes('..')``, allow-lists, regex ``.test()``, ``validator.*``, a parsed
URL's origin/host) guards it for the kinds the check rules out. The callbacks of one
promise chain (``.then``/``.catch``/``.finally``) run in order, so a check in one guards
the later ones; ``fs.realpath(x)`` checked in its callback confines ``x`` for paths.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from devlab.reverse.security_ts_core import (
    ALL_KINDS,
    PREFIX_GUARD,
    Scan,
    same,
    unwrap,
)
from devlab.reverse.security_ts_js_scan_config import JSConfigRules
from devlab.reverse.security_ts_js_tables import (
    FUNCTION_TYPES,
    REGEX_HOLDERS,
    URL_PARTS,
)
from devlab.reverse.taint import Taint, scheme_only_pattern, scheme_only_prefix

__all__ = ["JSGuards"]


class JSGuards(JSConfigRules):
    """Guards and promise chains of the JS/TS scan."""

    # guards --------------------------------------------------------------------------------
    def guards(self, cond: Node | None) -> None:
        fa = self.fa
        for n in self.condition_nodes(cond):
            if n.type == "binary_expression":
                self.url_part_check(n)
            if n.type != "call_expression":
                continue
            fn = n.child_by_field_name("function")
            args_node = n.child_by_field_name("arguments")
            args = args_node.named_children if args_node is not None else []
            if fn is None or fn.type != "member_expression":
                if fn is not None and fa.qual(fn).startswith("validator.") and args:
                    self.guard_root(args[0], ALL_KINDS, n, fa.qual(fn))
                continue
            method = fa.text(fn.child_by_field_name("property"))
            recv = fn.child_by_field_name("object")
            if method == "startsWith":
                if args and args[0].type == "string" and scheme_only_prefix(fa.text(args[0])[1:-1]):
                    continue  # startsWith("https://") pins the scheme, not the host
                self.guard_root(recv, PREFIX_GUARD, n, ".startsWith()")
            elif method in ("includes", "indexOf") and args and ".." in fa.text(args[0]):
                self.guard_root(recv, frozenset({"path"}), n, f".{method}('..')")
            elif method == "indexOf" and args and self.compared_to_zero(n):
                if args[0].type == "string" and scheme_only_prefix(fa.text(args[0])[1:-1]):
                    continue
                # x.indexOf(base) === 0 / !== 0: the pre-ES6 x.startsWith(base)
                if recv is not None:
                    self.guard_root(unwrap(recv), PREFIX_GUARD, n, ".indexOf() === 0")
            elif method in ("includes", "has", "indexOf") and args:
                self.guard_root(args[0], ALL_KINDS, n, f"allow-list .{method}()")
            elif method == "test" and args and recv is not None and recv.type in REGEX_HOLDERS:
                # a regex literal, a variable holding one, or a RegExp built elsewhere (an
                # allow-list from configuration): only a scheme-only URL pattern
                # (/^https?:\/\//) checks nothing
                if recv.type == "regex":
                    pattern: str | None = fa.text(recv)
                else:
                    pattern = self.regexes.get(fa.text(recv))
                if pattern is not None and scheme_only_pattern(pattern.strip("/")):
                    continue
                self.guard_root(args[0], ALL_KINDS, n, "a regular expression")
            elif fa.qual(fn).startswith("validator.") and args:
                self.guard_root(args[0], ALL_KINDS, n, fa.qual(fn))

    def compared_to_zero(self, call: Node) -> bool:
        """``call === 0`` / ``call !== 0`` (either side, parentheses allowed)."""
        node, parent = call, call.parent
        while parent is not None and parent.type == "parenthesized_expression":
            node, parent = parent, parent.parent
        if parent is None or parent.type != "binary_expression":
            return False
        if self.fa.text(parent.child_by_field_name("operator")) not in ("===", "!==", "==", "!="):
            return False
        left, right = parent.child_by_field_name("left"), parent.child_by_field_name("right")
        other = right if same(left, node) else left
        return other is not None and self.fa.text(other) == "0"

    def url_part_check(self, n: Node) -> None:
        """``u.origin === ALLOWED`` / ``u.host !== cfg.host`` on a parsed URL ``u``: its
        origin pins scheme and host (a redirect or request target checked); its host alone
        does not pin the scheme (``javascript://host/...``): a request target only."""
        op = self.fa.text(n.child_by_field_name("operator"))
        if op not in ("===", "==", "!==", "!="):
            return
        sides = [n.child_by_field_name("left"), n.child_by_field_name("right")]
        for side, other in (sides, sides[::-1]):
            if side is None or other is None or side.type != "member_expression":
                continue
            part = self.fa.text(side.child_by_field_name("property"))
            obj = side.child_by_field_name("object")
            if part not in URL_PARTS or obj is None or obj.type != "identifier":
                continue
            if other.type not in ("string", "identifier", "member_expression"):
                continue
            kinds = frozenset({"redirect", "ssrf"}) if part == "origin" else frozenset({"ssrf"})
            self.guard(self.fa.text(obj), kinds, n, f"a check of .{part}")

    def guard_root(self, node: Node | None, kinds: frozenset[str], at: Node, label: str) -> None:
        while node is not None and node.type in ("call_expression", "member_expression"):
            if node.type == "call_expression":
                fn = node.child_by_field_name("function")
                args = node.child_by_field_name("arguments")
                obj = fn.child_by_field_name("object") if fn is not None else None
                if (
                    obj is not None
                    and obj.type == "identifier"
                    and self.fa.text(obj) in self.fa.aliases
                    and args is not None
                    and args.named_children
                ):
                    node = args.named_children[-1]  # pth.resolve(base, name).startsWith(...)
                elif fn is not None and fn.type == "member_expression":
                    node = obj
                elif args is not None and args.named_children:
                    node = args.named_children[-1]  # path.resolve(base, x).startsWith(base)
                else:
                    return
            else:
                key = self.fa.text(node)
                if key in self.env:
                    self.guard(key, kinds, at, label)
                    return
                if len(key) < 80:
                    # a property read (req.query.name, opts.name): the value read there is
                    # bound under its text and guarded, not the whole object it comes from
                    value = self.eval(node)
                    if value:
                        self.env[key] = value
                        self.guard(key, kinds, at, label)
                        return
                node = node.child_by_field_name("object")
        if node is not None and node.type == "identifier":
            self.guard(self.fa.text(node), kinds, at, label)

    # promise chains ------------------------------------------------------------------------
    def chain_link(self, node: Node, recv: Node, fn: Node, seed: list[Taint] | None) -> list[Taint]:
        """A callback of ``p.then(cb)`` / ``.catch`` / ``.finally``: it runs after the earlier
        callbacks of the same chain, so it starts from what they left in the variables of
        this function (a check that throws in one ``.then`` guards the next ones); what it
        leaves is recorded for the chain's later links. The rest of this function does not
        see it (it runs before the callbacks do)."""
        fa = self.fa
        if fn.id in fa.analysed:
            return []
        before = self.chains.get(recv.id, {})
        start = {**self.env, **before}
        scan = fa.analyse(fn, None, dict(start), seed, fa.symbol_of(fn, self.symbol), self)
        local = fa.local_names(fn)
        after = dict(before)
        ends = {**scan.env, **self.returned_chains(fn, scan)}
        for name, taints in ends.items():
            if name in start and name not in local and taints is not start[name]:
                after[name] = taints
        self.realpath_guard(recv, fn, scan, start, after)
        if after:
            self.chains[node.id] = after
        return [t for t in scan.returns if t.origin != "param"]

    def returned_chains(self, fn: Node, scan: Scan) -> dict[str, list[Taint]]:
        """What the promise chain a callback returns left in the variables (the outer chain
        waits for it): the record of the chain every ``return`` of ``fn`` gives back (or its
        expression body), else nothing."""
        body = fn.child_by_field_name("body")
        if body is None:
            return {}
        if body.type != "statement_block":
            returned = [body]
        else:
            returned = []
            stack = list(body.named_children)
            while stack:
                n = stack.pop()
                if n.type in FUNCTION_TYPES or n.type == "class_declaration":
                    continue
                if n.type == "return_statement":
                    returned.append(n.named_children[0] if n.named_children else n)
                    continue
                stack.extend(n.named_children)
        chains = getattr(scan, "chains", {})
        records = [chains.get(unwrap(r).id) for r in returned]
        if not records or any(r is None for r in records):
            return {}
        out: dict[str, list[Taint]] = {}
        for r in records:
            out.update(r or {})
        return out

    def realpath_guard(
        self,
        recv: Node,
        fn: Node,
        scan: Scan,
        start: dict[str, list[Taint]],
        after: dict[str, list[Taint]],
    ) -> None:
        """``fs.realpath(x)`` / ``fs.realpath(path.dirname(x)).then(real => check(real))``: a
        prefix check of the resolved path (or of its directory) confines ``x`` for paths."""
        fa = self.fa
        if recv.type != "call_expression":
            return
        if not re.search(r"(^|\.)realpath(Sync)?$", fa.qual(recv.child_by_field_name("function"))):
            return
        args = recv.child_by_field_name("arguments")
        arg = unwrap(args.named_children[0]) if args is not None and args.named_children else None
        if (
            arg is not None
            and arg.type == "call_expression"
            and re.search(r"(^|\.)dirname$", fa.qual(arg.child_by_field_name("function")))
        ):
            inner = arg.child_by_field_name("arguments")
            arg = unwrap(inner.named_children[0]) if inner and inner.named_children else None
        params = fa.params(fn)
        if arg is None or arg.type != "identifier" or not params:
            return
        name, real = fa.text(arg), params[0][1]
        checked = scan.env.get(real) or []
        if name in start and checked and all(t.clean_for("path") for t in checked):
            after[name] = self.sanitise(after.get(name, start[name]), frozenset({"path"}), fn,
                                        "a prefix check of its real path")  # fmt: skip
