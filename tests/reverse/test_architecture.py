"""Module graph, class diagram, call graph and service detection on real indexed code."""

from __future__ import annotations

from pathlib import Path

import pytest

from devlab.codebase.ingest import ingest_source
from devlab.reverse.architecture import call_graph, class_diagram, module_graph, parse_bases
from devlab.reverse.services import detect_services
from helpers import write_tree

APP = {
    "app/__init__.py": "from .core import run\n",
    "app/core.py": "from . import util\nfrom .db import models\n\n\n"
    "def run():\n    return util.helper()\n",
    "app/util.py": "import os\nfrom app.db.models import Base\n\n\n"
    "def helper():\n    return os.sep\n",
    "app/db/__init__.py": "",
    "app/db/models.py": "from ..util import helper\n\n\nclass Base:\n    pass\n",
    "web/index.js": "const u = require('./lib/util');\nimport x from 'express';\n",
    "web/lib/util.js": "module.exports = {};\n",
    "web/lib/index.ts": "import { y } from './other.js';\n",
    "web/lib/other.ts": "export const y = 1;\n",
}


def _ingest(bench, tmp_path: Path, files: dict[str, str], name: str = "p") -> str:
    ingest_source(
        bench.db, bench.settings, name=name, source=str(write_tree(tmp_path / name, files))
    )
    return name


def test_relative_imports_resolve_to_project_files(bench, tmp_path):
    g = module_graph(bench.db, _ingest(bench, tmp_path, APP))
    edges = {(e.source, e.target) for e in g.edges}
    assert ("app", "app/core") in edges  # from .core import run, in a package __init__
    assert ("app/core", "app/util") in edges  # from . import util
    assert ("app/core", "app/db/models") in edges  # from .db import models
    assert ("app/db/models", "app/util") in edges  # from ..util import helper
    assert ("app/util", "app/db/models") in edges  # absolute, package root
    assert ("app/util", "ext:os") in edges
    assert g.node("ext:os").kind == "external"
    assert ("web", "web/lib/util") in edges  # web/index.js is web; require('./lib/util')
    assert ("web/lib", "web/lib/other") in edges  # TS ESM './other.js' is other.ts
    assert ("web", "ext:express") in edges


def test_cycle_detected_and_metrics_exact(bench, tmp_path):
    g = module_graph(bench.db, _ingest(bench, tmp_path, APP), external=False)
    assert ["app/db/models", "app/util"] in g.cycles
    util = g.node("app/util")  # imported by core, models; imports models
    assert (util.fan_in, util.fan_out) == (2, 1)
    assert util.instability == pytest.approx(1 / 3, abs=1e-3)
    core = g.node("app/core")  # imported by app; imports util, models
    assert (core.fan_in, core.fan_out, core.instability) == (1, 2, pytest.approx(2 / 3, abs=1e-3))
    assert not any(n.kind == "external" for n in g.nodes)


def test_scope_and_depth_collapse(bench, tmp_path):
    name = _ingest(bench, tmp_path, APP)
    scoped = module_graph(bench.db, name, scope="app/db", external=False)
    assert {n.id for n in scoped.nodes} == {"app/db", "app/db/models"}
    collapsed = module_graph(bench.db, name, depth=1, external=False)
    assert {n.id for n in collapsed.nodes} == {"app", "web"}
    assert collapsed.node("app").kind == "package" and collapsed.node("app").files == 5
    deeper = module_graph(bench.db, name, scope="app", depth=1, external=False)
    assert "app/db" in {n.id for n in deeper.nodes}


def test_java_and_go_imports_by_package(bench, tmp_path):
    files = {
        "src/com/acme/App.java": "package com.acme;\nimport com.acme.util.Strings;\n"
        "public class App {}\n",
        "src/com/acme/util/Strings.java": "package com.acme.util;\npublic class Strings {}\n",
        "cmd/main.go": 'package main\nimport "example.com/m/lib"\nfunc main() { lib.F() }\n',
        "lib/lib.go": "package lib\nfunc F() {}\n",
    }
    g = module_graph(bench.db, _ingest(bench, tmp_path, files))
    edges = {(e.source, e.target) for e in g.edges}
    assert ("src/com/acme/App", "src/com/acme/util/Strings") in edges
    assert ("cmd", "lib") in edges


def test_inheritance_python_java_ts(bench, tmp_path):
    assert parse_bases("class A(b.Base, Mixin, metaclass=M)", "python") == (["b.Base", "Mixin"], [])
    assert parse_bases("class A<T> extends B<T> implements C, D<T>", "typescript") == (
        ["B"],
        ["C", "D"],
    )
    files = {
        "m.py": "class Base:\n    pass\n\n\nclass Engine:\n    pass\n\n\n"
        "class Car(Base):\n    engine: Engine\n\n    def drive(self):\n        pass\n",
        "Shape.java": "public class Shape {}\n",
        "Circle.java": "public class Circle extends Shape implements Drawable {\n"
        "    private Point center;\n    public double area() { return 0; }\n}\n",
        "Point.java": "public class Point {}\n",
        "a.ts": "class Animal {}\nexport class Dog extends Animal {\n  owner: Person;\n}\n"
        "class Person {}\n",
    }
    d = class_diagram(bench.db, _ingest(bench, tmp_path, files))
    edges = {(e.source, e.target, e.kind) for e in d.edges}
    assert ("m.py::Car", "m.py::Base", "inherits") in edges
    assert ("m.py::Car", "m.py::Engine", "composes") in edges
    assert ("Circle.java::Circle", "Shape.java::Shape", "inherits") in edges
    assert ("Circle.java::Circle", "ext:Drawable", "implements") in edges
    assert ("Circle.java::Circle", "Point.java::Point", "composes") in edges
    assert ("a.ts::Dog", "a.ts::Animal", "inherits") in edges
    assert ("a.ts::Dog", "a.ts::Person", "composes") in edges
    car = next(c for c in d.classes if c.id == "m.py::Car")
    assert car.methods == ["drive"] and car.attributes == [("engine", "Engine")]


def test_call_graph_resolves_by_name_and_says_so(bench, tmp_path):
    files = {
        "a.py": "from b import helper\n\n\ndef main():\n    helper()\n    local()\n\n\n"
        "def local():\n    return 1\n",
        "b.py": "def helper():\n    return 2\n",
    }
    g = call_graph(bench.db, _ingest(bench, tmp_path, files))
    edges = {(e.source, e.target) for e in g.edges}
    assert {("a.py::main", "b.py::helper"), ("a.py::main", "a.py::local")} <= edges
    assert "best effort" in g.notes[0]
    assert len(call_graph(bench.db, "p", max_nodes=2).nodes) == 2


def test_a_method_call_on_an_unknown_receiver_is_left_unresolved(bench, tmp_path):
    # click's ctx.params.update() was drawn as a call to ProgressBar.update
    files = {
        "bar.py": "class ProgressBar:\n    def update(self, n):\n        self.render()\n\n"
        "    def render(self):\n        return 1\n",
        "core.py": "def invoke(ctx):\n    ctx.params.update({})\n",
    }
    g = call_graph(bench.db, _ingest(bench, tmp_path, files))
    edges = {(e.source, e.target) for e in g.edges}
    assert ("core.py::invoke", "bar.py::ProgressBar.update") not in edges
    assert ("bar.py::ProgressBar.update", "bar.py::ProgressBar.render") in edges  # self.x()


SERVICES = {
    "api/fast.py": "from fastapi import FastAPI\napp = FastAPI()\n\n\n@app.get('/items/{id}')\n"
    'async def read_item(id: int):\n    return {}\n\n\n@router.post("/items")\ndef create():\n'
    "    pass\n",
    "api/flasky.py": "import requests\nfrom flask import Flask\napp = Flask(__name__)\n\n\n"
    "@app.route('/login', methods=['GET', 'POST'])\ndef login():\n"
    "    return requests.get('http://x')\n\n\nif __name__ == '__main__':\n    app.run()\n",
    "shop/urls.py": "from django.urls import path\nurlpatterns = [path('cart/', views.cart)]\n",
    "shop/store.py": "import sqlite3\n\n\ndef q():\n    con = sqlite3.connect('x.db')\n",
    "js/server.js": "const app = require('express')();\napp.get('/health', health);\n"
    "router.post('/orders', createOrder);\nfetch('/remote');\n",
    "java/Ctl.java": '@RestController\n@RequestMapping("/api")\npublic class Ctl {\n'
    '  @GetMapping("/users")\n  public List<User> users() { return null; }\n'
    "  public static void main(String[] args) {}\n}\n",
    "go/main.go": 'package main\n\nimport "net/http"\n\nfunc main() {\n'
    '\thttp.HandleFunc("/ping", ping)\n}\n',
    "pyproject.toml": '[project]\nname = "x"\n\n[project.scripts]\nshop = "shop.cli:main"\n',
}


def test_routes_detected_for_each_framework(bench, tmp_path):
    s = detect_services(bench.db, _ingest(bench, tmp_path, SERVICES))
    routes = {(r.framework, r.method, r.route, r.handler, r.path) for r in s.routes}
    assert ("fastapi", "GET", "/items/{id}", "read_item", "api/fast.py") in routes
    assert ("fastapi", "POST", "/items", "create", "api/fast.py") in routes
    assert ("flask", "GET,POST", "/login", "login", "api/flasky.py") in routes
    assert ("django", "ANY", "cart/", "views.cart", "shop/urls.py") in routes
    assert ("express", "GET", "/health", "health", "js/server.js") in routes
    assert ("express", "POST", "/orders", "createOrder", "js/server.js") in routes
    assert ("spring", "GET", "/api/users", "users", "java/Ctl.java") in routes
    assert ("go-http", "ANY", "/ping", "ping", "go/main.go") in routes
    fast = next(r for r in s.routes if r.route == "/items/{id}")
    assert fast.line == 5


def test_usages_and_entry_points_detected(bench, tmp_path):
    s = detect_services(bench.db, _ingest(bench, tmp_path, SERVICES))
    assert ("sqlite3", "shop/store.py", 5) in {(u.library, u.path, u.line) for u in s.database}
    outbound = {(u.library, u.path) for u in s.outbound_http}
    assert {("requests", "api/flasky.py"), ("fetch", "js/server.js")} <= outbound
    entries = {(e.kind, e.path, e.line) for e in s.entry_points}
    assert ("main-guard", "api/flasky.py", 11) in entries
    assert ("go-main", "go/main.go", 5) in entries
    assert ("java-main", "java/Ctl.java", 6) in entries
    assert ("console-script", "pyproject.toml", 5) in entries
