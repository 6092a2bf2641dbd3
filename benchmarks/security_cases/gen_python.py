# ruff: noqa: E501  (the idiom templates are code as data: one template a line)
"""Generate DevLab's labelled Python security benchmark (vulnerable handler / safe look-alike).

    python benchmarks/security_cases/gen_python.py        # rewrites benchmarks/security_cases/python/

Every case is a small project directory ``python/<id>/`` (``app.py``, sometimes a
``helpers.py`` the handler imports) labelled in ``python/labels.json``: category, CWE,
vulnerable or not, the idioms it was built from and its split. A case is assembled from
independent idiom templates, written before any tuning of the analysis:

* the framework and handler shape: Flask routes (plain, inside an ``init(app)`` factory,
  on a blueprint, a ``MethodView`` class), Django function and class-based views,
  FastAPI and Starlette async handlers, Tornado ``RequestHandler`` methods;
* the request source of that framework (query, form, cookie, header, JSON body, params);
* the flow from source to sink: direct, dict / list / tuple / slicing / ``.get``,
  conditional re-assignment, loops, ``unquote_plus``, every kind of string formatting,
  local helpers, closures, a helper module in another file, and sanitisers that do not
  work (vulnerable) -- or, for the safe look-alikes, constant re-assignment, constant
  folding (``7 * 18 + num > 200``), key- and index-sensitive containers, allow-list
  guards, ``int()``, and the category's working sanitiser;
* the sink: several APIs per category, each with a safe counterpart (parameterised
  query, argument list, defusedxml, ``escape``, ``secure_filename``...).

The split (``tune`` / ``heldout``) is a hash of the case id, fixed before tuning: the
analysis was tuned only on ``tune`` cases; ``heldout`` is reported separately.
The generator is seeded, so the output is the same on every run.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

OUT = Path(__file__).resolve().parent / "python"
PER_SIDE = 24  # vulnerable cases per category, and as many safe ones

CATEGORIES = {
    "cmdi": "CWE-78",
    "sqli": "CWE-89",
    "xxe": "CWE-611",
    "path": "CWE-22",
    "xss": "CWE-79",
    "redirect": "CWE-601",
    "ldap": "CWE-90",
    "xpath": "CWE-643",
    "trust": "CWE-501",
    "weakhash": "CWE-328",
    "weakrand": "CWE-330",
    "cookie": "CWE-614",
    "codeinj": "CWE-95",
    "deser": "CWE-502",
}
#: what a harmless constant of each category looks like
CONST = {
    "cmdi": "localhost",
    "sqli": "alice",
    "xxe": "<note><to>ops</to></note>",
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
#: value names of each category (sources are named after what they carry)
NAMES = {
    "cmdi": ["host", "target", "filename", "pattern"],
    "sqli": ["name", "owner", "email", "tag"],
    "xxe": ["doc", "payload", "xml", "body"],
    "path": ["file", "name", "doc", "attachment"],
    "xss": ["name", "comment", "title", "q"],
    "redirect": ["next", "return_to", "url", "target"],
    "ldap": ["user", "uid", "login", "mail"],
    "xpath": ["user", "title", "name", "sku"],
    "trust": ["role", "user", "cart", "theme"],
    "weakhash": ["password", "token", "api_key", "passwd"],
    "weakrand": ["user", "email", "login", "name"],
    "cookie": ["user", "sid", "pref", "lang"],
    "codeinj": ["expr", "formula", "code", "calc"],
    "deser": ["state", "blob", "data", "profile"],
}


# frameworks -------------------------------------------------------------------------------------
@dataclass
class Framework:
    name: str
    imports: str
    sources: list[str]  # "{n}" is the value's name
    html: str  # "{x}": a response with HTML text x
    redirect: str
    session: str  # "{k}", "{x}"
    cookie: str  # "{x}" value, "{flags}"
    abort: str
    secure_flags: str
    insecure_flags: list[str]
    safe_html: list[str] = field(default_factory=list)
    safe_redirect: str = ""


FLASK = Framework(
    "flask",
    "from flask import Flask, Blueprint, request, redirect, session, make_response, abort, "
    "render_template, render_template_string, url_for, jsonify\n"
    "from flask.views import MethodView\nfrom markupsafe import Markup, escape\n",
    [
        'request.args.get("{n}")',
        'request.form["{n}"]',
        'request.cookies.get("{n}", "")',
        'request.headers.get("X-{n}", "")',
        'request.values.get("{n}", "")',
        'request.get_json()["{n}"]',
        'request.args.to_dict().get("{n}", "")',
    ],
    "return make_response({x})",
    "return redirect({x})",
    'session["{k}"] = {x}',
    'resp = make_response("ok")\nresp.set_cookie("session_id", {x}{flags})\nreturn resp',
    "abort(400)",
    ", secure=True, httponly=True, samesite='Lax'",
    ["", ", secure=False", ", httponly=True", ", secure=True, httponly=False", ", max_age=3600"],
    [
        'return render_template("hello.html", name={v})',
        "return jsonify(value={v})",
        'return make_response("<p>" + str(escape({v})) + "</p>")',
    ],
    'return redirect(url_for("index"))',
)
DJANGO = Framework(
    "django",
    "from django.http import HttpResponse, HttpResponseRedirect, HttpResponseBadRequest, "
    "JsonResponse\nfrom django.shortcuts import redirect, render\nfrom django.urls import path\n"
    "from django.views import View\nfrom django.utils.html import escape\n"
    "from django.utils.http import url_has_allowed_host_and_scheme\n",
    [
        'request.GET.get("{n}")',
        'request.POST["{n}"]',
        'request.COOKIES.get("{n}", "")',
        'request.META.get("HTTP_X_{N}", "")',
        'request.GET.get("{n}", "")',
    ],
    "return HttpResponse({x})",
    "return HttpResponseRedirect({x})",
    'request.session["{k}"] = {x}',
    'resp = HttpResponse("ok")\nresp.set_cookie("sessionid", {x}{flags})\nreturn resp',
    'return HttpResponseBadRequest("bad request")',
    ", secure=True, httponly=True, samesite='Strict'",
    ["", ", secure=False", ", httponly=True", ", secure=True, httponly=False"],
    [
        'return render(request, "hello.html", {{"name": {v}}})',
        "return JsonResponse({{'value': {v}}})",
        'return HttpResponse("<p>%s</p>" % escape({v}))',
    ],
    'return redirect("index")',
)
FASTAPI = Framework(
    "fastapi",
    "from fastapi import FastAPI, APIRouter, Request, HTTPException\n"
    "from fastapi.responses import HTMLResponse, RedirectResponse, Response, JSONResponse\n"
    "from markupsafe import escape\n",
    [
        "{n}",
        'request.query_params.get("{n}", "")',
        'request.headers.get("x-{n}", "")',
        'request.cookies.get("{n}", "")',
    ],
    "return HTMLResponse({x})",
    "return RedirectResponse({x})",
    'request.session["{k}"] = {x}',
    'response = Response("ok")\nresponse.set_cookie(key="session_id", value={x}{flags})\n'
    "return response",
    "raise HTTPException(status_code=400)",
    ", secure=True, httponly=True, samesite='strict'",
    ["", ", secure=False", ", httponly=True", ", secure=True, httponly=False"],
    [
        "return JSONResponse({{'value': {v}}})",
        'return HTMLResponse(f"<p>{{escape({v})}}</p>")',
    ],
    'return RedirectResponse("/")',
)
STARLETTE = Framework(
    "starlette",
    "from starlette.applications import Starlette\nfrom starlette.routing import Route\n"
    "from starlette.responses import HTMLResponse, RedirectResponse, Response, JSONResponse\n"
    "from starlette.exceptions import HTTPException\nimport html\n",
    [
        'request.query_params.get("{n}", "")',
        'request.path_params["{n}"]',
        'request.cookies.get("{n}", "")',
        'request.headers.get("x-{n}", "")',
    ],
    "return HTMLResponse({x})",
    "return RedirectResponse({x})",
    'request.session["{k}"] = {x}',
    'response = Response("ok")\nresponse.set_cookie("session_id", {x}{flags})\nreturn response',
    "raise HTTPException(status_code=400)",
    ", secure=True, httponly=True",
    ["", ", secure=False", ", httponly=True", ", max_age=600"],
    [
        "return JSONResponse({{'value': {v}}})",
        'return HTMLResponse("<p>" + html.escape({v}) + "</p>")',
    ],
    'return RedirectResponse("/")',
)
TORNADO = Framework(
    "tornado",
    "import tornado.web\nimport html\n",
    [
        'self.get_argument("{n}")',
        'self.get_query_argument("{n}", "")',
        'self.get_cookie("{n}", "")',
        'self.request.headers.get("X-{n}", "")',
        'self.get_body_argument("{n}")',
    ],
    "self.write({x})\nreturn",
    "self.redirect({x})\nreturn",
    'self.set_secure_cookie("{k}", {x})',  # tornado has no session object
    'self.set_cookie("session_id", {x}{flags})\nself.write("ok")',
    "raise tornado.web.HTTPError(400)",
    ", secure=True, httponly=True",
    ["", ", secure=False", ", httponly=True"],
    [
        'self.render("hello.html", name={v})',
        "self.write({{'value': {v}}})",
        'self.write("<p>" + html.escape({v}) + "</p>")',
    ],
    'self.redirect("/")\nreturn',
)
FRAMEWORKS = [FLASK, DJANGO, FASTAPI, STARLETTE, TORNADO]


def handler(fw: Framework, shape: str, body: str, rng: random.Random) -> tuple[str, str]:
    """(file text before the handler's body, the whole module) for a handler shape."""
    b8 = textwrap.indent(body, " " * 8)
    b4 = textwrap.indent(body, " " * 4)
    route = (
        f"/{rng.choice(['api', 'app', 'v1', 'admin'])}/{rng.choice(['run', 'view', 'item', 'do'])}"
    )
    if fw.name == "flask":
        if shape == "factory":
            return (
                "app = Flask(__name__)\n\n\ndef init(app):\n"
                f'    @app.route("{route}", methods=["GET", "POST"])\n    def handle():\n{b8}\n\n'
                "    return app\n\n\ninit(app)\n"
            ), shape
        if shape == "blueprint":
            return (
                f'bp = Blueprint("bp", __name__)\n\n\n@bp.route("{route}", methods=["POST"])\n'
                f"def handle():\n{b4}\n"
            ), shape
        if shape == "class":
            return (
                "app = Flask(__name__)\n\n\nclass ItemView(MethodView):\n    def post(self):\n"
                f'{b8}\n\n\napp.add_url_rule("{route}", view_func=ItemView.as_view("item"))\n'
            ), shape
        return f'app = Flask(__name__)\n\n\n@app.route("{route}")\ndef handle():\n{b4}\n', "plain"
    if fw.name == "django":
        if shape == "class":
            return (
                f"class ItemView(View):\n    def get(self, request):\n{b8}\n\n\n"
                f'urlpatterns = [path("{route[1:]}/", ItemView.as_view())]\n'
            ), shape
        return (
            f'def handle(request):\n{b4}\n\n\nurlpatterns = [path("{route[1:]}/", handle)]\n',
            "function",
        )
    if fw.name == "fastapi":
        if shape == "router":
            return (
                "router = APIRouter()\n\n\n"
                f'@router.post("{route}")\nasync def handle(request: Request, {{n}}: str = ""):\n'
                f"{b4}\n"
            ), shape
        return (
            "app = FastAPI()\n\n\n"
            f'@app.get("{route}")\nasync def handle(request: Request, {{n}}: str = ""):\n{b4}\n'
        ), "async"
    if fw.name == "starlette":
        return (
            f"async def handle(request):\n{b4}\n\n\n"
            f'app = Starlette(routes=[Route("{route}", handle)])\n'
        ), "async"
    return (
        f"class ItemHandler(tornado.web.RequestHandler):\n    def get(self):\n{b8}\n\n\n"
        f'app = tornado.web.Application([(r"{route}", ItemHandler)])\n'
    ), "class"


SHAPES = {
    "flask": ["plain", "factory", "factory", "blueprint", "class"],
    "django": ["function", "class"],
    "fastapi": ["async", "router"],
    "starlette": ["async"],
    "tornado": ["class"],
}


# sinks: (imports, module-level setup, body); "{v}" is the variable ---------------------------
Sink = tuple[str, str, str]
SQL_SETUP = 'conn = sqlite3.connect("app.db")\n'


def sinks(cat: str, fw: Framework, vulnerable: bool) -> list[Sink]:
    """The sink variants of a category: vulnerable ones, or their safe counterparts."""
    if cat == "cmdi":
        return (
            [
                ("import os", "", 'os.system(f"ping -c 1 {{v}}")\nreturn_value = "sent"'),
                (
                    "import subprocess",
                    "",
                    'out = subprocess.check_output("nslookup " + {v}, shell=True)',
                ),
                ("import os", "", 'out = os.popen("grep {} /var/log/app.log".format({v})).read()'),
                (
                    "import subprocess",
                    "",
                    'subprocess.run(["sh", "-c", "tar czf /tmp/b.tgz %s" % {v}])',
                ),
                (
                    "import subprocess",
                    "",
                    'cmd = "convert " + {v} + " out.png"\nsubprocess.Popen(cmd, shell=True).wait()',
                ),
            ]
            if vulnerable
            else [
                (
                    "import subprocess",
                    "",
                    'out = subprocess.run(["ping", "-c", "1", {v}], capture_output=True)',
                ),
                ("import os, shlex", "", 'os.system("ping -c 1 " + shlex.quote({v}))'),
                (
                    "import subprocess, shlex",
                    "",
                    'out = subprocess.check_output(f"nslookup {shlex.quote({v})}", shell=True)',
                ),
                (
                    "import subprocess",
                    "",
                    'out = subprocess.check_output(["grep", "--", {v}, "/var/log/app.log"])',
                ),
            ]
        )
    if cat == "sqli":
        return (
            [
                (
                    "import sqlite3",
                    SQL_SETUP,
                    "rows = conn.execute(f\"SELECT * FROM users WHERE name = '{{v}}'\").fetchall()",
                ),
                (
                    "import sqlite3",
                    SQL_SETUP,
                    "cur = conn.cursor()\ncur.execute(\"SELECT id FROM items WHERE owner = '%s'\" % {v})\nrows = cur.fetchall()",
                ),
                (
                    "import sqlite3",
                    SQL_SETUP,
                    'q = "UPDATE accounts SET nick = \'" + {v} + "\' WHERE id = 1"\nconn.executescript(q)',
                ),
                (
                    "import sqlite3",
                    SQL_SETUP,
                    "sql = \"SELECT * FROM logs WHERE tag = '{}'\".format({v})\nrows = conn.execute(sql).fetchall()",
                ),
                (
                    "from sqlalchemy import text\nfrom db import engine",
                    "",
                    'with engine.connect() as c:\n    rows = c.execute(text("DELETE FROM t WHERE email = \'" + {v} + "\'"))',
                ),
            ]
            if vulnerable
            else [
                (
                    "import sqlite3",
                    SQL_SETUP,
                    'rows = conn.execute("SELECT * FROM users WHERE name = ?", ({v},)).fetchall()',
                ),
                (
                    "import sqlite3",
                    SQL_SETUP,
                    'cur = conn.cursor()\ncur.execute("SELECT id FROM items WHERE owner = ?", [{v}])\nrows = cur.fetchall()',
                ),
                (
                    "from sqlalchemy import text\nfrom db import engine",
                    "",
                    'with engine.connect() as c:\n    rows = c.execute(text("DELETE FROM t WHERE email = :e"), {"e": {v}})',
                ),
                (
                    "import sqlite3",
                    SQL_SETUP,
                    'sql = "SELECT * FROM logs WHERE tag = ?"\nrows = conn.execute(sql, ({v},)).fetchall()',
                ),
            ]
        )
    if cat == "xxe":
        return (
            [
                (
                    "from lxml import etree",
                    "",
                    "parser = etree.XMLParser(resolve_entities=True)\ntree = etree.fromstring({v}.encode(), parser)",
                ),
                (
                    "from lxml import etree",
                    "",
                    "tree = etree.fromstring({v}, etree.XMLParser(no_network=False, resolve_entities=True))",
                ),
                (
                    "import io, xml.sax\nfrom xml.sax.handler import feature_external_ges",
                    "",
                    "p = xml.sax.make_parser()\np.setFeature(feature_external_ges, True)\np.parse(io.StringIO({v}))",
                ),
                (
                    "import io\nimport lxml.etree",
                    "",
                    "tree = lxml.etree.parse(io.BytesIO({v}.encode()), lxml.etree.XMLParser(load_dtd=True, resolve_entities=True))",
                ),
                (
                    "import xml.dom.pulldom, xml.sax\nfrom xml.sax.handler import feature_external_ges",
                    "",
                    "parser = xml.sax.make_parser()\nparser.setFeature(feature_external_ges, True)\nevents = xml.dom.pulldom.parseString({v}, parser)",
                ),
            ]
            if vulnerable
            else [
                (
                    "import defusedxml.ElementTree",
                    "",
                    "tree = defusedxml.ElementTree.fromstring({v})",
                ),
                (
                    "from lxml import etree",
                    "",
                    "tree = etree.fromstring({v}.encode(), etree.XMLParser(resolve_entities=False, no_network=True))",
                ),
                (
                    "import io, xml.sax\nfrom xml.sax.handler import feature_external_ges",
                    "",
                    "p = xml.sax.make_parser()\np.setFeature(feature_external_ges, False)\np.parse(io.StringIO({v}))",
                ),
                ("import xml.etree.ElementTree as ET", "", "tree = ET.fromstring({v})"),
                (
                    "from lxml import etree",
                    'TEMPLATE = "<config><mode>safe</mode></config>"\n',
                    "parser = etree.XMLParser(resolve_entities=True)\ntree = etree.fromstring(TEMPLATE, parser)\nlabel = {v}",
                ),
            ]
        )
    if cat == "path":
        return (
            [
                (
                    "import os",
                    'BASE = "/srv/files"\n',
                    "data = open(os.path.join(BASE, {v})).read()",
                ),
                (
                    "import codecs",
                    'BASE = "/srv/files"\n',
                    'data = codecs.open(f"{BASE}/{{v}}", encoding="utf-8").read()',
                ),
                (
                    "import pathlib",
                    'BASE = "/srv/files"\n',
                    "data = pathlib.Path(BASE, {v}).read_text()",
                ),
                ("", "", 'with open("/srv/uploads/%s" % {v}, "rb") as fh:\n    data = fh.read()'),
                (
                    "import os",
                    'UPLOADS = "/srv/uploads"\n',
                    "os.remove(os.path.join(UPLOADS, {v}))\ndata = 'removed'",
                ),
                (
                    "import shutil, os",
                    'BASE = "/srv/files"\n',
                    'shutil.copy(os.path.join(BASE, {v}), "/tmp/out")\ndata = "copied"',
                ),
            ]
            if vulnerable
            else [
                (
                    "import os\nfrom werkzeug.utils import secure_filename",
                    'BASE = "/srv/files"\n',
                    "data = open(os.path.join(BASE, secure_filename({v}))).read()",
                ),
                (
                    "import os",
                    'BASE = "/srv/files"\n',
                    "data = open(os.path.join(BASE, os.path.basename({v}))).read()",
                ),
                (
                    "import os",
                    'BASE = "/srv/files"\n',
                    "full = os.path.realpath(os.path.join(BASE, {v}))\nif not full.startswith(BASE + os.sep):\n    raise ValueError('outside')\ndata = open(full).read()",
                ),
                (
                    "import pathlib, logging",
                    'BASE = "/srv/files"\n',
                    'logging.info("asked for %s", {v})\ndata = pathlib.Path(BASE, "report.txt").read_text()',
                ),
            ]
        )
    if cat == "xss":
        html = fw.html
        vul = [
            ("", "", html.format(x='f"<p>Hello {{v}}</p>"')),
            ("", "", html.format(x='"<div class=\\"c\\">" + {v} + "</div>"')),
            ("", "", 'page = "<h1>%s</h1>" % {v}\n' + html.format(x="page")),
            ("", "", 'page = "<ul><li>{}</li></ul>".format({v})\n' + html.format(x="page")),
        ]
        if fw.name == "flask":
            vul.append(("", "", 'return render_template_string("<p>" + {v} + "</p>")'))
            vul.append(("", "", 'return Markup("<b>%s</b>" % {v})'))
        safe = [("", "", s.format(v="{v}")) for s in fw.safe_html]
        safe.append(
            (
                "import logging",
                "",
                'logging.info("visit %s", {v})\n' + html.format(x='"<p>Hello</p>"'),
            )
        )
        return vul if vulnerable else safe
    if cat == "redirect":
        r = fw.redirect
        vul = [
            ("", "", r.format(x="{v}")),
            ("", "", r.format(x='f"https://{{v}}/login"')),
            ("", "", "dest = {v} + '?from=login'\n" + r.format(x="dest")),
            ("import urllib.parse", "", "dest = urllib.parse.unquote({v})\n" + r.format(x="dest")),
        ]
        safe = [
            ("", "", "label = {v}\n" + fw.safe_redirect),
            (
                "",
                'ALLOWED_TARGETS = {"/home", "/profile", "/settings"}\n',
                "dest = {v} if {v} in ALLOWED_TARGETS else '/home'\n" + r.format(x="dest"),
            ),
            ("import urllib.parse", "", r.format(x='"/search?q=" + urllib.parse.quote({v})')),
            ("", "", r.format(x='f"/profile?tab={{v}}"')),
        ]
        if fw.name == "django":
            safe.append(
                (
                    "",
                    "",
                    "dest = {v}\nif not url_has_allowed_host_and_scheme(dest, allowed_hosts={'example.org'}):\n    dest = '/'\n"
                    + r.format(x="dest"),
                )
            )
        return vul if vulnerable else safe
    if cat == "ldap":
        return (
            [
                (
                    "import ldap",
                    'conn = ldap.initialize("ldap://ldap.example.org")\n',
                    'res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={{v}})")',
                ),
                (
                    "import ldap3",
                    'server = ldap3.Server("ldap.example.org")\n',
                    'c = ldap3.Connection(server, auto_bind=True)\nc.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + {v} + "))")\nres = c.entries',
                ),
                (
                    "import ldap",
                    'conn = ldap.initialize("ldap://ldap.example.org")\nBASE_DN = "ou=people,dc=example,dc=org"\n',
                    'flt = "(mail=%s)" % {v}\nres = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt)',
                ),
                (
                    "import ldap",
                    'conn = ldap.initialize("ldap://ldap.example.org")\n',
                    'res = conn.search_ext_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(sAMAccountName={})".format({v}))',
                ),
            ]
            if vulnerable
            else [
                (
                    "import ldap\nfrom ldap.filter import escape_filter_chars",
                    'conn = ldap.initialize("ldap://ldap.example.org")\n',
                    'res = conn.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars({v})})")',
                ),
                (
                    "import ldap3\nfrom ldap3.utils.conv import escape_filter_chars",
                    'server = ldap3.Server("ldap.example.org")\n',
                    'c = ldap3.Connection(server, auto_bind=True)\nc.search("dc=example,dc=org", "(&(objectClass=person)(cn=" + escape_filter_chars({v}) + "))")\nres = c.entries',
                ),
                (
                    "import ldap\nimport ldap.filter",
                    'conn = ldap.initialize("ldap://ldap.example.org")\nBASE_DN = "ou=people,dc=example,dc=org"\n',
                    'flt = ldap.filter.filter_format("(mail=%s)", [{v}])\nres = conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, flt)',
                ),
            ]
        )
    if cat == "xpath":
        return (
            [
                (
                    "from lxml import etree",
                    'TREE = etree.parse("users.xml")\n',
                    "res = TREE.xpath(f\"//user[@name='{{v}}']/@role\")",
                ),
                (
                    "from lxml import etree",
                    'TREE = etree.parse("books.xml")\n',
                    'res = TREE.xpath("//book[title=\'" + {v} + "\']/price/text()")',
                ),
                (
                    "from lxml import etree",
                    'TREE = etree.parse("users.xml")\n',
                    "find = etree.XPath(\"//u[@id='%s']\" % {v})\nres = find(TREE)",
                ),
                (
                    "from lxml import etree",
                    'ROOT = etree.parse("stock.xml").getroot()\n',
                    "res = ROOT.xpath(\"//item[sku='{}']\".format({v}))",
                ),
            ]
            if vulnerable
            else [
                (
                    "from lxml import etree",
                    'TREE = etree.parse("users.xml")\n',
                    'res = TREE.xpath("//user[@name=$name]/@role", name={v})',
                ),
                (
                    "from lxml import etree",
                    'TREE = etree.parse("users.xml")\n',
                    'find = etree.XPath("//u[@id=$id]")\nres = find(TREE, id={v})',
                ),
                (
                    "from lxml import etree",
                    'ROOT = etree.parse("stock.xml").getroot()\n',
                    'res = ROOT.xpath("//item[sku=$s]", s={v})',
                ),
            ]
        )
    if cat == "trust":
        s = fw.session
        return (
            [
                ("", "", s.format(k="user", x="{v}")),
                ("", "", s.format(k="role", x='"role:" + {v}')),
                ("", "", "entry = {v}\n" + s.format(k="cart", x="entry")),
            ]
            if vulnerable
            else [
                (
                    "import logging",
                    "",
                    'logging.info("asked %s", {v})\n' + s.format(k="user", x='"guest"'),
                ),
                ("", "", s.format(k="visits", x="str(len({v}))")),
            ]
        )
    if cat == "weakhash":
        return (
            [
                ("import hashlib", "", "digest = hashlib.md5({v}.encode()).hexdigest()"),
                ("import hashlib", "", "digest = hashlib.sha1({v}.encode('utf-8')).hexdigest()"),
                ("import hashlib", "", 'digest = hashlib.new("md5", {v}.encode()).hexdigest()'),
                (
                    "import hashlib",
                    "",
                    "h = hashlib.sha1()\nh.update({v}.encode())\ndigest = h.hexdigest()",
                ),
                ("from hashlib import md5", "", "digest = md5({v}.encode()).hexdigest()"),
            ]
            if vulnerable
            else [
                ("import hashlib", "", "digest = hashlib.sha256({v}.encode()).hexdigest()"),
                (
                    "import hashlib",
                    "",
                    'digest = hashlib.pbkdf2_hmac("sha256", {v}.encode(), b"salt-value", 200_000).hex()',
                ),
                ("import hashlib", "", "digest = hashlib.blake2b({v}.encode()).hexdigest()"),
                ("import hashlib", "", 'digest = hashlib.new("sha512", {v}.encode()).hexdigest()'),
                ("import hashlib", "", "digest = hashlib.sha3_256({v}.encode()).hexdigest()"),
            ]
        )
    if cat == "weakrand":
        s = fw.session
        return (
            [
                (
                    "import random, string",
                    "",
                    'token = "".join(random.choice(string.ascii_letters) for _ in range(32))\n'
                    + s.format(k="csrf", x="token"),
                ),
                (
                    "import random",
                    "",
                    "reset_code = str(random.randint(100000, 999999))\n"
                    + s.format(k="reset", x="reset_code"),
                ),
                (
                    "import random",
                    "",
                    "session_key = '%x' % random.getrandbits(64)\n"
                    + s.format(k="sid", x="session_key"),
                ),
                (
                    "import random",
                    "",
                    "nonce = str(random.random())[2:]\n" + s.format(k="nonce", x="nonce"),
                ),
            ]
            if vulnerable
            else [
                (
                    "import secrets",
                    "",
                    "token = secrets.token_urlsafe(32)\n" + s.format(k="csrf", x="token"),
                ),
                (
                    "import secrets",
                    "",
                    "reset_code = str(secrets.randbelow(900000) + 100000)\n"
                    + s.format(k="reset", x="reset_code"),
                ),
                (
                    "import random",
                    "",
                    "session_key = '%x' % random.SystemRandom().getrandbits(64)\n"
                    + s.format(k="sid", x="session_key"),
                ),
                (
                    "import os",
                    "",
                    "nonce = os.urandom(16).hex()\n" + s.format(k="nonce", x="nonce"),
                ),
                (
                    "import random, time",
                    "",
                    "time.sleep(random.uniform(0.01, 0.05))  # jitter, not a secret\n"
                    + s.format(k="seen", x='"1"'),
                ),
            ]
        )
    if cat == "cookie":
        return [
            ("", "", fw.cookie.format(x="{v}", flags=f))
            for f in (fw.insecure_flags if vulnerable else [fw.secure_flags])
        ]
    if cat == "codeinj":
        return (
            [
                ("", "", "result = eval({v})"),
                ("", "", 'scope = {}\nexec(f"result = {{v}}", scope)\nresult = scope["result"]'),
                ("", "", 'result = eval("2 * (" + {v} + ")")'),
                ("", "", 'code = compile({v}, "<calc>", "eval")\nresult = eval(code)'),
            ]
            if vulnerable
            else [
                ("import ast", "", "result = ast.literal_eval({v})"),
                ("import json", "", "result = json.loads({v})"),
                (
                    "import operator",
                    'OPS = {"add": operator.add, "mul": operator.mul}\n',
                    "result = OPS.get({v}, operator.add)(2, 3)",
                ),
                ("", "", 'result = eval("2 * 21")\nlabel = {v}'),
            ]
        )
    if cat == "deser":
        return (
            [
                ("import pickle, base64", "", "obj = pickle.loads(base64.b64decode({v}))"),
                ("import yaml", "", "obj = yaml.load({v}, Loader=yaml.Loader)"),
                ("import yaml", "", "obj = yaml.unsafe_load({v})"),
                ("import marshal", "", "obj = marshal.loads(bytes.fromhex({v}))"),
                ("import jsonpickle", "", "obj = jsonpickle.decode({v})"),
            ]
            if vulnerable
            else [
                ("import json", "", "obj = json.loads({v})"),
                ("import yaml", "", "obj = yaml.safe_load({v})"),
                ("import yaml", "", "obj = yaml.load({v}, Loader=yaml.SafeLoader)"),
                ("import base64, json", "", "obj = json.loads(base64.b64decode({v}))"),
            ]
        )
    raise KeyError(cat)


# flows: (imports, module-level setup, body lines); "{S}" source, "{v}" variable ---------------
Flow = tuple[str, str, str]
TAINTED_FLOWS: dict[str, Flow] = {
    "direct": ("", "", "{v} = {S}"),
    "dict": ("", "", 'data = {"value": {S}, "mode": "x"}\n{v} = data["value"]'),
    "dict_get": ("", "", 'params = {"q": {S}}\n{v} = params.get("q", "")'),
    "list": ("", "", "items = [{S}]\n{v} = items[0]"),
    "tuple": ("", "", 'pair = ("x", {S})\n_, {v} = pair'),
    "slice": ("", "", "{v} = {S}[:128]"),
    "conditional": ("", "", '{v} = {S}\nif not {v}:\n    {v} = "{C}"'),
    "unquote": ("import urllib.parse", "", "{v} = urllib.parse.unquote_plus({S})"),
    "methods": ("", "", "{v} = {S}.strip().lower()"),
    "local_helper": ("", "def normalise(s):\n    return s.strip()\n", "{v} = normalise({S})"),
    "loop": (
        "",
        "",
        'parts = []\nfor p in {S}.split(","):\n    parts.append(p.strip())\n{v} = ",".join(parts)',
    ),
    "format": ("", "", '{v} = "{}".format({S})'),
    "percent": ("", "", '{v} = "%s" % ({S},)'),
    "closure": ("", "", "def read():\n    return {S}\n\n{v} = read()"),
    "concat": ("", "", 'raw = {S}\n{v} = "" + raw'),
    "walrus_len": ("", "", "if len(raw := {S}) > 0:\n    pass\n{v} = raw"),
    # Python 3.12 (PEP 701): the same quotes inside an f-string's replacement field
    "fstring_312": ("", "", '{v} = f"{{S}}"'),
    "generic_helper_312": ("", "def first[T](x: T) -> T:\n    return x\n", "{v} = first({S})"),
}
#: sanitisers that do not work for the category (the data stays dangerous)
BROKEN: dict[str, str] = {
    "cmdi": '{v} = {S}.replace(";", "")',
    "sqli": '{v} = {S}.replace("--", "")',
    "path": '{v} = {S}.replace("../", "")',
    "xss": '{v} = {S}.replace("<script>", "")',
    "redirect": '{v} = {S}\nif not {v}.startswith(("http://", "https://")):\n    {v} = "https://" + {v}',
    "ldap": '{v} = {S}.replace("*", "")',
    "xpath": "{v} = {S}.replace('\"', '')",
    "codeinj": '{v} = {S}\nif "import" in {v}:\n    {v} = {v}.replace("import", "")',
    "deser": "{v} = {S}.strip()",
    "trust": "{v} = {S}.strip()[:64]",
}
SAFE_FLOWS: dict[str, Flow] = {
    "const_reassign": ("", "", '{v} = {S}\n{v} = "{C}"'),
    "const_fold": ("", "", 'num = 106\n{v} = "{C}" if (7 * 18) + num > 200 else {S}'),
    "dict_key": ("", "", 'd = {"safe": "{C}", "user": {S}}\n{v} = d["safe"]'),
    "list_index": ("", "", 'vals = ["{C}", {S}]\n{v} = vals[0]'),
    "allow_list": (
        "",
        'ALLOWED = {"{C}", "other"}\n',
        "{v} = {S}\nif {v} not in ALLOWED:\n    {A}",
    ),
    "int": ("", "", "{v} = str(int({S}))"),
    "map_lookup": ("", 'CHOICES = {"a": "{C}", "b": "other"}\n', '{v} = CHOICES.get({S}, "{C}")'),
    "helper_const": ("", 'def pick(raw):\n    return "{C}"\n', "{v} = pick({S})"),
    "branch_const": ("", "", '{v} = {S}\nif True:\n    {v} = "{C}"'),
}
#: working sanitisers as a flow (category -> imports, body)
SANITISERS: dict[str, list[tuple[str, str]]] = {
    "cmdi": [("import shlex", "{v} = shlex.quote({S})")],
    "sqli": [("", "{v} = {S}\nif not {v}.isalnum():\n    {A}")],
    "path": [
        ("from werkzeug.utils import secure_filename", "{v} = secure_filename({S})"),
        ("import os", "{v} = os.path.basename({S})"),
    ],
    "xss": [("import html", "{v} = html.escape({S})")],
    "redirect": [
        (
            "",
            '{v} = {S}\nif not {v}.startswith("/") or {v}.startswith("//") or "\\\\" in {v}:\n    {v} = "/"',
        ),
    ],
    "ldap": [
        ("from ldap3.utils.conv import escape_filter_chars", "{v} = escape_filter_chars({S})")
    ],
    "xpath": [("import re", '{v} = {S}\nif not re.fullmatch(r"[A-Za-z0-9_]+", {v}):\n    {A}')],
    "trust": [("", '{v} = {S}\nif {v} not in ("guest", "viewer"):\n    {A}')],
    "codeinj": [("", '{v} = {S}\nif {v} not in ("1 + 1", "2 * 3"):\n    {A}')],
}
SERVER_SIDE = {"cmdi", "sqli", "xxe", "path", "ldap", "xpath", "codeinj", "deser", "weakhash"}
OK_RETURN = {
    "flask": 'return "ok"',
    "django": 'return HttpResponse("ok")',
    "fastapi": 'return {"ok": True}',
    "starlette": 'return JSONResponse({"ok": True})',
    "tornado": 'self.write("ok")',
}
CONFIG_ONLY = {"weakhash", "weakrand", "cookie"}


def fill(text: str, **kw: str) -> str:
    """Replace ``{S}``, ``{v}``, ``{C}``, ``{A}`` placeholders (plain replace: the code
    keeps every other brace)."""
    if "v" in kw:
        text = text.replace("{{v}}", "{" + kw["v"] + "}")
    for k, val in kw.items():
        text = text.replace("{" + k + "}", val)
    return text


def build_case(cat: str, vulnerable: bool, rng: random.Random) -> tuple[dict[str, str], dict]:
    """One case: its files and its label."""
    pool = [f for f in FRAMEWORKS if not (cat == "trust" and f.name == "tornado")]
    fw = FLASK if rng.random() < 0.3 else rng.choice(pool)
    shape = rng.choice(SHAPES[fw.name])
    name = rng.choice(NAMES[cat])
    src = rng.choice(fw.sources).replace("{n}", name).replace("{N}", name.upper())
    const = CONST[cat]
    abort = fw.abort
    helper_module = rng.random() < 0.25
    imports: list[str] = []
    setup: list[str] = []
    # choose flow + sink
    safe_kind = ""
    if vulnerable or cat in CONFIG_ONLY or rng.random() < 0.5:
        sink_imp, sink_setup, sink_body = rng.choice(sinks(cat, fw, vulnerable))
        if vulnerable and cat in BROKEN and rng.random() < 0.2:
            flow_name, (f_imp, f_setup, f_body) = "broken_sanitiser", ("", "", BROKEN[cat])
        else:
            flow_name = rng.choice(list(TAINTED_FLOWS))
            f_imp, f_setup, f_body = TAINTED_FLOWS[flow_name]
        safe_kind = "" if vulnerable else "safe_sink"
    else:
        choices = [s for s in sinks(cat, fw, True) if "render_template_string" not in s[2]]
        sink_imp, sink_setup, sink_body = rng.choice(choices)
        options = list(SAFE_FLOWS) + ["sanitiser"] * (2 if cat in SANITISERS else 0)
        flow_name = rng.choice(options)
        if flow_name == "sanitiser":
            f_imp, f_body = rng.choice(SANITISERS[cat])
            f_setup = ""
        else:
            f_imp, f_setup, f_body = SAFE_FLOWS[flow_name]
        safe_kind = "safe_flow"
    var = name
    flow = fill(f_body, S=src, v=var, C=const, A=abort.replace("\n", "\n    "))
    sink = fill(sink_body, v=var)
    sink_imp = fill(sink_imp, v=var)
    files: dict[str, str] = {}
    if helper_module and cat in SERVER_SIDE:
        # the sink lives in a helper module of the project
        fn = rng.choice(["process", "run_lookup", "handle_value", "do_work"])
        last = sink.strip().splitlines()[-1]
        result = (
            last.split("=", 1)[0].strip() if "=" in last and not last.startswith(" ") else "None"
        )
        if not result.isidentifier():
            result = "None"
        helper = (
            "\n".join(x for x in (sink_imp,) if x)
            + ("\n\n" + fill(sink_setup, v=var) if sink_setup else "")
            + f"\n\n\ndef {fn}({var}):\n"
            + textwrap.indent(sink, "    ")
            + f"\n    return {result}\n"
        )
        files["helpers.py"] = helper.lstrip("\n")
        imports += [f"from helpers import {fn}", f_imp]
        setup.append(fill(f_setup, C=const))
        body = flow + f"\nout = {fn}({var})\n" + OK_RETURN[fw.name]
    elif helper_module:
        # the flow lives in a helper module
        helper = (
            "\n".join(x for x in (f_imp,) if x)
            + ("\n\n" + fill(f_setup, C=const) if f_setup else "")
            + "\n\n\ndef prepare(raw):\n"
            + textwrap.indent(
                fill(f_body, S="raw", v="value", C=const, A="raise ValueError('bad value')"), "    "
            )
            + "\n    return value\n"
        )
        files["helpers.py"] = helper.lstrip("\n")
        imports.append("from helpers import prepare")
        imports.append(sink_imp)
        setup.append(fill(sink_setup, v=var))
        body = f"{var} = prepare({src})\n" + sink
        f_imp = ""
    else:
        imports += [f_imp, sink_imp]
        setup += [fill(f_setup, C=const), fill(sink_setup, v=var)]
        body = flow + "\n" + sink
    needs_return = "return" not in sink or (helper_module and cat in SERVER_SIDE)
    if needs_return and not body.rstrip().endswith(OK_RETURN[fw.name]):
        body += "\n" + OK_RETURN[fw.name]
    if helper_module:
        imports.append(f_imp)
    head, shape = handler(fw, shape, body, rng)
    head = head.replace("{n}", name if src == name else "q")
    if rng.random() < 0.15:
        setup.append("type Headers = dict[str, str]  # Python 3.12 type statement")
    module = (
        "\n".join(sorted({i for i in [fw.imports.strip(), *imports] if i}))
        + "\n\n"
        + "".join(s + "\n" for s in setup if s)
        + "\n"
        + head
    )
    files["app.py"] = module
    label = {
        "category": cat,
        "cwe": CATEGORIES[cat],
        "vulnerable": vulnerable,
        "framework": fw.name,
        "shape": shape,
        "flow": flow_name,
        "helper_module": helper_module,
        "safe_kind": safe_kind,
    }
    return files, label


def split_of(case_id: str) -> str:
    """``tune`` or ``heldout``: fixed by a hash of the id, before any tuning."""
    return "heldout" if hashlib.sha256(case_id.encode()).digest()[0] % 2 else "tune"


def main() -> int:
    rng = random.Random(17)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    labels: dict[str, dict] = {}
    for cat in CATEGORIES:
        for vulnerable in (True, False):
            for i in range(PER_SIDE):
                case_id = f"{cat}-{'vuln' if vulnerable else 'safe'}-{i:02d}"
                files, label = build_case(cat, vulnerable, rng)
                d = OUT / case_id
                d.mkdir()
                for fname, text in files.items():
                    (d / fname).write_text(text, encoding="utf-8")
                label["split"] = split_of(case_id)
                labels[case_id] = label
    (OUT / "labels.json").write_text(json.dumps(labels, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(labels)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
