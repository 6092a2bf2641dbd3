"""Cut a file into chunks for the search index: one per definition, plus module code.

Rules, in the order a reader meets them:

* Every class, function and method that is not inside a function gets its own chunk.
  Functions and classes defined *inside* a function stay in that function's chunk
  (they are part of how it works, and this way no line is indexed twice).
* A class chunk is the class without its members' bodies: header, docstring,
  attributes and comments, with each multi-line member reduced to a one-line stub
  (``def get(self, url) -> Response: ...``). Members have their own chunks.
* A definition's chunk also takes the comment lines right above it (its doc comment).
* Lines outside every top-level definition (imports, constants, ``main`` guards) form
  "module" chunks, one per contiguous run; blank-only runs are skipped.
* Anything longer than ``max_lines`` is split, preferring statement starts at the
  shallowest nesting (from tree-sitter), then blank lines, then a hard cut, with
  ``overlap_lines`` lines repeated at the top of the next part.
* Files without a grammar (markdown, json, yaml, sql, ...) and files whose parse found
  nothing but errors become "text" chunks: line windows, split at headings in markdown.

Each chunk's content opens with a context header in the language's comment syntax
(``# File: pkg/client.py`` / ``# Class: Client`` / ``# Symbol: Client.get (method)``),
so a chunk read alone (by an embedder or a model) still says where it is from.
Together the chunks cover every non-blank line of the file.
"""

from __future__ import annotations

import hashlib
import re

from devlab.codebase.languages import PARSED_LANGUAGES, comment_line
from devlab.codebase.parsing import statement_lines
from devlab.codebase.records import Chunk, ParsedFile, Symbol
from devlab.codebase.source_text import split_lines
from devlab.errors import InvalidInput

__all__ = ["chunk_file"]

# (start line, end line, text): one source line, or a stub standing for a member
_Item = tuple[int, int, str]

_COMMENT_STARTS: dict[str, tuple[str, ...]] = {
    "python": ("#",),
    "bash": ("#",),
}
_C_COMMENT_STARTS = ("//", "/*", "*")
_STUB_SUFFIX = {"python": ": ...", "bash": " { ...; }"}
_MARKDOWN_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_MARKDOWN_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_BLANK_SCORE = 10_000  # a blank line is a worse split point than any statement start


def chunk_file(
    path: str,
    text: str,
    language: str,
    parsed: ParsedFile,
    *,
    max_lines: int = 60,
    overlap_lines: int = 5,
) -> list[Chunk]:
    """Split one file into index chunks (see the module docstring for the rules).

    ``parsed`` is ``parse_source(text, language)``'s result. ``max_lines`` bounds the
    code lines of a chunk (the header is extra); ``overlap_lines`` (at most half of
    ``max_lines``) lines are repeated between consecutive parts of a split.
    """
    if max_lines < 1:
        raise InvalidInput(f"max_lines must be at least 1, got {max_lines}")
    if overlap_lines < 0:
        raise InvalidInput(f"overlap_lines must not be negative, got {overlap_lines}")
    return _FileChunker(path, text, language, parsed, max_lines, overlap_lines).run()


class _Owner:
    """A symbol in the containment tree; ``owns`` when it gets a chunk of its own."""

    __slots__ = ("children", "container", "first_line", "owns", "symbol")

    def __init__(self, symbol: Symbol, container: _Owner | None) -> None:
        self.symbol = symbol
        self.container = container
        self.owns: bool = container is None or (container.owns and container.symbol.kind == "class")
        self.first_line = symbol.start_line  # moves up over the doc comment above it
        self.children: list[_Owner] = []  # owning members (for class stubs)


class _FileChunker:
    def __init__(
        self,
        path: str,
        text: str,
        language: str,
        parsed: ParsedFile,
        max_lines: int,
        overlap_lines: int,
    ) -> None:
        self.path = path
        self.text = text
        self.language = language
        self.parsed = parsed
        self.lines = split_lines(text)
        self.max_lines = max_lines
        self.overlap = min(overlap_lines, max_lines // 2)
        self._boundaries: dict[int, int] | None = None

    def run(self) -> list[Chunk]:
        definitions = [s for s in self.parsed.symbols if s.kind != "module"]
        structural = self.language in PARSED_LANGUAGES and (
            self.parsed.error is None or definitions
        )
        if not self.lines:
            return []
        if not structural:
            return self._text_chunks()
        chunks: list[Chunk] = []
        top = self._owners(definitions)
        covered = [False] * (len(self.lines) + 2)
        for owner in top:
            for line in range(owner.first_line, owner.symbol.end_line + 1):
                covered[line] = True
        for start, end in _uncovered_runs(covered, len(self.lines)):
            chunks.extend(self._module_chunks(start, end))
        for owner in top:
            self._add_symbol_chunks(owner, chunks)
        chunks.sort(key=lambda c: (c.start_line, -c.end_line))  # stable: ties keep source order
        return chunks

    def _add_symbol_chunks(self, owner: _Owner, chunks: list[Chunk]) -> None:
        chunks.extend(self._symbol_chunks(owner))
        for child in owner.children:
            self._add_symbol_chunks(child, chunks)

    # --- structure ------------------------------------------------------------------

    def _owners(self, definitions: list[Symbol]) -> list[_Owner]:
        """Build the containment tree of definitions; return the top-level owners."""
        last = len(self.lines)
        ordered = sorted(
            (
                s._replace(end_line=min(s.end_line, last))
                for s in definitions
                if s.start_line <= last
            ),
            key=lambda s: (s.start_line, -s.end_line),
        )
        top: list[_Owner] = []
        stack: list[_Owner] = []
        for symbol in ordered:
            while stack and not (
                stack[-1].symbol.start_line <= symbol.start_line
                and symbol.end_line <= stack[-1].symbol.end_line
            ):
                stack.pop()
            container = None
            if symbol.parent is not None and stack:
                # several open definitions can contain a one-line one: trust the parser's parent
                index = next(
                    (
                        i
                        for i in range(len(stack) - 1, -1, -1)
                        if stack[i].symbol.qualname == symbol.parent
                    ),
                    len(stack) - 1,
                )
                del stack[index + 1 :]
                container = stack[-1]
            elif symbol.parent is None:
                stack.clear()
            owner = _Owner(symbol, container)
            stack.append(owner)
            if owner.owns:
                if container is None:
                    top.append(owner)
                else:
                    container.children.append(owner)
        self._attach_doc_comments(top, floor=1)
        return top

    def _attach_doc_comments(self, owners: list[_Owner], floor: int) -> None:
        """Move each owner's first line up over the comment lines right above it."""
        markers = _COMMENT_STARTS.get(self.language, _C_COMMENT_STARTS)
        for owner in owners:
            line = owner.symbol.start_line
            while line - 1 >= floor and self.lines[line - 2].lstrip().startswith(markers):
                line -= 1
            owner.first_line = line
            floor = max(floor, owner.symbol.end_line + 1)
            if owner.children:
                self._attach_doc_comments(owner.children, floor=owner.symbol.start_line + 1)

    # --- chunks -----------------------------------------------------------------------

    def _symbol_chunks(self, owner: _Owner) -> list[Chunk]:
        symbol = owner.symbol
        items: list[_Item] = []
        line = owner.first_line
        for child in owner.children:
            child_start = max(child.first_line, symbol.start_line + 1, line)
            if child.symbol.end_line < child_start:
                continue  # the member shares the owner's header line
            items.extend(self._line_items(line, child_start - 1))
            items.extend(self._stub(child, child_start))
            line = child.symbol.end_line + 1
        items.extend(self._line_items(line, symbol.end_line))
        header = [f"File: {self.path}"]
        if symbol.parent:
            header.append(f"Class: {symbol.parent}")
        parts = self._split(items)
        chunks = []
        for number, part in enumerate(parts, 1):
            label = f"{symbol.kind}, part {number}/{len(parts)}" if len(parts) > 1 else symbol.kind
            lines = [*header, f"Symbol: {symbol.qualname} ({label})"]
            chunks.append(self._chunk(part, lines, symbol.qualname, symbol.kind))
        return chunks

    def _stub(self, child: _Owner, start: int) -> list[_Item]:
        """A member inside its class chunk: kept whole when one line, else a stub line."""
        symbol = child.symbol
        if symbol.end_line == start and symbol.signature:
            return [(start, start, self.lines[start - 1])]
        if not symbol.signature:
            return self._line_items(start, symbol.end_line)
        first = self.lines[symbol.start_line - 1]
        indent = first[: len(first) - len(first.lstrip())]
        suffix = _STUB_SUFFIX.get(self.language, " { ... }")
        return [(start, symbol.end_line, f"{indent}{symbol.signature}{suffix}")]

    def _module_chunks(self, start: int, end: int) -> list[Chunk]:
        parts = self._split(_trim_blank(self._line_items(start, end)))
        return [
            self._chunk(
                part,
                [f"File: {self.path}", _numbered("Module-level code", n, len(parts))],
                None,
                "module",
            )
            for n, part in enumerate(parts, 1)
        ]

    def _text_chunks(self) -> list[Chunk]:
        if self.language == "markdown":
            groups = self._markdown_groups()
        else:
            groups = [(1, len(self.lines), "")]
        chunks: list[Chunk] = []
        for start, end, title in groups:
            items = _trim_blank(self._line_items(start, end))
            if not items:
                continue
            parts = self._split(items)
            for number, part in enumerate(parts, 1):
                header = [f"File: {self.path}"]
                if title:
                    header.append(f"Section: {title}")
                header[-1] = _numbered(header[-1], number, len(parts))
                chunks.append(self._chunk(part, header, None, "text"))
        return chunks

    def _markdown_groups(self) -> list[tuple[int, int, str]]:
        """Sections starting at headings, small neighbours packed up to ``max_lines``."""
        sections: list[list] = []  # [start, end, title]
        in_fence = False
        for number, line in enumerate(self.lines, 1):
            if _MARKDOWN_FENCE.match(line):
                in_fence = not in_fence
            heading = None if in_fence else _MARKDOWN_HEADING.match(line)
            if heading or not sections:
                title = (heading.group(2) or "").strip() if heading else ""
                sections.append([number, number, title])
            else:
                sections[-1][1] = number
        groups: list[list] = []
        for start, end, title in sections:
            if groups and end - groups[-1][0] + 1 <= self.max_lines:
                groups[-1][1] = end
                groups[-1][2] = groups[-1][2] or title
            else:
                groups.append([start, end, title])
        return [(s, e, t) for s, e, t in groups]

    def _chunk(self, items: list[_Item], header: list[str], symbol: str | None, kind: str) -> Chunk:
        head = "\n".join(comment_line(self.language, line) for line in header)
        content = head + "\n" + "\n".join(text for _, _, text in items)
        digest = hashlib.sha256(content.encode("utf-8", "surrogatepass")).hexdigest()
        return Chunk(
            self.path, items[0][0], items[-1][1], self.language, symbol, kind, content, digest
        )

    def _line_items(self, start: int, end: int) -> list[_Item]:
        lines = self.lines
        return [(n, n, lines[n - 1]) for n in range(start, end + 1)]

    # --- splitting ------------------------------------------------------------------

    def _split(self, items: list[_Item]) -> list[list[_Item]]:
        """Cut ``items`` into parts of at most ``max_lines`` with ``overlap`` shared lines."""
        max_lines, overlap = self.max_lines, self.overlap
        if len(items) <= max_lines:
            return [items] if items else []
        boundaries = self._statement_boundaries()
        parts: list[list[_Item]] = []
        i = 0
        while len(items) - i > max_lines:
            limit = i + max_lines  # the part may end just before items[limit]
            earliest = i + max(overlap + 1, max_lines // 2)
            cut, best = limit, None
            for j in range(earliest, limit + 1):
                depth = boundaries.get(items[j][0])
                if depth is None and not items[j - 1][2].strip():
                    depth = _BLANK_SCORE
                if depth is not None and (best is None or depth <= best):
                    cut, best = j, depth
            parts.append(items[i:cut])
            i = cut - overlap
        parts.append(items[i:])
        return parts

    def _statement_boundaries(self) -> dict[int, int]:
        # parsed once per file, and only for files with something to split
        if self._boundaries is None:
            self._boundaries = statement_lines(self.text, self.language)
        return self._boundaries


def _uncovered_runs(covered: list[bool], last: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = None
    for line in range(1, last + 2):
        if line <= last and not covered[line]:
            if start is None:
                start = line
        elif start is not None:
            runs.append((start, line - 1))
            start = None
    return runs


def _trim_blank(items: list[_Item]) -> list[_Item]:
    start, end = 0, len(items)
    while start < end and not items[start][2].strip():
        start += 1
    while end > start and not items[end - 1][2].strip():
        end -= 1
    return items[start:end]


def _numbered(label: str, number: int, total: int) -> str:
    return f"{label} (part {number}/{total})" if total > 1 else label
