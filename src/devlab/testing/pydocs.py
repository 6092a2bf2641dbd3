"""Inputs in the module's own language: the calls and texts its documentation shows.

A parser of structured text (an XML document, a URI template, a date) stops random
strings at its first check. Its authors, though, wrote valid inputs down: in ``>>>``
examples, in ``Examples::`` blocks of plain code, in indented sample documents, in the
README. ``harvest`` reads them all, none written for one library:

* **Documented calls**: every piece of Python in a docstring or a doc file (prompts
  ``>>>``/``...`` dropped, multi-line calls joined) that calls one of the module's
  functions or classes with literal arguments, the module prefix dropped
  (``xmltodict.parse('<a/>')`` -> ``parse('<a/>')``) and a variable the example built
  before replaced by its construction (``v = URIVariable('/var')`` then ``v.expand({...})``
  -> ``URIVariable('/var').expand({...})``). An argument that is not a literal (a callback
  the example defines) is left out when it is a keyword, and drops the call otherwise.
* **Sample texts**: every string literal of those examples, and every indented block
  after a line ending in ``:`` (rst ``::``) or fenced block of a doc file that is not
  Python but a document (``<servers>...``, ``[table]``): the module's own language.

``mutations`` then rewrites one piece of a documented call at a time, so both the
accepted and the rejected branches run: a text truncated, a field dropped, a digit
changed, its first character replaced by each one-character code the module compares
with; a mapping with one key dropped or one value swapped for ``None``, ``''``, a list, a
mapping and a list of pairs. Every call still goes through the probe and the keep rule.
"""

from __future__ import annotations

import ast
import copy
import posixpath
import random
import re
import textwrap
from dataclasses import dataclass, field

__all__ = [
    "DocExamples",
    "doc_sources",
    "forwarded_options",
    "harvest",
    "module_letters",
    "mutations",
    "option_values",
    "stream_forms",
    "text_variants",
    "with_option",
]

_MAX_WINDOW = 16  # lines a documented call may span
_MAX_TEXT = 4000  # characters of one sample text
_MAX_DOC_BYTES = 200_000  # a doc file read at most this far
_MAX_CALLS = 80
_MAX_TEXTS = 60
_DOC_FILE = re.compile(r"(^|/)(readme[^/]*|[^/]+\.(md|rst|txt))$", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)\s*([\w+-]*)")
_PROMPT = re.compile(r"^\s*(>>>|\.\.\.)( |$)")
_DOCUMENT_START = ("<", "{", "[")
_SEPARATORS = [",", "&", ";", "/", "\n", " ", ":", "-", ".", "="]


@dataclass
class DocExamples:
    """What the docs show: calls (expressions the tests can run) and sample texts."""

    calls: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # Python literals (``repr`` of a str)


def doc_sources(files: dict[str, str], path: str) -> list[str]:
    """The texts to read for ``path``: the docstrings of the module and of the other
    modules of its package (their code too: only its calls with literals count), and
    the project's README and doc files (``.md``, ``.rst``, ``.txt``), the module first."""
    package = posixpath.dirname(path)
    out = [files[path]] if path in files else []
    for name, text in sorted(files.items()):
        if name == path:
            continue
        sibling = name.endswith(".py") and posixpath.dirname(name) == package and package
        if sibling or _DOC_FILE.search(name):
            out.append(text[:_MAX_DOC_BYTES])
    return out


def _code_lines(text: str) -> list[str]:
    """``text`` with doctest prompts taken off (the other lines keep their indentation)."""
    out = []
    for line in text.splitlines():
        m = _PROMPT.match(line)
        out.append(line[m.end() :] if m else line)
    return out


def _docstrings(source: str) -> list[str]:
    """The docstrings of a Python source, or the whole text when it is not Python."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return [source]
    docs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                docs.append(doc)
    return docs


def _known(node: ast.expr, env: dict[str, str]) -> ast.expr | None:
    """A literal argument as it is, a variable the example set to a literal by its
    value; None for anything else."""
    if isinstance(node, ast.Name):
        if node.id not in env:
            return None
        value = ast.parse(env[node.id], mode="eval").body
        return value if _literal(value) else None
    return node


def _literal(node: ast.AST) -> bool:
    try:
        ast.literal_eval(node)  # type: ignore[arg-type]
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return False
    return True


class _Reader:
    """Collects documented calls of ``names`` and string literals from code chunks."""

    def __init__(self, module: str, names: set[str]) -> None:
        self.prefixes = {module, module.rsplit(".", 1)[-1], module.split(".", 1)[0]}
        self.names = names
        self.calls: list[str] = []
        self.texts: list[str] = []

    def strip(self, node: ast.expr, env: dict[str, str]) -> ast.expr | None:
        """The callee without the module prefix, a variable replaced by what built it;
        None when it is not one of the module's names."""
        if isinstance(node, ast.Name):
            return node if node.id in self.names else None
        if not isinstance(node, ast.Attribute):
            return None
        value = node.value
        if isinstance(value, ast.Name) and value.id in self.prefixes and node.attr in self.names:
            return ast.Name(node.attr, ast.Load())
        if isinstance(value, ast.Name) and value.id in env:
            built = ast.parse(env[value.id], mode="eval").body
            return ast.Attribute(built, node.attr, ast.Load())
        inner = self.strip(value, env) if isinstance(value, ast.Attribute | ast.Name) else None
        return ast.Attribute(inner, node.attr, ast.Load()) if inner is not None else None

    def call(self, node: ast.Call, env: dict[str, str]) -> str | None:
        func = self.strip(node.func, env)
        known = [_known(a, env) for a in node.args]
        args = [a for a in known if a is not None and _literal(a)]
        if func is None or len(args) < len(known):
            return None
        keywords = [
            ast.keyword(k.arg, value)
            for k in node.keywords
            if k.arg and (value := _known(k.value, env)) is not None and _literal(value)
        ]
        text = ast.unparse(ast.Call(func, args, keywords))
        return text if len(text) < 2000 else None

    def chunk(self, tree: ast.Module, env: dict[str, str]) -> None:
        """Calls and texts of one parsed piece; ``env`` (variables built so far in the
        same docstring) grows with its assignments."""
        for stmt in tree.body:
            for node in ast.walk(stmt):
                text = node.value if isinstance(node, ast.Constant) else None
                if isinstance(text, str | bytes) and 0 < len(text) <= _MAX_TEXT:
                    self.texts.append(repr(text))
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call) and (text := self.call(node, env)):
                    self.calls.append(text)
                    break  # the outermost call of the statement
            plain = isinstance(stmt, ast.Assign) and not isinstance(stmt.value, ast.Call)
            if isinstance(stmt, ast.Assign) and plain and _literal(stmt.value):  # ``d = {..}``
                literal = ast.unparse(stmt.value)
                for target in stmt.targets:
                    if isinstance(target, ast.Name) and len(literal) < _MAX_TEXT:
                        env[target.id] = literal
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                built = self.call(stmt.value, env)
                for target in stmt.targets:
                    if built and isinstance(target, ast.Name):
                        env[target.id] = built


def _chunks(lines: list[str]) -> list[ast.Module]:
    """Python pieces of ``lines``: from each line that may start a call, the shortest
    run of lines (at most ``_MAX_WINDOW``) that parses."""
    out = []
    i = 0
    while i < len(lines):
        head = lines[i].strip()
        starts = "(" in head or re.match(r"\w+\s*=[^=]", head)  # a call or an assignment
        if not starts or not (head[:1].isalpha() or head[:1] == "_"):
            i += 1
            continue
        for j in range(i + 1, min(len(lines), i + _MAX_WINDOW) + 1):
            try:
                tree = ast.parse(textwrap.dedent("\n".join(lines[i:j])))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            if any(isinstance(n, ast.Call | ast.Assign) for n in ast.walk(tree)):
                out.append(tree)
            i = j - 1
            break
        i += 1
    return out


def _is_python(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _documents(lines: list[str]) -> list[str]:
    """Indented blocks after a line ending in ``:`` and fenced blocks that are documents
    (start with ``<``, ``{``, ``[`` or are not Python at all in a non-Python fence)."""
    out = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence:
            end = next((j for j in range(i + 1, len(lines)) if _FENCE.match(lines[j])), len(lines))
            body = textwrap.dedent("\n".join(lines[i + 1 : end])).strip("\n")
            lang = fence.group(2).lower()
            foreign = lang not in ("python", "py", "pycon", "")
            document = body.lstrip().startswith(_DOCUMENT_START) and not _is_python(body)
            if body and (foreign or document):  # ```toml: a document even where it parses
                out.append(body)
            i = end + 1
            continue
        if lines[i].rstrip().endswith(":") and i + 1 < len(lines):
            base = len(lines[i]) - len(lines[i].lstrip())
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            block = []
            while j < len(lines) and (
                not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > base
            ):
                block.append(lines[j])
                j += 1
            body = textwrap.dedent("\n".join(block)).strip("\n")
            if body.lstrip().startswith(_DOCUMENT_START) and not _is_python(body):
                out.append(body)
        i += 1
    return [d for d in out if len(d) <= _MAX_TEXT]


def harvest(sources: list[str], module: str, names: set[str]) -> DocExamples:
    """The documented calls of ``names`` and the sample texts in ``sources`` (see the
    module doc); bounded, first seen first, no duplicates."""
    reader = _Reader(module, names)
    documents: list[str] = []
    for source in sources:
        for doc in _docstrings(source):
            lines = _code_lines(doc)
            env: dict[str, str] = {}  # one docstring: an example's variables carry on
            for tree in _chunks(lines):
                reader.chunk(tree, env)
            documents += _documents(lines)
    texts = [*reader.texts, *(repr(d) for d in documents)]
    return DocExamples(
        list(dict.fromkeys(reader.calls))[:_MAX_CALLS],
        list(dict.fromkeys(texts))[:_MAX_TEXTS],
    )


def module_letters(source: str, limit: int = 20) -> list[str]:
    """The one-character punctuation literals of a module (``'+'``, ``'#'``, ``'='``):
    the codes its parser looks for."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    found = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and len(n.value) == 1
        if not n.value.isalnum() and not n.value.isspace()
    ]
    return list(dict.fromkeys(found))[:limit]


def text_variants(text: str, letters: list[str]) -> list[str]:
    """A text truncated, with a field dropped, a digit changed, its first character
    replaced by each of ``letters`` (and prefixed by it), and empty."""
    out = [text[: len(text) // 2]]
    for letter in letters:  # the module's codes first: each one a branch of its parser
        out += [letter + text[1:]] if text and text[0] != letter else []
        out.append(text + letter)
    out += [text[:-1], ""]
    counts = [(text.count(sep), sep) for sep in _SEPARATORS if sep in text]
    if counts:
        sep = max(counts)[1]
        parts = text.split(sep)
        if len(parts) > 1:
            out.append(sep.join(parts[:-1]))
            out.append(sep.join(parts[1:]))
            mid = len(parts) // 2
            out.append(sep.join([*parts[:mid], parts[mid], *parts[mid:]]))  # a field twice
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if digits:
        first, last = digits[0], digits[-1]
        out.append(text[:first] + ("0" if text[first] != "0" else "9") + text[first + 1 :])
        out.append(text[:last] + "99" + text[last + 1 :])
    out += [letter + text for letter in letters]
    return [v for v in dict.fromkeys(out) if v != text]


_VALUES: list[ast.expr] = [
    ast.Constant(None),
    ast.Constant(""),
    ast.List([ast.Constant("a"), ast.Constant("b")], ast.Load()),
    ast.Dict([ast.Constant("k")], [ast.Constant("v")]),
    ast.List([ast.Tuple([ast.Constant("a"), ast.Constant("1")], ast.Load())] * 2, ast.Load()),
    ast.List([], ast.Load()),
    ast.Dict([], []),
    ast.Constant(7),
]


def _replacements(node: ast.AST, letters: list[str]) -> list[ast.AST]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [ast.Constant(v) for v in text_variants(node.value, letters)]
    if isinstance(node, ast.Dict) and node.keys:
        out: list[ast.AST] = []
        for i in range(len(node.keys)):
            out.append(
                ast.Dict(node.keys[:i] + node.keys[i + 1 :], node.values[:i] + node.values[i + 1 :])
            )
            out += [
                ast.Dict(list(node.keys), [*node.values[:i], value, *node.values[i + 1 :]])
                for value in _VALUES
            ]
        return out
    return []


def _spots(tree: ast.AST) -> list[ast.AST]:
    return [
        n for n in ast.walk(tree)
        if (isinstance(n, ast.Constant) and isinstance(n.value, str)) or isinstance(n, ast.Dict)
    ]  # fmt: skip


def _rewrite(tree: ast.AST, changes: dict[int, ast.AST]) -> str:
    """``tree`` unparsed with its spots number ``i`` replaced by ``changes[i]``."""
    clone = copy.deepcopy(tree)
    by_id = {id(node): changes[i] for i, node in enumerate(_spots(clone)) if i in changes}

    class _Swap(ast.NodeTransformer):
        def visit(self, node: ast.AST) -> ast.AST:
            return by_id[id(node)] if id(node) in by_id else self.generic_visit(node)

    return ast.unparse(_Swap().visit(clone))


def mutations(expr: str, letters: list[str], limit: int = 40, seed: int = 0) -> list[str]:
    """``expr`` with one literal piece rewritten at a time (see the module doc); with
    ``seed`` > 0 also two pieces at once, chosen at random: combinations (an operator and
    a list value) the one-at-a-time pass does not make."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return []
    options = [_replacements(spot, letters) for spot in _spots(tree)]
    singles = []  # round robin over the pieces: each gets its first rewrites in
    for depth in range(max((len(news) for news in options), default=0)):
        singles += [_rewrite(tree, {i: n[depth]}) for i, n in enumerate(options) if depth < len(n)]
        if len(singles) >= limit * 2:
            break
    if not seed:
        return list(dict.fromkeys(singles))[:limit]
    rng = random.Random(f"{seed}:{expr}")
    pairs: list[str] = []
    inner = {id(sub) for spot in _spots(tree) if isinstance(spot, ast.Dict)
             for sub in ast.walk(spot) if sub is not spot}  # fmt: skip
    outer = [i for i, spot in enumerate(_spots(tree)) if id(spot) not in inner and options[i]]
    # two whole pieces (a template and its mapping): their combinations are the branches
    usable = outer if len(outer) > 1 else [i for i, news in enumerate(options) if news]
    for _ in range(limit * 2 if len(usable) > 1 else 0):
        a, b = rng.sample(usable, 2)
        pairs.append(_rewrite(tree, {a: rng.choice(options[a]), b: rng.choice(options[b])}))
    rng.shuffle(singles)
    return list(dict.fromkeys([*pairs, *singles]))[:limit]


# a function option's stand-ins: one handing back its last two arguments (a (key, value)
# hook), one refusing (None), one saying no (False)
_NONE_VALUES = ["True", "('a', 'b')", "{'a': 'b'}", "'a'", "lambda *a: a[-2:]",
                "lambda *a: None", "lambda *a: False"]  # fmt: skip


def option_values(default: str) -> list[str]:
    """Values for an optional parameter other than its ``default``: a flag flipped, a
    number moved, a text changed, and for ``None`` one of each kind (a flag, a tuple, a
    mapping, a text, a function returning its last arguments, one returning False)."""
    if default in ("True", "False"):
        return [str(default != "True")]
    if default == "None":
        return list(_NONE_VALUES)
    if default.startswith("lambda"):
        return ["lambda *a: False", "lambda *a: None"]
    try:
        value = ast.literal_eval(default)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        return []
    if isinstance(value, bool):
        return [str(not value)]
    if isinstance(value, int | float):
        return ["1", "1.5", "2"] if value == 0 else [repr(value + 1), "0", repr(value / 2)]
    if isinstance(value, str):
        return ["'_'", "''"] if value else ["' '", "'_'"]
    return []


def forwarded_options(source: str, fn: str, varkw: str) -> list[tuple[str, str]]:
    """``(name, default)`` of the optional parameters of the module's function or class
    that ``fn`` hands its ``**varkw`` to (``_Handler(sep=sep, **kwargs)``): the keywords
    ``fn`` accepts without naming them."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    caller = defs.get(fn)
    if not isinstance(caller, ast.FunctionDef):
        return []
    out: list[tuple[str, str]] = []
    for node in ast.walk(caller):
        spread = isinstance(node, ast.Call) and any(
            k.arg is None and isinstance(k.value, ast.Name) and k.value.id == varkw
            for k in node.keywords
        )
        if not spread or not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        callee = defs.get(node.func.id)
        if isinstance(callee, ast.ClassDef):
            callee = next(
                (b for b in callee.body if isinstance(b, ast.FunctionDef) and b.name == "__init__"),
                None,
            )
        if isinstance(callee, ast.FunctionDef):
            args = callee.args.args[-len(callee.args.defaults) :] if callee.args.defaults else []
            given = {k.arg for k in node.keywords if k.arg}
            out += [
                (a.arg, ast.unparse(d))
                for a, d in zip(args, callee.args.defaults, strict=True)
                if a.arg not in given
            ]
    return out


def with_option(expr: str, name: str, value: str) -> str | None:
    """``f(x)`` -> ``f(x, name=value)`` (the outermost call; None when it already
    passes ``name`` or is not a call)."""
    try:
        node = ast.parse(expr, mode="eval").body
        extra = ast.parse(value, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or any(k.arg == name for k in node.keywords):
        return None
    node.keywords.append(ast.keyword(name, extra))
    return ast.unparse(node)


def stream_forms(expr: str) -> list[tuple[str, tuple[str, ...]]]:
    """The outermost call's first text argument handed over the other ways a reader of
    text takes it: a file object (``io.StringIO``/``io.BytesIO``) and a generator of
    chunks; ``(expression, imports)`` pairs, none when it has no text first argument."""
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return []
    if not isinstance(node, ast.Call) or not node.args:
        return []
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return []
    text = first.value
    half = len(text) // 2
    forms = [
        (f"io.StringIO({text!r})", ("import io",)),
        (f"io.BytesIO({text.encode()!r})", ("import io",)),
        (f"(part for part in {[text[:half], text[half:]]!r})", ()),
    ]
    out = []
    for form, imports in forms:
        node.args[0] = ast.parse(form, mode="eval").body
        out.append((ast.unparse(node), imports))
    return out
