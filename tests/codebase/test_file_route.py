"""GET /projects/{project}/file: one file of the current snapshot, scrubbed; clear 404s."""

from __future__ import annotations

from fastapi.testclient import TestClient

from devlab.search import index_project
from devlab.server.app import create_app
from devlab.store.db import Database


def test_file_text_of_the_current_snapshot(sqlite_settings, sample_repo):
    db = Database(sqlite_settings)
    index_project(db, sqlite_settings, name="shop", source=str(sample_repo), embed=False)
    db.engine.dispose()
    with TestClient(create_app(sqlite_settings)) as client:
        url = "/api/v1/devlab/projects/shop/file"
        got = client.get(url, params={"path": "shop/pricing.py"})
        assert got.status_code == 200
        body = got.json()
        assert body["language"] == "python" and "def apply_discount" in body["text"]
        missing = client.get(url, params={"path": "shop/nothing.py"})
        assert missing.status_code == 404 and "shop/nothing.py" in missing.json()["error"]
        assert client.get(url).status_code == 422  # path is required
        unknown = client.get("/api/v1/devlab/projects/nope/file", params={"path": "a.py"})
        assert unknown.status_code == 404
