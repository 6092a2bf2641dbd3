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
