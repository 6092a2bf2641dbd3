"""Augmentations: consistent, scope-aware renaming; formatting variants; comment removal.

Each one turns a unit's ``UnitView`` into a new view (``Edits`` keep the offsets the
builders cut at), so an augmented unit yields examples through the same builders.
The caller marks them ``augmented`` and gives them the origin's file, so they always
land in the origin's split.

**Renaming** changes local variables and parameters, never attributes, keyword-argument
names, globals or builtins:

* Python: a name is renamed when the function's own scope binds it (a parameter, an
  assignment, a ``for``/``with``/``except`` target; bindings inside nested functions,
  lambdas and comprehensions do not count) and no ``global``/``nonlocal`` statement in
  the function names it. Every occurrence in the function is renamed, nested scopes
  included: a nested scope that reads the name reads ours (a closure), one that binds it
  is renamed consistently too. Functions that call ``locals``, ``vars``, ``eval``,
  ``exec`` or ``globals`` are left alone.
* JavaScript/TypeScript, Java, Go: a name is renamed when it is a parameter or declared
  (``let``/``const``/``var``, a Java local, ``:=``/``var``) by the function itself and
  its first occurrence in the function is that declaration (so no earlier use can mean
  an outer variable); names used in object shorthand (``{a}``) are left alone.
* New names come from a small vocabulary and avoid every word already in the function.
  One limit: a caller that passes a renamed parameter by keyword would need the new name;
  the function itself behaves the same.

**Formatting**: Python goes through ``ruff format`` (line length 72, single quotes: a
variant of the usual style), batched per worker task; other languages through an
indentation/whitespace normaliser (tabs <-> spaces, 4 <-> 2 spaces, trailing blanks,
repeated blank lines), which never touches lines inside multi-line strings.

**Comment removal** drops comments (not docstrings or the doc comment the unit is
documented by); a comment alone on its line takes its line with it.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from tree_sitter import Node

from devlab.codebase import RULES
from devlab.training.datasets.mutate import is_variable_use, param_names
from devlab.training.datasets.units import Edits, ParsedUnits, Unit

__all__ = [
    "NAMES",
    "format_python_units",
    "normalise_whitespace",
    "rename_edits",
    "ruff_binary",
    "strip_comments",
]

NAMES = (
    "value",
    "item",
    "result",
    "data",
    "count",
    "index",
    "total",
    "current",
    "entry",
    "element",
    "node",
    "key",
    "record",
    "temp",
    "target",
    "source",
    "output",
    "state",
    "flag",
    "buffer",
)
_UNSAFE_CALLS = frozenset({b"locals", b"vars", b"eval", b"exec", b"globals"})
_PY_SCOPES = frozenset(
    {
        "function_definition",
        "lambda",
        "class_definition",
        "list_comprehension",
        "set_comprehension",
        "dictionary_comprehension",
        "generator_expression",
    }
)
_PY_NOT_BINDINGS = frozenset(
    {"keyword_argument", "global_statement", "nonlocal_statement", "type_parameter"}
)
# (parent type, field or None): where a name is declared, per language family
_DECLARATIONS: dict[str, frozenset[tuple[str, str | None]]] = {
    "javascript": frozenset(
        {
            ("variable_declarator", "name"),
            ("formal_parameters", None),
            ("arrow_function", "parameter"),
            ("required_parameter", "pattern"),
            ("optional_parameter", "pattern"),
            ("catch_clause", "parameter"),
            ("rest_pattern", None),
            ("assignment_pattern", "left"),
        }
    ),
    "java": frozenset(
        {
            ("formal_parameter", "name"),
            ("variable_declarator", "name"),
            ("catch_formal_parameter", "name"),
            ("enhanced_for_statement", "name"),
        }
    ),
    "go": frozenset(
        {
            ("parameter_declaration", "name"),
            ("variadic_parameter_declaration", "name"),
            ("var_spec", "name"),
            ("const_spec", "name"),
        }
    ),
}
_DECLARATIONS["typescript"] = _DECLARATIONS["tsx"] = _DECLARATIONS["javascript"]
_GO_LIST_DECLARATIONS = frozenset({("short_var_declaration", "left"), ("range_clause", "left")})
_FUNCTION_NODES = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "generator_function",
        "arrow_function",
        "method_definition",
        "method_declaration",
        "constructor_declaration",
        "lambda_expression",
        "func_literal",
    }
)


def _matches(node: Node, table: frozenset[tuple[str, str | None]]) -> bool:
    parent = node.parent
    if parent is None:
        return False
    for ptype, field_name in table:
        if parent.type == ptype and (
            field_name is None or node in parent.children_by_field_name(field_name)
        ):
            return True
    return False


def _python_binding(
    node: Node, bindings: frozenset[tuple[str, str | None]], lists: frozenset[tuple[str, str]]
) -> bool:
    parent = node.parent
    if parent is None or parent.type in _PY_NOT_BINDINGS:
        return False
    if _matches(node, bindings):
        return True
    grand = parent.parent
    while grand is not None and parent.type in (
        "pattern_list",
        "tuple_pattern",
        "list_pattern",
        "expression_list",
        "tuple",
        "list",
    ):
        for gtype, field_name in lists:
            if grand.type == gtype and grand.child_by_field_name(field_name) == parent:
                return True
        parent, grand = grand, grand.parent
    return False


def _owner(node: Node, scopes: frozenset[str]) -> Node | None:
    probe = node.parent
    while probe is not None and probe.type not in scopes:
        probe = probe.parent
    return probe


def _python_candidates(pu: ParsedUnits, unit: Unit, idents: list[Node]) -> set[str]:
    rules = RULES["python"]
    excluded: set[str] = set()
    bound = set(param_names(unit.node))
    for node in idents:
        parent = node.parent
        if parent is not None and parent.type in ("global_statement", "nonlocal_statement"):
            excluded.add((node.text or b"").decode())
        elif _python_binding(node, rules.bindings, rules.list_bindings) and (
            _owner(node, _PY_SCOPES) == unit.node
        ):
            bound.add((node.text or b"").decode())
    return bound - excluded


def _declared_first(unit: Unit, idents: list[Node], language: str) -> set[str]:
    table = _DECLARATIONS.get(language)
    if table is None:
        return set()
    first: dict[str, Node] = {}
    for node in idents:  # sorted by position
        first.setdefault((node.text or b"").decode(), node)
    target = unit.node
    if target.type == "variable_declarator":
        target = target.child_by_field_name("value") or target
    names = set()
    for name, node in first.items():
        declared = _matches(node, table) or (
            language == "go"
            and node.parent is not None
            and _matches(node.parent, _GO_LIST_DECLARATIONS)
        )
        if declared and _owner(node, _FUNCTION_NODES) == target:
            names.add(name)
    return names


def rename_edits(
    pu: ParsedUnits, unit: Unit, rng: random.Random, prefix: str | None = None
) -> Edits | None:
    """Edits renaming the unit's local variables (None when nothing can be renamed).
    ``prefix`` gives ``prefix0, prefix1, ...`` instead of vocabulary names."""
    language = pu.task.language
    if language not in ("python", *_DECLARATIONS) or not unit.parse_ok:
        return None
    idents = pu.captures.within("ident", unit.start, unit.end)
    texts = {n.text for n in idents}
    if language == "python" and texts & _UNSAFE_CALLS:
        return None
    if language == "python":
        names = _python_candidates(pu, unit, idents)
    else:
        names = _declared_first(unit, idents, language)
        shorthand = {n.text for n in pu.captures.within("shorthand", unit.start, unit.end)}
        names = {n for n in names if n.encode() not in shorthand}
    names -= {"self", "cls", "this", "_", unit.symbol.name}
    if not names:
        return None
    taken = set(re.findall(rb"\w+", unit.view.text))
    mapping: dict[bytes, bytes] = {}
    pool = list(NAMES)
    rng.shuffle(pool)
    for i, name in enumerate(sorted(names)):
        for candidate in ([f"{prefix}{i}"] if prefix else pool) + [f"var_{i}", f"v{i}_"]:
            new = candidate.encode()
            if new not in taken:
                mapping[name.encode()] = new
                taken.add(new)
                break
    edits = Edits()
    for node in idents:
        renamed = mapping.get(node.text or b"")
        if renamed is not None and is_variable_use(node):
            edits.add(node.start_byte - unit.start, node.end_byte - unit.start, renamed)
    return edits if edits.items else None


def strip_comments(pu: ParsedUnits, unit: Unit) -> Edits | None:
    """Edits removing the unit's comments (its doc comment stays)."""
    text = unit.view.text
    doc = unit.view.doc
    edits = Edits()
    for node in pu.captures.within("comment", unit.start, unit.end):
        a, b = node.start_byte - unit.start, node.end_byte - unit.start
        if doc is not None and doc[0] <= a < doc[1]:
            continue
        line_a = text.rfind(b"\n", 0, a) + 1
        line_b = text.find(b"\n", b)
        line_b = len(text) if line_b == -1 else line_b + 1
        if not text[line_a:a].strip() and not text[b:line_b].strip():
            edits.add(line_a, line_b, b"")
        else:
            while a > line_a and text[a - 1 : a] in (b" ", b"\t"):
                a -= 1
            edits.add(a, b, b"")
    return edits if edits.items else None


def normalise_whitespace(pu: ParsedUnits, unit: Unit) -> Edits | None:
    """Re-indent (tabs -> 4 spaces, 4 -> 2, 2 -> 4), strip trailing blanks and repeated
    blank lines; lines inside multi-line strings are left as they are."""
    text = unit.view.text
    frozen: list[tuple[int, int]] = [
        (n.start_byte - unit.start, n.end_byte - unit.start)
        for name in ("mlstring", "string")
        for n in pu.captures.within(name, unit.start, unit.end)
        if n.start_point.row != n.end_point.row
    ]
    lines = text.split(b"\n")
    indents = [len(ln) - len(ln.lstrip(b" ")) for ln in lines if ln.strip()]
    tabs = any(ln.startswith(b"\t") for ln in lines)
    width = min((i for i in indents if i), default=4)
    new_width = 4 if tabs else (2 if width >= 4 else 4)
    edits, pos, blank_run = Edits(), 0, 0
    for line in lines:
        end = pos + len(line)
        inside = any(a < pos < b for a, b in frozen)
        if not inside:
            if not line.strip():
                blank_run += 1
                if blank_run > 1 and end < len(text):
                    edits.add(pos, end + 1, b"")
                elif line:
                    edits.add(pos, end, b"")
            else:
                blank_run = 0
                body = line.lstrip(b" \t")
                lead = line[: len(line) - len(body)]
                if tabs:
                    new_lead = lead.replace(b"\t", b" " * new_width)
                else:
                    n = len(lead.replace(b"\t", b"    "))
                    new_lead = b" " * ((n // width) * new_width + n % width)
                stripped = body.rstrip()
                if new_lead != lead:
                    edits.add(pos, pos + len(lead), new_lead)
                if len(stripped) != len(body):
                    edits.add(pos + len(lead) + len(stripped), end, b"")
        pos = end + 1
    return edits if edits.items else None


def ruff_binary() -> str | None:
    """The ``ruff`` executable (the installed package's, else one on PATH)."""
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
        return found


def format_python_units(sources: list[bytes]) -> list[bytes | None]:
    """``ruff format`` (line length 72, single quotes) over many Python units in one
    call; each result is the reformatted, dedented unit, or None when ruff could not
    format it or nothing changed."""
    ruff = ruff_binary()
    if ruff is None or not sources:
        return [None] * len(sources)
    with tempfile.TemporaryDirectory(prefix="devlab-fmt-") as tmp:
        paths = []
        for i, source in enumerate(sources):
            path = Path(tmp) / f"u{i}.py"
            path.write_bytes(textwrap.dedent(source.decode("utf-8", "replace")).encode())
            paths.append(path)
        subprocess.run(
            [ruff, "format", "--no-cache", "--isolated", "--line-length", "72",
             "--config", "format.quote-style = 'single'", tmp],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
        out: list[bytes | None] = []
        for path, source in zip(paths, sources, strict=True):
            new = path.read_bytes()
            out.append(
                None if new.strip() == textwrap.dedent(source.decode()).encode().strip() else new
            )
        return out
