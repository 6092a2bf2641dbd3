"""Idioms seen in an outside labelled set (CodeShield's semgrep rule tests, scored by
``bench_security.py --rule-tests``), written here as small general cases: a Python
function of the file named like a builtin sink is not that sink; JavaScript reaches
``eval`` through the comma operator, a variable holding it, or an object member holding
it (``{ eval }``), and an object member holding an imported API."""

from __future__ import annotations

import textwrap

from devlab.reverse.security import scan_source

SERIOUS = {"medium", "high", "critical"}


def serious_lines(path: str, src: str, cwes: set[str]) -> list[int]:
    found = scan_source(path, textwrap.dedent(src))
    return sorted(f.start_line for f in found if f.cwe in cwes and f.severity in SERIOUS)


def test_python_function_of_the_file_named_like_a_builtin_is_not_the_builtin() -> None:
    src = """\
        from flask import request

        def evaluate(expr):
            return expr

        def handler():
            q = request.args["q"]
            eval(q)

            def eval(v):
                return v

            eval(q)

        def exec(code):
            return code

        def other():
            exec(request.args["c"])
    """
    assert serious_lines("app.py", src, {"CWE-94", "CWE-95"}) == [8]


def test_python_imported_name_still_wins_over_a_builtin_name() -> None:
    src = """\
        import subprocess
        from flask import request
        from os import system as run

        def handler():
            run(request.args["c"])
    """
    assert serious_lines("app.py", src, {"CWE-78"}) == [6]


def test_js_eval_through_comma_alias_and_object_member() -> None:
    src = """\
        const express = require("express");
        const app = express();
        const indirect = eval;
        const box = { eval };
        const safe = { eval: (s) => s };
        app.get("/a", (req, res) => {
          const name = req.query.name;
          (0, eval)(`run("${name}")`);
          indirect("f('" + name + "')");
          box.eval("g('" + name + "')");
          safe.eval(name);
          (0, eval)("constant()");
          res.send("ok");
        });
    """
    assert serious_lines("app.js", src, {"CWE-94", "CWE-95"}) == [8, 9, 10]


def test_js_object_member_holding_an_imported_api() -> None:
    src = """\
        const cp = require("child_process");
        const express = require("express");
        const app = express();
        const tools = { run: cp.exec, name: "x" };
        app.get("/r", (req, res) => {
          tools.run(req.query.cmd);
          tools.name.concat(req.query.cmd);
          res.send("ok");
        });
    """
    assert serious_lines("app.js", src, {"CWE-78"}) == [6]


def test_js_message_handler_without_origin_check() -> None:
    src = """\
        window.addEventListener("message", (event) => {
          document.title = event.data;
        });
        window.addEventListener("message", function (e) {
          if (e.origin !== "https://example.org") return;
          document.title = e.data;
        });
        window.addEventListener("message", ({ origin, data }) => {
          if (origin === "https://example.org") document.title = data;
        });
        function onMsg(ev) {
          run(ev.data);
        }
        window.onmessage = onMsg;
        self.onmessage = (e) => postMessage(e.data * 2);
        window.addEventListener("resize", (e) => draw(e));
        window.addEventListener("message", (msg) => {
          const { origin, data } = msg;
          if (ALLOWED.includes(origin)) show(data);
        });
        window.addEventListener("message", (e) => {
          if (e.source !== frame.contentWindow) return;
          show(e.data);
        });
    """
    assert serious_lines("page.js", src, {"CWE-940"}) == [1, 14]


def test_js_cleartext_fetch_of_a_literal_http_url() -> None:
    src = """\
        const axios = require("axios");
        fetch("http://cdn.example.org/lib.js");
        fetch("https://cdn.example.org/lib.js");
        fetch("http://localhost:8080/api");
        fetch("http://127.0.0.1/x");
        fetch(`http://${host}/x`);
        fetch(`http://api.example.org/items/${id}`);
        axios.get("http://api.example.org/v1");
        const xhr = new XMLHttpRequest();
        xhr.open("GET", "http://api.example.org/data");
        xhr.open("GET", "/relative/data");
    """
    assert serious_lines("page.js", src, {"CWE-319"}) == [2, 7, 8, 10]
