"""``GET /api/v1/health``: status, version, database and optional components."""

from __future__ import annotations

import importlib.util
import shutil
from typing import Any

from fastapi import APIRouter, Depends

from devlab import __version__
from devlab.errors import StorageError
from devlab.store.db import mask_url
from devlab.webtools import workbench
from devlab.workbench import Workbench

router = APIRouter(tags=["health"])


def components() -> dict[str, bool]:
    """Which optional engines and tools this installation can use."""
    return {
        "sqlite_vec": importlib.util.find_spec("sqlite_vec") is not None,
        "tree_sitter": importlib.util.find_spec("tree_sitter") is not None,
        "sentence_transformers": importlib.util.find_spec("sentence_transformers") is not None,
        "model2vec": importlib.util.find_spec("model2vec") is not None,
        "postgresql_driver": importlib.util.find_spec("psycopg") is not None,
        "git": shutil.which("git") is not None,
        "bubblewrap": shutil.which("bwrap") is not None,
        "graphviz": shutil.which("dot") is not None,
        "sandbox_node": shutil.which("node") is not None,
        "sandbox_go": shutil.which("go") is not None,
        "sandbox_java": shutil.which("javac") is not None,
        "sandbox_sqlite3": shutil.which("sqlite3") is not None,
        "sandbox_duckdb": importlib.util.find_spec("duckdb") is not None,
        "ray": importlib.util.find_spec("ray") is not None,
    }


@router.get("/api/v1/health")
def health(bench: Workbench = Depends(workbench)) -> dict[str, Any]:
    try:
        engine, db_ok = bench.db.ping(), True
    except StorageError as exc:
        engine, db_ok = str(exc), False
    return {
        "status": "ok" if db_ok else "degraded",
        "version": __version__,
        "database": {"ok": db_ok, "engine": engine, "url": mask_url(bench.db.url)},
        "home": str(bench.settings.home),
        "embedding_backend": bench.settings.embedding_backend,
        "components": components(),
    }
