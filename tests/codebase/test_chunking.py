"""Chunking: one chunk per definition, compact classes, module runs, splits, text windows."""

from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path
from textwrap import dedent

import pytest

from devlab.codebase.chunking import chunk_file
from devlab.codebase.languages import detect_language
from devlab.codebase.parsing import parse_source
from devlab.codebase.records import Chunk
from devlab.errors import InvalidInput


def _chunks(path: str, text: str, **options: int) -> list[Chunk]:
    language = detect_language(path)
    assert language is not None
    return chunk_file(path, text, language, parse_source(text, language, "m"), **options)


_HEADER = re.compile(r"^(#|//|--|<!--) (File|Class|Symbol|Section|Module-level code)\b")


def _code(chunk: Chunk) -> list[str]:
    """The chunk's source lines, without its context header."""
    lines = chunk.content.split("\n")
    while lines and _HEADER.match(lines[0]):
        lines.pop(0)
    return lines


def _assert_covers_every_line(text: str, chunks: list[Chunk]) -> None:
    """Every non-blank line lies in a chunk's range, and its text is in such a chunk."""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        holders = [c for c in chunks if c.start_line <= number <= c.end_line]
        assert holders, f"line {number} is in no chunk: {line!r}"
        assert any(line.rstrip("\r") in c.content for c in holders), (
            f"line {number} text is in no chunk that spans it: {line!r}"
        )


PYTHON = dedent(
    '''\
    """Orders service."""

    import logging
    from .models import Order

    log = logging.getLogger(__name__)


    # Computes the price of an order.
    def total(order: Order) -> float:
        def line_price(line):
            return line.qty * line.price

        return sum(line_price(line) for line in order.lines)


    class OrderService(Base):
        """Creates and cancels orders."""

        retries = 3

        @staticmethod
        def create(items: list) -> Order:
            order = Order(items)
            log.info("created %s", order)
            return order

        def cancel(self, order_id: int) -> None: self.store.delete(order_id)

        class Error(Exception):
            pass


    if __name__ == "__main__":
        OrderService.create([])
    '''
)


def test_one_chunk_per_definition_and_module_runs() -> None:
    chunks = _chunks("shop/orders.py", PYTHON)
    assert [(c.kind, c.symbol, c.start_line, c.end_line) for c in chunks] == [
        ("module", None, 1, 6),
        ("function", "total", 9, 14),  # with the comment line above it
        ("class", "OrderService", 17, 31),
        ("method", "OrderService.create", 22, 26),
        ("method", "OrderService.cancel", 28, 28),
        ("class", "OrderService.Error", 30, 31),
        ("module", None, 34, 35),
    ]
    assert all(c.path == "shop/orders.py" and c.language == "python" for c in chunks)
    _assert_covers_every_line(PYTHON, chunks)


def test_class_chunk_keeps_header_attributes_and_member_stubs() -> None:
    chunk = next(c for c in _chunks("shop/orders.py", PYTHON) if c.symbol == "OrderService")
    assert chunk.content == (
        "# File: shop/orders.py\n"
        "# Symbol: OrderService (class)\n"
        "class OrderService(Base):\n"
        '    """Creates and cancels orders."""\n'
        "\n"
        "    retries = 3\n"
        "\n"
        "    def create(items: list) -> Order: ...\n"
        "\n"
        "    def cancel(self, order_id: int) -> None: self.store.delete(order_id)\n"
        "\n"
        "    class Error(Exception): ..."
    )
    assert chunk.content_hash == hashlib.sha256(chunk.content.encode()).hexdigest()


def test_method_chunk_has_context_header_and_decorators() -> None:
    chunk = next(c for c in _chunks("shop/orders.py", PYTHON) if c.symbol == "OrderService.create")
    assert chunk.content == (
        "# File: shop/orders.py\n"
        "# Class: OrderService\n"
        "# Symbol: OrderService.create (method)\n"
        "    @staticmethod\n"
        "    def create(items: list) -> Order:\n"
        "        order = Order(items)\n"
        '        log.info("created %s", order)\n'
        "        return order"
    )


def test_nested_functions_stay_in_their_enclosing_chunk() -> None:
    chunks = _chunks("shop/orders.py", PYTHON)
    assert not [c for c in chunks if c.symbol == "total.line_price"]
    total = next(c for c in chunks if c.symbol == "total")
    assert _code(total) == [
        "# Computes the price of an order.",
        "def total(order: Order) -> float:",
        "    def line_price(line):",
        "        return line.qty * line.price",
        "",
        "    return sum(line_price(line) for line in order.lines)",
    ]


JAVA = dedent(
    """\
    package shop;

    import java.util.List;

    /** Keeps orders. */
    public class Orders {
        private final List<String> items;

        /**
         * Adds one item.
         */
        @Deprecated
        public void add(String item) {
            items.add(item);
        }
    }
    """
)


def test_java_chunks_take_their_javadoc_and_use_line_comments_for_headers() -> None:
    chunks = _chunks("src/shop/Orders.java", JAVA)
    assert [(c.kind, c.symbol, c.start_line, c.end_line) for c in chunks] == [
        ("module", None, 1, 3),
        ("class", "Orders", 5, 16),
        ("method", "Orders.add", 9, 15),
    ]
    orders, add = chunks[1], chunks[2]
    assert orders.content.split("\n") == [
        "// File: src/shop/Orders.java",
        "// Symbol: Orders (class)",
        "/** Keeps orders. */",
        "public class Orders {",
        "    private final List<String> items;",
        "",
        "    public void add(String item) { ... }",
        "}",
    ]
    assert add.content.split("\n")[:5] == [
        "// File: src/shop/Orders.java",
        "// Class: Orders",
        "// Symbol: Orders.add (method)",
        "    /**",
        "     * Adds one item.",
    ]
    _assert_covers_every_line(JAVA, chunks)


SAMPLES = {
    "web/store.js": dedent(
        """\
        const path = require('path');

        /** Creates a store. */
        export function createStore(name) {
          return new Store(path.join('/tmp', name));
        }

        const double = (n) => n * 2;

        class Store {
          constructor(file) {
            this.file = file;
          }

          save(record) {
            return JSON.stringify(record);
          }
        }
        """
    ),
    "web/shapes.ts": dedent(
        """\
        export interface Shape {
          area(): number;
        }

        export class Square implements Shape {
          constructor(private side: number) {}
          area(): number { return this.side ** 2; }
        }
        """
    ),
    "web/Button.tsx": dedent(
        """\
        import React from "react";

        export function Button({ label }: { label: string }) {
          return <button>{label}</button>;
        }
        """
    ),
    "cmd/server.go": dedent(
        """\
        package main

        import "fmt"

        type (
        \tMode int
        \tServer struct{ addr string }
        )

        // Start runs the server.
        func (s *Server) Start() {
        \tfmt.Println(s.addr)
        }
        """
    ),
    "bin/deploy.sh": dedent(
        """\
        #!/bin/bash
        set -e

        deploy() {
          rsync -a build/ "$1"
        }

        deploy "$TARGET"
        """
    ),
    "shop/orders.py": PYTHON,
    "src/shop/Orders.java": JAVA,
}


@pytest.mark.parametrize("path", sorted(SAMPLES))
def test_chunks_cover_every_line_of_each_language(path: str) -> None:
    text = SAMPLES[path]
    chunks = _chunks(path, text)
    assert chunks
    _assert_covers_every_line(text, chunks)
    for chunk in chunks:
        assert chunk.content_hash == hashlib.sha256(chunk.content.encode()).hexdigest()
        assert chunk.content.split("\n")[0].endswith(f"File: {path}")


def _real_files() -> list[Path]:
    import rich
    import typer

    rich_dir = Path(rich.__file__).parent
    typer_dir = Path(typer.__file__).parent
    return [
        rich_dir / "console.py",
        rich_dir / "table.py",
        rich_dir / "text.py",
        rich_dir / "progress.py",
        typer_dir / "main.py",
        typer_dir / "core.py",
    ]


@pytest.mark.parametrize("path", _real_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chunks_cover_every_line_of_real_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    parsed = parse_source(text, "python", path.stem)
    chunks = chunk_file(path.name, text, "python", parsed, max_lines=40, overlap_lines=4)
    assert parsed.error is None
    _assert_covers_every_line(text, chunks)
    for chunk in chunks:
        assert len(_code(chunk)) <= 40
        assert chunk.start_line <= chunk.end_line
    # every definition outside functions has a chunk
    owned = {c.symbol for c in chunks}
    outside_functions = {
        s.qualname
        for s in parsed.symbols
        if s.kind in ("class", "method") or (s.kind == "function" and s.parent is None)
    }
    assert outside_functions - owned == set()


def _long_function(statements: int) -> str:
    body = []
    for i in range(statements):
        if i % 10 == 5:
            body += [f"    if value > {i}:", f"        value -= {i}", "        log(value)"]
        else:
            body.append(f"    value = step_{i}(value)")
    return "def long_one(value):\n" + "\n".join(body) + "\n    return value\n"


def test_long_function_is_split_at_statements_with_overlap() -> None:
    text = _long_function(120)
    lines = text.split("\n")
    parts = _chunks("long.py", text, max_lines=40, overlap_lines=5)
    assert len(parts) > 3
    assert {p.symbol for p in parts} == {"long_one"}
    assert parts[0].start_line == 1 and parts[-1].end_line == len(lines) - 1
    for number, part in enumerate(parts, 1):
        code = _code(part)
        assert len(code) <= 40
        assert code == lines[part.start_line - 1 : part.end_line]
        assert f"# Symbol: long_one (function, part {number}/{len(parts)})" in part.content
    for before, after in itertools.pairwise(parts):
        assert after.start_line == before.end_line - 5 + 1  # 5 lines of overlap
        first_new_line = lines[before.end_line]  # the line after the previous part
        # cut before a statement of the function body, never inside the if blocks
        assert first_new_line.startswith("    ") and not first_new_line.startswith("     ")
    _assert_covers_every_line(text, parts)


def test_long_module_code_and_classes_are_split_too() -> None:
    constants = "\n".join(f"NAME_{i} = {i}" for i in range(100))
    methods = "\n".join(f"    def m{i}(self):\n        return {i}\n" for i in range(70))
    text = f"{constants}\n\n\nclass Big:\n{methods}"
    chunks = _chunks("big.py", text, max_lines=30, overlap_lines=3)
    module = [c for c in chunks if c.kind == "module"]
    assert len(module) == 4 and all(len(_code(c)) <= 30 for c in module)
    big = [c for c in chunks if c.symbol == "Big"]
    # 1 header line + 70 one-line stubs (and the blank lines between them)
    assert len(big) > 1 and all(len(_code(c)) <= 30 for c in big)
    assert big[0].content.split("\n")[2] == "class Big:"
    assert "    def m69(self): ..." in big[-1].content
    assert len([c for c in chunks if c.kind == "method"]) == 70
    _assert_covers_every_line(text, chunks)


MARKDOWN = dedent(
    """\
    # Shop

    Intro text.

    ## Install

    ```bash
    # not a heading: inside a code fence
    pip install shop
    ```

    ## Usage

    Run it.
    """
)


def test_markdown_splits_at_headings() -> None:
    text = MARKDOWN + "\n".join(f"line {i}" for i in range(30)) + "\n"
    chunks = _chunks("README.md", text, max_lines=12, overlap_lines=2)
    assert all(c.kind == "text" and c.symbol is None for c in chunks)
    first = chunks[0]
    assert (first.start_line, first.end_line) == (1, 10)  # "# Shop" and "## Install" packed
    assert first.content.startswith("<!-- File: README.md -->\n<!-- Section: Shop -->\n# Shop\n")
    assert "# not a heading" in first.content
    assert chunks[1].start_line == 12  # "## Usage" starts a chunk, then its long body splits
    assert "<!-- Section: Usage (part 1/" in chunks[1].content
    _assert_covers_every_line(text, chunks)


def test_text_languages_become_line_windows_with_overlap() -> None:
    text = "\n".join(f'  "key_{i}": {i},' for i in range(100)) + "\n"
    chunks = _chunks("data.json", text, max_lines=30, overlap_lines=5)
    assert [(c.start_line, c.end_line) for c in chunks] == [(1, 30), (26, 55), (51, 80), (76, 100)]
    assert all(c.kind == "text" for c in chunks)
    assert chunks[0].content.startswith("// File: data.json (part 1/4)\n")
    _assert_covers_every_line(text, chunks)


def test_sql_and_yaml_are_text() -> None:
    sql = "-- users\nCREATE TABLE users (id INT);\n\nSELECT * FROM users;\n"
    [chunk] = _chunks("db/schema.sql", sql)
    assert (chunk.kind, chunk.start_line, chunk.end_line) == ("text", 1, 4)
    assert chunk.content.startswith("-- File: db/schema.sql\n-- users\n")
    [chunk] = _chunks("ci.yml", "\n\non: push\njobs: {}\n\n")
    assert (chunk.start_line, chunk.end_line) == (3, 4)  # blank edges trimmed


def test_a_parse_with_only_errors_becomes_text_chunks() -> None:
    text = "this is ((( not python\nat all ]]]\n"
    parsed = parse_source(text, "python", "m")
    assert parsed.error is not None
    [chunk] = chunk_file("bad.py", text, "python", parsed)
    assert (chunk.kind, chunk.start_line, chunk.end_line) == ("text", 1, 2)


def test_a_parse_with_errors_but_symbols_is_still_chunked_by_symbol() -> None:
    text = "def ok():\n    return 1\n\n\ndef broken(:\n    pass\n"
    parsed = parse_source(text, "python", "m")
    assert parsed.error is not None
    chunks = chunk_file("half.py", text, "python", parsed)
    assert ("function", "ok", 1, 2) in [
        (c.kind, c.symbol, c.start_line, c.end_line) for c in chunks
    ]
    _assert_covers_every_line(text, chunks)


@pytest.mark.parametrize("text", ["", "\n\n   \n", "\t\n"])
@pytest.mark.parametrize("path", ["a.py", "a.md", "a.go"])
def test_blank_files_have_no_chunks(path: str, text: str) -> None:
    assert _chunks(path, text) == []


def test_crlf_text_is_chunked_without_carriage_returns() -> None:
    text = "import os\r\n\r\ndef f():\r\n    return os.sep\r\n"
    chunks = _chunks("win.py", text)
    assert [(c.kind, c.start_line, c.end_line) for c in chunks] == [
        ("module", 1, 1),
        ("function", 3, 4),
    ]
    assert "\r" not in "".join(c.content for c in chunks)


def test_invalid_sizes_are_rejected() -> None:
    with pytest.raises(InvalidInput):
        _chunks("a.py", "x = 1\n", max_lines=0)
    with pytest.raises(InvalidInput):
        _chunks("a.py", "x = 1\n", overlap_lines=-1)


def test_overlap_is_capped_at_half_the_window() -> None:
    text = "\n".join(f"x{i} = {i}" for i in range(40)) + "\n"
    chunks = _chunks("a.py", text, max_lines=10, overlap_lines=50)
    assert all(len(_code(c)) <= 10 for c in chunks)
    for before, after in itertools.pairwise(chunks):
        assert before.end_line - after.start_line + 1 == 5
