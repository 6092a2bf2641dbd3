"""The REST API on a real uvicorn server started by the test."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator

import httpx
import pytest

from devlab.config import Settings
from helpers import SAMPLE, assert_error_shape, serve_in_thread, wait_job


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    for hostport in serve_in_thread(settings):
        yield f"http://{hostport}"


def test_health_reports_version_database_and_components(server):
    body = httpx.get(f"{server}/api/v1/health").json()
    assert body["status"] == "ok" and body["version"]
    assert body["database"]["ok"] is True
    assert {"sqlite_vec", "tree_sitter", "git"} <= set(body["components"])
    assert httpx.get(f"{server}/docs").status_code == 200
    # the document is built on first use: seconds on loaded cores (httpx waits 5 s)
    spec = httpx.get(f"{server}/openapi.json", timeout=60).json()
    assert "/api/v1/devlab/search" in spec["paths"]
    assert "DevLab" in httpx.get(f"{server}/", follow_redirects=True).text


@pytest.mark.model
@pytest.mark.slow
def test_create_project_ingests_and_search_returns_cited_results(server, sample_repo):
    resp = httpx.post(
        f"{server}/api/v1/devlab/projects", json={"name": "shop", "source": str(sample_repo)}
    )
    assert resp.status_code == 202
    job = resp.json()
    assert job["kind"] == "ingest" and job["status"] in ("queued", "running", "succeeded")

    # SSE: progress events, then an end event carrying the finished job
    events = []
    with httpx.stream("GET", f"{server}/api/v1/devlab/jobs/{job['id']}/events", timeout=120) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith("event: "):
                events.append(line[7:])
            if line.startswith("data: ") and events[-1] == "end":
                final = json.loads(line[6:])
                break
    assert "progress" in events and events[-1] == "end"
    assert final["status"] == "succeeded", final
    assert final["result"]["files"] == 6

    projects = httpx.get(f"{server}/api/v1/devlab/projects").json()
    assert [p["name"] for p in projects] == ["shop"]
    pid = projects[0]["id"]
    assert httpx.get(f"{server}/api/v1/devlab/projects/{pid}").json()["name"] == "shop"
    files = httpx.get(f"{server}/api/v1/devlab/projects/shop/files").json()
    assert {f["path"] for f in files["files"]} >= {"shop/cart.py", "web/server.js"}
    symbols = httpx.get(
        f"{server}/api/v1/devlab/projects/shop/symbols", params={"pattern": "Cart.*"}
    ).json()
    assert {s["qualname"] for s in symbols} >= {"Cart.add_item", "Cart.total"}
    repo_map = httpx.get(
        f"{server}/api/v1/devlab/projects/shop/repo-map", params={"max_tokens": 200}
    ).json()
    assert repo_map["tokens"] <= 200 and "apply_discount" in repo_map["text"]

    results = httpx.post(
        f"{server}/api/v1/devlab/search",
        json={"project": "shop", "query": "discount on large orders"},
    ).json()
    top = results[0]
    assert set(top) >= {
        "path",
        "start_line",
        "end_line",
        "symbol",
        "kind",
        "language",
        "snippet",
        "score",
        "lexical_rank",
        "semantic_rank",
    }
    assert top["symbol"] == "apply_discount" and top["path"] == "shop/pricing.py"
    only_js = httpx.post(
        f"{server}/api/v1/devlab/search",
        json={"project": "shop", "query": "render", "language": "javascript"},
    )
    assert {r["language"] for r in only_js.json()} == {"javascript"}
    callers = httpx.get(
        f"{server}/api/v1/devlab/projects/shop/callers", params={"name": "apply_discount"}
    ).json()
    assert [(c["path"], c["scope"]) for c in callers] == [("shop/cart.py", "Cart.total")]


@pytest.mark.model
@pytest.mark.slow
def test_zip_upload_is_ingested(server):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for rel, content in SAMPLE.items():
            zf.writestr(f"shop/{rel}", content)
    resp = httpx.post(
        f"{server}/api/v1/devlab/projects",
        data={"name": "uploaded"},
        files={"file": ("shop.zip", buf.getvalue(), "application/zip")},
    )
    assert resp.status_code == 202, resp.text
    job = wait_job(server, resp.json()["id"])
    assert job["status"] == "succeeded", (job.get("error"), job.get("message"), job)
    assert job["result"]["source_kind"] == "zip"
    info = httpx.get(f"{server}/api/v1/devlab/projects/uploaded").json()
    assert info["source"] == "upload:shop.zip"


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../../evil.py": b"import os\n"}, "unsafe"),
        ({"/abs/evil.py": b"x = 1\n"}, "unsafe"),
        ({"bomb.txt": b"\0" * (8 << 20)}, "ratio"),
    ],
    ids=["traversal", "absolute", "bomb-ratio"],
)
def test_unsafe_zip_upload_is_refused_with_4xx_and_nothing_left(server, settings, members, message):
    resp = httpx.post(
        f"{server}/api/v1/devlab/projects",
        data={"name": "evil"},
        files={"file": ("evil.zip", _zip_bytes(members), "application/zip")},
    )
    body = assert_error_shape(resp, 400)
    assert message in body["error"]
    assert list((settings.home / "uploads").iterdir()) == []
    assert httpx.get(f"{server}/api/v1/devlab/projects").json() == []


@pytest.mark.parametrize(
    "filename, content",
    [("c.zip", b"PK\x03\x04 not really"), ("notes.txt", b"not an archive at all\n")],
    ids=["truncated-zip", "not-a-zip"],
)
@pytest.mark.parametrize("door", ["/projects", "/reverse/analyze"])
def test_unreadable_upload_is_a_400_like_an_unsafe_one(server, settings, door, filename, content):
    # Issue 13: a file that is not a ZIP answers as a bad ZIP does (400), on both doors
    resp = httpx.post(
        f"{server}/api/v1/devlab{door}",
        data={"name": "c"},
        files={"file": (filename, content, "application/octet-stream")},
    )
    body = assert_error_shape(resp, 400)
    assert "not a readable zip archive" in body["error"]
    assert list((settings.home / "uploads").iterdir()) == []


def test_errors_have_one_shape(server):
    assert_error_shape(httpx.get(f"{server}/api/v1/devlab/projects/nope"), 404)
    assert_error_shape(
        httpx.post(f"{server}/api/v1/devlab/search", json={"project": "nope", "query": "x"}), 404
    )
    assert_error_shape(
        httpx.post(f"{server}/api/v1/devlab/search", json={"project": "nope", "query": ""}), 422
    )
    assert_error_shape(
        httpx.post(
            f"{server}/api/v1/devlab/search", json={"project": "p", "query": "x", "mode": "magic"}
        ),
        422,
    )
    assert_error_shape(httpx.get(f"{server}/api/v1/devlab/jobs/nope"), 404)
    assert_error_shape(httpx.post(f"{server}/api/v1/devlab/jobs/nope/cancel"), 404)
    body = assert_error_shape(
        httpx.post(f"{server}/api/v1/devlab/projects", json={"name": "bad name!", "source": "."}),
        422,
    )
    assert "project name" in body["error"]
    assert_error_shape(
        httpx.post(
            f"{server}/api/v1/devlab/projects",
            content=b"{not json",
            headers={"content-type": "application/json"},
        ),
        422,
    )
    assert_error_shape(
        httpx.post(
            f"{server}/api/v1/devlab/projects", data={"name": "x"}, files={"other": ("a.txt", b"x")}
        ),
        422,
    )


def test_missing_or_empty_source_is_refused_before_anything_is_created(server, tmp_path):
    # Issue 13: validation before create: no failed project is left behind.
    for source in (str(tmp_path / "does-not-exist"), "", "   "):
        resp = httpx.post(
            f"{server}/api/v1/devlab/projects", json={"name": "ghost", "source": source}
        )
        assert resp.status_code == 422, resp.text
        assert "source" in resp.json()["error"]
    assert httpx.get(f"{server}/api/v1/devlab/projects/ghost").status_code == 404
