"""Shared fixtures: real settings in tmp dirs, a real store (SQLite, and PostgreSQL when
DEVLAB_TEST_POSTGRES_URL is set), real sample repositories."""

from __future__ import annotations

import gc
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from devlab.config import Settings, load_settings
from devlab.workbench import Workbench
from helpers import SAMPLE, write_tree

# marker_rules keeps slow/sandbox/model/postgres true; schema_template migrates SQLite once
pytest_plugins = ["marker_rules", "schema_template", "http_speedup"]

POSTGRES_URL = os.environ.get("DEVLAB_TEST_POSTGRES_URL", "")
# The PostgreSQL case of every engine-parametrized test is marked `postgres` (`-m postgres`
# picks it) and `slow`: each creates and migrates a database, so the fast subset
# (`-m "not slow and not model"`) checks SQLite only and the full suite checks both.
ENGINES = [
    "sqlite",
    *(
        [pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])]
        if POSTGRES_URL
        else []
    ),
]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's ~/.devlab or a stray devlab.toml."""
    for key in list(os.environ):
        if key.startswith("DEVLAB_") and key != "DEVLAB_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    monkeypatch.setenv("DEVLAB_HOME", str(tmp_path / "default-home"))
    monkeypatch.chdir(tmp_path)


def _postgres_database() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards."""
    import psycopg

    base = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"devlab_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    prefix, _ = POSTGRES_URL.rsplit("/", 1)
    try:
        yield f"{prefix}/{name}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            _drop_database(conn, name)


def _drop_database(conn, name: str) -> None:  # type: ignore[no-untyped-def]
    """Drop a test database, ending the test's leftover sessions (FORCE). FORCE refuses
    while an autovacuum worker (not our role) is in it, so retry, then a plain drop,
    which signals autovacuum itself and waits for it."""
    import psycopg

    for _ in range(10):
        try:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except psycopg.errors.InsufficientPrivilege:
            time.sleep(0.3)
    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(params=ENGINES)
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings with a private DEVLAB_HOME, on each configured database engine."""
    home = tmp_path / "home"
    if request.param == "postgres":
        for url in _postgres_database():
            yield load_settings(home=home, database_url=url)
    else:
        yield load_settings(home=home)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home")


@pytest.fixture
def bench(settings: Settings) -> Iterator[Workbench]:
    wb = Workbench.open(settings)
    yield wb
    wb.close()


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    """A small multi-language repository on disk."""
    return write_tree(tmp_path / "shop-src", SAMPLE)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Move every object left at the end of the session into the collector's permanent
    generation: the interpreter's last collections walked the whole suite's heap (models,
    parsers, thousands of test objects) for minutes after pytest had printed its summary
    (four minutes at load 6)."""
    gc.freeze()
