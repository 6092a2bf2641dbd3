"""OpenAPI 2.0 / 3.0 / 3.1 parsing, validation and safe $ref bundling."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from devlab.apibuilder import (
    RefRefused,
    SpecInvalid,
    SpecTooLarge,
    parse_openapi,
    parse_schema,
    to_openapi,
)
from devlab.apibuilder.openapi import validate

HERE = Path(__file__).parent


def test_openapi_30_becomes_a_valid_31_model(petstore_text):
    report = parse_openapi(petstore_text)
    assert (report.operations, report.paths, report.schemas) == (4, 2, 4)
    assert report.openapi["openapi"] == "3.1.0"
    assert validate(report.openapi, "", "3.1.0") == []
    # nullable: true (3.0) -> a null type (3.1); path-level parameters reach each operation
    assert report.model.schemas["NewPet"]["properties"]["tag"]["type"] == ["string", "null"]
    show = report.model.operation("showPetById")
    assert [p.name for p in show.parameters] == ["petId"] and show.parameters[0].required
    # a response given by $ref is resolved; schema refs stay refs (Person is recursive)
    assert show.responses["404"].body.schema_ == {"$ref": "#/components/schemas/Error"}
    assert report.model.security_schemes["bearer"].scheme == "bearer"


def test_swagger_20_is_converted():
    report = parse_openapi((HERE / "swagger2.json").read_text(), "swagger2.json")
    model = report.model
    assert model.servers == ["https://api.example.com/v2"]
    add = model.operation("addItem")
    assert add.request_body.required and add.request_body.schema_ == {
        "$ref": "#/components/schemas/Item"
    }
    photo = next(o for o in model.operations if o.path == "/items/{id}/photo")
    assert photo.request_body.content_type == "multipart/form-data"
    assert photo.request_body.schema_["properties"]["file"]["format"] == "binary"
    assert model.schemas["Item"]["properties"]["label"]["type"] == ["string", "null"]
    assert model.security_schemes["key"].param_name == "X-Key"
    assert validate(report.openapi, "", "3.1.0") == []


def test_openapi_31_round_trips(petstore_model):
    doc = to_openapi(petstore_model)
    again = parse_openapi(json.dumps(doc), "again.json").model
    assert to_openapi(again) == doc


def test_invalid_spec_names_pointer_and_line(petstore_text):
    bad = petstore_text.replace("description: Deleted", "description: [1]")
    with pytest.raises(SpecInvalid) as caught:
        parse_openapi(bad)
    err = caught.value
    assert err.status_code == 422
    assert err.detail["pointer"] == "/paths/~1pets~1{petId}/delete/responses/204"
    line = err.detail["line"]
    assert "description: [1]" in bad.splitlines()[line - 1] or "204" in bad.splitlines()[line - 1]
    assert "line" in err.message


def test_yaml_syntax_error_has_a_line():
    with pytest.raises(SpecInvalid) as caught:
        parse_openapi("openapi: 3.1.0\ninfo: [\n  title: x\n")
    assert caught.value.detail["line"] in (2, 3, 4)


def test_not_an_openapi_document():
    with pytest.raises(SpecInvalid, match="not an OpenAPI document"):
        parse_openapi("title: hello\n")


def test_url_ref_is_refused_with_the_reason(petstore_text):
    bad = petstore_text.replace("'#/components/schemas/Error'", "'https://evil.example/x.yaml'")
    with pytest.raises(RefRefused) as caught:
        parse_openapi(bad)
    assert "never fetched" in caught.value.message
    assert caught.value.detail["line"] > 1


@pytest.mark.parametrize("ref", ["../secret.yaml", "/etc/passwd", "missing.yaml#/X"])
def test_file_ref_outside_the_bundle_is_refused(petstore_text, ref):
    bad = petstore_text.replace("'#/components/schemas/Error'", f"'{ref}'")
    with pytest.raises(RefRefused):
        parse_openapi(bad, "openapi.yaml", {"openapi.yaml": bad})


def test_dangling_internal_ref_is_refused(petstore_text):
    bad = petstore_text.replace("'#/components/schemas/Error'", "'#/components/schemas/Nope'")
    with pytest.raises(RefRefused, match="does not exist"):
        parse_openapi(bad)


def test_zip_bundle_with_external_refs():
    main = """openapi: 3.1.0
info: {title: Split, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: 'schemas/a.yaml#/A'}
"""
    a = "A:\n  type: object\n  properties:\n    b: {$ref: 'b.yaml#/B'}\n"
    b = "B:\n  type: string\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("api/openapi.yaml", main)
        archive.writestr("api/schemas/a.yaml", a)
        archive.writestr("api/schemas/b.yaml", b)
    report = parse_schema(buffer.getvalue(), "bundle.zip")
    schema = report.model.operations[0].responses["200"].body.schema_
    assert schema["properties"]["b"] == {"type": "string"}


def test_too_deep_is_refused_with_the_limit():
    deep = (
        "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\nx-deep: "
        + "[" * 200
        + "]" * 200
        + "\n"
    )
    with pytest.raises(SpecTooLarge) as caught:
        parse_openapi(deep)
    assert caught.value.detail["limit"] == "depth"


def test_too_large_is_refused_with_413():
    with pytest.raises(SpecTooLarge) as caught:
        parse_openapi("x" * 20_000_001)
    assert caught.value.status_code == 413 and "20000000" in caught.value.message


@pytest.mark.slow
def test_yaml_alias_bomb_is_bounded():
    lines = ["openapi: 3.1.0", "info: {title: x, version: '1'}", "paths: {}", "a0: &a0 [1, 1]"]
    for i in range(1, 40):
        lines.append(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]")
    with pytest.raises(SpecTooLarge):
        parse_openapi("\n".join(lines))
