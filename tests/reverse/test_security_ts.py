"""The tree-sitter security entry point: dispatch by file extension through
``devlab.reverse.security.scan_source``, broken input, redacted secrets, robustness on
deep / large input."""

from __future__ import annotations

import textwrap
import time

import pytest

from devlab.reverse.security import SECURITY_LANGUAGES, scan_source
from devlab.reverse.security_ts import TREESITTER_SECURITY_LANGUAGES, scan_treesitter_source

SAMPLES = {
    "routes/users.js": (
        "DL-JS-SQLI",
        'app.get("/u", (req, res) => db.query("SELECT * FROM t WHERE id=" + req.query.id));\n',
    ),
    "src/api.ts": (
        "DL-JS-CMDI",
        'import { exec } from "child_process";\n'
        "export function handler(req: Request) { exec(`ls ${req.query.dir}`); }\n",
    ),
    "src/App.tsx": (
        "DL-JS-XSS",
        "export const Bio = ({ html }: { html: string }) => "
        "<div dangerouslySetInnerHTML={{ __html: html }} />;\n",
    ),
    "src/main/java/Api.java": (
        "DL-JAVA-REDIRECT",
        "class Api { void go(HttpServletRequest request, HttpServletResponse response) "
        'throws Exception { response.sendRedirect(request.getParameter("u")); } }\n',
    ),
    "cmd/server/main.go": (
        "DL-GO-SSRF",
        'package main\n\nimport "net/http"\n\n'
        "func h(w http.ResponseWriter, r *http.Request) {\n"
        '\thttp.Get(r.FormValue("u"))\n}\n',
    ),
    "bin/release": ("DL-SH-CMDI", '#!/bin/bash\neval "$1"\n'),
}


def test_languages_are_registered() -> None:
    assert {
        "javascript",
        "typescript",
        "tsx",
        "java",
        "go",
        "bash",
    } == TREESITTER_SECURITY_LANGUAGES
    assert TREESITTER_SECURITY_LANGUAGES <= SECURITY_LANGUAGES


@pytest.mark.parametrize("path", sorted(SAMPLES))
def test_scan_source_detects_the_language_from_the_path(path: str) -> None:
    rule_id, code = SAMPLES[path]
    found = scan_source(path, code)
    assert rule_id in {f.rule_id for f in found}, [f.rule_id for f in found]
    f = next(f for f in found if f.rule_id == rule_id)
    assert f.path == path and f.category == "security" and f.snippet


def test_syntax_errors_keep_the_findings_of_the_parsed_part() -> None:
    js = textwrap.dedent(
        """\
        const { exec } = require("child_process");
        app.get("/a", (req, res) => {
          exec("ls " + req.query.dir);
        });
        function broken( {
          return )))) ;
        """
    )
    assert "DL-JS-CMDI" in {f.rule_id for f in scan_source("a.js", js)}
    java = textwrap.dedent(
        """\
        class A {
          void ok(HttpServletRequest request) throws Exception {
            Runtime.getRuntime().exec("sh " + request.getParameter("c"));
          }
          void broken( { int = ; }
        }
        """
    )
    assert "DL-JAVA-CMDI" in {f.rule_id for f in scan_source("A.java", java)}
    go = 'package main\n\nfunc main() {\n\tif {\n\texec.Command("sh", "-c", os.Args[1]).Run()\n}\n'
    assert "DL-GO-CMDI" in {f.rule_id for f in scan_source("main.go", go)}
    sh = '#!/bin/bash\neval "$1"\nif [ ; then\n  fi fi (\n'
    assert "DL-SH-CMDI" in {f.rule_id for f in scan_source("x.sh", sh)}


def test_redacted_secrets_are_string_constants() -> None:
    js = 'const awsKey = <REDACTED:AWS Access Key>;\nconst cfg = { secret: "<REDACTED:x>" };\n'
    found = [f for f in scan_source("config.js", js) if f.rule_id == "DL-JS-CREDS"]
    assert [(f.start_line, f.severity, f.confidence) for f in found] == [
        (1, "high", "high"),
        (2, "high", "high"),
    ]
    go = "package c\n\nvar dbPassword = <REDACTED:Basic Auth Credentials>\n"
    assert [f.start_line for f in scan_source("c.go", go) if f.rule_id == "DL-GO-CREDS"] == [3]


def test_unusable_input_raises_value_error() -> None:
    with pytest.raises(ValueError):
        scan_treesitter_source("a.rb", "puts 1", "ruby")
    with pytest.raises(ValueError):
        scan_treesitter_source("a.js", "\x00\x01\x02binary", "javascript")
    assert scan_treesitter_source("empty.js", "", "javascript") == []


def test_deeply_nested_and_long_expressions_do_not_overflow() -> None:
    deep = "const x = " + "(" * 3000 + "req.query.a" + ")" * 3000 + ";\neval(x);\n"
    scan_source("deep.js", deep)  # must not raise RecursionError
    chain = "const q = " + " + ".join(["req.query.a"] + ["'x'"] * 5000) + ";\neval(q);\n"
    found = scan_source("chain.js", "app.get('/', (req, res) => {" + chain + "});")
    assert "DL-JS-CODEI" in {f.rule_id for f in found}


@pytest.mark.slow
def test_large_file_is_analysed_quickly() -> None:
    unit = textwrap.dedent(
        """\
        app.get("/items/:id", async (req, res) => {
          const id = parseInt(req.params.id, 10);
          const rows = await db.query("SELECT * FROM items WHERE id = ?", [id]);
          if (!rows.length) { return res.status(404).json({ error: "not found" }); }
          res.json(rows.map((r) => ({ id: r.id, name: r.name })));
        });
        function helper{n}(a, b) { return a + b * {n}; }
        """
    )
    code = "".join(unit.replace("{n}", str(i)) for i in range(1500))  # ~10k lines
    start = time.process_time()  # CPU, not wall: the guard is against blow-up, not load
    found = scan_source("big.js", code)
    elapsed = time.process_time() - start
    assert not [f for f in found if f.severity in ("critical", "high")]
    assert elapsed < 5.0, elapsed
