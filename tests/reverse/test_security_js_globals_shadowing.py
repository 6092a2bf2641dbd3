"""General JavaScript gaps seen on the tuning half of an outside labelled set (the
RuleTester cases of eslint security plugins, ``bench_security.py --eslint-tests``),
written here as small cases of their own: globals reached through ``window.`` /
``global.`` / ``globalThis.``, IE's ``execScript``; a local declaration or parameter
hides a module-level alias of the same name; ``this.eval`` in a plain function is the
global ``eval``; the browser's HTML injection sinks report
values of untraced origin; a session middleware's cookie options without ``secure``.
And one seen on an outside browser library (bootstrap 5.3.3): a selector or event
namespace in a constant named like a key is no credential."""

from __future__ import annotations

import textwrap

from devlab.reverse.security import scan_source

SERIOUS = {"medium", "high", "critical"}


def serious(src: str, cwes: set[str], path: str = "app.js") -> list[tuple[int, str]]:
    found = scan_source(path, textwrap.dedent(src))
    return sorted(
        (f.start_line, f.confidence) for f in found if f.cwe in cwes and f.severity in SERIOUS
    )


def test_code_sinks_through_the_global_object() -> None:
    src = """\
        function run(userCode, ms) {
          global.setTimeout("go(" + userCode + ")", ms);
          globalThis.setInterval(`tick(${userCode})`, ms);
          window.execScript("x = " + userCode, "JScript");
          global.setTimeout(() => go(userCode), ms);
          execScript("constant()");
        }
    """
    assert [line for line, _ in serious(src, {"CWE-94", "CWE-95"})] == [2, 3, 4]


def test_a_local_declaration_or_parameter_hides_a_module_alias() -> None:
    src = """\
        const foo = require("child_process");
        const { exec } = require("child_process");
        function match(str) {
          var foo = /hello/;
          return foo.exec(str);
        }
        function apply(exec, str) {
          return exec(str);
        }
        function shell(str) {
          foo.exec(str);
          exec(str);
        }
    """
    assert [line for line, _ in serious(src, {"CWE-78"})] == [11, 12]


def test_browser_html_sinks_report_untraced_values_but_not_constants() -> None:
    src = """\
        function show(node, html) {
          node.innerHTML = html;
          node.outerHTML = "<b>" + html + "</b>";
          node.insertAdjacentHTML("beforeend", html);
          window.document.writeln(html);
          node.innerHTML = "<b>fixed</b>";
          node.textContent = html;
        }
    """
    assert serious(src, {"CWE-79"}) == [(2, "low"), (3, "low"), (4, "low"), (5, "low")]
    traced = """\
        document.getElementById("x").innerHTML = location.hash.slice(1);
        window.document.location.href = location.hash.slice(1);
    """
    assert serious(traced, {"CWE-79", "CWE-601"}) == [(1, "high"), (2, "high")]


def test_session_cookie_options_without_secure() -> None:
    src = """\
        const session = require("express-session");
        app.use(session({ secret: s, cookie: { path: "/", httpOnly: true } }));
        app.use(session({ secret: s, cookie: { secure: true, httpOnly: true } }));
        app.use(other({ cookie: { path: "/" } }));
    """
    assert [line for line, _ in serious(src, {"CWE-614"})] == [2]


def test_this_eval_in_a_plain_function_is_the_global_eval() -> None:
    src = """\
        window.run = function (name) {
          this.eval("log('" + name + "')");
        };
        class A {
          eval(x) { return x; }
          run(name) { this.eval("log('" + name + "')"); }
        }
        const o = { run(name) { this.eval("x" + name); } };
    """
    assert [line for line, _ in serious(src, {"CWE-94", "CWE-95"})] == [2]


def test_selector_or_event_namespace_named_like_a_key_is_no_credential() -> None:
    src = """\
        const DATA_API_KEY = ".data-api";
        const TOGGLE_KEY = "#menu-toggle";
        const API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    """
    assert [line for line, _ in serious(src, {"CWE-798"})] == [3]
