"""Objects in states, and the protocols a class defines: calls read from the class itself.

Three general strategies for ``pysearch.CallPlanner``, none written for one library:

* **Protocols** (``protocol_calls``): every special method a class defines is reached the
  way Python reaches it, on receivers the probe already built: binary operators against
  other receivers and foreign values (``s & [1, 2]``), the reflected ones with the foreign
  value on the left (``{'a': 1} | d``), in-place ones as a short sequence (``obj = ...``,
  ``obj |= {1, 2}``, then ``obj`` is observed), ``reversed``, ``bool``, a ``pickle`` and a
  ``copy``/``deepcopy`` round trip, attribute and item writes and deletes (a fresh name,
  and the name of one of its methods: the read-only error path), a missing key or
  attribute read, and a chained write through an object that creates what it lacks.
* **States** (``state_calls``): a method call that returned ``None`` on a receiver changed
  it (``d.freeze()``, ``s.clear()``); each such call becomes a setup (``obj = R``,
  ``obj.m(args)``) after which the object itself, every other method's first probed call
  and an item/attribute write are observed: the branches that depend on what was done
  to the object before (a frozen mapping refusing a new key) are reached.
* **Filled containers** (``fill_calls``): an object that takes item writes (its class or
  a base defines ``__setitem__``, or it is a mapping) gets three of them (``obj['a'] = 1``
  ... ``obj['c'] = 3``), on its receivers and on a roomier copy of each (small integer
  arguments raised to 2: a capacity of 0 refuses every item, one of 2 takes two and
  evicts on the third); then the object, its size, a read, an overwrite and a delete of
  a present key, and each public method with a present and a missing key are observed:
  the branches of a bounded or ordered container that only a filled one reaches.
* **Unbound calls** (``unbound_calls``): a method whose body asks ``isinstance(self, ...)``
  is also called through the class with a plain list as ``self`` (the other branch).

Every call still goes through the probe and the three-run keep rule; a setup that raises
leaves no record, so no test.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from devlab.testing.pyobjects import ClassInfo, operand
from devlab.testing.strategies import Call
from devlab.testing.targets import Target, inherited_methods

__all__ = [
    "STORED_STAND_INS",
    "fill_calls",
    "imported_values",
    "partner_calls",
    "protocol_calls",
    "state_calls",
    "stored_callables",
    "unbound_calls",
    "writable_classes",
]

_BINARY = {
    "__and__": "&", "__or__": "|", "__xor__": "^", "__mul__": "*", "__truediv__": "/",
    "__floordiv__": "//", "__mod__": "%", "__lshift__": "<<", "__rshift__": ">>",
    "__matmul__": "@", "__pow__": "**",
}  # fmt: skip
_REFLECTED = {
    "__radd__": "+", "__rsub__": "-", "__rand__": "&", "__ror__": "|", "__rxor__": "^",
    "__rmul__": "*",
}  # fmt: skip
_INPLACE = {
    "__iadd__": "+", "__isub__": "-", "__iand__": "&", "__ior__": "|", "__ixor__": "^",
    "__imul__": "*",
}  # fmt: skip
_COMPARE = {
    "__add__": "+", "__sub__": "-", "__eq__": "==", "__ne__": "!=", "__lt__": "<",
    "__le__": "<=", "__gt__": ">", "__ge__": ">=", **_BINARY,
}  # fmt: skip
_UNARY = {"__neg__": "-{}", "__pos__": "+{}", "__abs__": "abs({})", "__invert__": "~{}"}
# values of the standard types a module imports from these modules (its arithmetic's
# other side: a duration added to a date, a money amount times a Decimal); the whole
# module's common types, not only the name imported (``timedelta`` -> dates too)
_STD_VALUES = {
    "datetime": ["datetime.timedelta(days=1, seconds=5)", "datetime.date(2020, 1, 31)",
                 "datetime.datetime(2020, 3, 31, 12, 30)", "datetime.timedelta(0)"],
    "decimal": ["decimal.Decimal('1.5')", "decimal.Decimal('2')"],
    "fractions": ["fractions.Fraction(1, 3)"],
}  # fmt: skip
_PICKLE = frozenset({"__getstate__", "__setstate__", "__reduce__", "__reduce_ex__",
                     "__getnewargs__", "__getnewargs_ex__"})  # fmt: skip
_PARTNERS = ["{'a': 1}", "[1, 2]", "{1, 2}", "1"]  # foreign values on the other side
_MAX_STATE = 240
_SETITEM = "operator.setitem(obj, 'zz', 1)"
_SETATTR = "setattr(obj, 'zz', 1)"
_PER_METHOD = 2  # mutating calls kept per method


def _seq(target: str, recv: str, *steps: str, expr: str = "obj") -> Call:
    return Call("", target, expr, False, setup=(f"obj = {recv}", *steps))


def _attribute_calls(info: ClassInfo, recv: str) -> list[Call]:
    """Attribute and item reads, writes and deletes on one receiver."""
    r, d, name = operand(recv), info.dunders, info.name
    out: list[Call] = []
    if "__setattr__" in d:
        out.append(_seq(f"{name}.__setattr__", recv, "obj.a = 1"))
        for method in info.methods[:1]:  # a name the class already has: read-only?
            out.append(Call("", f"{name}.__setattr__", f"setattr({recv}, {method!r}, 1)", False))
    if d & {"__getattr__", "__getattribute__"}:
        out.append(Call("", f"{name}.__getattr__", f"{r}.a", False))
        if d & {"__setattr__", "__setitem__"}:  # an object creating what it lacks
            out.append(_seq(f"{name}.__getattr__", recv, "obj.a.b = 1"))
    if "__delattr__" in d:
        out.append(Call("", f"{name}.__delattr__", f"delattr({recv}, 'a')", False))
        out.append(_seq(f"{name}.__delattr__", recv, "obj.a = 1", "del obj.a"))
    if "__setitem__" in d:
        out.append(_seq(f"{name}.__setitem__", recv, "obj['a'] = 1"))
    if "__delitem__" in d:
        out.append(Call("", f"{name}.__delitem__", f"{r}.__delitem__('a')", False))
    if d & {"__missing__", "__getitem__"}:
        out.append(Call("", f"{name}.__getitem__", f"{r}['a']", False))
    return out


def protocol_calls(info: ClassInfo, receivers: list[str], others: list[str]) -> list[Call]:
    """Calls reaching the special methods ``info`` defines (see the module doc)."""
    out: list[Call] = []
    d, name = info.dunders, info.name
    partners = list(dict.fromkeys([*others[:2], *_PARTNERS]))
    for recv in receivers:
        r = operand(recv)
        for dunder, sym in _BINARY.items():
            if dunder in d:
                out += [Call("", f"{name}.{dunder}", f"{r} {sym} {operand(o)}", False)
                        for o in partners]  # fmt: skip
        for dunder, sym in _REFLECTED.items():
            if dunder in d:
                out += [Call("", f"{name}.{dunder}", f"{o} {sym} {r}", False) for o in _PARTNERS]
        for dunder, sym in _INPLACE.items():
            if dunder in d:
                out += [_seq(f"{name}.{dunder}", recv, f"obj {sym}= {o}") for o in partners]
        if "__reversed__" in d:
            out.append(Call("", f"{name}.__reversed__", f"list(reversed({recv}))", False))
        if "__bool__" in d:
            out.append(Call("", f"{name}.__bool__", f"bool({recv})", False))
        if d & _PICKLE:
            expr = f"pickle.loads(pickle.dumps({recv}))"
            out.append(Call("", f"{name}.__setstate__", expr, False, imports=("import pickle",)))
        for dunder, fn in (("__copy__", "copy"), ("__deepcopy__", "deepcopy")):
            if dunder in d:
                expr = f"copy.{fn}({recv})"
                out.append(Call("", f"{name}.{dunder}", expr, False, imports=("import copy",)))
        out += _attribute_calls(info, recv)
    return out


def imported_values(source: str) -> list[tuple[str, str]]:
    """``(expression, import)`` for values of the standard types the module imports
    (``from datetime import timedelta`` -> a timedelta, a date, a datetime)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in _STD_VALUES:
            used.add(node.module)
        elif isinstance(node, ast.Import):
            used |= {a.name for a in node.names if a.name in _STD_VALUES}
    return [(v, f"import {m}") for m in _STD_VALUES if m in used for v in _STD_VALUES[m]]


def partner_calls(
    info: ClassInfo, receivers: list[str], others: list[str], values: list[tuple[str, str]]
) -> list[Call]:
    """Operators of the class with partners of its own kind: other receivers of the class
    (another state: ``a + b``, ``a == b``), values of the standard types the module
    imports on either side (``d + date(...)``, ``date(...) - d``), and the unary ones
    (``-d``, ``abs(d)``)."""
    per: list[list[Call]] = []
    d, name = info.dunders, info.name
    for i, recv in enumerate(receivers):
        out: list[Call] = []
        per.append(out)
        r = operand(recv)
        for dunder, form in {**_UNARY, "__str__": "str({})"}.items():
            if dunder in d:  # str(): a state shows in the text (``1 month``, ``2 months``)
                out.append(Call("", f"{name}.{dunder}", form.format(r), False))
        mine = [o for o in dict.fromkeys([*others, *receivers[i + 1 :]]) if o != recv][:3]
        partners = [(o, ()) for o in mine] + [(v, (imp,)) for v, imp in values]
        for dunder, sym in _COMPARE.items():
            if dunder in d:
                out += [Call("", f"{name}.{dunder}", f"{r} {sym} {operand(o)}", False, imports=imp)
                        for o, imp in partners]  # fmt: skip
        for dunder, sym in _REFLECTED.items():
            if dunder in d:
                out += [Call("", f"{name}.{dunder}", f"{v} {sym} {r}", False, imports=(imp,))
                        for v, imp in values]  # fmt: skip
    # receivers in turn, a call of each at a time: a bounded caller still gets every state
    return [
        calls[k] for k in range(max(map(len, per), default=0)) for calls in per if k < len(calls)
    ]


def _method_call(expr: str) -> tuple[str, str, str] | None:
    """``R.m(a, b=1)`` -> ``(R, m, 'a, b=1')`` (None for any other expression)."""
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    args = [ast.unparse(a) for a in node.args]
    args += [f"{k.arg}={ast.unparse(k.value)}" for k in node.keywords if k.arg]
    return ast.unparse(node.func.value), node.func.attr, ", ".join(args)


def state_calls(info: ClassInfo, outcomes: dict[str, tuple[str, dict]]) -> list[Call]:
    """Setups from the calls that changed an object, each followed by observations."""
    mutators: list[tuple[str, str, str]] = []
    firsts: dict[str, tuple[str, str, str]] = {}
    per: dict[str, int] = {}
    for expr, (target, out) in sorted(outcomes.items(), key=lambda kv: len(kv[0])):
        found = _method_call(expr) if target.startswith(f"{info.name}.") else None
        if found is None or found[1] not in info.methods:
            continue
        firsts.setdefault(found[1], found)
        changed = out.get("kind") == "value" and out.get("none")
        if changed and per.get(found[1], 0) < _PER_METHOD:
            per[found[1]] = per.get(found[1], 0) + 1
            mutators.append(found)
    calls: list[Call] = []
    for recv, method, args in mutators:
        steps = (f"obj.{method}({args})",)
        calls.append(_seq(f"{info.name}.{method}", recv, *steps))
        for other, (_, m2, args2) in firsts.items():
            calls.append(_seq(f"{info.name}.{other}", recv, *steps, expr=f"obj.{m2}({args2})"))
        d = info.dunders
        if "__setitem__" in d:  # the write observed, and its own outcome (it may raise)
            calls.append(_seq(f"{info.name}.__setitem__", recv, *steps, "obj['zz'] = 1"))
            write = _seq(f"{info.name}.__setitem__", recv, *steps, expr=_SETITEM)
            calls.append(replace(write, imports=("import operator",)))
        if "__setattr__" in d:
            calls.append(_seq(f"{info.name}.__setattr__", recv, *steps, "obj.zz = 1"))
            calls.append(_seq(f"{info.name}.__setattr__", recv, *steps, expr=_SETATTR))
        if d & {"__missing__", "__getitem__"}:  # a read of what is not there, after the change
            calls.append(_seq(f"{info.name}.__getitem__", recv, *steps, expr="obj['zz']"))
        if d & {"__getattr__", "__getattribute__"}:
            calls.append(_seq(f"{info.name}.__getattr__", recv, *steps, expr="obj.zz"))
    return calls[:_MAX_STATE]


def unbound_calls(targets: list[Target]) -> list[Call]:
    """``C.m([1, 2, 3], ...)`` for methods that check ``isinstance(self, ...)``."""
    out: list[Call] = []
    for t in targets:
        if not t.cls or t.is_static or "isinstance(self," not in t.source.replace(" ", ""):
            continue
        required = [p for p in t.params if p.default is None]
        if len(required) > 1:
            continue
        # one required argument: always passed; only *args: with and without one
        tails = [", [2, 3]"] if required else ["", ", [2, 3]"] if t.varargs else [""]
        for tail in tails:
            out.append(Call("", t.qualname, f"{t.cls}.{t.name}([1, 2, 3]{tail})", False))
    return out


_MAPPING_BASES = frozenset({"dict", "MutableMapping", "OrderedDict", "UserDict", "defaultdict"})
_FILL = ("obj['a'] = 1", "obj['b'] = 2", "obj['c'] = 3")
_FILL_RECEIVERS = 4
# stand-ins for a function an object keeps and calls later (``self.__ttu(key, value, t)``):
# one returning its last argument, one returning a far-off number, one returning 0
STORED_STAND_INS = ["(lambda *a: a[-1])", "(lambda *a: float('inf'))", "(lambda *a: 0)"]


def writable_classes(source: str) -> set[str]:
    """The classes of ``source`` whose instances take item writes: ``__setitem__``
    defined by the class or a base of the module (private ones too), or a mapping base."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    bases: dict[str, list[str]] = {}
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            bases[node.name] = [ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases]
            defs = {f.name for f in node.body if isinstance(f, ast.FunctionDef)}
            if "__setitem__" in defs or _MAPPING_BASES & set(bases[node.name]):
                found.add(node.name)
    grew = True
    while grew:  # a subclass of a writable class is writable
        more = {c for c, bs in bases.items() if c not in found and found & set(bs)}
        found |= more
        grew = bool(more)
    return found


def _roomy(recv: str) -> str | None:
    """``C(0, 1)`` -> ``C(2, 2)``: the receiver with its small integer arguments raised
    to 2 (None when it has none)."""
    try:
        node = ast.parse(recv, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call):
        return None
    changed = False
    for arg in [*node.args, *(k.value for k in node.keywords)]:
        value = getattr(arg, "value", None)
        if isinstance(arg, ast.Constant) and type(value) is int and value in (0, 1):
            arg.value, changed = 2, True
    return ast.unparse(node) if changed else None


def fill_calls(info: ClassInfo, receivers: list[str], arity: dict[str, int]) -> list[Call]:
    """Observations of filled containers (see the module doc); ``arity`` maps a public
    method to its required argument count (0 or 1 are called)."""
    name = info.name
    chosen: list[str] = []
    for recv in receivers[: _FILL_RECEIVERS + len(STORED_STAND_INS)]:
        chosen += [r for r in (_roomy(recv), recv) if r and r not in chosen]
    out: list[Call] = []
    for recv in chosen:
        out += [
            _seq(f"{name}.__setitem__", recv, *_FILL),
            _seq(f"{name}.__len__", recv, *_FILL, expr="len(obj)"),
            _seq(f"{name}.__iter__", recv, *_FILL, expr="list(obj)"),
            _seq(f"{name}.__getitem__", recv, *_FILL, expr="obj['c']"),
            _seq(f"{name}.__contains__", recv, *_FILL, expr="'c' in obj"),
            _seq(f"{name}.__setitem__", recv, *_FILL, "obj['c'] = 4"),
            _seq(f"{name}.__delitem__", recv, *_FILL, "del obj['c']"),
            _seq(f"{name}.__repr__", recv, *_FILL, expr="repr(obj)"),
        ]
        if info.dunders & _PICKLE:  # the filled state through a pickle round trip
            expr = "pickle.loads(pickle.dumps(obj))"
            call = _seq(f"{name}.__setstate__", recv, *_FILL, expr=expr)
            out.append(replace(call, imports=("import pickle",)))
        for method, n in arity.items():
            args = ["()"] if n == 0 else ["('c')", "('zz')"] if n == 1 else []
            out += [_seq(f"{name}.{method}", recv, *_FILL, expr=f"obj.{method}{a}") for a in args]
    return out


def _self_calls(node: ast.ClassDef, extra: list[ast.FunctionDef]) -> set[str]:
    """Attributes of ``self`` the class calls (``self.__ttu(...)``) anywhere in its body."""
    found = set()
    for item in [node, *extra]:
        for sub in ast.walk(item):
            func = sub.func if isinstance(sub, ast.Call) else None
            on_self = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            if on_self and func.value.id == "self":  # type: ignore[union-attr]
                found.add(func.attr)  # type: ignore[union-attr]
    return found


def stored_callables(source: str) -> dict[str, list[str]]:
    """Per public class: the constructor parameters it stores on ``self`` and calls later
    (``self.__ttu = ttu`` ... ``self.__ttu(key, value, time)``): their usage in the
    constructor says nothing, so the probe would pass numbers; these get functions."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    inherited = inherited_methods(tree)
    out: dict[str, list[str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name.startswith("_"):
            continue
        more = inherited.get(node.name, [])
        called = _self_calls(node, more)
        inits = [f for f in [*node.body, *more] if isinstance(f, ast.FunctionDef)]
        init = next((f for f in inits if f.name == "__init__"), None)
        if init is None:
            continue
        params = {a.arg for a in init.args.args[1:]}
        for sub in ast.walk(init):
            if not isinstance(sub, ast.Assign) or not isinstance(sub.value, ast.Name):
                continue
            for t in sub.targets:
                stored = isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                if stored and sub.value.id in params and getattr(t, "attr", "") in called:
                    out.setdefault(node.name, []).append(sub.value.id)
    return out
