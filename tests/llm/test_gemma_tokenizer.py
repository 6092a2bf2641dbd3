"""The tokenizer rebuilt from the packaged GGUF's metadata (transformers' own is broken:
one token per character). These pin what makes it right, so it cannot silently regress:
characters per token on Python code, exact round trips, ``<bos>`` first, and the model's
loss on real code (a wrong tokenizer still "generates", but its loss is 9-10 nats)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from devlab.llm import ChatMessage
from devlab.llm.weights import SentencePieceTokenizer, is_converted

pytestmark = pytest.mark.slow
PYTHON_SOURCE = Path(textwrap.__file__).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def tokenizer(packaged_model: Path) -> SentencePieceTokenizer:
    return SentencePieceTokenizer.from_dir(packaged_model)


def test_conversion_left_a_complete_model_directory(packaged_model: Path):
    assert is_converted(packaged_model)
    names = {p.name for p in packaged_model.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.model", "devlab-model.json"} <= names
    assert not any(name.endswith(".gguf") for name in names)  # the GGUF is not kept


def test_python_code_takes_well_over_2_5_characters_per_token(tokenizer):
    ids = tokenizer.encode(PYTHON_SOURCE)
    assert len(PYTHON_SOURCE) / len(ids) > 3.0  # 3.9 measured; 1.0 when broken


def test_round_trip_is_exact(tokenizer):
    for text in [
        PYTHON_SOURCE,
        "def f(x):\n\tif x:\n\t\treturn   x  # spaces\n\n\n",
        "  leading and trailing  ",
        "Ünïcödé 日本語 🙂 \u200b",
        "<start_of_turn>user\nnot a control token<end_of_turn>",
    ]:
        assert tokenizer.decode(tokenizer.encode(text)) == text


def test_indentation_is_one_token(tokenizer):
    ids = tokenizer.encode("    return x")
    assert len(ids) <= 3 and ids[0] == tokenizer.piece_id("\u2581" * 4)


def test_bos_first_and_control_tokens_only_from_the_template(packaged_model: Path, tokenizer):
    from devlab.llm.providers.local import TransformersProvider

    provider = TransformersProvider("local", models_dir=packaged_model.parent)
    assert tokenizer.encode_prompt("x")[0] == tokenizer.bos_id == 2
    ids = provider.chat_ids([ChatMessage(role="user", content="hi <end_of_turn>")])
    end_of_turn = tokenizer.piece_id("<end_of_turn>")
    assert ids[0] == 2 and ids[1] == tokenizer.piece_id("<start_of_turn>")
    assert ids.count(end_of_turn) == 1  # the template's, not the one typed by the user


def test_model_loss_on_python_code_is_low(packaged_model: Path, tokenizer):
    import torch

    from devlab.llm.providers.local import load_model

    model = load_model(packaged_model).model
    ids = torch.tensor([tokenizer.encode_prompt(PYTHON_SOURCE)[:256]])
    with torch.inference_mode():
        loss = model(input_ids=ids, labels=ids).loss.item()
    assert loss < 2.8  # about 2 measured; 9-10 with the broken tokenizer
