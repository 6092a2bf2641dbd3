"""The language-model interface every provider implements, and what it returns.

A provider turns chat messages into a ``Completion`` (``chat``) or into a stream of text
pieces ending with the ``Completion`` (``stream``). Everything above this layer
(``devlab.llm.service``, the Dev Companion, evaluation) speaks only these types, so a
local model, an OpenAI-compatible server and a scripted test model are interchangeable.
Providers that can also continue plain text without a chat template (the local model,
OpenAI-compatible ``/v1/completions``) implement ``TextCompletionProvider`` as well.

Errors::

    DevLabError
    +-- ProviderError (502)       a provider is down, refused, or answered nonsense
    |   +-- ProviderTimeout (504) a provider did not answer in time
    +-- InvalidInput (422)
        +-- InputTooLong (413)    more characters than allowed, or a prompt longer than
                                  the model's context window (never cut silently)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field, field_validator

from devlab.errors import DevLabError, InvalidInput

Role = Literal["system", "user", "assistant"]
TaskKind = Literal[
    "chat", "explain", "generate", "tests", "fix", "refactor", "translate", "suggest"
]
TASK_KINDS: tuple[str, ...] = (
    "chat",
    "explain",
    "generate",
    "tests",
    "fix",
    "refactor",
    "translate",
    "suggest",
)


class ChatMessage(BaseModel):
    role: Role
    content: str


class GenerationParams(BaseModel):
    max_tokens: int = Field(default=512, ge=1, le=32_768)
    temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    top_p: float = Field(default=0.95, gt=0.0, le=1.0)
    stop: list[str] = Field(default_factory=list)
    seed: int | None = None
    json_schema: dict[str, Any] | None = Field(
        default=None,
        description="constrain the reply to JSON matching this JSON Schema (the local "
        "engines decode under it, llm/constrained.py; other providers ignore it and the "
        "caller parses as usual)",
    )

    @field_validator("json_schema")
    @classmethod
    def _schema_size(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        from devlab.llm.constrained import check_schema

        if value is not None:
            check_schema(value)
        return value


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: float = 0.0
    time_to_first_token_ms: float | None = None
    cost_usd: float | None = Field(default=None, description="estimate, for priced APIs")
    estimated: bool = Field(
        default=False, description="token counts are estimates (the server reported none)"
    )


class Completion(BaseModel):
    text: str
    provider: str
    model: str
    finish_reason: str = "stop"  # stop | length | error
    usage: Usage = Field(default_factory=Usage)


@runtime_checkable
class LLMProvider(Protocol):
    """One configured model behind one backend."""

    name: str  # the provider's configured name, e.g. "local", "ollama"
    model: str  # the model id it serves
    context_window: int  # tokens the model can attend to (prompt + completion)

    def chat(self, messages: list[ChatMessage], params: GenerationParams) -> Completion:
        """The whole reply at once."""
        ...

    def stream(
        self, messages: list[ChatMessage], params: GenerationParams
    ) -> Iterator[str | Completion]:
        """Text pieces as they are generated, then exactly one ``Completion``."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes in this model (an estimate where the tokenizer is remote)."""
        ...


@runtime_checkable
class TextCompletionProvider(LLMProvider, Protocol):
    """A provider that also continues plain text (no chat template applied)."""

    def complete(self, prompt: str, params: GenerationParams) -> Completion:
        """The continuation of ``prompt`` at once."""
        ...

    def stream_complete(self, prompt: str, params: GenerationParams) -> Iterator[str | Completion]:
        """The continuation of ``prompt`` in pieces, then exactly one ``Completion``."""
        ...


class ProviderError(DevLabError):
    """A provider failed (down, refused, bad reply): 502, naming the provider."""

    status_code = 502
    exit_code = 5


class ProviderTimeout(ProviderError):
    """A provider did not answer in time: 504, naming the provider."""

    status_code = 504


class InputTooLong(InvalidInput):
    """A request exceeds a size limit or the model's context window: 413, with both sizes."""

    status_code = 413
