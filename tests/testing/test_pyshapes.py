"""Model-free Python input shapes, receivers and call planning (no sandbox: fast).

The sandboxed keep rule over these calls is covered by test_generate.py; here the
planners are checked on small sources written like the libraries they were tuned on
(toolz-style iterables of iterables and callables, semver-style classes)."""

from __future__ import annotations

from devlab.testing.pyobjects import class_infos, docstring_builders, object_calls
from devlab.testing.pysearch import CallPlanner
from devlab.testing.pyshapes import analyse_usage, usage_pools
from devlab.testing.strategies import boundary_calls
from devlab.testing.targets import find_targets

TOOLZ_LIKE = """
import itertools

def interleave(seqs):
    iters = itertools.cycle(map(iter, seqs))
    return iters

def accumulate(binop, seq, initial=None):
    result = None
    for elem in seq:
        result = binop(result, elem)
    return result

def take(n, seq):
    return itertools.islice(seq, n)

def merge_sorted(*seqs, **kwargs):
    key = kwargs.get('key', None)
    for seq in seqs:
        for x in seq:
            pass
    return key

def pick(d):
    return d['name'], isinstance(d, dict)
"""

SEMVER_LIKE = '''
"""Versions.

>>> import semver
>>> semver.Version.parse('1.2.3-rc.1')
Version(major=1, minor=2, patch=3, prerelease='rc.1')
>>> Version(1, 2, 3) < Version(2, 0, 0)
True
"""

class Version:
    def __init__(self, major, minor=0, patch=0, prerelease=None):
        self._major = major

    @property
    def major(self):
        return self._major

    @classmethod
    def parse(cls, text):
        return cls(*[int(p) for p in text.split('-')[0].split('.')])

    def compare(self, other):
        if isinstance(other, str):
            other = Version.parse(other)
        elif isinstance(other, Version):
            pass
        return 0

    def __lt__(self, other):
        return self.compare(other) < 0

    def __getitem__(self, index):
        return (self._major,)[index]
'''


def test_usage_reads_callables_nested_iterables_numbers_and_keys() -> None:
    use = analyse_usage(TOOLZ_LIKE.split("def accumulate")[0], ["seqs"])["seqs"]
    assert use.iterated and use.nested  # map(iter, seqs)
    acc = analyse_usage("def accumulate" + TOOLZ_LIKE.split("def accumulate")[1], ["binop", "seq"])
    assert acc["binop"].arity == 2 and acc["seq"].iterated and not acc["seq"].nested
    take = analyse_usage("def take(n, seq):\n    return itertools.islice(seq, n)\n", ["n", "seq"])
    assert take["n"].numeric and not take["n"].iterated and take["seq"].iterated
    pools = usage_pools("def pick(d):\n    return d['name'], isinstance(d, dict)\n", ["d"], {})
    assert pools["d"][0] == "{'a': 1, 'b': 2}" and "{'name': 1}" in pools["d"]


def test_boundary_calls_use_shapes_varargs_and_kwargs() -> None:
    targets = {t.name: t for t in find_targets(TOOLZ_LIKE)}
    planner = CallPlanner(list(targets.values()), TOOLZ_LIKE, "lib")
    exprs = [c.expr for c in planner.first_calls()]
    assert "interleave([[1, 2], [3, 4]])" in exprs
    assert "accumulate((lambda a, b: a + b), [1, 2, 3])" in exprs
    assert any(e.startswith("merge_sorted([1, 3, 5], [2, 4]") for e in exprs)
    assert any("key=" in e for e in exprs if e.startswith("merge_sorted("))
    assert len(exprs) == len(set(exprs))  # nothing probed twice


def test_receivers_come_from_the_module_docstrings() -> None:
    infos = class_infos(SEMVER_LIKE)
    assert infos["Version"].operators == ["__lt__"] and infos["Version"].properties == ["major"]
    builders = docstring_builders(SEMVER_LIKE, "semver", {"Version"})
    assert builders["Version"] == [
        "Version.parse('1.2.3-rc.1')",
        "Version(1, 2, 3)",
        "Version(2, 0, 0)",
    ]
    pairs = object_calls(infos["Version"], builders["Version"][:2], builders["Version"][1:])
    exprs = [e for _, e in pairs]
    assert "Version.parse('1.2.3-rc.1') < Version(1, 2, 3)" in exprs
    assert "setattr(Version.parse('1.2.3-rc.1'), 'major', 1)" in exprs
    target = next(t for t in find_targets(SEMVER_LIKE) if t.name == "__getitem__")
    calls = boundary_calls(target, receivers=builders["Version"][:1])
    assert calls[0].expr.startswith("Version.parse('1.2.3-rc.1')[")


def test_later_rounds_grow_sequences_from_returned_objects() -> None:
    targets = find_targets(SEMVER_LIKE)
    planner = CallPlanner(targets, SEMVER_LIKE, "semver")
    first = planner.first_calls()
    assert any(c.expr.startswith("Version.parse('1.2.3-rc.1').compare(") for c in first)
    compare = next(t for t in targets if t.name == "compare")
    outcomes = {
        "Version(7)": ("Version.__init__", {"kind": "object", "type": "Version"}),
        "Version(1) < 2": ("Version.__lt__", {"kind": "raised", "type": "TypeError"}),
    }
    more = planner.more_calls(1, {compare.start_line + 1}, outcomes)
    exprs = [c.expr for c in more]
    assert exprs and all(c.id.startswith("r1c") for c in more)
    assert any(e.startswith("Version(7).compare(") for e in exprs)
    assert not {c.expr for c in first} & set(exprs)


def test_assertions_read_like_a_person_wrote_them() -> None:
    from devlab.testing.generate import _tidy_import
    from devlab.testing.probe import _assertion
    from devlab.testing.strategies import Call

    lazy = Call("c1", "diff", "diff([1, 2])", False)
    raised = {"kind": "raised", "type": "TypeError", "module": "builtins", "during": "iteration"}
    body, needs_pytest = _assertion(lazy, raised) or ("", False)
    assert (
        body == "    with pytest.raises(TypeError):\n        list(diff([1, 2]))\n" and needs_pytest
    )
    less = Call("c2", "V.__lt__", "V(1) < V(2)", False)
    assert _assertion(less, {"kind": "value", "repr": "False"}) == (
        "    assert not (V(1) < V(2))\n",
        False,
    )
    assert _assertion(less, {"kind": "value", "repr": "True"}) == (
        "    assert V(1) < V(2)\n",
        False,
    )
    flag = Call("c3", "isvalid", "isvalid('')", False)
    assert _assertion(flag, {"kind": "value", "repr": "False"}) == (
        "    assert isvalid('') is False\n",
        False,
    )
    body = "def test_a():\n    assert alpha(1) == beta\n"
    assert _tidy_import("from lib import alpha, beta, gamma", body) == "from lib import alpha, beta"
    many = ", ".join(f"function_number_{i}" for i in range(8))
    wrapped = _tidy_import(f"from lib import {many}", many)
    assert wrapped.startswith("from lib import (\n    function_number_0,\n") and wrapped.endswith(
        ")"
    )


def test_affix_checks_give_short_words_and_bytes_include_undecodable():
    source = """
def singular(word, data):
    if word.endswith(('s', 'es')) and len(word) == 2:
        return word[:-1]
    if word.startswith('un'):
        return word[2:]
    if isinstance(data, bytes):
        return data.decode('ascii')
    return word
"""
    pools = usage_pools(source, ["word", "data"], {})
    for value in ("'as'", "'abs'", "'aes'", "'una'", "'unab'"):
        assert value in pools["word"], pools["word"]
    assert r"b'\xe9'" in pools["data"], pools["data"]  # neither ASCII nor UTF-8


def test_iterated_parameter_gets_strings_with_an_empty_one():
    source = """
def quote(args):
    out = []
    for arg in args:
        if not arg:
            out.append("''")
    return out
"""
    assert "['', 'a', 'b c']" in usage_pools(source, ["args"], {})["args"]
