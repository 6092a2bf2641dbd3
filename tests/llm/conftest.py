"""Fixtures of the LLM suite: a real OpenAI-compatible HTTP server started by the test,
and one converted copy of the packaged model shared by the whole session."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

# The converted packaged model (the first conversion takes about 80-110 s on two cores)
# is shared by test runs and suites (tests/companion uses the same place):
# $DEVLAB_TEST_MODELS_DIR, else devlab-test-models in the system temp directory.
MODELS_DIR = os.environ.get("DEVLAB_TEST_MODELS_DIR") or str(
    Path(tempfile.gettempdir()) / "devlab-test-models"
)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and left: expected in the timeout tests


class FakeOpenAIServer:
    """A tiny OpenAI-compatible server on loopback.

    ``mode``: "ok" (answers ``reply``), "error" (HTTP 500), "slow" (sleeps ``delay``
    first), "badjson", "nousage" (no usage field), "midstream" (a stream that fails
    after one piece). ``requests`` keeps (path, headers, JSON body) of each request."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.reply = "Hello from the fake server."
        self.delay = 2.0
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append((self.path, dict(self.headers), body))
                server.handle(self, body)

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- answering -----------------------------------------------------------------

    def handle(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "error":
            self._send(h, 500, {"error": {"message": "model crashed"}})
            return
        if self.mode == "badjson":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.end_headers()
            h.wfile.write(b"{not json")
            return
        chat = h.path.endswith("/chat/completions")
        if body.get("stream"):
            self._stream(h, chat)
            return
        choice: dict[str, Any] = {"index": 0, "finish_reason": "stop"}
        if chat:
            choice["message"] = {"role": "assistant", "content": self.reply}
        else:
            choice["text"] = self.reply
        data: dict[str, Any] = {"id": "x", "object": "chat.completion", "choices": [choice]}
        if self.mode != "nousage":
            data["usage"] = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
        self._send(h, 200, data)

    def _stream(self, h: BaseHTTPRequestHandler, chat: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.end_headers()
        words = self.reply.split(" ")
        for i, word in enumerate(words):
            piece = word if i == 0 else " " + word
            choice = {"index": 0, "delta": {"content": piece}} if chat else {"text": piece}
            self._event(h, {"choices": [choice]})
            if self.mode == "midstream":
                self._event(h, {"error": {"message": "overloaded"}})
                return
            time.sleep(0.01)
        last = {"index": 0, "delta": {}, "finish_reason": "stop"} if chat else {"text": ""}
        self._event(h, {"choices": [last]})
        if self.mode != "nousage":
            self._event(h, {"choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 7}})
        h.wfile.write(b"data: [DONE]\n\n")

    @staticmethod
    def _event(h: BaseHTTPRequestHandler, data: dict[str, Any]) -> None:
        h.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
        h.wfile.flush()

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, data: dict[str, Any]) -> None:
        raw = json.dumps(data).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(raw)))
        h.end_headers()
        h.wfile.write(raw)


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    server = FakeOpenAIServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def models_dir() -> Path:
    """Where the packaged model is converted, once (a file lock guards the conversion)."""
    return Path(MODELS_DIR)


@pytest.fixture(scope="session")
def packaged_model(models_dir: Path) -> Path:
    from devlab.llm.weights import ensure_packaged_model

    return ensure_packaged_model(models_dir)
