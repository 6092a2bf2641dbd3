"""Constrained decoding: structured outputs of the local model come out valid.

A request whose ``GenerationParams.json_schema`` is set is decoded under a grammar: at
every step the tokens that cannot continue a JSON value matching the schema are masked
out of the logits before the engine picks one, so the reply parses (and matches the
schema) even from the packaged 270M base model, which otherwise wanders off after a few
characters (issue 18: its spec replies did not parse).

The grammar engine is **llguidance** (PyPI ``llguidance``, the Rust library behind
Guidance and behind ONNX Runtime GenAI's own ``set_guidance``): the schema is compiled
once per request, the token table once per tokenizer (about 2 s for Gemma's 262k
pieces), and a mask costs well under a millisecond per token.

Why not ONNX Runtime GenAI's built-in guidance: it is compiled into the installed wheel
(0.18), but it builds its token table from a Hugging Face ``tokenizer.json`` in the
exported model directory, which our export does not write (the rebuilt SentencePiece
tokenizer is the one every engine shares). So each engine applies the same llguidance
matcher through its own logits hook:

- ONNX Runtime GenAI: ``Generator.get_logits``/``set_logits`` before each token;
- transformers: a ``LogitsProcessor`` (``hf_processor``);
- CTranslate2 (no logits hook in ``generate_tokens``): a forward pass per token over the
  whole sequence (slower; a fallback engine only).

The token table follows llguidance's conventions: control pieces (``<eos>``,
``<start_of_turn>``) are special (a ``0xff`` byte first), byte pieces (``<0x0A>``) are
their byte, and SentencePiece's ``▁`` is a space.
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import TYPE_CHECKING, Any

from devlab.errors import ComponentUnavailable, InvalidInput

if TYPE_CHECKING:
    import numpy as np

    from devlab.llm.weights import SentencePieceTokenizer

# A schema larger than this is refused (the grammar compiler's work grows with it).
MAX_SCHEMA_CHARS = 20_000
# Keyed by the tokenizer object itself (weakly): a table never outlives its tokenizer,
# and a new tokenizer at a recycled address never finds an old table.
_tables: weakref.WeakKeyDictionary[SentencePieceTokenizer, Any] = weakref.WeakKeyDictionary()
_tables_lock = threading.Lock()


def _llguidance() -> Any:
    try:
        import llguidance
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise ComponentUnavailable(
            "constrained decoding needs llguidance: pip install 'llguidance>=1.0'"
        ) from exc
    return llguidance


def check_schema(schema: dict[str, Any]) -> str:
    """The schema as compact JSON, or ``InvalidInput`` that says what is wrong with it."""
    if not isinstance(schema, dict):
        raise InvalidInput("json_schema must be a JSON object (a JSON Schema)")
    text = json.dumps(schema, separators=(",", ":"))
    if len(text) > MAX_SCHEMA_CHARS:
        raise InvalidInput(
            f"json_schema is {len(text)} characters; at most {MAX_SCHEMA_CHARS} are allowed"
        )
    return text


def token_table(tokenizer: SentencePieceTokenizer) -> Any:
    """llguidance's view of ``tokenizer`` (an ``LLTokenizer``), built once per tokenizer."""
    with _tables_lock:
        table = _tables.get(tokenizer)
        if table is None:
            table = _tables[tokenizer] = _build_table(tokenizer)
    return table


def _build_table(tokenizer: SentencePieceTokenizer) -> Any:
    llg = _llguidance()
    pieces, special = tokenizer.vocabulary_bytes()

    class _Vocabulary:
        eos_token_id = tokenizer.eos_ids[0]
        bos_token_id = tokenizer.bos_id
        tokens = pieces
        special_token_ids = special

        def __call__(self, text: str | bytes) -> list[int]:
            if isinstance(text, bytes):
                text = text.decode("utf-8", errors="replace")
            return tokenizer.encode(text)

    return llg.LLTokenizer(llg.TokenizerWrapper(_Vocabulary()), eos_token=list(tokenizer.eos_ids))


class JsonConstraint:
    """One request's matcher: masks logits, follows the chosen tokens, says when done."""

    def __init__(self, tokenizer: SentencePieceTokenizer, schema: dict[str, Any]) -> None:
        llg = _llguidance()
        import llguidance.numpy as llg_numpy

        self._np = llg_numpy
        self._table = token_table(tokenizer)
        grammar = llg.LLMatcher.grammar_from_json_schema(
            check_schema(schema), defaults={"whitespace_flexible": False}
        )
        failed, messages = llg.LLMatcher.validate_grammar_with_warnings(grammar, self._table)
        if failed:
            raise InvalidInput(f"json_schema cannot be used: {'; '.join(messages)[:500]}")
        self._matcher = llg.LLMatcher(self._table, grammar)
        self._bitmask = llg_numpy.allocate_token_bitmask(1, self._table.vocab_size)

    @property
    def vocab_size(self) -> int:
        return int(self._table.vocab_size)

    @property
    def done(self) -> bool:
        """The value is complete: no token but an end token may follow."""
        return bool(self._matcher.is_stopped())

    def mask(self, logits: np.ndarray) -> np.ndarray:
        """``logits`` (one row per position, the last one used) with every token the
        grammar forbids at -inf; entries past the tokenizer's vocabulary (an adapter's
        added tokens) are forbidden too. Returns a float32 copy of the last row."""
        import numpy as np

        row = np.array(logits, dtype=np.float32).reshape(-1, logits.shape[-1])[-1:]
        vocab = self.vocab_size
        self._np.fill_next_token_bitmask(self._matcher, self._bitmask, 0)
        head = np.ascontiguousarray(row[:, :vocab])
        self._np.apply_token_bitmask_inplace(head, self._bitmask)
        row[:, :vocab] = head
        row[:, vocab:] = -np.inf
        return row

    def accept(self, token_id: int) -> None:
        """Follow the token the engine chose (it was allowed by the last mask)."""
        if not self._matcher.consume_token(token_id):
            raise ComponentUnavailable(
                f"constrained decoding lost its place: {self._matcher.get_error()[:300]}"
            )


def hf_processor(constraint: JsonConstraint) -> Any:
    """A transformers ``LogitsProcessor`` that applies ``constraint`` (batch of one)."""
    import torch
    from transformers import LogitsProcessor

    class _Processor(LogitsProcessor):
        def __init__(self) -> None:
            self.prompt_len: int | None = None

        def __call__(self, input_ids: Any, scores: Any) -> Any:
            if self.prompt_len is None:
                self.prompt_len = int(input_ids.shape[1])
            elif input_ids.shape[1] > self.prompt_len:
                constraint.accept(int(input_ids[0, -1]))
            masked = constraint.mask(scores.float().cpu().numpy())
            return torch.from_numpy(masked).to(scores.device, scores.dtype)

    return _Processor()


__all__ = ["MAX_SCHEMA_CHARS", "JsonConstraint", "check_schema", "hf_processor", "token_table"]
