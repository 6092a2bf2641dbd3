"""Code in a model's answer: extracted from fenced blocks and syntax-checked.

A model's code is only returned *as code* once it parses: ``extract_code`` pulls the
fenced blocks (```` ```python ```` or ``~~~``) out of a reply, names their language,
and checks each — Python with ``ast.parse``; JavaScript, TypeScript, TSX, Java, Go and
Bash with DevLab's tree-sitter grammars (any ERROR or MISSING node is a syntax
error). A block in another language is returned unchecked (``valid`` None).

A reply without fences is taken whole when it parses as the requested language (or
Python when none is asked for) and is more than a bare word: models often answer a
"write a function" request with the code alone. An unterminated final fence (the
answer hit its token limit) still yields its block, which then usually fails the check.
"""

from __future__ import annotations

import ast
import re

from pydantic import BaseModel, Field

LANGUAGE_ALIASES: dict[str, str] = {
    "python": "python",
    "py": "python",
    "python3": "python",
    "py3": "python",
    "javascript": "javascript",
    "js": "javascript",
    "jsx": "javascript",
    "mjs": "javascript",
    "cjs": "javascript",
    "node": "javascript",
    "typescript": "typescript",
    "ts": "typescript",
    "tsx": "tsx",
    "java": "java",
    "go": "go",
    "golang": "go",
    "bash": "bash",
    "sh": "bash",
    "shell": "bash",
    "zsh": "bash",
}
CHECKED_LANGUAGES = ("python", "javascript", "typescript", "tsx", "java", "go", "bash")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^`\n]*$")


class CodeBlock(BaseModel):
    """One piece of code from an answer, and whether it parses."""

    language: str | None = Field(description="normalised language id, None when unknown")
    code: str
    valid: bool | None = Field(description="parses; None when the language is not checked")
    error: str | None = Field(default=None, description="the first syntax error")


def normalize_language(name: str | None) -> str | None:
    """``"py"`` -> ``"python"``; unknown names are kept lower-cased; empty -> None."""
    if not name:
        return None
    key = name.strip().lower().lstrip(".{").rstrip("}")
    return LANGUAGE_ALIASES.get(key, key or None)


def check_syntax(code: str, language: str | None) -> tuple[bool | None, str | None]:
    """``(valid, first error)``; ``(None, None)`` for a language DevLab cannot check."""
    language = normalize_language(language)
    if language == "python":
        try:
            ast.parse(code)
        except SyntaxError as exc:
            return False, f"line {exc.lineno}: {exc.msg}"
        except ValueError as exc:  # e.g. null bytes
            return False, str(exc)
        return True, None
    if language not in CHECKED_LANGUAGES:
        return None, None
    from devlab.codebase import get_parser

    tree = get_parser(language).parse(code.encode("utf-8"))
    if not tree.root_node.has_error:
        return True, None
    return False, _first_error(tree.root_node)


def _first_error(node) -> str:  # node: tree_sitter.Node
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_missing:
            row, col = current.start_point
            return f"line {row + 1}, column {col + 1}: missing {current.type}"
        if current.type == "ERROR":
            row, col = current.start_point
            return f"line {row + 1}, column {col + 1}: syntax error"
        stack.extend(reversed([c for c in current.children if c.has_error or c.is_missing]))
    return "syntax error"


def fenced_blocks(text: str) -> list[tuple[str | None, str]]:
    """``(info language, body)`` of every fenced block, in order (an unterminated final
    fence runs to the end of the text)."""
    blocks: list[tuple[str | None, str]] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, info = match.group(1), match.group(2)
        body: list[str] = []
        i += 1
        while i < len(lines):
            stripped = lines[i].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            body.append(lines[i])
            i += 1
        blocks.append((info or None, "\n".join(body)))
        i += 1
    return blocks


def _looks_like_code(code: str, language: str) -> bool:
    """More than a bare word or sentence fragment that happens to parse."""
    if language == "python":
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            return False
        trivial = (ast.Name, ast.Constant, ast.Attribute)
        return any(
            not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, trivial))
            for stmt in tree.body
        )
    return any(ch in code for ch in "\n;{(=")


def extract_code(text: str, language: str | None = None) -> list[CodeBlock]:
    """The code blocks of ``text``, checked; only ``language`` ones when it is given
    (untagged blocks count as ``language``)."""
    wanted = normalize_language(language)
    blocks: list[CodeBlock] = []
    fenced = fenced_blocks(text)
    for info, code in fenced:
        lang = normalize_language(info) or wanted
        if wanted and lang != wanted:
            continue
        valid, error = check_syntax(code, lang)
        blocks.append(CodeBlock(language=lang, code=code, valid=valid, error=error))
    if fenced:
        return blocks
    whole = text.strip("\n")
    lang = wanted or "python"
    valid, error = check_syntax(whole, lang)
    if whole.strip() and valid and _looks_like_code(whole, lang):
        return [CodeBlock(language=lang, code=whole, valid=True, error=None)]
    return []


__all__ = [
    "CHECKED_LANGUAGES",
    "LANGUAGE_ALIASES",
    "CodeBlock",
    "check_syntax",
    "extract_code",
    "fenced_blocks",
    "normalize_language",
]
