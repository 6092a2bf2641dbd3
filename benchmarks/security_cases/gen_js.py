# ruff: noqa: E501  (the idiom templates are code as data: one template a line)
"""Generate DevLab's labelled JavaScript security benchmark (``js/``), like gen_python.py.

    python benchmarks/security_cases/gen_js.py

Express, Koa and Next.js API-route handlers; per category vulnerable sinks and their safe
counterparts; flows direct, destructured, through objects/arrays, template strings,
concatenation, a local helper, await, constant re-assignment and allow-lists. Written
before any tuning; split by a hash of the id like the Python cases.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent / "js"
PER_SIDE = 16
CWE = {
    "cmdi": "CWE-78", "sqli": "CWE-89", "xxe": "CWE-611", "path": "CWE-22", "xss": "CWE-79",
    "redirect": "CWE-601", "ldap": "CWE-90", "xpath": "CWE-643", "trust": "CWE-501",
    "weakhash": "CWE-328", "weakrand": "CWE-330", "cookie": "CWE-614", "codeinj": "CWE-94",
    "deser": "CWE-502",
}  # fmt: skip
CONST = {
    "cmdi": "localhost",
    "sqli": "alice",
    "xxe": "<a/>",
    "path": "report.txt",
    "xss": "guest",
    "redirect": "/home",
    "ldap": "jdoe",
    "xpath": "alice",
    "trust": "guest",
    "weakhash": "pw",
    "weakrand": "x",
    "cookie": "anon",
    "codeinj": "1 + 1",
    "deser": "{}",
}
NAMES = {
    "cmdi": "host",
    "sqli": "name",
    "xxe": "xml",
    "path": "file",
    "xss": "comment",
    "redirect": "next",
    "ldap": "user",
    "xpath": "title",
    "trust": "role",
    "weakhash": "password",
    "weakrand": "email",
    "cookie": "pref",
    "codeinj": "expr",
    "deser": "state",
}

# framework: (prelude, handler open, handler close, sources, respond(x), redirect(x), session(k, x), cookie(x, opts))
FRAMEWORKS = {
    "express": (
        'const express = require("express");\nconst app = express();\n',
        'app.{verb}("/api/{route}", async (req, res) => {\n',
        "});\n\nmodule.exports = app;\n",
        ["req.query.{n}", "req.body.{n}", "req.params.{n}", "req.cookies.{n}", 'req.get("x-{n}")'],
        "res.send({x});",
        "res.redirect({x});",
        "req.session.{k} = {x};",
        'res.cookie("session_id", {x}{opts});\n  res.send("ok");',
        'res.send("ok");',
    ),
    "koa": (
        'const Koa = require("koa");\nconst Router = require("@koa/router");\nconst app = new Koa();\nconst router = new Router();\n',
        'router.{verb}("/api/{route}", async (ctx) => {\n',
        "});\n\napp.use(router.routes());\nmodule.exports = app;\n",
        [
            "ctx.query.{n}",
            "ctx.request.body.{n}",
            "ctx.params.{n}",
            'ctx.cookies.get("{n}")',
            'ctx.get("x-{n}")',
        ],
        "ctx.body = {x};",
        "ctx.redirect({x});",
        "ctx.session.{k} = {x};",
        'ctx.cookies.set("session_id", {x}{opts});\n  ctx.body = "ok";',
        'ctx.body = "ok";',
    ),
    "nextjs": (
        "",
        "export default async function handler(req, res) {\n",
        "}\n",
        ["req.query.{n}", "req.body.{n}", "req.cookies.{n}", 'req.headers["x-{n}"]'],
        'res.setHeader("Content-Type", "text/html");\n  res.status(200).send({x});',
        "res.redirect(307, {x});",
        "req.session.{k} = {x};",
        'res.setHeader("Set-Cookie", serialize("session_id", {x}{opts_cookie}));\n  res.end("ok");',
        "res.status(200).json({ ok: true });",
    ),
}


def sinks(cat: str, fw: str, vuln: bool) -> list[tuple[str, str]]:
    """(module prelude, body) variants; "{v}" is the variable."""
    f = FRAMEWORKS[fw]
    respond, redirect, session = f[4], f[5], f[6]
    if cat == "cmdi":
        return (
            [
                ('const { exec } = require("child_process");\n', "exec(`ping -c 1 ${{v}}`);"),
                ('const cp = require("child_process");\n', 'cp.execSync("nslookup " + {v});'),
                (
                    'const { spawn } = require("child_process");\n',
                    'spawn("sh", ["-c", "tar czf /tmp/b.tgz " + {v}]);',
                ),
            ]
            if vuln
            else [
                (
                    'const { execFile } = require("child_process");\n',
                    'execFile("ping", ["-c", "1", {v}]);',
                ),
                ('const { spawn } = require("child_process");\n', 'spawn("nslookup", [{v}]);'),
            ]
        )
    if cat == "sqli":
        return (
            [
                (
                    'const db = require("./db");\n',
                    "await db.query(`SELECT * FROM users WHERE name = '${{v}}'`);",
                ),
                (
                    'const db = require("./db");\n',
                    'await db.query("SELECT id FROM items WHERE owner = \'" + {v} + "\'");',
                ),
            ]
            if vuln
            else [
                (
                    'const db = require("./db");\n',
                    'await db.query("SELECT * FROM users WHERE name = ?", [{v}]);',
                ),
                (
                    'const db = require("./db");\n',
                    'await db.query("SELECT id FROM items WHERE owner = $1", [{v}]);',
                ),
            ]
        )
    if cat == "xxe":
        return (
            [
                (
                    'const libxmljs = require("libxmljs");\n',
                    "const doc = libxmljs.parseXml({v}, { noent: true });",
                ),
                (
                    'const libxmljs = require("libxmljs");\n',
                    "const doc = libxmljs.parseXmlString({v}, { noent: true, dtdload: true });",
                ),
            ]
            if vuln
            else [
                ('const libxmljs = require("libxmljs");\n', "const doc = libxmljs.parseXml({v});"),
                (
                    'const libxmljs = require("libxmljs");\n',
                    "const doc = libxmljs.parseXml({v}, { noent: false });",
                ),
            ]
        )
    if cat == "path":
        return (
            [
                (
                    'const fs = require("fs");\nconst path = require("path");\nconst BASE = "/srv/files";\n',
                    'const data = fs.readFileSync(path.join(BASE, {v}), "utf8");',
                ),
                (
                    'const fs = require("fs/promises");\n',
                    "const data = await fs.readFile(`/srv/uploads/${{v}}`);",
                ),
            ]
            if vuln
            else [
                (
                    'const fs = require("fs");\nconst path = require("path");\nconst BASE = "/srv/files";\n',
                    'const data = fs.readFileSync(path.join(BASE, path.basename({v})), "utf8");',
                ),
                (
                    'const fs = require("fs/promises");\n',
                    'const data = await fs.readFile("/srv/uploads/report.txt");\n  console.log({v});',
                ),
            ]
        )
    if cat == "xss":
        return (
            [
                ("", respond.format(x="`<p>Hello ${{v}}</p>`")),
                ("", respond.format(x='"<div>" + {v} + "</div>"')),
            ]
            if vuln
            else [
                (
                    'const escapeHtml = require("escape-html");\n',
                    respond.format(x="`<p>Hello ${escapeHtml({v})}</p>`"),
                ),
                ("", respond.format(x='"<p>Hello</p>"') + "\n  console.log({v});"),
            ]
        )
    if cat == "redirect":
        return (
            [("", redirect.format(x="{v}")), ("", redirect.format(x="`https://${{v}}/login`"))]
            if vuln
            else [
                ("", redirect.format(x='"/home"') + "\n  console.log({v});"),
                ("", redirect.format(x='"/search?q=" + encodeURIComponent({v})')),
            ]
        )
    if cat == "ldap":
        return (
            [
                (
                    'const ldap = require("ldapjs");\nconst client = ldap.createClient({ url: "ldap://ldap.example.org" });\n',
                    'client.search("dc=example,dc=org", { filter: `(uid=${{v}})`, scope: "sub" }, () => {});',
                )
            ]
            if vuln
            else [
                (
                    'const ldap = require("ldapjs");\nconst escape = require("ldap-escape");\nconst client = ldap.createClient({ url: "ldap://ldap.example.org" });\n',
                    'client.search("dc=example,dc=org", { filter: escape.filter`(uid=${{v}})`, scope: "sub" }, () => {});',
                )
            ]
        )
    if cat == "xpath":
        return (
            [
                (
                    'const xpath = require("xpath");\nconst doc = require("./users-doc");\n',
                    "const nodes = xpath.select(`//user[@name='${{v}}']`, doc);",
                )
            ]
            if vuln
            else [
                (
                    'const xpath = require("xpath");\nconst doc = require("./users-doc");\n',
                    'const nodes = xpath.select("//user[@name=$name]", doc, false, { name: {v} });',
                )
            ]
        )
    if cat == "trust":
        return (
            [
                ("", session.format(k="user", x="{v}")),
                ("", session.format(k="role", x='"role:" + {v}')),
            ]
            if vuln
            else [("", session.format(k="user", x='"guest"') + "\n  console.log({v});")]
        )
    if cat == "weakhash":
        return (
            [
                (
                    'const crypto = require("crypto");\n',
                    'const digest = crypto.createHash("md5").update({v}).digest("hex");',
                ),
                (
                    'const crypto = require("crypto");\n',
                    'const digest = crypto.createHash("sha1").update({v}).digest("hex");',
                ),
            ]
            if vuln
            else [
                (
                    'const crypto = require("crypto");\n',
                    'const digest = crypto.createHash("sha256").update({v}).digest("hex");',
                ),
                (
                    'const crypto = require("crypto");\n',
                    'const digest = crypto.scryptSync({v}, "salt-value", 64).toString("hex");',
                ),
            ]
        )
    if cat == "weakrand":
        return (
            [
                (
                    "",
                    "const token = Math.random().toString(36).slice(2);\n  "
                    + session.format(k="csrf", x="token")
                    + "\n  console.log({v});",
                ),
                (
                    "",
                    "const resetCode = String(Math.floor(Math.random() * 900000) + 100000);\n  "
                    + session.format(k="reset", x="resetCode")
                    + "\n  console.log({v});",
                ),
            ]
            if vuln
            else [
                (
                    'const crypto = require("crypto");\n',
                    'const token = crypto.randomBytes(16).toString("hex");\n  '
                    + session.format(k="csrf", x="token")
                    + "\n  console.log({v});",
                ),
                (
                    'const crypto = require("crypto");\n',
                    "const resetCode = String(crypto.randomInt(100000, 999999));\n  "
                    + session.format(k="reset", x="resetCode")
                    + "\n  console.log({v});",
                ),
            ]
        )
    if cat == "cookie":
        cookie = f[7]
        opts = (
            ["", ", { secure: false }", ", { httpOnly: true }"]
            if vuln
            else [', { secure: true, httpOnly: true, sameSite: "lax" }']
        )
        pre = 'const { serialize } = require("cookie");\n' if fw == "nextjs" else ""
        return [
            (pre, cookie.replace("{opts}", o).replace("{opts_cookie}", o).replace("{x}", "{v}"))
            for o in opts
        ]
    if cat == "codeinj":
        return (
            [
                ("", "const result = eval({v});"),
                ("", 'const fn = new Function("return " + {v});\n  const result = fn();'),
            ]
            if vuln
            else [
                ("", "const result = JSON.parse({v});"),
                ("", 'const result = eval("2 * 21");\n  console.log({v});'),
            ]
        )
    if cat == "deser":
        return (
            [
                (
                    'const serialize = require("node-serialize");\n',
                    "const obj = serialize.unserialize({v});",
                )
            ]
            if vuln
            else [("", "const obj = JSON.parse({v});")]
        )
    raise KeyError(cat)


VULN_FLOWS = [
    "const {v} = {S};",
    "const { {n}: {v} } = {{ {n}: {S} }};",
    "const data = {{ value: {S} }};\n  const {v} = data.value;",
    "const items = [{S}];\n  const {v} = items[0];",
    "const {v} = `${{{S}}}`;",
    "const {v} = String({S}).trim();",
    'let {v} = {S};\n  if (!{v}) {{\n    {v} = "{C}";\n  }}',
    "const {v} = normalise({S});",
    "const {v} = await Promise.resolve({S});",
]
SAFE_FLOWS = [
    'let {v} = {S};\n  {v} = "{C}";',
    'const ALLOWED = ["{C}", "other"];\n  const {v} = ALLOWED.includes({S}) ? {S} : "{C}";',
    "const {v} = String(parseInt({S}, 10));",
    "const {v} = pick({S});",
]
HELPERS = 'function normalise(s) {\n  return String(s).trim();\n}\n\nfunction pick(raw) {\n  return "CONSTVALUE";\n}\n\n'
CONFIG_ONLY = {"weakhash", "weakrand", "cookie"}


def build(cat: str, vuln: bool, rng: random.Random) -> tuple[str, dict]:
    fw = rng.choice(list(FRAMEWORKS))
    prelude, open_, close, sources, *_rest = FRAMEWORKS[fw]
    ok = FRAMEWORKS[fw][8]
    n = NAMES[cat]
    src = rng.choice(sources).replace("{n}", n)
    if vuln or cat in CONFIG_ONLY or rng.random() < 0.5:
        pre, sink = rng.choice(sinks(cat, fw, vuln))
        flow = rng.choice(VULN_FLOWS)
        kind = "" if vuln else "safe_sink"
    else:
        pre, sink = rng.choice(sinks(cat, fw, True))
        flow = rng.choice(SAFE_FLOWS)
        kind = "safe_flow"
    v = "value"
    body = flow.replace("{S}", src).replace("{v}", v).replace("{n}", n).replace("{C}", CONST[cat])
    body = body.replace("{{", "{").replace("}}", "}")
    sink = sink.replace("{{v}}", "{" + v + "}").replace("{v}", v)
    if not any(w in sink for w in ("res.send", "ctx.body", "redirect", "res.end", ".send(")):
        sink += "\n  " + ok
    head = open_.replace("{verb}", rng.choice(["get", "post"])).replace(
        "{route}", rng.choice(["run", "item", "view"])
    )
    text = (
        prelude
        + pre
        + "\n"
        + HELPERS.replace("CONSTVALUE", CONST[cat])
        + head
        + "  "
        + body
        + "\n  "
        + sink
        + "\n"
        + close
    )
    return text, {
        "category": cat,
        "cwe": CWE[cat],
        "vulnerable": vuln,
        "framework": fw,
        "safe_kind": kind,
    }


def main() -> int:
    rng = random.Random(1717)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    labels = {}
    for cat in CWE:
        for vuln in (True, False):
            for i in range(PER_SIDE):
                cid = f"{cat}-{'vuln' if vuln else 'safe'}-{i:02d}"
                text, label = build(cat, vuln, rng)
                (OUT / cid).mkdir()
                (OUT / cid / ("api.js" if label["framework"] == "nextjs" else "app.js")).write_text(
                    text
                )
                label["split"] = (
                    "heldout" if hashlib.sha256(cid.encode()).digest()[0] % 2 else "tune"
                )
                labels[cid] = label
    (OUT / "labels.json").write_text(json.dumps(labels, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(labels)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
