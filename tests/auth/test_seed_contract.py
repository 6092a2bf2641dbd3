"""The seed's API contract on a real server: unknown body fields answer 422 naming them
(nested ones too), the seed's field names and spellings are accepted, and
``POST /api/v1/devlab/analyze`` analyses a snippet for security, performance or quality."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from devlab.companion.models import (
    ChatRequest,
    ExplainRequest,
    FixRequest,
    RefactorRequest,
    SuggestRequest,
)
from devlab.config import Settings
from helpers import assert_error_shape, serve_in_thread

P = "/api/v1/devlab"


@pytest.fixture
def server(sqlite_settings: Settings) -> Iterator[str]:
    for hostport in serve_in_thread(sqlite_settings):
        yield f"http://{hostport}"


def test_seed_names_and_spellings_are_accepted() -> None:
    assert SuggestRequest.model_validate({"code": "x", "suggestion_type": "optimization"}).kind == (
        "optimisation"
    )
    assert RefactorRequest.model_validate({"code": "x", "refactoring_type": "optimize"}).kind == (
        "optimise"
    )
    assert RefactorRequest.model_validate({"code": "x", "kind": "extract_method"}).kind == (
        "extract_method"
    )
    chat = ChatRequest.model_validate(
        {
            "message": "why?",
            "context": {
                "active_file": "shop/cart.py",
                "project_structure": {"shop": ["cart.py", "pricing.py"]},
                "recent_changes": ["cart.py: total() applies discounts"],
            },
            "conversation_history": [
                {"role": "user", "content": "what is Cart?"},
                {"role": "assistant", "content": "a class"},
            ],
        }
    )
    assert chat.active_file is not None and chat.active_file.path == "shop/cart.py"
    assert chat.changes == "cart.py: total() applies discounts"
    assert chat.project_structure is not None and "pricing.py" in chat.project_structure
    assert [t.role for t in chat.conversation_history or []] == ["user", "assistant"]
    fix = FixRequest.model_validate({"code": "x", "error": "E", "context": {"file": "a.py"}})
    assert "a.py" in fix.error
    explain = ExplainRequest.model_validate({"code": "x", "context": "a Flask view"})
    assert explain.question is not None and "Flask" in explain.question


def test_unknown_fields_answer_422_naming_them(server: str) -> None:
    resp = httpx.post(
        f"{server}{P}/generate/refactor",
        json={"code": "x = 1", "refactoring_type": "simplify", "refactor_typ": "x"},
    )
    body = assert_error_shape(resp, 422)
    assert body["detail"]["unknown_fields"] == ["refactor_typ"]
    nested = httpx.post(
        f"{server}{P}/companion/chat",
        json={"message": "hi", "context": {"active_file": "a.py", "open_tabs": []}},
    )
    assert assert_error_shape(nested, 422)["detail"]["unknown_fields"] == ["context.open_tabs"]
    raw = httpx.post(f"{server}{P}/execute", json={"language": "python", "code": "1", "tmeout": 5})
    assert "tmeout" in assert_error_shape(raw, 422)["error"]
    ingest = httpx.post(f"{server}{P}/projects", json={"name": "p", "source": "/x", "git": "y"})
    assert "git" in assert_error_shape(ingest, 422)["error"]


def test_analyze_snippet_security_performance_quality(server: str) -> None:
    code = (
        "import subprocess\n"
        "def run(host):\n"
        "    return subprocess.check_output('ping ' + host, shell=True)\n"
    )
    sec = httpx.post(
        f"{server}{P}/analyze",
        json={"code": code, "language": "python", "analysis_type": "security"},
    )
    assert sec.status_code == 200, sec.text
    assert any(f["cwe"] == "CWE-78" for f in sec.json()["findings"])
    slow = "def f(rows, db):\n    for r in rows:\n        db.execute('select 1 where id=?', r)\n"
    perf = httpx.post(
        f"{server}{P}/analyze",
        json={"code": slow, "language": "python", "analysis_type": "performance"},
    )
    assert perf.status_code == 200, perf.text
    assert perf.json()["findings"], perf.json()
    branchy = "def g(x):\n" + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(30))
    quality = httpx.post(
        f"{server}{P}/analyze",
        json={"code": branchy, "language": "python", "analysis_type": "quality"},
    )
    assert quality.status_code == 200, quality.text
    assert quality.json()["metrics"]["complexity"] >= 30
    assert any("complex" in f["title"].lower() for f in quality.json()["findings"])
    bad = httpx.post(
        f"{server}{P}/analyze", json={"code": "x", "language": "python", "analysis_type": "style"}
    )
    assert "analysis_type" in assert_error_shape(bad, 422)["error"]
    broken = httpx.post(
        f"{server}{P}/analyze",
        json={"code": "def (:", "language": "python", "analysis_type": "performance"},
    )
    assert "does not parse" in assert_error_shape(broken, 422)["error"]
