"""The fast CPU path of the local provider: CTranslate2 with int8 weights.

transformers in fp32 runs the packaged Gemma 3 270M at 2-7 tokens/s on two cores: it
reads four bytes per weight and pays Python per layer per token. CTranslate2 (a C++
engine from PyPI, ``ctranslate2``) runs the same network with int8 weights and its own
KV cache, several times faster (figures in docs/benchmarks.md).

Evaluated side by side on these machines (issue 18): CTranslate2 4.8 converts Gemma 3
text models (``Gemma3TextConfig``) and runs them int8 on CPU. ONNX Runtime GenAI 0.18's
model builder fails on transformers 5's per-layer-type ``rope_parameters`` of Gemma 3
(``KeyError: 'rope_type'``), and llama-cpp-python builds from source and segfaulted on
this GGUF in an earlier probe; both stay out of the default path.

The conversion runs once per model (and adapter) at first use, from the converted
DevLab model directory (``gemma.py``): about 15 s, under the same thread and file lock
as the GGUF conversion, written aside and renamed when complete, cached in
``<models_dir>/ct2-...``. A LoRA adapter is merged into the weights first
(``merge_and_unload``), so a fine-tuned registry version is served fast too.

Token ids go in and come out; the vocabulary registered with the engine is the rebuilt
SentencePiece tokenizer's own pieces (CTranslate2 takes pieces as strings), so the
fast path and the transformers path share one tokenizer and one chat template.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devlab.errors import ComponentUnavailable
from devlab.llm.base import ChatMessage, GenerationParams
from devlab.llm.chat_templates import chat_ids, load_chat_template
from devlab.llm.constrained import JsonConstraint
from devlab.llm.weights import SentencePieceTokenizer, _ensure, engine_copy_dir, read_marker
from devlab.progress import ProgressFn, report

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("devlab.llm")

# Bump when the conversion changes: the cache directory name carries it.
FAST_VERSION = 1
QUANTIZATION = "int8"
ENGINE = "ctranslate2"


def fast_engine_available() -> bool:
    """Whether CTranslate2 is installed (it is a dependency; a stripped install may lack it)."""
    try:
        import ctranslate2  # noqa: F401
    except ImportError:
        return False
    return True


def fast_model_dir(models_dir: Path, model_dir: Path, adapter_path: Path | None = None) -> Path:
    """Where the int8 engine copy of ``model_dir`` (+ ``adapter_path``) is cached."""
    suffix = f"{QUANTIZATION}-v{FAST_VERSION}"
    return engine_copy_dir(models_dir, model_dir, adapter_path, "ct2", suffix)


def ensure_fast_model(
    models_dir: Path,
    model_dir: Path,
    adapter_path: Path | None = None,
    progress: ProgressFn | None = None,
) -> Path:
    """The CTranslate2 int8 copy of a DevLab model directory, converted once (~15 s).

    Safe from many threads and processes at once (one converts, the others wait)."""
    target = fast_model_dir(models_dir, model_dir, adapter_path)
    if (target / "model.bin").is_file() and (target / "devlab-model.json").is_file():
        return target

    def convert(work: Path) -> None:
        report(progress, "convert", 0, 1, f"converting {model_dir.name} for the fast engine")
        log.warning("converting %s to CTranslate2 int8 (once, about 15 s)", model_dir.name)
        _convert(model_dir, adapter_path, work)
        # The marker makes the directory count as finished for gemma._ensure.
        (work / "devlab-model.json").write_text(
            (model_dir / "devlab-model.json").read_text(encoding="utf-8"), encoding="utf-8"
        )
        report(progress, "convert", 1, 1, "converted")

    return _ensure(models_dir, target, f"ct2-{target.name}", convert, (model_dir, adapter_path))


def _convert(model_dir: Path, adapter_path: Path | None, out: Path) -> None:
    try:
        from ctranslate2.converters.transformers import TransformersConverter
    except ImportError as exc:
        raise ComponentUnavailable(
            "the fast engine needs ctranslate2: pip install ctranslate2"
        ) from exc
    tokenizer = SentencePieceTokenizer.from_dir(model_dir)

    class Converter(TransformersConverter):
        """Reads the DevLab directory: our tokenizer's pieces, the adapter merged."""

        def load_tokenizer(self, *args: Any, **kwargs: Any) -> Any:
            return _VocabularyShim(tokenizer)

        def load_model(self, model_class: Any, path: str, **kwargs: Any) -> Any:
            model = model_class.from_pretrained(path, **kwargs)
            if adapter_path is None:
                return model
            from peft import PeftModel

            from devlab.llm.providers.hf import adapter_vocab_size, grow_vocab

            grow_vocab(model, adapter_vocab_size(adapter_path, 0))
            return PeftModel.from_pretrained(model, str(adapter_path)).merge_and_unload()

    try:
        Converter(str(model_dir)).convert(str(out), quantization=QUANTIZATION, force=True)
    except (ValueError, NotImplementedError, KeyError) as exc:
        raise ComponentUnavailable(
            f"the fast engine cannot convert {model_dir.name}: {type(exc).__name__}: {exc}"
        ) from exc


class _VocabularyShim:
    """The few tokenizer attributes CTranslate2's converter reads."""

    bos_token = "<bos>"
    unk_token = "<unk>"
    eos_token = "<eos>"
    chat_template = "gemma3"  # makes the converter's default end token <end_of_turn>

    def __init__(self, tokenizer: SentencePieceTokenizer) -> None:
        self._vocab = {tokenizer.id_to_piece(i): i for i in range(tokenizer.vocab_size)}

    def get_vocab(self) -> dict[str, int]:
        return dict(self._vocab)


@dataclass
class FastModel:
    """A CTranslate2 generator with the DevLab tokenizer and chat template."""

    generator: Any  # ctranslate2.Generator
    tokenizer: SentencePieceTokenizer
    chat_template: str = field(repr=False)
    pieces: list[str] = field(repr=False)  # id -> piece, the engine's vocabulary
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    engine: str = ENGINE

    def chat_ids(self, messages: list[ChatMessage]) -> list[int]:
        return chat_ids(self.chat_template, self.tokenizer, messages)

    def generate(
        self,
        ids: list[int],
        params: GenerationParams,
        max_new: int,
        constraint: JsonConstraint | None = None,
    ) -> Iterator[int]:
        """New token ids, one at a time (closing the iterator stops the engine)."""
        import ctranslate2

        if constraint is not None:
            yield from self._constrained(ids, params, max_new, constraint)
            return

        sampling: dict[str, Any] = {"sampling_topk": 1}
        if params.temperature > 0:
            sampling = {
                "sampling_topk": 0,
                "sampling_topp": params.top_p,
                "sampling_temperature": params.temperature,
            }
        if params.seed is not None:
            ctranslate2.set_random_seed(params.seed)
        prompt = [self.pieces[i] for i in ids]
        steps = self.generator.generate_tokens(
            prompt, max_length=max_new, end_token=list(self.tokenizer.eos_ids), **sampling
        )
        for step in steps:
            yield int(step.token_id)

    def _constrained(
        self, ids: list[int], params: GenerationParams, max_new: int, constraint: JsonConstraint
    ) -> Iterator[int]:
        """Decoding under ``constraint``: ``generate_tokens`` has no logits hook, so each
        token costs a forward pass over the whole sequence (no KV cache). Slower than
        the engine's own loop; structured replies are short, and ONNX Runtime GenAI
        (the default engine) masks within its own loop."""
        import numpy as np

        rng = np.random.default_rng(params.seed)
        sequence = [self.pieces[i] for i in ids]
        for _ in range(max_new):
            logits = np.asarray(self.generator.forward_batch([sequence]))[0, -1]
            token = pick_token(constraint.mask(logits)[0], params, rng)
            yield token
            if token in self.tokenizer.eos_ids:
                return
            constraint.accept(token)
            if constraint.done:
                return
            sequence.append(self.pieces[token])


def pick_token(logits: np.ndarray, params: GenerationParams, rng: np.random.Generator) -> int:
    """Greedy at temperature 0, else a top-p sample of ``logits`` (masked entries -inf)."""
    import numpy as np

    if params.temperature <= 0:
        return int(np.argmax(logits))
    scaled = logits / params.temperature
    probs = np.exp(scaled - np.max(scaled))
    probs /= probs.sum()
    order = np.argsort(-probs)
    keep = order[: int(np.searchsorted(np.cumsum(probs[order]), params.top_p)) + 1]
    return int(rng.choice(keep, p=probs[keep] / probs[keep].sum()))


_fast: dict[str, FastModel] = {}
_fast_lock = threading.Lock()


def load_fast_model(engine_dir: Path, model_dir: Path) -> FastModel:
    """The engine copy in ``engine_dir``, loaded once per process."""
    key = str(engine_dir)
    with _fast_lock:
        loaded = _fast.get(key)
        if loaded is None:
            import ctranslate2

            tokenizer = SentencePieceTokenizer.from_dir(model_dir)
            threads = max(1, os.cpu_count() or 1)
            generator = ctranslate2.Generator(
                str(engine_dir), device="cpu", compute_type=QUANTIZATION, intra_threads=threads
            )
            template = load_chat_template(read_marker(model_dir).get("chat_template", "gemma3"))
            pieces = [tokenizer.id_to_piece(i) for i in range(tokenizer.vocab_size)]
            loaded = _fast[key] = FastModel(generator, tokenizer, template, pieces)
    return loaded


__all__ = [
    "ENGINE",
    "FastModel",
    "ensure_fast_model",
    "fast_engine_available",
    "fast_model_dir",
    "load_fast_model",
]
