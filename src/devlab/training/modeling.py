"""Loading a base model for training or evaluation, with a tokenizer that is right.

Two kinds of base model directory:

- a **DevLab model directory** (the packaged Gemma 3 270M converted by
  ``devlab.llm.providers.gemma``, or any directory with ``devlab-model.json``): the
  tokenizer is the SentencePiece model **rebuilt from the GGUF metadata**, never
  transformers' GGUF tokenizer (which encodes character by character);
- any **Hugging Face directory** (``config.json`` + weights + tokenizer files):
  ``AutoTokenizer``.

FIM markers (``<fim_prefix>``, ``<fim_suffix>``, ``<fim_middle>``) become single tokens:
the model's own FIM tokens when its vocabulary has them; otherwise, for SentencePiece
models, reserved control pieces (Gemma's ``<unusedN>``) are assigned to them, and for
Hugging Face tokenizers special tokens are added (embeddings resized; the new rows are
trained). The mapping is saved with the adapter (``devlab-tokens.json``) so evaluation
encodes exactly as training did.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devlab.config import Settings
from devlab.training.errors import BaseModelUnloadable

__all__ = [
    "FIM_MARKERS",
    "TOKENS_FILE",
    "TextCodec",
    "load_base_model",
    "resolve_base_dir",
]

FIM_MARKERS = ("<fim_prefix>", "<fim_suffix>", "<fim_middle>")
TOKENS_FILE = "devlab-tokens.json"
_OWN_FIM = (
    ("<fim_prefix>", "<fim_suffix>", "<fim_middle>"),
    ("<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"),
    ("<PRE>", "<SUF>", "<MID>"),
)


def resolve_base_dir(settings: Settings, base_model: str) -> Path:
    """The base model's directory: the packaged model (converted once) for ``""``, else
    ``base_model`` checked to be a loadable directory (the error names the path)."""
    if not base_model:
        from devlab.llm.providers.gemma import ensure_packaged_model

        return ensure_packaged_model(settings.models_dir)
    path = Path(base_model).expanduser()
    if not path.is_dir():
        raise BaseModelUnloadable(
            f"cannot load base model {path}: no such directory (give a local model "
            "directory, or leave base_model empty for the packaged Gemma 3 270M)"
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
    hf: Any = None  # transformers tokenizer
    chat_template: str | None = None

    def __post_init__(self) -> None:
        names = sorted(self.special, key=len, reverse=True)
        self._special_re = re.compile("|".join(map(re.escape, names))) if names else None

    def _plain(self, text: str) -> list[int]:
        if not text:
            return []
        if self.sp is not None:
            return self.sp.encode(text)
        return list(self.hf(text, add_special_tokens=False)["input_ids"])

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
        return str(self.hf.decode(ids, skip_special_tokens=True))

    def with_bos(self, ids: list[int]) -> list[int]:
        return ids if self.bos_id is None else [self.bos_id, *ids]

    def chat_prompt(self, instruction: str) -> list[int]:
        """The model's input for one user turn, up to where its answer starts."""
        from devlab.llm.base import ChatMessage

        message = ChatMessage(role="user", content=instruction)
        if self.sp is not None and self.chat_template is not None:
            from devlab.llm.chat_templates import render_chat

            segments = render_chat(self.chat_template, [message], bos_token="<bos>")
            return self.sp.encode_segments(segments)
        if getattr(self.hf, "chat_template", None):
            return list(
                self.hf.apply_chat_template(
                    [message.model_dump()], add_generation_prompt=True, tokenize=True
                )
            )
        return self.with_bos(self._plain(f"### Instruction:\n{instruction}\n\n### Response:\n"))

    def answer_end(self) -> list[int]:
        """What ends an answer: the end-of-turn token when the model has one."""
        return [self.end_of_turn_id if self.end_of_turn_id is not None else self.eos_id]

    def tokens_json(self) -> dict[str, Any]:
        return {"special": self.special}


def _sp_codec(model_dir: Path, saved: dict[str, int] | None) -> TextCodec:
    from devlab.llm.providers.gemma import SentencePieceTokenizer, read_marker

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
    from devlab.llm.chat_templates import load_chat_template

    name = meta.get("chat_template")
    return load_chat_template(name) if name else None


def _hf_codec(model_dir: Path, model: Any | None) -> TextCodec:
    from transformers import AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(str(model_dir))
    except Exception as exc:
        raise BaseModelUnloadable(
            f"cannot load the tokenizer of base model {model_dir}: {type(exc).__name__}: {exc}"
        ) from exc
    vocab = tok.get_vocab()
    special: dict[str, int] = {}
    for triple in _OWN_FIM:
        if all(p in vocab for p in triple):
            special = {m: vocab[p] for m, p in zip(FIM_MARKERS, triple, strict=True)}
            break
    if not special:
        tok.add_special_tokens({"additional_special_tokens": list(FIM_MARKERS)})
        special = {m: int(tok.convert_tokens_to_ids(m)) for m in FIM_MARKERS}
        if model is not None:
            model.resize_token_embeddings(len(tok))
    eos = tok.eos_token_id if tok.eos_token_id is not None else 0
    return TextCodec(
        bos_id=tok.bos_token_id,
        eos_id=int(eos),
        end_of_turn_id=None,
        pad_id=int(tok.pad_token_id if tok.pad_token_id is not None else eos),
        special=special,
        hf=tok,
    )


def load_base_model(
    model_dir: Path,
    *,
    device: str,
    dtype: Any = None,
    quantize_4bit: bool = False,
    adapter_dir: Path | None = None,
) -> tuple[Any, TextCodec]:
    """The model and its codec (FIM mapping from ``adapter_dir`` when given). Any
    failure to load becomes ``BaseModelUnloadable`` naming ``model_dir``."""
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
    saved = None
    if adapter_dir is not None and (adapter_dir / TOKENS_FILE).is_file():
        saved = json.loads((adapter_dir / TOKENS_FILE).read_text(encoding="utf-8"))["special"]
    if (model_dir / "devlab-model.json").is_file():
        codec = _sp_codec(model_dir, saved)
    else:
        codec = _hf_codec(model_dir, model)
    if not quantize_4bit:
        model.to(device)
    return model, codec
