"""The CTranslate2 int8 engine of the local provider (the fallback after ONNX Runtime
GenAI, ``test_onnx_genai.py``; named explicitly here).

Agreement with the transformers path (fp32), same rebuilt tokenizer, same chat template,
on fixed texts, with a stated tolerance:

- teacher-forced (every position of each text): the two engines' most likely next token
  agree at >= ``MIN_ARGMAX_AGREEMENT`` of the positions, and the probability the fast
  path gives the reference's top token differs by <= ``MAX_MEAN_PROB_DIFF`` on average;
- greedy: the first ``AGREE_TOKENS`` generated tokens are equal.

int8 weights (re-quantised from the Q4_K_M/Q5_0 GGUF's dequantised weights) flip
near-ties: measured 86-100 % argmax agreement and a mean |dp| of 0.04-0.06 on these
texts, and greedy continuations that agree for 5 to 25+ tokens before a near-tie.
"""

from __future__ import annotations

import queue
from pathlib import Path

import pytest

from devlab.errors import ComponentUnavailable
from devlab.llm import ChatMessage, GenerationParams, ProviderTimeout
from devlab.llm.providers import fastpath
from devlab.llm.providers.local import TransformersProvider

AGREE_TOKENS = 4
MIN_ARGMAX_AGREEMENT = 0.8
MAX_MEAN_PROB_DIFF = 0.1
TEXTS = [
    "def fibonacci(n):\n    if n < 2:\n        return n\n"
    "    return fibonacci(n - 1) + fibonacci(n - 2)\n",
    'import json\n\n\ndef read_config(path):\n    """Read a JSON file."""\n'
    "    with open(path) as f:\n        return json.load(f)\n",
    "The capital of France is Paris. The capital of Germany is Berlin.",
]
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
def test_fast_path_agrees_with_the_transformers_path(packaged_model: Path):
    import numpy as np
    import torch

    fast = TransformersProvider("local", models_dir=packaged_model.parent, engine="ctranslate2")
    slow = TransformersProvider("local", models_dir=packaged_model.parent, engine="transformers")
    assert fast.uses_fast_engine() and not slow.uses_fast_engine()
    engine, reference = fast.engine_model(), slow.loaded()
    for text in TEXTS:
        ids = engine.tokenizer.encode_prompt(text)
        fast_logits = torch.tensor(
            np.array(engine.generator.forward_batch([[engine.pieces[i] for i in ids]]))[0]
        )
        with torch.inference_mode():
            ref_logits = reference.model(input_ids=torch.tensor([ids])).logits[0].float()
        top = ref_logits.argmax(-1)
        agreement = (fast_logits.argmax(-1) == top).float().mean().item()
        rows = torch.arange(len(ids))
        p_fast = torch.softmax(fast_logits, -1)[rows, top]
        p_ref = torch.softmax(ref_logits, -1)[rows, top]
        assert agreement >= MIN_ARGMAX_AGREEMENT, (text, agreement)
        assert (p_fast - p_ref).abs().mean().item() <= MAX_MEAN_PROB_DIFF, text
    params = GenerationParams(max_tokens=AGREE_TOKENS, temperature=0)
    for prompt in PROMPTS:
        a, b = fast.complete(prompt, params), slow.complete(prompt, params)
        assert engine.tokenizer.encode(a.text) == engine.tokenizer.encode(b.text), prompt
    chat = [ChatMessage(role="user", content="Write a Python function that adds two numbers.")]
    assert fast.chat_ids(chat) == slow.chat_ids(chat)  # one tokenizer, one template
    assert fast.chat(chat, params).text == slow.chat(chat, params).text


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


@pytest.mark.model
@pytest.mark.slow
def test_an_adapter_is_merged_into_its_own_engine_copy(tmp_path, packaged_model: Path):
    import copy

    import numpy as np
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
        engine="ctranslate2",
    )
    plain = TransformersProvider("local", models_dir=packaged_model.parent, engine="ctranslate2")
    assert tuned.uses_fast_engine()
    a, b = tuned.engine_model(), plain.engine_model()
    assert a is not b
    prompt = [[b.pieces[i] for i in b.tokenizer.encode_prompt("def add(a, b):\n")]]
    logits_a = np.array(a.generator.forward_batch(prompt))
    logits_b = np.array(b.generator.forward_batch(prompt))
    assert not np.allclose(logits_a, logits_b, atol=1e-3)  # the adapter changed the weights
