"""Helpers of the fine-tuning, evaluation and registry tests (importable as
``training.model_helpers``): a tiny on-disk dataset and the shared converted model."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from devlab.config import Settings
from devlab.store.db import Database
from devlab.store.models import DatasetRow

# The converted packaged model is shared with tests/llm and tests/companion.
MODELS_DIR = os.environ.get("DEVLAB_TEST_MODELS_DIR") or str(
    Path(tempfile.gettempdir()) / "devlab-test-models"
)

FUNCS = [
    "def add(a, b):\n    return a + b\n",
    "def sub(a, b):\n    return a - b\n",
    "def mul(a, b):\n    return a * b\n",
]


def tiny_examples() -> list[dict]:
    """Repetitive examples (a loss that must fall in a few steps): FIM completions and
    instruction records, in all three splits."""
    rows = []
    for i in range(24):
        f = FUNCS[i % 3]
        split = "train" if i < 16 else ("validation" if i < 20 else "test")
        if i % 2:
            rows.append(
                {
                    "id": f"c{i}",
                    "kind": "completion",
                    "split": split,
                    "format": "fim-psm",
                    "prompt": f"<fim_prefix>{f[:15]}<fim_suffix>{f[25:]}<fim_middle>",
                    "completion": f[15:25],
                    "instruction": None,
                    "response": None,
                }
            )
        else:
            rows.append(
                {
                    "id": f"d{i}",
                    "kind": "doc-to-code",
                    "split": split,
                    "format": None,
                    "prompt": f.split("\n")[0] + "\n",
                    "completion": f.split("\n", 1)[1],
                    "instruction": f"Write the Python function {f.split('(')[0][4:]}.",
                    "response": f,
                }
            )
    return rows


def write_dataset(settings: Settings, db: Database, name: str = "tiny") -> DatasetRow:
    """A dataset version on disk plus its row (as the datasets builder leaves them)."""
    rel = f"datasets/{name}/1"
    data = settings.home / rel / "data"
    data.mkdir(parents=True, exist_ok=True)
    rows = tiny_examples()
    for split in ("train", "validation", "test"):
        lines = [json.dumps(r) + "\n" for r in rows if r["split"] == split]
        (data / f"{split}.jsonl").write_text("".join(lines), encoding="utf-8")
    with db.session() as s:
        row = DatasetRow(name=name, version=1, project_ids=[1], snapshot_ids=[7], path=rel)
        s.add(row)
        s.flush()
        s.expunge(row)
    return row
