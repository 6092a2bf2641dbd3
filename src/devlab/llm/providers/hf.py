"""Hugging Face model directories: any causal LM saved with ``save_pretrained``
(``config.json`` + weights + tokenizer files), as opposed to a DevLab model directory
(``devlab-model.json`` + the rebuilt SentencePiece ``tokenizer.model``).

- :class:`HFTokenizer` puts ``AutoTokenizer`` behind the interface the local provider
  uses for the rebuilt SentencePiece tokenizer (``encode`` without special tokens,
  ``encode_prompt``, ``decode``, ``eos_ids``) and adds ``chat_ids``: the tokenizer's own
  chat template when it has one (control tokens written *in* a message are encoded as
  text, so a message cannot forge a turn), else the plain instruction format of
  :func:`devlab.llm.chat_templates.instruction_prompt`. Fine-tuning encodes with the same
  class, so a model is served exactly as it was trained.
- **Added tokens.** Fine-tuning adds the FIM markers as special tokens when a tokenizer
  lacks them, and the model's embeddings grow by those rows (:func:`grow_vocab`: the new
  rows start as the mean of the old ones, deterministically, so a base grown again at
  load time is the base that was trained). The adapter directory keeps the tokenizer
  (with the added tokens) and ``devlab-tokens.json`` (``vocab_size``): a loader grows
  the base to the adapter's vocabulary (:func:`adapter_vocab_size`) before applying it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from devlab.llm.base import ChatMessage
from devlab.llm.chat_templates import instruction_prompt

TOKENS_FILE = "devlab-tokens.json"  # written next to an adapter or exported weights
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model", "vocab.json")


def has_tokenizer(directory: Path) -> bool:
    """Whether ``directory`` holds a transformers tokenizer (saved with save_pretrained)."""
    return any((directory / name).is_file() for name in _TOKENIZER_FILES)


def _generation_eos(model_dir: Path) -> list[int]:
    """The end-of-sequence ids of ``generation_config.json`` (chat models list their
    end-of-turn token there)."""
    try:
        config = json.loads((model_dir / "generation_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    eos = config.get("eos_token_id")
    if eos is None:
        return []
    return [int(i) for i in (eos if isinstance(eos, list) else [eos])]


class HFTokenizer:
    """Text <-> token ids for a Hugging Face model directory (``AutoTokenizer``).

    ``encode`` never adds special tokens and encodes special-token *text* (``</s>``
    written in code) as text; ``bos_id`` is the tokenizer's ``<bos>`` only when the
    tokenizer itself puts one first (Llama, Gemma do; GPT-2, Qwen do not)."""

    def __init__(self, tok: Any, *, extra_eos: list[int] | None = None) -> None:
        self.tok = tok
        eos = tok.eos_token_id
        self.eos_id: int | None = int(eos) if eos is not None else None
        own = [self.eos_id] if self.eos_id is not None else []
        self.eos_ids = list(dict.fromkeys([*own, *(extra_eos or [])]))
        pad = tok.pad_token_id if tok.pad_token_id is not None else eos
        self.pad_id = int(pad) if pad is not None else 0
        probe = list(tok("a")["input_ids"])
        bos = tok.bos_token_id
        self.bos_id: int | None = int(bos) if bos is not None and probe[:1] == [bos] else None

    @classmethod
    def from_dir(cls, tokenizer_dir: Path, model_dir: Path | None = None) -> HFTokenizer:
        """A fresh tokenizer from ``tokenizer_dir``; ``model_dir`` (default: the same)
        adds the end-of-sequence ids of its generation config."""
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(str(tokenizer_dir))
        return cls(tok, extra_eos=_generation_eos(model_dir or tokenizer_dir))

    def __len__(self) -> int:
        return len(self.tok)

    @property
    def vocab_size(self) -> int:
        return len(self.tok)

    @property
    def chat_template(self) -> str | None:
        return getattr(self.tok, "chat_template", None) or None

    def encode(self, text: str) -> list[int]:
        if not text:
            return []
        out = self.tok(text, add_special_tokens=False, split_special_tokens=True)
        return [int(i) for i in out["input_ids"]]

    def encode_prompt(self, text: str) -> list[int]:
        """The input for plain completion: ``<bos>`` (when the model uses one) + ``text``."""
        return self.with_bos(self.encode(text))

    def with_bos(self, ids: list[int]) -> list[int]:
        return ids if self.bos_id is None else [self.bos_id, *ids]

    def decode(self, ids: list[int]) -> str:
        """Text of ``ids``; special tokens (``<eos>``, FIM markers) decode to nothing."""
        return str(self.tok.decode(list(ids), skip_special_tokens=True))

    def chat_ids(self, messages: list[ChatMessage]) -> list[int]:
        """The model input for ``messages``, up to where the answer starts."""
        if self.chat_template:
            ids = self.tok.apply_chat_template(
                [{"role": m.role, "content": m.content} for m in messages],
                add_generation_prompt=True,
                tokenize=True,
                return_dict=False,
                sanitize_control_tokens=True,
            )
            return [int(i) for i in ids]
        return self.encode_prompt(instruction_prompt(messages))

    def save_pretrained(self, directory: Path | str) -> None:
        self.tok.save_pretrained(str(directory))


@lru_cache(maxsize=8)
def _cached_tokenizer(tokenizer_dir: str, model_dir: str) -> HFTokenizer:
    return HFTokenizer.from_dir(Path(tokenizer_dir), Path(model_dir))


def serving_tokenizer(model_dir: Path, adapter_dir: Path | None = None) -> HFTokenizer:
    """The tokenizer that serves ``model_dir`` (+ ``adapter_dir``), loaded once per
    process: the adapter's own when it saved one (it has the tokens training added)."""
    source = adapter_dir if adapter_dir is not None and has_tokenizer(adapter_dir) else model_dir
    return _cached_tokenizer(str(source), str(model_dir))


def read_tokens_file(directory: Path | None) -> dict[str, Any]:
    """``devlab-tokens.json`` of an adapter or weights directory (``{}`` when absent)."""
    if directory is None or not (directory / TOKENS_FILE).is_file():
        return {}
    return dict(json.loads((directory / TOKENS_FILE).read_text(encoding="utf-8")))


def adapter_vocab_size(adapter_dir: Path, tokenizer_rows: int = 0) -> int:
    """The vocabulary the adapter was trained with: its recorded ``vocab_size``, at
    least the rows of the tokenizer it saved."""
    return max(int(read_tokens_file(adapter_dir).get("vocab_size") or 0), tokenizer_rows)


def grow_vocab(model: Any, rows: int) -> bool:
    """Grow the input (and untied output) embeddings to ``rows``; True when they grew.

    Never shrinks: many models pad their embeddings past the tokenizer's size. The new
    rows are the mean of the old ones (``resize_token_embeddings`` would draw them at
    random), so growing the same base twice gives the same weights."""
    import torch

    old = int(model.get_input_embeddings().weight.shape[0])
    if rows <= old:
        return False
    model.resize_token_embeddings(rows, mean_resizing=False)
    layers = {id(m): m for m in (model.get_input_embeddings(), model.get_output_embeddings())}
    with torch.no_grad():
        for layer in layers.values():
            if layer is None:
                continue
            weight = layer.weight
            weight[old:] = weight[:old].mean(dim=0, keepdim=True)
            bias = getattr(layer, "bias", None)
            if bias is not None and bias.shape[0] == rows:
                bias[old:] = bias[:old].mean()
    return True


__all__ = [
    "TOKENS_FILE",
    "HFTokenizer",
    "adapter_vocab_size",
    "grow_vocab",
    "has_tokenizer",
    "read_tokens_file",
    "serving_tokenizer",
]
