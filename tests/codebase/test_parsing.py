"""Tree-sitter parsing to symbols, imports and references, on realistic snippets."""

from __future__ import annotations

import threading
from textwrap import dedent

import pytest

from devlab.codebase.parsing import parse_source, statement_lines
from devlab.codebase.records import Import, Reference, Symbol

PARSED = ["python", "javascript", "typescript", "tsx", "java", "go", "bash"]

PYTHON = dedent(
    '''\
    #!/usr/bin/env python3
    """HTTP client helpers."""

    from __future__ import annotations

    import os.path, json as j
    from typing import Any
    from .transport import Transport, Response as Resp
    from .. import retry
    from ..util.text import *

    DEFAULT_TIMEOUT = 5.0


    def build_url(base: str, path: str) -> str:
        """Join a base URL and a path."""
        return os.path.join(base, path)


    @dataclass(frozen=True)
    class Client(BaseClient):
        """A small HTTP client."""

        timeout: float = DEFAULT_TIMEOUT

        class Config:
            retries = 3

            def describe(self) -> str:
                return "config"

        @retry(times=3)
        async def get(
            self, url: str, *, params: dict[str, Any] | None = None
        ) -> Resp:
            """Fetch ``url``.

            Retries on failure.
            """
            full = build_url(self.base, url)
            return await self.transport.send("GET", full, params=params)

        def close(self):
            def _drain(queue):
                return queue.clear()

            _drain(self.queue)
            Transport.shutdown(self)


    if __name__ == "__main__":
        Client().close()
    '''
)


def _symbols(source: str, language: str, module: str = "m") -> list[tuple]:
    parsed = parse_source(source, language, module)
    assert parsed.error is None
    return [(s.qualname, s.kind, s.start_line, s.end_line, s.parent) for s in parsed.symbols]


def _by_name(symbols: list[Symbol]) -> dict[str, Symbol]:
    return {s.qualname: s for s in symbols}


def test_python_symbols_with_decorators_nesting_and_async() -> None:
    parsed = parse_source(PYTHON, "python", "pkg.client")
    assert parsed.error is None
    assert parsed.language == "python"
    assert [(s.qualname, s.kind, s.start_line, s.end_line, s.parent) for s in parsed.symbols] == [
        ("pkg.client", "module", 1, 52, None),
        ("build_url", "function", 15, 17, None),
        ("Client", "class", 20, 48, None),  # starts at its decorator
        ("Client.Config", "class", 26, 30, "Client"),
        ("Client.Config.describe", "method", 29, 30, "Client.Config"),
        ("Client.get", "method", 32, 41, "Client"),
        ("Client.close", "method", 43, 48, "Client"),
        ("Client.close._drain", "function", 44, 45, "Client.close"),
    ]
    symbols = _by_name(parsed.symbols)
    module = symbols["pkg.client"]
    assert (module.name, module.docstring, module.signature) == (
        "client",
        "HTTP client helpers.",
        "",
    )
    assert symbols["build_url"].signature == "def build_url(base: str, path: str) -> str"
    assert symbols["build_url"].docstring == "Join a base URL and a path."
    assert symbols["Client"].signature == "class Client(BaseClient)"
    assert symbols["Client"].docstring == "A small HTTP client."
    get = symbols["Client.get"]
    assert get.name == "get"
    assert get.signature == (
        "async def get(self, url: str, *, params: dict[str, Any] | None = None) -> Resp"
    )
    assert get.docstring == "Fetch ``url``.\n\nRetries on failure."
    assert symbols["Client.close"].docstring == ""


def test_python_imports() -> None:
    parsed = parse_source(PYTHON, "python")
    assert parsed.imports == [
        Import("__future__", ("annotations",), 4),
        Import("os.path", (), 6),
        Import("json", (), 6),
        Import("typing", ("Any",), 7),
        Import(".transport", ("Transport", "Response"), 8),
        Import("..", ("retry",), 9),
        Import("..util.text", ("*",), 10),
    ]


def test_python_references_calls_and_scopes() -> None:
    refs = parse_source(PYTHON, "python").references
    calls = {(r.name, r.line, r.scope) for r in refs if r.kind == "call"}
    assert calls == {
        ("join", 17, "build_url"),
        ("dataclass", 20, None),
        ("retry", 32, "Client"),
        ("build_url", 40, "Client.get"),
        ("send", 41, "Client.get"),
        ("clear", 45, "Client.close._drain"),
        ("_drain", 47, "Client.close"),
        ("shutdown", 48, "Client.close"),
        ("close", 52, None),
        ("Client", 52, None),
    }
    plain = {(r.name, r.line, r.scope) for r in refs if r.kind == "ref"}
    assert {
        ("BaseClient", 21, "Client"),
        ("DEFAULT_TIMEOUT", 24, "Client"),
        ("Any", 34, "Client.get"),
        ("Resp", 35, "Client.get"),
        ("transport", 41, "Client.get"),
        ("Transport", 48, "Client.close"),
    } <= plain
    names = {r.name for r in refs}
    # definition names, keyword names, self, imports and 1-char names are not references
    assert not names & {"describe", "get", "times", "frozen", "self", "j", "typing"}
    # a parameter is a reference where it is used, not where it is declared
    assert ("url", 40, "Client.get") in plain and ("params", 41, "Client.get") in plain
    assert not {r for r in refs if r.line in (33, 34) and r.name in ("url", "params")}
    # nor is an assignment target
    assert ("full", 40, "Client.get") not in plain and ("full", 41, "Client.get") in plain
    assert all(len(r.name) > 1 for r in refs)
    # one reference per name, kind, line and scope
    assert len(refs) == len({(r.name, r.kind, r.line, r.scope) for r in refs})


JAVASCRIPT = dedent(
    """\
    'use strict';
    const path = require('path');
    import { EventEmitter } from 'events';
    import Default, * as utils from "./utils.js";

    /**
     * Creates a store.
     * @param {string} name
     */
    export function createStore(name) {
      return new Store(path.join('/tmp', name));
    }

    // Doubles a number.
    const double = (n) => n * 2;
    let named = function inner() {};

    class Store extends EventEmitter {
      constructor(file) {
        super();
        this.file = file;
      }

      /** Saves one record. */
      async save(record) {
        const data = JSON.stringify(record);
        await this.writer.write(data);
        this.emit('saved', double(1));
      }

      onChange = (event) => { this.save(event); };
    }

    export * from "./more";
    module.exports = { createStore };
    const lazy = import("./lazy");
    """
)


def test_javascript_functions_arrow_functions_and_classes() -> None:
    parsed = parse_source(JAVASCRIPT, "javascript", "store")
    assert parsed.error is None
    assert [(s.qualname, s.kind, s.start_line, s.end_line, s.parent) for s in parsed.symbols] == [
        ("store", "module", 1, 36, None),
        ("createStore", "function", 10, 12, None),
        ("double", "function", 15, 15, None),
        ("named", "function", 16, 16, None),
        ("Store", "class", 18, 32, None),
        ("Store.constructor", "method", 19, 22, "Store"),
        ("Store.save", "method", 25, 29, "Store"),
        ("Store.onChange", "method", 31, 31, "Store"),
    ]
    symbols = _by_name(parsed.symbols)
    assert symbols["createStore"].signature == "function createStore(name)"
    assert symbols["createStore"].docstring == "Creates a store.\n@param {string} name"
    assert symbols["double"].signature == "const double = (n) =>"
    assert symbols["double"].docstring == "Doubles a number."
    assert symbols["Store"].signature == "class Store extends EventEmitter"
    assert symbols["Store.save"].signature == "async save(record)"
    assert symbols["Store.save"].docstring == "Saves one record."
    assert symbols["Store.onChange"].signature == "onChange = (event) =>"


def test_javascript_imports_and_calls() -> None:
    parsed = parse_source(JAVASCRIPT, "javascript")
    assert parsed.imports == [
        Import("path", (), 2),
        Import("events", ("EventEmitter",), 3),
        Import("./utils.js", ("Default", "*"), 4),
        Import("./more", ("*",), 34),
        Import("./lazy", (), 36),
    ]
    calls = {(r.name, r.line, r.scope) for r in parsed.references if r.kind == "call"}
    assert calls == {
        ("Store", 11, "createStore"),  # new Store(...)
        ("join", 11, "createStore"),
        ("stringify", 26, "Store.save"),
        ("write", 27, "Store.save"),
        ("emit", 28, "Store.save"),
        ("double", 28, "Store.save"),
        ("save", 31, "Store.onChange"),
    }
    refs = {r.name for r in parsed.references if r.kind == "ref"}
    assert {"EventEmitter", "JSON", "writer", "exports"} <= refs
    assert not refs & {"inner", "require", "utils", "Default"}
    # a parameter is a reference where it is used, not where it is declared
    assert {r.line for r in parsed.references if r.name == "file"} == {21}


TYPESCRIPT = dedent(
    """\
    import type { Point } from "./geometry";

    /** Anything with an area. */
    export interface Shape {
      area(): number;
      readonly name: string;
    }

    export type ShapeKind = "circle" | "square";

    export enum Unit { Cm, Inch }

    export class Circle implements Shape {
      readonly name = "circle";

      constructor(private radius: number, private center: Point) {}

      area(): number {
        return Math.PI * this.radius ** 2;
      }
    }

    export const totalArea = (shapes: Shape[]): number =>
      shapes.reduce((sum, s) => sum + s.area(), 0);
    """
)


def test_typescript_interfaces_types_enums_and_classes() -> None:
    parsed = parse_source(TYPESCRIPT, "typescript", "shapes")
    assert parsed.error is None
    assert [
        (s.qualname, s.kind, s.start_line, s.end_line, s.signature) for s in parsed.symbols
    ] == [
        ("shapes", "module", 1, 24, ""),
        ("Shape", "class", 4, 7, "interface Shape"),
        ("Shape.area", "method", 5, 5, "area(): number"),
        ("ShapeKind", "class", 9, 9, 'type ShapeKind = "circle" | "square"'),
        ("Unit", "class", 11, 11, "enum Unit"),
        ("Circle", "class", 13, 21, "class Circle implements Shape"),
        (
            "Circle.constructor",
            "method",
            16,
            16,
            "constructor(private radius: number, private center: Point)",
        ),
        ("Circle.area", "method", 18, 20, "area(): number"),
        ("totalArea", "function", 23, 24, "const totalArea = (shapes: Shape[]): number =>"),
    ]
    assert _by_name(parsed.symbols)["Shape"].docstring == "Anything with an area."
    assert parsed.imports == [Import("./geometry", ("Point",), 1)]
    refs = {(r.name, r.kind, r.scope) for r in parsed.references}
    assert ("Shape", "ref", "Circle") in refs  # implements Shape
    assert ("Point", "ref", "Circle.constructor") in refs
    assert ("area", "call", "totalArea") in refs
    assert ("reduce", "call", "totalArea") in refs


TSX = dedent(
    """\
    import React, { useState } from "react";
    import { Icon } from "./Icon";

    type Props = { label: string; onClick?: () => void };

    // A button that counts its clicks.
    export function Button({ label, onClick }: Props) {
      const [count, setCount] = useState(0);
      const handle = () => {
        setCount(count + 1);
        onClick?.();
      };
      return (
        <button className="btn" onClick={handle}>
          <Icon name="plus" /> {label} ({count})
        </button>
      );
    }
    """
)


def test_tsx_component() -> None:
    parsed = parse_source(TSX, "tsx", "Button")
    assert parsed.error is None
    assert [(s.qualname, s.kind, s.start_line, s.end_line, s.parent) for s in parsed.symbols] == [
        ("Button", "module", 1, 18, None),
        ("Props", "class", 4, 4, None),
        ("Button", "function", 7, 18, None),
        ("Button.handle", "function", 9, 12, "Button"),
    ]
    button = parsed.symbols[2]
    assert button.signature == "function Button({ label, onClick }: Props)"
    assert button.docstring == "A button that counts its clicks."
    assert parsed.imports == [
        Import("react", ("React", "useState"), 1),
        Import("./Icon", ("Icon",), 2),
    ]
    calls = {(r.name, r.line, r.scope) for r in parsed.references if r.kind == "call"}
    # a capitalised JSX element is a use of a component; <button> is an HTML tag
    assert calls == {
        ("useState", 8, "Button"),
        ("setCount", 10, "Button.handle"),
        ("onClick", 11, "Button.handle"),
        ("Icon", 15, "Button"),
    }
    refs = {r.name for r in parsed.references if r.kind == "ref"}
    assert "Props" in refs and "handle" in refs
    assert not refs & {"button", "className", "setCount"}


JAVA = dedent(
    """\
    package com.example.calc;

    import java.util.List;
    import java.util.ArrayList;
    import static java.lang.Math.*;

    /**
     * A simple calculator.
     * Keeps a history of results.
     */
    public class Calculator extends BaseTool implements Tool {
        private final List<Integer> history = new ArrayList<>();

        /** Creates a calculator with a name. */
        public Calculator(String name) {
            super(name);
        }

        /**
         * Adds two numbers.
         */
        @Override
        public int add(int a, int b) {
            int result = Math.addExact(a, b);
            history.add(result);
            return result;
        }

        // Clears the history.
        void clear() { history.clear(); }

        interface Listener { void onResult(int value); }
    }
    """
)


def test_java_class_constructor_methods_and_javadoc() -> None:
    parsed = parse_source(JAVA, "java", "com.example.calc.Calculator")
    assert parsed.error is None
    got = [(s.qualname, s.kind, s.start_line, s.end_line, s.parent) for s in parsed.symbols]
    assert got == [
        ("com.example.calc.Calculator", "module", 1, 33, None),
        ("Calculator", "class", 11, 33, None),
        ("Calculator.Calculator", "method", 15, 17, "Calculator"),
        ("Calculator.add", "method", 22, 27, "Calculator"),  # from its @Override line
        ("Calculator.clear", "method", 30, 30, "Calculator"),
        ("Calculator.Listener", "class", 32, 32, "Calculator"),
        ("Calculator.Listener.onResult", "method", 32, 32, "Calculator.Listener"),
    ]
    symbols = _by_name(parsed.symbols)
    calculator = symbols["Calculator"]
    assert calculator.signature == "public class Calculator extends BaseTool implements Tool"
    assert calculator.docstring == "A simple calculator.\nKeeps a history of results."
    assert symbols["Calculator.Calculator"].signature == "public Calculator(String name)"
    assert symbols["Calculator.Calculator"].docstring == "Creates a calculator with a name."
    # annotations are in the lines but not in the signature
    assert symbols["Calculator.add"].signature == "public int add(int a, int b)"
    assert symbols["Calculator.add"].docstring == "Adds two numbers."
    assert symbols["Calculator.clear"].docstring == "Clears the history."
    assert symbols["Calculator.Listener.onResult"].signature == "void onResult(int value)"
    assert parsed.imports == [
        Import("java.util.List", (), 3),
        Import("java.util.ArrayList", (), 4),
        Import("java.lang.Math", ("*",), 5),
    ]
    calls = {(r.name, r.scope) for r in parsed.references if r.kind == "call"}
    assert calls == {
        ("ArrayList", "Calculator"),
        ("addExact", "Calculator.add"),
        ("add", "Calculator.add"),
        ("clear", "Calculator.clear"),
    }
    refs = {r.name for r in parsed.references if r.kind == "ref"}
    assert {"BaseTool", "Tool", "List", "Integer", "Override", "Math", "history"} <= refs
    assert not refs & {"value", "com", "example"}  # a parameter, a package
    result_lines = {r.line for r in parsed.references if r.name == "result"}
    assert result_lines == {25, 26}  # used on 25 and 26, declared on 24


GO = dedent(
    """\
    // Package server serves the API.
    package server

    import (
    \t"fmt"
    \tnethttp "net/http"
    )

    // Server handles requests.
    type Server struct {
    \taddr    string
    \thandler nethttp.Handler
    }

    // Handler serves one route.
    type Handler interface {
    \tServe(w nethttp.ResponseWriter) error
    }

    type (
    \tMode  int
    \tLevel = Mode
    )

    // Start listens on the address.
    func (s *Server) Start() error {
    \tfmt.Println("listening on", s.addr)
    \tresp, err := nethttp.Get(s.addr)
    \t_ = resp
    \treturn err
    }

    // NewServer builds a Server.
    func NewServer[T any](addr string) *Server {
    \treturn &Server{addr: addr}
    }
    """
)


def test_go_structs_interfaces_methods_and_functions() -> None:
    parsed = parse_source(GO, "go", "server")
    assert parsed.error is None
    got = [
        (s.qualname, s.kind, s.start_line, s.end_line, s.parent, s.signature)
        for s in parsed.symbols
    ]
    assert got == [
        ("server", "module", 1, 36, None, ""),
        ("Server", "class", 10, 13, None, "type Server struct"),
        ("Handler", "class", 16, 18, None, "type Handler interface"),
        ("Handler.Serve", "method", 17, 17, "Handler", "Serve(w nethttp.ResponseWriter) error"),
        ("Mode", "class", 21, 21, None, "type Mode int"),
        ("Level", "class", 22, 22, None, "type Level = Mode"),
        ("Server.Start", "method", 26, 31, "Server", "func (s *Server) Start() error"),
        ("NewServer", "function", 34, 36, None, "func NewServer[T any](addr string) *Server"),
    ]
    docs = {s.qualname: s.docstring for s in parsed.symbols}
    assert docs["server"] == "Package server serves the API."
    assert docs["Server"] == "Server handles requests."
    assert docs["Server.Start"] == "Start listens on the address."
    assert docs["NewServer"] == "NewServer builds a Server."
    assert parsed.imports == [Import("fmt", (), 5), Import("net/http", ("nethttp",), 6)]
    calls = {(r.name, r.line, r.scope) for r in parsed.references if r.kind == "call"}
    assert calls == {("Println", 27, "Server.Start"), ("Get", 28, "Server.Start")}
    refs = {r.name for r in parsed.references if r.kind == "ref"}
    assert {"Handler", "ResponseWriter", "Server", "addr", "nethttp", "fmt"} <= refs
    # builtin types and err are not references; "resp" only where it is used
    assert not refs & {"err", "string", "error", "int"}
    assert {r.line for r in parsed.references if r.name == "resp"} == {29}


BASH = dedent(
    """\
    #!/usr/bin/env bash
    # Deploys the app.
    # Usage: deploy.sh TARGET
    set -euo pipefail
    source ./lib/common.sh
    . "$HOME/.deployrc"

    # Prints a log line.
    log() {
      echo "[deploy] $*" >&2
    }

    function deploy {
      local target="$1"
      log "deploying to ${target}"
      rsync -a build/ "$target"
    }

    deploy "$DEPLOY_TARGET"
    """
)


def test_bash_functions_sources_and_commands() -> None:
    parsed = parse_source(BASH, "bash", "deploy")
    assert parsed.error is None
    assert parsed.symbols == [
        Symbol(
            "deploy",
            "deploy",
            "module",
            "",
            "Deploys the app.\nUsage: deploy.sh TARGET",
            1,
            19,
            None,
        ),
        Symbol("log", "log", "function", "log()", "Prints a log line.", 9, 11, None),
        Symbol("deploy", "deploy", "function", "function deploy", "", 13, 17, None),
    ]
    assert parsed.imports == [
        Import("./lib/common.sh", (), 5),
        Import("$HOME/.deployrc", (), 6),
    ]
    assert [r for r in parsed.references if r.kind == "call"] == [
        Reference("set", "call", 4, None),
        Reference("echo", "call", 10, "log"),
        Reference("log", "call", 15, "deploy"),
        Reference("rsync", "call", 16, "deploy"),
        Reference("deploy", "call", 19, None),
    ]
    refs = {(r.name, r.scope) for r in parsed.references if r.kind == "ref"}
    assert refs == {("HOME", None), ("target", "deploy"), ("DEPLOY_TARGET", None)}


def test_syntax_error_is_reported_and_other_symbols_are_kept() -> None:
    source = dedent(
        """\
        def good(a):
            return a


        def broken(:
            pass


        class Fine:
            def method(self):
                return 1
        """
    )
    parsed = parse_source(source, "python", "m")
    assert parsed.error is not None and parsed.error.startswith("syntax error at line 5")
    qualnames = [s.qualname for s in parsed.symbols]
    assert "good" in qualnames
    assert "Fine" in qualnames and "Fine.method" in qualnames


def test_missing_token_is_reported_with_its_line() -> None:
    parsed = parse_source("class A {\n  void run() {\n    int x = 1\n  }\n}\n", "java")
    assert parsed.error == "syntax error at line 3: missing ';'"
    assert [s.qualname for s in parsed.symbols] == ["", "A", "A.run"]


@pytest.mark.parametrize("language", PARSED)
def test_empty_file_has_only_the_module_symbol(language: str) -> None:
    parsed = parse_source("", language, "empty")
    assert parsed.error is None
    assert parsed.symbols == [Symbol("empty", "empty", "module", "", "", 1, 1, None)]
    assert parsed.imports == [] and parsed.references == []


@pytest.mark.parametrize("language", PARSED)
def test_garbage_never_raises(language: str) -> None:
    garbage = "\x00\x01\x7f\ufffd\ud800 }{)(][ <<<>>> '''\"\"\" /* \n\t\x0b\x0c" * 50 + "(" * 5000
    parsed = parse_source(garbage, language, "junk")
    assert parsed.language == language
    assert parsed.error is not None and parsed.error.startswith("syntax error at line ")
    assert parsed.symbols[0].kind == "module"


@pytest.mark.parametrize("language", ["markdown", "json", "yaml", "sql", "cobol"])
def test_text_only_and_unknown_languages_are_not_parsed(language: str) -> None:
    parsed = parse_source("# Title\nSELECT 1;\n", language, "m")
    assert parsed.symbols == [] and parsed.imports == [] and parsed.references == []
    assert parsed.error is None
    assert parsed.language == language


def test_crlf_lines_and_non_ascii_text() -> None:
    source = 'def café(x):\r\n    """Ünïcode."""\r\n    return x\r\n\r\ndef b():\r\n    pass\r\n'
    parsed = parse_source(source, "python")
    assert [(s.name, s.start_line, s.end_line, s.docstring) for s in parsed.symbols[1:]] == [
        ("café", 1, 3, "Ünïcode."),
        ("b", 5, 6, ""),
    ]


def test_long_signatures_are_cut() -> None:
    params = ", ".join(f"argument_{i}: int" for i in range(60))
    parsed = parse_source(f"def wide({params}):\n    pass\n", "python")
    signature = parsed.symbols[1].signature
    assert len(signature) == 300 and signature.endswith("...")
    assert signature.startswith("def wide(argument_0: int, argument_1: int")


def test_parsing_from_several_threads_agrees() -> None:
    expected = parse_source(JAVASCRIPT, "javascript")
    results: list = []

    def work() -> None:
        for _ in range(20):
            results.append(parse_source(JAVASCRIPT, "javascript"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80
    assert all(r == expected for r in results)


def test_statement_lines_give_block_nesting_depth() -> None:
    source = "x = 1\n\ndef f():\n    a = 1\n    if a:\n        b = 2\n    return a\n"
    assert statement_lines(source, "python") == {1: 0, 3: 0, 4: 1, 5: 1, 6: 2, 7: 1}
    assert statement_lines("anything", "markdown") == {}


# --- issue 14: every form a JavaScript/TypeScript/Java/Go codebase defines things in ----

EXPRESS_STYLE = dedent(
    """\
    var res = Object.create(http.ServerResponse.prototype);
    module.exports = res;
    res.send = function send(body) {
      return this.end(body);
    };
    Route.prototype._handles_method = function _handles_method(method) {};
    exports.compileETag = (value) => value;
    app.listen = function () {};
    const api = { get: function () {}, "post": () => 1, put() {}, nested: { deep() {} } };
    Layer.prototype = { match(path) {}, handle: function () {} };
    class View { engine = (name) => name; static lookup() {} }
    methods.forEach(function each(method) {});
    """
)


def test_javascript_assignment_prototype_object_and_export_forms() -> None:
    parsed = parse_source(EXPRESS_STYLE, "javascript", "lib.response")
    assert parsed.error is None
    got = {(s.qualname, s.kind, s.start_line, s.parent) for s in parsed.symbols[1:]}
    assert got == {
        ("res.send", "method", 3, "res"),
        ("Route._handles_method", "method", 6, "Route"),
        ("compileETag", "function", 7, None),
        ("app.listen", "method", 8, "app"),
        ("api.get", "method", 9, "api"),
        ("api.post", "method", 9, "api"),
        ("api.put", "method", 9, "api"),
        ("api.nested.deep", "method", 9, "api.nested"),
        ("Layer.match", "method", 10, "Layer"),
        ("Layer.handle", "method", 10, "Layer"),
        ("View", "class", 11, None),
        ("View.engine", "method", 11, "View"),
        ("View.lookup", "method", 11, "View"),
        ("each", "function", 12, None),
    }
    send = next(s for s in parsed.symbols if s.qualname == "res.send")
    assert (send.name, send.end_line, send.signature) == (
        "send",
        5,
        "res.send = function send(body)",
    )


def test_module_exports_of_a_class_and_a_named_function() -> None:
    koa = "module.exports = class Application extends Emitter {\n  listen() {}\n};\n"
    parsed = parse_source(koa, "javascript", "lib.application")
    assert [(s.qualname, s.kind) for s in parsed.symbols[1:]] == [
        ("Application", "class"),
        ("Application.listen", "method"),
    ]
    query = "module.exports = function query(options) {\n  return options;\n};\n"
    parsed = parse_source(query, "javascript", "lib.query")
    assert [(s.qualname, s.kind, s.end_line) for s in parsed.symbols[1:]] == [
        ("query", "function", 3)
    ]
    anonymous = "module.exports = class {};\n"
    parsed = parse_source(anonymous, "javascript", "lib.x")
    assert [(s.qualname, s.kind) for s in parsed.symbols[1:]] == [("exports", "class")]


def test_typescript_namespaces_overloads_and_signatures() -> None:
    text = dedent(
        """\
        namespace Geometry { export function area(r: number): number { return r; } }
        declare module "ext" { }
        export function pick(a: string): string;
        export function pick(a: number): number;
        export function pick(a: any): any { return a; }
        interface Ctor { new (): Ctor; call(x: number): void }
        abstract class Base { abstract run(): void; }
        """
    )
    parsed = parse_source(text, "typescript", "geo")
    assert parsed.error is None
    got = [(s.qualname, s.kind, s.start_line) for s in parsed.symbols[1:]]
    assert got == [
        ("Geometry", "class", 1),
        ("Geometry.area", "function", 1),
        ('"ext"', "class", 2),
        ("pick", "function", 3),
        ("pick", "function", 4),
        ("pick", "function", 5),
        ("Ctor", "class", 6),
        ("Ctor.new", "method", 6),
        ("Ctor.call", "method", 6),
        ("Base", "class", 7),
        ("Base.run", "method", 7),
    ]


def test_java_lambdas_in_fields_anonymous_inner_records_and_enums() -> None:
    text = dedent(
        """\
        public class Outer {
            private final Runnable task = () -> run();
            Object listener = new Listener() {
                @Override public void onEvent(Event e) {}
            };
            record Point(int x, int y) { int sum() { return x + y; } }
            enum Color { RED { void f() {} }, GREEN }
            class Inner { void g() {} }
        }
        """
    )
    parsed = parse_source(text, "java", "Outer")
    assert parsed.error is None
    got = [(s.qualname, s.kind, s.start_line) for s in parsed.symbols[1:]]
    assert got == [
        ("Outer", "class", 1),
        ("Outer.task", "method", 2),
        ("Outer.Listener$anon", "class", 3),
        ("Outer.Listener$anon.onEvent", "method", 4),
        ("Outer.Point", "class", 6),
        ("Outer.Point.sum", "method", 6),
        ("Outer.Color", "class", 7),
        ("Outer.Color.f", "method", 7),
        ("Outer.Inner", "class", 8),
        ("Outer.Inner.g", "method", 8),
    ]
    task = next(s for s in parsed.symbols if s.qualname == "Outer.task")
    assert task.signature == "private final Runnable task = () ->"


def test_go_closures_in_vars_and_interface_methods() -> None:
    text = dedent(
        """\
        package a

        var handler = func(w int) {}
        var (
            x = 1
            onDone = func() {}
        )
        type Reader interface { Read(p []byte) (int, error) }
        type T struct{}
        func (t *T) M() { inner := func() {}; inner() }
        """
    )
    parsed = parse_source(text, "go", "a")
    got = [(s.qualname, s.kind, s.start_line) for s in parsed.symbols[1:]]
    assert got == [
        ("handler", "function", 3),
        ("onDone", "function", 6),
        ("Reader", "class", 8),
        ("Reader.Read", "method", 8),
        ("T", "class", 9),
        ("T.M", "method", 10),
        ("T.M.inner", "function", 10),
    ]


def test_bash_functions_after_an_unrecoverable_syntax_error_are_still_found() -> None:
    # tree-sitter-bash gives up on the rest of a file at some constructs (seen in
    # jetty.sh); the functions after it are read line by line instead
    text = dedent(
        """\
        usage() {
          echo "usage"
        }
        case "$1" in
          start) ;&
        esac )
        findDirectory()
        {
          local L OP=$1
        }
        function running {
          [ -f "$1" ]
        }
        """
    )
    parsed = parse_source(text, "bash", "jetty")
    assert parsed.error is not None
    got = [(s.name, s.kind, s.start_line, s.end_line) for s in parsed.symbols[1:]]
    assert ("findDirectory", "function", 7, 10) in got
    assert ("running", "function", 11, 13) in got
    assert [name for name, *_ in got].count("usage") == 1
