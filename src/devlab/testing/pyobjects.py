"""Objects to call methods on, and call sequences on them (Randoop/Pynguin-style, kept
small and readable).

Where instances come from, most trustworthy first:

1. the module's own docstring examples: every ``>>>`` line that builds an instance of a
   class of the module from literals (``semver.VersionInfo.parse('3.4.5-pre.2+build.4')``,
   ``VersionInfo(1, 2, 3, 'rc.1', 'build.4')``) is a valid construction by the authors'
   own account; the module prefix is dropped (the test imports the names);
2. the constructor's signature with values from its parameters' pools;
3. (coverage-guided rounds) any probed call that returned an instance of a class of the
   module (``VersionInfo.parse('1.2.3').bump_minor()``): its expression becomes a
   receiver for the methods whose lines are still missed, so sequences grow one call at
   a time as long as they reach new code.

On those receivers: each method with argument combinations, comparison operators
against other receivers and foreign values (``==``, ``<`` ... where the class defines
them, decorated or not), property reads, and property writes through ``setattr`` (a
read-only property's ``AttributeError`` becomes a ``pytest.raises`` test).
"""

from __future__ import annotations

import ast

from devlab.testing.targets import inherited_methods

__all__ = ["ClassInfo", "class_infos", "docstring_builders", "object_calls", "operand"]

_OPERATORS = {
    "__eq__": "==", "__ne__": "!=", "__lt__": "<", "__le__": "<=", "__gt__": ">",
    "__ge__": ">=", "__add__": "+", "__sub__": "-", "__contains__": "in",
}  # fmt: skip
_FOREIGN = ["'1.0.0'", "{'major': 1}", "(1, 0, 0)", "1", "None"]
_MAX_BUILDERS = 6


class ClassInfo:
    """A class of the module: its operators, properties and read-only properties."""

    def __init__(self, node: ast.ClassDef) -> None:
        self.name = node.name
        self.operators: list[str] = []
        self.properties: list[str] = []
        self.setters: list[str] = []
        self.dunders: set[str] = set()  # every ``__x__`` it defines (``pystate``'s protocols)
        self.methods: list[str] = []  # its public plain methods
        self.lines = set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        self.bases = [ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases]
        for item in node.body:
            if isinstance(item, ast.Assign):  # ``__radd__ = __add__``: an alias is defined too
                names = [t.id for t in item.targets if isinstance(t, ast.Name)]
                self.dunders |= {n for n in names if n.startswith("__") and n.endswith("__")}
            if not isinstance(item, ast.FunctionDef):
                continue
            decos = {ast.unparse(d) for d in item.decorator_list}
            if item.name.startswith("__") and item.name.endswith("__"):
                self.dunders.add(item.name)
            elif not item.name.startswith("_") and not decos:
                self.methods.append(item.name)
            if item.name in _OPERATORS:
                self.operators.append(item.name)
            if "property" in decos and not item.name.startswith("_"):
                self.properties.append(item.name)
            if any(d.endswith(".setter") for d in decos) and not item.name.startswith("_"):
                self.setters.append(item.name)


def class_infos(source: str) -> dict[str, ClassInfo]:
    """The public top-level classes of ``source`` (empty when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    inherited = inherited_methods(tree)
    out = {}
    for n in tree.body:
        if isinstance(n, ast.ClassDef) and not n.name.startswith("_"):
            more = inherited.get(n.name, [])
            whole = ast.ClassDef(n.name, n.bases, n.keywords, [*n.body, *more], n.decorator_list)
            info = ClassInfo(ast.copy_location(whole, n))
            for item in more:  # what it inherits from a private base is its code too
                info.lines |= set(range(item.lineno, (item.end_lineno or item.lineno) + 1))
            out[n.name] = info
    return out


def _literal_args(call: ast.Call) -> bool:
    try:
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            ast.literal_eval(arg)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return False
    return all(k.arg is not None for k in call.keywords)


def _strip(node: ast.expr, prefixes: set[str]) -> ast.expr:
    """``semver.VersionInfo`` -> ``VersionInfo`` (the tests import the names)."""
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id in prefixes:
            return ast.Name(node.attr, ast.Load())
        node.value = _strip(node.value, prefixes)
    return node


def docstring_builders(source: str, module: str, classes: set[str]) -> dict[str, list[str]]:
    """Per class: literal-only constructions of it in the module's ``>>>`` lines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    prefixes = {module, module.rsplit(".", 1)[-1]}
    found: dict[str, list[str]] = {c: [] for c in classes}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef):
            continue
        doc = ast.get_docstring(node) or ""
        for line in doc.splitlines():
            code = line.strip()
            if not code.startswith(">>>"):
                continue
            try:
                expr = ast.parse(code[3:].strip())
            except SyntaxError:
                continue
            for call in ast.walk(expr):
                if not isinstance(call, ast.Call) or not _literal_args(call):
                    continue
                func = _strip(call.func, prefixes)
                head = func.value if isinstance(func, ast.Attribute) else func
                if isinstance(head, ast.Name) and head.id in classes:
                    call.func = func
                    text = ast.unparse(call)
                    if len(text) < 80:
                        found[head.id].append(text)
    return {c: list(dict.fromkeys(v))[:_MAX_BUILDERS] for c, v in found.items() if v}


def operand(expr: str) -> str:
    """``expr`` as an operand: parenthesised unless it is an atom, a call or a literal."""
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return f"({expr})"
    atoms = ast.Call | ast.Name | ast.Attribute | ast.Constant | ast.Subscript | ast.List | ast.Dict
    if isinstance(node, atoms) or (isinstance(node, ast.Tuple) and expr.startswith("(")):
        return expr
    return f"({expr})"


def object_calls(info: ClassInfo, receivers: list[str], others: list[str]) -> list[tuple[str, str]]:
    """``(target, expression)`` pairs: operators against other receivers and foreign
    values, property reads and writes, on every receiver (bounded by the caller)."""
    out: list[tuple[str, str]] = []
    for i, recv in enumerate(receivers):
        r = operand(recv)
        for op in info.operators:
            sym = _OPERATORS[op]
            partners = [*others[i : i + 2], *others[:1], *_FOREIGN] if i < 2 else others[:2]
            for other in dict.fromkeys(partners):
                expr = f"{other} in {r}" if sym == "in" else f"{r} {sym} {operand(other)}"
                out.append((f"{info.name}.{op}", expr))
        for prop in info.properties:
            out.append((f"{info.name}.{prop}", f"{r}.{prop}"))
            if i == 0:
                out.append((f"{info.name}.{prop}", f"setattr({recv}, {prop!r}, 1)"))
    return out
