"""The sandbox's REST, WebSocket and CLI doors, on a real uvicorn server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner
from websockets.sync.client import connect

from devlab.cli import app as cli_app
from devlab.config import Settings, load_settings
from helpers import serve_in_thread

pytestmark = [pytest.mark.sandbox]


def _serve(settings: Settings) -> Iterator[str]:
    yield from serve_in_thread(settings)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    yield from _serve(load_settings(home=tmp_path / "home", sandbox_max_source_bytes=10_000))


@pytest.fixture
def busy_server(tmp_path: Path) -> Iterator[str]:
    yield from _serve(load_settings(home=tmp_path / "home", sandbox_concurrency=1, sandbox_queue=0))


def _error(resp: httpx.Response, status: int) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["ok"] is False and body["status"] == status and body["error"]
    return body


@pytest.mark.slow
def test_execute_returns_the_result_and_records_it(server):
    resp = httpx.post(
        f"http://{server}/api/v1/devlab/execute",
        timeout=30,
        json={
            "language": "python",
            "code": "import sys; print(input()[::-1]); sys.exit(2)",
            "timeout": 5000,
            "stdin": "abc\n",
            "files": {},
            "limits": {},
        },
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["status"] == "runtime_error" and body["exit_code"] == 2
    assert body["stdout"] == "cba\n" and body["execution_id"] >= 1
    assert body["enforcement"]["wall"]


@pytest.mark.slow
def test_timeout_in_milliseconds_maps_to_the_wall_limit(server):
    resp = httpx.post(
        f"http://{server}/api/v1/devlab/execute",
        timeout=30,
        json={"language": "bash", "code": "sleep 5", "timeout": 300},
    )
    body = resp.json()
    assert body["status"] == "timeout" and body["wall_ms"] < 2000


def test_bad_input_gets_400_and_413(server):
    url = f"http://{server}/api/v1/devlab/execute"
    body = _error(httpx.post(url, json={"language": "cobol", "code": "x"}), 400)
    assert "python" in body["error"] and "javascript" in body["error"]
    body = _error(
        httpx.post(url, json={"language": "python", "code": "x", "limits": {"memory_mb": 99999}}),
        400,
    )
    assert "maximum" in body["error"]
    _error(httpx.post(url, json={"language": "python", "code": "#" * 10_001}), 413)
    _error(
        httpx.post(url, content=b"x" * 100_000, headers={"content-type": "application/json"}), 413
    )
    _error(httpx.post(url, json={"language": "python", "files": {"../x.py": "1"}}), 422)


@pytest.mark.slow
def test_a_full_queue_answers_429_with_retry_after(busy_server):
    url = f"http://{busy_server}/api/v1/devlab/execute"
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(
            httpx.post, url, timeout=30, json={"language": "bash", "code": "sleep 1.5"}
        )
        time.sleep(0.5)
        resp = httpx.post(url, json={"language": "bash", "code": "true"})
        _error(resp, 429)
        assert int(resp.headers["retry-after"]) >= 1
        assert slow.result().json()["status"] == "ok"


@pytest.mark.slow
def test_websocket_streams_output_takes_stdin_and_ends_with_the_result(server):
    code = (
        "import sys\nprint('ready', flush=True)\n"
        "for line in sys.stdin:\n    print(line.upper(), end='', flush=True)\n"
    )
    with connect(f"ws://{server}/api/v1/devlab/execute/stream") as ws:
        ws.send(json.dumps({"language": "python", "code": code, "timeout": 10000}))
        assert _read_stdout(ws, "ready\n") == "ready\n"  # chunks may split a line
        ws.send(json.dumps({"stdin": "hello\n"}))
        assert _read_stdout(ws, "HELLO\n") == "HELLO\n"
        ws.send(json.dumps({"eof": True}))
        frames = []
        while True:
            frame = json.loads(ws.recv(timeout=10))
            frames.append(frame)
            if frame["type"] == "result":
                break
    result = frames[-1]["result"]
    assert result["status"] == "ok" and result["stdout"] == "ready\nHELLO\n"


def _read_stdout(ws, until: str) -> str:
    text = ""
    while not text.endswith(until):
        frame = json.loads(ws.recv(timeout=10))
        assert frame["type"] == "stdout", frame
        text += frame["data"]
    return text


def test_websocket_bad_request_gets_an_error_frame(server):
    with connect(f"ws://{server}/api/v1/devlab/execute/stream") as ws:
        ws.send(json.dumps({"language": "cobol", "code": "x"}))
        frame = json.loads(ws.recv(timeout=10))
    assert frame["type"] == "error" and frame["status"] == 400


@pytest.mark.slow
def test_websocket_disconnect_kills_the_run(server, tmp_path):
    token = f"devlab-ws-{time.monotonic_ns()}"
    with connect(f"ws://{server}/api/v1/devlab/execute/stream") as ws:
        ws.send(
            json.dumps(
                {"language": "bash", "timeout": 30000, "code": f"echo go; exec -a {token} sleep 30"}
            )
        )
        assert json.loads(ws.recv(timeout=10))["data"] == "go\n"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not _alive(token):
            return
        time.sleep(0.1)
    raise AssertionError("the sandbox outlived its WebSocket client")


def _alive(token: str) -> bool:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if token.encode() in (proc / "cmdline").read_bytes():
                    return True
            except OSError:
                continue
    return False


def test_cli_run_streams_and_exits_with_the_program_code(tmp_path):
    script = tmp_path / "hello.py"
    script.write_text("import sys\nprint('hi', sys.stdin.read())\nsys.exit(4)\n")
    result = CliRunner().invoke(
        cli_app, ["--home", str(tmp_path / "h"), "run", str(script), "--stdin", "there"]
    )
    assert result.exit_code == 4, result.output
    assert "hi there" in result.output
    as_json = CliRunner().invoke(
        cli_app, ["--home", str(tmp_path / "h"), "run", str(script), "--json", "--timeout", "5"]
    )
    assert json.loads(as_json.stdout)["exit_code"] == 4


def test_cli_run_test_mode_and_unknown_extension(tmp_path):
    test_file = tmp_path / "test_x.py"
    test_file.write_text("def test_ok():\n    assert True\n")
    result = CliRunner().invoke(
        cli_app, ["--home", str(tmp_path / "h"), "run", str(test_file), "--test", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tests"][0]["outcome"] == "passed"
    odd = tmp_path / "x.cob"
    odd.write_text("x")
    assert CliRunner().invoke(cli_app, ["run", str(odd)]).exit_code == 2


def test_cli_doctor_reports_languages_and_isolation(tmp_path):
    result = CliRunner().invoke(cli_app, ["--home", str(tmp_path / "h"), "doctor", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {lang["language"] for lang in report["languages"]} >= {"python", "go", "java"}
    assert any(f["feature"] == "seccomp" and f["works"] for f in report["isolation"])
