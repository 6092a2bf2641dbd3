"""The walk of one Python function (or module body) for ``python_ts``: flow, guards,
constant folding, containers; sinks and configuration rules live in ``python_sinks``."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, ClassVar

from tree_sitter import Node

from devlab.reverse.security import python_match
from devlab.reverse.security.python_guards import collect_checks
from devlab.reverse.security.python_sinks import SinkRules
from devlab.reverse.security.python_ts import PyAnalysis
from devlab.reverse.security_ts_core import FileAnalysis, Scan, Summary, row, union
from devlab.reverse.taint import Taint

NOTHING = object()  # "not a compile-time constant"
_BIN = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": operator.floordiv,
    "%": operator.mod,
}
_CMP = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
EXITS = frozenset({"raise_statement", "return_statement", "continue_statement", "break_statement"})
ABORTS = frozenset({"abort", "flask.abort", "sys.exit", "exit"})
MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "appendleft", "setdefault"})
GETTERS = frozenset({"get", "pop", "getlist", "getone", "get_all", "getall"})
BOOLEAN_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "isdigit",
        "isalnum",
        "isalpha",
        "isnumeric",
        "isdecimal",
        "isidentifier",
        "islower",
        "isupper",
        "isspace",
        "count",
        "find",
        "index",
        "exists",
        "is_file",
        "is_dir",
        "__contains__",
    }
)
SCHEME = frozenset({"http", "https", "http://", "https://", "ftp", "//", ""})


class PyScan(SinkRules, Scan):
    literals: ClassVar[frozenset[str]] = frozenset(
        {"integer", "float", "true", "false", "none", "comment", "ellipsis"}
    )
    skip: ClassVar[frozenset[str]] = frozenset(
        {
            "import_statement",
            "import_from_statement",
            "future_import_statement",
            "type_alias_statement",
            "lambda",
            "class_definition",
            "pass_statement",
            "global_statement",
            "nonlocal_statement",
            "type",
            "decorator",
        }
    )
    block_types: ClassVar[frozenset[str]] = frozenset({"block", "module"})
    context_types: ClassVar[frozenset[str]] = frozenset(
        {"expression_statement", "return_statement", "block"}
    )

    def __init__(
        self,
        fa: FileAnalysis,
        summary: Summary | None,
        symbol: str | None,
        env: dict[str, list[Taint]],
    ) -> None:
        super().__init__(fa, summary, symbol, env)
        self.consts: dict[str, object] = dict(getattr(self.fa, "consts", {}))
        self.keys: dict[str, dict[object, list[Taint]]] = {}
        self.flags: dict[str, set[str]] = {
            k: set(v) for k, v in getattr(self.fa, "module_flags", {}).items()
        }  # "xxe", "weakhash", "pathobj", "normal" -> names
        self.route = False
        self.local_fns: dict[str, Node] = {}
        self.facts: dict[str, set[str]] = {}  # name -> what checks proved (rooted, no //)
        self.parsed_from: dict[str, str] = {}  # parsed = urlparse(name)
        self.value_nodes: dict[str, Node] = {}  # name -> the expression it was last set to
        self.closure = False  # walking a nested function at its call: returns stay ours
        self.match_subjects: list[list[Taint]] = []  # taints of the enclosing match subjects
        self.check_nodes: dict[str, Node] = {}  # checked expression text -> its node

    def enter(self, fn: Node, parent: Scan | None) -> None:
        fa = self.fa
        self.route = fn.type == "function_definition" and fa.route_decorated(fn)
        if isinstance(parent, PyScan):
            self.consts.update(parent.consts)
            for k, v in parent.flags.items():
                self.flags.setdefault(k, set()).update(v)

    # dispatch -------------------------------------------------------------------------------
    def eval(self, node: Node | None) -> list[Taint]:
        if node is None:
            return []
        h = HANDLERS.get(node.type)
        if h is not None and node.type not in self.skip:
            fa = self.fa
            if fa.depth >= 200:
                return self.flat(node)
            fa.depth += 1
            try:
                return h(self, node)
            finally:
                fa.depth -= 1
        return super().eval(node)

    # constants --------------------------------------------------------------------------------
    def fold(self, n: Node | None, depth: int = 0) -> Any:
        """The compile-time value of a simple expression, else ``NOTHING``."""
        if n is None or depth > 30:
            return NOTHING
        t = n.type
        if t == "integer":
            try:
                return int(self.fa.text(n).replace("_", ""), 0)
            except ValueError:
                return NOTHING
        if t == "true":
            return True
        if t == "false":
            return False
        if t == "none":
            return None
        if t == "string":
            if any(c.type == "interpolation" for c in n.named_children):
                return NOTHING
            raw = "".join(self.fa.text(c) for c in n.named_children if c.type == "string_content")
            prefix = self.fa.text(n)[:3].lower()
            if "\\" in raw and "r" not in prefix.split('"')[0].split("'")[0] and raw.isascii():
                try:
                    return raw.encode().decode("unicode_escape")
                except UnicodeDecodeError:
                    return NOTHING
            return raw
        if t == "identifier":
            return self.consts.get(self.fa.text(n), NOTHING)
        if t == "parenthesized_expression":
            return self.fold(n.named_children[0] if n.named_children else None, depth + 1)
        if t == "not_operator":
            v = self.fold(n.child_by_field_name("argument"), depth + 1)
            return NOTHING if v is NOTHING else not v
        if t == "binary_operator":
            a = self.fold(n.child_by_field_name("left"), depth + 1)
            b = self.fold(n.child_by_field_name("right"), depth + 1)
            op = _BIN.get(self.fa.text(n.child_by_field_name("operator")))
            if a is NOTHING or b is NOTHING or op is None:
                return NOTHING
            try:
                if isinstance(a, int) and isinstance(b, int) and abs(a) < 1 << 32 > abs(b):
                    return op(a, b)
                if isinstance(a, str) and isinstance(b, str) and op is operator.add:
                    return a + b if len(a) + len(b) <= 4096 else NOTHING
            except (ArithmeticError, TypeError):
                return NOTHING
            return NOTHING
        if t == "comparison_operator":
            kids = n.named_children
            ops = [c for c in n.children if not c.is_named]
            if len(kids) != 2 or len(ops) != 1:
                return NOTHING
            a, b = self.fold(kids[0], depth + 1), self.fold(kids[1], depth + 1)
            op = _CMP.get(self.fa.text(ops[0]))
            if a is NOTHING or b is NOTHING or op is None:
                return NOTHING
            try:
                return op(a, b)
            except TypeError:
                return NOTHING
        if t == "boolean_operator":
            a = self.fold(n.child_by_field_name("left"), depth + 1)
            b = self.fold(n.child_by_field_name("right"), depth + 1)
            if a is NOTHING or b is NOTHING:
                return NOTHING
            return (
                (a and b) if self.fa.text(n.child_by_field_name("operator")) == "and" else (a or b)
            )
        return NOTHING

    # names ------------------------------------------------------------------------------------
    def h_ident(self, node: Node) -> list[Taint]:
        return self.env.get(self.fa.text(node), [])

    def assign_name(self, name: str, taints: list[Taint], value: Node | None, node: Node) -> None:
        self.bind(name, taints, node)
        self.keys.pop(name, None)
        v = self.fold(value) if value is not None else NOTHING
        if v is not NOTHING and self.cond == 0:
            self.consts[name] = v
        else:
            self.consts.pop(name, None)
        if value is not None and self.cond == 0:
            self.note_container(name, value)
            self.note_value(name, value)
            self.value_nodes[name] = value
        else:
            self.value_nodes.pop(name, None)

    def note_container(self, name: str, value: Node) -> None:
        """Remember per-key taints of a dict / list / tuple literal (key-sensitive reads)."""
        if value.type == "dictionary":
            keys: dict[object, list[Taint]] = {}
            for pair in value.named_children:
                if pair.type != "pair":
                    return
                k = self.fold(pair.child_by_field_name("key"))
                if k is NOTHING:
                    return
                keys[k] = self.eval_quiet(pair.child_by_field_name("value"))
            self.keys[name] = keys
        elif value.type in ("list", "tuple"):
            kids = value.named_children
            if any(k.type in ("list_splat", "dictionary_splat") for k in kids):
                return
            self.keys[name] = {i: self.eval_quiet(k) for i, k in enumerate(kids)}

    def eval_quiet(self, node: Node | None) -> list[Taint]:
        """Taints of an expression already evaluated once (no second report of its sinks)."""
        if node is None:
            return []
        saved = self.fa.best
        self.fa.best = dict(saved)
        try:
            return self.eval(node)
        finally:
            self.fa.best = saved

    def assign_to(self, target: Node, taints: list[Taint], value: Node | None) -> None:
        t = target.type
        fa = self.fa
        if t == "identifier":
            self.assign_name(fa.text(target), taints, value, target)
        elif t in ("pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"):
            kids = [k for k in target.named_children]
            vals = (
                value.named_children
                if value is not None and value.type in ("expression_list", "tuple", "list")
                else None
            )
            if vals is not None and len(vals) == len(kids):
                for k, v in zip(kids, vals, strict=True):
                    self.assign_to(k, self.eval_quiet(v), v)
            else:
                keys = self.keys.get(fa.text(value)) if value is not None else None
                for i, k in enumerate(kids):
                    part = keys.get(i, taints) if keys else taints
                    self.assign_to(k, part, None)
        elif t == "attribute":
            self.assign_name(fa.text(target), taints, value, target)
        elif t == "subscript":
            obj = target.child_by_field_name("value")
            self.store_item(obj, target, taints)
        elif t == "list_splat_pattern" and target.named_children:
            self.assign_to(target.named_children[0], taints, None)

    def store_item(self, obj: Node | None, target: Node, taints: list[Taint]) -> None:
        """``obj[k] = value``: the trust-boundary sink for sessions, else the container
        holds the value too."""
        if obj is None:
            return
        text = self.fa.text(obj)
        if self.is_session(obj):
            self.sink("trust", target, taints, f"sink: {text}[...] = (session)")
            return
        if obj.type in ("identifier", "attribute") and taints:
            cur = self.env.get(text, [])
            self.env[text] = union(cur, taints)
            k = self.fold(target.child_by_field_name("subscript"))
            if text in self.keys and k is not NOTHING:
                self.keys[text][k] = taints
            else:
                self.keys.pop(text, None)

    # statements -------------------------------------------------------------------------------
    def h_assign(self, node: Node) -> list[Taint]:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if right is None:
            return []
        prev = self.target
        self.target = self.fa.text(left).rsplit(".", 1)[-1] if left is not None else ""
        if left is not None and self.cond == 0:  # the old value's flags go with it
            for s in self.flags.values():
                s.discard(self.fa.text(left))
        try:
            taints = self.eval(right)
            if right.type == "assignment":  # a = b = value
                right = right.child_by_field_name("right")
        finally:
            self.target = prev
        if left is not None:
            self.credential(node, left, right)
            self.assign_to(left, taints, right)
        return taints

    def h_augassign(self, node: Node) -> list[Taint]:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        taints = self.eval(right)
        if left is not None:
            name = self.fa.text(left)
            self.env[name] = union(self.env.get(name, []), taints)
            self.consts.pop(name, None)
            self.keys.pop(name, None)
        return taints

    def h_walrus(self, node: Node) -> list[Taint]:
        value = node.child_by_field_name("value")
        taints = self.eval(value)
        name = node.child_by_field_name("name")
        if name is not None:
            self.assign_name(self.fa.text(name), taints, value, name)
        return taints

    def h_return(self, node: Node) -> list[Taint]:
        value = node.named_children[0] if node.named_children else None
        taints = self.eval(value)
        if value is not None:
            self.route_return(value, taints)
        self.returned(taints, node)
        return []

    def h_for(self, node: Node) -> list[Taint]:
        right = node.child_by_field_name("right")
        taints = self.eval(right)
        before = dict(self.env)
        self.cond += 1
        left = node.child_by_field_name("left")
        if left is not None:
            self.assign_to(left, taints, None)
        self.eval(node.child_by_field_name("body"))
        self.cond -= 1
        self.join(before)
        self.eval(node.child_by_field_name("alternative"))
        return []

    def bind(self, name: str, taints: list[Taint], node: Node, dynamic: bool = False) -> None:
        """``name = value`` replaces the variable's taints, in a branch too: the branch's
        end joins them with what the variable held before it (``branch``/``join``)."""
        line = row(node)
        self.env[name] = [t.then(line, self.fa.code(line), f"assigned to {name}") for t in taints]

    def join(self, before: dict[str, list[Taint]]) -> None:
        """After code that may not run: each variable also keeps what it held before."""
        for name, taints in list(self.env.items()):
            old = before.get(name)
            if old is not None and old is not taints:
                self.env[name] = union(old, taints)

    def h_compfor(self, node: Node) -> list[Taint]:
        """``for x in xs`` inside a comprehension: binds ``x``."""
        right = node.child_by_field_name("right")
        taints = self.eval(right)
        left = node.child_by_field_name("left")
        if left is not None:
            self.cond += 1
            self.assign_to(left, taints, None)
            self.cond -= 1
        return []

    def h_comprehension(self, node: Node) -> list[Taint]:
        out: list[Taint] = []
        body = node.child_by_field_name("body")
        for c in node.named_children:
            if body is not None and c.id == body.id:
                continue
            self.eval(c)
        return union(out, self.eval(body))

    def h_with_item(self, node: Node) -> list[Taint]:
        value = node.child_by_field_name("value")
        if value is not None and value.type == "as_pattern":
            inner = value.named_children[0] if value.named_children else None
            alias = value.child_by_field_name("alias")
            prev = self.target  # `with Client(...) as c:` names the value as `c = ...` does
            self.target = self.fa.text(alias).rsplit(".", 1)[-1] if alias is not None else ""
            try:
                taints = self.eval(inner)
            finally:
                self.target = prev
            if alias is not None:
                target = alias.named_children[0] if alias.named_children else alias
                self.assign_to(target, taints, None)
            return taints
        return self.eval(value)

    def h_function(self, node: Node) -> list[Taint]:
        """A function defined inside another: a route is analysed now (closure), any other
        is remembered with its closure and summarised when called (or at the end)."""
        fa = self.fa
        if self.function is None or node.id == self.function.id:
            return []  # module level: summarised by the file's run()
        if fa.route_decorated(node):
            self.nested(node)
            return []
        name = fa.text(node.child_by_field_name("name"))
        fa.closure_env[node.id] = dict(self.env)
        fa.functions.setdefault(name, node)
        self.env.pop(name, None)
        self.local_fns[name] = node
        return []

    def h_decorated(self, node: Node) -> list[Taint]:
        d = node.child_by_field_name("definition")
        if d is not None and d.type == "function_definition":
            return self.h_function(d)
        return []

    def h_if(self, node: Node) -> list[Taint]:
        cond = node.child_by_field_name("condition")
        body = node.child_by_field_name("consequence")
        alts = [c for c in node.named_children if c.type in ("elif_clause", "else_clause")]
        v = self.fold(cond)
        if v is not NOTHING:
            if v:
                self.eval(body)
                return []
            for a in alts:
                if a.type == "else_clause":
                    self.eval(a.child_by_field_name("body"))
                    return []
                self.branch(a)
            return []
        self.eval(cond)
        checks = self.checks(cond)
        saved = self.apply_checks(checks, positive=True)
        self.branch(body)
        self.restore(saved)
        for a in alts:
            self.branch(a)
        if body is not None and self.leaves(body):
            self.apply_checks(checks, positive=False)
        return []

    def h_elif(self, node: Node) -> list[Taint]:
        self.eval(node.child_by_field_name("condition"))
        self.eval(node.child_by_field_name("consequence"))
        return []

    def h_ternary(self, node: Node) -> list[Taint]:
        kids = node.named_children
        if len(kids) != 3:
            return self.children(node)
        a, cond, b = kids
        v = self.fold(cond)
        if v is not NOTHING:
            return self.eval(a if v else b)
        self.eval(cond)
        checks = self.checks(cond)
        saved = self.apply_checks(checks, positive=True)
        ta = self.eval(a)
        self.restore(saved)
        saved = self.apply_checks(checks, positive=False)
        tb = self.eval(b)
        self.restore(saved)
        return union(ta, tb)

    def h_loop(self, node: Node) -> list[Taint]:
        self.eval(node.child_by_field_name("condition"))
        self.branch(node.child_by_field_name("body"))
        return []

    def h_try(self, node: Node) -> list[Taint]:
        for c in node.named_children:
            if c.type == "block":
                self.eval(c)
            else:
                self.branch(c)
        return []

    def h_binary(self, node: Node) -> list[Taint]:
        """``"/" + x.lstrip("/")``: a path on this host (``/\\`` stripped too: safe to
        redirect to); any other operator joins its operands."""
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        op = self.fa.text(node.child_by_field_name("operator"))
        if op == "%" and left is not None and right is not None and self.markup_call(left):
            # Markup("<b>%s</b>") % x escapes x, as Jinja2 does
            xss = frozenset({"xss"})
            return union(self.eval(left), self.sanitise(self.eval(right), xss, node, "Markup %"))
        if op == "+" and self.fold(left) == "/" and right is not None and right.type == "call":
            fn = right.child_by_field_name("function")
            argl = right.child_by_field_name("arguments")
            args = argl.named_children if argl is not None else []
            if (
                fn is not None
                and fn.type == "attribute"
                and args
                and self.fa.text(fn.child_by_field_name("attribute")) in ("lstrip", "strip")
            ):
                chars = self.fold(args[0])
                if isinstance(chars, str) and "/" in chars:
                    kinds = {"redirect", "noproto"} if "\\" in chars else {"noproto"}
                    return self.sanitise(self.eval(right), frozenset(kinds), node, "'/' + lstrip")
        return self.children(node)

    def h_bool_result(self, node: Node) -> list[Taint]:
        """Comparisons and ``not``: a boolean, whatever went in (sinks inside still count)."""
        self.children(node)
        return []

    def returned(self, taints: list[Taint], node: Node) -> None:
        if not self.closure:
            super().returned(taints, node)
        elif taints:
            line = row(node)
            ts = [t.then(line, self.fa.code(line), "returned") for t in taints]
            self.returns = union(self.returns, ts)

    # guards ----------------------------------------------------------------------------------
    def leaves(self, block: Node) -> bool:
        """Does this branch end by leaving (return/raise/continue/abort()) or only reset
        variables to constants?"""
        stmts = [s for s in block.named_children if s.type != "comment"]
        if not stmts:
            return False
        last = stmts[-1]
        if last.type in EXITS:
            return True
        if last.type == "expression_statement" and last.named_children:
            e = last.named_children[0]
            if e.type == "call" and self.fa_qual(e.child_by_field_name("function")) in ABORTS:
                return True
        return all(
            s.type == "expression_statement"
            and s.named_children
            and s.named_children[0].type == "assignment"
            and self.fold(s.named_children[0].child_by_field_name("right")) is not NOTHING
            for s in stmts
        )

    def checks(self, cond: Node | None) -> list[tuple[str, frozenset[str], bool]]:
        """(variable, sink kinds it is clean for when the check holds, polarity) of each
        atomic check in a condition; polarity False under ``not`` / ``not in``."""
        return collect_checks(self, cond)

    def apply_checks(
        self, checks: list[tuple[str, frozenset[str], bool]], positive: bool
    ) -> dict[str, list[Taint]]:
        saved: dict[str, list[Taint]] = {}
        at = self.function or self.fa.tree.root_node
        for name, kinds, pol in checks:
            if pol != positive:
                continue
            node = self.check_nodes.get(name)
            if name not in self.env and node is not None:
                # a checked attribute / keyed read (request.args["q"]): bind the value
                # read there under its text, so that the same read afterwards is guarded
                value = self.eval_quiet(node)
                if value:
                    self.env[name] = value
            if name not in self.env and "." in name:
                attr = name.rsplit(".", 1)[-1]
                owner = name.rsplit(".", 1)[0]
                if owner in self.fa.model.request_names and attr in self.fa.model.request_attrs:
                    self.env[name] = self.source(f"request.{attr}", at)
            if name not in self.env:
                continue
            saved.setdefault(name, self.env[name])
            facts = self.facts.setdefault(name, set())
            facts |= {k[5:] for k in kinds if k.startswith("fact:")}
            real = {k for k in kinds if not k.startswith("fact:") and k != "path-if-normal"}
            if "path-if-normal" in kinds and name in self.flags.get("normal", set()):
                real.add("path")
            if {"rooted", "no//", "no/\\"} <= facts:
                real.add("redirect")
            if "no//" in facts:
                real.add("noproto")
            if real:
                self.guard(name, frozenset(real), at, "a check")
        return saved

    def branch(self, *nodes: Node | None) -> None:
        """Bodies that may not run: afterwards each variable carries what it had before
        as well as what the branch left (guards inside hold only on that path)."""
        before = dict(self.env)
        facts = {k: set(v) for k, v in self.facts.items()}
        super().branch(*nodes)
        self.join(before)
        self.facts = facts

    def restore(self, saved: dict[str, list[Taint]]) -> None:
        for name, taints in saved.items():
            self.env[name] = union(self.env.get(name, []), taints) if self.cond else taints


HANDLERS: dict[str, Callable[[PyScan, Node], list[Taint]]] = {
    "identifier": PyScan.h_ident,
    "assignment": PyScan.h_assign,
    "augmented_assignment": PyScan.h_augassign,
    "named_expression": PyScan.h_walrus,
    "return_statement": PyScan.h_return,
    "for_statement": PyScan.h_for,
    "for_in_clause": PyScan.h_compfor,
    "list_comprehension": PyScan.h_comprehension,
    "set_comprehension": PyScan.h_comprehension,
    "dictionary_comprehension": PyScan.h_comprehension,
    "generator_expression": PyScan.h_comprehension,
    "with_item": PyScan.h_with_item,
    "function_definition": PyScan.h_function,
    "decorated_definition": PyScan.h_decorated,
    "if_statement": PyScan.h_if,
    "elif_clause": PyScan.h_elif,
    "conditional_expression": PyScan.h_ternary,
    "while_statement": PyScan.h_loop,
    "try_statement": PyScan.h_try,
    "match_statement": python_match.h_match,
    "case_clause": python_match.h_case,
    "comparison_operator": PyScan.h_bool_result,
    "binary_operator": PyScan.h_binary,
    "not_operator": PyScan.h_bool_result,
    "call": lambda s, n: s.h_call(n),
    "attribute": lambda s, n: s.h_attribute(n),
    "subscript": lambda s, n: s.h_subscript(n),
}
PyScan.NOTHING = NOTHING
PyAnalysis.scan_class = PyScan  # as the other languages register their scans
