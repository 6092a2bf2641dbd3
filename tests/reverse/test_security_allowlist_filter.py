"""A replace that keeps only an allow-listed alphabet is a sanitiser for the sink kinds
whose dangerous characters it removes (``s.replace(/[^a-z0-9]/g, "")``): not for kinds a
kept character (``.`` for paths, a space for commands) or the replacement still serves,
not without the ``g`` flag, and not for a deny-list (``/\\.\\./g``). Python's
``re.sub(r"[^a-z0-9]", "", s)`` the same (not with ``count``)."""

from __future__ import annotations

from devlab.reverse.security import scan_source

HEAD = (
    "const express = require('express');\nconst fs = require('fs');\n"
    "const cp = require('child_process');\nconst app = express();\n"
)


def cwes(body: str) -> list[str]:
    code = HEAD + "app.get('/a', (req, res) => {\n  " + body + "\n});\n"
    found = scan_source("app.js", code)
    return sorted(f.cwe for f in found if f.severity in ("medium", "high", "critical"))


def test_allow_list_filter_sanitises_the_kinds_it_protects() -> None:
    assert cwes("fs.readFile(req.query.p.replace(/[^a-z0-9]/g, ''), done);") == []
    assert cwes("cp.exec('ls ' + req.query.p.replace(/[^a-zA-Z0-9_-]/g, ''));") == []
    assert cwes("res.send('<p>' + req.query.p.replace(/[^\\w.-]/g, '_') + '</p>');") == []


def test_filters_that_leave_a_dangerous_character_do_not() -> None:
    assert cwes("fs.readFile(req.query.p.replace(/[^\\w.-]/g, '_'), done);") == ["CWE-22"]
    assert cwes("cp.exec('ls ' + req.query.p.replace(/[^a-z0-9 ]/g, ''));") == ["CWE-78"]
    assert cwes("fs.readFile(req.query.p.replace(/[^a-z0-9]/g, '/'), done);") == ["CWE-22"]
    assert cwes("fs.readFile(req.query.p.replace(/[^a-z0-9]/, ''), done);") == ["CWE-22"]
    assert cwes("fs.readFile(req.query.p.replace(/\\.\\./g, ''), done);") == ["CWE-22"]
    assert cwes("fs.readFile(req.query.p.replace(/[^\\u0041-\\u005a]/g, ''), done);") == ["CWE-22"]


def test_python_re_sub_to_an_allow_list() -> None:
    head = (
        "import re\nimport subprocess\nfrom flask import Flask, request\n"
        "app = Flask(__name__)\n\n@app.route('/a')\ndef a():\n"
    )

    def py(body: str) -> list[str]:
        found = scan_source("app.py", head + body + "\n")
        return sorted(f.cwe for f in found if f.severity in ("medium", "high", "critical"))

    assert py("    return open(re.sub(r'[^a-z0-9]', '', request.args['p'])).read()") == []
    assert (
        py("    subprocess.run('ls ' + re.sub('[^a-z0-9_-]', '', request.args['p']), shell=True)")
        == []
    )
    assert py("    return open(re.sub(r'[^\\w.-]', '_', request.args['p'])).read()") == ["CWE-22"]
    assert py("    return open(re.sub(r'\\.\\.', '', request.args['p'])).read()") == ["CWE-22"]
    assert py("    return open(re.sub(r'[^a-z0-9]', '', request.args['p'], count=1)).read()") == [
        "CWE-22"
    ]
