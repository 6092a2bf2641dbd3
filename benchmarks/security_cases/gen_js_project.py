# ruff: noqa: E501  (the cases are code as data)
"""Generate DevLab's labelled multi-file JavaScript/TypeScript cases (``js_project/``).

    python benchmarks/security_cases/gen_js_project.py

Each case is a small project: a route file (Express, ESM or CommonJS, or TypeScript) that
hands request data to a helper in another file of the project, where the sink is, or gets
back a value the helper built. Per category (SQL, command, path, XSS, redirect) vulnerable
cases and their safe look-alikes: the helper parameterises, quotes, reduces, escapes or
allow-lists, or the route passes a constant. Written by i17l with the cross-file summaries
(issue 17) in mind: a tuning set, not a held-out one (split by a hash of the id like the
other languages, for the table's columns only).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

OUT = Path(__file__).resolve().parent / "js_project"
CWE = {"sqli": "CWE-89", "cmdi": "CWE-78", "path": "CWE-22", "xss": "CWE-79", "redirect": "CWE-601"}

EXPRESS = "const express = require('express');\nconst app = express();\n"
ESM = "import express from 'express';\nconst app = express();\n"
TS = "import express, { Request, Response } from 'express';\nconst app = express();\n"


def route(head: str, imports: str, body: str, ts: bool = False) -> str:
    params = "req: Request, res: Response" if ts else "req, res"
    return f"{head}{imports}app.get('/r', async ({params}) => {{\n{body}\n}});\napp.listen(3000);\n"


MYSQL = "const mysql = require('mysql');\nconst conn = mysql.createConnection({});\n"
PG_ESM = "import pg from 'pg';\nconst pool = new pg.Pool();\n"
CP = "const cp = require('child_process');\n"
FS = "const fs = require('fs');\nconst path = require('path');\nconst BASE = '/srv/files';\n"

# (category, vulnerable, idiom) -> {file: text}
CASES: dict[tuple[str, bool, str], dict[str, str]] = {
    # SQL ---------------------------------------------------------------------------------------
    ("sqli", True, "cjs-object"): {
        "app.js": route(
            EXPRESS,
            "const users = require('./users');\n",
            "  res.json(await users.byName(req.query.name));",
        ),
        "users.js": MYSQL
        + 'function byName(name) {\n  return conn.query("SELECT * FROM users WHERE name = \'" + name + "\'");\n}\nmodule.exports = { byName };\n',
    },
    ("sqli", True, "ts-esm-template"): {
        "routes.ts": route(
            TS,
            "import { findOrders } from './repo';\n",
            "  res.json(await findOrders(String(req.query.status)));",
            ts=True,
        ),
        "repo.ts": PG_ESM
        + "export async function findOrders(status: string) {\n  return pool.query(`SELECT * FROM orders WHERE status = '${status}'`);\n}\n",
    },
    ("sqli", True, "chain"): {
        "app.js": route(
            EXPRESS,
            "const svc = require('./service');\n",
            "  res.json(await svc.search(req.body.term));",
        ),
        "service.js": "const repo = require('./repo');\nexports.search = (term) => repo.like(term.trim());\n",
        "repo.js": MYSQL
        + "exports.like = (t) => conn.query('SELECT * FROM items WHERE name LIKE \"%' + t + '%\"');\n",
    },
    ("sqli", False, "cjs-object"): {
        "app.js": route(
            EXPRESS,
            "const users = require('./users');\n",
            "  res.json(await users.byName(req.query.name));",
        ),
        "users.js": MYSQL
        + "function byName(name) {\n  return conn.query('SELECT * FROM users WHERE name = ?', [name]);\n}\nmodule.exports = { byName };\n",
    },
    ("sqli", False, "ts-esm-template"): {
        "routes.ts": route(
            TS,
            "import { findOrders } from './repo';\n",
            "  res.json(await findOrders('shipped'));",
            ts=True,
        ),
        "repo.ts": PG_ESM
        + "export async function findOrders(status: string) {\n  return pool.query(`SELECT * FROM orders WHERE status = '${status}'`);\n}\n",
    },
    ("sqli", False, "chain"): {
        "app.js": route(
            EXPRESS,
            "const svc = require('./service');\n",
            "  res.json(await svc.search(req.body.term));",
        ),
        "service.js": "const repo = require('./repo');\nexports.search = (term) => repo.like(parseInt(term, 10));\n",
        "repo.js": MYSQL
        + "exports.like = (t) => conn.query('SELECT * FROM items WHERE id = ' + t);\n",
    },
    # commands ----------------------------------------------------------------------------------
    ("cmdi", True, "cjs-exports"): {
        "app.js": route(
            EXPRESS, "const { ping } = require('./net');\n", "  ping(req.query.host);\n  res.end();"
        ),
        "net.js": CP + "exports.ping = function (host) {\n  cp.exec('ping -c 1 ' + host);\n};\n",
    },
    ("cmdi", True, "esm-default"): {
        "app.mjs": route(
            ESM, "import archive from './archive.mjs';\n", "  archive(req.body.dir);\n  res.end();"
        ),
        "archive.mjs": "import { execSync } from 'child_process';\nexport default function archive(dir) {\n  execSync(`tar czf /tmp/out.tgz ${dir}`);\n}\n",
    },
    ("cmdi", True, "instance"): {
        "app.js": route(
            EXPRESS,
            "const runner = require('./runner');\n",
            "  runner.convert(req.query.file);\n  res.end();",
        ),
        "runner.js": CP
        + "class Runner {\n  convert(file) {\n    cp.exec(`convert ${file} out.png`);\n  }\n}\nmodule.exports = new Runner();\n",
    },
    ("cmdi", False, "cjs-exports"): {
        "app.js": route(
            EXPRESS, "const { ping } = require('./net');\n", "  ping(req.query.host);\n  res.end();"
        ),
        "net.js": CP
        + "exports.ping = function (host) {\n  cp.execFile('ping', ['-c', '1', host]);\n};\n",
    },
    ("cmdi", False, "esm-default"): {
        "app.mjs": route(
            ESM, "import archive from './archive.mjs';\n", "  archive(req.body.dir);\n  res.end();"
        ),
        "archive.mjs": "import { execSync } from 'child_process';\nimport { quote } from 'shell-quote';\nexport default function archive(dir) {\n  execSync(`tar czf /tmp/out.tgz ${quote([dir])}`);\n}\n",
    },
    ("cmdi", False, "instance"): {
        "app.js": route(
            EXPRESS,
            "const runner = require('./runner');\n",
            "  runner.convert('logo.svg');\n  res.end();",
        ),
        "runner.js": CP
        + "class Runner {\n  convert(file) {\n    cp.exec(`convert ${file} out.png`);\n  }\n}\nmodule.exports = new Runner();\n",
    },
    # path traversal ----------------------------------------------------------------------------
    ("path", True, "cjs-default"): {
        "app.js": route(
            EXPRESS, "const load = require('./storage');\n", "  res.send(load(req.params.name));"
        ),
        "storage.js": FS
        + "module.exports = function load(name) {\n  return fs.readFileSync(path.join(BASE, name), 'utf8');\n};\n",
    },
    ("path", True, "send-helper"): {
        "app.js": route(
            EXPRESS, "const files = require('./files');\n", "  files.download(res, req.query.f);"
        ),
        "files.js": FS
        + "function download(res, f) {\n  res.sendFile(path.resolve(BASE, f));\n}\nmodule.exports = { download };\n",
    },
    ("path", True, "ts-write"): {
        "routes.ts": route(
            TS,
            "import { saveNote } from './notes';\n",
            "  await saveNote(String(req.query.title), String(req.body));\n  res.end();",
            ts=True,
        ),
        "notes.ts": "import { promises as fsp } from 'fs';\nexport async function saveNote(title: string, text: string) {\n  await fsp.writeFile('/srv/notes/' + title, text);\n}\n",
    },
    ("path", False, "cjs-default"): {
        "app.js": route(
            EXPRESS, "const load = require('./storage');\n", "  res.send(load(req.params.name));"
        ),
        "storage.js": FS
        + "module.exports = function load(name) {\n  return fs.readFileSync(path.join(BASE, path.basename(name)), 'utf8');\n};\n",
    },
    ("path", False, "send-helper"): {
        "app.js": route(
            EXPRESS, "const files = require('./files');\n", "  files.download(res, req.query.f);"
        ),
        "files.js": FS
        + "function download(res, f) {\n  const full = path.resolve(BASE, f);\n  if (!full.startsWith(BASE + path.sep)) return res.sendStatus(403);\n  res.sendFile(full);\n}\nmodule.exports = { download };\n",
    },
    ("path", False, "ts-write"): {
        "routes.ts": route(
            TS,
            "import { saveNote } from './notes';\n",
            "  await saveNote('today', String(req.body));\n  res.end();",
            ts=True,
        ),
        "notes.ts": "import { promises as fsp } from 'fs';\nexport async function saveNote(title: string, text: string) {\n  await fsp.writeFile('/srv/notes/' + title, text);\n}\n",
    },
    # XSS ---------------------------------------------------------------------------------------
    ("xss", True, "render-return"): {
        "app.js": route(
            EXPRESS,
            "const view = require('./view');\n",
            "  res.send(view.greeting(req.query.name));",
        ),
        "view.js": "exports.greeting = (name) => '<h1>Hello ' + name + '</h1>';\n",
    },
    ("xss", True, "writes-response"): {
        "app.js": route(
            EXPRESS, "const { page } = require('./page');\n", "  page(res, req.query.q);"
        ),
        "page.js": "function page(res, q) {\n  res.send(`<p>Results for ${q}</p>`);\n}\nmodule.exports = { page };\n",
    },
    ("xss", True, "ts-esm"): {
        "routes.ts": route(
            TS,
            "import { banner } from './html';\n",
            "  res.send(banner(String(req.query.msg)));",
            ts=True,
        ),
        "html.ts": 'export const banner = (msg: string): string => `<div class="banner">${msg}</div>`;\n',
    },
    ("xss", False, "render-return"): {
        "app.js": route(
            EXPRESS,
            "const view = require('./view');\n",
            "  res.send(view.greeting(req.query.name));",
        ),
        "view.js": "const escapeHtml = require('escape-html');\nexports.greeting = (name) => '<h1>Hello ' + escapeHtml(name) + '</h1>';\n",
    },
    ("xss", False, "sanitiser-file"): {
        "app.js": route(
            EXPRESS,
            "const { clean } = require('./sanitize');\n",
            "  res.send(`<p>Results for ${clean(req.query.q)}</p>`);",
        ),
        "sanitize.js": "const escapeHtml = require('escape-html');\nfunction clean(s) {\n  return escapeHtml(String(s));\n}\nmodule.exports = { clean };\n",
    },
    ("xss", False, "ts-esm"): {
        "routes.ts": route(
            TS, "import { banner } from './html';\n", "  res.send(banner('Welcome back'));", ts=True
        ),
        "html.ts": 'export const banner = (msg: string): string => `<div class="banner">${msg}</div>`;\n',
    },
    # open redirect -----------------------------------------------------------------------------
    ("redirect", True, "helper-redirects"): {
        "app.js": route(
            EXPRESS, "const nav = require('./nav');\n", "  nav.back(res, req.query.next);"
        ),
        "nav.js": "exports.back = (res, target) => res.redirect(target);\n",
    },
    ("redirect", True, "helper-returns"): {
        "app.mjs": route(
            ESM,
            "import { target } from './urls.mjs';\n",
            "  res.redirect(target(req.query.returnTo));",
        ),
        "urls.mjs": "export function target(value) {\n  return value || '/';\n}\n",
    },
    ("redirect", False, "helper-redirects"): {
        "app.js": route(
            EXPRESS, "const nav = require('./nav');\n", "  nav.back(res, req.query.next);"
        ),
        "nav.js": "const ALLOWED = ['/home', '/account'];\nexports.back = (res, target) => res.redirect(ALLOWED.includes(target) ? target : '/');\n",
    },
    ("redirect", False, "helper-returns"): {
        "app.mjs": route(
            ESM,
            "import { target } from './urls.mjs';\n",
            "  res.redirect(target(req.query.returnTo));",
        ),
        "urls.mjs": "export function target(value) {\n  return '/dashboard';\n}\n",
    },
}


def main() -> int:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    labels = {}
    counters: dict[tuple[str, bool], int] = {}
    for (cat, vuln, idiom), files in CASES.items():
        n = counters.get((cat, vuln), 0)
        counters[(cat, vuln)] = n + 1
        cid = f"{cat}-{'vuln' if vuln else 'safe'}-{n:02d}"
        (OUT / cid).mkdir()
        for name, text in files.items():
            (OUT / cid / name).write_text(text)
        labels[cid] = {
            "category": cat,
            "cwe": CWE[cat],
            "vulnerable": vuln,
            "framework": "express",
            "idiom": idiom,
            "split": "heldout" if hashlib.sha256(cid.encode()).digest()[0] % 2 else "tune",
        }
    (OUT / "labels.json").write_text(json.dumps(labels, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(labels)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
