"""Python ``match`` statements and checks made on the read itself (``if
request.args["q"] not in ALLOWED``, ``if (!/^\\w+$/.test(req.query.q))``) in the
security taint engines: captures carry the subject's taint, constant-only captures and
checked reads are clean, and a check on one property guards that property only."""

from __future__ import annotations

import textwrap

from devlab.reverse.security import scan_source

SERIOUS = {"medium", "high", "critical"}


def serious_lines(path: str, src: str, cwe: str) -> list[int]:
    found = scan_source(path, textwrap.dedent(src))
    return sorted(f.start_line for f in found if f.cwe == cwe and f.severity in SERIOUS)


def test_match_captures_carry_the_subject_and_constants_do_not() -> None:
    src = """\
        import subprocess
        from flask import Flask, request
        app = Flask(__name__)
        ALLOWED = {"ls"}

        @app.post("/m")
        def m():
            match request.json:
                case {"cmd": str(cmd)}:
                    subprocess.run(cmd, shell=True)
                case {"n": int(n)}:
                    subprocess.run(f"seq {n}", shell=True)
                case "ls" | "pwd" as tool:
                    subprocess.run(tool, shell=True)
                case {"c": str(c)} if c in ALLOWED:
                    subprocess.run(c, shell=True)
                case [first, *rest]:
                    subprocess.run(rest[0], shell=True)
                case Point(x=px):
                    subprocess.run(px, shell=True)
    """
    # tainted captures: str(cmd) (line 10), *rest (18), keyword px (20); clean: int(n),
    # the literal alternatives bound by "as", a capture checked by the case guard
    assert serious_lines("app.py", src, "CWE-78") == [10, 18, 20]


def test_a_check_on_the_request_read_itself_guards_that_read_only() -> None:
    src = """\
        import subprocess
        from flask import Flask, request, abort
        app = Flask(__name__)
        ALLOWED = {"ls", "pwd"}

        @app.get("/a")
        def a():
            if request.args.get("tool") not in ALLOWED:
                abort(400)
            subprocess.run(request.args.get("tool"), shell=True)
            subprocess.run(request.args.get("other"), shell=True)

        @app.get("/b")
        def b():
            if request.args["tool"] in ALLOWED:
                print("allowed")
            subprocess.run(request.args["tool"], shell=True)
    """
    # /a: the checked key is clean, another key is not; /b: the check did not leave
    assert serious_lines("app.py", src, "CWE-78") == [11, 17]


def test_js_check_on_a_property_guards_that_property_not_its_object() -> None:
    src = """\
        const express = require('express');
        const cp = require('child_process');
        const app = express();
        app.get('/a', (req, res) => {
          if (!/^[a-z]+$/.test(req.query.name)) { return res.status(400).end(); }
          cp.exec('ls ' + req.query.name);
          cp.exec('ls ' + req.query.dir);
        });
        module.exports.run = function run(opts) {
          if (!/^[a-z]+$/.test(opts.name)) throw new Error('bad');
          cp.exec('ls ' + opts.name);
          cp.exec('ls ' + opts.dir);
        };
    """
    assert serious_lines("app.js", src, "CWE-78") == [7, 12]


def test_java_pattern_bindings_carry_the_tested_value() -> None:
    src = """\
        import org.springframework.web.bind.annotation.*;
        import org.springframework.jdbc.core.JdbcTemplate;
        @RestController
        public class Q {
          private final JdbcTemplate jdbc;
          Q(JdbcTemplate j) { this.jdbc = j; }
          record Filter(String col, Integer limit) {}
          @PostMapping("/w")
          public Object w(@RequestBody Filter f, @RequestParam Object o) {
            if (f instanceof Filter(String col, Integer limit)) {
              jdbc.queryForList("SELECT " + col + " FROM t");
              jdbc.queryForList("SELECT a FROM t LIMIT " + limit);
            }
            if (o instanceof String s) {
              jdbc.queryForList("SELECT a FROM t WHERE b = '" + s + "'");
            }
            return null;
          }
        }
    """
    found = scan_source("Q.java", textwrap.dedent(src))
    high = sorted(f.start_line for f in found if f.cwe == "CWE-89" and f.severity == "high")
    assert high == [11, 15]  # the Integer component holds no text


def test_flask_uploads_saved_by_their_filename_and_view_args_are_input() -> None:
    src = """\
        import os
        from flask import Flask, request, send_from_directory
        from werkzeug.utils import secure_filename
        app = Flask(__name__)

        @app.post("/up")
        def up():
            f = request.files["doc"]
            f.save(os.path.join("/srv/up", f.filename))
            f.save(os.path.join("/srv/up", secure_filename(f.filename)))
            return send_from_directory("/srv/files", request.args["p"])

        @app.get("/v/<name>")
        def v(name):
            return open(os.path.join("/srv", request.view_args["name"])).read()
    """
    assert serious_lines("app.py", src, "CWE-22") == [9, 15]


def test_inline_parsed_url_checks_follow_the_variable_policy() -> None:
    src = """\
        from flask import Flask, request, redirect
        from urllib.parse import urlparse
        app = Flask(__name__)

        @app.get("/a")
        def a():
            nxt = request.args.get("next", "")
            if urlparse(nxt).netloc or urlparse(nxt).scheme:
                return redirect("/")
            return redirect(nxt)

        @app.get("/b")
        def b():
            nxt = request.args.get("next", "")
            if urlparse(nxt).netloc:
                return redirect("/")
            return redirect(nxt)
    """
    # scheme and host tested: a guard; the host alone is not (javascript:, https:///x)
    assert serious_lines("app.py", src, "CWE-601") == [17]


def test_js_origin_check_guards_redirects_and_host_check_only_requests() -> None:
    src = """\
        const express = require('express');
        const app = express();
        const BASE = 'https://me.example';
        app.get('/a', (req, res) => {
          const u = new URL(req.query.next, BASE);
          if (u.origin !== BASE) return res.sendStatus(400);
          res.redirect(u.href);
        });
        app.get('/b', (req, res) => {
          const u = new URL(req.query.next, BASE);
          if (u.hostname !== 'me.example') return res.sendStatus(400);
          res.redirect(u.href);
        });
    """
    assert serious_lines("app.js", src, "CWE-601") == [12]


def test_responses_with_a_constant_non_html_type_are_no_xss_sinks() -> None:
    py = """\
        from flask import Flask, request, Response, make_response
        from psycopg2 import sql
        app = Flask(__name__)

        @app.get("/a")
        def a(cur):
            q = request.args["q"]
            cur.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(q)))
            if q:
                return Response(q, mimetype="text/plain")
            if len(q) > 3:
                return Response(q, content_type="application/json")
            return make_response(q)
    """
    assert serious_lines("app.py", py, "CWE-79") == [13]
    assert serious_lines("app.py", py, "CWE-89") == []
    js = """\
        const express = require('express');
        const app = express();
        app.get('/a', (req, res) => { res.type('text/plain'); res.send(req.query.q); });
        app.get('/b', (req, res) => {
          res.set('Content-Type', 'application/json'); res.send(req.query.q); });
        app.get('/c', (req, res) => { res.type('html'); res.send(req.query.q); });
        app.get('/d', (req, res) => {
          res.writeHead(200, {'Content-Type': 'text/plain'}); res.end(req.query.q); });
        app.get('/e', (req, res) => res.send(req.query.q));
    """
    assert serious_lines("app.js", js, "CWE-79") == [6, 9]


def test_spring_parameters_bound_as_numbers_hold_no_text() -> None:
    src = """\
        import org.springframework.web.bind.annotation.*;
        import org.springframework.jdbc.core.JdbcTemplate;
        @RestController
        public class H {
          private JdbcTemplate jdbc;
          @GetMapping("/u/{id}")
          public Object u(@PathVariable Long id, @RequestParam String name) {
            jdbc.queryForList("SELECT * FROM t WHERE id = " + id);
            return jdbc.queryForList("SELECT * FROM t WHERE name = '" + name + "'");
          }
        }
    """
    found = scan_source("H.java", textwrap.dedent(src))
    assert sorted(f.start_line for f in found if f.cwe == "CWE-89" and f.severity in SERIOUS) == [9]


def test_python_route_parameters_typed_or_converted_to_numbers_hold_no_text() -> None:
    src = """\
        import sqlite3, uuid
        from typing import Annotated
        from fastapi import FastAPI, Path
        from flask import Flask
        db = sqlite3.connect("x")
        api = FastAPI()
        app = Flask(__name__)

        @api.get("/i/{item_id}")
        def item(item_id: int, u: uuid.UUID, k: Annotated[int, Path()], q: str):
            db.execute(f"SELECT * FROM t WHERE id = {item_id} AND k = {k} AND u = '{u}'")
            return db.execute(f"SELECT * FROM t WHERE q = '{q}'")

        @app.route("/p/<int:pid>/<slug>")
        def p(pid, slug):
            db.execute(f"SELECT * FROM t WHERE id = {pid}")
            return str(db.execute(f"SELECT * FROM t WHERE s = '{slug}'").fetchall())
    """
    assert serious_lines("app.py", src, "CWE-89") == [12, 17]


def test_template_files_rendered_with_autoescape_are_no_xss_sinks() -> None:
    src = """\
        import tornado.web
        from flask import Flask, request, render_template, render_template_string
        app = Flask(__name__)

        class H(tornado.web.RequestHandler):
            def get(self):
                self.write(self.render_string("x.html", n=self.get_argument("n")))
                self.write("<p>%s</p>" % self.get_argument("n"))

        @app.get("/a")
        def a():
            if request.args.get("raw"):
                return render_template_string("<p>" + request.args["q"] + "</p>")
            return render_template("a.html", q=request.args["q"])
    """
    assert serious_lines("app.py", src, "CWE-79") == [8, 13]


def test_a_tokenizers_token_kind_is_no_hard_coded_credential() -> None:
    src = """\
        function tokenBase(stream, state) {
          var token = "keyword";
          if (stream.match(/^\\d+/)) token = "variable-2";
          return token;
        }
        const token = "ghp_1a2B3c4D5e6F7g8H";
    """
    found = scan_source("mode.js", textwrap.dedent(src))
    assert sorted(f.start_line for f in found if f.cwe == "CWE-798") == [6]


def test_jquery_selectors_and_page_reloads_are_no_sinks() -> None:
    src = """\
        window.addEventListener('message', function (e) {
          var d = e.data;
          $("#" + d.id).css("display", "none");
          $(`.item-${d.cls}`).hide();
          $("<div>" + d.html + "</div>").appendTo("body");
          $(d.html).appendTo("body");
          window.location.assign(window.location.href);
          window.location.assign(d.url);
        });
    """
    assert serious_lines("page.js", src, "CWE-79") == [5, 6]
    assert serious_lines("page.js", src, "CWE-601") == [8]
