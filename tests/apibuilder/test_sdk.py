"""SDK generation: deterministic, typed, and proven in the real sandbox."""

from __future__ import annotations

import pytest

from devlab.apibuilder import (
    FRAMEWORKS,
    UnsupportedSDKLanguage,
    generate_sdk,
    parse_ddl,
    prove_sdk,
)
from devlab.config import Settings


@pytest.mark.parametrize("language", ["python", "typescript", "java", "go"])
def test_same_spec_same_sdk(petstore_model, language):
    first = generate_sdk(petstore_model, language).files
    again = generate_sdk(petstore_model.model_copy(deep=True), language).files
    assert first == again and len(first) >= 5


def test_python_sdk_shape(petstore_model):
    files = generate_sdk(petstore_model, "python", "requests").files
    client = files["pet_store_client/client.py"]
    assert "import requests" in client
    assert "def list_pets(self, *, limit: int | None = None, tag: str | None = None)" in client
    assert "def show_pet_by_id(self, pet_id: int) -> Pet:" in client
    assert "RETRY_STATUSES = (429, 503)" in client
    assert "'owner': 'Person'" in files["pet_store_client/models.py"]


def test_java_ships_maven_and_gradle_builds_naming_the_tested_versions(petstore_model):
    import re
    import xml.etree.ElementTree as ET
    from pathlib import Path

    from devlab.apibuilder.sdk.java import JACKSON_VERSION, OKHTTP_VERSION

    hostile = petstore_model.model_copy(update={"version": "2.0 beta'\n<x>&"})
    files = generate_sdk(hostile, "java").files
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    pom = ET.fromstring(files["pom.xml"])
    deps = {
        d.findtext("m:artifactId", namespaces=ns): d.findtext("m:version", namespaces=ns)
        for d in pom.iterfind("m:dependencies/m:dependency", ns)
    }
    assert deps == {"okhttp": OKHTTP_VERSION, "jackson-databind": JACKSON_VERSION}
    assert pom.findtext("m:version", namespaces=ns) == "2.0betax"
    gradle = files["build.gradle"]
    found = dict(re.findall(r"implementation '[\w.]+:([\w-]+):([\w.]+)'", gradle))
    assert found == deps and "version = '2.0betax'" in gradle
    assert "mainClass = 'sdk.Smoke'" in gradle
    assert files["settings.gradle"] == "rootProject.name = 'pet-store-client'\n"
    assert "build.gradle" in files["README.md"] and OKHTTP_VERSION in files["README.md"]
    # the versions are the jars the proofs compile against (Debian's maven-repo)
    repo = Path("/usr/share/maven-repo")
    if repo.is_dir():
        assert (repo / "com/squareup/okhttp3/okhttp" / OKHTTP_VERSION).is_dir()
        assert (repo / "com/fasterxml/jackson/core/jackson-databind" / JACKSON_VERSION).is_dir()


def test_unknown_language_lists_the_supported(petstore_model):
    with pytest.raises(UnsupportedSDKLanguage) as caught:
        generate_sdk(petstore_model, "cobol")
    assert caught.value.status_code == 400
    for language in FRAMEWORKS:
        assert language in caught.value.message
    with pytest.raises(UnsupportedSDKLanguage, match="okhttp"):
        generate_sdk(petstore_model, "java", "axios")


def _hostile_model():
    from devlab.apibuilder import ApiModel
    from devlab.apibuilder.models import Operation, Parameter, Response

    evil = 'x"; System.exit(1); /* */ \\u000a """ ${process.exit()} \u2028'
    return ApiModel(
        title=evil,
        operations=[
            Operation(
                operation_id="class",
                method="get",
                path="/a/{for}",
                summary=evil,
                parameters=[
                    Parameter(
                        name="for", location="path", required=True, schema={"type": "string"}
                    ),
                    Parameter(name=evil, location="query", schema={"type": "string"}),
                ],
                responses={"200": Response(description=evil)},
            )
        ],
        schemas={
            "String": {
                "type": "object",
                "properties": {evil: {"type": "string"}, "class": {"type": "integer"}},
            }
        },
    )


def test_hostile_names_still_make_valid_python():
    """Spec text lands only in escaped literals and flattened comments."""
    files = generate_sdk(_hostile_model(), "python").files
    for path, text in files.items():
        if path.endswith(".py"):
            compile(text, path, "exec")  # a syntax check; nothing runs


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.parametrize("language", ["python", "typescript", "java", "go"])
def test_hostile_names_compile_in_every_language(tmp_path, language):
    model = _hostile_model()
    proof = prove_sdk(generate_sdk(model, language), model, Settings(home=tmp_path))
    assert proof.compiled, proof.compile_output or proof.error
    assert proof.smoke is not None and proof.smoke.failed == 0, proof.smoke


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.parametrize(
    "language, framework",
    [
        ("python", "httpx"),
        ("python", "requests"),
        ("typescript", "fetch"),
        ("typescript", "axios"),
        ("java", "okhttp"),
        ("go", "net/http"),
    ],
)
def test_sdk_compiles_and_passes_its_smoke_test(petstore_model, tmp_path, language, framework):
    sdk = generate_sdk(petstore_model, language, framework)
    proof = prove_sdk(sdk, petstore_model, Settings(home=tmp_path))
    assert proof.compiled, proof.compile_output or proof.error
    assert proof.smoke is not None and proof.smoke.passed == 4 and proof.smoke.failed == 0, (
        proof.smoke,
        proof.error,
    )


@pytest.mark.sandbox
@pytest.mark.slow
def test_ddl_sdk_is_proven_and_a_broken_sdk_is_reported(shop_sql, tmp_path):
    model = parse_ddl(shop_sql).model
    sdk = generate_sdk(model, "python")
    proof = prove_sdk(sdk, model, Settings(home=tmp_path))
    assert proof.ok, (proof.compile_output, proof.smoke, proof.error)
    broken = sdk.model_copy(deep=True)
    path = next(p for p in broken.files if p.endswith("client.py"))
    broken.files[path] += "\n\ndef oops() -> int:\n    return 'not an int'\n"
    bad = prove_sdk(broken, model, Settings(home=tmp_path))
    assert not bad.compiled and "incompatible return value" in bad.compile_output.lower()


_STYLED_QUERY = """
openapi: 3.0.3
info: {title: styled, version: "1"}
paths:
  /search:
    get:
      operationId: search
      parameters:
        - {name: filter, in: query, required: true, style: deepObject, explode: true,
           schema: {$ref: "#/components/schemas/Filter"}}
        - {name: point, in: query, required: true, schema: {type: object, required: [x],
           properties: {x: {type: integer}, y: {type: integer}}}}
        - {name: color, in: query, required: true, explode: false,
           schema: {type: object, required: [R], properties: {R: {type: integer, maximum: 9}}}}
        - {name: tags, in: query, required: true, style: pipeDelimited, explode: false,
           schema: {type: array, minItems: 2, items: {type: string, enum: [a]}}}
        - {name: ids, in: query, required: true, explode: false,
           schema: {type: array, minItems: 2, maxItems: 2, items: {type: integer}}}
        - {name: session, in: cookie, required: true, schema: {type: string, pattern: "^s-[0-9]+$"}}
        - {name: theme, in: cookie, required: true, schema: {type: string, enum: [dark night]}}
        - {name: page, in: cookie, schema: {type: integer}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {n: {type: integer}}}
components:
  schemas:
    Filter:
      type: object
      required: [status]
      properties: {status: {type: string, enum: [open]}, min: {type: integer, minimum: 0}}
"""


def test_styled_query_parameters_are_written_by_their_style():
    """deepObject, form objects (exploded and not) and delimited arrays, as sent."""
    import httpx

    from devlab.apibuilder import parse_openapi
    from devlab.apibuilder.sdk.plan import build_plan

    model = parse_openapi(_STYLED_QUERY).model
    keys = {p.json_name: p.query_key() for p in build_plan(model).ops[0].query_params}
    assert keys == {
        "filter": "filter\x00deepObject",
        "point": "point",
        "color": "color\x00form",
        "tags": "tags\x00pipeDelimited",
        "ids": "ids\x00form",
    }
    files = generate_sdk(model, "python").files
    client = next(v for k, v in files.items() if k.endswith("client.py"))
    scope: dict = {}
    helpers = client.split("\nclass Client", 1)[0]  # the module's functions, no package
    exec("\n".join(ln for ln in helpers.splitlines() if not ln.startswith("from .")), scope)
    query = scope["_query"](
        {"filter\x00deepObject": {"status": "open", "min": 1}, "point": {"x": 1},
         "color\x00form": {"R": 1, "G": 2}, "tags\x00pipeDelimited": ["a", "a"],
         "ids\x00form": [1, 2]}
    )  # fmt: skip
    assert str(httpx.QueryParams(query)) == (
        "filter%5Bstatus%5D=open&filter%5Bmin%5D=1&x=1&color=R%2C1%2CG%2C2&tags=a%7Ca&ids=1%2C2"
    )
    headers = {"X-A": 1, "Cookie\x00session": "s-1", "Cookie\x00theme": "dark night"}
    assert scope["_headers"](headers) == {"X-A": "1", "Cookie": "session=s-1; theme=dark%20night"}


@pytest.mark.sandbox
@pytest.mark.slow
def test_styled_query_sdks_pass_the_mock_in_every_language(tmp_path):
    """Each SDK writes deepObject, form objects and delimited arrays as the mock reads them."""
    from devlab.apibuilder import ApiModel, parse_openapi, prove_sdks

    model = parse_openapi(_STYLED_QUERY).model
    languages = ("python", "typescript", "java", "go")
    items = [(generate_sdk(model, lang), model) for lang in languages]
    empty = ApiModel(title="nothing callable")  # go vet refused its unused smoke variables
    items.append((generate_sdk(empty, "go"), empty))
    # five builds (javac, go, tsc) in one sandbox run: room beyond the default 120 s wall
    # for a busy machine (114 s with another test process beside it at load 8)
    proofs = prove_sdks(items, Settings(home=tmp_path, sandbox_max_wall_seconds=480))
    for proof, calls in zip(proofs, [1, 1, 1, 1, 0], strict=True):
        assert proof.compiled, proof.compile_output or proof.error
        assert proof.smoke is not None and (proof.smoke.passed, proof.smoke.failed) == (calls, 0), (
            proof.checker,
            proof.smoke,
        )
