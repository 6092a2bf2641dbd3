"""User corrections from the Companion become ``feedback`` examples of the next dataset
version: only with consent, only of the build's projects, always in train, cleaned like
every other example; withdrawn consent leaves the next version; the card counts them.
And acceptance rates per model version show in the model listings."""

from __future__ import annotations

import json

import httpx
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from devlab.cli import app
from devlab.codebase.ingest import ingest_source
from devlab.companion import FeedbackRequest, record_feedback, set_training_consent
from devlab.companion.conversations import add_message, delete_conversation, open_conversation
from devlab.llm.base import ChatMessage, Completion, Usage
from devlab.store.models import MessageRow
from devlab.training import registry
from devlab.training.datasets import DatasetBuildRequest, DatasetConfig, build_dataset
from devlab.training.datasets.feedback import instruction_of
from devlab.workbench import Workbench
from helpers import SAMPLE, serve_in_thread, write_tree
from training.dataset_helpers import rows

SYSTEM = "You are DevLab's coding companion for the project alpha."
ASKED = "Question: how do I total the prices?"
TOKEN = "ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789"
FIXED = (
    f"Use the built-in; ask alice@example.org (token {TOKEN}) if unsure.\n\n"
    "```python\ntotal = sum(prices)\n```"
)
REDACTED = FIXED.replace("alice@example.org", "<REDACTED:email>").replace(
    TOKEN, "<REDACTED:GitHub Token>"
)
WITHDRAWN = "Call shop.pricing.apply_discount before totalling."


@pytest.fixture
def two_projects(settings, tmp_path):
    """``(settings, workbench, {name: project id})`` with projects alpha and beta (on
    SQLite, and on PostgreSQL when DEVLAB_TEST_POSTGRES_URL is set)."""
    wb = Workbench.open(settings)
    ids = {}
    for name in ("alpha", "beta"):
        root = write_tree(tmp_path / name, {"shop/pricing.py": SAMPLE["shop/pricing.py"]})
        ids[name] = ingest_source(wb.db, settings, name=name, source=str(root)).project_id
    yield settings, wb, ids
    wb.close()


def _answer(wb, project_id, prompt, reply="Here is how.", *, model="alpha-coder@v1"):  # type: ignore[no-untyped-def]
    """An assistant message as the Companion stores it (no model needed); its id."""
    conversation = open_conversation(wb.db, None, project_id=project_id, kind="explain")
    add_message(wb.db, conversation, "user", prompt[-1].content, action="explain")
    done = Completion(text=reply, provider="registry", model=model, usage=Usage())
    return add_message(
        wb.db, conversation, "assistant", reply, action="explain", prompt=prompt, completion=done
    )


def _feedback(wb, message_id, correction=None, consent=False, rating=None):  # type: ignore[no-untyped-def]
    request = FeedbackRequest(
        message_id=message_id, rating=rating, correction=correction, training_consent=consent
    )
    return record_feedback(wb.db, request)


def _build(wb, settings, name, *projects):  # type: ignore[no-untyped-def]
    request = DatasetBuildRequest(name=name, projects=list(projects), validate_pairs=False)
    info = build_dataset(wb.db, settings, request)
    return info, [r for r in rows(settings, info) if r["kind"] == "feedback"]


def test_feedback_is_a_default_kind():
    assert "feedback" in DatasetConfig().kinds


def test_instruction_is_the_system_message_and_the_last_user_message():
    prompt = [
        {"role": "system", "content": " sys "},
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "reply"},
        {"role": "user", "content": "second"},
    ]
    assert instruction_of(prompt) == "sys\n\nsecond"
    assert instruction_of([{"role": "user", "content": "only"}]) == "only"
    assert instruction_of([]) == ""


@pytest.mark.slow
def test_only_consented_corrections_of_the_project_become_train_examples(two_projects):
    settings, wb, ids = two_projects
    chat = [
        ChatMessage(role="system", content=SYSTEM),
        ChatMessage(role="user", content="an earlier question"),
        ChatMessage(role="assistant", content="an earlier answer"),
        ChatMessage(role="user", content=ASKED),
    ]
    m1 = _answer(wb, ids["alpha"], chat, "Loop over them.")
    m2 = _answer(wb, ids["alpha"], [*chat[:1], ChatMessage(role="user", content="discount?")])
    m3 = _answer(wb, ids["beta"], chat)
    m4 = _answer(wb, None, chat)  # a conversation outside any project
    taken = _feedback(wb, m1, FIXED, consent=True, rating="down")
    _feedback(wb, m1, "Not for training, please.", consent=False, rating="down")
    _feedback(wb, m1, consent=True, rating="up")  # consent, but nothing to learn from
    _feedback(wb, m1, FIXED, consent=True)  # the same correction again: exact dedup
    later = _feedback(wb, m2, WITHDRAWN, consent=True)
    beta = _feedback(wb, m3, "beta's own fix", consent=True)
    _feedback(wb, m4, "no project's fix", consent=True)
    # the correction outlives its conversation: the project was copied onto the feedback
    with wb.db.session() as s:
        delete_conversation(wb.db, s.get(MessageRow, m2).conversation_id)

    info, found = _build(wb, settings, "alpha-ds", "alpha")
    by_response = {r["response"]: r for r in found}
    assert len(found) == 2 and set(by_response) == {REDACTED, WITHDRAWN}
    first = by_response[REDACTED]
    assert first["instruction"] == f"{SYSTEM}\n\n{ASKED}" == first["prompt"]
    assert first["completion"] == first["response"] and first["split"] == "train"
    assert first["language"] == "python" and by_response[WITHDRAWN]["language"] is None
    prov = first["provenance"]
    assert prov["feedback_id"] == taken.id and prov["message_id"] == m1
    assert prov["model_version"] == "registry:alpha-coder@v1" and prov["action"] == "explain"
    assert prov["created_at"].startswith(str(taken.created_at.date()))
    assert prov["project"] == "alpha"
    assert by_response[WITHDRAWN]["provenance"]["message_id"] is None  # conversation deleted
    everything = json.dumps(rows(settings, info))
    assert "alice@example.org" not in everything and TOKEN not in everything
    assert "Not for training" not in everything
    assert "beta's own fix" not in everything and "no project's fix" not in everything
    assert info.counts["by_kind"]["feedback"] == 2
    assert info.counts["by_kind_split"]["feedback"] == {"train": 2}
    assert info.counts["privacy"]["email"] >= 1
    assert info.counts["privacy"]["secret:GitHub Token"] >= 1
    stats = info.counts["stats"]
    assert (stats["feedback_taken"], stats["feedback_without_consent"]) == (3, 1)
    assert "**User corrections included: 2**" in info.card
    assert "- Left out for lack of consent: 1" in info.card
    assert "1 consented one was removed by the cleaning steps" in info.card
    table = pq.read_table(settings.home / info.path / "data" / "train.parquet").to_pylist()
    assert {r["provenance"]["feedback_id"] for r in table if r["kind"] == "feedback"} == {
        taken.id,
        later.id,
    }

    # withdrawn consent: the next version leaves it out
    set_training_consent(wb.db, later.id, False)
    again, found = _build(wb, settings, "alpha-ds", "alpha")
    assert again.version == info.version + 1
    assert [r["provenance"]["feedback_id"] for r in found] == [taken.id]
    assert "Left out for lack of consent: 2" in again.card
    # the other project's consented correction is in a build of that project
    _, both = _build(wb, settings, "both", "alpha", "beta")
    assert {r["provenance"]["feedback_id"] for r in both} == {taken.id, beta.id}
    assert all(r["split"] == "train" for r in both)


@pytest.mark.slow
def test_a_build_without_the_feedback_kind_reads_no_feedback(two_projects):
    settings, wb, ids = two_projects
    message = _answer(wb, ids["alpha"], [ChatMessage(role="user", content=ASKED)])
    _feedback(wb, message, "a fix", consent=True)
    request = DatasetBuildRequest(name="code", project="alpha", kinds=["completion"])
    info = build_dataset(wb.db, settings, request)
    assert "feedback" not in info.counts["by_kind"] and "User corrections" not in info.card
    assert "feedback_taken" not in info.counts["stats"]


def test_acceptance_rate_shows_in_model_listings(two_projects):
    settings, wb, ids = two_projects
    version = registry.register_version(wb.db, name="alpha-coder", status="ready")
    other = registry.register_version(wb.db, name="alpha-coder", status="ready")
    prompt = [ChatMessage(role="user", content=ASKED)]
    message = _answer(wb, ids["alpha"], prompt, model=version.tag)
    for rating in ("up", "up", "up", "down"):
        _feedback(wb, message, rating=rating)
    listed = {v.tag: v for v in registry.list_versions(wb.db)}
    assert listed[version.tag].acceptance.rate == pytest.approx(0.75)
    assert listed[version.tag].acceptance.version_id == version.id
    assert listed[other.tag].acceptance is None
    env = {"DEVLAB_DATABASE_URL": settings.database_url or None}
    result = CliRunner().invoke(app, ["--home", str(settings.home), "models"], env=env)
    assert result.exit_code == 0, result.output
    line = next(ln for ln in result.stdout.splitlines() if version.tag in ln)
    assert "accepted 75% (3/4 rated)" in line
    assert "accepted -" in next(ln for ln in result.stdout.splitlines() if other.tag in ln)
    for hostport in serve_in_thread(settings):
        models = httpx.get(f"http://{hostport}/api/v1/devlab/models", timeout=30).json()
        found = {m["tag"]: m for m in models}
        assert found[version.tag]["acceptance"]["up"] == 3
        assert found[version.tag]["acceptance"]["rate"] == pytest.approx(0.75)
        assert found[other.tag]["acceptance"] is None
