"""Browser tests of the web workbench: Debian's chromium driven by Playwright against a
real ``devlab serve`` (a subprocess) over a real codebase (h11's sources, MIT, copied
from the installed package and ingested by the fixture), answering with a scripted
model behind an OpenAI-compatible HTTP endpoint the fixture runs.

They skip, saying why, only when chromium or the built front end is missing;
``scripts/setup.sh`` installs and builds both.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from devlab.config import Settings
from devlab.server.ui import dist_dir
from scripted import ScriptedModel, scripted_config, scripted_model_server
from scripted import serve_devlab as _serve

CHROMIUM = Path(os.environ.get("DEVLAB_CHROMIUM", "/usr/bin/chromium"))
REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("DEVLAB_SCREENSHOTS", REPO / "tests" / "web" / "screenshots"))
PROJECT = "h11"
LAB_PROJECT = "calc"  # a small package with its own pytest tests (the Testing page's)


def _why_skip() -> str | None:
    if not CHROMIUM.is_file():
        return f"no chromium at {CHROMIUM}: apt-get install chromium (scripts/setup.sh does)"
    if not (dist_dir() / "index.html").is_file():
        return "the front end is not built: cd web && npm ci && npm run build (setup.sh does)"
    if not AXE.is_file():
        return f"axe-core is missing at {AXE}: cd web && npm ci"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is missing: pip install -e '.[dev]'"
    return None


@pytest.fixture(scope="session")
def scripted_model() -> Iterator[ScriptedModel]:
    with scripted_model_server() as model:
        yield model


def _real_codebase(target: Path) -> Path:
    """h11's own sources (a small real HTTP/1.1 library, MIT), as the team's codebase."""
    import importlib.metadata

    import h11

    shutil.copytree(
        Path(h11.__file__).parent,
        target / "h11",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    licence = next(
        f for f in importlib.metadata.distribution("h11").files or [] if f.name == "LICENSE.txt"
    )
    shutil.copy(licence.locate(), target / "LICENSE.txt")  # MIT: datasets may use it
    return target


def _lab_project(home: Path) -> Path:
    """``calc``: the Testing & QA Lab's small project (helpers, two passing tests, and a
    small Flask service for the chaos panel)."""
    from lab_projects import UTIL

    root = home / "calc-src"
    files = {
        "calc/__init__.py": "",
        "calc/util.py": UTIL,
        "calc/web.py": "import sqlite3\n\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n"
        '@app.route("/count")\ndef count():\n    conn = sqlite3.connect(":memory:")\n'
        '    return str(conn.execute("select 1").fetchone()[0])\n',
        "tests/test_util.py": "from calc.util import clamp\n\n\n"
        "def test_clamp_high():\n    assert clamp(5, 0, 3) == 3\n\n\n"
        "def test_clamp_low():\n    assert clamp(-1, 0, 3) == 0\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _trained_versions(db, home: Path) -> None:  # type: ignore[no-untyped-def]
    """Two ready versions in the registry, the second with its run's loss history, as a
    finished training run leaves them (a real run would load the model for minutes)."""
    from devlab.training import registry

    run_dir = home / "runs" / "team-coder-v2"
    run_dir.mkdir(parents=True)
    losses = [3.1, 2.6, 2.2, 1.9, 1.8]
    run_dir.joinpath("history.jsonl").write_text(
        "".join(json.dumps({"step": i + 1, "loss": x}) + "\n" for i, x in enumerate(losses)),
        encoding="utf-8",
    )
    registry.register_version(db, name="team-coder", status="ready", metrics={"last_loss": 2.4})
    registry.register_version(
        db, name="team-coder", status="ready", run_dir=str(run_dir), metrics={"last_loss": 1.8}
    )


@pytest.fixture(scope="session")
def server(served: tuple[str, Path]) -> str:
    """The URL of the workbench's server (see ``served``)."""
    return served[0]


@pytest.fixture(scope="session")
def served(
    tmp_path_factory: pytest.TempPathFactory, scripted_model: ScriptedModel
) -> Iterator[tuple[str, Path]]:
    """A real ``devlab serve`` over a fresh home with h11 ingested (lexical index):
    (its URL, its DEVLAB_HOME)."""
    why = _why_skip()
    if why:
        pytest.skip(why)
    home = tmp_path_factory.mktemp("webhome")
    config = scripted_config(home / "devlab.toml", scripted_model)
    env = {**os.environ, "DEVLAB_HOME": str(home), "DEVLAB_CONFIG": str(config)}
    source = _real_codebase(tmp_path_factory.mktemp("codebase"))
    from devlab.search import index_project
    from devlab.store.db import Database

    settings = Settings(home=home)
    db = Database(settings)
    try:
        index_project(db, settings, name=PROJECT, source=str(source), embed=False)
        index_project(db, settings, name=LAB_PROJECT, source=str(_lab_project(home)), embed=False)
        _trained_versions(db, home)
    finally:
        db.close()
    with _serve(home, env) as url:
        yield url, home


PASSWORD = "correct horse battery"  # the auth server's users' password


@pytest.fixture(scope="session")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``devlab serve`` whose store has accounts (so it wants a sign-in even on
    loopback): ``ada`` (instance admin) and ``vic`` (viewer on ``calc``)."""
    why = _why_skip()
    if why:
        pytest.skip(why)
    from devlab.auth import users
    from devlab.codebase.projects import resolve_project
    from devlab.search import index_project
    from devlab.store.db import Database

    home = tmp_path_factory.mktemp("authhome")
    settings = Settings(home=home)
    db = Database(settings)
    try:
        index_project(db, settings, name=LAB_PROJECT, source=str(_lab_project(home)), embed=False)
        users.create_user(db, "ada", PASSWORD, is_admin=True)
        users.create_user(db, "vic", PASSWORD)
        users.set_member(db, resolve_project(db, LAB_PROJECT).id, "vic", "viewer")
    finally:
        db.close()
    env = {**os.environ, "DEVLAB_HOME": str(home)}
    env.pop("DEVLAB_CONFIG", None)
    with _serve(home, env) as url:
        yield url


@pytest.fixture(scope="session")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


class Calls:
    """Every request the page made to the server's API: (method, path)."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()


@pytest.fixture(scope="session")
def api_calls() -> Calls:
    return Calls()


def open_page(browser, base: str, api_calls: Calls, width: int = 1280):  # type: ignore[no-untyped-def]
    """A fresh browser context on ``base`` recording the API calls its pages make;
    returns (context, page, uncaught page errors)."""
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def record(request) -> None:  # type: ignore[no-untyped-def]
        path = request.url.split(base, 1)[-1].split("?", 1)[0]
        if path.startswith("/api/"):
            api_calls.seen.add((request.method, path))

    page.on("request", record)
    page.set_default_timeout(20_000)
    return context, page, errors


@pytest.fixture
def page(browser, server: str, api_calls: Calls) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context, page, errors = open_page(browser, server, api_calls)
    yield page
    context.close()
    assert not errors, f"uncaught errors in the page: {errors}"
