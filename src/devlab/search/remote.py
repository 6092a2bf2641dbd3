"""Answer a CLI search through the server already running for the same DEVLAB_HOME.

A semantic or hybrid search needs the embedding model; a fresh ``devlab search``
process loads it every time (18-19 s with MiniLM through sentence-transformers on
2 cores), while the running server has it warm and answers in well under a second.
So ``devlab serve`` records where it listens in ``DEVLAB_HOME/server.json`` (pid and
URL; removed when it stops), and the CLI asks that server first. It falls back to
answering locally, silently, whenever the server is not there, not the same process
any more (a stale file), refuses (authentication), or errs: the answer is the same
either way, since both read the same store.

Searching is read-only, so any failure there falls back to answering locally. A
model answer (``devlab chat``, ``explain``) is not: the server stores the messages, so
``ask_server``/``stream_from_server`` fall back only when nothing reached the server's
work (no connection, credentials refused); once the request is accepted, the server's
answer or error is the command's, and a lost connection says where the answer went.

Only the standard library is imported here (the WebSocket client on first use), so the
check costs milliseconds.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from devlab.errors import DevLabError, error_for_status

__all__ = [
    "SERVER_FILE",
    "ask_server",
    "remote_call",
    "running_server",
    "serving",
    "stream_from_server",
]

SERVER_FILE = "server.json"
TIMEOUT_S = 30.0
MAX_RESPONSE_BYTES = 32 * 1024 * 1024


def _client_host(host: str) -> str:
    """Where a local client reaches a server bound to ``host``."""
    if host in ("0.0.0.0", "", "::", "[::]"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@contextmanager
def serving(home: Path, host: str, port: int) -> Iterator[Path]:
    """Record this process as the server of ``home`` while the block runs."""
    path = Path(home) / SERVER_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"pid": os.getpid(), "url": f"http://{_client_host(host)}:{port}"}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    tmp.replace(path)
    try:
        yield path
    finally:
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
                path.unlink()
        except (OSError, ValueError):
            pass


def running_server(home: Path) -> str | None:
    """The URL of the live server recorded for ``home``, else None."""
    try:
        record = json.loads((Path(home) / SERVER_FILE).read_text(encoding="utf-8"))
        pid, url = int(record["pid"]), str(record["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pid == os.getpid() or not url.startswith("http://"):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # a server that died without cleaning up
    except PermissionError:
        pass  # alive, another user's: the HTTP call decides
    return url


def _request(url: str, method: str, path: str, body: Any) -> urllib.request.Request:
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    token = os.environ.get("DEVLAB_API_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    return request


def remote_call(
    url: str, method: str, path: str, body: Any = None, *, timeout: float = TIMEOUT_S
) -> Any | None:
    """JSON from ``method path`` on the server, or None on any failure (the caller then
    answers locally). A token in ``DEVLAB_API_TOKEN`` is sent as a bearer token."""
    request = _request(url, method, path, body)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if response.status != 200:
                return None
            raw = response.read(MAX_RESPONSE_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    if len(raw) > MAX_RESPONSE_BYTES:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


# Statuses that mean the server did nothing for this caller: answer locally instead
# (the local CLI acts on DEVLAB_HOME with the file owner's rights, as without a server).
_NOT_ACCEPTED = (401, 403)


def _server_error(status: int, raw: bytes) -> DevLabError:
    try:
        body = json.loads(raw)
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = str(body.get("error") or f"the server answered HTTP {status}")
    return error_for_status(status, message, body.get("detail"))


def ask_server(url: str, path: str, body: Any, *, timeout: float) -> Any | None:
    """POST ``body`` to the server and return its JSON answer; None when the server could
    not be reached or refused the credentials (nothing was done: answer locally). Any
    other error answer is raised as the matching ``DevLabError``; a server that accepted
    the request but did not answer within ``timeout`` raises too (it may still be working,
    so the command must not do the work a second time)."""
    request = _request(url, "POST", path, body)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        with exc:
            if exc.code in _NOT_ACCEPTED:
                return None
            raise _server_error(exc.code, exc.read(MAX_RESPONSE_BYTES)) from None
    except TimeoutError:
        raise DevLabError(
            f"the server at {url} did not answer within {timeout:.0f} s; it may still be "
            "working (see `devlab conversations`)"
        ) from None
    except (urllib.error.URLError, OSError):
        return None  # not reachable: nothing was sent
    with response:
        try:
            raw = response.read(MAX_RESPONSE_BYTES + 1)
        except OSError as exc:
            raise DevLabError(f"the connection to the server at {url} broke: {exc}") from None
    if len(raw) > MAX_RESPONSE_BYTES:
        raise DevLabError(f"the server's answer is over {MAX_RESPONSE_BYTES} bytes")
    try:
        return json.loads(raw)
    except ValueError:
        raise DevLabError(f"the server at {url} answered something that is not JSON") from None


def stream_from_server(
    url: str,
    path: str,
    first: Any,
    on_token: Callable[[str], None],
    *,
    gap_timeout: float,
) -> dict[str, Any] | None:
    """Send ``first`` over the server's WebSocket ``path`` and pass each ``token`` frame's
    text to ``on_token``; returns the ``answer`` frame's object. None when the socket
    could not be opened or the credentials were refused (answer locally); an ``error``
    frame is raised as its ``DevLabError``; a silence longer than ``gap_timeout`` or a
    dropped connection raises, saying the server keeps the answer."""
    from websockets.exceptions import ConnectionClosed, InvalidHandshake
    from websockets.sync.client import connect

    headers = {}
    token = os.environ.get("DEVLAB_API_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    ws_url = "ws://" + url.removeprefix("http://") + path
    try:
        socket = connect(ws_url, additional_headers=headers, open_timeout=10, max_size=2**24)
    except (InvalidHandshake, OSError, TimeoutError):
        return None
    kept = "the server keeps the answer in its conversation (see `devlab conversations`)"
    with socket:
        socket.send(json.dumps(first))
        while True:
            try:
                frame = json.loads(socket.recv(timeout=gap_timeout))
            except TimeoutError:
                raise DevLabError(
                    f"the server at {url} sent nothing for {gap_timeout:.0f} s; {kept}"
                ) from None
            except ConnectionClosed:
                raise DevLabError(f"the server at {url} closed the connection; {kept}") from None
            except ValueError:
                raise DevLabError(f"the server at {url} sent a frame that is not JSON") from None
            kind = frame.get("type") if isinstance(frame, dict) else None
            if kind == "token":
                on_token(str(frame.get("data", "")))
            elif kind == "answer" and isinstance(frame.get("answer"), dict):
                answer: dict[str, Any] = frame["answer"]
                return answer
            elif kind == "error":
                status = int(frame.get("status") or 500)
                if status in _NOT_ACCEPTED:
                    return None
                message = str(frame.get("error") or f"the server answered {status}")
                raise error_for_status(status, message, frame.get("detail"))
