"""DevLab's Python taint engine on tree-sitter: modern syntax, nested routes, flows
across files and through containers, path sensitivity, the presence-only policy, CWE
precision, the rule tables as data, SARIF taxonomy, and the labelled benchmark."""

from __future__ import annotations

import importlib.util
import json
import sys
import textwrap
from pathlib import Path

import pytest

from devlab.reverse.sarif import to_sarif
from devlab.reverse.security import scan_project_sources, scan_source
from devlab.reverse.security.python_model import python_model

SERIOUS = {"medium", "high", "critical"}


def serious(findings, *cwes):
    return [f for f in findings if f.cwe in cwes and f.severity in SERIOUS]


def scan(src: str, path: str = "app.py"):
    return scan_source(path, textwrap.dedent(src))


def test_python_312_syntax_is_analysed_and_bandit_skip_is_only_counted() -> None:
    src = """
        from flask import Flask, request
        import os
        app = Flask(__name__)
        type Headers = dict[str, str]

        def first[T](x: T) -> T:
            return x

        @app.route("/p")
        def ping():
            host = f"{request.args.get("host", "")}"
            os.system(f"ping -c 1 {first(host)}")
            return "ok"
    """
    (f,) = serious(scan(src), "CWE-78")
    assert f.taint_path[0].note == "source: request.args" and f.start_line == 13
    # ast (Python 3.11) cannot parse this file: the project scan says nothing is missing
    assert scan_project_sources({"app.py": textwrap.dedent(src)}).unanalysed == []


def test_routes_nested_in_a_factory_are_entry_points_with_their_closure() -> None:
    src = """
        from flask import request, redirect, session
        import codecs, urllib.parse

        def init(app):
            base = "/srv/data"

            @app.route("/read")
            def read():
                name = urllib.parse.unquote_plus(request.cookies.get("f", ""))
                return codecs.open(f"{base}/{name}").read()

            @app.route("/go")
            def go():
                session["who"] = request.args["who"]
                return redirect(request.args.get("next"))
    """
    found = scan(src)
    assert {f.cwe for f in found if f.severity in SERIOUS} >= {"CWE-22", "CWE-501", "CWE-601"}
    (p,) = serious(found, "CWE-22")
    assert p.symbol == "init.read" and any("unquote_plus" in s.code for s in p.taint_path)


def test_helper_in_another_file_is_followed_and_reported_there() -> None:
    files = {
        "app.py": "from flask import request\nfrom helpers import lookup\n\n"
        "@app.get('/u')\ndef u():\n    return lookup(request.args['name'])\n",
        "helpers.py": "import sqlite3\nconn = sqlite3.connect('x.db')\n\n"
        "def lookup(name):\n"
        "    return conn.execute(\"SELECT * FROM u WHERE n = '%s'\" % name).fetchall()\n",
    }
    out = scan_project_sources(files)
    (f,) = serious(out.findings, "CWE-89")
    assert f.path == "helpers.py" and f.start_line == 5
    assert any("passed to lookup()" in s.note for s in f.taint_path)
    # the helper alone: its parameter is untraced (low confidence, no taint path)
    alone = scan_project_sources({"helpers.py": files["helpers.py"]})
    assert [(f.confidence, f.taint_path) for f in serious(alone.findings, "CWE-89")] == [
        ("low", [])
    ]


@pytest.mark.parametrize(
    ("flow", "vulnerable"),
    [
        ('d = {"safe": "x", "user": v}\n    w = d["user"]', True),
        ('d = {"safe": "x", "user": v}\n    w = d["safe"]', False),
        ('vals = ["x", v]\n    w = vals[0]', False),
        ('_, w = ("x", v)', True),
        ('num = 106\n    w = "x" if (7 * 18) + num > 200 else v', False),
        ('w = v\n    w = "localhost"', False),
        ('w = v\n    if not w:\n        w = "x"', True),
        ('w = CHOICES.get(v, "a")', False),
        ("w = v\n    if w not in CHOICES:\n        abort(400)", False),
        ('w = v.replace(";", "")', True),
        ("w = shlex.quote(v)", False),
        (
            'parts = []\n    for p in v.split(","):\n        parts.append(p)\n'
            '    w = " ".join(parts)',
            True,
        ),
    ],
)
def test_containers_constants_guards_and_sanitisers(flow: str, vulnerable: bool) -> None:
    src = (
        "from flask import request, abort\nimport os, shlex\n"
        'CHOICES = {"a": "ls", "b": "df"}\n\n'
        "@app.route('/r')\ndef r():\n"
        "    v = request.args.get('q')\n"
        f"    {flow}\n"
        "    os.system('run ' + w)\n"
        "    return 'ok'\n"
    )
    assert bool(serious(scan_source("app.py", src), "CWE-78")) is vulnerable, flow


def test_presence_only_is_low_and_literal_loops_are_constants() -> None:
    src = """
        import os, subprocess, pickle, yaml, sqlite3
        from lxml import etree

        def pick():
            for editor in ("vim", "nano", "vi"):
                os.system(f"which {editor}")
            subprocess.run("ls -l", shell=True)
            sqlite3.connect("x.db").execute("SELECT 1")
            etree.fromstring("<a/>", etree.XMLParser(resolve_entities=True))
            return pickle.loads(b"constant"), eval("1 + 1")

        def which(editor):
            return os.system(f"which {editor}")
    """
    found = scan(src, "click_like.py")
    serious_lines = {f.start_line for f in found if f.severity in SERIOUS}
    assert serious_lines == {14}  # only the untraced parameter (medium, low confidence)
    assert {f.confidence for f in found if f.start_line == 14 and f.severity in SERIOUS} == {"low"}


def test_most_specific_cwe_per_finding() -> None:
    src = """
        from flask import request, make_response
        import hashlib, random

        @app.route("/c")
        def c():
            pw = request.form["password"]
            digest = hashlib.md5(pw.encode()).hexdigest()
            reset_token = str(random.randint(100000, 999999))
            resp = make_response("ok")
            resp.set_cookie("sid", reset_token, secure=True)
            resp.set_cookie("pref", "x")
            code = compile(request.args["c"], "<c>", "exec")
            eval(request.args["e"])
            return resp
    """
    by_line = {(f.start_line, f.cwe) for f in scan(src) if f.severity in SERIOUS}
    assert {(8, "CWE-328"), (9, "CWE-330"), (11, "CWE-1004"), (12, "CWE-614")} <= by_line
    assert {(13, "CWE-94"), (14, "CWE-95")} <= by_line


def test_rule_tables_are_data() -> None:
    model = python_model()
    assert ("cmd", [0]) in model.sink_calls["os.system"]
    assert "shlex.quote" in model.sanitisers and "request" in model.request_names
    path = Path(sys.modules["devlab.reverse.security"].__file__).parent / "tables/python.json"
    assert path.is_file()


def test_sarif_carries_cwe_taxonomy_references() -> None:
    findings = scan(
        "from flask import request\nimport os\n\n@app.route('/x')\ndef x():\n"
        "    os.system(request.args['c'])\n    eval(request.args['e'])\n"
    )
    run = to_sarif(findings)["runs"][0]
    taxa = {t["id"] for t in run["taxonomies"][0]["taxa"]}
    assert {"78", "95"} <= taxa
    for r in run["results"]:
        if r["properties"].get("cwe"):
            ref = r["taxa"][0]
            assert (
                ref["toolComponent"]["name"] == "CWE"
                and f"CWE-{ref['id']}" == r["properties"]["cwe"]
            )
            assert run["taxonomies"][0]["taxa"][ref["index"]]["id"] == ref["id"]


def _labelled():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "_security_labelled.py"
    spec = importlib.util.spec_from_file_location("_security_labelled", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
@pytest.mark.parametrize(
    ("language", "categories", "per_category"),
    [("python", 14, 48), ("js", 14, 32), ("java", 14, 16), ("go", 12, 16), ("bash", 5, 16)],
)
def test_labelled_benchmark_targets_on_both_halves(
    language: str, categories: int, per_category: int
) -> None:
    """The repository's labelled cases (written before tuning): every category TPR >=
    80% and FPR <= 15%, averaged score >= +60, on the tuning half and the held-out half;
    at least 15 cases per category for every language (40 for Python)."""
    bench = _labelled()
    labels = bench.load(language)
    counts: dict[str, int] = {}
    for lab in labels.values():
        counts[lab["category"]] = counts.get(lab["category"], 0) + 1
    assert len(counts) == categories and min(counts.values()) == per_category >= 15
    hits, unanalysed, _ = bench.run_devlab(language, labels)
    assert unanalysed == {}
    # exactly the recorded cases are flagged (security_cases/flagged.json; after an
    # intended change: python benchmarks/_security_labelled.py --write-snapshot)
    recorded = json.loads(bench.SNAPSHOT.read_text())[language]
    assert bench.flagged(labels, hits) == recorded
    for split in ("tune", "heldout"):
        per = bench.score(labels, hits, 2, split)
        assert len(per) == categories
        for cat, d in per.items():
            assert d["tpr"] >= 80 and d["fpr"] <= 15, (split, cat, d)
        assert bench.average(per)["score"] >= 60


def test_snippet_that_does_not_parse_names_the_line_but_312_syntax_is_accepted() -> None:
    from devlab.errors import InvalidInput
    from devlab.reverse.security import scan_snippet

    with pytest.raises(InvalidInput, match="line 2"):
        scan_snippet("x = 1\ndef f(:\n    pass\n", language="python")
    ok = 'from flask import request\nimport os\nos.system(f"ls {request.args["d"]}")\n'
    assert serious(scan_snippet(ok, language="python"), "CWE-78")


MODERN = {
    "Shapes.java": "record Point(int x, int y) {}\nclass A {\n  String f(Object o) {\n"
    '    return switch (o) { case Point(int x, int y) when x > 0 -> "p"; '
    'case String s -> s; default -> "d"; };\n  }\n  String t = """\n    block\n    """;\n}\n',
    "main.go": "package main\n\ntype Set[T comparable] map[T]struct{}\n\nfunc main() {\n"
    "\tfor i := range 10 {\n\t\t_ = i\n\t}\n}\n",
    "mod.ts": "const enum E { A }\nfunction f<const T extends readonly unknown[]>(x: T): T "
    '{ return x; }\nclass C { accessor name = ""; }\n'
    "const x = { a: 1 } satisfies Record<string, number>;\n",
    "new.py": "type Alias[T] = list[T]\ndef f[T: (int, str)](x: T) -> T:\n    return x\n"
    'y = f"{"nested"}{f\'{1}\'}"\n',
}


@pytest.mark.parametrize("path", list(MODERN))
def test_modern_syntax_of_every_language_parses_without_errors(path: str) -> None:
    """Java 21, Go 1.22, TypeScript 5, Python 3.12: no syntax error nodes, no unanalysed
    file."""
    from devlab.codebase.grammars import get_parser
    from devlab.codebase.languages import detect_language

    text = MODERN[path]
    lang = detect_language(path, text.encode()[:256])
    assert not get_parser(lang).parse(text.encode()).root_node.has_error
    assert scan_project_sources({path: text}).unanalysed == []


def test_deep_long_and_branchy_input_neither_crashes_nor_blows_up() -> None:
    import time

    from devlab.reverse.security.python_ts import scan_python_tree

    deep = "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n"
    doubling = "x = 'a'\n" + "x = x + 'a' + x\n" * 3000  # constant folding stays bounded
    branchy = "def f(a):\n" + "".join(
        f"    if a == {i}:\n        a = g{i}(a)\n" for i in range(2000)
    )
    start = time.process_time()
    for i, src in enumerate((deep, doubling, branchy)):
        assert scan_python_tree(f"f{i}.py", src) == []
    assert time.process_time() - start < 10


def test_vendored_modules_and_settings_signing_keys() -> None:
    src = "from tablib.packages import yaml\n\ndef load(stream):\n    return yaml.load(stream)\n"
    assert serious(scan(src, "fmt.py"), "CWE-502")
    settings = "SECRET_KEY = '$(fefwefwef13;LFK{P!)@#*!)kdsjfWF2l+i5e3t(8a1n'\nDEBUG = False\n"
    (f,) = serious(scan(settings, "settings/base.py"), "CWE-798")
    assert f.severity == "high"


# --- real-CVE corpus root causes (#17 continued) -------------------------------------------
def test_fields_are_untraced_unless_the_class_only_assigns_constants() -> None:
    src = textwrap.dedent("""
        class Parallel:
            mode = "fast"

            def __init__(self, pre_dispatch="2 * n_jobs"):
                self.pre_dispatch = pre_dispatch
                self.fixed = "1 + 1"
                self.fixed += pre_dispatch

            def run(self):
                a = eval(self.pre_dispatch)
                b = eval(self.fixed)
                c = eval(self.mode)
                return a, b, c
    """)
    by_line = {f.start_line: f for f in scan_source("p.py", src) if f.cwe == "CWE-95"}
    assert by_line[11].severity == "medium" and by_line[11].confidence == "low"
    assert by_line[12].severity == "medium"  # an augmented assignment of a parameter
    assert by_line[13].severity in {"info", "low"}  # a class constant


def test_validator_statement_on_a_field_guards_it() -> None:
    src = textwrap.dedent("""
        class Savepoint:
            def __init__(self, name, conn):
                self.name = name
                self.conn = conn

            def release(self):
                validate_savepoint_name(self.name)
                self.conn.execute(f"RELEASE SAVEPOINT {self.name}")

            def rollback(self):
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {self.name}")
    """)
    found = [f for f in scan_source("s.py", src) if f.cwe == "CWE-89"]
    assert [f.start_line for f in found if f.severity == "medium"] == [12]


def test_import_fallback_in_except_does_not_hide_the_real_module() -> None:
    src = textwrap.dedent("""
        try:
            import yaml
        except ImportError:
            import mypkg.packages.yaml3 as yaml

        def import_book(book, in_stream):
            for sheet in yaml.load(in_stream):
                book.add(sheet)
    """)
    found = [f for f in scan_source("y.py", src) if f.cwe == "CWE-502"]
    assert found and found[0].rule_id == "DL-PY-DESER" and found[0].severity == "medium"


def test_lxml_parser_resolving_entities_by_default_is_reported_where_it_is_built() -> None:
    src = textwrap.dedent("""
        from lxml import etree

        oxml_parser = etree.XMLParser(remove_blank_text=True)
        safe_parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
        unused = etree.XMLParser(recover=True)

        def parse_xml(xml):
            return etree.fromstring(xml, oxml_parser)

        def parse_safe(xml):
            return etree.fromstring(xml, safe_parser)

        def parse_constant():
            return etree.fromstring("<a/>", unused)
    """)
    found = [f for f in scan_source("x.py", src) if f.cwe == "CWE-611"]
    assert [(f.start_line, f.severity, f.confidence) for f in found] == [(4, "medium", "low")]


def test_compile_alone_of_an_untraced_value_is_not_reported() -> None:
    src = textwrap.dedent("""
        class Rule:
            def __init__(self, expression):
                self.code = compile(expression, "<rule>", "eval")
    """)
    assert not [f for f in scan_source("r.py", src) if f.severity in ("medium", "high")]


# --- Java / Go models (#17 continued) -------------------------------------------------------
SEVERITIES = ["info", "low", "medium", "high", "critical"]
SPRING = """\
import org.springframework.web.bind.annotation.*;
import javax.xml.parsers.*;
import java.security.MessageDigest;
import java.util.Set;

@RestController
public class Api {{
    @PostMapping("/x")
    public String handle(@RequestParam("v") String input) throws Exception {{
        {body}
    }}
}}
"""


@pytest.mark.parametrize(
    ("body", "cwe", "severity"),
    [
        ('return "<p>" + input + "</p>";', "CWE-79", "high"),  # @RestController body
        ('return "plain " + input;', "CWE-79", None),  # not HTML
        (
            'Set<String> ok = Set.of("a", "b");\n'
            '        String v = ok.contains(input) ? input : "a";\n'
            '        return "<p>" + v + "</p>";',
            "CWE-79",
            None,
        ),
        (
            "DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();\n"
            "        f.newDocumentBuilder()"
            ".parse(new java.io.ByteArrayInputStream(input.getBytes()));"
            '\n        return "ok";',
            "CWE-611",
            "high",
        ),
        (
            "DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();\n"
            '        f.newDocumentBuilder().parse("/etc/app/config.xml");\n        return input;',
            "CWE-611",
            "low",
        ),
        (
            'byte[] d = MessageDigest.getInstance("MD5").digest(input.getBytes());\n'
            '        return "ok";',
            "CWE-328",
            "medium",
        ),
        (
            'Object o = new org.yaml.snakeyaml.Yaml().load(input);\n        return "ok";',
            "CWE-502",
            "critical",
        ),
    ],
)
def test_spring_models(body: str, cwe: str, severity: str | None) -> None:
    found = [f for f in scan_source("Api.java", SPRING.format(body=body)) if f.cwe == cwe]
    assert (max((f.severity for f in found), key=SEVERITIES.index) if found else None) == severity


GIN = """\
package main

import (
\t"crypto/md5"
\t"fmt"
\t"os/exec"

\t"github.com/gin-gonic/gin"
\t"github.com/go-ldap/ldap/v3"
)

var conn *ldap.Conn

func handle(c *gin.Context) {{
\tv := c.Query("v")
\t{body}
}}
"""


@pytest.mark.parametrize(
    ("body", "cwe", "reported"),
    [
        ('fmt.Fprintf(c.Writer, "<p>%s</p>", v)', "CWE-79", True),
        (
            'req := ldap.NewSearchRequest("dc=x", ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,'
            ' 0, 0, false, "(uid="+v+")", nil, nil)\n\t_, _ = conn.Search(req)',
            "CWE-90",
            True,
        ),
        ("sum := md5.Sum([]byte(v))\n\t_ = sum", "CWE-328", True),
        ('c.SetCookie("sid", v, 3600, "/", "", false, true)', "CWE-614", True),
        ('c.SetCookie("sid", v, 3600, "/", "", true, true)', "CWE-614", False),
        (
            'w := "localhost"\n\tswitch v {\n\tcase "localhost", "example.org":\n\t\tw = v\n\t}\n'
            '\t_ = exec.Command("sh", "-c", "ping "+w).Run()',
            "CWE-78",
            False,
        ),
        ('_ = exec.Command("sh", "-c", "ping "+v).Run()', "CWE-78", True),
    ],
)
def test_gin_models(body: str, cwe: str, reported: bool) -> None:
    found = [
        f
        for f in scan_source("main.go", GIN.format(body=body))
        if f.cwe == cwe and f.severity in ("medium", "high", "critical")
    ]
    assert bool(found) is reported, body


BASH_CGI = """\
#!/usr/bin/env bash
echo "Content-Type: text/plain"
echo
NAME=$(printf '%s' "$QUERY_STRING" | sed -n 's/^.*name=\\([^&]*\\).*$/\\1/p')
{body}
"""


@pytest.mark.parametrize(
    ("body", "cwe", "reported"),
    [
        ("sqlite3 /var/lib/app.db \"SELECT * FROM users WHERE name = '$NAME';\"", "CWE-89", True),
        ("psql -d app -c \"DELETE FROM carts WHERE owner = '$NAME'\"", "CWE-89", True),
        ('psql -d app -v owner="$NAME" -f /opt/app/delete.sql', "CWE-89", False),
        ('cat "/srv/files/$NAME"', "CWE-22", True),
        ('cat "/srv/files/$(basename -- "$NAME")"', "CWE-22", False),
        ('cat "/srv/files/${NAME##*/}"', "CWE-22", False),
        ('cat "$NAME"', "CWE-22", False),  # the caller names the file: no base directory
        ('python3 -c "print($NAME)"', "CWE-94", True),
        ("python3 -c 'import sys; print(sys.argv[1])' \"$NAME\"", "CWE-94", False),
        ('awk "BEGIN { print $NAME }"', "CWE-94", True),
        ("awk -v x=\"$NAME\" 'BEGIN { print x }'", "CWE-94", False),
        ('eval "ping -c 1 $HTTP_X_HOST"', "CWE-78", True),
        (
            'case "$NAME" in\n  alice|bob) ;;\n  *) NAME="alice" ;;\nesac\n'
            "sqlite3 /var/lib/app.db \"SELECT 1 FROM users WHERE name = '$NAME';\"",
            "CWE-89",
            False,
        ),
        ('args=("$NAME")\neval "ping ${args[0]}"', "CWE-78", True),
        ('session_token="$RANDOM$RANDOM"\necho "$session_token" > /run/t', "CWE-330", True),
        ('session_token=$(openssl rand -hex 16)\necho "$session_token" > /run/t', "CWE-330", False),
    ],
)
def test_bash_cgi_and_script_models(body: str, cwe: str, reported: bool) -> None:
    found = [
        f
        for f in scan_source("index.cgi", BASH_CGI.format(body=body))
        if f.cwe == cwe and f.severity in ("medium", "high", "critical")
    ]
    assert bool(found) is reported, body


NEXT_ROUTE = """\
import {{ NextRequest, NextResponse }} from "next/server";
import {{ exec }} from "child_process";

export async function {verb}(request: NextRequest, {{ params }}) {{
  {body}
}}
"""


@pytest.mark.parametrize(
    ("verb", "body", "cwe", "reported"),
    [
        (
            "GET",
            'const host = request.nextUrl.searchParams.get("host");\n  exec(`ping ${host}`);',
            "CWE-78",
            True,
        ),
        ("DELETE", 'exec("rm -rf /srv/" + params.slug);', "CWE-78", True),
        (
            "GET",
            'return NextResponse.redirect(request.nextUrl.searchParams.get("next"));',
            "CWE-601",
            True,
        ),
        ("GET", 'return NextResponse.redirect(new URL("/login", request.url));', "CWE-601", False),
        (
            "POST",
            "const body = await request.json();\n"
            "  return new Response(`<p>${body.c}</p>`,\n"
            '    { headers: { "Content-Type": "text/html" } });',
            "CWE-79",
            True,
        ),
        (
            "POST",
            "const body = await request.json();\n  return NextResponse.json({ c: body.c });",
            "CWE-79",
            False,
        ),
    ],
)
def test_nextjs_app_router_route_handlers(verb: str, body: str, cwe: str, reported: bool) -> None:
    src = NEXT_ROUTE.format(verb=verb, body=body)
    found = [
        f
        for f in scan_source("app/api/item/route.ts", src)
        if f.cwe == cwe and f.severity in ("medium", "high", "critical")
    ]
    assert bool(found) is reported, body


def test_sql_identifier_quoting_sanitises_by_method_name() -> None:
    src = textwrap.dedent("""
        class Cache:
            def __init__(self, table):
                self._table = table

            def get(self, connection, key):
                quote_name = connection.ops.quote_name
                table = quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT v FROM %s WHERE k = %%s" % table, [key])

            def raw(self, connection):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT v FROM %s" % self._table)
    """)
    found = [f for f in scan_source("c.py", src) if f.cwe == "CWE-89" and f.severity == "medium"]
    assert [f.start_line for f in found] == [14]
