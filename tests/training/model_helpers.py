"""Helpers of the fine-tuning, evaluation and registry tests (importable as
``training.model_helpers``): a tiny on-disk dataset and the shared converted model."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from devlab.config import Settings
from devlab.store.db import Database
from devlab.store.models import DatasetRow

# The converted packaged model is shared with tests/llm and tests/companion.
MODELS_DIR = os.environ.get("DEVLAB_TEST_MODELS_DIR") or str(
    Path(tempfile.gettempdir()) / "devlab-test-models"
)

FUNCS = [
    "def add(a, b):\n    return a + b\n",
    "def sub(a, b):\n    return a - b\n",
    "def mul(a, b):\n    return a * b\n",
]


def tiny_examples() -> list[dict]:
    """Repetitive examples (a loss that must fall in a few steps): FIM completions and
    instruction records, in all three splits."""
    rows = []
    for i in range(24):
        f = FUNCS[i % 3]
        split = "train" if i < 16 else ("validation" if i < 20 else "test")
        if i % 2:
            rows.append(
                {
                    "id": f"c{i}",
                    "kind": "completion",
                    "split": split,
                    "format": "fim-psm",
                    "prompt": f"<fim_prefix>{f[:15]}<fim_suffix>{f[25:]}<fim_middle>",
                    "completion": f[15:25],
                    "instruction": None,
                    "response": None,
                }
            )
        else:
            rows.append(
                {
                    "id": f"d{i}",
                    "kind": "doc-to-code",
                    "split": split,
                    "format": None,
                    "prompt": f.split("\n")[0] + "\n",
                    "completion": f.split("\n", 1)[1],
                    "instruction": f"Write the Python function {f.split('(')[0][4:]}.",
                    "response": f,
                }
            )
    return rows


def write_dataset(settings: Settings, db: Database, name: str = "tiny") -> DatasetRow:
    """A dataset version on disk plus its row (as the datasets builder leaves them)."""
    rel = f"datasets/{name}/1"
    data = settings.home / rel / "data"
    data.mkdir(parents=True, exist_ok=True)
    rows = tiny_examples()
    for split in ("train", "validation", "test"):
        lines = [json.dumps(r) + "\n" for r in rows if r["split"] == split]
        (data / f"{split}.jsonl").write_text("".join(lines), encoding="utf-8")
    with db.session() as s:
        row = DatasetRow(name=name, version=1, project_ids=[1], snapshot_ids=[7], path=rel)
        s.add(row)
        s.flush()
        s.expunge(row)
    return row


# -- a tiny Hugging Face model, built offline --------------------------------------------

CHAT_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}"
    "{{ eos_token }}\n{% endfor %}{% if add_generation_prompt %}assistant: {% endif %}"
)


def _tokenizer_corpus() -> list[str]:
    """A few KB of Python to train the tiny tokenizer on (the dataset's functions too)."""
    import inspect
    import textwrap as sample

    return [inspect.getsource(sample), *FUNCS] * 2


def write_hf_model(
    target: Path, *, chat_template: str | None = None, tie_embeddings: bool = False
) -> Path:
    """A tiny random Llama with its own byte-level BPE tokenizer (400 tokens, ``<s>``
    put first by the tokenizer, no FIM tokens), saved as a Hugging Face model directory.
    Nothing is downloaded; it builds in about a second."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<pad>", "<s>", "</s>"]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(_tokenizer_corpus(), trainer)
    bpe.post_processor = processors.TemplateProcessing(
        single="<s> $A", special_tokens=[("<s>", bpe.token_to_id("<s>"))]
    )
    tok = PreTrainedTokenizerFast(
        tokenizer_object=bpe, pad_token="<pad>", bos_token="<s>", eos_token="</s>"
    )
    if chat_template:
        tok.chat_template = chat_template
    tok.save_pretrained(str(target))
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=48,
        intermediate_size=96,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=256,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        tie_word_embeddings=tie_embeddings,
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(str(target))
    return target


def write_splits(data_dir: Path, rows: list[dict]) -> Path:
    """``{split}.jsonl`` files of ``rows`` (each has a ``split``) in ``data_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for split in ("train", "validation", "test"):
        lines = [json.dumps(r) + "\n" for r in rows if r["split"] == split]
        (data_dir / f"{split}.jsonl").write_text("".join(lines), encoding="utf-8")
    return data_dir
