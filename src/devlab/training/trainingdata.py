"""Dataset examples -> token sequences with labels, packed, batched.

The objective follows the example's kind:

- ``completion`` (left-to-right and fill-in-the-middle): causal LM on the whole text,
  ``<bos>`` + prompt + completion + ``<eos>`` (FIM markers are single tokens, see
  ``modeling``), as StarCoder trains FIM;
- every other kind (instruction records: doc-to-code, bug-fix, code-to-tests, ...):
  supervised fine-tuning in the model's chat format, loss on the response only (prompt
  labels are ``-100``).

Packing concatenates consecutive short sequences up to the context length, so a batch
wastes little on padding; a sequence longer than the context is cut.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, NamedTuple

from devlab.store import crypto
from devlab.training.modeling import TextCodec

__all__ = [
    "IGNORE",
    "Sequence",
    "batch_for_step",
    "encode_example",
    "load_split",
    "pack",
    "prepare_split",
]

IGNORE = -100


class Sequence(NamedTuple):
    ids: list[int]
    labels: list[int]


def load_split(
    data_dir: Path, split: str, kinds: list[str] | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Examples of one split from the dataset's exported ``{split}.jsonl``."""
    path = data_dir / f"{split}.jsonl"
    if not path.is_file():
        return []
    examples = []
    # sealed when encryption at rest is on (store.crypto): read whole, then line by line
    for line in crypto.read_sealed(path).decode("utf-8").splitlines():
        if not line.strip():
            continue
        example = json.loads(line)
        if kinds and example.get("kind") not in kinds:
            continue
        examples.append(example)
        if limit is not None and len(examples) >= limit:
            break
    return examples


def encode_example(example: dict[str, Any], codec: TextCodec) -> Sequence | None:
    """One example as ids + labels (see the module docstring); None when empty."""
    if example.get("kind") == "completion" or not example.get("instruction"):
        text = (example.get("prompt") or "") + (example.get("completion") or "")
        if not text.strip():
            return None
        ids = [*codec.with_bos(codec.encode(text)), codec.eos_id]
        return Sequence(ids, list(ids))
    prompt = codec.chat_prompt(example["instruction"])
    answer = codec.encode(example.get("response") or "") + codec.answer_end()
    return Sequence(prompt + answer, [IGNORE] * len(prompt) + answer)


def pack(sequences: list[Sequence], context: int, enabled: bool = True) -> list[Sequence]:
    """Cut each sequence to ``context``; with packing, join neighbours while they fit."""
    out: list[Sequence] = []
    ids: list[int] = []
    labels: list[int] = []
    for seq in sequences:
        seq = Sequence(seq.ids[:context], seq.labels[:context])
        if all(label == IGNORE for label in seq.labels[1:]):
            continue  # nothing to learn once cut (a prompt longer than the context)
        if not enabled:
            out.append(seq)
            continue
        if ids and len(ids) + len(seq.ids) > context:
            out.append(Sequence(ids, labels))
            ids, labels = [], []
        ids, labels = ids + seq.ids, labels + seq.labels
    if ids:
        out.append(Sequence(ids, labels))
    return out


def prepare_split(
    examples: list[dict[str, Any]], codec: TextCodec, context: int, packing: bool
) -> list[Sequence]:
    encoded = [s for s in (encode_example(e, codec) for e in examples) if s is not None]
    return pack(encoded, context, packing)


def batch_for_step(
    sequences: list[Sequence], step: int, batch_size: int, seed: int, pad_id: int
) -> tuple[Any, Any, Any]:
    """The batch of micro-step ``step``: a function of (seed, step) only, so a resumed
    run sees the same data order. Returns (input_ids, attention_mask, labels) tensors."""
    import torch

    n = len(sequences)
    picks = []
    for i in range(step * batch_size, (step + 1) * batch_size):
        epoch, pos = divmod(i, n)
        order = list(range(n))
        random.Random(seed * 1_000_003 + epoch).shuffle(order)
        picks.append(sequences[order[pos]])
    width = max(len(s.ids) for s in picks)
    ids = torch.full((len(picks), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(picks), width), dtype=torch.long)
    labels = torch.full((len(picks), width), IGNORE, dtype=torch.long)
    for row, seq in enumerate(picks):
        ids[row, : len(seq.ids)] = torch.tensor(seq.ids)
        mask[row, : len(seq.ids)] = 1
        labels[row, : len(seq.labels)] = torch.tensor(seq.labels)
    return ids, mask, labels
