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


MODELS = '''from datetime import datetime
from typing import Literal, Optional

from pydantic import BaseModel, Field


class Tag(BaseModel):
    name: str
    weight: float = 1.0


class ItemIn(BaseModel):
    """An item as created."""

    name: str
    price: float = Field(..., gt=0)
    tags: list[Tag] = Field(default_factory=list)
    notes: Optional[str] = None
    kind: Literal["book", "toy"] = "book"
    attrs: dict[str, int] = {}


class Item(ItemIn):
    id: int
    created: datetime
    owner: "Owner | None"


class Owner(BaseModel):
    login: str
'''
FASTAPI = """from fastapi import Depends, FastAPI, Query, status

from .models import Item, ItemIn

app = FastAPI()
raise SystemExit("this module is never imported")


@app.post("/items", response_model=Item, status_code=status.HTTP_201_CREATED)
async def create_item(item: ItemIn, db=Depends(lambda: None)):
    ...


@app.get("/items")
def list_items(q: str | None = None, limit: int = Query(20), kind: str = Query(...)) -> list[Item]:
    ...


@app.get("/items/{item_id}")
def get_item(item_id: int) -> Item:
    ...
"""
SPRING = """package shop;

import java.util.List;
import org.springframework.web.bind.annotation.*;

public record OrderLine(String sku, int quantity, @NotNull Money price) {}

class Money { private long cents; private String currency; private static int SCALE = 2; }

@RestController
@RequestMapping("/orders")
class OrderController {
    private final Object service = null;

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public ResponseEntity<OrderLine> add(@RequestBody OrderLine line) { return null; }

    @GetMapping("/{id}/lines")
    public List<OrderLine> lines(@PathVariable long id,
                                 @RequestParam(required = false) Integer page,
                                 @RequestParam("q") String query) { return null; }
}
"""


def test_fastapi_and_spring_types_fill_bodies_answers_and_queries(bench, tmp_path):
    """Read statically from a FastAPI app (pydantic models in another module; the app
    would exit if imported) and a Spring controller with a record and a class."""
    import json

    src = tmp_path / "typed"
    (src / "app").mkdir(parents=True)
    (src / "app" / "models.py").write_text(MODELS)
    (src / "app" / "main.py").write_text(FASTAPI)
    (src / "OrderController.java").write_text(SPRING)
    ingest_source(bench.db, bench.settings, name="typed", source=str(src))
    report = from_code(bench.db, "typed")
    ops = {(o.method, o.path): o for o in report.model.operations}
    schemas = report.model.schemas
    assert set(schemas) == {"Item", "ItemIn", "Tag", "Owner", "OrderLine", "Money"}
    assert schemas["ItemIn"]["required"] == ["name", "price"]
    assert schemas["ItemIn"]["description"] == "An item as created."
    props = schemas["ItemIn"]["properties"]
    assert props["tags"] == {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}
    assert props["notes"] == {"type": ["string", "null"]}
    assert props["kind"] == {"enum": ["book", "toy"]}
    assert props["attrs"] == {"type": "object", "additionalProperties": {"type": "integer"}}
    item = schemas["Item"]
    assert item["required"] == ["id", "created", "owner"]  # its own fields (not inherited)
    assert item["properties"]["created"] == {"type": "string", "format": "date-time"}
    assert item["properties"]["owner"] == {
        "anyOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}]
    }
    create = ops[("post", "/items")]
    assert create.request_body is not None and create.request_body.required
    assert create.request_body.schema_ == {"$ref": "#/components/schemas/ItemIn"}
    assert list(create.responses) == ["201"]
    assert create.responses["201"].body.schema_ == {"$ref": "#/components/schemas/Item"}
    assert [p.name for p in create.parameters] == []  # Depends() is not a parameter
    listing = ops[("get", "/items")]
    query = {p.name: (p.required, p.schema_) for p in listing.parameters}
    assert query == {
        "q": (False, {"type": ["string", "null"]}),
        "limit": (False, {"type": "integer"}),
        "kind": (True, {"type": "string"}),
    }
    assert listing.responses["200"].body.schema_["items"] == {"$ref": "#/components/schemas/Item"}
    assert ops[("get", "/items/{item_id}")].parameters[0].name == "item_id"
    assert schemas["OrderLine"]["required"] == ["quantity", "price"]
    assert schemas["Money"]["properties"] == {
        "cents": {"type": "integer"},
        "currency": {"type": "string"},
    }
    add = ops[("post", "/orders")]
    assert add.request_body.schema_ == {"$ref": "#/components/schemas/OrderLine"}
    assert add.responses["201"].body.schema_ == {"$ref": "#/components/schemas/OrderLine"}
    lines = ops[("get", "/orders/{id}/lines")]
    assert {p.name: p.required for p in lines.parameters} == {"id": True, "page": False, "q": True}
    parse_openapi(json.dumps(report.openapi), "code.json")  # valid OpenAPI 3.1
