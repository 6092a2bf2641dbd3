"""The mock server: routes, request checks, AWS-style pseudo paths."""

from __future__ import annotations

import httpx

from devlab.apibuilder import ApiModel, mock_server
from devlab.apibuilder.models import Body, Operation, Response


def _op(op_id: str, path: str, field: str) -> Operation:
    return Operation(
        operation_id=op_id,
        method="post",
        path=path,
        request_body=Body(
            schema={
                "type": "object",
                "required": [field],
                "properties": {field: {"type": "string"}},
            },
            required=True,
        ),
        responses={
            "200": Response(
                description="ok",
                body=Body(
                    schema={
                        "type": "object",
                        "required": ["op"],
                        "properties": {"op": {"const": op_id}},
                    }
                ),
            )
        },
    )


def test_pseudo_paths_pick_the_operation(serve):
    model = ApiModel(
        operations=[
            _op("A", "/?Action=A", "a"),
            _op("B", "/?Action=B", "b"),
            _op("X", "/#X-Target=X", "x"),
            _op("Y", "/#X-Target=Y", "y"),
        ]
    )
    url = serve(mock_server(model, "127.0.0.1", 0, log=False))
    assert httpx.post(url + "/?Action=B", json={"b": "1"}).json() == {"op": "B"}
    assert httpx.post(url + "/", json={"y": "1"}).json() == {"op": "Y"}
    missing = httpx.post(url + "/?Action=A", json={})
    assert missing.status_code == 422 and "missing body field 'a'" in missing.json()["error"]


def test_unknown_path_and_method(petstore_model, serve):
    url = serve(mock_server(petstore_model, "127.0.0.1", 0, log=False))
    assert httpx.get(url + "/nowhere").status_code == 404
    assert httpx.put(url + "/pets").status_code == 405
    assert (
        httpx.post(
            url + "/v1/pets", content=b"{", headers={"Content-Type": "application/json"}
        ).status_code
        == 400
    )
    assert httpx.get(url + "/v1/pets/3").json()["id"] == 1


def test_parameters_are_checked_against_their_schemas(mock_url):
    ok = httpx.get(mock_url + "/v1/pets", params={"limit": "5", "tag": "x"})
    assert ok.status_code == 200
    word = httpx.get(mock_url + "/v1/pets", params={"limit": "abc"})
    assert word.status_code == 400
    assert word.json()["error"] == "query parameter 'limit': 'abc' is not an integer"
    assert word.json()["errors"][0] | {"message": ""} == {
        "in": "query", "field": "limit", "message": "", "status": 400
    }  # fmt: skip
    big = httpx.get(mock_url + "/v1/pets", params={"limit": "500"})
    assert (
        big.status_code == 400
        and "'limit': 500 is greater than the maximum of 100" in (big.json()["error"])
    )
    path = httpx.get(mock_url + "/v1/pets/abc")
    assert path.status_code == 400 and "path parameter 'petId'" in path.json()["error"]


def test_bodies_are_checked_against_the_schema_naming_each_field(mock_url):
    created = httpx.post(mock_url + "/v1/pets", json={"name": "Rex", "tag": None})
    assert created.status_code == 201
    wrong = httpx.post(mock_url + "/v1/pets", json={"name": 5})
    assert wrong.status_code == 422
    assert wrong.json()["error"] == "body field 'name': 5 is not of type 'string'"
    assert wrong.json()["errors"][0]["field"] == "name"
    missing = httpx.post(mock_url + "/v1/pets", json={"tag": "x"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "name"
    not_object = httpx.post(mock_url + "/v1/pets", json=[1])
    assert not_object.status_code == 422 and "request body: [1]" in not_object.json()["error"]


def _nested_model() -> ApiModel:
    from devlab.apibuilder.models import Parameter

    owner = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    return ApiModel(
        schemas={"Owner": owner},
        operations=[
            Operation(
                operation_id="put",
                method="put",
                path="/things",
                parameters=[
                    Parameter(
                        name="ids",
                        location="query",
                        schema={"type": "array", "items": {"type": "integer"}},
                        explode=False,  # ids=1,2 (and, leniently, ids=1&ids=2)
                    ),
                    Parameter(
                        name="X-Mode",
                        location="header",
                        required=True,
                        schema={"enum": ["fast", "slow"]},
                    ),
                ],
                request_body=Body(
                    required=True,
                    schema={
                        "type": "object",
                        "properties": {
                            "owner": {"$ref": "#/components/schemas/Owner"},
                            "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}},
                        },
                    },
                ),
                responses={"204": Response(description="done")},
            )
        ],
    )


def test_nested_fields_arrays_headers_and_refs(serve):
    url = serve(mock_server(_nested_model(), "127.0.0.1", 0, log=False))
    head = {"X-Mode": "fast"}
    good = {"owner": {"name": "a"}, "tags": ["ab"]}
    assert httpx.put(url + "/things?ids=1,2", json=good, headers=head).status_code == 204
    assert httpx.put(url + "/things?ids=1&ids=2", json=good, headers=head).status_code == 204
    bad_ids = httpx.put(url + "/things?ids=1,x", json=good, headers=head)
    assert bad_ids.status_code == 400 and "query parameter 'ids': 'x'" in bad_ids.json()["error"]
    no_mode = httpx.put(url + "/things", json=good)
    assert no_mode.status_code == 400 and "missing header parameter 'X-Mode'" in no_mode.text
    mode = httpx.put(url + "/things", json=good, headers={"X-Mode": "warp"})
    assert mode.status_code == 400 and "header parameter 'X-Mode'" in mode.json()["error"]
    deep = httpx.put(url + "/things", json={"owner": {}, "tags": ["ok", "long"]}, headers=head)
    fields = [e["field"] for e in deep.json()["errors"]]
    assert deep.status_code == 422 and fields == ["owner.name", "tags[1]"]
    assert "body field 'tags[1]': 'long' is too long" in deep.json()["error"]


def test_without_jsonschema_only_required_fields_are_checked(monkeypatch, petstore_model, serve):
    from devlab.apibuilder import mockserver

    monkeypatch.setattr(mockserver, "jsonschema", None)
    url = serve(mock_server(petstore_model, "127.0.0.1", 0, log=False))
    assert httpx.post(url + "/v1/pets", json={"name": 5}).status_code == 201
    assert httpx.get(url + "/v1/pets", params={"limit": "abc"}).status_code == 200
    missing = httpx.post(url + "/v1/pets", json={})
    assert missing.status_code == 422 and "'name'" in missing.json()["error"]


def test_parameters_inside_a_segment_are_split_and_checked(serve):
    from devlab.apibuilder.models import Parameter

    model = ApiModel(
        operations=[
            Operation(
                operation_id="at",
                method="get",
                path="/at/{heading}.{ext}",
                parameters=[
                    Parameter(
                        name="heading", location="path", required=True, schema={"type": "number"}
                    ),
                    Parameter(
                        name="ext", location="path", required=True, schema={"enum": ["json", "xml"]}
                    ),
                ],
                responses={"204": Response(description="ok")},
            )
        ]
    )
    url = serve(mock_server(model, "127.0.0.1", 0, log=False))
    assert httpx.get(url + "/at/1.5.json").status_code == 204  # 1.5 and json
    bad = httpx.get(url + "/at/1.5.yaml")
    assert bad.status_code == 400 and "path parameter 'ext'" in bad.json()["error"]


def test_examples_satisfy_patterns_deep_required_fields_and_non_empty_maps():
    import re

    import jsonschema

    from devlab.apibuilder.examples import example, pattern_example

    for pattern in [r"oo-[a-f0-9]{17}$", r"^[^\s]+$", r"^\d{3}-\d{4}$", r"^[\w.-]+@[\w-]+\.\w+$"]:
        assert re.search(pattern, pattern_example(pattern) or "")
    assert pattern_example(r"(?=a)b") is None and pattern_example(r"\p{L}") is None
    chain = {f"L{i}": {"type": "object", "required": ["next"],
                       "properties": {"next": {"$ref": f"#/components/schemas/L{i + 1}"}}}
             for i in range(9)}  # fmt: skip
    chain["L9"] = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    schemas = {
        **chain,
        "Code": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "Thing": {
            "type": "object",
            "required": ["deep", "code", "tags"],
            "properties": {
                "deep": {"$ref": "#/components/schemas/L0"},
                "code": {"allOf": [{"$ref": "#/components/schemas/Code"}, {"description": "x"}]},
                "tags": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {"type": "string"},
                },
            },
        },
    }
    value = example({"$ref": "#/components/schemas/Thing"}, schemas)
    root = {"$ref": "#/components/schemas/Thing", "components": {"schemas": schemas}}
    jsonschema.Draft202012Validator(root).validate(value)
    assert value["code"] == "AA" and len(value["tags"]) == 1


# Fragments of two corpus documents whose smoke calls the full request checks refused:
# AWS WorkSpaces (a property = allOf [$ref to an object, {description}]: the description
# part alone was taken for a string) and GitHub's gists/update (anyOf of bare `required`
# lists beside the schema's own type and properties: the choice alone was a string).
_FRAGMENTS = """
openapi: 3.0.0
info: {title: fragments, version: "1"}
paths:
  /#X-Amz-Target=WorkspacesService.DeleteWorkspaceBundle:
    post:
      operationId: DeleteWorkspaceBundle
      parameters:
        - {name: X-Amz-Target, in: header, required: true,
           schema: {type: string, enum: [WorkspacesService.DeleteWorkspaceBundle]}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {BundleId: {type: string}}}
      responses: {"200": {description: ok}}
  /#X-Amz-Target=WorkspacesService.ImportClientBranding:
    post:
      operationId: ImportClientBranding
      parameters:
        - {name: X-Amz-Target, in: header, required: true,
           schema: {type: string, enum: [WorkspacesService.ImportClientBranding]}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/ImportClientBrandingRequest"}
      responses: {"200": {description: ok}}
  /gists/{gist_id}:
    patch:
      operationId: gists/update
      parameters:
        - {name: gist_id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              nullable: true
              anyOf: [{required: [description]}, {required: [files]}]
              properties:
                description: {type: string, example: Example Ruby script}
                files:
                  type: object
                  additionalProperties:
                    type: object
                    nullable: true
                    anyOf: [{required: [content]}, {required: [filename]},
                            {type: object, maxProperties: 0}]
                    properties:
                      content: {type: string}
                      filename: {type: string, nullable: true}
      responses: {"200": {description: ok}}
components:
  schemas:
    DirectoryId: {type: string, pattern: "^d-[0-9a-f]{8,63}$", minLength: 10, maxLength: 65}
    ClientUrl: {type: string, pattern: "^(http|https)\\\\://\\\\S+", minLength: 1}
    DefaultImportClientBrandingAttributes:
      type: object
      properties:
        SupportLink:
          allOf: [{$ref: "#/components/schemas/ClientUrl"}, {description: The support link.}]
    ImportClientBrandingRequest:
      type: object
      required: [ResourceId]
      properties:
        ResourceId:
          allOf: [{$ref: "#/components/schemas/DirectoryId"}, {description: The directory.}]
        DeviceTypeWindows:
          allOf:
            - {$ref: "#/components/schemas/DefaultImportClientBrandingAttributes"}
            - {description: The branding information to import for Windows devices.}
"""


def test_examples_of_described_refs_and_constrained_choices_pass_the_mock(serve):
    import jsonschema

    from devlab.apibuilder import parse_openapi
    from devlab.apibuilder.examples import example

    model = parse_openapi(_FRAGMENTS).model
    ops = {op.operation_id: op for op in model.operations}
    branding = example(ops["ImportClientBranding"].request_body.schema_, model.schemas)
    assert isinstance(branding["DeviceTypeWindows"], dict), branding
    assert branding["ResourceId"].startswith("d-")
    gist = example(ops["gists/update"].request_body.schema_, model.schemas)
    assert isinstance(gist, dict) and gist["description"] == "Example Ruby script"
    for op, value in (("ImportClientBranding", branding), ("gists/update", gist)):
        schema = ops[op].request_body.schema_
        root = {**schema, "components": {"schemas": model.schemas}}
        jsonschema.Draft202012Validator(root).validate(value)
    # the same bodies through a real mock server: each reaches its own operation
    url = serve(mock_server(model, "127.0.0.1", 0, log=False))
    target = {"X-Amz-Target": "WorkspacesService.ImportClientBranding"}
    assert httpx.post(url + "/", json=branding, headers=target).status_code == 200
    assert httpx.patch(url + "/gists/1", json=gist).status_code == 200
    wrong = httpx.patch(url + "/gists/1", json="string")
    assert wrong.status_code == 422 and "is not of type 'object'" in wrong.json()["error"]
    described = {"allOf": [{"$ref": "#/components/schemas/DirectoryId"}, {"description": "d"}]}
    assert example(described, model.schemas).startswith("d-")  # a scalar part still wins


_STYLES = """
openapi: 3.0.3
info: {title: styles, version: "1"}
paths:
  /items/{sel}/{coords}:
    get:
      operationId: listItems
      parameters:
        - {name: sel, in: path, required: true, style: label, explode: true,
           schema: {type: array, items: {type: integer}, maxItems: 3}}
        - {name: coords, in: path, required: true, style: matrix, explode: true,
           schema: {type: object, properties: {lat: {type: number}, lon: {type: number}}}}
        - {name: filter, in: query, required: true, style: deepObject, explode: true,
           schema: {$ref: "#/components/schemas/Filter"}}
        - {name: point, in: query, schema: {type: object, required: [x],
           properties: {x: {type: integer}, y: {type: integer}}}}
        - {name: color, in: query, explode: false,
           schema: {type: object, additionalProperties: {type: integer, maximum: 255}}}
        - {name: tags, in: query, style: pipeDelimited, explode: false,
           schema: {type: array, items: {type: string, maxLength: 3}}}
        - {name: X-Opts, in: header, explode: true,
           schema: {type: object, properties: {depth: {type: integer, minimum: 1}}}}
        - {name: session, in: cookie, required: true,
           schema: {type: string, pattern: "^s-[0-9]+$"}}
        - {name: page, in: cookie, schema: {type: integer, maximum: 10}}
        - name: where
          in: query
          content:
            application/json:
              schema: {type: object, required: [q], properties: {q: {type: string}}}
      responses: {"204": {description: none}}
components:
  schemas:
    Filter:
      type: object
      required: [status]
      properties:
        status: {type: string, enum: [open, closed]}
        min: {type: integer, minimum: 0}
"""


def test_object_cookie_and_styled_parameters_are_read_by_style_then_checked(serve):
    from devlab.apibuilder import parse_openapi

    model = parse_openapi(_STYLES).model
    by_name = {p.name: p for p in model.operations[0].parameters}
    assert by_name["filter"].serialization() == ("deepObject", True)
    assert by_name["color"].serialization() == ("form", False)
    assert by_name["where"].content_type == "application/json"
    url = serve(mock_server(model, "127.0.0.1", 0, log=False))
    good = {
        "filter[status]": "open",
        "filter[min]": "2",
        "x": "1",
        "y": "2",
        "color": "R,100,G,200",
        "tags": "a|bc",
        "where": '{"q": "x"}',
    }
    path = "/items/.1.2/;lat=1.5;lon=2"
    head = {"X-Opts": "depth=2", "Cookie": "session=s-42; page=3"}

    def call(params: dict, headers: dict = head, at: str = path) -> httpx.Response:
        return httpx.get(url + at, params=params, headers=headers)

    assert call(good).status_code == 204

    def refused(response: httpx.Response, text: str) -> None:
        assert response.status_code == 400, response.text
        assert text in response.json()["error"], response.json()["error"]

    refused(call({**good, "filter[status]": "gone"}), "query parameter 'filter': status: 'gone'")
    refused(call({**good, "filter[min]": "x"}), "query parameter 'filter': property 'min'")
    missing = {k: v for k, v in good.items() if not k.startswith("filter")}
    refused(call(missing), "missing query parameter 'filter'")
    refused(call({**good, "x": "a"}), "query parameter 'point': property 'x'")
    refused(call({**good, "color": "R,300"}), "query parameter 'color'")
    refused(call({**good, "color": "R,100,G,999"}), "query parameter 'color': G: 999")
    refused(call({**good, "tags": "a|long"}), "query parameter 'tags'")
    refused(call({**good, "where": "{"}), "query parameter 'where': '{' is not JSON")
    refused(call({**good, "where": "{}"}), "query parameter 'where': 'q' is a required")
    refused(call(good, {**head, "X-Opts": "depth=0"}), "header parameter 'X-Opts': depth: 0")
    refused(call(good, {"X-Opts": "depth=2"}), "missing cookie parameter 'session'")
    refused(call(good, {**head, "Cookie": "session=t-1"}), "cookie parameter 'session'")
    refused(call(good, {**head, "Cookie": "session=s-1; page=11"}), "cookie parameter 'page'")
    refused(call(good, at="/items/1.2/;lat=1.5;lon=2"), "path parameter 'sel'")
    refused(call(good, at="/items/.1.2.3.4/;lat=1.5;lon=2"), "path parameter 'sel'")
    refused(call(good, at="/items/.1/;lat=north;lon=2"), "path parameter 'coords'")


def test_a_required_query_object_needing_no_property_may_be_empty(serve):
    """EC2's `IamInstanceProfile` (required, form exploded, no required properties): an
    empty object has no text in the query, so its absence is that object."""
    from devlab.apibuilder.models import Parameter

    def op(op_id: str, required: list[str]) -> Operation:
        schema = {"type": "object", "properties": {"Arn": {"type": "string"}}}
        return Operation(
            operation_id=op_id,
            method="get",
            path=f"/{op_id}",
            parameters=[
                Parameter(
                    name="Profile",
                    location="query",
                    required=True,
                    schema={**schema, "required": required} if required else schema,
                )
            ],
            responses={"204": Response(description="none")},
        )

    url = serve(mock_server(ApiModel(operations=[op("a", []), op("b", ["Arn"])]), "127.0.0.1", 0))
    assert httpx.get(url + "/a").status_code == 204
    assert httpx.get(url + "/a?Arn=x").status_code == 204
    missing = httpx.get(url + "/b")
    assert missing.status_code == 400 and "missing query parameter 'Profile'" in missing.text
    assert httpx.get(url + "/b?Arn=x").status_code == 204
    # on a shared pseudo path, the error named is the operation whose sent parameters hold
    shared = [
        Operation(
            operation_id=action,
            method="get",
            path=f"/#Action={action}",
            parameters=[
                Parameter(name="Action", location="query", required=True,
                          schema={"type": "string", "enum": [action]}),
                Parameter(name=f"{action}Id", location="query", required=True,
                          schema={"type": "string"}),
            ],
            responses={"204": Response(description="none")},
        )
        for action in ("First", "Second")
    ]  # fmt: skip
    url = serve(mock_server(ApiModel(operations=shared), "127.0.0.1", 0))
    wrong = httpx.get(url + "/?Action=Second&FirstId=1")  # First: its Action breaks
    assert wrong.json()["error"] == "missing query parameter 'SecondId'", wrong.text
