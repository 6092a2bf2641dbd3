"""`devlab search` asks the server already running for the same DEVLAB_HOME (issue 14).

The server has the embedding model warm; a fresh CLI process would load it on every
call. The answer must be the same either way, and a missing, stale or refusing server
must never break the command.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from devlab.cli import _command_word
from devlab.search.remote import SERVER_FILE, remote_call, running_server, serving
from helpers import SAMPLE, write_tree


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serving_records_and_removes_the_server(tmp_path: Path) -> None:
    with serving(tmp_path, "0.0.0.0", 8123) as path:
        record = json.loads(path.read_text())
        assert record == {"pid": os.getpid(), "url": "http://127.0.0.1:8123"}
        assert running_server(tmp_path) is None  # this very process is not "a server"
    assert not (tmp_path / SERVER_FILE).exists()


def test_a_stale_or_broken_record_is_ignored(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / SERVER_FILE).write_text(json.dumps({"pid": dead.pid, "url": "http://x:1"}))
    assert running_server(tmp_path) is None
    (tmp_path / SERVER_FILE).write_text("{not json")
    assert running_server(tmp_path) is None
    assert remote_call(f"http://127.0.0.1:{_free_port()}", "GET", "/api/v1/health") is None


def test_the_command_word_skips_root_options() -> None:
    assert _command_word(["--home", "/h", "--debug", "def", "x"]) == "def"
    assert _command_word(["--home", "/h"]) is None
    assert _command_word(["search", "q", "-p", "x"]) == "search"


@pytest.mark.slow
def test_cli_search_is_answered_by_the_running_server(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "DEVLAB_HOME": str(home)}
    env.pop("DEVLAB_DATABASE_URL", None)
    devlab = [sys.executable, "-m", "devlab"]
    repo = write_tree(tmp_path / "repo", SAMPLE)
    subprocess.run(
        [*devlab, "ingest", str(repo), "--name", "shop", "--no-embed"], env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    query = [*devlab, "search", "cart total", "-p", "shop", "--mode", "lexical", "--json"]
    local = subprocess.run(query, env=env, capture_output=True, text=True, check=True)
    assert "answered by the server" not in local.stderr
    port = _free_port()
    server = subprocess.Popen(
        [*devlab, "serve", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        assert running_server(home) == f"http://127.0.0.1:{port}"
        remote = subprocess.run(query, env=env, capture_output=True, text=True, check=True)
        assert f"answered by the server at http://127.0.0.1:{port}" in remote.stderr
        assert json.loads(remote.stdout) == json.loads(local.stdout)
        # the fast path: a navigation command answers without the other sub-apps
        found = subprocess.run(
            [*devlab, "def", "Cart.total", "-p", "shop"], env=env, capture_output=True, text=True
        )
        assert found.returncode == 0 and "shop/cart.py:" in found.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    # uvicorn re-raises SIGTERM after its graceful shutdown, so the record may outlive
    # the process; a record whose process is gone is ignored
    assert running_server(home) is None


class _Answering:
    """A loopback HTTP server answering every POST with (status, body) after ``delay``."""

    def __init__(self, status: int, body: dict, delay: float = 0.0) -> None:  # type: ignore[type-arg]
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        outer = self
        self.hits = 0

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                outer.hits += 1
                self.rfile.read(int(self.headers.get("content-length", 0)))
                time.sleep(delay)
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_ask_server_falls_back_only_when_nothing_was_done() -> None:
    from devlab.errors import Conflict, DevLabError, NotFound, error_for_status
    from devlab.search import ask_server

    # nothing listening, or credentials refused: answer locally (None)
    assert ask_server(f"http://127.0.0.1:{_free_port()}", "/x", {}, timeout=2) is None
    refused = _Answering(401, {"ok": False, "error": "sign in", "status": 401})
    try:
        assert ask_server(refused.url, "/x", {"a": 1}, timeout=2) is None
    finally:
        refused.close()
    # the server's error is the command's, with its message and exit code
    missing = _Answering(404, {"ok": False, "error": "no project 'x'", "status": 404})
    try:
        with pytest.raises(NotFound, match="no project 'x'") as caught:
            ask_server(missing.url, "/x", {}, timeout=2)
        assert caught.value.exit_code == 2
    finally:
        missing.close()
    # accepted but slow: an error saying it may still be working, never a second answer
    slow = _Answering(200, {"answer": "late"}, delay=0.6)
    try:
        with pytest.raises(DevLabError, match="may still be working"):
            ask_server(slow.url, "/x", {}, timeout=0.2)
        assert slow.hits == 1
    finally:
        slow.close()
    assert isinstance(error_for_status(409, "busy"), Conflict)
    assert error_for_status(429, "slow down", {"retry_after": 7}).detail == {"retry_after": 7}
    odd = error_for_status(502, "bad gateway")
    assert odd.status_code == 502 and odd.exit_code == 1
