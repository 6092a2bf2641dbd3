"""The fast CPU engine (CTranslate2 int8) of the local provider.

The model tests check that the fast path and the transformers path agree: on fixed
prompts, both greedy continuations (rebuilt tokenizer, same chat template) share their
first ``AGREE_TOKENS`` tokens. int8 weights change the logits a little, so a long
continuation may drift where two candidates are nearly tied; 12 tokens on these
prompts did not (measured: 25+ on the is_palindrome request)."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest

from devlab.errors import ComponentUnavailable
from devlab.llm import ChatMessage, GenerationParams, ProviderTimeout
from devlab.llm.providers import fastpath
from devlab.llm.providers.local import TransformersProvider

AGREE_TOKENS = 12
PROMPTS = [
    "def fibonacci(n):\n",
    'import os\n\n\ndef read_config(path):\n    """Read a JSON file and return a dict."""\n',
    "The capital of France is",
]


def test_a_stalled_generation_times_out_and_keeps_its_partial_text(tmp_path):
    provider = TransformersProvider("local", models_dir=tmp_path, timeout_s=0.05)
    with pytest.raises(ProviderTimeout) as info:
        provider._next(queue.Queue(), lambda: "def add(a, b):")
    assert info.value.status_code == 504
    assert info.value.detail["partial_text"] == "def add(a, b):"
    assert "no token for 0.05 s" in info.value.message


def test_engine_choice(tmp_path, monkeypatch):
    plain = TransformersProvider("local", models_dir=tmp_path, engine="transformers")
    assert plain.uses_fast_engine() is False
    monkeypatch.setattr("devlab.llm.providers.local.fast_engine_available", lambda: False)
    forced = TransformersProvider("local", models_dir=tmp_path, engine="ctranslate2")
    with pytest.raises(ComponentUnavailable, match="pip install ctranslate2"):
        forced.uses_fast_engine()
    hf_dir = tmp_path / "hf"
    hf_dir.mkdir()
    auto = TransformersProvider("local", models_dir=tmp_path, model_dir=hf_dir)
    assert auto.uses_fast_engine() is False  # not installed: transformers serves


def test_engine_copy_is_named_by_model_and_adapter(tmp_path):
    base = fastpath.fast_model_dir(tmp_path, tmp_path / "gemma3-270m-v1")
    tuned = fastpath.fast_model_dir(tmp_path, tmp_path / "gemma3-270m-v1", tmp_path / "a")
    assert base != tuned and base.name.startswith("ct2-gemma3-270m-v1-")
    assert base == fastpath.fast_model_dir(tmp_path, tmp_path / "gemma3-270m-v1")


@pytest.mark.model
@pytest.mark.slow
def test_fast_path_greedy_continuation_equals_the_transformers_path(packaged_model: Path):
    fast = TransformersProvider("local", models_dir=packaged_model.parent, engine="ctranslate2")
    slow = TransformersProvider("local", models_dir=packaged_model.parent, engine="transformers")
    assert fast.uses_fast_engine() and not slow.uses_fast_engine()
    params = GenerationParams(max_tokens=AGREE_TOKENS, temperature=0)
    tokenizer = fast.engine_model().tokenizer
    for prompt in PROMPTS:
        a = fast.complete(prompt, params)
        b = slow.complete(prompt, params)
        assert a.usage.completion_tokens == b.usage.completion_tokens
        assert tokenizer.encode(a.text) == tokenizer.encode(b.text), prompt
    chat = [ChatMessage(role="user", content="Write a Python function that adds two numbers.")]
    assert fast.chat_ids(chat) == slow.chat_ids(chat)  # one tokenizer, one template
    a, b = fast.chat(chat, params), slow.chat(chat, params)
    assert a.text == b.text and a.text.strip()


@pytest.mark.model
@pytest.mark.slow
def test_fast_path_streams_and_stops(packaged_model: Path):
    fast = TransformersProvider("local", models_dir=packaged_model.parent, engine="ctranslate2")
    params = GenerationParams(max_tokens=40, temperature=0, stop=["\n\n"])
    pieces = list(fast.stream_complete("def is_even(n):\n", params))
    completion = pieces[-1]
    assert "".join(pieces[:-1]) == completion.text and "\n\n" not in completion.text
    assert completion.usage.time_to_first_token_ms is not None
    engine_dir = fastpath.ensure_fast_model(packaged_model.parent, packaged_model)
    assert (engine_dir / "model.bin").is_file()  # converted once, then reused
    assert fastpath.load_fast_model(engine_dir, packaged_model) is fast.engine_model()
