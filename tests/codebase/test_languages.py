"""Language detection: by extension first, by shebang for files without one."""

from __future__ import annotations

import pytest

from devlab.codebase.languages import (
    PARSED_LANGUAGES,
    TEXT_LANGUAGES,
    comment_line,
    detect_language,
)


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("pkg/client.py", "python"),
        ("stubs/client.pyi", "python"),
        ("web/app.js", "javascript"),
        ("web/app.mjs", "javascript"),
        ("web/app.cjs", "javascript"),
        ("web/App.jsx", "javascript"),
        ("web/app.ts", "typescript"),
        ("web/app.mts", "typescript"),
        ("web/app.cts", "typescript"),
        ("web/types.d.ts", "typescript"),
        ("web/App.tsx", "tsx"),
        ("src/main/java/com/acme/App.java", "java"),
        ("cmd/server/main.go", "go"),
        ("scripts/deploy.sh", "bash"),
        ("scripts/deploy.bash", "bash"),
        ("db/schema.sql", "sql"),
        ("package.json", "json"),
        (".github/workflows/ci.yml", "yaml"),
        ("config.yaml", "yaml"),
        ("README.md", "markdown"),
        ("docs/guide.markdown", "markdown"),
        ("pyproject.toml", "toml"),
        ("Dockerfile", "dockerfile"),
        ("windows\\path\\tool.py", "python"),
        ("UPPER.PY", "python"),
    ],
)
def test_detects_language_by_file_name(path: str, language: str) -> None:
    assert detect_language(path) == language


@pytest.mark.parametrize(
    ("head", "language"),
    [
        (b"#!/usr/bin/env python3\nprint('hi')\n", "python"),
        (b"#!/usr/bin/python3.11 -u\n", "python"),
        (b"#!/usr/bin/env -S python3 -X dev\n", "python"),
        (b"#!/bin/bash\nset -e\n", "bash"),
        (b"#!/bin/sh\n", "bash"),
        (b"#!/usr/bin/env zsh\n", "bash"),
        (b"#!/usr/bin/env node\nconsole.log(1)\n", "javascript"),
        (b"#! /usr/bin/env bash\n", "bash"),
        (b"#!/usr/bin/env\n", None),
        (b"#!/usr/bin/perl\n", None),
        (b"print('no shebang')\n", None),
        (b"", None),
    ],
)
def test_detects_language_by_shebang_when_there_is_no_extension(
    head: bytes, language: str | None
) -> None:
    assert detect_language("bin/tool", head) == language


def test_extension_wins_over_shebang() -> None:
    assert detect_language("tool.py", b"#!/bin/bash\n") == "python"


@pytest.mark.parametrize("path", ["image.png", "archive.tar.gz", "notes", "LICENSE", ".gitignore"])
def test_unknown_files_have_no_language(path: str) -> None:
    assert detect_language(path) is None


def test_language_sets() -> None:
    assert sorted(PARSED_LANGUAGES) == [
        "bash",
        "go",
        "java",
        "javascript",
        "python",
        "tsx",
        "typescript",
    ]
    assert {"sql", "json", "yaml", "markdown"} <= TEXT_LANGUAGES
    assert not PARSED_LANGUAGES & TEXT_LANGUAGES


def test_comment_line_uses_the_language_syntax() -> None:
    assert comment_line("python", "File: a.py") == "# File: a.py"
    assert comment_line("go", "File: a.go") == "// File: a.go"
    assert comment_line("sql", "File: a.sql") == "-- File: a.sql"
    assert comment_line("markdown", "File: a.md") == "<!-- File: a.md -->"
    assert comment_line("unknown", "x") == "# x"
