"""A small real project for the dataset tests: the shared SAMPLE shop plus tests, PII,
near-duplicates, a HumanEval copy and a GPL file; ingested into a real SQLite store."""

from __future__ import annotations

import pytest

from devlab.codebase.ingest import ingest_source
from devlab.config import Settings, load_settings
from devlab.training.datasets import DatasetBuildRequest, DatasetInfo, build_dataset
from devlab.workbench import Workbench
from helpers import write_tree
from training.dataset_helpers import project_files


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory):
    """``(settings, workbench)`` with the project ``shop`` ingested (module scoped)."""
    base = tmp_path_factory.mktemp("shop")
    settings = load_settings(home=base / "home")
    root = write_tree(base / "src", project_files())
    wb = Workbench.open(settings)
    # a third-party project (it carries a GPL file): the licence filter applies
    ingest_source(wb.db, settings, name="shop", source=str(root), own_code=False)
    yield settings, wb
    wb.close()


@pytest.fixture(scope="module")
def built(shop) -> tuple[Settings, Workbench, DatasetInfo]:
    """The default build of ``shop`` (sandbox validation included)."""
    settings, wb = shop
    info = build_dataset(wb.db, settings, DatasetBuildRequest(name="shopds", project="shop"))
    return settings, wb, info
