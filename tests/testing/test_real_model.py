"""The lab's model strategy with the real packaged model (Gemma 3 270M on CPU). A 270M
model rarely writes a correct test, so this checks the orchestration end to end, not
quality: the model was asked, every candidate it proposed was judged in the sandbox, and
nothing unproven was kept."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from devlab.config import load_settings
from devlab.llm import LLMService
from devlab.store.db import Database
from devlab.testing import SnippetTestsRequest, generate_for_snippet, llm_model

pytestmark = [pytest.mark.model, pytest.mark.slow, pytest.mark.sandbox]

MODELS_DIR = os.environ.get("DEVLAB_TEST_MODELS_DIR") or str(
    Path(tempfile.gettempdir()) / "devlab-test-models"
)
# One branch the model-free strategies cannot reach (a str whose characters' codes sum
# to 1000: the shaped inputs now build prefixed strings from the body's literals), so the
# model is asked.
CODE = (
    "def describe(x):\n"
    "    if isinstance(x, str) and sum(map(ord, x)) == 1000:\n"
    "        return 'magic'\n"
    "    return 'other'\n"
)


@pytest.mark.timeout(1200)
def test_the_packaged_model_proposes_tests_that_are_judged_in_the_sandbox(tmp_path):
    settings = load_settings(home=tmp_path / "home", llm_models_dir=MODELS_DIR)
    service = LLMService(settings, Database(settings))
    asked: list[str] = []
    base = llm_model(service, max_tokens=96)

    def model(system: str, user: str) -> str:
        reply = base(system, user)
        asked.append(reply)
        return reply

    result = generate_for_snippet(
        settings, SnippetTestsRequest(code=CODE, coverage=100), model=model
    )
    service.close()
    assert asked and asked[0].strip()  # the real model answered
    model_candidates = [c for c in [*result.kept, *result.dropped] if c.strategy == "model"]
    for cand in model_candidates:
        assert cand.reason and len(cand.runs) == 3
        assert cand.kept == (cand.runs == ["passed"] * 3 and cand.new_lines + cand.new_branches > 0)
    assert all(k.runs == ["passed"] * 3 for k in result.kept)
    assert result.after.line_percent >= result.before.line_percent
