"""Candidate tests, cheapest strategy first: docstring examples, boundary and error-path
calls from the signature and the branches, Hypothesis properties, then the model.

Every strategy only *proposes*: ``generate.py`` runs each candidate in the sandbox and
keeps it only when it passes three times, is deterministic and adds coverage. Boundary
calls are proposed as expressions (``f(0, '')``); a probe run in the sandbox tells what
each returns or raises, and the test asserts exactly that (a characterisation test).
"""

from __future__ import annotations

import builtins
import random
import re
from dataclasses import dataclass
from itertools import product

from devlab.testing.pyobjects import operand
from devlab.testing.targets import Param, Target

__all__ = [
    "Call",
    "Candidate",
    "boundary_calls",
    "doctest_candidates",
    "model_candidates_from_reply",
    "property_candidates",
]

# Values for a parameter, by annotation (a prefix match on the annotation's source).
_BY_TYPE: dict[str, list[str]] = {
    "int": ["0", "1", "-1", "2", "10", "-7", "1000"],
    "float": ["0.0", "1.5", "-2.25", "1e9"],
    "bool": ["True", "False"],
    "str": ["''", "'a'", "'abc'", "'Hello World'", "' '", "'a,b'"],
    "bytes": ["b''", "b'\\xe9'", "b'abc'"],  # the second decodes as neither ASCII nor UTF-8
    "list": ["[]", "[1]", "[3, 1, 2]", "['a', 'b']"],
    "tuple": ["()", "(1, 2)"],
    "dict": ["{}", "{'a': 1}", "{'a': 1, 'b': 2}"],
    "set": ["set()", "{1, 2}"],
    "None": ["None"],
    "Callable": ["len", "str", "abs", "bool"],
    "Iterable": ["[]", "[1, 2, 3]", "'abc'", "(1, 2)"],
    "Sequence": ["[]", "[1, 2, 3]", "'abc'"],
    "Mapping": ["{}", "{'a': 1}"],
}
_ANY = [
    "0",
    "1",
    "-1",
    "3",
    "''",
    "'abc'",
    "[]",
    "[1, 2, 3]",
    "{}",
    "{'a': 1}",
    "None",
    "True",
    "2.5",
    "(1, 2)",
    "len",
]
# Unannotated parameters: guess from the name (cheap, and often right).
_BY_NAME: list[tuple[str, list[str]]] = [
    (
        r"^(n|i|j|k|count|num|size|index|idx|width|depth|limit|start|stop|step|length)$",
        ["0", "1", "2", "5", "-1"],
    ),
    (
        r"^(s|text|string|name|word|prefix|suffix|sep|path|key_name|char)$",
        ["''", "'abc'", "'a b'", "'x'", "'aBc'"],  # the last: neither lower, upper nor title
    ),
    (
        r"^(seq|seqs|items|values|lst|xs|coll|iterable|data|elements|it|iter|sequence|ys"
        r"|\w+seq|\w+seqs|\w+_items)$",
        ["[]", "[1, 2, 3]", "[3, 1, 2, 3]", "(1, 2)", "'ab'"],
    ),
    (r"^(d|dct|dict|mapping|m|kwargs|dicts)$", ["{}", "{'a': 1}", "{'a': 1, 'b': 2}"]),
    (
        r"^(f|func|fn|key|pred|predicate|callback|function|binop|op)$",
        ["len", "str", "bool", "abs", "(lambda x: x)"],
    ),
    (r"^(flag|strict|reverse|default)$", ["True", "False", "None"]),
    (  # a format string: str.format fields (pyregex.format_fields has the full set)
        r"^(format|fmt|format_string|format_spec|fmt_string|template|spec)$",
        ["'{}'", "'{name}'", "'a {} b'", "'{:d}'"],
    ),
]
_MAX_CALLS = 48


@dataclass
class Call:
    """A proposed call: ``expr`` evaluates it in the test (``f(0)``, ``C(1).m(2)``)."""

    id: str
    target: str
    expr: str
    annotated: bool  # every argument came from the parameter's own annotation
    setup: tuple[str, ...] = ()  # statements run first (``obj = C(1)``, ``obj.freeze()``)
    imports: tuple[str, ...] = ()  # what ``setup``/``expr`` need (``import pickle``)

    @property
    def key(self) -> str:
        """The call with its setup: what makes two calls the same."""
        return "; ".join([*self.setup, self.expr])


@dataclass
class Candidate:
    name: str
    strategy: str  # doctest | boundary | property | model
    target: str
    code: str  # the test function(s)
    imports: tuple[str, ...] = ()


def _pool(param: Param, constants: list[str]) -> tuple[list[str], bool]:
    """Values for ``param`` and whether they follow its annotation."""
    ann = param.annotation.replace("typing.", "")
    values: list[str] = []
    typed = False
    if ann:
        optional = "Optional" in ann or "None" in ann
        core = re.sub(r"^Optional\[(.*)\]$", r"\1", ann).split("|")[0].strip()
        for prefix, options in _BY_TYPE.items():
            if core.startswith(prefix) or core.lower().startswith(prefix):
                values, typed = list(options), True
                break
        if optional:
            values.append("None")
        if typed and core.startswith(("int", "float")):
            values += [c for c in constants if re.fullmatch(r"-?\d+(\.\d+)?", c)]
        if typed and core.startswith("str"):
            values += [c for c in constants if c.startswith(("'", '"'))]
    if not values:
        for pattern, options in _BY_NAME:
            if re.match(pattern, param.name):
                values = list(options)
                break
    if not values:
        values = list(_ANY)
    if not typed:
        values += constants
    elif ann.startswith("str"):
        values += [c for c in constants if c.startswith(("'", '"'))]
    if param.default is not None:
        values.insert(0, param.default)
    return list(dict.fromkeys(values)), typed


def _args(params: list[Param], values: tuple[str, ...]) -> str:
    parts = []
    for p, v in zip(params, values, strict=True):
        parts.append(f"{p.name}={v}" if p.kind == "keyword" else v)
    return ", ".join(parts)


def _combos(pools: list[list[str]], rng: random.Random, limit: int) -> list[tuple[str, ...]]:
    """One-factor-at-a-time around the first values, then seeded random mixes."""
    if not pools:
        return [()]
    base = tuple(p[0] for p in pools)
    found = [base]
    for i, pool in enumerate(pools):
        for value in pool[1:]:
            found.append((*base[:i], value, *base[i + 1 :]))
    total = 1
    for pool in pools:
        total *= len(pool)
    if total <= limit:
        found += list(product(*pools))
    else:
        for _ in range(limit):
            found.append(tuple(rng.choice(pool) for pool in pools))
    return list(dict.fromkeys(found))[:limit]


_DUNDER_FORMS = {
    "__getitem__": "{r}[{a}]",
    "__iter__": "list({r})",
    "__str__": "str({r})",
    "__repr__": "repr({r})",
    "__len__": "len({r})",
    "__hash__": "hash({r}) == hash({r})",  # str hashes vary per process: never a value
    "__contains__": "{a} in {r}",
    "__call__": "{r}({a})",
}


def _spread(pool: list[str], nested: bool) -> list[str]:
    """Argument lists for ``*args``: none, one, two (items of a nested value apart)."""
    if nested:
        return ["", "[1, 3, 5], [2, 4]", "[1, 2], []", "[3, 1], [], [2]",
                "[1, 4], [2, 5], [3], [0, 6]", "[1, 2]"]  # fmt: skip
    return ["", *pool[:8], ", ".join(pool[:2])]


def _extras(target: Target, shapes: dict[str, list[str]]) -> list[str]:
    """Trailing ``*args`` / ``**kwargs`` argument texts to try (first: none)."""
    out = [""]
    if target.varargs:
        pool = shapes.get(target.varargs) or _ANY[:4]
        nested = bool(pool) and pool[0].startswith("[[")
        out += [x for x in _spread(pool, nested) if x]
    if target.varkw:
        keys = shapes.get(f"**{target.varkw}") or [p.name for p in target.init_params][:2]
        keys = [k for k in keys if k.isidentifier()]  # a pool mixed with literals: names only
        if target.cls:
            keys.append("unknown")  # an unexpected keyword: the error path, or a plain entry
        spread = [x for x in out if x][:4]
        for key in keys:
            values, _ = _pool(Param(key), target.constants)
            out += [f"{key}={v}" for v in values[:2]]
            out += [f"{x}, {key}={v}" for x in spread for v in values[:2]]
    return list(dict.fromkeys(out))


def _form(name: str, receiver: str, args: str) -> str:
    form = _DUNDER_FORMS.get(name)
    if form and receiver:
        return form.format(r=receiver.removesuffix("."), a=args)
    return f"{receiver}{name}({args})"


def boundary_calls(
    target: Target,
    seed: int = 0,
    *,
    shapes: dict[str, list[str]] | None = None,
    receivers: list[str] | None = None,
    limit: int = _MAX_CALLS,
) -> list[Call]:
    """Calls of ``target`` at boundary and error-path inputs (see the module doc).

    ``shapes`` are the values each parameter's usage asks for (``pyshapes``), tried
    first; ``receivers`` are expressions building instances for a method (``pyobjects``);
    without them the method is called on one instance built from the constructor."""
    shapes = shapes or {}
    rng = random.Random(f"{seed}:{target.qualname}")
    required = [p for p in target.params if p.default is None]
    optional = [p for p in target.params if p.default is not None][:3]
    pools, typed = [], []
    for p in required:
        values, t = _pool(p, target.constants)
        shaped = shapes.get(p.name, [])
        pools.append(list(dict.fromkeys([*shaped[:8], *values]))[:10])
        typed.append(t and not shaped)
    calls: list[Call] = []
    recvs = [""]
    if target.cls is not None and target.name != "__init__" and not target.is_static:
        init_required = [p for p in target.init_params if p.default is None]
        init_pools = [_pool(p, [])[0][:3] for p in init_required]
        init_values = _combos(init_pools, rng, 3)
        built = f"{target.cls}({_args(init_required, init_values[0])})"
        recvs = [f"{operand(r)}." for r in dict.fromkeys([*(receivers or [])[:4], built])]
    elif target.cls is not None and target.name != "__init__":
        recvs = [f"{target.cls}."]
    name = (target.cls or target.name) if target.name == "__init__" else target.name
    extras = _extras(target, shapes)
    opt_calls = _optional_calls(target, optional, pools, shapes, recvs[0], name, rng)
    room = max(limit - len(opt_calls), 12)
    # a method of one parameter: every receiver with every value (bump on rc and final)
    width = len(pools[0]) if len(pools) == 1 and len(recvs) > 1 else 6
    per = max(room // len(recvs), width)
    for n, recv in enumerate(recvs):
        combos = _combos(pools, rng, per if n == 0 else max(per // 2, width))
        for i, combo in enumerate(combos):
            args = _args(required, combo)
            for extra in extras if i < 3 else extras[:1]:
                both = ", ".join(a for a in (args, extra) if a)
                calls.append(
                    Call("", target.qualname, _form(name, recv, both), all(typed) and bool(typed))
                )
    return [*calls[:1], *opt_calls, *calls[1:]][: limit + 12]


def _optional_calls(
    target: Target,
    optional: list[Param],
    pools: list[list[str]],
    shapes: dict[str, list[str]],
    recv: str,
    name: str,
    rng: random.Random,
) -> list[Call]:
    """The optional parameters: one at a time (on the first values of the required ones
    and on a random mix), then all of them at once."""
    required = [p for p in target.params if p.default is None]
    bases = list(dict.fromkeys([tuple(pool[0] for pool in pools),
                                tuple(rng.choice(pool) for pool in pools)]))  # fmt: skip
    out: list[Call] = []
    firsts = []
    for p in optional:
        values, _ = _pool(p, target.constants)
        shaped = shapes.get(p.name, [])
        options = [v for v in dict.fromkeys([*shaped[:12], *values[1:4]]) if v != p.default]
        firsts += [f"{p.name}={options[0]}"] if options else []
        # an option the body reads (a shaped one) with several first arguments too
        more = [(v, *bases[0][1:]) for v in pools[0][1:8]] if shaped and pools else []
        for base in [*bases, *more]:
            args = _args(required, base)
            for v in options if base == bases[0] else options[:2]:
                both = ", ".join(a for a in (args, f"{p.name}={v}") if a)
                out.append(Call("", target.qualname, f"{recv}{name}({both})", False))
    if len(firsts) > 1:
        both = ", ".join(a for a in (_args(required, bases[0]), *firsts) if a)
        out.append(Call("", target.qualname, f"{recv}{name}({both})", False))
    return out


def doctest_candidates(targets: list[Target], module: str) -> list[Candidate]:
    """One test per function whose docstring has ``>>>`` examples: doctest runs them
    against the function in its module's namespace."""
    found = []
    for t in targets:
        if not t.has_examples:
            continue
        obj = f"_mod.{t.qualname}"
        slug = t.qualname.replace(".", "_").lower()
        code = (
            f"def test_{slug}_docstring_examples():\n"
            f"    finder = doctest.DocTestFinder(recurse=False)\n"
            f"    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)\n"
            f"    names = {{**vars(_mod), {module.rsplit('.', 1)[-1]!r}: _mod}}\n"
            f"    for test in finder.find({obj}, globs=names):\n"
            f"        runner.run(test, out=lambda _text: None)\n"
            f"    assert runner.failures == 0\n"
        )
        found.append(
            Candidate(
                f"test_{slug}_docstring_examples",
                "doctest",
                t.qualname,
                code,
                ("import doctest", f"import {module} as _mod"),
            )
        )
    return found


_STRATEGY = {
    "int": "st.integers(min_value=-1000, max_value=1000)",
    "float": "st.floats(allow_nan=False, allow_infinity=False, width=32)",
    "bool": "st.booleans()",
    "str": "st.text(max_size=20)",
    "bytes": "st.binary(max_size=20)",
    "list[int]": "st.lists(st.integers(-100, 100), max_size=10)",
    "list[str]": "st.lists(st.text(max_size=5), max_size=10)",
    "list": "st.lists(st.integers(-100, 100), max_size=10)",
    "dict": "st.dictionaries(st.text(max_size=5), st.integers(), max_size=5)",
}


def property_candidates(targets: list[Target], imported: str) -> list[Candidate]:
    """Hypothesis properties for fully annotated functions: the function returns (or
    raises only what it raises on purpose) for any input of the annotated types, and
    gives the same answer twice for the same input."""
    found = []
    for t in targets:
        if t.cls is not None or not t.annotated or t.is_generator:
            continue
        strategies = []
        for p in t.params:
            ann = p.annotation.replace(" ", "")
            strategy = _STRATEGY.get(ann) or _STRATEGY.get(ann.split("[")[0])
            if strategy is None:
                break
            strategies.append(f"{p.name}={strategy}")
        else:
            names = ", ".join(f"{p.name}={p.name}" for p in t.params)
            allowed = ", ".join(sorted(t.raises))
            call = f"{t.name}({names})"
            body = (
                f"    try:\n        first = {call}\n    except ({allowed},):\n        return\n"
                if allowed
                else f"    first = {call}\n"
            )
            slug = t.name.lower()
            code = (
                "@settings(max_examples=25, derandomize=True, database=None, deadline=None,\n"
                "          phases=[Phase.explicit, Phase.generate],\n"
                "          suppress_health_check=list(HealthCheck))\n"
                f"@given({', '.join(strategies)})\n"
                f"def test_{slug}_property({', '.join(p.name for p in t.params)}):\n"
                f"{body}    assert {call} == first\n"
            )
            extra = tuple(
                f"from {imported} import {n}"
                for n in sorted(t.raises)
                if n[:1].isupper() and not hasattr(builtins, n)
            )
            found.append(
                Candidate(
                    f"test_{slug}_property",
                    "property",
                    t.qualname,
                    code,
                    (
                        "from hypothesis import HealthCheck, Phase, given, settings",
                        "from hypothesis import strategies as st",
                        f"from {imported} import {t.name}",
                        *extra,
                    ),
                )
            )
    return found


_TEST_DEF = re.compile(r"^def (test_\w+)\(", re.MULTILINE)


def model_candidates_from_reply(code: str, target: str) -> list[Candidate]:
    """Split the model's test file into one candidate per top-level test function; its
    import lines go with every candidate."""
    lines = code.splitlines()
    imports = tuple(ln for ln in lines if ln.startswith(("import ", "from ")))
    found = []
    starts = [m.start() for m in _TEST_DEF.finditer(code)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(code)
        chunk = code[start:end]
        # stop the chunk at the next top-level statement that is not part of the test
        kept = []
        for n, line in enumerate(chunk.splitlines()):
            if n and line and not line[0].isspace() and not line.startswith("#"):
                break
            kept.append(line)
        name = _TEST_DEF.match(chunk)
        if name:
            found.append(
                Candidate(name.group(1), "model", target, "\n".join(kept).rstrip() + "\n", imports)
            )
    return found
