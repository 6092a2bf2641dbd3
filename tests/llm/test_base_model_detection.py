"""Whether a model is a base model (issue 18): read from its metadata, or configured."""

from __future__ import annotations

import json

from devlab.config import LLMProviderConfig, load_settings
from devlab.llm.providers import build_provider
from devlab.llm.weights import MARKER, PACKAGE, model_instruction_tuned


def _marker(path, **fields):  # type: ignore[no-untyped-def]
    path.mkdir()
    (path / MARKER).write_text(json.dumps({"format": 1, "family": "gemma3", **fields}))
    return path


def test_the_packaged_gguf_is_a_base_model(tmp_path):
    packaged = _marker(tmp_path / "packaged", source={"package": PACKAGE, "file": "x.gguf"})
    assert model_instruction_tuned(packaged) is False


def test_a_conversion_that_recorded_it_is_believed(tmp_path):
    tuned = _marker(tmp_path / "tuned", source={"package": PACKAGE}, instruction_tuned=True)
    assert model_instruction_tuned(tuned) is True


def test_a_gguf_whose_file_is_gone_is_judged_by_its_name(tmp_path):
    gone = {"file": str(tmp_path / "missing.gguf")}
    assert model_instruction_tuned(_marker(tmp_path / "gemma-3-1b-it", source=gone)) is True
    assert model_instruction_tuned(_marker(tmp_path / "gemma-3-1b", source=gone)) is False


def test_a_hugging_face_directory_is_tuned_when_its_tokenizer_has_a_chat_template(tmp_path):
    chat, plain = tmp_path / "chat", tmp_path / "plain"
    chat.mkdir()
    plain.mkdir()
    (chat / "tokenizer_config.json").write_text(json.dumps({"chat_template": "{{ x }}"}))
    (plain / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 512}))
    assert model_instruction_tuned(chat) is True
    assert model_instruction_tuned(plain) is False


def test_the_configuration_wins_and_servers_count_as_tuned(tmp_path):
    settings = load_settings(home=tmp_path / "home")
    plain = tmp_path / "plain"
    plain.mkdir()
    local = LLMProviderConfig(kind="local", model=str(plain), instruction_tuned=True)
    assert build_provider("mine", local, settings).base_model is False  # type: ignore[attr-defined]
    detected = LLMProviderConfig(kind="local", model=str(plain))
    assert build_provider("mine", detected, settings).base_model is True  # type: ignore[attr-defined]
    server = LLMProviderConfig(kind="openai", base_url="http://127.0.0.1:9", model="m")
    assert build_provider("srv", server, settings).base_model is False  # type: ignore[attr-defined]
    said = server.model_copy(update={"instruction_tuned": False})
    assert build_provider("srv", said, settings).base_model is True  # type: ignore[attr-defined]
