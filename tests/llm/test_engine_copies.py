"""The fast engines' converted copies (about 1 GB each) do not pile up on disk: each copy
records what it was made from, copies whose sources are gone are removed before the
next conversion, a full disk is not remembered as the model's failure, and a registry
version is served on the engine the settings name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devlab.config import load_settings
from devlab.errors import ComponentUnavailable
from devlab.llm.deployed import DeployedVersion, version_provider
from devlab.llm.providers import onnx_genai
from devlab.llm.weights import MARKER, SOURCES, _ensure, prune_engine_copies


def _copy(models_dir: Path, name: str, sources: list[Path] | None) -> Path:
    copy = models_dir / name
    copy.mkdir(parents=True)
    (copy / MARKER).write_text("{}")
    (copy / "model.onnx.data").write_bytes(b"\0" * 1024)
    if sources is not None:
        (copy / SOURCES).write_text(json.dumps({"sources": [str(s) for s in sources]}))
    return copy


def test_copies_whose_sources_are_gone_are_pruned_and_the_rest_kept(tmp_path):
    models = tmp_path / "models"
    base, adapter = tmp_path / "base", tmp_path / "adapter"
    base.mkdir()
    adapter.mkdir()
    kept = _copy(models, "ortgenai-base-1-int8-v2", [base])
    kept_with_adapter = _copy(models, "ct2-base-2-int8-v1", [base, adapter])
    gone = _copy(models, "ortgenai-merged-3-int8-v2", [base, tmp_path / "deleted-version"])
    unrecorded = _copy(models, "ct2-old-4-int8-v1", None)
    (models / f".{gone.name}.failed").write_text("earlier failure\n")
    (models / "broken").mkdir()
    (models / "broken" / SOURCES).write_text("not json")

    assert prune_engine_copies(models) == [gone]
    assert not gone.exists() and not (models / f".{gone.name}.failed").exists()
    assert kept.is_dir() and kept_with_adapter.is_dir() and unrecorded.is_dir()
    assert (models / "broken").is_dir()  # an unreadable record is left alone
    adapter.rmdir()  # the adapter of a deleted version
    assert prune_engine_copies(models) == [kept_with_adapter]


def test_a_conversion_records_its_sources_and_prunes_stale_copies_first(tmp_path):
    models = tmp_path / "models"
    first_source, second_source = tmp_path / "v1", tmp_path / "v2"
    first_source.mkdir()
    second_source.mkdir()

    def convert(work: Path) -> None:
        work.mkdir(parents=True)
        (work / MARKER).write_text("{}")

    first = _ensure(models, models / "copy-v1", "copy-v1", convert, (first_source, None))
    record = json.loads((first / SOURCES).read_text())
    assert record == {"sources": [str(first_source.resolve())]}
    first_source.rmdir()  # its version was deleted
    assert first.is_dir()  # nothing is removed until another conversion runs
    second = _ensure(models, models / "copy-v2", "copy-v2", convert, (second_source,))
    assert second.is_dir() and not first.exists()
    assert _ensure(models, second, "copy-v2", convert, (second_source,)) == second  # cached


def test_a_full_disk_is_not_remembered_as_the_models_failure(tmp_path, monkeypatch):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / MARKER).write_text("{}")
    target = onnx_genai.onnx_model_dir(tmp_path / "models", model_dir)
    reasons = iter(
        [
            "exporting failed (exit 1): OSError: [Errno 28] No space left on device",
            "exporting failed (exit 1): no-such-architecture",
        ]
    )

    def export(*args: object) -> None:
        raise ComponentUnavailable(next(reasons))

    monkeypatch.setattr(onnx_genai, "_export", export)
    with pytest.raises(ComponentUnavailable, match="No space left"):
        onnx_genai.ensure_onnx_model(tmp_path / "models", model_dir)
    assert onnx_genai.recorded_failure(target) is None  # tried again once there is room
    with pytest.raises(ComponentUnavailable, match="no-such-architecture"):
        onnx_genai.ensure_onnx_model(tmp_path / "models", model_dir)
    assert "no-such-architecture" in (onnx_genai.recorded_failure(target) or "")


def test_a_registry_version_is_served_on_the_configured_engine(tmp_path):
    settings = load_settings(home=tmp_path / "home", llm_local_engine="transformers")
    version = DeployedVersion(1, "mine@v1", "", None, tmp_path / "merged")
    provider = version_provider(settings, version)
    assert provider.engine == "transformers" and provider.model == "mine@v1"
    default = version_provider(load_settings(home=tmp_path / "home2"), version)
    assert default.engine == "auto"
