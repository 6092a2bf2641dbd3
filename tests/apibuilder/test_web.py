"""The visual builder page in headless Chromium (Debian's chromium), against a real server."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
        reason="Debian's chromium is not installed (scripts/setup.sh installs it)",
    ),
]


@pytest.fixture
def server_url(tmp_path):
    import uvicorn

    from devlab.config import Settings
    from devlab.server.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(Settings(home=tmp_path / "home")),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_builder_page_drag_drop_edit_undo_and_screenshot(server_url, tmp_path):
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{server_url}/devlab/api")
            page.fill("#new-design input[name=name]", "shop")
            page.fill(
                "#new-design textarea[name=schema]",
                "CREATE TABLE users (id SERIAL PRIMARY KEY, email TEXT NOT NULL);",
            )
            page.select_option("#new-design select[name=dialect]", "postgres")
            page.click("#new-design button")
            page.wait_for_selector(".card[data-resource=users]")
            # drag a resource from the palette onto the canvas (the prompt names it)
            page.once("dialog", lambda dialog: dialog.accept("orders"))
            page.drag_and_drop("#palette-resource", "#canvas")
            page.wait_for_selector(".card[data-resource=orders]")
            # drag orders onto users: a relation (nested resource)
            page.drag_and_drop(".card[data-resource=orders] h3", ".card[data-resource=users]")
            page.wait_for_function(
                "document.querySelector('#preview').textContent.includes('/users/{user_id}/orders')"
            )
            assert "version 3" in page.text_content("#version")
            page.click("#undo")
            page.wait_for_function(
                "!document.querySelector('#preview').textContent.includes('{user_id}/orders')"
            )
            # try-it against the design's mock
            page.fill("#try input[name=path]", "/users/1")
            page.click("#try button")
            page.wait_for_function("document.querySelector('#try-result').textContent.length > 0")
            assert page.text_content("#try-result").startswith("200 conforms")
            shot = tmp_path / "builder.png"
            page.screenshot(path=str(shot), full_page=True)
            assert errors == []
        finally:
            browser.close()
    image = Image.open(shot).convert("RGB").resize((200, 130))
    colors = image.getcolors(maxcolors=200 * 130)
    assert colors is not None and len(colors) > 50  # not a blank page
    dominant = max(count for count, _ in colors)
    assert dominant < 0.8 * 200 * 130
