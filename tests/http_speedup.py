"""One default TLS context for every ``httpx`` client the tests make.

Each ``httpx.get(...)`` builds a client, and each client loads certifi's CA bundle into
a fresh ``ssl.SSLContext`` (about 30 ms on two cores) even for the ``http://127.0.0.1``
servers the tests start: the door tests make a few thousand such calls. The default
context (``verify=True``, no client certificate, no ``SSL_CERT_*`` override) is the
same every time, so it is built once per session and shared; any other ``verify`` or
``cert`` goes to httpx unchanged. Loaded by ``tests/conftest.py`` (``pytest_plugins``).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session", autouse=True)
def _shared_default_ssl_context() -> Iterator[None]:
    transports = importlib.import_module("httpx._transports.default")
    original = getattr(transports, "create_ssl_context", None)
    if original is None:  # another httpx layout: leave it alone
        yield
        return
    shared: list[Any] = []

    def create_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        overridden = trust_env and (
            os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR")
        )
        if verify is not True or cert is not None or overridden:
            return original(verify=verify, cert=cert, trust_env=trust_env)
        if not shared:
            shared.append(original(verify=verify, cert=cert, trust_env=trust_env))
        return shared[0]

    transports.create_ssl_context = create_ssl_context
    yield
    transports.create_ssl_context = original
