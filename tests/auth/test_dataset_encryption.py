"""Dataset files at rest: with a key set, a built dataset's split files (JSONL and
Parquet), card, provenance log, config and stats are sealed on disk (no planted string
found in any of them), while training's reader, the examples page, the directory export
and the REST download all see plain data; key rotation re-seals them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest

from devlab.codebase.ingest import ingest_source
from devlab.config import load_settings
from devlab.store import crypto
from devlab.training import reseal_datasets
from devlab.training.datasets import (
    DatasetBuildRequest,
    build_dataset,
    export_dataset,
    list_eval_sets,
    list_examples,
    register_eval_set,
)
from devlab.training.trainingdata import load_split
from devlab.workbench import Workbench
from helpers import serve_in_thread, write_tree

PLANT = "DurianDatasetQuartz"
FUNCS = "\n\n".join(
    f'def step_{i}(value):\n    """Step {i}: {PLANT}."""\n    label = "{PLANT}-{i}"\n'
    f"    total = value * {i + 2} + len(label)\n    return total - {i}\n"
    for i in range(12)
)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and "plots" not in p.parts]


@pytest.mark.slow
def test_dataset_files_are_sealed_on_disk_and_read_plain(tmp_path) -> None:
    src = write_tree(tmp_path / "src", {"steps.py": FUNCS})
    old_key, new_key = crypto.new_key(), crypto.new_key()
    settings = load_settings(home=tmp_path / "home", encryption_key=old_key)
    wb = Workbench.open(settings)
    try:
        ingest_source(wb.db, settings, name="steps", source=str(src))
        # a registered evaluation set is sealed too, and still read by every build
        evalset = tmp_path / "eval.jsonl"
        evalset.write_text(json.dumps({"prompt": f"def secret_eval(): '{PLANT}'"}) + "\n")
        assert register_eval_set(settings, "mine", evalset).items == 1
        assert [s.items for s in list_eval_sets(settings)] == [1]
        request = DatasetBuildRequest(
            name="stepsds", project="steps", validate_pairs=False, augmentations=[]
        )
        info = build_dataset(wb.db, settings, request)
        files = _files(settings.home / "datasets")
        names = {p.name for p in files}
        assert {
            "train.jsonl",
            "train.parquet",
            "README.md",
            "provenance.jsonl",
            "mine.jsonl",
        } <= names
        leaks = [p.name for p in files if PLANT.encode() in p.read_bytes()]
        assert leaks == [] and all(p.read_bytes().startswith(crypto.FILE_MARK) for p in files)
        # training's and evaluation's reader, the examples page: plain
        data = settings.home / info.path / "data"
        examples = [e for s in ("train", "validation", "test") for e in load_split(data, s)]
        assert any(PLANT in json.dumps(e) for e in examples)
        page = list_examples(wb.db, settings, "stepsds", limit=500)
        assert page.total == len(examples) and any(PLANT in json.dumps(e) for e in page.items)
        # the user's export to a directory is plain
        out = export_dataset(wb.db, settings, "stepsds", "jsonl", tmp_path / "out")
        assert any(PLANT.encode() in p.read_bytes() for p in out if p.suffix == ".jsonl")
    finally:
        wb.close()
    try:
        for hostport in serve_in_thread(settings):  # the REST download: plain
            base = f"http://{hostport}/api/v1/devlab/datasets/stepsds/export"
            jsonl = httpx.get(base, params={"format": "jsonl"}, timeout=30)
            assert jsonl.status_code == 200 and PLANT in jsonl.text
            assert len(jsonl.text.splitlines()) == len(examples)
            parquet = httpx.get(base, params={"format": "parquet"}, timeout=30)
            import pyarrow.parquet as pq

            assert pq.read_table(io.BytesIO(parquet.content)).num_rows == len(examples)
        # each download is audited (an export), with who and which dataset
        from devlab.auth import audit
        from devlab.store.db import Database

        db = Database(settings)
        try:
            action = "GET /api/v1/devlab/datasets/{dataset}/export"
            events = audit.list_events(db, action=action)
        finally:
            db.close()
        assert [e.target for e in events] == ["/api/v1/devlab/datasets/stepsds/export"] * 2
        # the export cache beside the data is sealed too
        cached = list((settings.home / info.path / "export").iterdir())
        assert cached and all(PLANT.encode() not in p.read_bytes() for p in cached)
        # rotation: re-sealed under the new key, readable with it alone
        crypto.configure([new_key, old_key])
        assert reseal_datasets(settings) == len(_files(settings.home / "datasets"))
        crypto.configure([new_key])
        assert [s.items for s in list_eval_sets(settings)] == [1]
        assert len(load_split(data, "train")) + len(load_split(data, "validation")) + len(
            load_split(data, "test")
        ) == len(examples)
    finally:
        crypto.configure([])
