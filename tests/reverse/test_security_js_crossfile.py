"""JavaScript / TypeScript function summaries across the files of a project
(``devlab.reverse.security_ts_js_project``): a route handler that hands request data to a
helper in another file is reported at the helper's sink; a helper that sanitises,
parameterises or is given a constant is not; ESM, CommonJS, TypeScript, re-exports,
cycles and imports that do not resolve."""

from __future__ import annotations

import pytest

from devlab.codebase.ingest import ingest_source
from devlab.reverse.security import (
    analyze_security,
    scan_project_sources,
    scan_source,
    scan_source_in_project,
)
from devlab.reverse.security_ts_js_project import (
    MAX_DEPENDENCIES,
    JSProject,
    js_dependencies,
    specifiers,
)
from helpers import write_tree

SERIOUS = {"medium", "high", "critical"}


def serious(findings, cwe: str, path: str | None = None):
    return [
        f
        for f in findings
        if f.cwe == cwe and f.severity in SERIOUS and (path is None or f.path == path)
    ]


def project(files: dict[str, str]):
    return scan_project_sources(files).findings


ROUTE = "const express = require('express');\nconst app = express();\n"

# category -> (helper file name, vulnerable helper, safe helper, call in the route, CWE)
CASES = {
    "sqli": (
        "db.js",
        "const mysql = require('mysql');\nconst conn = mysql.createConnection({});\n"
        "function find(id) {\n  return conn.query('SELECT * FROM users WHERE id = ' + id);\n}\n"
        "module.exports = { find };\n",
        "const mysql = require('mysql');\nconst conn = mysql.createConnection({});\n"
        "function find(id) {\n  return conn.query('SELECT * FROM users WHERE id = ?', [id]);\n}\n"
        "module.exports = { find };\n",
        "const db = require('./db');\n",
        "db.find(req.query.id); res.end();",
        "CWE-89",
    ),
    "cmdi": (
        "util.js",
        "const cp = require('child_process');\n"
        "exports.run = function (name) { cp.exec('ls ' + name); };\n",
        "const cp = require('child_process');\n"
        "exports.run = function (name) { cp.execFile('ls', [name]); };\n",
        "const { run } = require('./util');\n",
        "run(req.query.dir); res.end();",
        "CWE-78",
    ),
    "path": (
        "files.js",
        "const fs = require('fs');\nconst path = require('path');\n"
        "module.exports = function read(name) {\n"
        "  return fs.readFileSync(path.join('/srv/data', name));\n};\n",
        "const fs = require('fs');\nconst path = require('path');\n"
        "module.exports = function read(name) {\n"
        "  return fs.readFileSync(path.join('/srv/data', path.basename(name)));\n};\n",
        "const read = require('./files');\n",
        "res.send(String(read(req.params.name).length));",
        "CWE-22",
    ),
    "xss": (
        "view.js",
        "function page(title) {\n  return '<h1>' + title + '</h1>';\n}\n"
        "module.exports = { page };\n",
        "const escapeHtml = require('escape-html');\n"
        "function page(title) {\n  return '<h1>' + escapeHtml(title) + '</h1>';\n}\n"
        "module.exports = { page };\n",
        "const view = require('./view');\n",
        "res.send(view.page(req.query.title));",
        "CWE-79",
    ),
    "redirect": (
        "nav.js",
        "exports.go = (res, target) => res.redirect(target);\n",
        "const ALLOWED = ['/home', '/about'];\n"
        "exports.go = (res, target) => res.redirect(ALLOWED.includes(target) ? target : '/');\n",
        "const nav = require('./nav');\n",
        "nav.go(res, req.query.next);",
        "CWE-601",
    ),
}


def app(imports: str, call: str) -> str:
    return ROUTE + imports + f"app.get('/x', (req, res) => {{\n  {call}\n}});\n"


@pytest.mark.parametrize("category", sorted(CASES))
def test_flow_through_a_helper_in_another_file(category: str) -> None:
    helper, vulnerable, safe, imports, call, cwe = CASES[category]
    bad = project({"app.js": app(imports, call), helper: vulnerable})
    hits = serious(bad, cwe)
    assert hits, f"{category}: nothing reported"
    assert all(f.taint_path and f.confidence == "high" for f in hits)
    assert any(category == "xss" or f.path == helper for f in hits)
    notes = [s.note for f in hits for s in f.taint_path]
    assert any(n.startswith("source: req.") for n in notes)
    good = project({"app.js": app(imports, call), helper: safe})
    assert serious(good, cwe) == [], f"{category}: the safe helper is reported"


def test_the_sink_is_reported_in_the_helper_file_with_the_whole_path() -> None:
    _helper, vulnerable, _safe, imports, call, _cwe = CASES["sqli"]
    found = serious(project({"app.js": app(imports, call), "db.js": vulnerable}), "CWE-89")
    assert [(f.path, f.start_line) for f in found] == [("db.js", 4)]
    notes = [s.note for s in found[0].taint_path]
    assert notes[0] == "source: req.query"
    assert "passed to db.find() (db.js)" in notes and notes[-1].startswith("sink:")


def test_a_constant_argument_is_no_finding_where_the_file_alone_had_one() -> None:
    _helper, vulnerable, _safe, imports, _call, _cwe = CASES["cmdi"]
    route = app(imports, "run('docs'); res.end();")
    # on its own the helper's parameter is of untraced origin: medium at low confidence
    alone = serious(scan_source("util.js", vulnerable), "CWE-78")
    assert alone and all(f.confidence == "low" for f in alone)
    # in the project its only caller passes a constant
    assert serious(project({"app.js": route, "util.js": vulnerable}), "CWE-78") == []
    # a test that calls it with a constant leaves it an entry point (its API's callers)
    test = route.replace("'./util'", "'../util'")
    tested = project({"test/util.test.js": test, "util.js": vulnerable})
    assert [f.confidence for f in serious(tested, "CWE-78", "util.js")] == ["low"]


def test_a_sanitiser_helper_in_another_file_is_seen_as_one() -> None:
    helper = (
        "const escapeHtml = require('escape-html');\n"
        "function clean(s) { return escapeHtml(String(s)); }\nmodule.exports = { clean };\n"
    )
    route = app("const { clean } = require('./sanitize');\n", "res.send(clean(req.query.q));")
    assert serious(project({"app.js": route, "sanitize.js": helper}), "CWE-79") == []
    # file by file (or with a helper that only trims) the same route is an alarm
    assert serious(scan_source("app.js", route), "CWE-79")
    trims = "exports.clean = (s) => String(s).trim();\n"
    assert serious(project({"app.js": route, "sanitize.js": trims}), "CWE-79")


def test_esm_named_default_and_reexport_through_an_index() -> None:
    files = {
        "server.mjs": "import express from 'express';\nimport run, { list } from './lib';\n"
        "const app = express();\n"
        "app.get('/a', (req, res) => { run(req.query.a); list(req.query.b); res.end(); });\n",
        "lib/index.mjs": "export { default } from './run.mjs';\nexport * from './list.mjs';\n",
        "lib/run.mjs": "import { exec } from 'child_process';\n"
        "export default function run(cmd) { exec(cmd); }\n",
        "lib/list.mjs": "import { execSync } from 'child_process';\n"
        "export const list = (dir) => execSync(`ls ${dir}`);\n",
    }
    found = serious(project(files), "CWE-78")
    assert {f.path for f in found if f.taint_path} == {"lib/run.mjs", "lib/list.mjs"}
    proj = JSProject(files)
    fa = proj.analysis("server.mjs")
    assert proj.callee(fa, "./lib.list") is not None
    assert proj.callee(fa, "./lib.missing") is None


def test_esm_default_export_of_a_function() -> None:
    files = {
        "app.js": "import express from 'express';\nimport run from './run';\n"
        "const app = express();\napp.get('/a', (req, res) => { run(req.query.a); res.end(); });\n",
        "run.js": "import { exec } from 'child_process';\n"
        "export default function (cmd) { exec('echo ' + cmd); }\n",
    }
    found = serious(project(files), "CWE-78", "run.js")
    assert found and found[0].confidence == "high"


def test_typescript_service_and_repository() -> None:
    files = {
        "src/routes.ts": "import { Request, Response, Router } from 'express';\n"
        "import { UserService } from './service';\nimport * as repo from './repo';\n"
        "const router = Router();\n"
        "router.get('/u', async (req: Request, res: Response) => {\n"
        "  const rows = await repo.findByName(req.query.name as string);\n"
        "  res.json(rows);\n});\n",
        "src/repo.ts": "import { pool } from './pool';\n"
        "export async function findByName(name: string): Promise<unknown> {\n"
        "  return pool.query(`SELECT * FROM users WHERE name = '${name}'`);\n}\n",
        "src/pool.ts": "import { Pool } from 'pg';\nexport const pool = new Pool();\n",
        "src/service.ts": "export class UserService {}\n",
    }
    found = serious(project(files), "CWE-89", "src/repo.ts")
    assert found and found[0].taint_path
    # the TypeScript ESM style: './repo.js' names repo.ts
    files["src/routes.ts"] = files["src/routes.ts"].replace("'./repo'", "'./repo.js'")
    assert serious(project(files), "CWE-89", "src/repo.ts")


def test_a_chain_of_three_files() -> None:
    files = {
        "app.js": ROUTE + "const svc = require('./service');\n"
        "app.post('/s', (req, res) => { svc.search(req.body.q); res.end(); });\n",
        "service.js": "const repo = require('./repo');\n"
        "exports.search = (q) => repo.query(q.trim());\n",
        "repo.js": "const { Client } = require('pg');\nconst client = new Client();\n"
        "exports.query = (text) => client.query('SELECT * FROM t WHERE a = ' + text);\n",
    }
    found = serious(project(files), "CWE-89", "repo.js")
    assert found and found[0].confidence == "high"
    notes = [s.note for s in found[0].taint_path]
    assert any("(service.js)" in n for n in notes) and any("(repo.js)" in n for n in notes)
    # the per-file door of the project scan (analyze_security's pool task) sees it too
    one = scan_source_in_project("app.js", files)
    assert serious(one, "CWE-89", "repo.js")


def test_a_cycle_between_two_files_ends() -> None:
    files = {
        "a.js": ROUTE + "const b = require('./b');\n"
        "function ping(x, n) { return n > 0 ? b.pong(x, n - 1) : x; }\n"
        "module.exports = { ping };\n"
        "app.get('/c', (req, res) => { res.send(b.pong(req.query.x, 3)); });\n",
        "b.js": "const a = require('./a');\n"
        "function pong(x, n) { return a.ping(x, n); }\nmodule.exports = { pong };\n",
    }
    found = project(files)
    assert serious(found, "CWE-79", "a.js")  # the value comes back through the cycle
    assert scan_source_in_project("b.js", files) is not None


def test_unresolvable_imports_change_nothing() -> None:
    route = app(
        "const db = require('./missing');\nconst dyn = require(process.env.MOD);\n"
        "const up = require('../outside/db');\n",
        "db.find(req.query.id); dyn.run(req.query.c); up.x(req.query.d);\n"
        "  res.send(db.render(req.query.t));",
    )
    alone = scan_source("app.js", route)
    together = project({"app.js": route, "lib/other.js": "exports.x = 1;\n"})
    key = {(f.rule_id, f.start_line, f.severity, f.confidence) for f in alone}
    assert {(f.rule_id, f.start_line, f.severity, f.confidence) for f in together} == key
    assert serious(together, "CWE-79")  # unresolved: a module call carries its arguments


def test_the_file_by_file_path_is_unchanged() -> None:
    _helper, vulnerable, _safe, imports, call, _cwe = CASES["sqli"]
    route = app(imports, call)
    assert all(f.path == "app.js" for f in scan_source("app.js", route))
    assert serious(scan_source("db.js", vulnerable), "CWE-89")[0].confidence == "low"


def test_dependencies_are_bounded_and_read_without_backtracking() -> None:
    files = {f"m{i}.js": f"const n = require('./m{i + 1}');\nexports.f = (x) => n.f(x);\n"
             for i in range(40)}  # fmt: skip
    deps = js_dependencies("m0.js", files)
    assert deps == ["m1.js", "m2.js", "m3.js"]  # three imports deep
    wide = {"a.js": "".join(f"require('./w{i}');\n" for i in range(50))}
    wide.update({f"w{i}.js": "exports.f = 1;\n" for i in range(50)})
    assert len(js_dependencies("a.js", wide)) == MAX_DEPENDENCIES
    # a long run of near-matches is read in linear time
    assert specifiers("require( " * 50_000 + "'./x'") == ["./x"]
    assert specifiers("import x from './a';\nexport * from \"../b\";\n") == ["./a", "../b"]
    # a long chain of forwarding helpers ends (hops bounded), without an error
    files["m0.js"] += ROUTE + "app.get('/', (req, res) => exports.f(req.query.x));\n"
    assert project(files) is not None


def test_analyze_security_follows_imports_in_a_real_project(bench, tmp_path) -> None:
    _helper, vulnerable, safe, imports, call, _cwe = CASES["sqli"]
    _h, runner, _s, run_import, _c, _w = CASES["cmdi"]
    route = app(imports + run_import.replace("'./util'", "'./data/util'"), call + " run('docs');")
    src = write_tree(
        tmp_path / "shop",
        {
            "src/app.js": route.replace("'./db'", "'./data/db'"),
            "src/data/db.js": vulnerable,
            "src/data/safe.js": safe,
            "src/data/util.js": runner,
            "src/broken.js": "function (( {\n",
        },
    )
    ingest_source(bench.db, bench.settings, name="shop", source=str(src))
    report = analyze_security(bench.db, "shop")
    assert report.files == 5 and report.unanalysed == []
    hits = serious(report.findings, "CWE-89")
    assert [(f.path, f.confidence) for f in hits] == [("src/data/db.js", "high")]
    # util.js's only caller passes a constant: no untraced-origin alarm in its own task
    assert serious(report.findings, "CWE-78") == []
    keys = [(f.rule_id, f.path, f.start_line, f.cwe) for f in report.findings]
    assert len(keys) == len(set(keys))


def test_instance_and_default_object_exports() -> None:
    files = {
        "app.js": ROUTE + "const runner = require('./runner');\nimport store from './store';\n"
        "app.get('/i', (req, res) => { runner.convert(req.query.f); store.put(req.query.p); "
        "res.end(); });\n",
        "runner.js": "const cp = require('child_process');\n"
        "class Runner {\n  convert(file) {\n    cp.exec(`convert ${file} out.png`);\n  }\n}\n"
        "module.exports = new Runner();\n",
        "store.js": "import fs from 'fs';\n"
        "export default { put(name) { fs.writeFileSync('/srv/' + name, 'x'); } };\n",
    }
    found = project(files)
    assert [f.confidence for f in serious(found, "CWE-78", "runner.js")] == ["high"]
    assert [f.confidence for f in serious(found, "CWE-22", "store.js")] == ["high"]
