"""Token streams and token-based clone detection, for the quality analysis.

Pipeline: ``tokenize`` (one regex pass per file: code tokens, comments) ->
``normalise`` (identifiers become ``$``, literals ``#``; keywords and operators stay) ->
``find_clones`` (hash a window of ``min_tokens`` normalised tokens at the first token of
each line, bucket equal hashes across files, extend each match token by token and merge
matches that lie on the same diagonal). Renamed variables and changed literals therefore
still match; a reordered statement does not.

Windows start only at line starts: that keeps the index at one entry per code line
(Django's 490k lines fit in tens of MB) at the cost of missing a clone shorter than
``min_tokens`` plus the tokens before its first line break. A stream is compact (one
byte per token, two ints per line) so the analysis can keep every file's stream until
the cross-file pass, and a worker process can send it back cheaply.
"""

from __future__ import annotations

import math
import re
from array import array
from bisect import bisect_right
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

# Every normalised token has a one-byte code, so a stream is a ``bytes`` (one byte per
# token: Django's 4M tokens take 4 MB) and a window is a slice that hashes in C.
_OPERATORS = (
    [c + "=" for c in "-+*/%=<>!&|^~"]
    + list("-+*/%=<>!&|^~")
    + ["->", "=>", "::", ":=", "..."]
    + list("()[]{}.,;:?@")
)
_CODES: dict[str, int] = {
    tok: i
    for i, tok in enumerate(
        dict.fromkeys(["$", "#", *sorted(KEYWORDS["python"] | KEYWORDS["c-like"]), *_OPERATORS])
    )
}
assert len(_CODES) < 255
_OTHER = 255  # not produced by the regexes above; kept apart from every real code


class TokenStream(NamedTuple):
    """The normalised tokens of one file, with the line of each."""

    path: str
    kinds: bytes  # one code per token (``_CODES``): "$" identifier, "#" literal, else itself
    line_starts: array[int]  # ascending token indexes where a new line's tokens begin ...
    line_numbers: array[int]  # ... and that line's 1-based number
    todo_count: int  # TODO/FIXME/XXX/HACK markers found in comments
    halstead_volume: float  # over the raw (not normalised) tokens

    def line_of(self, index: int) -> int:
        """The 1-based line of token ``index``."""
        return self.line_numbers[bisect_right(self.line_starts, index) - 1]


def tokenize(path: str, text: str, language: str) -> TokenStream:
    """One regex pass: normalised code tokens, TODO markers in comments, Halstead volume.

    Halstead counting: operands are identifiers and literals; operators are keywords
    and punctuation (the usual convention, also radon's and lizard's).
    """
    regex = _PY_RE if language == "python" else _C_RE
    keywords = KEYWORDS["python" if language == "python" else "c-like"]
    codes = _CODES
    kinds = bytearray()
    starts = array("I")
    numbers = array("I")
    operators: dict[str, int] = defaultdict(int)
    operands: dict[str, int] = defaultdict(int)
    todo = 0
    line = 1
    last_line = 0
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
        if line != last_line:
            starts.append(len(kinds))
            numbers.append(line)
            last_line = line
        if group == "w":
            if value in keywords:
                kinds.append(codes[value])
                operators[value] += 1
            else:
                kinds.append(0)
                operands[value] += 1
        elif group == "o":
            kinds.append(codes.get(value, _OTHER))
            operators[value] += 1
        else:  # string or number
            kinds.append(1)
            operands[value] += 1
    n = len(operators) + len(operands)
    length = sum(operators.values()) + sum(operands.values())
    volume = length * math.log2(n) if n > 1 else 0.0
    return TokenStream(path, bytes(kinds), starts, numbers, todo, volume)


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

    One pass over the line starts: each window of ``min_tokens`` codes is a bytes slice
    hashed into a bucket (a bucket holds one packed ``file << 32 | token`` int until a
    second window lands in it), so time and memory are linear in the lines of code.
    Each bucket with occurrences in several files is anchored on its first occurrence
    and paired with each other one (a group of n gives n-1 pairs, not n²); buckets
    larger than ``max_group`` (generated boilerplate, licence headers written as code)
    are ignored.
    """
    buckets: dict[int, int | list[int]] = {}
    for fi, stream in enumerate(streams):
        seq = stream.kinds
        last_start = len(seq) - min_tokens
        for p in stream.line_starts:
            if p > last_start:
                break
            key = hash(seq[p : p + min_tokens])
            loc = fi << 32 | p
            cur = buckets.get(key)
            if cur is None:
                buckets[key] = loc
            elif isinstance(cur, int):
                buckets[key] = [cur, loc]
            else:
                cur.append(loc)

    # diagonal key (file a, file b, offset) -> covered [start, end) ranges in file a
    covered: dict[tuple[int, int, int], list[tuple[int, int]]] = defaultdict(list)
    clones: list[Clone] = []
    mask = (1 << 32) - 1
    for bucket in buckets.values():
        if isinstance(bucket, int) or len(bucket) > max_group:
            continue
        occurrences = [(loc >> 32, loc & mask) for loc in bucket]
        fa, pa = occurrences[0]
        if all(fi == fa for fi, _ in occurrences):
            continue
        for fb, pb in occurrences[1:]:
            if fb == fa:
                continue
            diagonal = (fa, fb, pa - pb)
            if any(s <= pa < e for s, e in covered[diagonal]):
                continue
            sa, sb = streams[fa].kinds, streams[fb].kinds
            if sa[pa : pa + min_tokens] != sb[pb : pb + min_tokens]:
                continue  # hash collision
            n = min_tokens
            limit = min(len(sa) - pa, len(sb) - pb)
            while n < limit and sa[pa + n] == sb[pb + n]:
                n += 1
            covered[diagonal].append((pa, pa + n))
            a, b = streams[fa], streams[fb]
            clones.append(
                Clone(
                    CloneLocation(a.path, a.line_of(pa), a.line_of(pa + n - 1)),
                    CloneLocation(b.path, b.line_of(pb), b.line_of(pb + n - 1)),
                    n,
                )
            )
    clones.sort(key=lambda c: (c.a.path, c.a.start_line, c.b.path, c.b.start_line))
    return clones
