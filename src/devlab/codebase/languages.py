"""Language detection by file name and shebang, and what DevLab can do with each language.

Language ids are short lowercase strings (``"python"``, ``"tsx"``, ``"markdown"``).
``PARSED_LANGUAGES`` have a tree-sitter grammar (symbols, imports, references);
``TEXT_LANGUAGES`` are indexed as text windows only.
"""

from __future__ import annotations

import posixpath
import re

__all__ = [
    "LANGUAGES",
    "PARSED_LANGUAGES",
    "TEXT_LANGUAGES",
    "comment_line",
    "detect_language",
]

PARSED_LANGUAGES: frozenset[str] = frozenset(
    {"python", "javascript", "typescript", "tsx", "java", "go", "bash"}
)

_EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".pyw": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".java": "java",
    ".go": "go",
    ".sh": "bash",
    ".bash": "bash",
    ".zsh": "bash",
    ".ksh": "bash",
    # text only
    ".sql": "sql",
    ".json": "json",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".md": "markdown",
    ".markdown": "markdown",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
    ".html": "html",
    ".htm": "html",
    ".css": "css",
    ".scss": "css",
    ".xml": "xml",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".rs": "rust",
    ".rb": "ruby",
    ".kt": "kotlin",
    ".rst": "rst",
}

_FILENAMES: dict[str, str] = {
    "dockerfile": "dockerfile",
    "makefile": "make",
    ".bashrc": "bash",
    ".bash_profile": "bash",
    ".profile": "bash",
    ".zshrc": "bash",
}

# interpreter named by a shebang (version suffix removed) -> language
_INTERPRETERS: dict[str, str] = {
    "python": "python",
    "pypy": "python",
    "node": "javascript",
    "nodejs": "javascript",
    "bun": "javascript",
    "ts-node": "typescript",
    "sh": "bash",
    "bash": "bash",
    "zsh": "bash",
    "dash": "bash",
    "ksh": "bash",
}

LANGUAGES: frozenset[str] = frozenset(_EXTENSIONS.values()) | frozenset(_FILENAMES.values())
TEXT_LANGUAGES: frozenset[str] = LANGUAGES - PARSED_LANGUAGES

# issue 13: a match may only start where a run starts (linear, not quadratic)
_VERSION_SUFFIX = re.compile(r"(?<![\d.])[\d.]+$")


def extensions_of(*languages: str) -> dict[str, str]:
    """The file extensions (``".ts"``) of ``languages``, mapped to their language id, in
    the table's order: for code that must recognise files the way ingestion does."""
    return {ext: lang for ext, lang in _EXTENSIONS.items() if lang in languages}


def detect_language(path: str, head: bytes = b"") -> str | None:
    """The language id of a file from its name, else from a shebang in ``head``.

    ``head`` is the first bytes of the file (a few hundred are plenty). The extension
    wins when it is known; the shebang only names files without one (``bin/deploy``).
    Returns None for anything unknown.
    """
    name = posixpath.basename(path.replace("\\", "/"))
    lowered = name.lower()
    if lowered in _FILENAMES:
        return _FILENAMES[lowered]
    _, ext = posixpath.splitext(lowered)
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    return _language_from_shebang(head)


def _language_from_shebang(head: bytes) -> str | None:
    if isinstance(head, str):
        head = head.encode("utf-8", "replace")
    if not head.startswith(b"#!"):
        return None
    first_line = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace")
    words = first_line.split()
    if not words:
        return None
    program = posixpath.basename(words[0])
    if program == "env":
        # "#!/usr/bin/env -S python3 -u", "#!/usr/bin/env FOO=1 node"
        rest = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        if not rest:
            return None
        program = posixpath.basename(rest[0])
    program = _VERSION_SUFFIX.sub("", program) or program
    return _INTERPRETERS.get(program)


# line-comment marker used for the context header of chunks
_COMMENT_PREFIX: dict[str, str] = {
    "javascript": "//",
    "typescript": "//",
    "tsx": "//",
    "java": "//",
    "go": "//",
    "c": "//",
    "cpp": "//",
    "rust": "//",
    "kotlin": "//",
    "json": "//",
    "sql": "--",
    "ini": ";",
}
_BLOCK_COMMENT: dict[str, tuple[str, str]] = {
    "markdown": ("<!--", "-->"),
    "html": ("<!--", "-->"),
    "xml": ("<!--", "-->"),
    "css": ("/*", "*/"),
}


def comment_line(language: str, text: str) -> str:
    """``text`` as a one-line comment in ``language`` (``#`` when it has no comment syntax)."""
    if language in _BLOCK_COMMENT:
        opening, closing = _BLOCK_COMMENT[language]
        return f"{opening} {text} {closing}"
    return f"{_COMMENT_PREFIX.get(language, '#')} {text}"
