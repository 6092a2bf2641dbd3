"""Diagram rendering: Mermaid, PlantUML and SVG through Graphviz, on real indexed code."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from devlab.codebase.ingest import ingest_source
from devlab.errors import InvalidInput
from devlab.reverse.diagrams import DIAGRAM_TYPES, render_diagram
from devlab.reverse.errors import UnknownDiagramType
from helpers import write_tree

FILES = {
    "shop/__init__.py": "",
    "shop/cart.py": "from shop.pricing import apply_discount\n\n\nclass Item:\n    pass\n\n\n"
    "class Cart(Base):\n    first: Item\n\n"
    "    def total(self):\n        return apply_discount(1)\n",
    "shop/pricing.py": "from . import cart\n\n\ndef apply_discount(amount):\n    return amount\n",
    "shop/api.py": "import requests\nfrom fastapi import APIRouter\nfrom shop.cart import Cart\n"
    "router = APIRouter()\n\n\n@router.get('/cart')\ndef get_cart():\n"
    "    requests.get('http://prices')\n    return Cart().total()\n",
}


@pytest.fixture
def shop(bench, tmp_path):
    ingest_source(
        bench.db, bench.settings, name="shop", source=str(write_tree(tmp_path / "s", FILES))
    )
    return bench.db


def _mermaid_edges(text: str) -> set[tuple[str, str]]:
    labels = dict(re.findall(r'^\s*(n\d+)\W+"([^"]+)"', text, re.MULTILINE))
    pairs = re.findall(r"^\s*(n\d+) -\.?->(?:\|[^|]*\|)? (n\d+)$", text, re.MULTILINE)
    return {(labels[a].split("<br/>")[0], labels[b].split("<br/>")[0]) for a, b in pairs}


def test_dependency_mermaid_has_expected_edges(shop):
    text = render_diagram(shop, "shop", "dependency", "mermaid")
    assert (
        "flowchart" in text
        and "subgraph g" in text
        and text.count("subgraph") == text.count("  end")
    )
    edges = _mermaid_edges(text)
    assert {("cart", "pricing"), ("pricing", "cart"), ("api", "cart")} <= edges
    assert "linkStyle" in text  # the cart <-> pricing cycle is highlighted


def test_plantuml_is_well_formed(shop):
    for kind in DIAGRAM_TYPES:
        text = render_diagram(shop, "shop", kind, "plantuml")
        assert text.startswith("@startuml") and text.rstrip().endswith("@enduml")
        assert text.count("{") == text.count("}")
    uml = render_diagram(shop, "shop", "uml", "plantuml")
    assert "Base <|-- Cart" in uml and "Cart *-- Item : first" in uml


def test_uml_mermaid_shows_inheritance_and_methods(shop):
    text = render_diagram(shop, "shop", "uml", "mermaid")
    assert text.splitlines()[3] == "classDiagram"
    assert "Base <|-- Cart" in text and "+total()" in text and "Cart *-- Item : first" in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz not installed")
def test_svg_is_valid_xml_with_node_labels(shop):
    for kind, labels in {
        "dependency": {"cart", "pricing", "api"},
        "uml": {"Cart", "Item"},
        "call": {"get_cart()", "apply_discount()"},
        "architecture": {"requests", "HTTP clients"},
    }.items():
        svg = render_diagram(shop, "shop", kind, "svg")
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")
        texts = {t.text for t in root.iter() if t.tag.endswith("text") and t.text}
        assert labels <= texts, (kind, texts)


def test_node_cap_adds_a_note(shop):
    text = render_diagram(shop, "shop", "dependency", "mermaid", max_nodes=1, depth=2)
    assert "more modules not shown" in text


def test_unknown_diagram_type_lists_valid_ones(shop):
    with pytest.raises(UnknownDiagramType) as caught:
        render_diagram(shop, "shop", "sequence", "mermaid")
    assert caught.value.status_code == 400
    for valid in ("uml", "dependency", "architecture", "call"):
        assert valid in caught.value.message
    with pytest.raises(InvalidInput, match="mermaid"):
        render_diagram(shop, "shop", "uml", "png")


def test_a_scope_that_names_nothing_is_an_error_naming_it(shop):
    from devlab.errors import NotFound

    with pytest.raises(NotFound, match="no/such/dir") as caught:
        render_diagram(shop, "shop", "uml", "mermaid", scope="no/such/dir")
    assert caught.value.exit_code == 2


def test_an_empty_diagram_says_why(shop):
    text = render_diagram(shop, "shop", "uml", "mermaid", scope="shop/pricing.py")
    assert "empty diagram: no classes or interfaces found in the 1 files under" in text
    assert "languages: python" in text


def test_koa_style_module_exports_class_is_drawn(bench, tmp_path):
    koa = {
        "lib/application.js": "const Emitter = require('events');\n"
        "module.exports = class Application extends Emitter {\n"
        "  listen(...args) { return 1; }\n"
        "  use(fn) { return this; }\n"
        "};\n",
    }
    ingest_source(bench.db, bench.settings, name="koa", source=str(write_tree(tmp_path / "k", koa)))
    text = render_diagram(bench.db, "koa", "uml", "mermaid")
    assert "class Application" in text and "listen" in text and "empty diagram" not in text
