"""Fixtures of the API Builder tests: the sample specs and a real mock server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent


@pytest.fixture
def petstore_text() -> str:
    return (HERE / "petstore.yaml").read_text()


@pytest.fixture
def shop_sql() -> str:
    return (HERE / "shop.sql").read_text()


@pytest.fixture
def petstore_model(petstore_text):
    from devlab.apibuilder import parse_openapi

    return parse_openapi(petstore_text).model


@pytest.fixture
def serve():
    """Start a real HTTP server (a ThreadingHTTPServer) in a thread; shut down after."""
    servers = []

    def start(server) -> str:
        # a short poll interval: shutdown() waits up to one interval (0.5 s by default)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        thread.start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def mock_url(petstore_model, serve) -> Iterator[str]:
    from devlab.apibuilder import mock_server

    yield serve(mock_server(petstore_model, "127.0.0.1", 0, log=False))
