"""Structured inputs from how a function's body uses each parameter.

An annotation says little in most real libraries (toolz, semver have none), but the body
says a lot: a parameter that is called with two arguments wants a callable of arity two;
one that is iterated, and whose items are iterated again, wants an iterable of
iterables; one indexed with a string wants a mapping with that key; one checked with
``isinstance(p, dict)`` wants a dict. This is what Pynguin's type inference and
EvoSuite's input seeding do by other means; here it is read straight from the AST, so
the values stay small literals a person can read in the generated test.

``usage_pools`` returns, per parameter name, the value sources to try first; the
boundary strategy (``strategies.boundary_calls``) mixes them with its own pools.
"""

from __future__ import annotations

import ast
import random
import textwrap
from dataclasses import dataclass, field

__all__ = ["Context", "Usage", "analyse_usage", "item_values", "subcommands", "usage_pools"]

# Callables by arity: plain builtins and lambdas a reader understands at a glance.
_CALLABLES = {
    0: ["list", "(lambda: 0)"],
    1: ["(lambda x: x)", "str", "(lambda x: x % 2 == 0)", "bool", "len"],
    2: ["(lambda a, b: a + b)", "max", "(lambda a, b: a)"],
    3: ["(lambda a, b, c: a + b + c)"],
}
_NESTED = ["[[1, 2], [3, 4]]", "[[1, 3, 5], [2, 4]]", "[[], [1]]", "[(1, 'a'), (2, 'b')]"]
_ITERABLE = [
    "[1, 2, 3]",
    "[3, 1, 2, 1]",
    "[]",
    "['', 'a', 'b c']",  # strings, one empty and one with a space: falsy and quoted items
    "'abc'",
    "iter([1, 2, 1])",
    "iter([1, 2])",
    "(1, 2)",
]
_INDEXED = ["[1, 2, 3]", "(10, 20, 30)", "{'a': 1, 0: 'x'}"]
_BY_TYPE = {
    "dict": ["{'a': 1, 'b': 2}", "{}"],
    "list": ["[1, 2]", "[0]", "[]"],
    "tuple": ["(1, 2, 3)", "()"],
    "str": ["'1.2.3'", "''", "'abc'"],
    "bytes": ["b'1.2.3'", "b''", "b'\\xe9'"],  # the last: neither ASCII nor UTF-8
    "int": ["1", "0", "-1"],
    "float": ["1.5"],
    "bool": ["True", "False"],
    "set": ["{1, 2}"],
    "slice": ["slice(0, 2)", "slice(None)", "slice(-1, None)", "slice(3, 5)"],
}
# Items of a parameter iterated in a loop whose variable is checked with isinstance: the
# richer values (nested containers reach a converter's recursive branches).
_ITEMS_BY_TYPE = {
    "dict": ["{'a': 1, 'b': {'c': 2}}", "{'a': [{'b': 1}, 2], 'c': (3,)}", "{}"],
    "tuple": ["('a', 1)", "(1, 2, 3)"],
    "list": ["[('a', 1), ('b', 2)]", "[]"],
}
_STR_METHODS = frozenset({
    "split", "strip", "startswith", "endswith", "lower", "upper", "replace", "encode",
    "format", "join", "partition", "rsplit", "isdigit", "find",
})  # fmt: skip
_DICT_METHODS = frozenset({"items", "keys", "values", "get", "pop", "setdefault", "update"})
# Callees that iterate their arguments: which positions (None: all of them).
_ITERATING: dict[str, tuple[int, ...] | None] = {
    **dict.fromkeys(
        ["iter", "list", "tuple", "sorted", "set", "frozenset", "enumerate", "reversed", "sum",
         "min", "max", "any", "all", "dict", "deque", "tee", "islice", "len",
         "next", "cycle"],
        (0,),
    ),
    **dict.fromkeys(["zip", "chain", "product", "zip_longest"], None),
    **dict.fromkeys(["map", "filter", "filterfalse", "starmap", "takewhile", "dropwhile"], (1,)),
}  # fmt: skip
_NUMERIC_AT = {"islice": (1, 2, 3), "range": (0, 1, 2), "repeat": (1,), "tee": (1,)}
_NESTED_CALLS = frozenset({"from_iterable"})


@dataclass
class Usage:
    """What the body does with one parameter."""

    arity: int | None = None  # called with this many positional arguments
    iterated: bool = False
    nested: bool = False  # its items are iterated too
    indexed: bool = False
    keys: list[str] = field(default_factory=list)  # string keys it is indexed with
    types: list[str] = field(default_factory=list)  # isinstance(p, T): T's names
    item_types: list[str] = field(default_factory=list)  # for x in p: isinstance(x, T)
    compared: list[str] = field(default_factory=list)  # p == 'min', p in ('a', 'b'): strings
    kinds: set[str] = field(default_factory=set)  # str / dict by the methods called
    numeric: bool = False  # range(p), p + 1, p < 0 ...
    argv: bool = False  # handed to ``parse_args``: a command line
    attrs: list[str] = field(default_factory=list)  # ``p.name`` read (an attribute bag)
    maybe_index: bool = False  # ``callable(p)`` checked: an index is fine too


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


class _Reader(ast.NodeVisitor):
    def __init__(self, names: set[str]) -> None:
        self.use = {n: Usage() for n in names}
        self.loop_of: dict[str, str] = {}  # loop variable -> the parameter it iterates

    def _param(self, node: ast.AST) -> str | None:
        name = node.id if isinstance(node, ast.Name) else None
        return name if name in self.use else None

    def visit_For(self, node: ast.For) -> None:
        self._iterates(node.iter, node.target)
        self.generic_visit(node)

    def _comp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        for gen in node.generators:  # the loop first: its variable names the items
            self.visit(gen)
        for part in (node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,):
            self.visit(part)

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _comp

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self._iterates(node.iter, node.target)
        self.generic_visit(node)

    def _iterates(self, it: ast.AST, target: ast.AST) -> None:
        p = self._param(it)
        if p:
            self.use[p].iterated = True
            if isinstance(target, ast.Name):
                self.loop_of[target.id] = p
        elif isinstance(it, ast.Name) and it.id in self.loop_of:
            self.use[self.loop_of[it.id]].nested = True

    def visit_Call(self, node: ast.Call) -> None:
        p = self._param(node.func)
        if p:
            self.use[p].arity = len(node.args)
        callee = _name(node.func)
        where = _ITERATING.get(callee, ())
        for pos, arg in enumerate(node.args):
            star = isinstance(arg, ast.Starred)
            q = self._param(arg.value if isinstance(arg, ast.Starred) else arg)
            iterates = where is None or pos in where
            inner = self._param(arg.value) if isinstance(arg, ast.Subscript) else None
            if q is None and inner is not None and iterates:  # iter(seqs[0])
                self.use[inner].iterated = self.use[inner].nested = True
            if q is None:
                if isinstance(arg, ast.Name) and arg.id in self.loop_of and iterates:
                    self.use[self.loop_of[arg.id]].nested = True
                continue
            if star or callee in _NESTED_CALLS:
                self.use[q].iterated = self.use[q].nested = True
            elif iterates:
                self.use[q].iterated = True
            if pos in _NUMERIC_AT.get(callee, ()):
                self.use[q].numeric = True
            if pos == 0 and callee in ("map", "filter", "filterfalse", "takewhile", "dropwhile"):
                self.use[q].arity = 1 if callee != "map" else max(len(node.args) - 1, 1)
            if callee == "map" and node.args and _name(node.args[0]) in ("iter", "list"):
                self.use[q].nested = True
        if callee == "callable" and node.args and (q := self._param(node.args[0])):
            self.use[q].arity = self.use[q].arity or 1
            self.use[q].maybe_index = True
        if callee == "parse_args":
            for arg in [*node.args[:1], *(k.value for k in node.keywords if k.arg == "args")]:
                if q := self._param(arg):
                    self.use[q].argv = True
        if callee == "isinstance" and len(node.args) == 2:
            q = self._param(node.args[0])
            kinds = node.args[1]
            elts = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
            if q:
                self.use[q].types += [_name(e) for e in elts if _name(e)]
            elif isinstance(node.args[0], ast.Name) and node.args[0].id in self.loop_of:
                owner = self.use[self.loop_of[node.args[0].id]]
                owner.item_types += [_name(e) for e in elts if _name(e)]
        if isinstance(node.func, ast.Attribute):
            q = self._param(node.func.value)
            if q and node.func.attr in ("endswith", "startswith") and node.args:
                self._affixed(q, node.func.attr, node.args[0])
            if q and node.func.attr in _STR_METHODS:
                self.use[q].kinds.add("str")
            elif q and node.func.attr in _DICT_METHODS:
                self.use[q].kinds.add("dict")
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    self.use[q].keys.append(first.value)  # kwargs.get('key')
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        p = self._param(node.value)
        if p and isinstance(node.ctx, ast.Load) and not node.attr.startswith("_"):
            self.use[p].attrs.append(node.attr)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        p = self._param(node.value)
        if p:
            self.use[p].indexed = True
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                self.use[p].keys.append(key.value)
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        for side in (node.left, node.right):
            q = self._param(side)
            other = node.right if side is node.left else node.left
            if q and isinstance(other, ast.Constant) and isinstance(other.value, int | float):
                self.use[q].numeric = True
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        parts = [node.left, *node.comparators]
        for i, part in enumerate(parts):
            q = self._param(part)
            if q and any(isinstance(o, ast.In | ast.NotIn) for o in node.ops[i : i + 1]):
                continue
            if q and any(
                isinstance(o, ast.Constant) and type(o.value) in (int, float) for o in parts
            ):
                self.use[q].numeric = True
        for op, right in zip(node.ops, node.comparators, strict=True):
            q = self._param(right)
            if q and isinstance(op, ast.In | ast.NotIn):
                self.use[q].iterated = True
        self._compared(parts)
        self.generic_visit(node)

    def _affixed(self, q: str, method: str, arg: ast.expr) -> None:
        """``p.endswith('s')``: a short word ending (or starting) with each literal, one
        and two letters long besides it (``'as'``, ``'abs'``): the branch's own case, and
        the ones that look at the length or the letter before it."""
        elts = arg.elts if isinstance(arg, ast.Tuple) else [arg]
        for e in elts[:4]:
            text = e.value if isinstance(e, ast.Constant) else None
            if isinstance(text, str) and 0 < len(text) < 20:
                for pad in ("a", "ab"):
                    word = pad + text if method == "endswith" else text + pad
                    self.use[q].compared.append(repr(word))

    def _compared(self, parts: list[ast.expr]) -> None:
        """Literals a parameter is compared with: each one is a value it is meant to take."""
        params = [q for part in parts if (q := self._param(part))]
        for q in params[:1]:
            for part in parts:
                elts = part.elts if isinstance(part, ast.Tuple | ast.List | ast.Set) else [part]
                for e in elts:  # strings: numbers are the numeric pools' business
                    text = e.value if isinstance(e, ast.Constant) else None
                    if isinstance(text, str) and len(text) < 40:
                        self.use[q].compared.append(repr(text))


def analyse_usage(source: str, names: list[str]) -> dict[str, Usage]:
    """How the function in ``source`` uses each of ``names`` (empty when it does not parse)."""
    try:
        tree = ast.parse(textwrap.dedent(source))
    except SyntaxError:
        return {}
    reader = _Reader(set(names))
    reader.visit(tree)
    return reader.use


def subcommands(source: str) -> list[str]:
    """Names the module's argparse parsers accept as subcommands (``add_parser('bump')``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _name(node.func) == "add_parser"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
    return list(dict.fromkeys(names))[:16]


@dataclass
class Context:
    """Module-wide material for shaped values: subcommands, literals, the round's seed."""

    commands: list[str] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)  # sources of str literals
    seed: int = 0
    examples: list[str] = field(default_factory=list)  # valid inputs the docs show


def _argv(ctx: Context, rng: random.Random) -> list[str]:
    words = [repr(c) for c in ctx.commands]
    found = [*ctx.examples[:4], *ctx.literals]
    values = [v for v in dict.fromkeys(found) if v.startswith(("'", '"'))][:6] or ["'x'"]
    out = ["[]", "['--help']", "['--version']"] if ctx.seed == 0 else []
    for w in words:
        out.append(f"[{w}]")
        out.append(f"[{w}, {rng.choice(values)}]")
        out.append(f"[{w}, {rng.choice(values)}, {rng.choice(values)}]")
        out.append(f"[{w}, {rng.choice(words)}, {rng.choice(values)}]")
        out.append(f"[{w}, {rng.choice(values)}, {rng.choice(words)}]")
    return out[:40]


def _bags(attrs: list[str], literals: list[str], rng: random.Random) -> list[str]:
    """``SimpleNamespace`` values for a parameter used only through its attributes."""
    pool = [*literals[:10], "None"]
    out = []
    for _ in range(6):
        parts = ", ".join(f"{a}={rng.choice(pool)}" for a in attrs)
        out.append(f"SimpleNamespace({parts})")
    return out


def pools_for(
    use: Usage, classes: dict[str, list[str]], ctx: Context | None = None, name: str = ""
) -> list[str]:
    """Values for one parameter by its usage; ``classes`` maps a class of the module to
    expressions that build instances of it (for ``isinstance(p, ThatClass)``)."""
    ctx = ctx or Context()
    rng = random.Random(f"{ctx.seed}:{name}")
    values: list[str] = _argv(ctx, rng) if use.argv else []
    values += list(dict.fromkeys(use.compared))[:6]  # the literals it is compared with
    for t in use.types:
        if t in classes:
            values += classes[t][:2]
        elif t in _BY_TYPE:  # bytes: empty, not UTF-8 at all, plain ASCII
            values += _BY_TYPE[t][: 3 if t == "bytes" else 2]
        elif t.endswith(("string_types", "text_type")):
            values += _BY_TYPE["str"][:2]
        elif t == "binary_type":
            values += _BY_TYPE["bytes"][:1]
    if use.arity is not None:
        values += _CALLABLES.get(use.arity, [])
    if use.maybe_index:
        values += ["0", "1"]
    if use.keys:
        mapping = ", ".join(f"{k!r}: {i + 1}" for i, k in enumerate(dict.fromkeys(use.keys)))
        values += [f"{{{mapping}}}", "{}"]
    if use.types:  # and a value of none of them: the else / error path of the checks
        values.append("None")
    if use.nested:
        values += _NESTED
    elif use.iterated:
        values += [*_ITERABLE, "None"]  # the last one not iterable at all: the error path
    if "dict" in use.kinds:
        values += _BY_TYPE["dict"]
    if "str" in use.kinds:
        values += _BY_TYPE["str"]
    if use.indexed and not use.keys and not use.nested:
        values += _INDEXED
    if use.numeric and not values:
        values += ["0", "1", "2", "-1", "5"]
    attrs = list(dict.fromkeys(use.attrs))
    plain = not (values or use.kinds or use.types or use.iterated)
    if attrs and plain and len(attrs) <= 6:
        values += _bags(attrs, ctx.literals, rng)
    return list(dict.fromkeys(values))


def item_values(use: Usage, classes: dict[str, list[str]]) -> list[str]:
    """Values for the items of an iterated parameter (``*args``) by the isinstance checks
    on its loop variable, then one of none of those types (the ``else`` branch)."""
    values: list[str] = []
    for t in dict.fromkeys(use.item_types):
        values += classes.get(t, [])[:1] + _ITEMS_BY_TYPE.get(t, _BY_TYPE.get(t, []))[:3]
    # none of the types: a number (the error path) and pairs (a dict-like iterable)
    return [*values, "1", "[('a', 1), ('b', 2)]"] if values else []


def usage_pools(
    source: str,
    names: list[str],
    classes: dict[str, list[str]],
    ctx: Context | None = None,
    star: str | None = None,
) -> dict[str, list[str]]:
    """Per parameter of the function in ``source``: the values its usage asks for first;
    ``star`` names ``*args``, whose pool is of its items when the body checks their types."""
    found = analyse_usage(source, names)
    out = {n: v for n, u in found.items() if (v := pools_for(u, classes, ctx, n))}
    if star and star in found and (items := item_values(found[star], classes)):
        out[star] = items
    return out
