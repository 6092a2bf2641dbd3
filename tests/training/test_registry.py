"""The model registry: versions, activation (served at once by LLMService), rollback,
lineage, acceptance rates; and its REST and CLI doors."""

from __future__ import annotations

import httpx
import pytest
from typer.testing import CliRunner

from devlab.config import load_settings
from devlab.errors import Conflict
from devlab.llm.service import LLMService
from devlab.store.models import FeedbackRow
from devlab.training import registry
from devlab.training.errors import ModelVersionNotFound
from devlab.workbench import Workbench
from helpers import assert_error_shape, serve_in_thread
from training.model_helpers import write_dataset


@pytest.fixture
def wb(tmp_path):
    bench = Workbench.open(load_settings(home=tmp_path / "home"))
    yield bench
    bench.close()


def _ready(wb, name="shop-coder", **fields):
    info = registry.register_version(wb.db, name=name, status="ready", **fields)
    adapter = wb.settings.home / "training" / "runs" / f"{name}-v{info.version}" / "adapter"
    rel = registry.stored_path(wb.settings, adapter)
    return registry.update_version(wb.db, info.id, adapter_path=rel)


def test_versions_are_numbered_per_name_and_resolved_by_tag(wb):
    first = _ready(wb)
    second = _ready(wb)
    assert (first.version, second.version) == (1, 2)
    assert registry.resolve_version(wb.db, "shop-coder@v1").id == first.id
    assert registry.resolve_version(wb.db, "shop-coder").id == second.id
    assert registry.resolve_version(wb.db, "latest").id == second.id
    assert not second.adapter_path.startswith("/")  # relative to the home
    with pytest.raises(ModelVersionNotFound):
        registry.resolve_version(wb.db, "nope@v3")


def test_activation_changes_the_model_llmservice_serves_at_once(wb):
    llm = LLMService(wb.settings, wb.db)  # built before the activation
    assert llm.chain("chat")[0].name == "local"
    v1, v2 = _ready(wb), _ready(wb)
    registry.activate(wb.db, v1.tag, ["chat", "explain"])
    served = llm.chain("chat")[0]
    assert (served.name, served.model) == ("registry", v1.tag)
    assert served.adapter_path == wb.settings.home / v1.adapter_path
    assert llm.chain("chat")[1].name == "local"  # the configured chain stays as fallback
    assert llm.chain("generate")[0].name == "local"  # other task kinds untouched
    registry.activate(wb.db, v2.tag, ["chat"])
    assert llm.chain("chat")[0].model == v2.tag
    assert registry.active_versions(wb.db)["explain"].id == v1.id
    # rollback: one step back, then back to the configured providers
    assert registry.rollback(wb.db, "chat").id == v1.id
    assert llm.chain("chat")[0].model == v1.tag
    assert registry.rollback(wb.db, "chat") is None
    # a task never activated (or rolled all the way back): exit 2 / 404, naming it
    from devlab.errors import NotFound

    with pytest.raises(NotFound, match="'chat' was never activated") as caught:
        registry.rollback(wb.db, "chat")
    assert caught.value.exit_code == 2
    assert llm.chain("chat")[0].name == "local"


def test_only_a_ready_version_can_be_activated(wb):
    training = registry.register_version(wb.db, name="wip")
    with pytest.raises(Conflict, match="not ready"):
        registry.activate(wb.db, training.id)


def test_lineage_reaches_the_dataset_version_and_snapshots(wb):
    dataset = write_dataset(wb.settings, wb.db)
    parent = _ready(wb, dataset_id=dataset.id)
    child = _ready(wb, name="child", parent_id=parent.id, dataset_id=dataset.id)
    found = registry.lineage(wb.db, child.tag)
    assert [p.id for p in found.parents] == [parent.id]
    assert found.dataset == {"id": dataset.id, "name": "tiny", "version": 1}
    assert found.snapshot_ids == [7]


def test_acceptance_rate_per_model_version(wb):
    v1 = _ready(wb)
    with wb.db.session() as s:
        for rating, correction in (("up", None), ("up", None), ("down", "fixed"), (None, "x")):
            s.add(
                FeedbackRow(
                    rating=rating,
                    correction=correction,
                    action="chat",
                    answer="a",
                    model_version=f"registry:{v1.tag}",
                )
            )
        s.add(
            FeedbackRow(rating="down", action="chat", answer="a", model_version="local:gemma3-270m")
        )
    rates = {r.model_version: r for r in registry.acceptance_rates(wb.db)}
    mine = rates[f"registry:{v1.tag}"]
    assert (mine.up, mine.down, mine.corrections, mine.version_id) == (2, 1, 2, v1.id)
    assert mine.rate == pytest.approx(2 / 3)
    assert rates["local:gemma3-270m"].rate == 0.0


def test_rest_models_activate_and_bad_input(tmp_path):
    settings = load_settings(home=tmp_path / "home")
    bench = Workbench.open(settings)
    v1 = _ready(bench)
    bench.close()
    for hostport in serve_in_thread(settings):
        with httpx.Client(base_url=f"http://{hostport}/api/v1/devlab", timeout=30) as client:
            listed = client.get("/models").json()
            assert [m["tag"] for m in listed] == [v1.tag]
            r = client.post(f"/models/{v1.id}/activate", json={"tasks": ["chat"]})
            assert r.status_code == 200 and r.json()["active_tasks"] == ["chat"]
            assert_error_shape(client.post("/models/999/activate"), 404)
            r = client.post("/training/runs", json={"dataset": "nope"})
            assert r.status_code == 404 and "nope" in r.json()["error"]
            assert client.post("/evaluations", json={"suite": "nope"}).status_code == 404
            assert client.get("/evaluations/12345").status_code == 404
            r = client.post("/evaluations", json={"suite": "x", "metrics": ["pass", "bleu"]})
            assert_error_shape(r, 422)
            assert "bleu" in r.json()["error"] and "syntax" in r.json()["error"]


def test_cli_models_list_and_activate(tmp_path, monkeypatch):
    from devlab.cli import app

    home = tmp_path / "clihome"
    monkeypatch.setenv("DEVLAB_HOME", str(home))
    bench = Workbench.open(load_settings(home=home))
    v1 = _ready(bench)
    bench.close()
    runner = CliRunner()
    out = runner.invoke(app, ["models", "activate", v1.tag, "--task", "chat"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["models", "--json"])
    assert out.exit_code == 0, out.output
    assert '"active_tasks": [\n      "chat"\n    ]' in out.stdout
    out = runner.invoke(app, ["models", "activate", "ghost@v9"])
    assert out.exit_code == 2
    out = runner.invoke(app, ["eval", "--suite", "x", "--metrics", "pass,bleu"])
    assert out.exit_code == 2 and "bleu" in out.output
