"""The reverse-engineering doors: `devlab diagram` and POST /reverse/generate-diagram."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.server.app import create_app
from helpers import FLASK_CMDI

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


VULNERABLE_APP = {
    "app.py": FLASK_CMDI,
    "requirements.txt": "flask==0.12\njinja2==2.10\n",
    "settings.py": 'API_TOKEN = "ghp_' + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8" + '"\n',
}

OSV_JINJA = {
    "id": "PYSEC-2021-66",
    "summary": "Jinja2 ReDoS in the urlize filter",
    "aliases": ["CVE-2020-28493"],
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "jinja2"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.11.3"}]}],
        }
    ],
}


def test_analyze_ingests_a_directory_and_reports_every_kind_of_finding(tmp_path):
    import json

    from helpers import write_tree

    home = tmp_path / "home"
    repo = write_tree(tmp_path / "vuln-app", VULNERABLE_APP)
    osv = tmp_path / "osv.json"
    osv.write_text(json.dumps([OSV_JINJA]))
    imported = runner.invoke(app, ["--home", str(home), "vulndb", "import", str(osv), "--json"])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["total"] == 1
    sarif = tmp_path / "out.sarif"
    result = runner.invoke(
        app, ["--home", str(home), "analyze", str(repo), "--sarif", str(sarif), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["project"] == "vuln-app" and report["vulndb_loaded"] is True
    by_rule = {f["rule_id"]: f for f in report["findings"]}
    injection = next(f for f in report["findings"] if f["cwe"] == "CWE-78")
    assert injection["path"] == "app.py" and injection["taint_path"]
    assert by_rule["DL-SECRET"]["path"] == "settings.py"
    assert "ghp_" not in json.dumps(report)  # the secret value never reaches a report
    vulnerable = by_rule["DL-DEP-VULN"]
    assert "jinja2" in vulnerable["message"] and vulnerable["category"] == "dependency"
    assert report["dependency_status"] == {"vulnerable": 1, "not affected": 1}
    log = json.loads(sarif.read_text())
    assert log["version"] == "2.1.0" and len(log["runs"][0]["results"]) == len(report["findings"])
    # the project now exists: analysing it by name needs no ingestion
    again = runner.invoke(app, ["--home", str(home), "analyze", "vuln-app", "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["project"] == "vuln-app"


def test_vulndb_import_of_a_non_osv_file_keeps_the_old_database(tmp_path):
    import json

    home = tmp_path / "home"
    good = tmp_path / "osv.json"
    good.write_text(json.dumps(OSV_JINJA))
    assert runner.invoke(app, ["--home", str(home), "vulndb", "import", str(good)]).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "not an advisory"}))
    result = runner.invoke(app, ["--home", str(home), "vulndb", "import", str(bad)])
    assert result.exit_code == 2 and "OSV" in result.stderr
    status = runner.invoke(app, ["--home", str(home), "vulndb", "status", "--json"])
    assert json.loads(status.stdout)["advisories"] == 1


def test_analyze_unknown_project_is_exit_2(tmp_path):
    result = runner.invoke(app, ["--home", str(tmp_path / "h"), "analyze", "no-such-project"])
    assert result.exit_code == 2 and "no project" in result.stderr
