"""Real servers for tests that cross a process boundary: a scripted OpenAI-compatible
model endpoint (answers from a queue, streams word by word) and ``devlab serve`` as a
subprocess on a free loopback port. Shared by the browser tests and the CLI tests that
are answered by a running server."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx


class ScriptedModel:
    """An OpenAI-compatible chat endpoint answering from a queue of replies (the last
    one repeats); streams word by word when asked to. ``prompts`` keeps what it got."""

    def __init__(self) -> None:
        self.replies: list[str] = ["ok"]
        self.prompts: list[str] = []
        self.lock = threading.Lock()

    def script(self, *replies: str) -> None:
        with self.lock:
            self.replies = list(replies)

    def next(self, prompt: str) -> str:
        with self.lock:
            self.prompts.append(prompt)
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


def _handler(model: ScriptedModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
            prompt = "\n".join(m.get("content", "") for m in body.get("messages", []))
            reply = model.next(prompt or body.get("prompt", ""))
            if not body.get("stream"):
                data = json.dumps(
                    {
                        "choices": [
                            {
                                "message": {"role": "assistant", "content": reply},
                                "text": reply,
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {
                            "prompt_tokens": len(prompt) // 4,
                            "completion_tokens": len(reply) // 4,
                        },
                    }
                ).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.end_headers()
            words = reply.split(" ")
            for i, word in enumerate(words):
                piece = word if i == len(words) - 1 else word + " "
                chunk = {"choices": [{"delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.02)
            end = {"choices": [{"delta": {}, "finish_reason": "stop"}]}
            self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())

    return Handler


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def scripted_model_server() -> Iterator[ScriptedModel]:
    """A ``ScriptedModel`` served on loopback; its ``url`` is the OpenAI base URL."""
    model = ScriptedModel()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    model.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    try:
        yield model
    finally:
        server.shutdown()
        server.server_close()


def scripted_config(path: Path, model: ScriptedModel) -> Path:
    """A devlab.toml whose default provider is ``model``."""
    path.write_text(
        'llm_default_provider = "scripted"\n'
        "[llm_providers.scripted]\n"
        'kind = "openai"\n'
        f'base_url = "{model.url}"\n'  # type: ignore[attr-defined]
        'model = "scripted-1"\n'
        "timeout_s = 30\n",
        encoding="utf-8",
    )
    return path


@contextlib.contextmanager
def serve_devlab(home: Path, env: dict[str, str]) -> Iterator[str]:
    """``devlab serve`` as a subprocess on a free loopback port, stopped at the end."""
    port = _free_port()
    devlab = [sys.executable, "-m", "devlab", "serve", "--port", str(port)]
    log = open(home / "serve.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(devlab, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            if proc.poll() is not None:
                raise RuntimeError((home / "serve.log").read_text()[-3000:])
            try:
                if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("devlab serve did not start in 30 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
