"""The analysis and insights doors on a real uvicorn server, and `devlab insights`."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.config import Settings
from helpers import FLASK_CMDI, assert_error_shape, serve_in_thread, wait_job, write_tree

runner = CliRunner()

APP = {
    "app.py": FLASK_CMDI,
    "util.py": "def add(a, b):\n    # TODO: overflow\n    return a + b\n",
}


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    for hostport in serve_in_thread(settings):
        yield f"http://{hostport}"


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


@pytest.mark.slow
def test_zip_upload_is_analysed_into_the_feed(server, settings):
    resp = httpx.post(
        f"{server}/api/v1/devlab/reverse/analyze",
        files={"file": ("pinger.zip", _zip(APP), "application/zip")},
    )
    assert resp.status_code == 202, resp.text
    job = wait_job(server, resp.json()["id"])
    assert job["status"] == "succeeded", job
    summary = job["result"]
    assert summary["project"] == "pinger" and summary["new"] == summary["findings"] > 0
    assert set(summary["phases"]) == {"quality", "security", "secrets", "dependencies"}
    assert list((settings.home / "uploads").iterdir()) == []  # the upload is cleaned up

    feed = httpx.get(
        f"{server}/api/v1/devlab/insights", params={"project_id": "pinger", "type": "security"}
    ).json()
    assert feed["last_analysis"]["id"] == summary["id"]
    top = feed["items"][0]
    assert top["cwe"] == "CWE-78" and top["reachability"] == "tainted" and top["new"]
    quality = httpx.get(
        f"{server}/api/v1/devlab/insights", params={"project_id": "pinger", "type": "quality"}
    ).json()
    assert all(i["category"] == "quality" for i in quality["items"])

    # dismiss with a reason; the open feed no longer shows it, the dismissed one does
    patched = httpx.patch(
        f"{server}/api/v1/devlab/insights/{top['id']}",
        json={"status": "dismissed", "reason": "ping is admin-only"},
    )
    assert patched.status_code == 200 and patched.json()["status"] == "dismissed"
    assert_error_shape(
        httpx.patch(f"{server}/api/v1/devlab/insights/{top['id']}", json={"status": "fixed"}),
        422,
    )
    assert_error_shape(
        httpx.patch(f"{server}/api/v1/devlab/insights/{top['id']}", json={"status": "dismissed"}),
        422,
    )
    assert_error_shape(httpx.patch(f"{server}/api/v1/devlab/insights/999999", json={}), 422)
    assert_error_shape(
        httpx.patch(f"{server}/api/v1/devlab/insights/999999", json={"status": "open"}), 404
    )
    dismissed = httpx.get(
        f"{server}/api/v1/devlab/insights",
        params={"project_id": "pinger", "status": "dismissed"},
    ).json()
    assert [i["id"] for i in dismissed["items"]] == [top["id"]]

    # re-analyse the existing project through /insights/generate: nothing new, nothing fixed
    again = httpx.post(f"{server}/api/v1/devlab/insights/generate", json={"project_id": "pinger"})
    assert again.status_code == 202
    second = wait_job(server, again.json()["id"])["result"]
    assert second["new"] == 0 and second["fixed"] == 0
    sarif = httpx.get(f"{server}/api/v1/devlab/insights/sarif", params={"project_id": "pinger"})
    assert sarif.json()["version"] == "2.1.0"
    assert len(sarif.json()["runs"][0]["results"]) == second["open"]


@pytest.mark.slow
def test_detect_vulnerabilities_for_a_project_and_for_a_snippet(server, tmp_path):
    root = write_tree(tmp_path / "svc", APP)
    resp = httpx.post(
        f"{server}/api/v1/devlab/reverse/analyze", json={"source": str(root), "name": "svc"}
    )
    assert resp.status_code == 202
    wait_job(server, resp.json()["id"])
    vuln = httpx.post(
        f"{server}/api/v1/devlab/reverse/detect-vulnerabilities", json={"project_id": "svc"}
    )
    assert vuln.status_code == 202 and vuln.json()["kind"] == "detect-vulnerabilities"
    result = wait_job(server, vuln.json()["id"])["result"]
    assert result["phases"] == ["security", "secrets", "dependencies"]
    assert result["fixed"] == 0  # quality insights are untouched by a security-only run

    snippet = httpx.post(
        f"{server}/api/v1/devlab/reverse/detect-vulnerabilities",
        json={"code": APP["app.py"], "language": "python"},
    )
    assert snippet.status_code == 200
    assert any(f["cwe"] == "CWE-78" for f in snippet.json()["findings"])
    broken = httpx.post(
        f"{server}/api/v1/devlab/reverse/detect-vulnerabilities",
        json={"code": "def f(:\n", "language": "python"},
    )
    assert "line 1" in assert_error_shape(broken, 422)["error"]
    unknown = httpx.post(
        f"{server}/api/v1/devlab/insights/generate", json={"code": "x", "language": "cobol"}
    )
    assert "cobol" in assert_error_shape(unknown, 422)["error"]


def test_bad_analysis_requests_are_4xx_with_the_reason(server, settings):
    base = f"{server}/api/v1/devlab"
    evil = _zip({"../escape.py": "x = 1\n"})
    body = assert_error_shape(
        httpx.post(f"{base}/reverse/analyze", files={"file": ("evil.zip", evil)}), 400
    )
    assert "escape" in body["error"] or ".." in body["error"]
    assert list((settings.home / "uploads").iterdir()) == []
    assert_error_shape(httpx.post(f"{base}/reverse/analyze", json={"project_id": "nope"}), 404)
    assert_error_shape(httpx.post(f"{base}/reverse/analyze", json={}), 422)
    # no Content-Type on a body: 415 (issue 13: only JSON or multipart start work)
    assert_error_shape(httpx.post(f"{base}/reverse/analyze", content=b"{not json"), 415)
    assert_error_shape(
        httpx.post(
            f"{base}/reverse/analyze",
            content=b"{not json",
            headers={"content-type": "application/json"},
        ),
        422,
    )
    phases = httpx.post(
        f"{base}/reverse/analyze", json={"source": "/nowhere", "name": "x", "phases": ["speed"]}
    )
    assert "choose from" in assert_error_shape(phases, 422)["error"]
    assert_error_shape(httpx.get(f"{base}/insights", params={"project_id": "nope"}), 404)
    assert_error_shape(httpx.get(f"{base}/insights"), 422)
    assert_error_shape(httpx.post(f"{base}/insights/generate", json={}), 422)
    assert httpx.get(f"{base}/projects").json() == []  # nothing half-created


def test_insights_cli_lists_dismisses_and_reopens(tmp_path):
    home = tmp_path / "home"
    root = write_tree(tmp_path / "pinger", APP)
    analysed = runner.invoke(app, ["--home", str(home), "analyze", str(root)])
    assert analysed.exit_code == 0, analysed.output
    assert "insights:" in analysed.stdout and "new" in analysed.stdout
    listed = runner.invoke(
        app,
        ["--home", str(home), "insights", "--project", "pinger", "--type", "security", "--json"],
    )
    assert listed.exit_code == 0, listed.output
    page = json.loads(listed.stdout)
    top = page["items"][0]
    assert top["cwe"] == "CWE-78" and page["type"] == "security"
    text = runner.invoke(app, ["--home", str(home), "insights", "-p", "pinger"])
    assert f"#{top['id']}" in text.stdout and "NEW" in text.stdout
    dismissed = runner.invoke(
        app, ["--home", str(home), "insights", "dismiss", str(top["id"]), "-r", "false positive"]
    )
    assert dismissed.exit_code == 0, dismissed.output
    after = json.loads(
        runner.invoke(app, ["--home", str(home), "insights", "-p", "pinger", "--json"]).stdout
    )
    assert top["id"] not in [i["id"] for i in after["items"]]
    reopened = runner.invoke(app, ["--home", str(home), "insights", "reopen", str(top["id"])])
    assert reopened.exit_code == 0
    bad = runner.invoke(app, ["--home", str(home), "insights", "-p", "pinger", "--type", "style"])
    assert bad.exit_code == 2 and "security, performance" in bad.stderr
    missing = runner.invoke(app, ["--home", str(home), "insights"])
    assert missing.exit_code == 2 and "--project" in missing.output
    unknown = runner.invoke(app, ["--home", str(home), "insights", "dismiss", "999", "-r", "x"])
    assert unknown.exit_code == 2 and "999" in unknown.stderr


def test_cli_analyze_is_not_confined_to_the_ingestion_roots(tmp_path, monkeypatch):
    # The roots confine the server's doors; the CLI's user can read the files anyway (as
    # `devlab ingest` is not confined, `devlab analyze DIR` is not either).
    src = write_tree(tmp_path / "elsewhere" / "pinger", APP)
    for place in ("user", "cwd"):
        (tmp_path / place).mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.chdir(tmp_path / "cwd")
    home = tmp_path / "home"
    result = runner.invoke(
        app, ["--home", str(home), "analyze", str(src), "--phases", "security", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["project"] == "pinger" and any(f["cwe"] == "CWE-78" for f in report["findings"])
