"""The lab's doors: `devlab tests ...` and the REST routes on a real uvicorn server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.config import Settings
from devlab.workbench import Workbench
from helpers import assert_error_shape, serve_in_thread, wait_job
from lab_projects import CALC, ingest

runner = CliRunner()

SNIPPET = "def sign(x: int) -> int:\n    if x < 0:\n        return -1\n    return 1\n"


@pytest.fixture
def server(lab_settings: Settings) -> Iterator[str]:
    for hostport in serve_in_thread(lab_settings):
        yield f"http://{hostport}"


@pytest.mark.sandbox
@pytest.mark.slow
def test_cli_coverage_and_generate(calc: Workbench, tmp_path):
    home = str(calc.settings.home)
    out = runner.invoke(app, ["--home", home, "tests", "coverage", "calc", "--json",
                              "--test-timeout", "1"])  # fmt: skip
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["status"] == "tests_failed" and report["id"]
    diff = tmp_path / "gen.diff"
    out = runner.invoke(app, ["--home", home, "tests", "generate", "calc", "--path",
                              "calc/other.py", "--no-model", "--out", str(diff)])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "calc/other.py: line 0.0% -> 100.0%" in out.stdout
    assert diff.read_text().startswith("--- /dev/null")


def test_cli_bad_input_exits_2_with_a_message(lab_bench: Workbench):
    home = str(lab_bench.settings.home)
    out = runner.invoke(app, ["--home", home, "tests", "coverage", "nope"])
    assert out.exit_code == 2 and "no project 'nope'" in out.output
    out = runner.invoke(app, ["--home", home, "tests", "generate", "nope", "--path", "a.py",
                              "--framework", "mocha"])  # fmt: skip
    assert out.exit_code == 2 and "supported: pytest" in out.output


@pytest.mark.sandbox
@pytest.mark.slow
def test_rest_coverage_job_and_snippet_tests(server: str, lab_settings: Settings, tmp_path):
    bench = Workbench.open(lab_settings)
    try:
        ingest(bench, tmp_path, "calc", CALC)
    finally:
        bench.close()
    api = f"{server}/api/v1/devlab"
    assert_error_shape(httpx.get(f"{api}/testing/coverage", params={"project": "calc"}), 404)
    resp = httpx.post(f"{api}/testing/coverage", json={"project": "calc", "test_timeout": 1})
    assert resp.status_code == 202, resp.text
    assert resp.json()["events"].endswith(f"/jobs/{resp.json()['id']}/events")
    job = wait_job(server, resp.json()["id"], timeout=300)
    assert job["status"] == "succeeded", job
    latest = httpx.get(f"{api}/testing/coverage", params={"project": "calc"}).json()
    assert latest["id"] == job["result"]["id"] and latest["files"]
    runs = httpx.get(f"{api}/testing/runs", params={"project": "calc"}).json()
    assert [r["kind"] for r in runs] == ["coverage"]
    body = {"code": SNIPPET, "framework": "pytest", "coverage": 90, "use_model": False}
    resp = httpx.post(f"{api}/generate/tests", json=body, timeout=300)
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert result["after"]["line_percent"] == 100 and result["kept"]
    assert "def test_sign" in result["test_code"]


def test_rest_bad_input(server: str):
    api = f"{server}/api/v1/devlab"
    body = assert_error_shape(
        httpx.post(f"{api}/generate/tests", json={"code": SNIPPET, "framework": "mocha"}), 400
    )
    assert "supported: pytest" in body["error"]
    assert_error_shape(httpx.post(f"{api}/generate/tests", json={"framework": "pytest"}), 422)
    assert_error_shape(httpx.post(f"{api}/testing/coverage", json={"project": "nope"}), 404)
    assert_error_shape(
        httpx.post(f"{api}/testing/generate", json={"project": "x", "path": "a.py",
                                                    "framework": "junit5"}), 400)  # fmt: skip
    assert_error_shape(httpx.get(f"{api}/testing/runs/999"), 404)
