"""Objects in states and the protocols a class defines (no sandbox: fast): protocol calls,
setups from calls that changed an object, unbound calls, typed ``*args`` items, error-path
values, the literals a parameter is compared with, calls with a setup through the probe
and into a candidate, and the probe's lazy-result check by the class."""

from __future__ import annotations

import ast
import json

from devlab.testing.probe import PROBE_HEADER, Coverage, probe_file, to_candidates
from devlab.testing.pyobjects import class_infos
from devlab.testing.pysearch import CallPlanner
from devlab.testing.pyshapes import usage_pools
from devlab.testing.pystate import (
    fill_calls,
    protocol_calls,
    state_calls,
    unbound_calls,
    writable_classes,
)
from devlab.testing.strategies import Call
from devlab.testing.targets import find_targets

SOURCE = """
class Box(dict):
    def __init__(self, *args, **kwargs):
        for arg in args:
            if isinstance(arg, dict):
                self.update(arg)
            elif isinstance(arg, tuple):
                self[arg[0]] = arg[1]
            else:
                for k, v in arg:
                    self[k] = v

    def __or__(self, other):
        return Box(self, other)

    def __ror__(self, other):
        return Box(other, self)

    def __ior__(self, other):
        self.update(other)
        return self

    def __getstate__(self):
        return dict(self)

    def __setattr__(self, name, value):
        self[name] = value

    def __getattr__(self, name):
        return self[name]

    def __missing__(self, key):
        raise KeyError(key)

    def __reversed__(self):
        return reversed(list(self))

    def freeze(self):
        object.__setattr__(self, "_frozen", True)

    def union(self, *others):
        cls = Box if isinstance(self, Box) else dict
        return cls(self)


def pick(unit, name="seconds"):
    if unit == "minutes":
        return 60
    if unit in ("hours", "h"):
        return 3600
    return 1
"""


def _parses(call: Call) -> bool:
    ast.parse("\n".join([*call.setup, f"_ = lambda: {call.expr}"]))
    return True


def test_protocol_calls_reach_every_special_method_the_class_defines():
    info = class_infos(SOURCE)["Box"]
    assert {"__or__", "__ror__", "__ior__", "__getstate__", "__missing__"} <= info.dunders
    assert info.methods == ["freeze", "union"]
    calls = protocol_calls(info, ["Box({'a': 1})"], [])
    exprs = {c.expr for c in calls}
    assert "Box({'a': 1}) | {'a': 1}" in exprs  # a binary operator, a foreign partner
    assert "[1, 2] | Box({'a': 1})" in exprs  # the reflected one: the foreign value left
    assert "list(reversed(Box({'a': 1})))" in exprs
    assert "Box({'a': 1})['a']" in exprs  # a missing key read
    assert "setattr(Box({'a': 1}), 'freeze', 1)" in exprs  # a name the class has
    pickled = next(c for c in calls if "pickle" in c.expr)
    assert pickled.imports == ("import pickle",)
    inplace = [c for c in calls if c.target == "Box.__ior__"]
    assert inplace[0].setup == ("obj = Box({'a': 1})", "obj |= {'a': 1}")
    assert inplace[0].expr == "obj"  # the object is observed after the in-place change
    chained = [c for c in calls if "obj.a.b = 1" in c.setup]
    assert chained  # __getattr__ with __setattr__: a chained write
    assert all(_parses(c) for c in calls)


def test_state_calls_follow_a_change_with_observations():
    info = class_infos(SOURCE)["Box"]
    outcomes = {
        "Box().freeze()": ("Box.freeze", {"kind": "value", "none": True, "repr": "None"}),
        "Box().union()": ("Box.union", {"kind": "value", "repr": "{}"}),
        "Box(1).freeze()": ("Box.freeze", {"kind": "raised", "type": "TypeError"}),
        "pick('h')": ("pick", {"kind": "value", "none": False, "repr": "3600"}),
    }
    calls = state_calls(info, outcomes)
    assert calls and all(c.setup[:2] == ("obj = Box()", "obj.freeze()") for c in calls)
    exprs = {c.expr for c in calls}
    assert {"obj", "obj.union()", "obj['zz']", "obj.zz"} <= exprs
    assert any("obj.zz = 1" in c.setup for c in calls)  # a write after the change
    assert all(_parses(c) for c in calls)
    assert state_calls(info, {}) == []


def test_unbound_calls_for_isinstance_self():
    targets = find_targets(SOURCE)
    calls = unbound_calls(targets)
    assert [c.expr for c in calls] == ["Box.union([1, 2, 3])", "Box.union([1, 2, 3], [2, 3])"]


def test_usage_pools_items_compared_literals_and_error_values():
    init = next(t for t in find_targets(SOURCE) if t.qualname == "Box.__init__")
    pools = usage_pools(init.source, ["args", "kwargs"], {}, star="args")
    items = pools["args"]
    assert items[0].startswith("{") and "('a', 1)" in items  # dict items, then tuples
    assert items[-2:] == ["1", "[('a', 1), ('b', 2)]"]  # none of the types: the else path
    pick = next(t for t in find_targets(SOURCE) if t.name == "pick")
    unit = usage_pools(pick.source, ["unit"], {})["unit"]
    assert unit[:3] == ["'minutes'", "'hours'", "'h'"]  # the literals it is compared with
    iterated = usage_pools("def f(seq):\n    for x in seq:\n        pass\n", ["seq"], {})
    assert iterated["seq"][-1] == "None"  # not iterable at all: the error path
    checked = usage_pools("def f(i):\n    return isinstance(i, slice)\n", ["i"], {})
    assert checked["i"] == ["slice(0, 2)", "slice(None)", "None"]


def test_a_call_with_setup_goes_through_the_probe_into_a_candidate(tmp_path):
    call = Call("c0", "Box.freeze", "obj", False, setup=("obj = Box()", "obj.freeze()"),
                imports=("import copy",))  # fmt: skip
    text = probe_file([call], ["from box import Box"])
    assert "import copy" in text
    # a failing setup returns (no record) instead of failing: tracebacks are slow
    assert (
        "    try:\n        obj = Box()\n        obj.freeze()\n    except Exception:\n"
        "        return\n    _rec('c0', lambda: obj)"
    ) in text
    ast.parse(text)
    found, bugs = to_candidates(
        [call], {"c0": {"kind": "value", "repr": "{}", "none": False}},
        {"c0": Coverage({3}, set())}, Coverage(set(), set()), {}, ("from box import Box",),
    )  # fmt: skip
    assert not bugs and len(found) == 1
    assert "    obj = Box()\n    obj.freeze()\n    assert obj == {}\n" in found[0].code
    assert "import copy" in found[0].imports
    # a call that is not Python is left out by the planner, not the whole probe file
    planner = CallPlanner(find_targets(SOURCE), SOURCE, "box")
    bad = Call("", "pick", "pick(\"'x' is\"=0)", False)
    good = Call("", "pick", "pick('h')", False)
    assert planner._fresh([bad, good], 10) == [good]


def test_probe_takes_lazy_results_by_their_class(tmp_path):
    names: dict = {}
    exec(compile(PROBE_HEADER, "probe_header", "exec"), names)
    names["_DIR"] = str(tmp_path)

    class Auto(dict):  # answers every attribute name, __next__ included
        def __getattr__(self, name):
            return Auto()

    names["_rec"]("k", lambda: Auto(a=1))
    out = json.loads((tmp_path / "k.json").read_text())
    assert out["kind"] == "value" and out["repr"] == "{'a': 1}" and "iter" not in out


BOUNDED = """
import collections


class _Base(collections.abc.MutableMapping):
    def __setitem__(self, key, value):
        pass


class Bounded(_Base):
    def __init__(self, maxsize, ttl=0):
        self.maxsize = maxsize

    def popitem(self):
        return None

    def get_or(self, key):
        return key


class Plain:
    pass


class Mapped(dict):
    pass
"""


def test_fill_calls_write_three_items_into_roomy_receivers_then_observe():
    assert writable_classes(BOUNDED) == {"_Base", "Bounded", "Mapped"}
    info = class_infos(BOUNDED)["Bounded"]
    calls = fill_calls(info, ["Bounded(0)", "Bounded(1, ttl=0)"], {"popitem": 0, "get_or": 1})
    fill = ("obj['a'] = 1", "obj['b'] = 2", "obj['c'] = 3")
    # a capacity of 0 refuses every item: the roomy copy (small ints raised to 2) comes first
    receivers = list(dict.fromkeys(c.setup[0] for c in calls))
    assert receivers == [
        "obj = Bounded(2)", "obj = Bounded(0)", "obj = Bounded(2, ttl=2)", "obj = Bounded(1, ttl=0)"
    ]  # fmt: skip
    got = {(c.setup[1:], c.expr) for c in calls if c.setup[0] == "obj = Bounded(2)"}
    assert (fill, "obj") in got and (fill, "len(obj)") in got and (fill, "repr(obj)") in got
    assert (fill, "obj.popitem()") in got
    assert (fill, "obj.get_or('c')") in got and (fill, "obj.get_or('zz')") in got
    assert ((*fill, "del obj['c']"), "obj") in got
