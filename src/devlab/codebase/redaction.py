"""Where a secret may be replaced in source code, so that redaction never rewrites code.

detect-secrets reports *text* spans. In a source file a span can fall on code (the
word ``password`` that a URL in a comment taught us is a "secret" also names a
variable), across a string's quotes, or over an f-string's ``{interpolation}``.
Replacing it there changed what the code means and, worse, made it unparsable
(httpie's ``cli/argparser.py`` came out as ``<REDACTED:...> = url.<REDACTED...>``).

:class:`LiteralGuard` parses the original file with tree-sitter (only when a secret
was found in it) and answers, for each span, where a placeholder may go:

* inside a **comment**: the span itself;
* inside a **string literal** (any kind: Python f/r/b/triple-quoted, JS template,
  Java text block, Go raw, Bash double- or single-quoted, here-document body): the
  part of the span between the literal's delimiters, so the literal stays a literal
  of the same kind; a span that touches an interpolation (``{x}``, ``${x}``, ``$x``)
  is a template, not a secret, and is left alone;
* an unquoted **Bash word** (``export KEY=AKIA...``): the span, with a placeholder
  made of word characters only (``<`` would be a redirection);
* anywhere else (identifiers, keywords, operators): nowhere. A secret in a parsed
  source file lives in a literal or a comment; a span on code is a false match.

After redaction :meth:`LiteralGuard.still_parses` re-parses the result: a file that
parsed cleanly must still parse cleanly. ``secrets.scrub`` falls back to stricter
placeholders when it does not, so no redaction can turn a good file into a bad one.
Files in languages without a grammar, and files that did not parse to begin with,
keep the plain span replacement (nothing to preserve).
"""

from __future__ import annotations

import re

from tree_sitter import Node, Tree

from devlab.codebase.grammars import get_parser
from devlab.codebase.languages import PARSED_LANGUAGES, detect_language

__all__ = ["LiteralGuard", "Placement", "safe_placeholder"]

# Literals whose first and last children are delimiters and the rest is content.
_STRINGS = frozenset(
    {
        "string",  # Python, JS/TS, Bash "..."
        "template_string",  # JS/TS `...`
        "string_literal",  # Java
        "interpreted_string_literal",  # Go "..."
        "raw_string_literal",  # Go `...`
        "heredoc_body",  # Bash here-document (no delimiters)
        "translated_string",  # Bash $"..."
        "ansi_c_string",  # Bash $'...'
    }
)
_DELIMITED_LEAVES = frozenset({"raw_string"})  # Bash '...': one leaf, quotes included
_WORDS = frozenset({"word"})  # Bash unquoted words
_COMMENTS = frozenset({"comment", "line_comment", "block_comment"})
# Children of a literal that are code, not text.
_INTERPOLATIONS = frozenset(
    {
        "interpolation",
        "template_substitution",
        "simple_expansion",
        "expansion",
        "command_substitution",
        "arithmetic_expansion",
        "process_substitution",
    }
)
_CONTENT = frozenset(
    {
        "string_content",
        "string_fragment",
        "multiline_string_fragment",
        "interpreted_string_literal_content",
        "raw_string_literal_content",
        "escape_sequence",
        "heredoc_content",
    }
)
_MAX_WALK_UP = 64


def safe_placeholder(secret_type: str) -> str:
    """A placeholder of word characters only: ``REDACTED_AWS_Access_Key``.

    Used where ``<REDACTED:...>`` would change the syntax (a Bash word) and as the
    fallback when a re-parse shows the normal placeholder broke something.
    """
    return "REDACTED_" + re.sub(r"[^A-Za-z0-9]+", "_", secret_type).strip("_")


class Placement(tuple):
    """(start, end, word_only): the part of a line's span to replace, and whether
    the placeholder must be made of word characters only."""

    __slots__ = ()

    def __new__(cls, start: int, end: int, word_only: bool = False) -> Placement:
        return super().__new__(cls, (start, end, word_only))

    @property
    def start(self) -> int:
        return self[0]

    @property
    def end(self) -> int:
        return self[1]

    @property
    def word_only(self) -> bool:
        return self[2]


class LiteralGuard:
    """Where spans of one file's lines may be replaced (see the module docstring).

    Built lazily by ``secrets.scrub`` on the first hit, from the *original* text.
    ``active`` is False for languages without a grammar and for files that did not
    parse cleanly: then every span is allowed as it is.
    """

    def __init__(self, path: str, text: str, lines: list[str]) -> None:
        self.language = (
            detect_language(path, text[:256].encode("utf-8", "replace")) if path else None
        )
        self.lines = lines
        self.active = False
        self._tree: Tree | None = None
        self._line_bytes: list[int] = []
        if self.language not in PARSED_LANGUAGES:
            return
        src = text.encode("utf-8", "replace")
        try:
            tree = get_parser(self.language).parse(src)
        except Exception:  # a parser failure: keep the plain replacement
            return
        if tree.root_node.has_error:
            return  # nothing to preserve: the file did not parse before redaction
        self._tree = tree
        self.active = True
        offset = 0
        for line in lines:
            self._line_bytes.append(offset)
            offset += len(line.encode("utf-8", "replace")) + 1

    # --- the question ------------------------------------------------------------

    def place(self, index: int, start: int, end: int) -> Placement | None:
        """Where in ``lines[index]`` the span ``[start, end)`` may be replaced, or None."""
        if not self.active:
            return Placement(start, end)
        line = self.lines[index]
        base = self._line_bytes[index]
        sb = base + len(line[:start].encode("utf-8", "replace"))
        eb = sb + len(line[start:end].encode("utf-8", "replace"))
        assert self._tree is not None
        node: Node | None = self._tree.root_node.descendant_for_byte_range(sb, eb)
        for _ in range(_MAX_WALK_UP):
            if node is None:
                return None
            kind = node.type
            if kind in _COMMENTS:
                return self._clip(index, sb, eb, node.start_byte, node.end_byte, False)
            if kind in _DELIMITED_LEAVES:
                return self._clip(index, sb, eb, node.start_byte + 1, node.end_byte - 1, False)
            if kind in _WORDS:
                return self._clip(index, sb, eb, node.start_byte, node.end_byte, True)
            if kind in _STRINGS:
                return self._in_string(index, sb, eb, node)
            if kind in _INTERPOLATIONS:
                return None
            node = node.parent
        return None

    def still_parses(self, text: str) -> bool:
        """Whether the redacted ``text`` parses cleanly (always True when inactive)."""
        if not self.active or self.language is None:
            return True
        tree = get_parser(self.language).parse(text.encode("utf-8", "replace"))
        return not tree.root_node.has_error

    # --- helpers -------------------------------------------------------------------

    def _in_string(self, index: int, sb: int, eb: int, node: Node) -> Placement | None:
        children = node.children
        lo, hi = node.start_byte, node.end_byte
        if children and children[0].type not in _CONTENT | _INTERPOLATIONS:
            lo = children[0].end_byte  # the opening delimiter (with any prefix: f", r', """)
        if len(children) > 1 and children[-1].type not in _CONTENT | _INTERPOLATIONS:
            hi = children[-1].start_byte
        sb, eb = max(sb, lo), min(eb, hi)
        if sb >= eb:
            return None
        for child in _descendants(node):
            if child.start_byte >= eb or child.end_byte <= sb:
                continue
            if child.type in _INTERPOLATIONS:
                return None  # "{user}:{password}@host" is a template, not a secret
            if child.type == "escape_sequence":
                # never split "\n": take the whole escape sequence
                sb, eb = min(sb, child.start_byte), max(eb, child.end_byte)
        return self._clip(index, sb, eb, lo, hi, False)

    def _clip(self, index: int, sb: int, eb: int, lo: int, hi: int, word: bool) -> Placement | None:
        """Clip byte span ``[sb, eb)`` to ``[lo, hi)`` and to the line; back to columns."""
        base = self._line_bytes[index]
        raw = self.lines[index].encode("utf-8", "replace")
        sb = max(sb, lo, base)
        eb = min(eb, hi, base + len(raw))
        if sb >= eb:
            return None
        start = len(raw[: sb - base].decode("utf-8", "ignore"))
        end = len(raw[: eb - base].decode("utf-8", "ignore"))
        return Placement(start, end, word) if start < end else None


def _descendants(node: Node) -> list[Node]:
    """All nodes under ``node`` (literals are small; a cap keeps it bounded)."""
    found: list[Node] = []
    stack = list(node.children)
    while stack and len(found) < 10_000:
        child = stack.pop()
        found.append(child)
        if child.type not in _INTERPOLATIONS:
            stack.extend(child.children)
    return found
