"""Search over a real index: lexical, semantic (packaged MiniLM), hybrid, filters,
repo map and navigation."""

from __future__ import annotations

import httpx
import numpy as np
import pytest

from devlab.config import load_settings
from devlab.errors import InvalidInput, NotFound
from devlab.search import (
    SearchRequest,
    callees,
    callers,
    definitions,
    find_symbols,
    index_project,
    references,
    repo_map,
    search,
)
from devlab.search.embeddings import OpenAIEmbedder
from helpers import write_tree

LIB = {
    "lib/models.py": '''"""Data model."""


class User:
    """A registered account."""

    def __init__(self, name, email):
        self.name = name
        self.email = email


def load_user(store, user_id):
    """Fetch one user record from the store by its id."""
    return User(**store.get(user_id))
''',
    "lib/mail.py": '''"""Outgoing e-mail."""

from lib.models import load_user


def send_welcome_email(store, user_id):
    """Send a greeting message to a newly registered person."""
    user = load_user(store, user_id)
    return deliver(user.email, "Welcome!")


def deliver(address, body):
    """Hand a message to the SMTP relay."""
    return (address, body)
''',
    "lib/report.py": '''"""Reports."""

from lib.models import load_user


def monthly_report(store, ids):
    """Summarise account activity for the month as CSV rows."""
    return [load_user(store, i).name for i in ids]
''',
    "tools/cleanup.sh": """#!/bin/sh
# Remove temporary files older than a week.
purge_tmp() {
  find /tmp -mtime +7 -delete
}
""",
}


@pytest.fixture
def indexed(bench, tmp_path):
    repo = write_tree(tmp_path / "lib-src", LIB)
    index_project(bench.db, bench.settings, name="lib", source=str(repo))
    return bench


def _search(bench, query, **kw):
    return search(bench.db, bench.settings, SearchRequest(project="lib", query=query, **kw))


@pytest.mark.slow
def test_semantic_search_finds_code_by_meaning_with_real_model(indexed):
    results = _search(indexed, "greet a new customer by email", mode="semantic", limit=3)
    assert results[0].symbol == "send_welcome_email"
    assert results[0].semantic_rank == 1 and results[0].lexical_rank is None


@pytest.mark.slow
def test_lexical_search_matches_split_identifiers(indexed):
    results = _search(indexed, "welcome email", mode="lexical", limit=3)
    assert results[0].symbol == "send_welcome_email"
    assert results[0].lexical_rank == 1 and results[0].semantic_rank is None


@pytest.mark.slow
def test_hybrid_fuses_both_rankings_and_reports_them(indexed):
    results = _search(indexed, "load user record by id", limit=5)
    top = results[0]
    assert top.symbol == "load_user" and top.path == "lib/models.py"
    assert top.lexical_rank is not None and top.semantic_rank is not None
    assert top.start_line == 12 and top.end_line == 14
    assert "def load_user" in top.snippet and "# File" not in top.snippet
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


@pytest.mark.slow
def test_filters_by_language_path_and_kind(indexed):
    assert {r.language for r in _search(indexed, "remove files", language="bash")} == {"bash"}
    assert {r.path for r in _search(indexed, "user", path="lib/m*.py")} <= {
        "lib/models.py",
        "lib/mail.py",
    }
    assert {r.kind for r in _search(indexed, "user", kind="class")} == {"class"}


@pytest.mark.slow
def test_repo_map_ranks_the_most_referenced_code_first_and_fits_budget(indexed):
    full = repo_map(indexed.db, "lib", max_tokens=4000)
    assert full.text.splitlines()[0] == "lib/models.py:"
    assert "load_user" in full.text and "purge_tmp" in full.text
    small = repo_map(indexed.db, "lib", max_tokens=30)
    assert small.tokens <= 30 and small.symbols < full.symbols
    with pytest.raises(InvalidInput):
        repo_map(indexed.db, "lib", max_tokens=1)


@pytest.mark.slow
def test_navigation_definitions_references_callers_callees(indexed):
    defs = definitions(indexed.db, "lib", "load_user")
    assert [(d.path, d.start_line) for d in defs] == [("lib/models.py", 12)]
    assert definitions(indexed.db, "lib", "User.__init__")[0].kind == "method"
    calls = {(c.path, c.scope) for c in callers(indexed.db, "lib", "load_user")}
    assert calls == {("lib/mail.py", "send_welcome_email"), ("lib/report.py", "monthly_report")}
    assert {c.name for c in callees(indexed.db, "lib", "send_welcome_email")} >= {
        "load_user",
        "deliver",
    }
    refs = references(indexed.db, "lib", "load_user")
    assert len(refs) >= len(calls)


def test_unknown_project_and_empty_query_are_clear_errors(bench):
    with pytest.raises(NotFound, match="devlab projects"):
        search(bench.db, bench.settings, SearchRequest(project="ghost", query="x"))
    with pytest.raises(InvalidInput):
        search(bench.db, bench.settings, SearchRequest(project="ghost", query="   "))


def test_openai_compatible_embeddings_endpoint_is_called_in_batches():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = __import__("json").loads(request.content)
        seen.append(body)
        data = [
            {"index": i, "embedding": [float(len(t)), 1.0, 0.0]}
            for i, t in enumerate(body["input"])
        ]
        return httpx.Response(200, json={"data": data})

    emb = OpenAIEmbedder(
        "http://embeddings.test/v1", "nomic", transport=httpx.MockTransport(handler)
    )
    vecs = emb.embed(["ab", "abcd"])
    assert emb.dim == 3 and emb.key == "openai:nomic:3"
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0)
    assert seen[-1] == {"model": "nomic", "input": ["ab", "abcd"]}


def test_openai_backend_needs_a_url():
    with pytest.raises(InvalidInput, match="embedding_url"):
        load_settings(embedding_backend="openai")


@pytest.mark.slow
def test_small_changes_keep_ranks_until_drift_passes_one_percent(bench, tmp_path):
    from devlab.codebase.ingest import ingest_source
    from devlab.search.graph import rank_snapshot

    files = {f"pkg/m{i}.py": f"def f{i}():\n    return f{(i + 1) % 150}()\n" for i in range(150)}
    repo = write_tree(tmp_path / "many", files)

    def index():
        return ingest_source(
            bench.db, bench.settings, name="many", source=str(repo), finalisers=[rank_snapshot]
        ).stats

    assert index()["ranked"] is True
    (repo / "pkg/m0.py").write_text("def f0():\n    return f1() + 1\n")
    kept = index()
    assert kept["ranked"] is False and kept["rank_drift_files"] == 1
    assert find_symbols(bench.db, "many", "f1")[0].rank > 0  # previous ranks still there
    for i in (2, 3):
        (repo / f"pkg/m{i}.py").write_text(f"def f{i}():\n    return 0\n")
    assert index()["ranked"] is True  # 3 changed files > 1% of 150: recomputed
