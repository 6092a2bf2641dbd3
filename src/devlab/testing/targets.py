"""What can be called in a module: functions and methods with their parameters, the
constants their branches compare against, their docstring examples and the exceptions
they raise on purpose.

Python's ``ast`` reads the target here (the generated tests must import and call it with
Python 3.11 too, so code ``ast`` cannot parse cannot be tested this way either; that is
reported, never silent).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

__all__ = ["Param", "Target", "find_targets", "inherited_methods"]

_MAX_CONSTANTS = 8
# Decorators that leave a function callable the way its signature says.
_PLAIN_DECORATORS = frozenset({
    "staticmethod", "classmethod", "functools.wraps", "wraps", "curry", "toolz.curry",
    "functools.lru_cache", "lru_cache", "cache", "functools.cache",
})  # fmt: skip


@dataclass
class Param:
    name: str
    annotation: str = ""  # the annotation's source ("" when none)
    default: str | None = None  # the default's source (None when required)
    kind: str = "positional"  # positional | keyword


@dataclass
class Target:
    """One callable: ``qualname`` is ``f`` or ``Class.method``."""

    qualname: str
    name: str
    cls: str | None
    params: list[Param]
    start_line: int
    end_line: int
    source: str
    docstring: str
    has_examples: bool
    constants: list[str] = field(default_factory=list)  # literal sources seen in the body
    raises: set[str] = field(default_factory=set)  # exception names raised on purpose
    is_static: bool = False
    init_params: list[Param] = field(default_factory=list)
    is_generator: bool = False
    varargs: str | None = None  # the name of ``*args`` when it has one
    varkw: str | None = None  # the name of ``**kwargs`` when it has one

    @property
    def annotated(self) -> bool:
        return bool(self.params) and all(p.annotation for p in self.params)


def _params(fn: ast.FunctionDef | ast.AsyncFunctionDef, skip_first: bool) -> list[Param]:
    args = fn.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    pairs = list(zip(positional, defaults, strict=True))[1 if skip_first else 0 :]
    out = [
        Param(
            a.arg,
            ast.unparse(a.annotation) if a.annotation else "",
            ast.unparse(d) if d is not None else None,
        )
        for a, d in pairs
    ]
    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if d is None:
            out.append(
                Param(a.arg, ast.unparse(a.annotation) if a.annotation else "", None, "keyword")
            )
    return out


def _constants(fn: ast.AST) -> list[str]:
    seen: list[str] = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Compare):
            for part in [node.left, *node.comparators]:
                if isinstance(part, ast.Constant) and isinstance(part.value, int | float | str):
                    if isinstance(part.value, bool):
                        continue
                    seen.append(repr(part.value))
                    if isinstance(part.value, int):
                        seen += [repr(part.value - 1), repr(part.value + 1)]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and 0 < len(node.value) < 30
            and "\n" not in node.value
        ):
            seen.append(repr(node.value))
    unique = list(dict.fromkeys(seen))
    return unique[:_MAX_CONSTANTS]


def _raises(fn: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(exc, ast.Name):
                names.add(exc.id)
            elif isinstance(exc, ast.Attribute):
                names.add(exc.attr)
    return names


def _is_generator(fn: ast.AST) -> bool:
    return any(isinstance(n, ast.Yield | ast.YieldFrom) for n in ast.walk(fn))


def _decorators(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    return {ast.unparse(d).split("(")[0] for d in fn.decorator_list}


def _target(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str], cls: str | None,
    init: list[Param],
) -> Target | None:  # fmt: skip
    if isinstance(fn, ast.AsyncFunctionDef):
        return None  # coroutines need an event loop in the test: not generated here
    decorators = _decorators(fn)
    unknown = decorators - _PLAIN_DECORATORS
    if unknown and (cls is not None or "property" in decorators):
        return None  # properties and wrapped methods: not plain calls
    is_static = "staticmethod" in decorators or "classmethod" in decorators
    skip_first = cls is not None and "staticmethod" not in decorators
    params = _params(fn, skip_first)
    doc = ast.get_docstring(fn) or ""
    end = fn.end_lineno or fn.lineno
    return Target(
        qualname=f"{cls}.{fn.name}" if cls else fn.name,
        name=fn.name,
        cls=cls,
        params=params,
        start_line=fn.lineno,
        end_line=end,
        source="\n".join(lines[fn.lineno - 1 : end]),
        docstring=doc,
        has_examples=">>>" in doc,
        constants=_constants(fn),
        raises=_raises(fn),
        is_static=is_static,
        init_params=init,
        is_generator=_is_generator(fn),
        varargs=fn.args.vararg.arg if fn.args.vararg else None,
        varkw=fn.args.kwarg.arg if fn.args.kwarg else None,
    )


def inherited_methods(tree: ast.Module) -> dict[str, list[ast.FunctionDef]]:
    """Per public top-level class: the methods it inherits from private classes of the
    same module (``class TTLCache(_TimedCache)``) and does not define itself, nearest base
    first. A private base is never a target, so without this its methods (``get``,
    ``clear`` on a timed cache) would be called by no test."""
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    out: dict[str, list[ast.FunctionDef]] = {}
    for name, node in classes.items():
        if name.startswith("_"):
            continue
        have = {f.name for f in node.body if isinstance(f, ast.FunctionDef)}
        todo = [ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases]
        seen: set[str] = set()
        while todo:
            base = todo.pop(0)
            if base in seen or not base.startswith("_") or base not in classes:
                continue
            seen.add(base)
            for item in classes[base].body:
                if isinstance(item, ast.FunctionDef) and item.name not in have:
                    have.add(item.name)
                    out.setdefault(name, []).append(item)
            todo += [ast.unparse(b).rsplit(".", 1)[-1] for b in classes[base].bases]
    return out


def find_targets(source: str, symbol: str | None = None) -> list[Target]:
    """Public functions and methods of ``source`` (one when ``symbol`` names it).

    Raises ``SyntaxError`` when Python 3.11 cannot parse the file.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    out: list[Target] = []
    inherited = inherited_methods(tree)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("_") and symbol != node.name:
                continue
            found = _target(node, lines, None, [])
            if found:
                out.append(found)
        elif isinstance(node, ast.ClassDef) and (not node.name.startswith("_") or symbol):
            init: list[Param] = []
            body = [*node.body, *inherited.get(node.name, [])]
            for item in body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    init = _params(item, True)
                    break
            for item in body:
                if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                public = not item.name.startswith("_") or item.name in (
                    "__init__",
                    "__eq__",
                    "__repr__",
                    "__len__",
                    "__contains__",
                    "__iter__",
                    "__getitem__",
                    "__call__",
                    "__str__",
                    "__hash__",
                    "__lt__",
                    "__add__",
                )
                if not public:
                    continue
                found = _target(item, lines, node.name, init)
                if found:
                    out.append(found)
    examples = _example_literals(out)
    for t in out:  # values the docs show are valid inputs (a version string, a date, ...)
        own = _example_literals([t])  # its own examples first, then its branch constants
        t.constants = list(dict.fromkeys([*own[:4], *t.constants, *examples]))
        t.constants = t.constants[: _MAX_CONSTANTS * 2]
    if symbol:
        out = [t for t in out if symbol in (t.qualname, t.name, t.cls)]
    return out


def _example_literals(targets: list[Target]) -> list[str]:
    """String and number literals inside the ``>>>`` lines of the module's docstrings."""
    found: list[str] = []
    for t in targets:
        for line in t.docstring.splitlines():
            code = line.strip()
            if not code.startswith(">>>"):
                continue
            try:
                tree = ast.parse(code[3:].strip())
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                value = node.value if isinstance(node, ast.Constant) else None
                literal = isinstance(value, str | int | float) and not isinstance(value, bool)
                if literal and len(repr(value)) < 40:
                    found.append(repr(value))
    return list(dict.fromkeys(found))[:_MAX_CONSTANTS]
