"""The workbench's pages as the server serves them: deep links, the redirect from /,
the favicon, unknown pages, and a clear 503 when the front end was never built."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from devlab.server import ui
from devlab.server.app import create_app


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>DevLab</title>", encoding="utf-8")
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (dist / "assets" / "index-abc.js").write_text("console.log(1)")
    monkeypatch.setattr(ui, "dist_dir", lambda: dist)
    return dist


def test_every_page_is_the_app_and_root_redirects(sqlite_settings, built):
    with TestClient(create_app(sqlite_settings)) as client:
        root = client.get("/", follow_redirects=False)
        assert root.status_code == 307 and root.headers["location"] == "/devlab/sandbox"
        for page in ui.PAGES:
            response = client.get(f"/devlab/{page}")
            assert response.status_code == 200 and "<title>DevLab" in response.text
        assert client.get("/favicon.ico").headers["content-type"] == "image/svg+xml"
        asset = client.get("/devlab/assets/index-abc.js")
        assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
        missing = client.get("/devlab/nowhere")
        assert missing.status_code == 404 and "sandbox" in missing.json()["error"]
        assert client.get("/devlab/assets/..%2Findex.html").status_code == 404


def test_unbuilt_front_end_says_how_to_build_it(sqlite_settings, tmp_path, monkeypatch):
    monkeypatch.setattr(ui, "dist_dir", lambda: tmp_path / "never-built")
    with TestClient(create_app(sqlite_settings)) as client:
        response = client.get("/devlab/sandbox")
        assert response.status_code == 503
        assert "npm ci" in response.text and "setup.sh" in response.text
        assert client.get("/api/v1/health").status_code == 200  # the API still works
