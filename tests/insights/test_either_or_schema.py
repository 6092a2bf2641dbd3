"""Issue 13: a body that takes one target or the other says so in its schema (``oneOf``),
and the schema and the server's validation agree on every case."""

from __future__ import annotations

import jsonschema
import pytest
from pydantic import BaseModel, ValidationError

from devlab.config import Settings
from devlab.insights.models import AnalyzeRequest, GenerateRequest, VulnerabilityRequest
from devlab.server.app import create_app

CASES: dict[type[BaseModel], list[dict[str, object]]] = {
    AnalyzeRequest: [
        {"project_id": "shop"},
        {"project_id": 3},
        {"source": ".", "name": "shop"},
        {"source": "."},
        {"source": ".", "name": ""},
        {"project_id": "shop", "source": ".", "name": "shop"},
        {"project_id": None, "source": None},
        {},
    ],
    VulnerabilityRequest: [
        {"project_id": "shop"},
        {"code": "eval(x)", "language": "python"},
        {"project_id": "shop", "code": "x"},
        {"project_id": None},
        {},
    ],
    GenerateRequest: [
        {"project_id": "shop", "phases": ["security"]},
        {"code": "x"},
        {"code": "x", "project_id": "shop"},
        {},
    ],
}


def _accepts(model: type[BaseModel], body: dict[str, object]) -> bool:
    try:
        model.model_validate(body)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    "model, body", [(m, b) for m, bodies in CASES.items() for b in bodies], ids=repr
)
def test_schema_and_validation_agree(model: type[BaseModel], body: dict[str, object]) -> None:
    schema = model.model_json_schema()
    valid = jsonschema.Draft202012Validator(schema).is_valid(body)
    assert valid == _accepts(model, body)


def test_openapi_document_carries_the_either_or_rules(settings: Settings) -> None:
    spec = create_app(settings).openapi()
    schemas = spec["components"]["schemas"]
    assert len(schemas["VulnerabilityRequest"]["oneOf"]) == 2
    assert len(schemas["devlab__insights__models__GenerateRequest"]["oneOf"]) == 2
    analyze = spec["paths"]["/api/v1/devlab/reverse/analyze"]["post"]["requestBody"]["content"]
    assert len(analyze["application/json"]["schema"]["oneOf"]) == 2
    assert "file" in analyze["multipart/form-data"]["schema"]["required"]
