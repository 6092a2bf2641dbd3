"""REST lint findings in the insights feed, on a real store: once per finding across runs,
fixed when gone, scoped to their spec; and through the REST and CLI doors."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from devlab.apibuilder import parse_openapi, record_lint
from devlab.cli import app as cli_app
from devlab.codebase import ingest_source
from devlab.config import Settings
from devlab.errors import InvalidInput, NotFound
from devlab.insights.feed import list_insights, record_analysis
from devlab.reverse import AnalysisReport, Finding
from devlab.server.app import create_app
from devlab.workbench import Workbench
from helpers import write_tree

HERE = Path(__file__).parent
API = "/api/v1/devlab/api"
# GET /pets gains a 404: its error-responses finding is gone
FIXED = (
    (HERE / "petstore.yaml")
    .read_text()
    .replace(
        "                items: {$ref: '#/components/schemas/Pet'}\n",
        "                items: {$ref: '#/components/schemas/Pet'}\n"
        "        \"404\":\n          $ref: '#/components/responses/Problem'\n",
        1,
    )
)
ADMIN = {
    "openapi": "3.1.0",
    "info": {"title": "Admin", "version": "1"},
    "paths": {"/getUsers": {"get": {"responses": {"200": {"description": "ok"}}}}},
}


def _ingest(db, settings, tmp_path: Path, name: str = "svc") -> int:
    root = write_tree(
        tmp_path / name,
        {"app.py": "def handler():\n    return 1\n", "openapi.yaml": FIXED},
    )
    report = ingest_source(db, settings, name=name, source=str(root))
    return report.snapshot_id


def _by_symbol(page) -> dict[str, object]:
    return {i.symbol: i for i in page.items}


def test_lint_enters_the_feed_once_and_is_fixed_when_gone(bench, tmp_path, petstore_text):
    snapshot = _ingest(bench.db, bench.settings, tmp_path)
    code = Finding(
        rule_id="Q-LONG-FN", category="quality", title="Long function", message="long",
        severity="low", confidence="high", path="app.py", start_line=1, end_line=2,
        snippet="def handler():",
    )  # fmt: skip
    record_analysis(
        bench.db, "svc", AnalysisReport(project="svc", snapshot_id=snapshot, phases=["quality"],
                                        findings=[code])
    )  # fmt: skip
    petstore = parse_openapi(petstore_text).model
    first = record_lint(bench.db, "svc", petstore, source="openapi.yaml", text=petstore_text)
    assert len(first.findings) == 2 and first.analysis.new == 2 and first.analysis.fixed == 0
    assert first.analysis.phases == ["api"]
    page = list_insights(bench.db, "svc", type="quality", path="openapi.yaml")
    items = _by_symbol(page)
    listing = items["GET /pets"]
    assert listing.rule_id == "DL-API-ERROR-RESPONSES" and listing.status == "open"
    assert listing.start_line == 11  # the line of `get:` under /pets in the spec's text
    assert items["DELETE /pets/{petId}"].start_line == 60
    assert "no 4xx response" in listing.message and listing.fix and listing.severity == "info"

    again = record_lint(bench.db, "svc", petstore, source="openapi.yaml", text=petstore_text)
    assert again.analysis.new == 0 and again.analysis.fixed == 0
    assert list_insights(bench.db, "svc", path="openapi.yaml").total == 2  # no duplicates

    other = record_lint(
        bench.db, "svc", parse_openapi(json.dumps(ADMIN)).model, source="admin.yaml"
    )
    assert other.analysis.new >= 2 and other.analysis.fixed == 0  # verb path, no version, ...

    fixed = record_lint(
        bench.db, "svc", parse_openapi(FIXED).model, source="openapi.yaml", text=FIXED
    )
    assert fixed.analysis.fixed == 1 and fixed.analysis.new == 0
    gone = list_insights(bench.db, "svc", status="fixed", path="openapi.yaml")
    assert [i.symbol for i in gone.items] == ["GET /pets"]
    assert gone.items[0].status_reason == "no longer reported by analysis"
    # the other spec's findings and the code's own finding are untouched
    assert list_insights(bench.db, "svc", path="admin.yaml").total == other.analysis.new
    assert [i.rule_id for i in list_insights(bench.db, "svc", path="app.py").items] == ["Q-LONG-FN"]
    back = record_lint(bench.db, "svc", petstore, source="openapi.yaml", text=petstore_text)
    assert back.analysis.reopened == 1


def test_bad_lint_targets_say_what_to_change(bench, tmp_path, petstore_model):
    _ingest(bench.db, bench.settings, tmp_path)
    with pytest.raises(NotFound, match="no project 'nope'"):
        record_lint(bench.db, "nope", petstore_model, source="openapi.yaml")
    for bad in ("", "   ", "a\nb", "x" * 301):
        with pytest.raises(InvalidInput, match="name in the feed"):
            record_lint(bench.db, "svc", petstore_model, source=bad)


def _run(home: Path, scenario) -> None:
    async def main() -> None:
        application = create_app(Settings(home=home))
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                await scenario(client)

    asyncio.run(main())


def test_rest_lints_designs_and_specs_into_the_feed(tmp_path, petstore_text):
    home = tmp_path / "home"
    wb = Workbench.open(Settings(home=home))
    try:
        _ingest(wb.db, wb.settings, tmp_path)
    finally:
        wb.close()

    async def scenario(client: httpx.AsyncClient) -> None:
        made = await client.post(
            f"{API}/designs", json={"name": "pets", "schema": petstore_text, "project_id": 1}
        )
        assert made.status_code == 201, made.text
        design = made.json()["id"]
        res = await client.post(f"{API}/designs/{design}/lint")
        assert res.status_code == 200, res.text
        record = res.json()
        assert record["source"] == "api-designs/pets" and record["analysis"]["new"] == 2
        feed = await client.get(
            "/api/v1/devlab/insights", params={"project_id": "svc", "type": "quality"}
        )
        rules = {i["rule_id"] for i in feed.json()["items"] if i["path"] == "api-designs/pets"}
        assert rules == {"DL-API-ERROR-RESPONSES"}
        spec = await client.post(
            f"{API}/lint/insights",
            json={"schema": FIXED, "project_id": "svc", "name": "openapi.yaml"},
        )
        assert spec.status_code == 200 and spec.json()["analysis"]["new"] == 1
        by_design = await client.post(f"{API}/lint/insights", json={"design_id": design})
        assert by_design.json()["analysis"]["new"] == 0  # the design's project and path
        missing = await client.post(f"{API}/lint/insights", json={"schema": FIXED})
        assert missing.status_code == 422 and "project_id" in missing.json()["error"]
        loose = await client.post(f"{API}/designs", json={"name": "loose", "schema": FIXED})
        alone = await client.post(f"{API}/designs/{loose.json()['id']}/lint")
        assert alone.status_code == 422 and "no project" in alone.json()["error"]
        unknown = await client.post(
            f"{API}/lint/insights", json={"schema": FIXED, "project_id": "ghost"}
        )
        assert unknown.status_code == 404
        mine = await client.get(f"{API}/designs", params={"project_id": "svc"})
        assert [d["name"] for d in mine.json()] == ["pets"]
        every = await client.get(f"{API}/designs")
        assert [d["name"] for d in every.json()] == ["pets", "loose"]
        nobody = await client.get(f"{API}/designs", params={"project_id": "ghost"})
        assert nobody.status_code == 404
        orphan = await client.post(
            f"{API}/designs", json={"name": "orphan", "schema": FIXED, "project_id": 999999}
        )
        assert orphan.status_code == 404 and "no project 999999" in orphan.json()["error"]

    _run(home, scenario)


def test_cli_lint_records_into_the_feed(tmp_path, petstore_text):
    home = tmp_path / "home"
    wb = Workbench.open(Settings(home=home))
    try:
        _ingest(wb.db, wb.settings, tmp_path)
    finally:
        wb.close()
    spec = tmp_path / "openapi.yaml"
    spec.write_text(petstore_text)
    runner = CliRunner()
    base = ["--home", str(home), "api", "lint", str(spec)]
    plain = runner.invoke(cli_app, base)
    assert plain.exit_code == 0 and "error-responses" in plain.stdout
    recorded = runner.invoke(cli_app, [*base, "--project", "svc"])
    assert recorded.exit_code == 0, recorded.output
    assert "2 new, 0 fixed" in recorded.stdout
    spec.write_text(FIXED)
    again = runner.invoke(cli_app, [*base, "--project", "svc", "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["analysis"]["fixed"] == 1
    feed = runner.invoke(
        cli_app,
        ["--home", str(home), "insights", "-p", "svc", "--path", "openapi.yaml", "--json"],
    )
    assert [i["symbol"] for i in json.loads(feed.stdout)["items"]] == ["DELETE /pets/{petId}"]
    listed = runner.invoke(cli_app, ["--home", str(home), "api", "designs", "-p", "svc"])
    assert listed.exit_code == 0 and listed.stdout == ""  # no designs of svc yet
    neither = runner.invoke(cli_app, ["--home", str(home), "api", "lint"])
    assert neither.exit_code != 0 and "--design" in neither.output
