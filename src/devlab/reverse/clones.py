"""Token streams and token-based clone detection, for the quality analysis.

Pipeline: ``tokenize`` (one regex pass per file: code tokens, comments) ->
``normalise`` (identifiers become ``$``, literals ``#``; keywords and operators stay) ->
``find_clones`` (hash a window of ``min_tokens`` normalised tokens at the first token of
each line, bucket equal hashes across files, extend each match token by token and merge
matches that lie on the same diagonal). Renamed variables and changed literals therefore
still match; a reordered statement does not.

Windows start only at line starts: that keeps the index at one entry per code line
(Django's 490k lines fit in tens of MB) at the cost of missing a clone shorter than
``min_tokens`` plus the tokens before its first line break.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

# One alternation, tried in order: comments, strings, numbers, words, operators.
_HASH_COMMENT = r"\#[^\n]*"
_C_COMMENT = r"//[^\n]*|/\*[\s\S]*?(?:\*/|\Z)"
_PY_STRING = (
    r"(?:[rRbBuUfF]{0,2})(?:'''[\s\S]*?(?:'''|\Z)|\"\"\"[\s\S]*?(?:\"\"\"|\Z)"
    r"|'(?:\\.|[^'\\\n])*'?|\"(?:\\.|[^\"\\\n])*\"?)"
)
_C_STRING = r"'(?:\\.|[^'\\\n])*'?|\"(?:\\.|[^\"\\\n])*\"?|`(?:\\.|[^`\\])*`?"
_NUMBER = r"\d[\w.]*"
_WORD = r"[A-Za-z_$][\w$]*"
_OPERATOR = r"[-+*/%=<>!&|^~]=?|->|=>|::|:=|\.\.\.|[()\[\]{}.,;:?@]"


def _token_re(comment: str, string: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?P<c>{comment})|(?P<s>{string})|(?P<n>{_NUMBER})|(?P<w>{_WORD})|(?P<o>{_OPERATOR})"
    )


_PY_RE = _token_re(_HASH_COMMENT, _PY_STRING)
_C_RE = _token_re(_C_COMMENT, _C_STRING)

KEYWORDS: dict[str, frozenset[str]] = {
    "python": frozenset(
        [
            "False",
            "None",
            "True",
            "and",
            "as",
            "assert",
            "async",
            "await",
            "break",
            "class",
            "continue",
            "def",
            "del",
            "elif",
            "else",
            "except",
            "finally",
            "for",
            "from",
            "global",
            "if",
            "import",
            "in",
            "is",
            "lambda",
            "nonlocal",
            "not",
            "or",
            "pass",
            "raise",
            "return",
            "try",
            "while",
            "with",
            "yield",
            "match",
            "case",
            "self",
        ]
    ),
    "c-like": frozenset(
        [
            "abstract",
            "async",
            "await",
            "break",
            "case",
            "catch",
            "class",
            "const",
            "continue",
            "default",
            "defer",
            "delete",
            "do",
            "else",
            "enum",
            "export",
            "extends",
            "false",
            "final",
            "finally",
            "for",
            "func",
            "function",
            "go",
            "goto",
            "if",
            "implements",
            "import",
            "in",
            "instanceof",
            "interface",
            "let",
            "map",
            "new",
            "null",
            "package",
            "private",
            "protected",
            "public",
            "range",
            "return",
            "select",
            "static",
            "struct",
            "super",
            "switch",
            "this",
            "throw",
            "throws",
            "true",
            "try",
            "type",
            "typeof",
            "var",
            "void",
            "while",
            "with",
            "yield",
            "chan",
            "fallthrough",
            "nil",
            "undefined",
        ]
    ),
}
TODO_RE = re.compile(r"\b(?:TODO|FIXME|XXX|HACK)\b")


class TokenStream(NamedTuple):
    """The normalised tokens of one file, with the line of each."""

    path: str
    kinds: list[str]  # normalised: "$" identifier, "#" literal, else the keyword/operator
    lines: list[int]  # 1-based line of each token
    todo_count: int  # TODO/FIXME/XXX/HACK markers found in comments
    halstead_volume: float  # over the raw (not normalised) tokens


def tokenize(path: str, text: str, language: str) -> TokenStream:
    """One regex pass: normalised code tokens, TODO markers in comments, Halstead volume.

    Halstead counting: operands are identifiers and literals; operators are keywords
    and punctuation (the usual convention, also radon's and lizard's).
    """
    regex = _PY_RE if language == "python" else _C_RE
    keywords = KEYWORDS["python" if language == "python" else "c-like"]
    kinds: list[str] = []
    lines: list[int] = []
    operators: dict[str, int] = defaultdict(int)
    operands: dict[str, int] = defaultdict(int)
    todo = 0
    line = 1
    pos = 0
    count_nl = text.count
    for m in regex.finditer(text):
        start = m.start()
        line += count_nl("\n", pos, start)
        pos = start
        group = m.lastgroup
        value = m.group()
        if group == "c":
            todo += len(TODO_RE.findall(value))
            continue
        if group == "w":
            if value in keywords:
                kinds.append(value)
                operators[value] += 1
            else:
                kinds.append("$")
                operands[value] += 1
        elif group == "o":
            kinds.append(value)
            operators[value] += 1
        else:  # string or number
            kinds.append("#")
            operands[value] += 1
        lines.append(line)
    n = len(operators) + len(operands)
    length = sum(operators.values()) + sum(operands.values())
    volume = length * math.log2(n) if n > 1 else 0.0
    return TokenStream(path, kinds, lines, todo, volume)


class CloneLocation(NamedTuple):
    path: str
    start_line: int
    end_line: int


class Clone(NamedTuple):
    """A pair of equal (after normalisation) token runs in two different files."""

    a: CloneLocation
    b: CloneLocation
    tokens: int  # length of the run in tokens


def find_clones(
    streams: Sequence[TokenStream], min_tokens: int, max_group: int = 20
) -> list[Clone]:
    """Cross-file clones of at least ``min_tokens`` normalised tokens.

    Each window bucket with occurrences in several files is anchored on its first
    occurrence and paired with each other one (a group of n gives n-1 pairs, not n²);
    buckets larger than ``max_group`` (generated boilerplate, licence headers written
    as code) are ignored.
    """
    vocab: dict[str, int] = {}
    ids: list[list[int]] = []
    buckets: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for fi, stream in enumerate(streams):
        seq = [vocab.setdefault(k, len(vocab)) for k in stream.kinds]
        ids.append(seq)
        lines = stream.lines
        last_start = len(seq) - min_tokens
        prev_line = -1
        for p in range(last_start + 1):
            if lines[p] != prev_line:
                prev_line = lines[p]
                buckets[hash(tuple(seq[p : p + min_tokens]))].append((fi, p))

    # diagonal key (file a, file b, offset) -> covered [start, end) ranges in file a
    covered: dict[tuple[int, int, int], list[tuple[int, int]]] = defaultdict(list)
    clones: list[Clone] = []
    for occurrences in buckets.values():
        if len(occurrences) < 2 or len(occurrences) > max_group:
            continue
        files = {fi for fi, _ in occurrences}
        if len(files) < 2:
            continue
        fa, pa = occurrences[0]
        for fb, pb in occurrences[1:]:
            if fb == fa:
                continue
            key = (fa, fb, pa - pb)
            if any(s <= pa < e for s, e in covered[key]):
                continue
            sa, sb = ids[fa], ids[fb]
            if sa[pa : pa + min_tokens] != sb[pb : pb + min_tokens]:
                continue  # hash collision
            n = min_tokens
            limit = min(len(sa) - pa, len(sb) - pb)
            while n < limit and sa[pa + n] == sb[pb + n]:
                n += 1
            covered[key].append((pa, pa + n))
            la, lb = streams[fa].lines, streams[fb].lines
            clones.append(
                Clone(
                    CloneLocation(streams[fa].path, la[pa], la[pa + n - 1]),
                    CloneLocation(streams[fb].path, lb[pb], lb[pb + n - 1]),
                    n,
                )
            )
    clones.sort(key=lambda c: (c.a.path, c.a.start_line, c.b.path, c.b.start_line))
    return clones
