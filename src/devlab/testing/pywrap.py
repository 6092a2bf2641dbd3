"""Decorators used the way their users use them: factory arguments, a decorated function,
calls that miss and then hit, and the helpers the decorator hangs on the wrapper.

A function whose body defines a function that takes one argument and defines a wrapper
in turn, and returns it (``def cached(cache, lock=None): def decorator(func): def
wrapper(*a): ...; return decorator``), is a *decorator factory*; one that defines the
wrapper directly and returns it (``def logged(func): def wrapper(*a): ...; return
wrapper``) is a *decorator*. Probing such a function alone returns a function and reaches
nothing of the wrapper; its lines run only when a decorated function is called.

``decorator_calls`` writes, for each one (none named here, all read from the AST):

* factory arguments one change at a time from a base: each parameter with the values its
  usage asks for (``pyshapes``), a bool flag flipped, a parameter used as ``with p:`` (a
  lock) given ``threading.RLock()``, one called and used as ``with p(...):`` given a
  function returning one, one called and whose result is read given ``lambda x: x`` and
  ``lambda *a: None`` (a getter of the cache, and a getter that has none);
* a decorated stand-in ``f = factory(args)(lambda *a, **k: len(a) + len(k))``, called once
  (the miss), twice with the same argument (the hit: what the first call left behind), with
  a fresh dict as the first argument twice (a method-style wrapper whose getter returns its
  ``self``), and with a keyword;
* every attribute the body hangs on the wrapper (``wrapper.cache_info = ...``) read, and
  called when it is a function there (with the dict when it takes one argument), after two
  calls, and a call after it (``cache_clear`` then a miss again).

Each is a setup plus one observed expression; the probe and the three-run keep rule judge
them like every other call.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from devlab.testing.strategies import Call
from devlab.testing.targets import Target

__all__ = [
    "CLOCK",
    "Decorator",
    "decorator_calls",
    "find_decorators",
    "stdlib_imports",
    "with_imports",
]

# a stand-in for a parameter whose default is a function (``timer=time.monotonic``): a
# clock that ticks one unit per call, so what depends on time passing is reached
CLOCK = "itertools.count().__next__"
_STAND_IN = "(lambda *a, **k: len(a) + len(k))"
_LOCK = "threading.RLock()"
_LOCK_FN = "(lambda *a: threading.RLock())"
_GETTERS = ["(lambda x: x)", "(lambda *a: None)"]
_BASES = 6  # values of the first required parameter, each with the others varied
_MAX_FACTORY_ARGS = 60
_MAX_CALLS = 600
# stdlib modules a value may name (``itertools.count().__next__``): imported for it
_STDLIB = ("itertools", "threading", "contextlib", "collections", "functools", "operator")
_DOTTED = re.compile(r"(?<![\w.])(" + "|".join(_STDLIB) + r")\.")


@dataclass
class Decorator:
    """A decorator (``factory`` False) or a decorator factory read from a target."""

    target: Target
    factory: bool
    wrapper_attrs: dict[str, int] = field(default_factory=dict)  # name -> arity (-1: value)
    locks: set[str] = field(default_factory=set)  # parameters used as ``with p:``
    lock_makers: set[str] = field(default_factory=set)  # ``with p(...):``
    getters: set[str] = field(default_factory=set)  # ``c = p(x)`` then ``c`` read


def _defs(body: list[ast.stmt]) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in body if isinstance(n, ast.FunctionDef)}


def _returns(body: list[ast.stmt], names: set[str]) -> bool:
    """The body returns one of ``names`` (or ``update_wrapper(name, ...)``/a call on it)."""
    for node in body:
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Return) or sub.value is None:
                continue
            value = sub.value
            if isinstance(value, ast.Call) and value.args:
                value = value.args[0]
            if isinstance(value, ast.Name) and value.id in names:
                return True
    return False


def _wrappers(fn: ast.FunctionDef) -> set[str]:
    """Names of the functions defined anywhere in ``fn``'s body (wrappers, helpers)."""
    return {n.name for n in ast.walk(fn) if isinstance(n, ast.FunctionDef) and n is not fn}


def _uses(fn: ast.FunctionDef, params: set[str], found: Decorator) -> None:
    """How the factory's parameters are used anywhere inside it (locks, getters)."""
    results: set[str] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.With):
            for item in node.items:
                expr = item.context_expr
                if isinstance(expr, ast.Name) and expr.id in params:
                    found.locks.add(expr.id)
                elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
                    found.lock_makers |= {expr.func.id} & params
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if isinstance(func, ast.Name) and func.id in params:
                results.add(func.id)
    found.getters |= results - found.lock_makers


def _attrs(fn: ast.FunctionDef, inner: set[str]) -> dict[str, int]:
    """``wrapper.name = value`` inside ``fn``: each name, with the arity of ``value`` when
    it is a function defined there (-1 for any other value)."""
    defs = {n.name: n for n in ast.walk(fn) if isinstance(n, ast.FunctionDef)}
    out: dict[str, int] = {}
    for node in ast.walk(fn):
        if not isinstance(node, ast.Assign):
            continue
        for t in node.targets:
            if not (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)):
                continue
            if t.value.id in inner and not t.attr.startswith("_"):
                value = node.value
                name = value.id if isinstance(value, ast.Name) else ""
                arity = len(defs[name].args.args) if name in defs else -1
                out[t.attr] = max(out.get(t.attr, -1), arity)
    return out


def find_decorators(targets: list[Target]) -> list[Decorator]:
    """The module-level functions of ``targets`` that are decorators or factories."""
    out = []
    for t in targets:
        if t.cls:
            continue
        try:
            tree = ast.parse(t.source.strip())
        except SyntaxError:
            continue
        fn = tree.body[0] if tree.body else None
        if not isinstance(fn, ast.FunctionDef):
            continue
        inner = _defs(fn.body)
        factory = any(
            len(d.args.args) == 1 and _wrappers(d) and _returns(d.body, _wrappers(d))
            for d in inner.values()
        ) and _returns(fn.body, set(inner))
        plain = not factory and len(fn.args.args) >= 1 and _returns(fn.body, set(inner))
        if not (factory or plain) or not inner:
            continue
        found = Decorator(t, factory)
        _uses(fn, {a.arg for a in fn.args.args}, found)
        found.wrapper_attrs = _attrs(fn, _wrappers(fn))
        out.append(found)
    return out


def _factory_args(dec: Decorator, shapes: dict[str, list[str]], extra: list[str]) -> list[str]:
    """Argument lists for the factory: a base, then one parameter changed at a time."""
    t = dec.target
    values: dict[str, list[str]] = {}
    for p in t.params:
        pool = list(shapes.get(p.name, []))
        if p.name in dec.locks:
            pool = [_LOCK, *pool]
        if p.name in dec.lock_makers:
            pool = [_LOCK_FN, *pool]
        if p.name in dec.getters:
            pool = [*_GETTERS, *pool]
        if p.default in ("False", "True"):
            pool = ["True" if p.default == "False" else "False"]
        if p.default is None:  # required: what it is used as, a mapping, the module's objects
            pool = [*pool[:2], "{}", *extra, "None"]
        values[p.name] = [v for v in dict.fromkeys(pool) if v != p.default][:_BASES]
    required = [p for p in t.params if p.default is None]
    if any(not values[p.name] for p in required):
        return []
    out = []
    for first in values[required[0].name][:_BASES] if required else [""]:
        base = {p.name: values[p.name][0] for p in required}
        if required:
            base[required[0].name] = first
        out.append(base)
        optional = [p.name for p in t.params if p.default is not None and values[p.name]]
        for name in optional:
            out += [{**base, name: v} for v in values[name][:2]]
        for i, one in enumerate(optional):  # two changed together (a lock and a flag)
            out += [{**base, one: values[one][0], two: values[two][0]} for two in optional[i + 1 :]]
    texts = []
    for args in out:
        pos = [args[p.name] for p in required]
        kw = [f"{k}={v}" for k, v in args.items() if k not in {p.name for p in required}]
        texts.append(", ".join([*pos, *kw]))
    return list(dict.fromkeys(texts))[:_MAX_FACTORY_ARGS]


def _uses_of(dec: Decorator, made: str) -> list[Call]:
    """The decorated stand-in ``made`` called, called again, and its helpers used."""
    q = dec.target.qualname
    f = f"f = {made}"

    def seq(expr: str, *steps: str) -> Call:
        return Call("", q, expr, False, setup=(f, *steps))

    out = [
        seq("f(1)"),
        seq("f(1)", "f(1)"),
        seq("f(1, b=2)"),
        Call("", q, "f(d)", False, setup=("d = {}", f, "f(d)")),
    ]
    for name, arity in dec.wrapper_attrs.items():
        if arity < 0:
            out.append(seq(f"f.{name}"))
        elif arity == 0:
            out += [seq(f"f.{name}()", "f(1)", "f(1)"), seq("f(1)", "f(1)", f"f.{name}()")]
        elif arity == 1:
            out += [
                Call("", q, f"f.{name}(d)", False, setup=("d = {}", f, "f(d)")),
                Call("", q, "f(d)", False, setup=("d = {}", f, "f(d)", f"f.{name}(d)")),
            ]
    return out


def decorator_calls(
    decorators: list[Decorator], shapes: dict[str, dict[str, list[str]]], extra: list[str]
) -> list[Call]:
    """Calls using each decorator (see the module doc); ``shapes`` maps a target's
    qualname to its parameters' value pools, ``extra`` are expressions building objects of
    the module (a cache instance for ``cache``)."""
    out: list[Call] = []
    for dec in decorators:
        name = dec.target.name
        if dec.factory:
            made = [f"{name}({a})({_STAND_IN})" for a in _factory_args(dec, shapes.get(
                dec.target.qualname, {}), extra)]  # fmt: skip
        else:
            made = [f"{name}({_STAND_IN})"]
        for m in made:
            out += _uses_of(dec, m)
    return [with_imports(c) for c in out[:_MAX_CALLS]]


def stdlib_imports(text: str) -> tuple[str, ...]:
    """``import x`` for each stdlib module of ``_STDLIB`` that ``text`` names (``x.y``)."""
    return tuple(f"import {m}" for m in dict.fromkeys(_DOTTED.findall(text)))


def with_imports(call: Call) -> Call:
    """``call`` with the imports its expression and setup need added."""
    needs = stdlib_imports(call.key)
    if not needs:
        return call
    call.imports = tuple(dict.fromkeys([*call.imports, *needs]))
    return call
