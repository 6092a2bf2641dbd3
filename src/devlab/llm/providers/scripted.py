"""A provider that answers from a script: tests and demos without any model.

::

    provider = ScriptedProvider("fake", ["first answer", ProviderError("down"), "third"])

Each request takes the next item (the last one repeats): a string is the reply
(streamed word by word), an exception is raised instead. Every request's messages are
kept in ``calls``, so a test can check what a model would have been sent.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence

from devlab.llm.base import ChatMessage, Completion, GenerationParams
from devlab.llm.providers.common import StreamMeter, collect, estimate_tokens


class ScriptedProvider:
    """Replies from a list; see the module docstring."""

    def __init__(
        self,
        name: str = "scripted",
        replies: Sequence[str | BaseException] | str = "ok",
        *,
        model: str = "scripted",
        context_window: int = 8192,
        delay_s: float = 0.0,
    ) -> None:
        self.name = name
        self.model = model
        self.context_window = context_window
        self.delay_s = delay_s
        self.replies = [replies] if isinstance(replies, str) else list(replies)
        self.calls: list[list[ChatMessage]] = []
        self.params: list[GenerationParams] = []

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def _next(self) -> str:
        index = min(len(self.calls) - 1, len(self.replies) - 1)
        reply = self.replies[index]
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def chat(self, messages: list[ChatMessage], params: GenerationParams) -> Completion:
        return collect(self.stream(messages, params), self.name)

    def stream(
        self, messages: list[ChatMessage], params: GenerationParams
    ) -> Iterator[str | Completion]:
        self.calls.append(list(messages))
        self.params.append(params)
        meter = StreamMeter()
        reply = self._next()  # raises here, before the first piece, when scripted to
        return self._pieces(reply, messages, meter)

    def _pieces(
        self, reply: str, messages: list[ChatMessage], meter: StreamMeter
    ) -> Iterator[str | Completion]:
        for piece in re.findall(r"\s*\S+\s*", reply) or [reply]:
            if self.delay_s:
                time.sleep(self.delay_s)
            meter.token()
            yield piece
        prompt = sum(estimate_tokens(m.content) for m in messages)
        yield Completion(
            text=reply,
            provider=self.name,
            model=self.model,
            usage=meter.usage(prompt, estimate_tokens(reply), estimated=True),
        )


__all__ = ["ScriptedProvider"]
