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
    assert missing.status_code == 400 and "'a'" in missing.json()["error"]


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
