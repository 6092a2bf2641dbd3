"""The REST contract holes an API fuzzer and a cross-site attacker found (issue 13),
each on a real uvicorn server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from devlab.cli import app as cli_app
from devlab.config import Settings, load_settings
from helpers import SAMPLE, serve_in_thread, wait_job, write_tree

HUGE = str(2**64)
API = "/api/v1/devlab"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home")


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    for hostport in serve_in_thread(settings):
        yield f"http://{hostport}"


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the requests that must be refused (they change nothing)."""
    home = tmp_path_factory.mktemp("shared") / "home"
    for hostport in serve_in_thread(load_settings(home=home)):
        yield f"http://{hostport}"


OVERFLOW_CASES = [
    ("GET", f"{API}/insights/{HUGE}", None),
    ("PATCH", f"{API}/insights/{HUGE}", {"status": "dismissed"}),
    ("GET", f"{API}/insights?project_id=x&offset={HUGE}", None),
    ("GET", f"{API}/projects/{HUGE}", None),
    ("GET", f"{API}/projects/{HUGE}/snapshots", None),
    ("GET", f"{API}/projects/{HUGE}/files?offset={HUGE}", None),
    ("GET", f"{API}/jobs/x/logs?after={HUGE}", None),
    ("GET", f"{API}/datasets/{HUGE}", None),
    ("GET", f"{API}/datasets/x/examples?offset={HUGE}", None),
    ("GET", f"{API}/evaluations/{HUGE}", None),
    ("GET", f"{API}/evaluations/compare?a={HUGE}&b=1", None),
    ("GET", f"{API}/models/{HUGE}/lineage", None),
    ("GET", f"{API}/training/runs/{HUGE}", None),
    ("GET", f"{API}/companion/conversations/{HUGE}", None),
    ("DELETE", f"{API}/companion/conversations/{HUGE}", None),
    ("PATCH", f"{API}/feedback/{HUGE}", {"training_consent": False}),
    ("POST", f"{API}/feedback", {"message_id": 2**64, "rating": "up"}),
    ("POST", f"{API}/search", {"project": HUGE, "query": "x"}),
    ("POST", f"{API}/datasets", {"kind": "code", "project": HUGE}),
    ("POST", f"{API}/projects/²/snapshots", None),
    ("GET", f"{API}/projects/²", None),
]


@pytest.mark.parametrize(("method", "path", "body"), OVERFLOW_CASES)
def test_integers_beyond_64_bits_are_4xx_never_500(shared_server, method, path, body) -> None:
    resp = httpx.request(method, f"{shared_server}{path}", json=body, timeout=30)
    assert resp.status_code < 500, (path, resp.status_code, resp.text[:300])


@pytest.mark.sandbox
def test_state_changing_requests_need_json_or_multipart(server, tmp_path) -> None:
    src = write_tree(tmp_path / "repo", SAMPLE)
    for path, body in (
        (f"{API}/execute", {"language": "python", "code": "print(1)"}),
        (f"{API}/projects", {"name": "p", "source": str(src)}),
    ):
        for kind in ("text/plain", "application/x-www-form-urlencoded", None):
            headers = {"content-type": kind} if kind else {}
            resp = httpx.post(f"{server}{path}", content=json.dumps(body), headers=headers)
            assert resp.status_code == 415, (path, kind, resp.text)
            assert "application/json" in resp.json()["error"]
    assert httpx.get(f"{server}{API}/projects").json() == []  # nothing was started
    ok = httpx.post(
        f"{server}{API}/execute", json={"language": "python", "code": "print(1)"}, timeout=60
    )
    assert ok.status_code == 200, ok.text


@pytest.mark.sandbox
def test_cross_site_origins_and_rebinding_hosts_are_refused(server) -> None:
    body = {"language": "python", "code": "print(1)"}
    url = f"{server}{API}/execute"
    evil = httpx.post(url, json=body, headers={"origin": "https://evil.example"})
    assert evil.status_code == 403 and "Origin" in evil.json()["error"]
    assert httpx.post(url, json=body, headers={"origin": "null"}).status_code == 403
    own = httpx.post(url, json=body, headers={"origin": server}, timeout=60)
    assert own.status_code == 200, own.text
    port = server.rsplit(":", 1)[1]
    rebound = httpx.get(f"{server}/api/v1/health", headers={"host": f"evil.example:{port}"})
    assert rebound.status_code == 400 and "DNS" in rebound.json()["error"]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "devbox"):
        assert httpx.get(f"{server}/api/v1/health", headers={"host": host}).status_code == 200


def test_websocket_from_another_origin_is_refused(server) -> None:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    ws_url = server.replace("http://", "ws://") + f"{API}/execute/stream"
    with (
        pytest.raises(InvalidStatus),
        connect(ws_url, origin="https://evil.example", open_timeout=10),
    ):
        pass


@pytest.mark.model  # the allowed ingestion embeds (the packaged embedding model)
def test_ingestion_of_server_paths_is_limited_to_the_roots(tmp_path) -> None:
    inside = write_tree(tmp_path / "allowed" / "repo", SAMPLE)
    outside = write_tree(tmp_path / "elsewhere" / "repo", SAMPLE)
    cfg = load_settings(home=tmp_path / "home", ingest_roots=[tmp_path / "allowed"])
    (cfg.home / "uploads").mkdir(parents=True, exist_ok=True)
    for base in serve_in_thread(cfg):
        url = f"http://{base}{API}/projects"
        for source in ("/etc", "/proc/self", str(cfg.home), str(outside)):
            resp = httpx.post(url, json={"name": "x", "source": source})
            assert resp.status_code == 403, (source, resp.text)
        assert httpx.get(url).json() == []
        accepted = httpx.post(url, json={"name": "ok", "source": str(inside)})
        assert accepted.status_code == 202
        # ends here, not in the next test's time (its embedding would be charged there)
        assert wait_job(f"http://{base}", accepted.json()["id"])["status"] == "succeeded"


def test_405_names_the_allowed_methods(server) -> None:
    resp = httpx.put(f"{server}{API}/execute", json={})
    assert resp.status_code == 405 and "POST" in resp.headers["allow"]


def test_cli_ingest_of_a_missing_path_creates_nothing(tmp_path) -> None:
    home = tmp_path / "home"
    runner = CliRunner()
    bad = runner.invoke(
        cli_app, ["--home", str(home), "ingest", str(tmp_path / "nope"), "--name", "x"]
    )
    assert bad.exit_code != 0 and "does not exist" in " ".join(bad.output.split())
    listed = runner.invoke(cli_app, ["--home", str(home), "projects", "--json"])
    assert listed.exit_code == 0 and json.loads(listed.output or "[]") == [], listed.output


@pytest.mark.slow
def test_docs_and_redoc_load_their_assets_from_the_server(server) -> None:
    import re

    for page in ("/docs", "/redoc"):
        html = httpx.get(f"{server}{page}", timeout=60).text  # slow cores: no 5 s default
        urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?['"]([^'"]+)['"]""", html)
        assets = [a or b for a, b in urls]
        assert assets, html[:500]
        for asset in assets:
            assert asset.startswith("/"), f"{page} loads {asset} from elsewhere"
            resp = httpx.get(f"{server}{asset}", timeout=60)
            assert resp.status_code == 200 and len(resp.content) > 100, asset


@pytest.mark.model
def test_delete_project_removes_rows_and_index_entries_and_refuses_while_a_job_runs(
    server, settings, tmp_path
) -> None:
    from sqlalchemy import func, select, text

    from devlab.store.db import Database
    from devlab.store.models import ChunkRow, FileVersion, Job, Snapshot
    from helpers import wait_job

    src = write_tree(tmp_path / "repo", SAMPLE)
    job = httpx.post(f"{server}{API}/projects", json={"name": "shop", "source": str(src)}).json()
    assert wait_job(server, job["id"])["status"] == "succeeded"
    db = Database(settings)
    try:
        with db.session() as s:
            pid = s.scalar(select(Snapshot.project_id))
            assert s.scalar(select(func.count()).select_from(ChunkRow)) > 0
            s.add(Job(id="busy-1", kind="analyze", status="running", project_id=pid, params={}))
        busy = httpx.delete(f"{server}{API}/projects/shop")
        assert busy.status_code == 409 and "busy-1" in busy.json()["error"]
        with db.session() as s:
            s.get(Job, "busy-1").status = "succeeded"
        gone = httpx.delete(f"{server}{API}/projects/shop")
        assert gone.status_code == 200, gone.text
        assert gone.json()["chunks"] > 0 and gone.json()["files"] > 0
        assert httpx.get(f"{server}{API}/projects/shop").status_code == 404
        assert httpx.delete(f"{server}{API}/projects/shop").status_code == 404
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(ChunkRow)) == 0
            assert s.scalar(select(func.count()).select_from(FileVersion)) == 0
            assert s.scalar(select(func.count()).select_from(Snapshot)) == 0
            if db.is_sqlite:
                fts = s.execute(text("SELECT count(*) FROM chunks_fts")).scalar()
                assert fts == 0
    finally:
        db.close()


@pytest.mark.slow
def test_delete_dataset_removes_its_row_and_files(server, settings) -> None:
    from devlab.store.db import Database
    from devlab.store.models import DatasetRow, Job

    db = Database(settings)
    try:
        folder = settings.home / "datasets" / "ds" / "1"
        folder.mkdir(parents=True)
        (folder / "train.jsonl").write_text('{"text": "withdrawn"}\n')
        with db.session() as s:
            s.add(DatasetRow(name="ds", version=1, path="datasets/ds/1", counts={}, config={}))
            s.add(Job(id="train-1", kind="train", status="running", params={"dataset": "ds@1"}))
        busy = httpx.delete(f"{server}{API}/datasets/ds@1")
        assert busy.status_code == 409, busy.text
        with db.session() as s:
            s.get(Job, "train-1").status = "failed"
        gone = httpx.delete(f"{server}{API}/datasets/ds@1")
        assert gone.status_code == 200, gone.text
        assert not folder.exists()
        assert httpx.get(f"{server}{API}/datasets/ds@1").status_code == 404
    finally:
        db.close()


def test_cli_deletes_projects_and_datasets(tmp_path) -> None:
    home = tmp_path / "home"
    src = write_tree(tmp_path / "repo", SAMPLE)
    runner = CliRunner()
    made = runner.invoke(
        cli_app, ["--home", str(home), "ingest", str(src), "--name", "p", "--no-embed"]
    )
    assert made.exit_code == 0, made.output
    gone = runner.invoke(cli_app, ["--home", str(home), "projects", "delete", "p", "--yes"])
    assert gone.exit_code == 0, gone.output
    listed = runner.invoke(cli_app, ["--home", str(home), "projects", "--json"])
    assert json.loads(listed.output) == []
    missing = runner.invoke(cli_app, ["--home", str(home), "dataset", "delete", "nope", "-y"])
    assert missing.exit_code != 0


@pytest.mark.model
def test_a_numeric_project_id_is_accepted_as_a_json_number(server, tmp_path) -> None:
    from helpers import wait_job

    src = write_tree(tmp_path / "repo", SAMPLE)
    job = httpx.post(f"{server}{API}/projects", json={"name": "shop", "source": str(src)}).json()
    assert wait_job(server, job["id"])["status"] == "succeeded"
    pid = httpx.get(f"{server}{API}/projects/shop").json()["id"]
    by_number = httpx.post(
        f"{server}{API}/reverse/detect-vulnerabilities", json={"project_id": pid}
    )
    by_text = httpx.post(
        f"{server}{API}/reverse/detect-vulnerabilities", json={"project_id": str(pid)}
    )
    assert by_number.status_code == by_text.status_code == 202, by_number.text
