"""Small real projects on disk, ingested into a real SQLite store, for the lab's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devlab.config import Settings, load_settings
from devlab.workbench import Workbench
from lab_projects import CALC, UTIL, ingest


@pytest.fixture
def lab_settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home")


@pytest.fixture
def lab_bench(lab_settings: Settings) -> Iterator[Workbench]:
    wb = Workbench.open(lab_settings)
    yield wb
    wb.close()


@pytest.fixture
def calc(lab_bench: Workbench, tmp_path: Path) -> Workbench:
    """Project ``calc``: a module with a docstring example, a crash, branches; a test
    file with two passing tests and one that hangs."""
    ingest(lab_bench, tmp_path, "calc", CALC)
    return lab_bench


@pytest.fixture
def untested(lab_bench: Workbench, tmp_path: Path) -> Workbench:
    """Project ``bare``: code and no tests at all."""
    ingest(lab_bench, tmp_path, "bare", {"bare/__init__.py": "", "bare/util.py": UTIL})
    return lab_bench
