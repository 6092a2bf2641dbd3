"""Correlated inputs: values that must agree with each other or with the module's code.

Three strategies for ``pysearch.CallPlanner``, all read from the module or from what its
own objects did at run time, none written for one library:

* **Format fields** (``format_calls``): a parameter named like a format (``format``,
  ``fmt``, ``template``, ``spec``) is tried with every shape of ``str.format``'s field
  syntax and one field per type letter the module compares with (``'{:ti}'`` where the
  body says ``type == "ti"``), each in its own call so no shape is crowded out.
* **Regex witnesses** (``regex_calls``): an object the probe saw holding a regex it built
  for itself (``Parser('{:d}')`` keeps ``'(?P<...>[-+ ]?\\d+)'``) has its one-text methods
  called with strings that regex matches (``pyregex.witnesses``), and the module's
  functions that take the same first argument as that class's constructor are called
  with the same pair (``parse('{:d}', '1')``): the two inputs agree because the second
  is written from what the module made of the first.
* **Private helpers' lines** (``reach``): lines of a private function or method count as
  lines of the public targets that call it (by name, transitively), so a target whose
  helpers are still short gets calls in the later rounds too (a ``__init__`` whose
  ``_handle_field`` is half covered).
"""

from __future__ import annotations

import ast
import re

from devlab.testing.pyobjects import operand
from devlab.testing.pyregex import witnesses
from devlab.testing.strategies import Call
from devlab.testing.targets import Target

__all__ = ["FORMAT_NAME", "format_calls", "reach", "regex_calls", "text_calls"]

FORMAT_NAME = re.compile(r"^(format|fmt|format_string|format_spec|fmt_string|template|spec)$")
_MAX_REGEX_CALLS = 400
_PER_RECEIVER = 3


def _required(t: Target) -> list[str]:
    return [p.name for p in t.params if p.default is None]


def format_calls(targets: list[Target], formats: list[str], shapes: dict) -> list[Call]:
    """Each format value in each format-like parameter's place, the others at their
    first shaped value (or ``''``)."""
    out: list[Call] = []
    for t in targets:
        names = _required(t)
        spots = [i for i, n in enumerate(names) if FORMAT_NAME.match(n)]
        if not spots or (t.cls and t.name != "__init__" and not t.is_static):
            continue
        base = [(shapes.get(t.qualname, {}).get(n) or ["''"])[0] for n in names]
        head = t.cls if t.name == "__init__" else (f"{t.cls}.{t.name}" if t.cls else t.name)
        for i in spots:
            for value in formats:
                args = [*base[:i], value, *base[i + 1 :]]
                out.append(Call("", t.qualname, f"{head}({', '.join(args)})", False))
    return out


def _flips(t: Target, i: int) -> list[str]:
    """Trailing keyword texts: none, and (for the first text only) each boolean option
    flipped (``evaluate_result=False``): the other side of its branch."""
    if i:
        return [""]
    flags = [p for p in t.params if p.default in ("True", "False")][:3]
    return ["", *(f", {p.name}={p.default != 'True'}" for p in flags)]


def text_calls(targets: list[Target], texts: list[str], shapes: dict) -> list[Call]:
    """Each text the module's regexes match in each ``str``-annotated required parameter's
    place (the others at their first shaped value), one call each: a pool of ten values
    would keep only a few of them."""
    out: list[Call] = []
    for t in targets:
        if t.cls and (t.name == "__init__" or not t.is_static):
            continue  # methods need receivers: the rounds' regex pairs cover them
        names = _required(t)
        spots = [
            i for i, p in enumerate(t.params)
            if p.default is None and p.annotation.removeprefix("Optional[").startswith("str")
        ]  # fmt: skip
        base = [(shapes.get(t.qualname, {}).get(n) or ["''"])[0] for n in names]
        head = f"{t.cls}.{t.name}" if t.cls else t.name
        for i in spots:
            for value in texts:
                args = [*base[:i], value, *base[i + 1 :]]
                out.append(Call("", t.qualname, f"{head}({', '.join(args)})", False))
    return out


def _first_literal(expr: str, cls: str) -> str | None:
    """``Parser('{:d}', x)`` -> ``'{:d}'`` (the constructor's first argument, a literal)."""
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or not node.args:
        return None
    if not (isinstance(node.func, ast.Name) and node.func.id == cls):
        return None
    try:
        ast.literal_eval(node.args[0])
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return None
    return ast.unparse(node.args[0])


def regex_calls(
    targets: list[Target], outcomes: dict[str, tuple[str, dict]], seed: int
) -> list[Call]:
    """Calls whose text argument matches a regex an earlier call's object built (see the
    module doc); at most ``_MAX_REGEX_CALLS``, receivers taken in turn."""
    inits = {t.cls: t for t in targets if t.name == "__init__" and t.cls and t.params}
    methods: dict[str, list[Target]] = {}
    for t in targets:
        one_text = len(_required(t)) == 1 and not t.name.startswith("__")
        if t.cls and one_text and not t.is_static:
            methods.setdefault(t.cls, []).append(t)
    per_receiver: list[list[Call]] = []
    seen: set[tuple[str, ...]] = set()
    for expr, (_, res) in sorted(outcomes.items(), key=lambda kv: len(kv[0])):
        cls, patterns = res.get("type", ""), tuple(res.get("regexes") or ())
        if not patterns or cls not in inits or res.get("kind") == "raised" or patterns in seen:
            continue
        seen.add(patterns)  # Parser('{}') and compile('{}') hold one regex: one of them
        texts = [w for p in patterns for w in witnesses(p, _PER_RECEIVER, seed)]
        texts = list(dict.fromkeys(texts))[: _PER_RECEIVER * 2]
        texts = texts if seed < 2 else texts[::-1]  # later rounds: the random mixes first
        first = _first_literal(expr, cls)
        key = inits[cls].params[0].name
        # parse(format, string) beside Parser(format).parse(string)
        funcs = [
            t for t in targets
            if first and t.cls is None and _required(t)[:1] == [key] and len(_required(t)) == 2
        ]  # fmt: skip
        calls = []
        for i, w in enumerate(texts):  # every callable on one text, then the next text
            for m in methods.get(cls, []):
                head = f"{operand(expr)}.{m.name}({w!r}"
                calls += [Call("", m.qualname, f"{head}{extra})", False) for extra in _flips(m, i)]
            for t in funcs if i == 0 else []:  # the function once: it builds the object
                head = f"{t.name}({first}, {w!r}"
                calls += [Call("", t.qualname, f"{head}{extra})", False) for extra in _flips(t, i)]
        if calls:
            per_receiver.append(calls)
    out: list[Call] = []
    for depth in range(max((len(c) for c in per_receiver), default=0)):
        out += [calls[depth] for calls in per_receiver if depth < len(calls)]
    return out[:_MAX_REGEX_CALLS]


def reach(source: str, targets: list[Target]) -> dict[str, set[int]]:
    """Per target: its own lines plus those of the private helpers it calls, by name,
    transitively (``self._handle_field(...)``, ``_helper(...)``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {t.qualname: set(range(t.start_line, t.end_line + 1)) for t in targets}
    helpers: dict[str, list[ast.FunctionDef]] = {}
    for node in ast.walk(tree):
        dunder = node.name.endswith("__") if isinstance(node, ast.FunctionDef) else True
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_") and not dunder:
            helpers.setdefault(node.name, []).append(node)

    def called(node: ast.AST) -> set[str]:
        names = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute) and sub.attr in helpers:
                names.add(sub.attr)
            elif isinstance(sub, ast.Name) and sub.id in helpers:
                names.add(sub.id)
        return names

    calls_of = {name: set().union(*(called(n) for n in nodes)) for name, nodes in helpers.items()}
    out: dict[str, set[int]] = {}
    for t in targets:
        lines = set(range(t.start_line, t.end_line + 1))
        todo = list(called(ast.parse(_dedent(t.source))) if t.source else [])
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for node in helpers[name]:
                lines |= set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            todo += calls_of.get(name, set()) - seen
        out[t.qualname] = lines
    return out


def _dedent(text: str) -> str:
    import textwrap

    try:
        ast.parse(textwrap.dedent(text))
    except SyntaxError:
        return "pass"
    return textwrap.dedent(text)
