"""JavaScript / TypeScript / TSX security rules: vulnerable vs fixed variants of each rule
family in Express-shaped code, cross-function flow, React and DOM sinks, config rules."""

from __future__ import annotations

import textwrap

import pytest

from devlab.reverse.models import SEVERITY_ORDER, Finding
from devlab.reverse.security_ts import scan_treesitter_source

PRELUDE = """\
const express = require("express");
const { exec, execFile } = require("child_process");
const fs = require("fs");
const path = require("path");
const axios = require("axios");
const serialize = require("node-serialize");
const escapeHtml = require("escape-html");
const ldap = require("ldapjs");
const xpath = require("xpath");
const app = express();
const BASE = "/srv/files";
const client = ldap.createClient({ url: "ldap://ldap.internal" });

app.get("/route", async (req, res) => {
"""


def express(body: str) -> str:
    return PRELUDE + textwrap.indent(textwrap.dedent(body).strip("\n"), "  ") + "\n});\n"


def scan(code: str, path: str = "server.js", language: str = "javascript") -> list[Finding]:
    return scan_treesitter_source(path, code, language)


def at_least(findings: list[Finding], rule_id: str, severity: str) -> list[Finding]:
    return [
        f
        for f in findings
        if f.rule_id == rule_id and SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[severity]
    ]


# rule id, cwe, severity, source named in the path, vulnerable body, fixed body
CASES = {
    "cmdi": (
        "DL-JS-CMDI",
        "CWE-78",
        "critical",
        "req.query",
        """
        const host = req.query.host;
        exec("ping -c 1 " + host, (err, out) => res.send(out));
        """,
        """
        const host = req.query.host;
        execFile("ping", ["-c", "1", host], (err, out) => res.send(out));
        """,
    ),
    "eval": (
        "DL-JS-CODEI",
        "CWE-94",
        "critical",
        "req.body",
        """
        const result = eval(req.body.expression);
        res.json({ result });
        """,
        """
        const result = JSON.parse(req.body.expression);
        res.json({ result });
        """,
    ),
    "timer": (
        "DL-JS-CODEI",
        "CWE-94",
        "critical",
        "req.query",
        """
        setTimeout("refresh(" + req.query.id + ")", 100);
        """,
        """
        setTimeout(() => refresh(Number(req.query.id)), 100);
        """,
    ),
    "sqli": (
        "DL-JS-SQLI",
        "CWE-89",
        "high",
        "req.params",
        """
        const rows = await db.query(`SELECT * FROM users WHERE id = '${req.params.id}'`);
        res.json(rows);
        """,
        """
        const rows = await db.query("SELECT * FROM users WHERE id = ?", [req.params.id]);
        res.json(rows);
        """,
    ),
    "path": (
        "DL-JS-PATH",
        "CWE-22",
        "high",
        "req.query",
        """
        const file = path.join(BASE, req.query.name);
        fs.readFile(file, (err, data) => res.send(data));
        """,
        """
        const file = path.join(BASE, path.basename(req.query.name));
        fs.readFile(file, (err, data) => res.send(data));
        """,
    ),
    "path-guard": (
        "DL-JS-PATH",
        "CWE-22",
        "high",
        "req.query",
        """
        const file = path.resolve(BASE, req.query.name);
        res.sendFile(file);
        """,
        """
        const file = path.resolve(BASE, req.query.name);
        if (!file.startsWith(BASE + path.sep)) {
          return res.status(403).end();
        }
        res.sendFile(file);
        """,
    ),
    "deser": (
        "DL-JS-DESER",
        "CWE-502",
        "critical",
        "req.cookies",
        """
        const profile = serialize.unserialize(req.cookies.profile);
        res.json(profile);
        """,
        """
        const profile = JSON.parse(req.cookies.profile);
        res.json(profile);
        """,
    ),
    "ssrf": (
        "DL-JS-SSRF",
        "CWE-918",
        "high",
        "req.query",
        """
        const upstream = await axios.get(req.query.url);
        res.json(upstream.data);
        """,
        """
        const upstream = await axios.get("https://status.example.org/api");
        res.json(upstream.data);
        """,
    ),
    "redirect": (
        "DL-JS-REDIRECT",
        "CWE-601",
        "medium",
        "req.query",
        """
        res.redirect(req.query.next);
        """,
        """
        res.redirect("/dashboard");
        """,
    ),
    "xss": (
        "DL-JS-XSS",
        "CWE-79",
        "high",
        "req.query",
        """
        res.send("<h1>Hello " + req.query.name + "</h1>");
        """,
        """
        res.send("<h1>Hello " + escapeHtml(req.query.name) + "</h1>");
        """,
    ),
    "trust": (
        "DL-JS-TRUST",
        "CWE-501",
        "medium",
        "req.body",
        """
        req.session.role = req.body.role;
        res.end();
        """,
        """
        req.session.role = "member";
        res.end();
        """,
    ),
    "ldap": (
        "DL-JS-LDAPI",
        "CWE-90",
        "high",
        "req.query",
        """
        client.search("ou=people,dc=example,dc=org", { filter: "(uid=" + req.query.user + ")" },
          (err, found) => res.json(found));
        """,
        """
        const uid = parseInt(req.query.uid, 10);
        client.search("ou=people,dc=example,dc=org", { filter: "(uidNumber=" + uid + ")" },
          (err, found) => res.json(found));
        """,
    ),
    "xpath": (
        "DL-JS-XPATHI",
        "CWE-643",
        "high",
        "req.query",
        """
        const nodes = xpath.select("//user[name='" + req.query.name + "']", doc);
        res.json(nodes.length);
        """,
        """
        const nodes = xpath.select("//user[@active='true']", doc);
        res.json(nodes.length);
        """,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_vulnerable_express_handler_is_reported_with_its_taint_path(case: str) -> None:
    rule_id, cwe, severity, source, vulnerable, _ = CASES[case]
    found = at_least(scan(express(vulnerable)), rule_id, severity)
    assert found, f"{case}: nothing reported"
    f = found[0]
    assert f.cwe == cwe
    assert f.severity == severity
    assert f.confidence == "high"
    assert f.symbol == 'app.get("/route")'
    assert f.fix
    assert f.taint_path[0].note.startswith("source: ") and source in f.taint_path[0].note
    assert f.taint_path[-1].note.startswith("sink: ")


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixed_express_handler_is_not_reported_high(case: str) -> None:
    rule_id, _, _, _, _, fixed = CASES[case]
    found = scan(express(fixed))
    assert not at_least(found, rule_id, "medium"), [f.message for f in found]


def test_cross_function_flow_reports_the_helper_sink_with_the_whole_path() -> None:
    code = express(
        """
        const host = req.query.host;
        pingHost(host);
        """
    ) + textwrap.dedent(
        """
        function pingHost(target) {
          const cmd = `ping -c 3 ${target}`;
          return exec(cmd);
        }
        """
    )
    found = at_least(scan(code), "DL-JS-CMDI", "critical")
    assert len(found) == 1
    f = found[0]
    assert f.symbol == "pingHost"
    notes = [s.note for s in f.taint_path]
    assert notes[0] == "source: req.query"
    assert "passed to pingHost() (same file)" in notes
    assert "parameter target" in notes
    assert notes[-1].startswith("sink: child_process.exec()")
    assert f.start_line == code.splitlines().index("  return exec(cmd);") + 1


def test_helper_parameters_are_judged_at_the_call_sites() -> None:
    code = textwrap.dedent(
        """
        const { exec } = require("child_process");
        function run(cmd) { return exec(cmd); }
        function runUnknown(cmd) { return exec(cmd); }
        function exported(cmd) { return exec(cmd); }
        run("git status");
        runUnknown(config.command);
        module.exports = { exported };
        """
    )
    found = scan(code)
    assert not at_least(found, "DL-JS-CMDI", "high")
    got = sorted((f.symbol, f.severity, f.confidence) for f in found)
    # constants only -> nothing; a field of unknown origin or an exported function's
    # parameter -> medium / low confidence
    assert got == [("exported", "medium", "low"), ("runUnknown", "medium", "low")]


def test_constants_only_sinks_are_not_reported_high() -> None:
    code = textwrap.dedent(
        """
        const cp = require("child_process");
        const fs = require("fs");
        cp.exec("ls -la /var/log");
        fs.readFileSync("/etc/app/config.json");
        eval("1 + 1");
        """
    )
    found = scan(code)
    assert not [f for f in found if SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER["medium"]]
    assert [f.severity for f in found if f.rule_id == "DL-JS-CODEI"] == ["info"]


def test_aliases_promisify_and_spawn_with_shell() -> None:
    code = express(
        """
        const run = util.promisify(exec);
        await run("convert " + req.query.file);
        cp2.spawn("sh", ["-c", req.query.cmd]);
        """
    ).replace(
        "const app = express();",
        'const app = express();\nconst cp2 = require("node:child_process");\n'
        'const util = require("util");',
    )
    found = at_least(scan(code), "DL-JS-CMDI", "critical")
    assert len(found) == 2


def test_nest_controller_parameters_are_sources() -> None:
    code = textwrap.dedent(
        """
        import { Controller, Get, Query } from "@nestjs/common";
        import { exec } from "child_process";

        @Controller("tools")
        export class ToolsController {
          @Get("ping")
          ping(@Query("host") host: string) {
            return exec(`ping -c 1 ${host}`);
          }
        }
        """
    )
    found = at_least(scan(code, "tools.controller.ts", "typescript"), "DL-JS-CMDI", "critical")
    assert found and found[0].taint_path[0].note.startswith("source: @Query()")
    assert found[0].symbol == "ToolsController.ping"


def test_tsx_dangerously_set_inner_html_from_props_and_state() -> None:
    code = textwrap.dedent(
        """
        import React from "react";
        import DOMPurify from "dompurify";

        type Props = { bio: string };

        export function Profile({ bio }: Props) {
          return <section dangerouslySetInnerHTML={{ __html: bio }} />;
        }

        export const SafeProfile = (props: Props) => (
          <section dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(props.bio) }} />
        );

        class Note extends React.Component<Props, { body: string }> {
          render() {
            return <div dangerouslySetInnerHTML={{ __html: this.state.body }} />;
          }
        }
        """
    )
    found = [f for f in scan(code, "Profile.tsx", "tsx") if f.rule_id == "DL-JS-XSS"]
    assert {f.symbol for f in found} == {"Profile", "Note.render"}
    for f in found:
        assert f.cwe == "CWE-79" and f.severity == "high" and f.confidence == "medium"
        assert f.taint_path[0].note in ("source: component props", "source: this.state")


def test_dom_sources_reach_dom_sinks_but_not_server_sinks() -> None:
    code = textwrap.dedent(
        """
        function show() {
          const q = new URLSearchParams(location.search).get("q");
          document.getElementById("out").innerHTML = "<b>" + q + "</b>";
          fetch("/api/search?q=" + q);
        }
        window.addEventListener("message", (event) => {
          document.write(event.data);
        });
        """
    )
    found = scan(code, "app.js")
    xss = [f for f in found if f.rule_id == "DL-JS-XSS"]
    assert len(xss) == 2
    # the message handler never checks event.origin (CWE-940, its own rule)
    assert {f.rule_id for f in found} == {"DL-JS-XSS", "DL-JS-ORIGIN"}


def test_configuration_rules() -> None:
    code = textwrap.dedent(
        """
        const crypto = require("crypto");
        const https = require("https");
        const password = "Tr0ub4dor&3";
        const apiKey = process.env.API_KEY;
        const token = "";
        const passwordField = "user_password";
        const agent = new https.Agent({ rejectUnauthorized: false });
        process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
        function hashPassword(password) {
          return crypto.createHash("md5").update(password).digest("hex");
        }
        const etag = crypto.createHash("sha1").update(body).digest("hex");
        function resetToken() {
          return Math.random().toString(36).slice(2);
        }
        const cipher = crypto.createCipheriv("des-ede3-cbc", key, iv);
        app.get("/login", (req, res) => {
          res.cookie("session", sid);
          res.cookie("sid", sid, { httpOnly: true, secure: true, sameSite: "lax" });
        });
        """
    )
    found = scan(code, "config.js")
    by_rule: dict[str, list[Finding]] = {}
    for f in found:
        by_rule.setdefault(f.rule_id, []).append(f)
    creds = by_rule["DL-JS-CREDS"]
    assert [f.start_line for f in creds] == [4]  # not the env lookup, empty value or key name
    assert [f.severity for f in by_rule["DL-JS-TLS"]] == ["high", "high"]
    hashes = sorted((f.start_line, f.severity) for f in by_rule["DL-JS-WEAKHASH"])
    assert hashes == [(11, "high"), (13, "low")]
    assert by_rule["DL-JS-RANDOM"][0].severity == "high"
    assert by_rule["DL-JS-WEAKCRYPTO"][0].cwe == "CWE-327"
    cookies = by_rule["DL-JS-COOKIE"]
    assert len(cookies) == 1 and cookies[0].start_line == 19 and cookies[0].cwe == "CWE-614"


def test_outgoing_request_object_is_not_a_source_outside_server_code() -> None:
    code = textwrap.dedent(
        """
        async function follow(request, response) {
          const next = new URL(response.headers.get("location"), request.url);
          return fetch(next.toString());
        }
        """
    )
    assert not scan(code, "fetch.js")


def test_other_code_and_deserialisation_sinks() -> None:
    code = express(
        """
        const fn = new Function("x", req.body.formula);
        vm.runInNewContext(req.body.script, {});
        const plugin = require(req.query.plugin);
        const cfg = yaml.load(req.body.config);
        const full = yaml.load(req.body.config, { schema: yaml.DEFAULT_FULL_SCHEMA });
        """
    ).replace(
        "const app = express();",
        'const app = express();\nconst vm = require("vm");\nconst yaml = require("js-yaml");',
    )
    got = [(f.rule_id, f.severity, f.confidence) for f in scan(code)]
    assert got == [
        ("DL-JS-CODEI", "critical", "high"),
        ("DL-JS-CODEI", "critical", "high"),
        ("DL-JS-CODEI", "critical", "high"),
        ("DL-JS-DESER", "medium", "medium"),  # js-yaml load() is safe from version 4
        ("DL-JS-DESER", "critical", "high"),  # ... unless the full schema is asked for
    ]


# rules sharpened on the labelled corpus of benchmarks/bench_security.py ------------------
def test_alias_of_a_module_member_and_a_number_check() -> None:
    code = textwrap.dedent(
        """
        var childProcess = require("child_process");
        var exec = childProcess.exec;

        module.exports = function (pid, callback) {
          {check}
          exec("taskkill /pid " + pid + " /T /F", callback);
        };
        """
    )
    found = [f for f in scan(code.replace("{check}", ""), "kill.js") if f.cwe == "CWE-78"]
    assert [(f.rule_id, f.severity, f.confidence) for f in found] == [
        ("DL-JS-CMDI", "medium", "low")  # an exported function's parameter: untraced
    ]
    checked = code.replace("{check}", "pid = parseInt(pid);")
    assert not [f for f in scan(checked, "kill.js") if f.cwe == "CWE-78"]


ZIP = """
const AdmZip = require("adm-zip");
const path = require("path");
const fs = require("fs");

function extractAll(file, target) {
  const zip = new AdmZip(file);
  zip.getEntries().forEach((entry) => {
    const dest = path.join(target, entry.entryName);
    CHECK
    if (entry.isDirectory) {
      fs.mkdirSync(dest, { recursive: true });
      return;
    }
    Utils.writeFileTo(dest, entry.getData());
  });
}
"""


def test_zip_slip_archive_entry_names_reaching_writes() -> None:
    found = [f for f in scan(ZIP.replace("CHECK", ""), "extract.js") if f.cwe == "CWE-22"]
    assert sorted(f.start_line for f in found) == [12, 15]
    for f in found:
        assert (f.rule_id, f.severity, f.confidence) == ("DL-JS-PATH", "high", "medium")
        assert f.taint_path[0].note == "source: archive entry name"
    guard = (
        "if (!path.resolve(dest).startsWith(path.resolve(target) + path.sep))"
        " throw new Error('bad entry');"
    )
    assert not [f for f in scan(ZIP.replace("CHECK", guard), "extract.js") if f.cwe == "CWE-22"]
    based = ZIP.replace("entry.entryName)", "path.basename(entry.entryName))")
    assert not [f for f in scan(based.replace("CHECK", ""), "extract.js") if f.cwe == "CWE-22"]


def test_zip_slip_tar_stream_headers_only_in_archive_code() -> None:
    code = textwrap.dedent(
        """
        const tar = require("tar-stream");
        const fs = require("fs");
        const path = require("path");
        const mkdirp = require("mkdirp");

        function untar(input, out) {
          const extract = tar.extract();
          extract.on("entry", (header, stream, next) => {
            const file = path.join(out, header.name);
            mkdirp.sync(path.dirname(file));
            stream.pipe(fs.createWriteStream(file)).on("finish", next);
          });
          input.pipe(extract);
        }
        """
    )
    found = [f for f in scan(code, "untar.js") if f.cwe == "CWE-22"]
    assert sorted(f.start_line for f in found) == [11, 12]
    # the same property names are ordinary data where no archive module is used
    plain = code.replace('require("tar-stream")', 'require("./events")')
    assert not [f for f in scan(plain, "untar.js") if f.cwe == "CWE-22"]


def test_location_header_and_whole_request_sources() -> None:
    code = express(
        """
        res.setHeader("Location", req.query.next);
        res.writeHead(302, { Location: req.query.next });
        res.setHeader("Location", "/home");
        res.writeHead(301, { "Content-Type": "text/html", Location: "/login" });
        const original = parseurl.original(req);
        original.pathname += "/";
        res.setHeader("Location", url.format(original));
        """
    ).replace(
        "const app = express();",
        'const app = express();\nconst parseurl = require("parseurl");\n'
        'const url = require("url");',
    )
    found = [f for f in scan(code) if f.rule_id == "DL-JS-REDIRECT"]
    lines = code.splitlines()
    want = [i + 1 for i, ln in enumerate(lines) if "req.query.next" in ln or "format(" in ln]
    assert sorted(f.start_line for f in found) == want
    assert all(f.confidence == "high" for f in found)
    assert found[-1].taint_path[0].note == "source: parseurl.original(req)"


def test_node_eval_in_a_child_process_and_function_constructor_variables() -> None:
    code = textwrap.dedent(
        """
        var spawn = require("child_process").spawn;

        function syncRequest(options, data) {
          var code = "var req = doRequest(" + JSON.stringify(options) + ");"
            + "req.write('" + PAYLOAD + "');";
          return spawn(process.execPath, ["-e", code]);
        }

        function compile(src, opts) {
          var ctor;
          if (opts.async) {
            ctor = (new Function("return (async function(){}).constructor;"))();
          } else {
            ctor = Function;
          }
          return new ctor(opts.localsName + ", escapeFn", src);
        }

        function clone(object, value) {
          var Ctor = object.constructor;  // a class, not the Function constructor
          return new Ctor(value);
        }

        module.exports = { syncRequest, compile, clone };
        """
    )
    raw = code.replace("PAYLOAD", "data.replace(/'/g, \"\\\\'\")")
    found = {f.start_line: f for f in at_least(scan(raw, "xhr.js"), "DL-JS-CODEI", "medium")}
    assert set(found) == {7, 17}
    assert "['-e', code]" in found[7].message and "(Function)" in found[17].message
    assert all(f.severity == "medium" and f.confidence == "low" for f in found.values())
    # a JSON text is a JavaScript literal: the generated code carries it as data
    safe = code.replace("PAYLOAD", "JSON.stringify(data).slice(1, -1)")
    assert 7 not in {f.start_line for f in scan(safe, "xhr.js") if f.cwe == "CWE-94"}


@pytest.mark.parametrize(
    ("check", "reported"),
    [
        ("if (!/^https?:\\/\\//.test(url)) throw new Error('blocked');", True),
        ("if (!url.startsWith('https://')) throw new Error('blocked');", True),
        ("if (!/^\\/[a-z]+$/.test(url)) throw new Error('blocked');", False),
        (
            "var ok = false;\n"
            "  for (var i = 0; i < patterns.length; i++) {\n"
            "    var allowed = new RegExp(patterns[i]);\n"
            "    if (allowed.test(url)) { ok = true; break; }\n"
            "  }\n"
            "  if (!ok) throw new Error('blocked');",
            False,
        ),
    ],
)
def test_scheme_only_checks_are_not_redirect_guards(check: str, reported: bool) -> None:
    code = (
        "function complete(patterns) {\n"
        "  var url = new URLSearchParams(location.search).get('return_url');\n"
        f"  {check}\n"
        "  location.href = url;\n"
        "}\n"
    )
    found = [f for f in scan(code, "client.js") if f.rule_id == "DL-JS-REDIRECT"]
    assert bool(found) is reported, check


def test_koa_response_body_is_not_input() -> None:
    # ctx.body is what the handler sends; the request's body is ctx.request.body
    code = """
        const Koa = require("koa");
        const app = new Koa();
        app.use(async (ctx) => {
          eval(ctx.body.script);
          eval(ctx.request.body.script);
        });
        """
    found = [f for f in scan(code, "server.js") if f.taint_path]
    assert [(f.start_line, f.taint_path[0].note) for f in found] == [
        (6, "source: ctx.request.body")
    ]
