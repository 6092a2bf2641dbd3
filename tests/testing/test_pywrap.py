"""Decorators used the way their users use them, a ticking clock for a parameter whose
default is a function, and methods inherited from a private base class (no sandbox: fast).
"""

from __future__ import annotations

import ast

from devlab.testing.pyobjects import class_infos
from devlab.testing.pysearch import CallPlanner
from devlab.testing.pywrap import decorator_calls, find_decorators, stdlib_imports
from devlab.testing.targets import find_targets

MEMO = """
import time


def memoize(store, lock=None, stats=False):
    def decorator(func):
        hits = 0
        if stats:
            def wrapper(*args):
                nonlocal hits
                if args in store:
                    hits += 1
                    return store[args]
                store[args] = value = func(*args)
                return value
        else:
            def wrapper(*args):
                with lock:
                    return store.setdefault(args, func(*args))

        def info():
            return hits

        wrapper.info = info
        wrapper.store = store
        return wrapper

    return decorator


def per_object(getter, lock=None):
    def decorator(method):
        def wrapper(self, *args):
            c = getter(self)
            if c is None:
                return method(self, *args)
            with lock(self):
                return c.setdefault(args, method(self, *args))

        def clear(self):
            getter(self).clear()

        wrapper.clear = clear
        return wrapper

    return decorator


def traced(func):
    def wrapper(*args):
        return func(*args)

    return wrapper


def adder(n):
    return n + 1


class _Timed:
    def __init__(self, ttl, timer=time.monotonic):
        self.ttl, self.timer = ttl, timer

    def expired(self, at):
        return self.timer() - at > self.ttl

    @property
    def now(self):
        return self.timer()


class Expiring(_Timed):
    def expired(self, at):
        return False
"""


def _by_name(found):
    return {d.target.name: d for d in found}


def test_decorator_factories_and_decorators_are_told_from_plain_functions():
    found = _by_name(find_decorators(find_targets(MEMO)))
    assert set(found) == {"memoize", "per_object", "traced"}  # not ``adder``
    memo, per, traced = found["memoize"], found["per_object"], found["traced"]
    assert memo.factory and per.factory and not traced.factory
    assert memo.locks == {"lock"} and not memo.lock_makers  # ``with lock:``
    assert per.lock_makers == {"lock"} and per.getters == {"getter"}  # ``with lock(self):``
    assert memo.wrapper_attrs == {"info": 0, "store": -1}  # a helper and a plain value
    assert per.wrapper_attrs == {"clear": 1}


def test_decorated_stand_in_is_called_twice_and_its_helpers_used():
    targets = find_targets(MEMO)
    decorators = find_decorators(targets)
    calls = decorator_calls(decorators, {}, ["Expiring(1)"])
    keys = [c.key for c in calls]
    stand_in = "(lambda *a, **k: len(a) + len(k))"
    # the hit: the same argument twice, the second call observed
    assert f"f = memoize({{}})({stand_in}); f(1); f(1)" in keys
    # a lock where the body says ``with lock:``, and its import for the test file
    locked = [c for c in calls if "lock=threading.RLock()" in c.key]
    assert locked and all("import threading" in c.imports for c in locked)
    # the flag flipped together with the lock (the branch needing both)
    assert any("stats=True" in k and "lock=threading.RLock()" in k for k in keys)
    # the module's own object as the store, and the helper after two calls
    assert f"f = memoize(Expiring(1))({stand_in}); f(1); f(1); f.info()" in keys
    # a getter returning its argument, with a dict as ``self`` twice; its helper with it
    assert f"d = {{}}; f = per_object((lambda x: x))({stand_in}); f(d); f(d)" in keys
    assert any(k.endswith("f(d); f.clear(d)") for k in keys)
    assert any("lock=(lambda *a: threading.RLock())" in k for k in keys)
    # a plain decorator: the stand-in decorated directly
    assert f"f = traced({stand_in}); f(1)" in keys
    for call in calls:  # every one is Python
        ast.parse("\n".join([*call.setup, call.expr]))


def test_function_default_gets_a_ticking_clock_with_its_import():
    planner = CallPlanner(find_targets(MEMO), MEMO, "memo")
    assert planner.shapes["Expiring.__init__"]["timer"][0] == "itertools.count().__next__"
    clocked = [c for c in planner.first_calls() if "itertools.count()" in c.key]
    assert clocked and all("import itertools" in c.imports for c in clocked)
    assert stdlib_imports("x = threading.RLock(); y = mythreading.x") == ("import threading",)


def test_methods_inherited_from_a_private_base_are_targets_of_the_subclass():
    targets = {t.qualname: t for t in find_targets(MEMO)}
    assert "Expiring.__init__" in targets  # inherited, with its parameters
    assert [p.name for p in targets["Expiring.__init__"].params] == ["ttl", "timer"]
    assert "Expiring.expired" in targets and "return False" in targets["Expiring.expired"].source
    assert not any(q.startswith("_Timed") for q in targets)  # the private base itself: no
    info = class_infos(MEMO)["Expiring"]
    assert "now" in info.properties and "expired" in info.methods
    start = MEMO.splitlines().index("    def now(self):") + 1
    assert start in info.lines  # the inherited lines count as the class's own


HEAP = """
class Expiring(dict):
    def __init__(self, size, ttu, timer=None):
        self.size = size
        self.__ttu = ttu
        self.unused = timer

    def __setitem__(self, key, value):
        if self.__ttu(key, value, 0) > 0:
            dict.__setitem__(self, key, value)
"""


def test_constructor_function_called_later_gets_functions_and_its_own_receivers():
    from devlab.testing.pystate import STORED_STAND_INS, stored_callables

    assert stored_callables(HEAP) == {"Expiring": ["ttu"]}  # not ``size``, not ``timer``
    planner = CallPlanner(find_targets(HEAP), HEAP, "heap")
    assert planner.shapes["Expiring.__init__"]["ttu"][:3] == STORED_STAND_INS
    receivers = planner._stored_receivers("Expiring")
    assert receivers == [f"Expiring(2, {f})" for f in STORED_STAND_INS]
    # the receivers are filled (three item writes) in the later rounds
    missing = set(range(1, 12))
    more = planner.more_calls(1, missing, {})
    assert any(c.setup[:2] == (f"obj = {receivers[1]}", "obj['a'] = 1") for c in more)
