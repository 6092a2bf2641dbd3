"""The probe: run every proposed boundary call once in the sandbox and record what it
returned or raised, and which lines and branches of the target it reached.

The probe is itself a pytest file (one test per call) so the coverage plugin's per-test
contexts and time limit apply to each call; each test writes its call's outcome to a
small JSON file the plugin sends back. From that, ``to_candidates`` writes the
characterisation tests (``assert f(0) == 1``, ``pytest.raises``), keeping only calls
that reach something new, and ``suspected_bugs`` names crashes on well-typed input.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, replace

from devlab.testing.models import SuspectedBug
from devlab.testing.pyobjects import operand
from devlab.testing.strategies import Call, Candidate
from devlab.testing.targets import Target

__all__ = ["PROBE_HEADER", "Coverage", "probe_file", "to_candidates"]

PROBE_HEADER = '''"""DevLab probe (devlab/testing/probe.py): one call per test, outcome kept."""
import ast as _ast
import itertools as _itertools
import json as _json
import os as _os
import sys as _sys
import types as _types
from types import SimpleNamespace

_DIR = "/tmp/devlab-probe"


def _regexes(value):
    """Patterns an object built for itself (compiled, or regex-like strings): the
    planner writes strings they match, for the object's methods (pyregex)."""
    found = []
    marks = ("(?P<", ".+", "[^", ".*", chr(92) + "d", chr(92) + "s")
    try:
        for item in list(vars(value).values())[:40]:
            pattern = item if isinstance(item, str) else getattr(item, "pattern", None)
            if isinstance(pattern, str) and 2 < len(pattern) < 2000 and any(
                    t in pattern for t in marks):
                found.append(pattern)
    except Exception:
        pass
    return found[:3]


def _describe(value):
    text = repr(value)
    try:
        literal = (len(text) < 500 and _ast.literal_eval(text) == value
                   and repr(_ast.literal_eval(text)) == text)
    except Exception:
        literal = False
    if not literal and len(text) < 200 and " at 0x" not in text:
        try:  # an object whose repr rebuilds an equal one: VersionInfo(major=1, ...)
            literal = bool(eval(text, globals()) == value)
        except Exception:
            literal = False
    return text, literal


def _quiet(fn, *args):
    """Run ``fn`` untraced: the probe's own ``repr``/``==`` of a result must not count as
    lines the call reached (a test asserting the type never runs ``__repr__``)."""
    trace = _sys.gettrace()
    _sys.settrace(None)
    try:
        return fn(*args)
    finally:
        _sys.settrace(trace)


def _rec(key, fn):
    _os.makedirs(_DIR, exist_ok=True)
    out = {}
    during = "call"
    try:
        value = fn()
        kind = type(value)  # the class, not the object: a __getattr__ answers any name
        if isinstance(value, _types.GeneratorType) or (
                hasattr(kind, "__next__") and hasattr(kind, "__iter__")):
            during = "iteration"  # a lazy function raises only when its items are taken
            items = list(_itertools.islice(value, 101))
            if len(items) > 100:
                out = {"kind": "object", "type": type(value).__name__}
            else:
                value, out["iter"] = items, True
        if "kind" not in out:
            text, literal = _quiet(_describe, value)
            out.update(kind="value" if literal else "object", repr=text[:1500],
                       type=type(value).__name__, none=value is None)
            if out.get("iter") and not literal:  # the items' types: iterated in the test
                out["items"] = [type(item).__name__ for item in value][:20]
            if not literal:
                out["regexes"] = _regexes(value)
    except BaseException as exc:
        if type(exc).__name__ == "DevLabTestTimeout":
            raise
        out = {"kind": "raised", "type": type(exc).__name__, "during": during,
               "module": type(exc).__module__, "message": str(exc)[:300]}
    with open(_os.path.join(_DIR, key + ".json"), "w", encoding="utf-8") as handle:
        _json.dump(out, handle)
'''

_BUG_EXCEPTIONS = frozenset(
    {
        "ZeroDivisionError",
        "AttributeError",
        "TypeError",
        "IndexError",
        "KeyError",
        "UnboundLocalError",
        "NameError",
        "RecursionError",
        "AssertionError",
    }
)


@dataclass
class Coverage:
    """Lines and branch arcs of the target file (``arcs`` only those that are branches)."""

    lines: set[int]
    arcs: set[tuple[int, int]]

    def new_over(self, other: Coverage) -> tuple[int, int]:
        return len(self.lines - other.lines), len(self.arcs - other.arcs)

    def add(self, other: Coverage) -> None:
        self.lines |= other.lines
        self.arcs |= other.arcs


def probe_file(calls: list[Call], imports: list[str]) -> str:
    extra = list(dict.fromkeys(i for c in calls for i in c.imports))
    body = [PROBE_HEADER, *imports, *extra, ""]
    for call in calls:
        # a failing setup leaves no record, and passes: a failing test's traceback costs
        # pytest a hundred times more than the call (minutes over a round of setups)
        setup = "".join(f"        {line}\n" for line in call.setup)
        guard = f"    try:\n{setup}    except Exception:\n        return\n" if setup else ""
        body.append(f"\ndef test_{call.id}():\n{guard}    _rec({call.id!r}, lambda: {call.expr})\n")
    return "\n".join(body)


def _is_builtin_exception(name: str) -> bool:
    obj = getattr(builtins, name, None)
    return isinstance(obj, type) and issubclass(obj, BaseException)


def _is_comparison(expr: str) -> bool:
    try:
        return isinstance(ast.parse(expr, mode="eval").body, ast.Compare)
    except SyntaxError:
        return False


def _assertion(call: Call, out: dict) -> tuple[str, bool] | None:
    """The test body for one probed call, and whether it needs ``pytest``."""
    kind = out.get("kind")
    expr = operand(call.expr)
    if kind == "value":
        if out.get("none"):
            return f"    assert {expr} is None\n", False
        if out.get("repr") in ("True", "False") and not out.get("iter"):
            if _is_comparison(call.expr):  # assert a < b / assert not (a < b)
                shown = call.expr if out["repr"] == "True" else f"not {expr}"
                return f"    assert {shown}\n", False
            return f"    assert {expr} is {out['repr']}\n", False
        wrap = f"list({call.expr})" if out.get("iter") else expr
        return f"    assert {wrap} == {out['repr']}\n", False
    if kind == "object":
        if out.get("iter") and out.get("items") is not None and len(out["items"]) <= 20:
            # lazy results of objects: take the items, as a caller does (``__next__`` runs)
            names = out["items"]
            return f"    assert [type(x).__name__ for x in {call.expr}] == {names!r}\n", False
        if " at 0x" in out.get("repr", "") and out.get("iter"):
            return None
        return f"    assert type({call.expr}).__name__ == {out['type']!r}\n", False
    if kind == "raised":
        name = out["type"]
        if out.get("during") == "iteration":
            call = replace(call, expr=f"list({call.expr})")
        builtin = _is_builtin_exception(name) and out.get("module") == "builtins"
        if builtin and issubclass(getattr(builtins, name), Exception):
            return f"    with pytest.raises({name}):\n        {call.expr}\n", True
        return (
            f"    with pytest.raises(BaseException) as info:\n        {call.expr}\n"
            f"    assert type(info.value).__name__ == {name!r}\n"
        ), True
    return None


def to_candidates(
    calls: list[Call],
    probe: dict[str, dict],
    per_call: dict[str, Coverage],
    covered: Coverage,
    targets: dict[str, Target],
    imports: tuple[str, ...] = (),
) -> tuple[list[Candidate], list[SuspectedBug]]:
    """Characterisation tests for the calls that reach new lines or branches (greedy,
    in call order; ``covered`` grows), and the calls that look like bugs."""
    found: list[Candidate] = []
    bugs: list[SuspectedBug] = []
    counters: dict[str, int] = {}
    for call in calls:
        out = probe.get(call.id)
        if not out:
            continue  # timed out or never ran
        target = targets.get(call.target)
        if (
            out.get("kind") == "raised"
            and call.annotated
            and target is not None
            and out["type"] in _BUG_EXCEPTIONS
            and out["type"] not in target.raises
        ):
            if any(b.target == call.target and b.exception == out["type"] for b in bugs):
                continue  # one report per function and exception
            bugs.append(
                SuspectedBug(
                    target=call.target,
                    call=call.expr,
                    exception=out["type"],
                    message=out.get("message", ""),
                )
            )
            continue
        cov = per_call.get(call.id)
        if cov is None or cov.new_over(covered) == (0, 0):
            continue
        body = _assertion(call, out)
        if body is None:
            continue
        if call.setup:  # a sequence: its statements first, then the observed call
            body = ("".join(f"    {line}\n" for line in call.setup) + body[0], body[1])
        covered.add(cov)
        slug = call.target.replace(".", "_").lower().strip("_")
        counters[slug] = counters.get(slug, 0) + 1
        name = f"test_{slug}_{'raises' if out['kind'] == 'raised' else 'case'}_{counters[slug]}"
        needs = (("import pytest",) if body[1] else ()) + imports + call.imports
        if "SimpleNamespace(" in call.expr:
            needs += ("from types import SimpleNamespace",)
        found.append(Candidate(name, "boundary", call.target, f"def {name}():\n{body[0]}", needs))
    return found, bugs
