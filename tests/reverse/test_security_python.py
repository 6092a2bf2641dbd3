"""Python security analysis: vulnerable vs fixed variants of each rule family, and one
run through the store."""

from __future__ import annotations

import textwrap

import pytest

from devlab.codebase.ingest import ingest_source
from devlab.reverse.security_python import analyze_python_security, scan_python_source
from helpers import write_tree

FLASK = "from flask import Flask, request, redirect, session\napp = Flask(__name__)\n"

# (cwe, vulnerable, fixed); each body is wrapped in a Flask route unless it starts with "#raw"
CASES = {
    "cmdi": (
        "CWE-78",
        """
        host = request.args.get("host")
        cmd = f"ping -c 1 {host}"
        return subprocess.check_output(cmd, shell=True)
        """,
        """
        host = shlex.quote(request.args.get("host"))
        return subprocess.check_output(f"ping -c 1 {host}", shell=True)
        """,
    ),
    "sqli": (
        "CWE-89",
        """
        uid = request.args["id"]
        cursor.execute(f"SELECT * FROM users WHERE id = '{uid}'")
        """,
        """
        uid = request.args["id"]
        cursor.execute("SELECT * FROM users WHERE id = %s", (uid,))
        """,
    ),
    "yaml": (
        "CWE-502",
        """
        return yaml.load(request.data)
        """,
        """
        return yaml.safe_load(request.data)
        """,
    ),
    "path": (
        "CWE-22",
        """
        return open(os.path.join(BASE, request.args["f"])).read()
        """,
        """
        return open(os.path.join(BASE, secure_filename(request.args["f"]))).read()
        """,
    ),
    "ssrf": (
        "CWE-918",
        """
        return requests.get(request.args["url"], timeout=5).text
        """,
        """
        return requests.get("https://api.example.org/status", timeout=5).text
        """,
    ),
    "redirect": (
        "CWE-601",
        """
        return redirect(request.args["next"])
        """,
        """
        return redirect("/home")
        """,
    ),
    "pickle": (
        "CWE-502",
        """
        return pickle.loads(request.data)
        """,
        """
        return json.loads(request.data)
        """,
    ),
    "xss": (
        "CWE-79",
        """
        return Markup("<b>" + request.args["name"] + "</b>")
        """,
        """
        return Markup("<b>%s</b>") % escape(request.args["name"])
        """,
    ),
    "trust": (
        "CWE-501",
        """
        session["role"] = request.form["role"]
        """,
        """
        session["role"] = "viewer"
        """,
    ),
}
HEADER = (
    "import subprocess, shlex, os, yaml, pickle, json, requests\n"
    "from markupsafe import Markup, escape\n"
    "from werkzeug.utils import secure_filename\n" + FLASK + "BASE = '/srv/files'\n"
)


def route(body: str) -> str:
    return (
        HEADER
        + '\n@app.route("/r")\ndef handler():\n'
        + textwrap.indent(textwrap.dedent(body).strip(), "    ")
        + "\n"
    )


def serious(findings, cwe):
    return [f for f in findings if f.cwe == cwe and f.severity in {"medium", "high", "critical"}]


@pytest.mark.parametrize("name", list(CASES))
def test_vulnerable_found_with_taint_path_fixed_not_reported(name: str) -> None:
    cwe, bad, good = CASES[name]
    found = serious(scan_python_source("app.py", route(bad)), cwe)
    assert found, f"{name}: vulnerable variant not reported"
    assert any(f.taint_path and f.taint_path[0].note.startswith("source: request") for f in found)
    assert found[0].taint_path[-1].note.startswith("sink")
    assert found[0].rule_id.startswith("DL-PY-") and found[0].fix
    assert serious(scan_python_source("app.py", route(good)), cwe) == []


def test_command_injection_path_records_each_step() -> None:
    (f,) = serious(scan_python_source("app.py", route(CASES["cmdi"][1])), "CWE-78")
    assert f.severity == "critical" and f.confidence == "high"
    notes = [s.note for s in f.taint_path]
    assert (
        notes[0] == "source: request.args"
        and "assigned to host" in notes
        and "assigned to cmd" in notes
    )
    # bandit's B602 on the sanitised variant is kept, but only at low severity: presence
    fixed = scan_python_source("app.py", route(CASES["cmdi"][2]))
    b602 = [x for x in fixed if x.rule_id == "BANDIT-B602"]
    assert b602 and b602[0].severity == "low" and "presence only" in b602[0].message


def test_eval_of_input_and_cross_function_flow() -> None:
    src = textwrap.dedent("""
        import os

        def run(cmd):
            os.system(cmd)

        def main():
            expr = input("> ")
            print(eval(expr))
            run("ls " + expr)

        def safe():
            print(eval("1 + 1"))
    """)
    findings = scan_python_source("cli.py", src)
    ev = serious(findings, "CWE-95")  # bandit B307 on eval("1 + 1") is kept at low only
    assert len(ev) == 1 and ev[0].taint_path[0].note == "source: input()" and ev[0].symbol == "main"
    (cmd,) = serious(findings, "CWE-78")
    assert cmd.start_line == 5 and any("passed to run()" in s.note for s in cmd.taint_path)


def test_configuration_rules() -> None:
    bad = textwrap.dedent("""
        import hashlib, random, requests
        from flask import Flask, make_response
        app = Flask(__name__)
        API_TOKEN = "<REDACTED:Secret Keyword>"

        def store(password):
            return hashlib.md5(password.encode()).hexdigest()

        def reset_token():
            return "".join(random.choice("abcdef0123456789") for _ in range(32))

        def fetch():
            resp = make_response("ok")
            resp.set_cookie("sid", "x")
            return requests.get("https://internal", verify=False, timeout=3)

        if __name__ == "__main__":
            app.run(debug=True)
    """)
    f = {x.cwe: x for x in scan_python_source("app.py", bad) if x.rule_id.startswith("DL-")}
    assert f["CWE-798"].severity == "high" and f["CWE-798"].confidence == "high"
    assert f["CWE-328"].symbol == "store"
    assert f["CWE-330"].symbol == "reset_token"
    assert f["CWE-614"].rule_id == "DL-PY-COOKIE"
    assert f["CWE-295"].severity == "high"
    assert f["CWE-489"].start_line == 19

    good = textwrap.dedent("""
        import hashlib, os, secrets, requests
        from flask import Flask
        app = Flask(__name__)
        API_TOKEN = os.environ["API_TOKEN"]

        def etag(body):
            return hashlib.md5(body).hexdigest()

        def reset_token():
            return secrets.token_urlsafe(32)

        def fetch(resp):
            resp.set_cookie("sid", "x", secure=True, httponly=True, samesite="Lax")
            return requests.get("https://internal", timeout=3)

        if __name__ == "__main__":
            app.run(debug=os.environ.get("DEBUG") == "1")
    """)
    found = scan_python_source("app.py", good)
    assert [x for x in found if x.severity in {"medium", "high", "critical"}] == []


def test_project_through_the_store(bench, tmp_path) -> None:
    src = write_tree(
        tmp_path / "flaskapp",
        {
            "app.py": route(CASES["cmdi"][1]) + "\n\n@app.route('/s')\ndef s():\n"
            "    return pickle.loads(request.data)\n",
            "broken.py": "def oops(:\n    pass\n",
            "util.py": "def add(a, b):\n    return a + b\n",
            # Python 3.12 syntax the server's own parser rejects: analysed all the same
            "modern.py": "from flask import request\nimport os\ntype P = str\n\n"
            'def h():\n    os.system(f"ls {request.args.get("d")}")\n',
        },
    )
    ingest_source(bench.db, bench.settings, name="flaskapp", source=str(src))
    report = analyze_python_security(bench.db, "flaskapp")
    assert report.project == "flaskapp" and report.files == 4
    # tree-sitter reads every file; bandit's parser rejects two, which is only counted
    assert report.errors == [] and report.unanalysed == [] and report.bandit_skipped == 2
    assert any(f.path == "modern.py" and f.cwe == "CWE-78" for f in report.findings)
    report.findings = [f for f in report.findings if f.path != "modern.py"]
    cwes = {f.cwe for f in report.findings if f.taint_path}
    assert {"CWE-78", "CWE-502"} <= cwes
    assert all(f.path == "app.py" for f in report.findings)


# rules sharpened on the labelled corpus of benchmarks/bench_security.py ------------------
def _by_cwe(findings, cwe):
    return [f for f in findings if f.cwe == cwe]


def test_untraced_parameter_is_medium_at_low_confidence() -> None:
    # `url` is a parameter nobody in the file calls (a library's input): non-constant
    # data reaches a sink dangerous by itself -> medium, low confidence, no taint path
    src = "import os\n\ndef clone(url):\n    os.system('git clone %s' % url)\n"
    (f,) = _by_cwe(scan_python_source("vcs.py", src), "CWE-78")
    assert f.rule_id == "DL-PY-CMDI" and not f.taint_path
    assert f.severity == "medium" and f.confidence == "low" and "also bandit" in f.message
    # presence only (constants) stays low
    const = "import os\n\ndef clone():\n    os.system('git clone https://x.org/r')\n"
    assert all(f.severity == "low" for f in _by_cwe(scan_python_source("v.py", const), "CWE-78"))


def test_parameter_chains_and_sanitised_arguments_are_not_reported_as_tainted() -> None:
    src = textwrap.dedent("""
        import os, shlex

        def run(cmd):
            os.system(cmd)

        def wrapper(arg):
            run(arg)

        def quoted():
            run("ls " + shlex.quote(input()))

        def main():
            wrapper(input())
    """)
    traced = [f for f in scan_python_source("cli.py", src) if f.taint_path]
    # only main()'s input() reaches the sink (through wrapper and run)
    assert len(traced) == 1 and traced[0].start_line == 5
    notes = [s.note for s in traced[0].taint_path]
    assert notes[0] == "source: input()" and "passed to wrapper() (same file)" in notes


def test_lxml_parser_that_resolves_entities() -> None:
    # a resolving parser is dangerous only for untrusted documents: the finding is where
    # request data is parsed with it; a parser alone is not a vulnerability
    head = "from flask import request\nfrom lxml import etree\n"
    for parser in (
        "etree.XMLParser(resolve_entities=True)",
        "etree.XMLParser(resolve_entities=False, no_network=False)",
        "etree.XMLParser(load_dtd=True)",
    ):
        bad = head + f"p = {parser}\n\ndef h():\n    return etree.fromstring(request.data, p)\n"
        (f,) = serious(scan_python_source("x.py", bad), "CWE-611")
        assert f.rule_id == "DL-PY-XXE" and f.start_line == 6 and f.taint_path
    for good in (
        "etree.XMLParser(remove_blank_text=True, resolve_entities=False)",
        "etree.XMLParser(resolve_entities=resolve)",  # the caller's choice
        "etree.XMLParser(resolve_entities='internal')",
    ):
        src = head + f"resolve = False\np = {good}\n\ndef h():\n"
        src += "    return etree.fromstring(request.data, p)\n"
        assert serious(scan_python_source("x.py", src), "CWE-611") == []
    const = head + "p = etree.XMLParser(resolve_entities=True)\nDOC = etree.fromstring('<a/>', p)\n"
    assert serious(scan_python_source("x.py", const), "CWE-611") == []


WSGI = """
import os, posixpath
ROOT = "/srv/site"

def app(environ, start_response):
    path = environ["PATH_INFO"]
    rel = {rel}
    with open(os.path.join(ROOT, rel), "rb") as fh:
        start_response("200 OK", [])
        return [fh.read()]
"""


def test_wsgi_environ_is_a_source_and_rooted_normpath_a_path_sanitiser() -> None:
    bad = WSGI.format(rel='path.lstrip("/")')
    (f,) = serious(scan_python_source("serve.py", bad), "CWE-22")
    assert f.taint_path[0].note == "source: WSGI environ" and f.severity == "high"
    good = WSGI.format(rel='posixpath.normpath("/" + path).lstrip("/")')
    assert serious(scan_python_source("serve.py", good), "CWE-22") == []
    unanchored = WSGI.format(rel="os.path.normpath(path)")  # '../..' survives normpath
    assert serious(scan_python_source("serve.py", unanchored), "CWE-22")


TORNADO = """
from tornado import httputil
from tornado.web import RequestHandler

class Handler(RequestHandler):
    def get(self):
        {body}
"""


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        ('self.redirect(self.get_argument("next"))', True),
        ("self.redirect(self.request.uri.rstrip('/'))", True),
        ('self.redirect("/" + self.get_argument("next"))', True),  # '//evil.example'
        ("self.redirect(f\"https://{self.get_argument('host')}/x\")", True),
        ("self.redirect(f\"{self.scheme}://{self.get_argument('host')}\")", True),
        ('self.redirect("/login?next=" + self.get_argument("next"))', False),
        ("self.redirect(f\"https://example.org/?q={self.get_argument('q')}\")", False),
        ('self.redirect("&".join([self.base_url, self.request.query]))', False),
        ("self.redirect(httputil.url_concat(self.url, self.request.query_arguments))", False),
        ('self.redirect("/home")', False),
    ],
)
def test_tornado_sources_redirect_sink_and_fixed_url_prefix(body: str, reported: bool) -> None:
    found = serious(scan_python_source("h.py", TORNADO.format(body=body)), "CWE-601")
    assert bool(found) is reported, body
    if reported:
        assert found[0].rule_id == "DL-PY-REDIRECT" and found[0].taint_path


def test_cookie_options_passed_through_and_debug_outside_settings() -> None:
    src = textwrap.dedent("""
        DEBUG = True

        def remember(resp, value, **opts):
            resp.set_cookie("sid", value, **opts)
    """)
    found = scan_python_source("lib/util.py", src)
    assert [f for f in found if f.cwe == "CWE-614"] == []
    (dbg,) = [f for f in found if f.cwe == "CWE-489"]
    assert dbg.severity == "low"
    (dbg,) = [f for f in scan_python_source("proj/settings.py", "DEBUG = True\n") if f.cwe]
    assert dbg.severity == "medium" and dbg.confidence == "high"


# guards: a check whose failing branch leaves (raise/return/abort/continue) -------------
@pytest.mark.parametrize(
    ("body", "reported"),
    [
        # a request path always starts with one "/": rejecting "//" keeps it on this host
        (
            'if self.request.path.startswith("//"):\n'
            "            raise HTTPError(403)\n"
            '        self.redirect(self.request.path + "/")',
            False,
        ),
        # ... but not for a query argument, which may be "https://evil.example"
        (
            'nxt = self.get_argument("next")\n'
            '        if nxt.startswith("//"):\n'
            "            raise HTTPError(403)\n"
            "        self.redirect(nxt)",
            True,
        ),
        (  # "/\\evil.example" passes, and browsers read it like "//evil.example"
            'nxt = self.get_argument("next")\n'
            '        if not nxt.startswith("/") or nxt.startswith("//"):\n'
            "            raise HTTPError(403)\n"
            "        self.redirect(nxt)",
            True,
        ),
        (
            'nxt = self.get_argument("next")\n'
            '        if not nxt.startswith("/") or nxt.startswith(("//", "/\\\\")):\n'
            "            raise HTTPError(403)\n"
            "        self.redirect(nxt)",
            False,
        ),
        # a scheme check says nothing about the host
        (
            'nxt = self.get_argument("next")\n'
            '        if not nxt.startswith(("http://", "https://")):\n'
            "            raise HTTPError(403)\n"
            "        self.redirect(nxt)",
            True,
        ),
        # a check that does not leave the function protects nothing after it
        (
            'nxt = self.get_argument("next")\n'
            '        if not nxt.startswith("/") or nxt.startswith("//"):\n'
            '            self.log("odd redirect")\n'
            "        self.redirect(nxt)",
            True,
        ),
        # inside the branch where the check holds
        (
            'nxt = self.get_argument("next")\n'
            '        if nxt.startswith("/") and not nxt.startswith(("//", "/\\\\")):\n'
            "            self.redirect(nxt)",
            False,
        ),
        # the parsed host is checked
        (
            'nxt = self.get_argument("next")\n'
            "        parsed = urlparse(nxt)\n"
            "        if parsed.netloc or parsed.scheme:\n"
            "            return\n"
            "        self.redirect(nxt)",
            False,
        ),
        # the host alone: "https:///evil.example" has no netloc for urllib (a host for
        # browsers) and passes the check (CVE-2023-39968's vulnerable form)
        (
            'nxt = self.get_argument("next")\n'
            "        parsed = urlparse(nxt)\n"
            "        if parsed.netloc:\n"
            "            return\n"
            "        self.redirect(nxt)",
            True,
        ),
        (
            'nxt = self.get_argument("next")\n'
            "        parsed = urlparse(nxt)\n"
            "        if (parsed.scheme or parsed.netloc) or not parsed.path.startswith('/app'):\n"
            "            return\n"
            "        self.redirect(nxt)",
            False,
        ),
        # "/" + a value stripped of its leading slashes (notebook's TrailingSlashHandler)
        (
            'path, *rest = self.request.uri.partition("?")\n'
            '        path = "/" + path.strip("/")\n'
            '        self.redirect("".join([path, *rest]))',
            False,
        ),
        # a query argument may start with "\\", which browsers read as "/": strip both
        ('self.redirect("/" + self.get_argument("next").lstrip("/"))', True),
        ('self.redirect("/" + self.get_argument("next").lstrip("/\\\\"))', False),
    ],
)
def test_redirect_guards_and_stripped_paths(body: str, reported: bool) -> None:
    src = (
        "from urllib.parse import urlparse\n"
        "from tornado.web import HTTPError, RequestHandler\n\n"
        "class Handler(RequestHandler):\n"
        "    def get(self):\n"
        f"        {body}\n"
    )
    found = serious(scan_python_source("h.py", src), "CWE-601")
    assert bool(found) is reported, body
    if not reported:
        assert not [f for f in scan_python_source("h.py", src) if f.cwe == "CWE-601"]


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        (
            'name = request.args["f"]\n'
            "full = os.path.realpath(os.path.join(BASE, name))\n"
            "if not full.startswith(BASE + os.sep):\n"
            "    abort(404)\n"
            "return open(full).read()",
            False,
        ),
        (  # the prefix check of a path that was not normalised: "BASE/../etc" passes
            'name = request.args["f"]\n'
            "full = os.path.join(BASE, name)\n"
            "if not full.startswith(BASE):\n"
            "    abort(404)\n"
            "return open(full).read()",
            True,
        ),
        (
            'name = request.args["f"]\n'
            'if ".." in name or name.startswith("/"):\n'
            "    abort(400)\n"
            "return open(os.path.join(BASE, name)).read()",
            False,
        ),
        (  # checked on one branch only
            'name = request.args["f"]\n'
            "if request.args.get('strict'):\n"
            '    if ".." in name:\n'
            "        abort(400)\n"
            "return open(os.path.join(BASE, name)).read()",
            True,
        ),
        (
            'name = request.args["f"]\n'
            "if not Path(BASE, name).resolve().is_relative_to(BASE):\n"
            "    abort(400)\n"
            "return open(os.path.join(BASE, name)).read()",
            False,
        ),
    ],
)
def test_path_guards(body: str, reported: bool) -> None:
    src = (
        HEADER
        + "from pathlib import Path\nfrom flask import abort\n"
        + '\n@app.route("/r")\ndef handler():\n'
        + textwrap.indent(body, "    ")
        + "\n"
    )
    assert bool(serious(scan_python_source("app.py", src), "CWE-22")) is reported, body


def test_allow_lists_regexes_and_validators_sanitise_every_sink() -> None:
    src = textwrap.dedent("""
        import os, re

        def convert(cursor):
            fmt = input()
            if fmt not in ("json", "csv"):
                raise ValueError(fmt)
            os.system("convert -f " + fmt)

        def table(cursor):
            name = input()
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise ValueError(name)
            cursor.execute(f"SELECT * FROM {name}")

        def each():
            for word in input().split():
                if not word.isidentifier():
                    continue
                os.system("echo " + word)

        def savepoint(cursor, name):
            validate_savepoint_name(name)
            cursor.execute(f"SAVEPOINT {name}")

        def release(cursor, name):
            cursor.execute(f"RELEASE SAVEPOINT {name}")

        def prefix_only():
            url = input()
            if not re.match(r"^https?://", url):
                raise ValueError(url)
            os.system("curl " + url)
    """)
    found = scan_python_source("db.py", src)
    by_symbol = {
        f.symbol for f in found if f.cwe in {"CWE-78", "CWE-89"} and f.rule_id[:3] == "DL-"
    }
    assert by_symbol == {"release", "prefix_only"}
    (rel,) = [f for f in found if f.symbol == "release"]
    assert rel.severity == "medium" and rel.confidence == "low"  # untraced parameter


def test_eval_of_a_compiled_code_object_is_not_the_sink() -> None:
    src = textwrap.dedent("""
        class Rule:
            def __init__(self, expression):
                self.code = compile(expression, "<rule>", "eval")

            def apply(self, item):
                return eval(self.code)

        class Legacy:
            def __init__(self, text):
                self.rule = text

            def apply(self, item):
                return eval(self.rule)
    """)
    found = scan_python_source("menu.py", src)
    evals = {f.start_line: f for f in found if f.cwe == "CWE-95"}
    # a code object from compile() is judged where it was compiled: presence only here
    assert evals[7].severity in {"info", "low"}
    # a field set from a constructor parameter is of untraced origin, like a parameter:
    # medium at low confidence (a library's callers are its input; pyxdg's CVE-2019-12761)
    assert evals[14].severity == "medium" and evals[14].confidence == "low"
    fed = src + "\nfrom flask import request\n\ndef h():\n    return Legacy(request.data).rule\n"
    fed += "\ndef g():\n    return eval(request.args['e'])\n"
    assert serious(scan_python_source("menu.py", fed), "CWE-95")


def test_pickle_loaders_switched_by_a_keyword() -> None:
    src = textwrap.dedent("""
        import numpy as np

        class Deserializer:
            def __init__(self, allow_pickle={default}):
                self.allow_pickle = allow_pickle

            def load(self, stream):
                return np.load(stream, allow_pickle=self.allow_pickle)

        def explicit(stream):
            return np.load(stream, allow_pickle=True)

        def plain(stream):
            return np.load(stream)
    """)

    def dl(text):  # untraced parameters into these loaders: medium, low confidence
        return [f for f in scan_python_source("d.py", text) if f.rule_id == "DL-PY-DESER"]

    on = dl(src.replace("{default}", "True"))
    assert sorted(f.start_line for f in on) == [9, 12]
    assert "True by default" in on[0].message and {f.confidence for f in on} == {"low"}
    off = dl(src.replace("{default}", "False"))
    assert [f.start_line for f in off] == [12]


def test_js2py_eval_unless_pyimport_is_disabled() -> None:
    src = "import js2py\n\ndef run(script, es6=False):\n"
    src += "    return (js2py.eval_js6 if es6 else js2py.eval_js)(script)\n"
    (f,) = [x for x in scan_python_source("m.py", src) if x.cwe == "CWE-94"]
    assert f.rule_id == "DL-PY-CODEI" and f.start_line == 4
    hardened = src.replace("import js2py\n", "import js2py\njs2py.disable_pyimport()\n")
    assert [x for x in scan_python_source("m.py", hardened) if x.cwe == "CWE-94"] == []
