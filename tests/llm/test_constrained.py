"""Constrained decoding (issue 18): a structured request comes out as JSON that parses
and matches its schema.

Fast tests drive the real llguidance matcher over a real (small) SentencePiece
tokenizer trained here, with a "model" that proposes random logits: whatever it
proposes, the masked choice must spell a valid value. The model test sends the
verified loop's spec request to the packaged Gemma 3 270M base model, whose spec reply
did not parse before (it began with a newline and went on with prose)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from devlab.errors import InvalidInput
from devlab.llm import GenerationParams
from devlab.llm.constrained import JsonConstraint, hf_processor
from devlab.llm.providers.fastpath import pick_token
from devlab.llm.weights import SentencePieceTokenizer

SCHEMA = {
    "type": "object",
    "properties": {
        "function": {"type": "string", "pattern": "^[a-z_]{1,12}$"},
        "count": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 8}, "maxItems": 3},
    },
    "required": ["function", "count", "tags"],
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def tokenizer() -> SentencePieceTokenizer:
    """A real SentencePiece model trained here, set up as Gemma's is (BPE, byte
    fallback, no dummy prefix, no normalisation), with a control piece."""
    import sentencepiece as spm

    text = ["def add(a, b): return a + b", '{"summary": "Sum.", "function": "add"}'] * 40
    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text), model_writer=proto, vocab_size=340, byte_fallback=True,
        control_symbols=["<end_of_turn>"], pad_id=0, eos_id=1, bos_id=2, unk_id=3,
        hard_vocab_limit=False, minloglevel=2, model_type="bpe", add_dummy_prefix=False,
        remove_extra_whitespaces=False, normalization_rule_name="identity",
    )  # fmt: skip
    model = proto.getvalue()
    end = spm.SentencePieceProcessor(model_proto=model).piece_to_id("<end_of_turn>")
    return SentencePieceTokenizer(model, bos_id=2, eos_ids=[1, end])


def _decode(tokenizer: SentencePieceTokenizer, seed: int, extra: int = 0) -> str:
    """Random logits (``extra`` more entries than the vocabulary, as an adapter's grown
    output layer has), masked, greedy: what any engine does under the constraint."""
    rng = np.random.default_rng(seed)
    constraint = JsonConstraint(tokenizer, SCHEMA)
    ids: list[int] = []
    for _ in range(400):
        masked = constraint.mask(rng.normal(size=(1, tokenizer.vocab_size + extra)) * 5)
        token = pick_token(masked[0], GenerationParams(temperature=0), rng)
        assert token < tokenizer.vocab_size
        if token in tokenizer.eos_ids:
            break
        ids.append(token)
        constraint.accept(token)
        if constraint.done:
            break
    return tokenizer.decode(ids)


@pytest.mark.parametrize("seed", range(6))
def test_any_proposal_is_masked_into_json_matching_the_schema(tokenizer, seed):
    data = json.loads(_decode(tokenizer, seed, extra=7 if seed % 2 else 0))
    assert set(data) == {"function", "count", "tags"}
    assert isinstance(data["count"], int) and isinstance(data["tags"], list)
    assert 1 <= len(data["function"]) <= 12 and data["function"].replace("_", "").isalpha()
    assert len(data["tags"]) <= 3 and all(len(t) <= 8 for t in data["tags"])


def test_sampling_picks_only_allowed_tokens():
    logits = np.array([-np.inf, 1.0, 3.0, -np.inf], dtype=np.float32)
    rng = np.random.default_rng(0)
    params = GenerationParams(temperature=1.0, top_p=1.0)
    assert {pick_token(logits, params, rng) for _ in range(50)} <= {1, 2}
    assert pick_token(logits, GenerationParams(temperature=0), rng) == 2


@pytest.mark.slow  # imports torch and transformers
def test_the_transformers_hook_follows_the_chosen_tokens(tokenizer):
    import torch

    constraint = JsonConstraint(tokenizer, SCHEMA)
    processor = hf_processor(constraint)
    ids = torch.tensor([[2, 5, 6]])  # a prompt of three tokens
    rng = np.random.default_rng(3)
    for _ in range(400):
        scores = torch.tensor(rng.normal(size=(1, tokenizer.vocab_size)), dtype=torch.float32)
        token = int(torch.argmax(processor(ids, scores)))
        if token in tokenizer.eos_ids or constraint.done:
            break
        ids = torch.cat([ids, torch.tensor([[token]])], dim=1)
    text = tokenizer.decode(ids[0, 3:].tolist() + ([token] if constraint.done else []))
    assert set(json.loads(text)) == {"function", "count", "tags"}


def test_bad_schemas_are_refused_with_the_reason(tokenizer):
    with pytest.raises(InvalidInput, match="at most 20000"):
        GenerationParams(json_schema={"description": "x" * 30_000})
    with pytest.raises(InvalidInput, match="json_schema cannot be used"):
        JsonConstraint(tokenizer, {"type": "object", "properties": {"a": {"type": "nothing"}}})


@pytest.mark.model
def test_the_spec_request_parses_on_the_packaged_base_model(packaged_model: Path):
    from devlab.companion.generate import parse_spec
    from devlab.companion.models import SPEC_SCHEMA
    from devlab.companion.prompting import render_prompt
    from devlab.llm.providers.local import TransformersProvider

    requirement = (
        "Write a Python function is_palindrome(s) that returns True when the string s "
        "reads the same backwards, ignoring case."
    )
    prompt = render_prompt("spec", language="python", requirement=requirement)
    provider = TransformersProvider("local", models_dir=packaged_model.parent)
    params = GenerationParams(max_tokens=400, temperature=0, json_schema=SPEC_SCHEMA)
    reply = provider.chat(prompt.messages, params)
    data = json.loads(reply.text)  # unconstrained, this reply did not parse
    assert set(data) == set(SPEC_SCHEMA["required"])
    spec = parse_spec(reply.text, requirement)
    assert spec.source == "model" and spec.function and spec.function.isidentifier()
