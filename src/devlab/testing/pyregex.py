"""Strings that a regular expression matches, and the regexes a module works with.

Parsers and validators (a date parser, a format-string parser, a version parser) branch
on what their regular expressions matched: random strings never get past the first
``if not m``. Their regexes say exactly which strings get in, so the strategies take
the module's regexes (module-level string constants and ``re.compile``/``re.match``
arguments, and at run time the regexes an object built for itself, read by the probe)
and write *witnesses*: a few short strings each regex matches, with the optional parts
left out, all taken once, and in seeded random mixes (other branches of ``a|b``, other
repeat counts). Digits are mostly ``1`` so a witness of ``\\d{4}-\\d\\d-\\d\\d`` is a valid
date (``1111-11-11``); the random mixes put other digits in, which reaches the
out-of-range paths too.

Python's own regex parser (``re._parser``) reads the pattern; a pattern it rejects, or
one with back references or look-arounds it cannot satisfy simply, gives fewer or no
witnesses (never an error). Bounded: at most ``limit`` witnesses of ``_MAX_LEN`` chars.
"""

from __future__ import annotations

import ast
import random
import re
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

__all__ = ["drawn_witnesses", "format_fields", "module_regexes", "type_letters", "witnesses"]

_MAX_LEN = 80
_MAX_PATTERN = 2000
_MAX_REPEAT = 3
_CATEGORY = {
    "CATEGORY_DIGIT": "1",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
}
_REGEX_HINT = re.compile(r"\\[dswDSWb]|\[[^\]]+\]|\(\?P<|[+*?]\)|\{\d+(,\d*)?\}")
_PROSE = re.compile(r"(?:[A-Za-z]{3,} ){3}")  # a sentence, not a pattern
_RE_FUNCS = frozenset({"compile", "match", "fullmatch", "search", "findall", "finditer", "sub"})


class _Gen:
    """One walk over a parsed pattern; ``mode`` is ``min``, ``one`` or ``random``."""

    def __init__(self, mode: str, rng: random.Random) -> None:
        self.mode, self.rng = mode, rng
        self.groups: dict[int, str] = {}

    def seq(self, items: Any) -> str:
        return "".join(self.item(op, av) for op, av in items)

    def item(self, op: Any, av: Any) -> str:
        name = str(op)
        if name == "LITERAL":
            return chr(av)
        if name == "NOT_LITERAL":
            return "a" if chr(av) != "a" else "b"
        if name == "ANY":
            return "a"
        if name == "IN":
            return self.charset(av)
        if name == "BRANCH":
            options = av[1]
            pick = self.rng.randrange(len(options)) if self.mode == "random" else 0
            return self.seq(options[pick])
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = av
            high = _MAX_REPEAT if high == _c.MAXREPEAT else min(high, low + _MAX_REPEAT)
            count = low
            if self.mode == "one":
                count = max(low, min(1, high))
            elif self.mode == "random":
                count = self.rng.randint(low, max(low, min(high, low + 2)))
            return "".join(self.seq(sub) for _ in range(count))
        if name == "SUBPATTERN":
            group, sub = av[0], av[-1]
            text = self.seq(sub)
            if group is not None:
                self.groups[group] = text
            return text
        if name == "GROUPREF":
            return self.groups.get(av, "")
        if name in ("AT", "ASSERT_NOT", "ASSERT"):
            return ""  # anchors and look-arounds: nothing to write
        raise ValueError(f"unsupported regex node {name}")

    def charset(self, items: Any) -> str:
        negate = any(str(op) == "NEGATE" for op, _ in items)
        if negate:
            banned = {chr(av) for op, av in items if str(op) == "LITERAL"}
            return next(ch for ch in "a1-x " if ch not in banned)
        choices: list[str] = []
        for op, av in items:
            kind = str(op)
            if kind == "LITERAL":
                choices.append(chr(av))
            elif kind == "RANGE":
                low, high = av
                one = ord("1")
                choices.append(chr(one) if low <= one <= high else chr(low))
            elif kind == "CATEGORY":
                choices.append(_CATEGORY.get(str(av), "a"))
        if not choices:
            raise ValueError("empty character set")
        return self.rng.choice(choices) if self.mode == "random" else choices[0]


def witnesses(pattern: str, limit: int = 6, seed: int = 0) -> list[str]:
    """Up to ``limit`` distinct strings that ``pattern`` matches (checked with
    ``re.match``: a look-ahead may leave a tail); ``[]`` when the pattern does not parse
    or none can be written."""
    if not pattern or len(pattern) > _MAX_PATTERN:
        return []
    try:
        parsed = _p.parse(pattern)
        compiled = re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return []
    rng = random.Random(f"{seed}:{pattern}")
    found: list[str] = []
    for mode in ["one", "min", *["random"] * (limit * 2)]:
        try:
            text = _Gen(mode, rng).seq(parsed)
        except (ValueError, StopIteration, RecursionError, KeyError):
            continue
        fresh = bool(text) and len(text) <= _MAX_LEN and text not in found
        if fresh and compiled.match(text):
            found.append(text)
        if len(found) >= limit:
            break
    return found


def drawn_witnesses(pattern: str, limit: int = 4) -> list[str]:
    """Up to ``limit`` strings ``pattern`` matches, drawn by Hypothesis' ``from_regex``
    (derandomised: the same strings every run): the patterns the walk above cannot
    write (look-arounds, back references) and more variety for those it can. ``[]``
    when Hypothesis is missing or the pattern does not compile."""
    if not pattern or len(pattern) > _MAX_PATTERN:
        return []
    try:
        compiled = re.compile(pattern)
        from hypothesis import HealthCheck, Phase, given, settings
        from hypothesis import strategies as st
    except (re.error, RecursionError, OverflowError, ImportError):
        return []
    found: list[str] = []

    @settings(
        max_examples=limit * 4,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(st.from_regex(compiled))
    def draw(text: str) -> None:
        fits = text and len(text) <= _MAX_LEN and text.isprintable() and compiled.match(text)
        if fits and text not in found:
            found.append(text)

    try:
        draw()
    except Exception:  # a pattern Hypothesis cannot draw from: what it drew so far
        return found[:limit]
    found.sort(key=lambda t: (not t.isascii(), len(t)))  # short ASCII first: readable tests
    return found[:limit]


def _looks_like_regex(text: str) -> bool:
    if len(text) < 3 or len(text) > _MAX_PATTERN or not _REGEX_HINT.search(text):
        return False
    try:
        re.compile(text)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


_FLAGS = {"VERBOSE": "x", "X": "x", "IGNORECASE": "i", "I": "i", "DOTALL": "s", "S": "s",
          "MULTILINE": "m", "M": "m", "ASCII": "a", "A": "a"}  # fmt: skip


def _inline_flags(call: ast.Call) -> str:
    """The flags a ``re`` call passes (``re.VERBOSE | re.I``), as an inline prefix
    (``(?xi)``): a verbose pattern read without its flag matches nothing it documents."""
    args = [*call.args[1:], *(k.value for k in call.keywords if k.arg == "flags")]
    names = {n.attr for a in args for n in ast.walk(a) if isinstance(n, ast.Attribute)}
    letters = "".join(sorted({_FLAGS[n] for n in names if n in _FLAGS}))
    return f"(?{letters})" if letters else ""


def module_regexes(source: str, limit: int = 24) -> list[str]:
    """The regex sources of a module: string arguments of ``re.compile``/``re.match`` ...
    and string constants that look like patterns (escapes, classes, named groups)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _RE_FUNCS and node.args:
                first = node.args[0]
                text = first.value if isinstance(first, ast.Constant) else None
                if isinstance(text, str):
                    text = _inline_flags(node) + text  # re.VERBOSE -> (?x)...
                    if _looks_like_regex(text) or node.func.attr == "compile":
                        found.append(text)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if (
                "%s" not in text
                and "\n" not in text
                and not _PROSE.search(text)
                and (_looks_like_regex(text))
            ):
                found.append(text)
    return list(dict.fromkeys(found))[:limit]


def type_letters(source: str, limit: int = 32) -> list[str]:
    """Short codes the module compares strings with (``type == "ti"``) or keys its lookup
    tables with (``{"%Y": ...}``): the letters of its own format or type mini-language,
    for ``format_fields``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    found: list[str] = []
    table: list[str] = []  # keys of the module's lookup tables ({"%Y": ..., "%m": ...})
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            codes = [k for k in keys if isinstance(k, str) and 1 <= len(k) <= 3]
            table += [k for k in codes if k.strip() and not k.isalpha()]  # '%Y', not 'Jan'

        if not isinstance(node, ast.Compare):
            continue
        for part in [node.left, *node.comparators]:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                text = part.value
                if 1 <= len(text) <= 2 and (text.isalnum() or text == "%"):
                    found.append(text)
    if len(table) >= 3:  # a few keys alone, and three together (a composite spec)
        found += [*table[:4], "-".join(table[:3])]
    return list(dict.fromkeys(found))[:limit]


_FIELDS = [
    "'{}'", "'{name}'", "'a {} b'", "'{} {}'", "'{:d}'", "'{name:d}'", "'{:>5}'",
    "'{:x<5d}'", "'{:^6}'", "'{:05d}'", "'{:.2f}'", "'{:+d}'", "'{a.b}'", "'{a[b]}'",
    "'{a} {a}'", "'{a:d} {a:w}'", "'{{ {} }}'", "'{:s}'", "'{:3d}'", "'{:=5d}'",
    "'{:.3}'", "'{:5.2}'", "'{:5}'", "'{:*^7}'", "'{:.<5d}'", "'{a} and {b:d} and {c}'",
]  # fmt: skip


def format_fields(letters: list[str]) -> list[str]:
    """Format strings in ``str.format``'s field syntax: the common shapes (anonymous,
    named, dotted, indexed, aligned, padded, repeated names, escaped braces), one field
    per type letter of the module (``'{:ti}'``), then bare specs (``'05d'``, ``'ti'``), as
    Python literals."""
    out = list(_FIELDS)
    for i, letter in enumerate(letters):
        out.append(repr(f"{{:{letter}}}"))
        if i < 6:
            out.append(repr(f"x {{name:{letter}}} y"))
    specs = ["'>5'", "'05d'", "'x<5d'", "'.2f'", "'+d'", "'=5d'", "'^6'", "'<'", "'10.3f'"]
    out += [repr(letter) for letter in letters] + specs  # a spec alone: ``extract_format('>5')``
    return list(dict.fromkeys(out))
