"""Code -> API: routes found by service detection in an ingested project."""

from __future__ import annotations

from devlab.apibuilder import from_code, parse_openapi
from devlab.apibuilder.fromcode import routes_to_model
from devlab.codebase.ingest import ingest_source
from devlab.reverse.services import Route

FLASK = """from flask import Flask
app = Flask(__name__)


@app.route("/users/<int:user_id>", methods=["GET", "DELETE"])
def user(user_id):
    return {}


@app.post("/users")
def create_user():
    return {}
"""
EXPRESS = """const express = require("express");
const router = express.Router();
router.get("/orders/:orderId/items", listItems);
"""


def test_route_syntaxes_become_openapi_templates():
    routes = [
        Route(
            framework="flask",
            method="GET",
            route="/a/<int:id>",
            handler="get_a",
            path="app.py",
            line=3,
        ),
        Route(
            framework="express",
            method="POST",
            route="/b/:name",
            handler="b.create",
            path="b.js",
            line=1,
        ),
        Route(
            framework="django",
            method="ANY",
            route=r"^c/(?P<pk>[0-9]+)/$",
            handler="views.c",
            path="urls.py",
            line=9,
        ),
    ]
    model = routes_to_model(routes, "svc")
    assert [(o.method, o.path) for o in model.operations] == [
        ("get", "/a/{id}"),
        ("post", "/b/{name}"),
        ("get", "/c/{pk}"),
    ]
    assert model.operations[0].parameters[0].schema_ == {"type": "integer"}
    assert model.operations[1].operation_id == "create"


def test_from_code_documents_an_ingested_project(bench, tmp_path):
    src = tmp_path / "svc"
    src.mkdir()
    (src / "app.py").write_text(FLASK)
    (src / "routes.js").write_text(EXPRESS)
    ingest_source(bench.db, bench.settings, name="svc", source=str(src))
    report = from_code(bench.db, "svc")
    ops = {(o.method, o.path) for o in report.model.operations}
    assert {
        ("get", "/users/{user_id}"),
        ("delete", "/users/{user_id}"),
        ("post", "/users"),
        ("get", "/orders/{orderId}/items"),
    } <= ops
    parse_openapi(__import__("json").dumps(report.openapi), "code.json")  # valid OpenAPI 3.1
