"""Migrate the SQLite schema once per test session, not once per test.

Most tests open a fresh ``Workbench`` on a fresh ``DEVLAB_HOME``; Alembic then builds
the schema from revision 0001 up, about 0.2 s of every such test (and over a minute of
the fast subset). Here the real migrations run once, on a template file, and a test's
new SQLite database starts as a copy of that file, already at head; ``run_migrations``
still runs after the copy (and finds nothing to do), so an outdated or foreign file is
migrated exactly as in production. Only a database file that does not exist yet is
seeded; PostgreSQL, existing files and tests that drive Alembic themselves
(``tests/store``) are untouched.

Loaded by ``tests/conftest.py`` (``pytest_plugins``).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _seeding(original: Any, template: Path) -> Any:
    @functools.wraps(original)
    def run_migrations(engine: Any) -> None:
        database = engine.url.database if engine.dialect.name == "sqlite" else None
        if database and database != ":memory:" and not os.path.exists(database):
            # a path a test means to be unusable: the real code below reports it
            with contextlib.suppress(OSError):
                shutil.copyfile(template, database)
        original(engine)

    return run_migrations


@pytest.fixture(scope="session", autouse=True)
def _sqlite_schema_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    db = importlib.import_module("devlab.store.db")
    original = db.run_migrations
    template = tmp_path_factory.mktemp("schema") / "template.db"
    engine = db.make_engine(f"sqlite:///{template}")
    try:
        original(engine)
    finally:
        engine.dispose()
    assert not Path(f"{template}-wal").exists(), "template left a WAL file; copy would be partial"
    db.run_migrations = _seeding(original, template)
    yield
    db.run_migrations = original
