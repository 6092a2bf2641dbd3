"""Templates written in JavaScript code: request data rendered by a raw expression
(``{{{x}}}``, ``{{& x}}``, ``<%- x %>``, any expression under ``noEscape: true``) or wrapped
in ``Handlebars.SafeString`` is XSS; the same data rendered by an escaping expression
(``{{x}}``, ``<%= x %>``) comes out escaped."""

from __future__ import annotations

from devlab.reverse.security import scan_source

HEAD = (
    "const express = require('express');\nconst Handlebars = require('handlebars');\n"
    "const ejs = require('ejs');\nconst Mustache = require('mustache');\n"
    "const app = express();\n"
)


def xss(body: str) -> int:
    code = HEAD + "app.get('/a', (req, res) => {\n  const n = req.query.n;\n  " + body + "\n});\n"
    found = scan_source("app.js", code)
    return sum(
        1 for f in found if f.cwe == "CWE-79" and f.severity in ("medium", "high", "critical")
    )


def test_raw_expressions_keep_the_taint() -> None:
    assert xss("res.send(Handlebars.compile('<p>{{{name}}}</p>')({ name: n }));") == 1
    assert xss("res.send(Mustache.render('<p>{{& name}}</p>', { name: n }));") == 1
    assert xss("res.send(ejs.render('<p><%- name %></p>', { name: n }));") == 1
    assert (
        xss(
            "const t = Handlebars.compile('<p>{{name}}</p>', { noEscape: true });\n"
            "  res.send(t({ name: n }));"
        )
        == 1
    )
    assert xss("res.render('page', { body: new Handlebars.SafeString(n) });") == 1


def test_escaping_expressions_sanitise() -> None:
    assert xss("res.send(Handlebars.compile('<p>{{name}}</p>')({ name: n }));") == 0
    assert xss("res.send(Mustache.render('<p>{{name}}</p>', { name: n }));") == 0
    assert xss("res.send(ejs.render('<p><%= name %></p>', { name: n }));") == 0
    assert xss("const t = Handlebars.compile('<p>{{name}}</p>');\n  res.send(t({ name: n }));") == 0
    # a raw expression that reads another (constant) key
    assert (
        xss("res.send(ejs.render('<%- head %><p><%= name %></p>', { head: '<b>', name: n }));") == 0
    )


def test_templates_the_engine_cannot_read_stay_tainted() -> None:
    # a template from a variable, and an EJS scriptlet (code we do not read)
    assert xss("res.send(ejs.render(req.body.t, { name: 'x' }));") == 1
    assert xss("res.send(ejs.render('<% if (a) { %><%= name %><% } %>', { name: n }));") == 1
