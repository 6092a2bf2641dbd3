"""The REST and CLI doors, on a real app and a real store."""

from __future__ import annotations

import asyncio
import io
import zipfile
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app as cli_app
from devlab.config import Settings
from devlab.server.app import create_app

HERE = Path(__file__).parent
API = "/api/v1/devlab/api"


def _run(home: Path, scenario) -> None:
    async def main() -> None:
        application = create_app(Settings(home=home))
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                await scenario(client)

    asyncio.run(main())


def test_parse_schema_upload_and_its_errors(tmp_path):
    petstore = (HERE / "petstore.yaml").read_bytes()

    async def scenario(client: httpx.AsyncClient) -> None:
        ok = await client.post(f"{API}/parse-schema", files={"file": ("p.yaml", petstore)})
        assert ok.status_code == 200 and ok.json()["operations"] == 4
        ddl = await client.post(
            f"{API}/parse-schema", files={"file": ("s.sql", (HERE / "shop.sql").read_bytes())}
        )
        assert ddl.status_code == 200 and ddl.json()["kind"] == "ddl"
        bad = petstore.replace(b"description: Deleted", b"description: [1]")
        invalid = await client.post(f"{API}/parse-schema", files={"file": ("p.yaml", bad)})
        body = invalid.json()
        assert invalid.status_code == 422 and body["ok"] is False
        assert body["detail"]["pointer"].endswith("/responses/204") and body["detail"]["line"]
        url_ref = petstore.replace(b"'#/components/schemas/Error'", b"'http://x.test/e.yaml'")
        refused = await client.post(f"{API}/parse-schema", files={"file": ("p.yaml", url_ref)})
        assert refused.status_code == 422 and "never fetched" in refused.json()["error"]
        ddl_bad = await client.post(
            f"{API}/parse-schema", files={"file": ("x.sql", b"CREATE TABLE x (\n a int,\n b (")}
        )
        assert ddl_bad.status_code == 422 and ddl_bad.json()["detail"]["line"] == 3
        none = await client.post(f"{API}/parse-schema", files={"other": ("a.txt", b"1")})
        assert none.status_code == 422 and "'file'" in none.json()["error"]
        # a plain HTML form (sendable cross-site without a preflight) is refused
        form = await client.post(f"{API}/parse-schema", data={"x": "1"})
        assert form.status_code == 415

    _run(tmp_path, scenario)


def test_generate_sdk_zip_and_unknown_language(tmp_path):
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Tiny", "version": "1"},
        "paths": {
            "/ping": {"get": {"operationId": "ping", "responses": {"204": {"description": "ok"}}}}
        },
    }

    async def scenario(client: httpx.AsyncClient) -> None:
        res = await client.post(
            f"{API}/generate-sdk",
            json={"schema": doc, "language": "typescript", "framework": "axios", "prove": False},
        )
        assert res.status_code == 200 and res.headers["content-type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(res.content)).namelist()
        assert "src/client.ts" in names and "package.json" in names
        again = await client.post(
            f"{API}/generate-sdk",
            json={"schema": doc, "language": "typescript", "framework": "axios", "prove": False},
        )
        assert again.content == res.content  # deterministic, byte for byte
        bad = await client.post(f"{API}/generate-sdk", json={"schema": doc, "language": "cobol"})
        assert bad.status_code == 400
        assert set(bad.json()["detail"]["supported"]) == {"python", "typescript", "java", "go"}

    _run(tmp_path, scenario)


def test_live_test_refuses_targets_outside_the_allow_list(tmp_path):
    async def scenario(client: httpx.AsyncClient) -> None:
        res = await client.post(
            f"{API}/test",
            json={
                "endpoint": "http://169.254.169.254/latest/meta-data",
                "method": "GET",
                "params": {},
            },
        )
        assert res.status_code == 403 and res.json()["detail"]["rule"] == "metadata"
        res = await client.post(f"{API}/test", json={"endpoint": "http://10.0.0.8/", "params": {}})
        assert res.status_code == 403 and "private-network" in res.json()["error"]

    _run(tmp_path, scenario)


@pytest.mark.slow
def test_designs_crud_edits_undo_diff_and_try(tmp_path):
    async def scenario(client: httpx.AsyncClient) -> None:
        made = await client.post(f"{API}/designs", json={"name": "shop"})
        assert made.status_code == 201
        did = made.json()["id"]
        dup = await client.post(f"{API}/designs", json={"name": "shop"})
        assert dup.status_code == 409
        edit = await client.post(
            f"{API}/designs/{did}/edits",
            json={
                "op": "add_resource",
                "name": "users",
                "fields": [{"name": "email", "type": "email", "required": True}],
            },
        )
        assert edit.status_code == 200 and edit.json()["head_version"] == 2
        await client.post(
            f"{API}/designs/{did}/edits",
            json={
                "op": "add_resource",
                "name": "orders",
                "fields": [{"name": "total", "type": "number"}],
            },
        )
        rel = await client.post(
            f"{API}/designs/{did}/edits",
            json={"op": "add_relation", "parent": "users", "child": "orders"},
        )
        assert "/users/{user_id}/orders" in rel.json()["openapi"]["paths"]
        bad = await client.post(
            f"{API}/designs/{did}/edits",
            json={"op": "add_field", "resource": "nope", "field": {"name": "x"}},
        )
        assert bad.status_code == 422 and "no resource 'nope'" in bad.json()["error"]
        unknown_op = await client.post(f"{API}/designs/{did}/edits", json={"op": "explode"})
        assert unknown_op.status_code == 422
        undo = await client.post(f"{API}/designs/{did}/undo")
        assert undo.json()["head_version"] == 3
        diff = await client.get(
            f"{API}/designs/{did}/diff", params={"from_version": 4, "to_version": 3}
        )
        assert diff.json()["breaking"] >= 1
        tried = await client.post(
            f"{API}/designs/{did}/try", json={"method": "GET", "path": "/users/1"}
        )
        assert tried.status_code == 200 and tried.json()["status"] == 200
        assert tried.json()["conforms"] is True
        listed = await client.get(f"{API}/designs")
        assert [d["name"] for d in listed.json()] == ["shop"]
        gone = await client.delete(f"{API}/designs/{did}")
        assert gone.status_code == 204
        assert (await client.get(f"{API}/designs/{did}")).status_code == 404
        page = await client.get("/devlab/api")
        assert page.status_code == 200 and "API Builder" in page.text
        js = await client.get("/devlab/api/static/app.js")
        assert js.status_code == 200 and "javascript" in js.headers["content-type"]

    _run(tmp_path, scenario)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_cli_parse_from_ddl_diff_and_sdk(runner, tmp_path):
    spec = str(HERE / "petstore.yaml")
    parsed = runner.invoke(cli_app, ["api", "parse", spec, "--json"])
    assert parsed.exit_code == 0 and '"operations": 4' in parsed.stdout
    out = tmp_path / "shop.yaml"
    made = runner.invoke(cli_app, ["api", "from-ddl", str(HERE / "shop.sql"), "--out", str(out)])
    assert made.exit_code == 0 and out.read_text().startswith("openapi: 3.1.0")
    diff = runner.invoke(cli_app, ["api", "diff", spec, str(out)])
    assert diff.exit_code == 1 and "BREAKING" in diff.stdout
    same = runner.invoke(cli_app, ["api", "diff", spec, spec])
    assert same.exit_code == 0
    sdk_dir = tmp_path / "sdk"
    sdk = runner.invoke(
        cli_app, ["api", "sdk", spec, "-l", "java", "-o", str(sdk_dir), "--no-prove"]
    )
    assert sdk.exit_code == 0 and (sdk_dir / "pom.xml").is_file()
    bad = runner.invoke(cli_app, ["api", "sdk", spec, "-l", "cobol", "-o", str(sdk_dir)])
    assert bad.exit_code == 2 and "python" in bad.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.0\ninfo: {title: x}\npaths: {}\n")
    failed = runner.invoke(cli_app, ["api", "parse", str(broken)])
    assert failed.exit_code == 2 and "line" in failed.stderr
