"""Loading a base model for training or evaluation, with a tokenizer that is right.

Two kinds of base model directory:

- a **DevLab model directory** (the packaged Gemma 3 270M converted by
  ``devlab.llm.weights``, or any directory with ``devlab-model.json``): the
  tokenizer is the SentencePiece model **rebuilt from the GGUF metadata**, never
  transformers' GGUF tokenizer (which encodes character by character);
- **any Hugging Face causal-LM directory** (``config.json`` + weights + tokenizer
  files, as ``save_pretrained`` writes them): ``AutoTokenizer`` through
  ``devlab.llm.providers.hf.HFTokenizer``, the class the local provider serves with, so
  training and serving encode alike. Instruction examples use the tokenizer's chat
  template, or the plain ``### Instruction:`` / ``### Response:`` format without one.

FIM markers (``<fim_prefix>``, ``<fim_suffix>``, ``<fim_middle>``) become single tokens:
the model's own FIM tokens when its vocabulary has them; otherwise, for SentencePiece
models, reserved control pieces (Gemma's ``<unusedN>``) are assigned to them, and for
Hugging Face tokenizers they are **added** as special tokens: the embeddings grow by
those rows (``grow_vocab``: mean-initialised, never shrunk) and ``TextCodec.added``
lists them, so fine-tuning trains and saves those rows (``finetune``: peft's
``trainable_token_indices``). The mapping and the grown vocabulary size are saved with
the adapter (``devlab-tokens.json``, plus the tokenizer itself for Hugging Face models):
``load_base_model(..., adapter_dir=...)`` grows the base to the adapter's vocabulary and
encodes exactly as training did, before the caller applies the adapter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devlab.config import Settings
from devlab.llm import (
    TOKENS_FILE,
    HFTokenizer,
    adapter_vocab_size,
    grow_vocab,
    has_tokenizer,
    read_tokens_file,
)
from devlab.training.errors import BaseModelUnloadable

__all__ = [
    "FIM_MARKERS",
    "TOKENS_FILE",
    "TextCodec",
    "load_base_model",
    "resolve_base_dir",
]

FIM_MARKERS = ("<fim_prefix>", "<fim_suffix>", "<fim_middle>")
_OWN_FIM = (
    ("<fim_prefix>", "<fim_suffix>", "<fim_middle>"),
    ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"),
    ("<PRE>", "<SUF>", "<MID>"),
)


def resolve_base_dir(settings: Settings, base_model: str) -> Path:
    """The base model's directory: the packaged model (converted once) for ``""``; a
    ``.gguf`` file converted once into ``models_dir``; else ``base_model`` checked to be
    a loadable directory (the error names the path)."""
    if not base_model:
        from devlab.llm import ensure_packaged_model

        return ensure_packaged_model(settings.models_dir)
    from devlab.errors import ComponentUnavailable
    from devlab.llm import model_dir_for

    try:
        path = model_dir_for(settings.models_dir, Path(base_model).expanduser())
    except ComponentUnavailable as exc:  # a .gguf that cannot be converted
        raise BaseModelUnloadable(exc.message) from exc
    if not path.is_dir():
        raise BaseModelUnloadable(
            f"cannot load base model {path}: no such directory (give a local model "
            "directory or a .gguf file, or leave base_model empty for the packaged "
            "Gemma 3 270M)"
        )
    if not (path / "config.json").is_file():
        raise BaseModelUnloadable(
            f"cannot load base model {path}: no config.json there (not a transformers "
            "model directory)"
        )
    return path


@dataclass
class TextCodec:
    """Text <-> ids for training and evaluation, FIM markers as single tokens."""

    bos_id: int | None
    eos_id: int
    end_of_turn_id: int | None
    pad_id: int
    special: dict[str, int] = field(default_factory=dict)
    sp: Any = None  # devlab SentencePieceTokenizer
    hf: HFTokenizer | None = None  # a Hugging Face model's tokenizer
    chat_template: str | None = None  # a DevLab model's template (Hugging Face: hf's own)
    added: list[int] = field(default_factory=list)  # token ids added to the vocabulary
    vocab_size: int | None = None  # the model's embedding rows, once loaded

    def __post_init__(self) -> None:
        names = sorted(self.special, key=len, reverse=True)
        self._special_re = re.compile("|".join(map(re.escape, names))) if names else None

    def _plain(self, text: str) -> list[int]:
        if not text:
            return []
        if self.sp is not None:
            return self.sp.encode(text)
        assert self.hf is not None
        return self.hf.encode(text)

    def encode(self, text: str) -> list[int]:
        """Ids of ``text`` with FIM markers as their tokens (no ``<bos>``)."""
        if self._special_re is None:
            return self._plain(text)
        ids: list[int] = []
        pos = 0
        for match in self._special_re.finditer(text):
            ids += self._plain(text[pos : match.start()])
            ids.append(self.special[match.group()])
            pos = match.end()
        return ids + self._plain(text[pos:])

    def decode(self, ids: list[int]) -> str:
        if self.sp is not None:
            return self.sp.decode(ids)
        assert self.hf is not None
        return self.hf.decode(ids)

    def with_bos(self, ids: list[int]) -> list[int]:
        return ids if self.bos_id is None else [self.bos_id, *ids]

    def chat_prompt(self, instruction: str) -> list[int]:
        """The model's input for one user turn, up to where its answer starts (the
        prompt the local provider builds for the same message)."""
        from devlab.llm import ChatMessage, instruction_prompt, render_chat

        message = ChatMessage(role="user", content=instruction)
        if self.hf is not None:
            return self.hf.chat_ids([message])
        if self.chat_template is not None:
            segments = render_chat(self.chat_template, [message], bos_token="<bos>")
            return self.sp.encode_segments(segments)
        return self.with_bos(self._plain(instruction_prompt([message])))

    def answer_end(self) -> list[int]:
        """What ends an answer: the end-of-turn token when the model has one."""
        return [self.end_of_turn_id if self.end_of_turn_id is not None else self.eos_id]

    def tokens_json(self) -> dict[str, Any]:
        """What ``devlab-tokens.json`` records: the FIM mapping, the ids that were added
        and the vocabulary size a loader must grow the base to."""
        return {"special": self.special, "added": self.added, "vocab_size": self.vocab_size}


def _sp_codec(model_dir: Path, saved: dict[str, int] | None) -> TextCodec:
    from devlab.llm import SentencePieceTokenizer, read_marker

    meta = read_marker(model_dir)
    sp = SentencePieceTokenizer.from_dir(model_dir)
    proc = sp._sp
    special = dict(saved or {})
    if not special:
        for triple in _OWN_FIM:
            ids = [int(proc.piece_to_id(p)) for p in triple]
            if all(not proc.is_unknown(i) for i in ids):
                special = dict(zip(FIM_MARKERS, ids, strict=True))
                break
    if not special:  # assign reserved control pieces (Gemma: <unused0..>)
        reserved = [f"<unused{i}>" for i in range(len(FIM_MARKERS))]
        ids = [int(proc.piece_to_id(p)) for p in reserved]
        if all(not proc.is_unknown(i) for i in ids):
            special = dict(zip(FIM_MARKERS, ids, strict=True))
    eot = int(proc.piece_to_id("<end_of_turn>"))
    return TextCodec(
        bos_id=sp.bos_id,
        eos_id=sp.eos_ids[0],
        end_of_turn_id=None if proc.is_unknown(eot) else eot,
        pad_id=0,
        special=special,
        sp=sp,
        chat_template=_template(meta),
    )


def _template(meta: dict[str, Any]) -> str | None:
    from devlab.llm import load_chat_template

    name = meta.get("chat_template")
    return load_chat_template(name) if name else None


def _hf_codec(tokenizer_dir: Path, model_dir: Path, saved: dict[str, int] | None) -> TextCodec:
    """The codec of a Hugging Face model; the FIM markers are added to the tokenizer
    (``TextCodec.added``) when it has no FIM tokens of its own."""
    try:
        tok = HFTokenizer.from_dir(tokenizer_dir, model_dir)
    except Exception as exc:
        raise BaseModelUnloadable(
            f"cannot load the tokenizer of base model {model_dir}: {type(exc).__name__}: {exc}"
        ) from exc
    vocab = tok.tok.get_vocab()
    special: dict[str, int] = {}
    for triple in _OWN_FIM:
        if all(p in vocab for p in triple):
            special = {m: vocab[p] for m, p in zip(FIM_MARKERS, triple, strict=True)}
            break
    added: list[int] = []
    if not special:
        tok.tok.add_special_tokens(
            {"additional_special_tokens": list(FIM_MARKERS)}, replace_extra_special_tokens=False
        )
        special = {m: int(tok.tok.convert_tokens_to_ids(m)) for m in FIM_MARKERS}
        added = sorted(special.values())
    if saved:  # encode exactly as the adapter was trained
        special = {m: int(i) for m, i in saved.items()}
    return TextCodec(
        bos_id=tok.bos_id,
        eos_id=tok.eos_id if tok.eos_id is not None else 0,
        end_of_turn_id=None,
        pad_id=tok.pad_id,
        special=special,
        hf=tok,
        added=added,
    )


def load_base_model(
    model_dir: Path,
    *,
    device: str,
    dtype: Any = None,
    quantize_4bit: bool = False,
    adapter_dir: Path | None = None,
) -> tuple[Any, TextCodec]:
    """The model and its codec. With ``adapter_dir`` the codec encodes as the adapter
    was trained (its FIM mapping, its saved tokenizer) and the model's vocabulary is
    grown to the adapter's, so ``PeftModel.from_pretrained(model, adapter_dir)`` fits
    it; the adapter itself is the caller's to apply. Any failure to load becomes
    ``BaseModelUnloadable`` naming ``model_dir``."""
    import torch
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {"dtype": dtype or torch.float32}
    if quantize_4bit:
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=torch.bfloat16,
            bnb_4bit_use_double_quant=True,
        )
        kwargs["device_map"] = {"": 0}
    try:
        model = AutoModelForCausalLM.from_pretrained(str(model_dir), **kwargs)
    except Exception as exc:
        raise BaseModelUnloadable(
            f"cannot load base model {model_dir}: {type(exc).__name__}: {exc}"
        ) from exc
    saved = read_tokens_file(adapter_dir)
    if (model_dir / "devlab-model.json").is_file():
        codec = _sp_codec(model_dir, saved.get("special"))
        rows = int(saved.get("vocab_size") or 0)
    else:
        use_adapter = adapter_dir is not None and has_tokenizer(adapter_dir)
        tokenizer_dir = adapter_dir if use_adapter and adapter_dir is not None else model_dir
        codec = _hf_codec(tokenizer_dir, model_dir, saved.get("special"))
        rows = len(codec.hf) if codec.hf is not None else 0
        if adapter_dir is not None:
            rows = adapter_vocab_size(adapter_dir, rows)
    grow_vocab(model, rows)
    embeddings = model.get_input_embeddings()
    codec.vocab_size = int(embeddings.weight.shape[0])  # type: ignore[index]  # Tensor|Module stub
    if not quantize_4bit:
        model.to(device)  # type: ignore[arg-type]  # transformers' wrapped .to() stub drops device
    return model, codec
