"""The default fast CPU engine of the local provider: ONNX Runtime GenAI int8.

Agreement with the transformers path (fp32), same rebuilt tokenizer: on each prompt of
``PROMPTS`` the greedy continuation of the fast path equals the transformers path's for
the first ``AGREE_TOKENS`` = 10 tokens. Measured (int8, blocks of 32, int8 activations):
the two agree for 28, 32, 11, 32 and 32 of 32 tokens on these prompts. A prompt where
the fp32 reference has a near-tie early ("class Stack:\\n    def __init__(self):\\n",
3 tokens on every quantised engine, CTranslate2 included) is left out on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from devlab.errors import ComponentUnavailable
from devlab.llm import ChatMessage, GenerationParams
from devlab.llm.providers import local, onnx_genai
from devlab.llm.providers.local import TransformersProvider
from devlab.llm.providers.onnx_export import flat_rope

AGREE_TOKENS = 10
PROMPTS = [
    "def is_palindrome(s):\n",
    'import os\n\n\ndef read_lines(path):\n    """Return the lines of a text file."""\n',
    "The capital of France is",
    "# Sort a list of numbers in ascending order\ndef sort_numbers(xs):\n",
    "Question: What does HTTP stand for?\nAnswer:",
]


def test_auto_tries_onnx_genai_then_ctranslate2(tmp_path, monkeypatch):
    provider = TransformersProvider("local", models_dir=tmp_path, device="cpu")
    assert provider._fast_candidates() == ["onnxruntime-genai", "ctranslate2"]
    monkeypatch.setattr(local, "onnx_engine_available", lambda: False)
    assert provider._fast_candidates() == ["ctranslate2"]
    forced = TransformersProvider("local", models_dir=tmp_path, engine="onnxruntime-genai")
    with pytest.raises(ComponentUnavailable, match="pip install onnxruntime-genai onnx-ir"):
        forced.uses_fast_engine()
    gpu = TransformersProvider("local", models_dir=tmp_path, device="cuda")
    assert gpu._fast_candidates() == []  # GPUs stay on transformers


def test_a_failing_engine_falls_back_and_says_why(tmp_path, monkeypatch):
    provider = TransformersProvider("local", models_dir=tmp_path, device="cpu")
    tried: list[str] = []
    sentinel = object()

    def load_fast(engine: str):
        tried.append(engine)
        if engine == "onnxruntime-genai":
            raise ComponentUnavailable("exporting gemma failed (exit 1): boom")
        return sentinel

    monkeypatch.setattr(provider, "_load_fast", load_fast)
    assert provider.engine_model() is sentinel
    assert tried == ["onnxruntime-genai", "ctranslate2"]
    assert provider._fallbacks == ["onnxruntime-genai: exporting gemma failed (exit 1): boom"]
    assert provider.engine_model() is sentinel and len(tried) == 2  # chosen once


def test_a_named_engine_that_fails_is_an_error_not_a_fallback(tmp_path, monkeypatch):
    provider = TransformersProvider("local", models_dir=tmp_path, engine="onnxruntime-genai")

    def load_fast(engine: str):
        raise ComponentUnavailable("exporting gemma failed")

    monkeypatch.setattr(provider, "_load_fast", load_fast)
    with pytest.raises(ComponentUnavailable, match="exporting gemma failed"):
        provider.engine_model()


def test_a_remembered_failure_is_shown_and_skips_the_export(tmp_path):
    from devlab.llm.weights import packaged_model_dir

    provider = TransformersProvider("local", models_dir=tmp_path, device="cpu")
    assert provider.engine_info() == ("onnxruntime-genai", None)
    target = onnx_genai.onnx_model_dir(tmp_path, packaged_model_dir(tmp_path))
    onnx_genai.failure_file(target).write_text("exit 1: KeyError 'rope_type'\n")
    engine, note = provider.engine_info()
    assert engine == "ctranslate2" and "KeyError 'rope_type'" in (note or "")
    with pytest.raises(ComponentUnavailable, match="failed earlier: exit 1"):
        onnx_genai.ensure_onnx_model(tmp_path, packaged_model_dir(tmp_path))


def test_gemma3_rope_settings_are_flattened_for_the_builder():
    from types import SimpleNamespace

    config = SimpleNamespace(
        rope_parameters={
            "full_attention": {"rope_theta": 1_000_000.0, "rope_type": "default"},
            "sliding_attention": {"rope_theta": 10_000.0, "rope_type": "default"},
        }
    )
    flat_rope(config)
    assert config.rope_parameters == {"rope_type": "default", "rope_theta": 1_000_000.0}
    assert config.rope_local_base_freq == 10_000.0 and config.rope_theta == 1_000_000.0


@pytest.mark.slow
def test_an_export_that_fails_reports_the_log_and_is_remembered(tmp_path):
    model_dir = tmp_path / "broken"
    model_dir.mkdir()
    (model_dir / "devlab-model.json").write_text("{}")
    (model_dir / "config.json").write_text('{"model_type": "no-such-architecture"}')
    with pytest.raises(ComponentUnavailable, match="failed \\(exit 1\\)") as info:
        onnx_genai.ensure_onnx_model(tmp_path / "models", model_dir)
    assert "no-such-architecture" in info.value.message  # the end of the child's log
    target = onnx_genai.onnx_model_dir(tmp_path / "models", model_dir)
    assert onnx_genai.recorded_failure(target) and not target.exists()
    assert not [p for p in (tmp_path / "models").iterdir() if ".tmp-" in p.name]


@pytest.mark.model
@pytest.mark.slow
def test_greedy_continuations_equal_the_transformers_path(packaged_model: Path):
    fast = TransformersProvider("local", models_dir=packaged_model.parent, engine="auto")
    slow = TransformersProvider("local", models_dir=packaged_model.parent, engine="transformers")
    engine = fast.engine_model()
    assert engine.engine == "onnxruntime-genai", fast.engine_info()
    params = GenerationParams(max_tokens=AGREE_TOKENS, temperature=0)
    for prompt in PROMPTS:
        a, b = fast.complete(prompt, params), slow.complete(prompt, params)
        ids_a, ids_b = engine.tokenizer.encode(a.text), engine.tokenizer.encode(b.text)
        assert ids_a == ids_b, (prompt, a.text, b.text)
    chat = [ChatMessage(role="user", content="Write a Python function that adds two numbers.")]
    assert fast.chat_ids(chat) == slow.chat_ids(chat)  # one tokenizer, one template


@pytest.mark.model
@pytest.mark.slow
def test_the_fast_path_streams_stops_and_samples(packaged_model: Path):
    fast = TransformersProvider(
        "local", models_dir=packaged_model.parent, engine="onnxruntime-genai"
    )
    params = GenerationParams(max_tokens=40, temperature=0, stop=["\n\n"])
    pieces = list(fast.stream_complete("def is_even(n):\n", params))
    completion = pieces[-1]
    assert len(pieces) > 3  # token by token, not one block at the end
    assert "".join(pieces[:-1]) == completion.text and "\n\n" not in completion.text
    assert completion.usage.time_to_first_token_ms is not None
    sampled = GenerationParams(max_tokens=12, temperature=0.8, seed=7)
    first, again = (
        fast.complete("def add(a, b):\n", sampled),
        fast.complete("def add(a, b):\n", sampled),
    )
    assert first.text == again.text  # a seed makes sampling repeatable
    short = fast.complete("def add(a, b):\n", GenerationParams(max_tokens=3, temperature=0))
    assert short.usage.completion_tokens == 3 and short.finish_reason == "length"


@pytest.mark.model
@pytest.mark.slow
def test_an_adapter_is_merged_into_its_own_export(tmp_path, packaged_model: Path):
    import copy

    from peft import LoraConfig, get_peft_model

    from devlab.llm.providers.local import load_model

    base = load_model(packaged_model).model
    config = LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    get_peft_model(copy.deepcopy(base), config).save_pretrained(str(tmp_path / "adapter"))
    tuned = TransformersProvider(
        "tuned",
        models_dir=tmp_path / "models",
        model_dir=packaged_model,
        adapter_path=tmp_path / "adapter",
        device="cpu",
    )
    plain = TransformersProvider("local", models_dir=packaged_model.parent, device="cpu")
    a, b = tuned.engine_model(), plain.engine_model()
    assert a.engine == b.engine == "onnxruntime-genai" and a is not b
    assert (
        onnx_genai.onnx_model_dir(tmp_path / "models", packaged_model, tmp_path / "adapter")
        / "genai_config.json"
    ).is_file()
    params = GenerationParams(max_tokens=12, temperature=0)
    prompt = "def add(a, b):\n"
    assert tuned.complete(prompt, params).text != plain.complete(prompt, params).text
