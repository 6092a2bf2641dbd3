"""The default fast CPU path of the local provider: ONNX Runtime GenAI, int8.

ONNX Runtime GenAI (PyPI ``onnxruntime-genai``, a prebuilt wheel: nothing compiles at
set-up) runs the packaged Gemma 3 270M with int8 block-quantised weights, int8
activations and its own KV cache. Measured side by side on these two cores
(docs/benchmarks.md, "#18 (d)"): about twice CTranslate2 int8's decoding speed, and its
greedy continuations follow the transformers fp32 path far longer (its weights are
quantised per block of 32 rather than per row).

**Conversion** runs once per model (and adapter) at first use: the model builder that
ships in the wheel exports the converted DevLab model directory (``weights.py``) in a
child process (``onnx_export.py``, about 30 s on two idle cores), under the same thread
and file lock as the other conversions, written aside and renamed when complete, cached
in ``<models_dir>/ortgenai-...`` (DEVLAB_HOME/models by default). Its output goes to
``export.log`` there; progress is reported per layer.

**A failed conversion is remembered** (``.<name>.failed`` beside the cache, with the
reason and the end of the log), so the next process does not pay it again: the provider
falls back to the next engine (``local.py``) and ``devlab llm providers`` shows why.
Deleting the file retries.

Token ids go in and come out, so this engine shares the rebuilt SentencePiece tokenizer
and the chat template with the transformers path.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devlab.errors import ComponentUnavailable
from devlab.llm.base import ChatMessage, GenerationParams
from devlab.llm.chat_templates import chat_ids, load_chat_template
from devlab.llm.constrained import JsonConstraint
from devlab.llm.weights import (
    MARKER,
    SentencePieceTokenizer,
    _ensure,
    engine_copy_dir,
    read_marker,
)
from devlab.progress import ProgressFn, report

log = logging.getLogger("devlab.llm")

ENGINE = "onnxruntime-genai"
QUANTIZATION = "int8"
# Bump when the export changes: the cache directory name carries it.
EXPORT_VERSION = 2
# GroupQueryAttention wants a KV cache at least as long as Gemma 3's sliding window.
MIN_CACHE_TOKENS = 1024
EXPORT_TIMEOUT_S = 1800.0
_LAYER = re.compile(r"/model/layers\.(\d{1,3})/")


def onnx_engine_available() -> bool:
    """Whether ONNX Runtime GenAI (and the builder's ``onnx_ir``) are installed."""
    try:
        import onnx_ir  # noqa: F401
        import onnxruntime_genai  # noqa: F401
    except ImportError:
        return False
    return True


def onnx_model_dir(models_dir: Path, model_dir: Path, adapter_path: Path | None = None) -> Path:
    """Where the ONNX Runtime GenAI copy of ``model_dir`` (+ ``adapter_path``) is cached."""
    suffix = f"{QUANTIZATION}-v{EXPORT_VERSION}"
    return engine_copy_dir(models_dir, model_dir, adapter_path, "ortgenai", suffix)


def failure_file(target: Path) -> Path:
    """Where a failed conversion of ``target`` is remembered."""
    return target.parent / f".{target.name}.failed"


def recorded_failure(target: Path) -> str | None:
    """Why converting ``target`` failed before (None: it did not, or never ran)."""
    path = failure_file(target)
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def _transient(message: str) -> bool:
    """Whether an export failed for a reason of the moment (disk full, memory), which
    must not be remembered as this model's failure."""
    return any(mark in message for mark in ("No space left on device", "Cannot allocate memory"))


def ensure_onnx_model(
    models_dir: Path,
    model_dir: Path,
    adapter_path: Path | None = None,
    progress: ProgressFn | None = None,
) -> Path:
    """The ONNX Runtime GenAI copy of a DevLab model directory, exported once (~30 s).

    Raises ``ComponentUnavailable`` (with the reason) when the export fails, now or in
    an earlier process; safe from many threads and processes at once."""
    target = onnx_model_dir(models_dir, model_dir, adapter_path)
    if (target / "genai_config.json").is_file() and (target / MARKER).is_file():
        return target
    failed = recorded_failure(target)
    if failed:
        raise ComponentUnavailable(f"{ENGINE} conversion failed earlier: {failed}")

    def convert(work: Path) -> None:
        report(progress, "convert", 0, 1, f"converting {model_dir.name} for {ENGINE}")
        log.warning("converting %s for %s (once, about 30 s)", model_dir.name, ENGINE)
        try:
            _export(model_dir, adapter_path, work, progress)
        except ComponentUnavailable as exc:
            if not _transient(exc.message):  # a full disk is not this model's fault
                failure_file(target).write_text(exc.message + "\n", encoding="utf-8")
            raise
        _set_end_tokens(work, SentencePieceTokenizer.from_dir(model_dir))
        (work / MARKER).write_text((model_dir / MARKER).read_text(encoding="utf-8"), "utf-8")
        report(progress, "convert", 1, 1, "converted")

    return _ensure(models_dir, target, target.name, convert, (model_dir, adapter_path))


def _export(
    model_dir: Path, adapter_path: Path | None, work: Path, progress: ProgressFn | None
) -> None:
    """Run ``onnx_export`` in a child process; its output goes to ``work/export.log``."""
    work.mkdir(parents=True)
    command = [sys.executable, "-m", "devlab.llm.providers.onnx_export", str(model_dir), str(work)]
    if adapter_path is not None:
        command += ["--adapter", str(adapter_path)]
    tail: deque[str] = deque(maxlen=12)
    layers = int(read_json(model_dir / "config.json").get("num_hidden_layers", 0)) or 1
    with (work / "export.log").open("w", encoding="utf-8") as out:
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        assert child.stdout is not None
        try:
            seen = -1
            for line in child.stdout:
                out.write(line)
                tail.append(line.rstrip()[-300:])
                match = _LAYER.search(line)
                if match and int(match.group(1)) > seen:
                    seen = int(match.group(1))
                    report(progress, "convert", seen, layers, f"quantising layer {seen + 1}")
            code = child.wait(timeout=EXPORT_TIMEOUT_S)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    if code != 0 or not (work / "genai_config.json").is_file():
        detail = " | ".join(line for line in tail if line.strip())[-1200:]
        raise ComponentUnavailable(
            f"exporting {model_dir.name} to {ENGINE} failed (exit {code}): {detail}"
        )


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _set_end_tokens(work: Path, tokenizer: SentencePieceTokenizer) -> None:
    """Every end token of the tokenizer (``<eos>`` and ``<end_of_turn>``) ends generation."""
    path = work / "genai_config.json"
    config = read_json(path)
    config["model"]["eos_token_id"] = sorted(tokenizer.eos_ids)
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")


@dataclass
class OnnxModel:
    """An ONNX Runtime GenAI model with the DevLab tokenizer and chat template."""

    model: Any  # onnxruntime_genai.Model
    tokenizer: SentencePieceTokenizer
    chat_template: str = field(repr=False)
    context_length: int = 8192
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
        """New token ids, one at a time, ending after an end token or ``max_new``. With
        a ``constraint`` (``llm/constrained.py``) every step's logits are masked to the
        tokens its grammar allows, and generation ends when the value is complete."""
        import onnxruntime_genai as og

        wanted = len(ids) + max_new
        options: dict[str, Any] = {
            "max_length": min(self.context_length, max(wanted, MIN_CACHE_TOKENS)),
            "do_sample": params.temperature > 0,
        }
        if params.temperature > 0:
            options.update(temperature=params.temperature, top_p=params.top_p, top_k=0)
        if params.seed is not None:
            options["random_seed"] = params.seed
        search = og.GeneratorParams(self.model)
        search.set_search_options(**options)
        generator = og.Generator(self.model, search)
        generator.append_tokens(ids)  # the prompt: the time to the first token
        for _ in range(max_new):
            if generator.is_done():
                return
            if constraint is not None:
                logits = generator.get_logits()
                masked = constraint.mask(logits)
                generator.set_logits(masked.reshape((1,) * (len(logits.shape) - 1) + (-1,)))
            generator.generate_next_token()
            token = int(generator.get_next_tokens()[0])
            yield token
            if token in self.tokenizer.eos_ids:
                return
            if constraint is not None:
                constraint.accept(token)
                if constraint.done:
                    return


_loaded: dict[str, OnnxModel] = {}
_loaded_lock = threading.Lock()


def load_onnx_model(engine_dir: Path, model_dir: Path) -> OnnxModel:
    """The exported model in ``engine_dir``, loaded once per process."""
    key = str(engine_dir)
    with _loaded_lock:
        loaded = _loaded.get(key)
        if loaded is None:
            import onnxruntime_genai as og

            try:
                model = og.Model(str(engine_dir))
            except Exception as exc:  # the library raises RuntimeError on a bad model
                raise ComponentUnavailable(
                    f"{ENGINE} cannot load {engine_dir.name}: {type(exc).__name__}: {exc}"
                ) from exc
            config = read_json(engine_dir / "genai_config.json").get("model", {})
            template = load_chat_template(read_marker(model_dir).get("chat_template", "gemma3"))
            loaded = _loaded[key] = OnnxModel(
                model,
                SentencePieceTokenizer.from_dir(model_dir),
                template,
                context_length=int(config.get("context_length", 8192)),
            )
    return loaded


__all__ = [
    "ENGINE",
    "OnnxModel",
    "ensure_onnx_model",
    "failure_file",
    "load_onnx_model",
    "onnx_engine_available",
    "onnx_model_dir",
    "recorded_failure",
]
