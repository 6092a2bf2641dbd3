"""The packaged Gemma 3 270M end to end: a few tokens through the service, stop strings,
and a LoRA adapter. Short on purpose: about 2-10 tokens/s on two CPU cores."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from devlab.config import load_settings
from devlab.llm import ChatMessage, GenerationParams, LLMService
from devlab.llm.providers.local import TransformersProvider, load_model
from devlab.llm.usage import usage_report
from devlab.store.db import Database

pytestmark = pytest.mark.slow


def test_service_streams_a_few_tokens_from_the_packaged_model(tmp_path, packaged_model: Path):
    settings = load_settings(home=tmp_path / "home", llm_models_dir=packaged_model.parent)
    db = Database(settings)
    service = LLMService(settings, db)
    pieces: list[str] = []
    completion = service.chat(
        "chat",
        [ChatMessage(role="user", content="Write a Python function that adds two numbers.")],
        GenerationParams(max_tokens=5, temperature=0),
        on_token=pieces.append,
    )
    assert (completion.provider, completion.model) == ("local", "gemma3-270m")
    assert "".join(pieces) == completion.text and completion.text.strip()
    assert 1 <= completion.usage.completion_tokens <= 5
    assert completion.usage.prompt_tokens > 10
    row = usage_report(db).recent[0]
    assert row.status == "ok" and row.ttft_ms is not None and row.latency_ms >= row.ttft_ms
    db.close()


def test_plain_completion_stops_at_a_stop_string(packaged_model: Path):
    provider = TransformersProvider("local", models_dir=packaged_model.parent)
    params = GenerationParams(max_tokens=8, temperature=0, stop=["=="])
    pieces = list(provider.stream_complete("def fibonacci(n):\n", params))
    completion = pieces[-1]
    assert "==" not in completion.text and "".join(pieces[:-1]) == completion.text
    assert completion.finish_reason == "stop"
    assert load_model(packaged_model) is load_model(packaged_model)  # loaded once


def test_lora_adapter_is_applied(tmp_path, packaged_model: Path):
    import torch
    from peft import LoraConfig, get_peft_model

    base = load_model(packaged_model).model
    config = LoraConfig(r=4, target_modules=["q_proj", "v_proj"], init_lora_weights=False)
    get_peft_model(copy.deepcopy(base), config).save_pretrained(str(tmp_path / "adapter"))

    adapted = TransformersProvider(
        "tuned", models_dir=packaged_model.parent, adapter_path=tmp_path / "adapter"
    )
    assert adapted.model == "gemma3-270m+adapter"
    ids = torch.tensor([[2, 2063, 517, 236769]])
    with torch.inference_mode():
        plain = base(input_ids=ids).logits
        tuned = adapted.loaded().model(input_ids=ids).logits
    assert not torch.allclose(plain, tuned)


def test_local_generation_past_its_time_is_a_504_and_frees_the_model(packaged_model: Path):
    import time

    from devlab.llm import ProviderTimeout

    # The timeout is per token gap. A real stall is made certain by holding the real engine's
    # worker back before its first token: a short timeout alone raced the engine on a quiet
    # machine (the fast engines' tokens can come quicker than the main thread asks for them).
    hurried = TransformersProvider("local", models_dir=packaged_model.parent, timeout_s=0.2)

    def stalled(run):
        def run_late(*args, **kwargs):
            time.sleep(1.0)
            return run(*args, **kwargs)

        return run_late

    hurried._run_fast = stalled(hurried._run_fast)  # type: ignore[method-assign]
    hurried._run_generate = stalled(hurried._run_generate)  # type: ignore[method-assign]
    with pytest.raises(ProviderTimeout) as info:
        hurried.complete("def fibonacci(n):\n", GenerationParams(max_tokens=200, temperature=0))
    assert info.value.status_code == 504 and "'local'" in info.value.message
    assert info.value.detail["partial_text"] == ""
    patient = TransformersProvider("local", models_dir=packaged_model.parent)
    params = GenerationParams(max_tokens=2, temperature=0)
    assert patient.complete("x = ", params).usage.completion_tokens <= 2  # lock released
