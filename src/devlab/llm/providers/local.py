"""The in-process provider: a transformers causal LM on CPU or CUDA.

By default it serves the packaged Gemma 3 270M (converted once per home, see
``gemma.py``). ``model_dir`` may name another model directory of either kind:

- a DevLab model directory (weights saved with ``save_pretrained`` +
  ``tokenizer.model`` + ``devlab-model.json``): the rebuilt SentencePiece tokenizer and
  the chat template the marker names;
- a GGUF file (converted once into one of the two kinds below, see ``gemma.py``);
- any Hugging Face causal-LM directory (``config.json`` + weights + tokenizer files):
  ``AutoTokenizer`` (``hf.HFTokenizer``); chat goes through the tokenizer's own chat
  template, or the plain ``### Instruction:`` / ``### Response:`` format when it has
  none (the format fine-tuning trains on).

A LoRA adapter directory (peft) is applied on top when ``adapter_path`` is set: the
model registry points it at the active fine-tuned version. An adapter trained with
tokens added to the vocabulary (FIM markers) grows the base to its vocabulary first,
and the tokenizer saved beside it is the one that serves.

**Engines.** On a CPU, a DevLab model directory (the packaged model, a converted GGUF,
a fine-tuned version with or without its LoRA adapter, merged at conversion) is served
by a fast engine, converted once: ONNX Runtime GenAI int8 (``onnx_genai.py``, the
default), else CTranslate2 int8 (``fastpath.py``). ``engine="auto"`` tries them in that
order and falls back, with a logged warning kept in :meth:`engine_info` (``devlab llm
providers`` shows it), to the next one and finally to transformers when one is not
installed or its conversion fails. A named engine is used or fails loudly.
transformers serves GPUs, other Hugging Face directories, training and
``engine="transformers"``. All share the tokenizer, the chat template and this
streaming loop.

**Timeouts** are per token gap: ``timeout_s`` bounds the wait for the *next* token (a
stall), not the whole answer (``max_tokens`` bounds that). A stall raises
``ProviderTimeout`` whose ``detail["partial_text"]`` keeps what was generated.

Models load once per process and are shared by threads (:func:`load_model`); one lock
per model serialises generation, since two generations at once on the same weights
only fight for the same cores. Streaming runs ``generate`` in a worker thread that
hands token ids to the caller through a queue, so the time to first token is measured
where the caller sees it, and a stop string, a timeout or a caller that stops reading
ends the generation early (a stopping criterion watches a cancel flag).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from devlab.errors import ComponentUnavailable
from devlab.llm.base import (
    ChatMessage,
    Completion,
    GenerationParams,
    ProviderError,
    ProviderTimeout,
)
from devlab.llm.chat_templates import chat_ids, load_chat_template
from devlab.llm.constrained import JsonConstraint, hf_processor
from devlab.llm.providers.common import StopScanner, StreamMeter, collect
from devlab.llm.providers.fastpath import (
    FastModel,
    ensure_fast_model,
    fast_engine_available,
    load_fast_model,
)
from devlab.llm.providers.hf import (
    HFTokenizer,
    adapter_vocab_size,
    grow_vocab,
    serving_tokenizer,
)
from devlab.llm.providers.onnx_genai import (
    OnnxModel,
    ensure_onnx_model,
    load_onnx_model,
    onnx_engine_available,
    onnx_model_dir,
    recorded_failure,
)
from devlab.llm.weights import (
    MARKER,
    SentencePieceTokenizer,
    ensure_packaged_model,
    model_dir_for,
    model_instruction_tuned,
    packaged_model_dir,
    read_marker,
    resolve_device,
)

PACKAGED = "gemma3-270m"  # the model name the packaged model is reported under
Engine = Literal["auto", "onnxruntime-genai", "ctranslate2", "transformers"]
FAST_ENGINES = ("onnxruntime-genai", "ctranslate2")  # the order "auto" tries them in
_INSTALL = {"onnxruntime-genai": "onnxruntime-genai onnx-ir", "ctranslate2": "ctranslate2"}
log = logging.getLogger("devlab.llm")


@dataclass
class LoadedModel:
    """A model in memory with its tokenizer, chat template and generation lock."""

    model: Any  # transformers PreTrainedModel (or a peft wrapper of one)
    tokenizer: SentencePieceTokenizer | HFTokenizer
    chat_template: str | None  # a DevLab model's template; None: the tokenizer's way
    device: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    pad_id: int = 0

    def chat_ids(self, messages: list[ChatMessage]) -> list[int]:
        """The model input for ``messages``, up to where the answer starts."""
        if isinstance(self.tokenizer, HFTokenizer):
            return self.tokenizer.chat_ids(messages)
        assert self.chat_template is not None
        return chat_ids(self.chat_template, self.tokenizer, messages)


_models: dict[tuple[str, str, str], LoadedModel] = {}
_models_lock = threading.Lock()


def load_model(
    model_dir: Path, *, adapter_path: Path | None = None, device: str = "cpu"
) -> LoadedModel:
    """The model in ``model_dir`` (plus the adapter), loaded once per process."""
    key = (str(model_dir), str(adapter_path or ""), device)
    loaded = _models.get(key)
    if loaded is not None:
        return loaded
    with _models_lock:
        loaded = _models.get(key)
        if loaded is None:
            loaded = _models[key] = _load(model_dir, adapter_path, device)
    return loaded


def is_devlab_model(model_dir: Path) -> bool:
    return (model_dir / MARKER).is_file()


def model_tokenizer(
    model_dir: Path, adapter_path: Path | None = None
) -> SentencePieceTokenizer | HFTokenizer:
    """The tokenizer serving ``model_dir`` (+ ``adapter_path``), without the weights."""
    if is_devlab_model(model_dir):
        return SentencePieceTokenizer.from_dir(model_dir)
    if not (model_dir / "config.json").is_file():
        raise ComponentUnavailable(
            f"{model_dir} is neither a DevLab model directory (no {MARKER}) nor a Hugging "
            "Face model directory (no config.json): leave the model empty for the "
            "packaged one"
        )
    return serving_tokenizer(model_dir, adapter_path)


def _load(model_dir: Path, adapter_path: Path | None, device: str) -> LoadedModel:
    import torch
    from transformers import AutoModelForCausalLM

    tokenizer = model_tokenizer(model_dir, adapter_path)
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=dtype)
    if isinstance(tokenizer, HFTokenizer):
        template, pad_id = None, tokenizer.pad_id
    else:
        meta = read_marker(model_dir)
        template, pad_id = load_chat_template(meta.get("chat_template", "gemma3")), 0
    if adapter_path is not None:
        rows = len(tokenizer) if isinstance(tokenizer, HFTokenizer) else 0
        grow_vocab(model, adapter_vocab_size(adapter_path, rows))
        model = _apply_adapter(model, adapter_path)
    model.to(device)  # type: ignore[arg-type]  # transformers' wrapped .to() stub drops device
    model.eval()
    return LoadedModel(model, tokenizer, template, device, pad_id=pad_id)


def _apply_adapter(model: Any, adapter_path: Path) -> Any:
    if not (adapter_path / "adapter_config.json").is_file():
        raise ComponentUnavailable(
            f"LoRA adapter {adapter_path} not found (no adapter_config.json there)"
        )
    try:
        from peft import PeftModel
    except ImportError as exc:  # pragma: no cover - peft is a dependency
        raise ComponentUnavailable("LoRA adapters need peft: pip install peft") from exc
    return PeftModel.from_pretrained(model, str(adapter_path))


class _QueueStreamer:
    """A transformers streamer that forwards each new token id to a queue."""

    def __init__(self, out: queue.Queue) -> None:
        self.out = out
        self.prompt_seen = False

    def put(self, value: Any) -> None:
        if not self.prompt_seen:  # generate() first puts the prompt itself
            self.prompt_seen = True
            return
        self.out.put(value.reshape(-1).tolist())

    def end(self) -> None:
        pass


class TransformersProvider:
    """A local transformers model (default: the packaged Gemma 3 270M).

    Cheap to construct: the model is converted/loaded on first use."""

    def __init__(
        self,
        name: str,
        *,
        models_dir: Path,
        model_dir: Path | None = None,
        adapter_path: Path | None = None,
        device: str = "auto",
        context_window: int = 8192,
        timeout_s: float = 600.0,
        prices: tuple[float, float] = (0.0, 0.0),
        engine: Engine = "auto",
        instruction_tuned: bool | None = None,
    ) -> None:
        self.name = name
        self.engine = engine
        self.instruction_tuned = instruction_tuned
        self.models_dir = models_dir
        self.model_dir = model_dir
        self.adapter_path = adapter_path
        self.device = device
        self.context_window = context_window
        self.timeout_s = timeout_s
        self.prices = prices
        self.model = model_dir.name if model_dir else PACKAGED
        self._engine_model: FastModel | OnnxModel | None = None
        self._fallbacks: list[str] = []
        if adapter_path is not None:
            self.model += f"+{adapter_path.name}"

    # -- loading -------------------------------------------------------------------

    def _dir(self) -> Path:
        if self.model_dir is None:
            return ensure_packaged_model(self.models_dir)
        return model_dir_for(self.models_dir, self.model_dir)  # a .gguf: converted once

    @property
    def tokenizer(self) -> SentencePieceTokenizer | HFTokenizer:
        return model_tokenizer(self._dir(), self.adapter_path)

    def loaded(self) -> LoadedModel:
        """The transformers model in memory (loads, and converts the packaged one, on
        first use): training, evaluation of logits, GPUs."""
        return load_model(
            self._dir(), adapter_path=self.adapter_path, device=resolve_device(self.device)
        )

    @property
    def base_model(self) -> bool:
        """True when the model only continues text (not instruction-tuned): callers then
        write completion-style prompts (``LLMService.base_model``). The configured
        ``instruction_tuned`` wins; else it is read from the model's metadata."""
        if self.instruction_tuned is not None:
            return not self.instruction_tuned
        return not model_instruction_tuned(self._dir())

    def _fast_candidates(self) -> list[str]:
        """The fast engines to try, in order (empty: transformers serves)."""
        if self.engine == "transformers":
            return []
        if self.engine != "auto":
            if not _installed(self.engine):
                raise ComponentUnavailable(
                    f"provider {self.name!r}: engine {self.engine!r} is not installed "
                    f"(pip install {_INSTALL[self.engine]}), or set engine = 'transformers'"
                )
            return [self.engine]
        if self.model_dir is not None and not is_devlab_model(self._dir()):
            return []
        if self.device != "cpu" and resolve_device(self.device) != "cpu":
            return []
        return [engine for engine in FAST_ENGINES if _installed(engine)]

    def uses_fast_engine(self) -> bool:
        """Whether generation runs on a fast engine (see the module docstring)."""
        return bool(self._fast_candidates())

    def engine_model(self) -> LoadedModel | FastModel | OnnxModel:
        """What generates: the first fast engine that converts and loads (each one
        converted once), or the transformers model. With ``engine="auto"`` a failing
        engine is logged, kept in :meth:`engine_info`, and the next one is tried."""
        if self._engine_model is not None:
            return self._engine_model
        for engine in self._fast_candidates():
            try:
                model = self._load_fast(engine)
            except (ComponentUnavailable, RuntimeError, OSError, ValueError) as exc:
                if self.engine != "auto":
                    raise
                reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                self._fallbacks.append(f"{engine}: {reason}")
                log.warning("provider %r: engine %s unavailable (%s)", self.name, engine, reason)
                continue
            self._engine_model = model
            return model
        return self.loaded()

    def _load_fast(self, engine: str) -> FastModel | OnnxModel:
        model_dir = self._dir()
        if engine == "onnxruntime-genai":
            engine_dir = ensure_onnx_model(self.models_dir, model_dir, self.adapter_path)
            return load_onnx_model(engine_dir, model_dir)
        engine_dir = ensure_fast_model(self.models_dir, model_dir, self.adapter_path)
        return load_fast_model(engine_dir, model_dir)

    def engine_info(self) -> tuple[str, str | None]:
        """The engine that generates (or will, by what is installed and remembered on
        disk; nothing is loaded) and, after a fallback, why the faster ones did not."""
        notes = list(self._fallbacks)
        if self._engine_model is not None:
            return self._engine_model.engine, "; ".join(notes) or None
        try:
            candidates = self._fast_candidates() if self._dir_known() else []
        except ComponentUnavailable as exc:
            return "none", exc.message
        for engine in candidates:
            failed = None
            if engine == "onnxruntime-genai" and self.model_dir is None:
                target = onnx_model_dir(
                    self.models_dir, packaged_model_dir(self.models_dir), self.adapter_path
                )
                failed = recorded_failure(target)
            if failed is None:
                return engine, "; ".join(notes) or None
            notes.append(f"{engine}: {failed}")
        return "transformers", "; ".join(notes) or None

    def _dir_known(self) -> bool:
        """Whether the engine choice can be made without converting anything."""
        return self.model_dir is None or self.model_dir.suffix != ".gguf"

    # -- the provider interface ---------------------------------------------------------

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text))

    def chat_ids(self, messages: list[ChatMessage]) -> list[int]:
        """The model input for ``messages``: ``<bos>`` and the chat template's turns
        (a Hugging Face model without a template: the plain instruction format)."""
        return self.engine_model().chat_ids(messages)

    def chat(self, messages: list[ChatMessage], params: GenerationParams) -> Completion:
        return collect(self.stream(messages, params), self.name)

    def stream(
        self, messages: list[ChatMessage], params: GenerationParams
    ) -> Iterator[str | Completion]:
        ids = self.chat_ids(messages)  # loads the model first: not part of the latency
        return self._generate(ids, params)

    def complete(self, prompt: str, params: GenerationParams) -> Completion:
        return collect(self.stream_complete(prompt, params), self.name)

    def stream_complete(self, prompt: str, params: GenerationParams) -> Iterator[str | Completion]:
        ids = self.engine_model().tokenizer.encode_prompt(prompt)
        return self._generate(ids, params)

    # -- generation ----------------------------------------------------------------------

    def _generate(self, ids: list[int], params: GenerationParams) -> Iterator[str | Completion]:
        """Token ids in, text pieces out, then the ``Completion``. Latency counts from the
        first read (waiting for another request's generation included)."""
        meter = StreamMeter()
        loaded = self.engine_model()
        max_new = min(params.max_tokens, max(1, self.context_window - len(ids)))
        constraint = self._constraint(loaded.tokenizer, params)
        pieces: queue.Queue = queue.Queue()
        cancel = threading.Event()
        run = self._run_fast if isinstance(loaded, FastModel | OnnxModel) else self._run_generate
        worker = threading.Thread(
            target=run,
            args=(loaded, ids, params, max_new, pieces, cancel, constraint),
            name=f"devlab-llm-{self.name}",
            daemon=True,
        )
        tokenizer = loaded.tokenizer
        out_ids: list[int] = []
        generated = 0
        saw_eos = False
        emitted = ""
        scanner = StopScanner(params.stop)
        with loaded.lock:
            worker.start()
            try:
                while True:
                    item = self._next(pieces, lambda: tokenizer.decode(out_ids))
                    if item is None:
                        break
                    generated += len(item)
                    saw_eos = saw_eos or any(i in tokenizer.eos_ids for i in item)
                    out_ids.extend(i for i in item if i not in tokenizer.eos_ids)
                    text = tokenizer.decode(out_ids)
                    if text.endswith("\ufffd"):  # half of a multi-byte character
                        continue
                    piece = scanner.feed(text[len(emitted) :])
                    emitted = text
                    if piece:
                        meter.token()
                        yield piece
                    if scanner.stopped:
                        break
                # What the loop held back: a stop-string prefix, a character in progress.
                rest = tokenizer.decode(out_ids)[len(emitted) :]
                tail = "" if scanner.stopped else scanner.feed(rest) + scanner.flush()
                if tail:
                    meter.token()
                    yield tail
            finally:
                cancel.set()
                worker.join()
        text = tokenizer.decode(out_ids)
        if scanner.stopped:
            text = _cut_at_stop(text, params.stop)
        finish = (
            "length" if generated >= max_new and not saw_eos and not scanner.stopped else "stop"
        )
        usage = meter.usage(len(ids), generated, prices=self.prices)
        yield Completion(
            text=text, provider=self.name, model=self.model, finish_reason=finish, usage=usage
        )

    def _constraint(
        self, tokenizer: SentencePieceTokenizer | HFTokenizer, params: GenerationParams
    ) -> JsonConstraint | None:
        """The grammar a structured request (``params.json_schema``) is decoded under.
        A Hugging Face tokenizer (a model directory DevLab did not convert) has no token
        table here: such a request runs unconstrained, with a warning."""
        if params.json_schema is None:
            return None
        if not isinstance(tokenizer, SentencePieceTokenizer):
            log.warning(
                "provider %r: no constrained decoding with %s's tokenizer; the reply is "
                "not guaranteed to be valid JSON",
                self.name,
                self.model,
            )
            return None
        return JsonConstraint(tokenizer, params.json_schema)

    def _next(self, pieces: queue.Queue, partial: Callable[[], str]) -> list[int] | None:
        """The next token ids from the worker; None at the end. Raises on the worker's
        error, or when no token came for ``timeout_s`` (a stall): the timeout's
        ``detail["partial_text"]`` is what was generated until then."""
        try:
            item = pieces.get(timeout=self.timeout_s)
        except queue.Empty:
            text = partial()
            raise ProviderTimeout(
                f"provider {self.name!r} (local {self.model}) produced no token for "
                f"{self.timeout_s:g} s; {len(text)} characters were generated before "
                "the stall (kept in detail.partial_text)",
                detail={"partial_text": text},
            ) from None
        if isinstance(item, BaseException):
            raise ProviderError(
                f"provider {self.name!r} (local {self.model}) failed: {type(item).__name__}: {item}"
            ) from item
        return item

    def _run_generate(
        self,
        loaded: LoadedModel,
        ids: list[int],
        params: GenerationParams,
        max_new: int,
        pieces: queue.Queue,
        cancel: threading.Event,
        constraint: JsonConstraint | None = None,
    ) -> None:
        """``model.generate`` in the worker thread; ends the queue with None or an error."""
        try:
            import torch
            from transformers import LogitsProcessorList, StoppingCriteria, StoppingCriteriaList

            class Cancelled(StoppingCriteria):
                def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                    done = cancel.is_set() or (constraint is not None and constraint.done)
                    return torch.full((input_ids.shape[0],), done, device=input_ids.device)

            if params.seed is not None:
                torch.manual_seed(params.seed)
            sampling: dict[str, Any] = (
                {"do_sample": True, "temperature": params.temperature, "top_p": params.top_p}
                if params.temperature > 0
                else {"do_sample": False, "temperature": None, "top_p": None, "top_k": None}
            )
            input_ids = torch.tensor([ids], device=loaded.device)
            with torch.inference_mode():
                loaded.model.generate(
                    input_ids=input_ids,
                    attention_mask=torch.ones_like(input_ids),
                    max_new_tokens=max_new,
                    eos_token_id=loaded.tokenizer.eos_ids,
                    pad_token_id=loaded.pad_id,
                    streamer=_QueueStreamer(pieces),
                    stopping_criteria=StoppingCriteriaList([Cancelled()]),
                    logits_processor=LogitsProcessorList(
                        [hf_processor(constraint)] if constraint is not None else []
                    ),
                    **sampling,
                )
            pieces.put(None)
        except BaseException as exc:  # handed to the caller's thread
            pieces.put(exc)

    def _run_fast(
        self,
        loaded: FastModel | OnnxModel,
        ids: list[int],
        params: GenerationParams,
        max_new: int,
        pieces: queue.Queue,
        cancel: threading.Event,
        constraint: JsonConstraint | None = None,
    ) -> None:
        """The fast engine in the worker thread, one token id per queue item."""
        try:
            steps = loaded.generate(ids, params, max_new, constraint)
            try:
                for token_id in steps:
                    pieces.put([token_id])
                    if cancel.is_set():
                        break
            finally:
                close = getattr(steps, "close", None)
                if close is not None:
                    close()
            pieces.put(None)
        except BaseException as exc:  # handed to the caller's thread
            pieces.put(exc)


def _installed(engine: str) -> bool:
    if engine == "onnxruntime-genai":
        return onnx_engine_available()
    return fast_engine_available()


def _cut_at_stop(text: str, stops: list[str]) -> str:
    hits = [i for i in (text.find(s) for s in stops if s) if i >= 0]
    return text[: min(hits)] if hits else text


__all__ = [
    "PACKAGED",
    "LoadedModel",
    "TransformersProvider",
    "is_devlab_model",
    "load_model",
    "model_tokenizer",
    "resolve_device",
]
