"""Small pieces every provider shares: timing, stop strings, token estimates, cost."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

from devlab.llm.base import Completion, ProviderError, Usage

# OpenAI-style tokenizers average about four characters of English or code per token;
# good enough to plan a prompt when the real tokenizer is on another machine.
CHARS_PER_TOKEN_ESTIMATE = 4


def estimate_tokens(text: str) -> int:
    """Tokens ``text`` probably takes in a remote model (characters / 4, rounded up)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN_ESTIMATE)


def estimate_cost(
    prompt_tokens: int, completion_tokens: int, prompt_per_1k: float, completion_per_1k: float
) -> float | None:
    """USD for one request at the configured prices; None when the model is unpriced."""
    if not prompt_per_1k and not completion_per_1k:
        return None
    return round(
        prompt_tokens / 1000 * prompt_per_1k + completion_tokens / 1000 * completion_per_1k, 8
    )


class StreamMeter:
    """Latency and time to first token of one request, measured from construction."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.first: float | None = None

    def token(self) -> None:
        """Call when a piece of text arrives; the first call fixes the TTFT."""
        if self.first is None:
            self.first = time.perf_counter()

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.start

    def usage(
        self,
        prompt_tokens: int,
        completion_tokens: int,
        *,
        prices: tuple[float, float] = (0.0, 0.0),
        estimated: bool = False,
    ) -> Usage:
        now = time.perf_counter()
        return Usage(
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=round((now - self.start) * 1000, 2),
            time_to_first_token_ms=(
                None if self.first is None else round((self.first - self.start) * 1000, 2)
            ),
            cost_usd=estimate_cost(prompt_tokens, completion_tokens, *prices),
            estimated=estimated,
        )


class StopScanner:
    """Cuts a stream of text at the first stop string, even one split across pieces.

    ``feed`` returns the text that is safe to emit now: it holds back the longest tail
    that could still become a stop string, and emits nothing after a stop."""

    def __init__(self, stops: Iterable[str]) -> None:
        self.stops = [s for s in stops if s]
        self.buffer = ""
        self.stopped = False

    def feed(self, piece: str) -> str:
        if self.stopped:
            return ""
        if not self.stops:
            return piece
        self.buffer += piece
        hits = [i for i in (self.buffer.find(s) for s in self.stops) if i >= 0]
        if hits:
            out, self.buffer, self.stopped = self.buffer[: min(hits)], "", True
            return out
        hold = 0
        for stop in self.stops:
            for n in range(min(len(stop) - 1, len(self.buffer)), hold, -1):
                if self.buffer.endswith(stop[:n]):
                    hold = n
                    break
        out = self.buffer[: len(self.buffer) - hold]
        self.buffer = self.buffer[len(self.buffer) - hold :]
        return out

    def flush(self) -> str:
        """What is still held back once the stream ended without a stop."""
        out, self.buffer = ("" if self.stopped else self.buffer), ""
        return out


def collect(stream: Iterable[str | Completion], provider: str) -> Completion:
    """The ``Completion`` that ends a provider's stream (the pieces are in its text)."""
    for piece in stream:
        if isinstance(piece, Completion):
            return piece
    raise ProviderError(f"provider {provider!r} ended its stream without a result")


__all__ = [
    "CHARS_PER_TOKEN_ESTIMATE",
    "StopScanner",
    "StreamMeter",
    "collect",
    "estimate_cost",
    "estimate_tokens",
]
