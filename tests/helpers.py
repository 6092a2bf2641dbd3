"""Test data and helpers shared by the suites (importable: tests/ is on pythonpath)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from devlab.search.embedtext import words

SAMPLE = {
    "shop/__init__.py": '"""A tiny shop."""\n',
    "shop/cart.py": '''"""Shopping cart logic."""

from shop.pricing import apply_discount


class Cart:
    """A customer's cart of items."""

    def __init__(self):
        self.items = []

    def add_item(self, name, price, quantity=1):
        """Add an item with a unit price to the cart."""
        self.items.append((name, price, quantity))

    def total(self):
        """Sum of price times quantity over all items, after discounts."""
        subtotal = sum(price * qty for _, price, qty in self.items)
        return apply_discount(subtotal)
''',
    "shop/pricing.py": '''"""Prices and discounts."""

DISCOUNT_THRESHOLD = 100


def apply_discount(amount):
    """Take ten percent off orders above the threshold."""
    if amount > DISCOUNT_THRESHOLD:
        return round(amount * 0.9, 2)
    return amount


def parse_price(text):
    """Turn a price string like '$4.50' into a float."""
    return float(text.strip().lstrip("$"))
''',
    "web/server.js": """// HTTP server for the shop front.
const http = require("http");

/** Render the cart as an HTML table. */
function renderCart(cart) {
  return "<table>" + cart.items.map((i) => `<tr><td>${i.name}</td></tr>`).join("") + "</table>";
}

function startServer(port) {
  const server = http.createServer((req, res) => res.end(renderCart({ items: [] })));
  server.listen(port);
  return server;
}

module.exports = { renderCart, startServer };
""",
    "scripts/deploy.sh": """#!/bin/bash
# Deploy the shop to production.
deploy_shop() {
  rsync -a ./ "$1":/srv/shop/
}
deploy_shop "$@"
""",
    "README.md": "# Shop\n\nA tiny shop used in DevLab's tests.\n",
    "LICENSE": """MIT License

Copyright (c) 2026 Shop Authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
""",
}


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def assert_kept_tests_pass_outside(root: Path, files: dict[str, str], result: Any) -> None:
    """A generation ``result``'s kept tests, beside ``files`` in a fresh tree at ``root``,
    all pass under a plain pytest (no DevLab)."""
    tree = write_tree(root, {**files, result.test_path: result.test_code})
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", result.test_path],
        cwd=tree, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(result.kept)} passed" in run.stdout


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout.strip()


def serve_in_thread(settings, **app_options):  # -> Iterator[str]
    """Run DevLab's app on a free loopback port in a thread (a real uvicorn server);
    yields "127.0.0.1:PORT" once /api/v1/health answers, and stops it afterwards."""
    import socket
    import threading
    import time

    import httpx
    import uvicorn

    from devlab.server.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(settings, **app_options)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{base}/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        raise AssertionError("server did not start")
    try:
        yield base
    finally:
        srv.should_exit = True
        thread.join(10)


def wait_job(base: str, job_id: str, timeout: float = 120) -> dict:
    """Poll GET /jobs/{id} on a running server until the job ends; returns it."""
    import time

    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = httpx.get(f"{base}/api/v1/devlab/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still {job['status']}")


def assert_error_shape(resp, status: int) -> dict:  # resp: httpx.Response
    """The one error shape every failing endpoint answers with."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["ok"] is False and body["status"] == status and body["error"]
    return body


# A Flask route with a command injection from a query parameter (CWE-78, tainted): the
# analysis and insights tests share it.
FLASK_CMDI = (
    "import subprocess\n"
    "from flask import Flask, request\n\n"
    "app = Flask(__name__)\n\n\n"
    "@app.route('/ping')\n"
    "def ping():\n"
    "    host = request.args['host']\n"
    "    return subprocess.check_output('ping -c 1 ' + host, shell=True)\n"
)


class HashEmbedder:
    """Unit bag-of-words vectors (identifier parts hashed into 256 dimensions)."""

    key = "hash:test:256"
    dim = 256

    def embed(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", words(text)):
                if len(word) > 2:
                    out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
            norm = np.linalg.norm(out[i])
            out[i] /= norm if norm else 1.0
        return out


# A two-file shop library (a class with two methods, a function calling another): the
# search suites' small indexed codebase.
SHOP_LIB = {
    "shop/cart.py": '''"""Shopping cart."""


class Cart:
    """Items a customer intends to buy."""

    def add_item(self, product, quantity=1):
        """Put a product in the cart."""
        self.items[product] = self.items.get(product, 0) + quantity

    def total_price(self):
        """Sum of item prices times quantities."""
        return sum(p.price * q for p, q in self.items.items())
''',
    "shop/mail.py": '''"""Outgoing messages."""


def send_receipt(address, order):
    """Email the customer a receipt for the order."""
    return deliver(address, str(order))


def deliver(address, body):
    return (address, body)
''',
}
