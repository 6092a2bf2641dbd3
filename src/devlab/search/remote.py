"""Answer a CLI search through the server already running for the same DEVLAB_HOME.

A semantic or hybrid search needs the embedding model; a fresh ``devlab search``
process loads it every time (18-19 s with MiniLM through sentence-transformers on
2 cores), while the running server has it warm and answers in well under a second.
So ``devlab serve`` records where it listens in ``DEVLAB_HOME/server.json`` (pid and
URL; removed when it stops), and the CLI asks that server first. It falls back to
answering locally, silently, whenever the server is not there, not the same process
any more (a stale file), refuses (authentication), or errs: the answer is the same
either way, since both read the same store.

Only the standard library is imported here, so the check costs milliseconds.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["SERVER_FILE", "remote_call", "running_server", "serving"]

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


def remote_call(
    url: str, method: str, path: str, body: Any = None, *, timeout: float = TIMEOUT_S
) -> Any | None:
    """JSON from ``method path`` on the server, or None on any failure (the caller then
    answers locally). A token in ``DEVLAB_API_TOKEN`` is sent as a bearer token."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    token = os.environ.get("DEVLAB_API_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
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
