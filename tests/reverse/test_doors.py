"""The reverse-engineering doors: `devlab diagram` and POST /reverse/generate-diagram."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.server.app import create_app

runner = CliRunner()


@pytest.fixture
def indexed_home(tmp_path, sample_repo):
    home = tmp_path / "home"
    result = runner.invoke(
        app, ["--home", str(home), "ingest", str(sample_repo), "--name", "shop", "--no-embed"]
    )
    assert result.exit_code == 0, result.output
    return home


def test_diagram_cli_writes_mermaid_and_svg(indexed_home, tmp_path):
    result = runner.invoke(
        app, ["--home", str(indexed_home), "diagram", "-p", "shop", "--type", "dependency"]
    )
    assert result.exit_code == 0, result.output
    assert "flowchart" in result.stdout or "graph" in result.stdout
    assert "cart" in result.stdout and "pricing" in result.stdout
    out = tmp_path / "uml.svg"
    result = runner.invoke(
        app,
        [
            "--home",
            str(indexed_home),
            "diagram",
            "-p",
            "shop",
            "--type",
            "uml",
            "--format",
            "svg",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text().lstrip().startswith(("<?xml", "<svg")) and "Cart" in out.read_text()


def test_diagram_cli_unknown_type_lists_valid_ones(indexed_home):
    result = runner.invoke(
        app, ["--home", str(indexed_home), "diagram", "-p", "shop", "--type", "flow"]
    )
    assert result.exit_code == 2
    for valid in ("uml", "dependency", "architecture", "call"):
        assert valid in result.stderr


def test_generate_diagram_endpoint(indexed_home):
    asyncio.run(_generate_diagram_endpoint(indexed_home))


async def _generate_diagram_endpoint(indexed_home):
    from devlab.config import load_settings

    application = create_app(load_settings(home=indexed_home))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            ok = await client.post(
                "/api/v1/devlab/reverse/generate-diagram",
                json={"project": "shop", "diagram_type": "call", "format": "plantuml"},
            )
            assert ok.status_code == 200 and "@startuml" in ok.json()["text"]
            bad = await client.post(
                "/api/v1/devlab/reverse/generate-diagram",
                json={"project": "shop", "diagram_type": "flow"},
            )
            assert bad.status_code == 400 and "architecture" in bad.json()["error"]
            missing = await client.post(
                "/api/v1/devlab/reverse/generate-diagram",
                json={"project": "nope", "diagram_type": "uml"},
            )
            assert missing.status_code == 404
