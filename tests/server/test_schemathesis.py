"""The REST contract, fuzzed from /openapi.json by schemathesis on a real server (issue 13).

Every operation gets a bounded number of generated requests; each answer must be
no 5xx, a documented status, a documented content type and a body that matches
the documented schema (timestamps with their offset included). Only the
model-heavy routes (chat, generation, training, evaluation, which load a
language model) are left out; they have their own scripted-model tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devlab.config import load_settings
from helpers import SAMPLE, serve_in_thread, wait_job, write_tree

pytestmark = pytest.mark.slow

# Routes that load or train a language model, or run long jobs of one.
MODEL_HEAVY = (
    r"/companion/|/feedback|/llm/|/training/|/evaluations|/models|/generate|/analyze"
    r"|/insights/generate|/datasets$"
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    import httpx

    root = tmp_path_factory.mktemp("contract")
    repo = write_tree(root / "repo", SAMPLE)
    cfg = load_settings(home=root / "home", ingest_roots=[root], sandbox_max_source_bytes=20_000)
    for hostport in serve_in_thread(cfg):
        base = f"http://{hostport}"
        job = httpx.post(
            f"{base}/api/v1/devlab/projects", json={"name": "shop", "source": str(repo)}
        ).json()
        wait_job(base, job["id"])
        yield schemathesis.openapi.from_url(f"{base}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.exclude(path_regex=MODEL_HEAVY).parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_contract(case: schemathesis.Case) -> None:
    if case.path.endswith("/execute") and isinstance(case.body, dict):
        case.body.setdefault("limits", {"wall_seconds": 2})
    case.call_and_validate(checks=CHECKS, timeout=60)


def test_the_contract_run_covers_the_api(api_schema: schemathesis.BaseSchema) -> None:
    ops = [op for op in api_schema.get_all_operations()]
    assert len(ops) > 20
    assert Path(__file__).exists()
