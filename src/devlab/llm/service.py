"""``LLMService``: the one door the rest of DevLab uses to talk to language models.

It routes a task kind (chat, explain, generate, tests, fix, refactor, translate, suggest)
to a chain of providers (the first that answers wins; a provider that is down or times
out hands over to the next), scrubs secrets from everything it sends, and records the
usage of every request.

(Skeleton: the provider registry, routing configuration, usage store and guards are
being filled in; the signatures below are the contract callers rely on.)
"""

from __future__ import annotations

from collections.abc import Callable

from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.llm.base import (
    ChatMessage,
    Completion,
    GenerationParams,
    LLMProvider,
    ProviderError,
)
from devlab.store.db import Database

__all__ = ["LLMService"]


class LLMService:
    """Routes tasks to providers. ``providers`` (name -> provider) and ``routes`` (task ->
    provider names, in fallback order) override the configuration, e.g. in tests."""

    def __init__(
        self,
        settings: Settings,
        db: Database | None = None,
        *,
        providers: dict[str, LLMProvider] | None = None,
        routes: dict[str, list[str]] | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.providers: dict[str, LLMProvider] = dict(providers or {})
        self.routes: dict[str, list[str]] = dict(routes or {})

    def chain(self, task: str) -> list[LLMProvider]:
        """The providers for ``task``, in fallback order."""
        names = self.routes.get(task) or self.routes.get("default") or list(self.providers)
        missing = [n for n in names if n not in self.providers]
        if missing or not names:
            raise InvalidInput(f"no language model configured for task {task!r}")
        return [self.providers[n] for n in names]

    def context_window(self, task: str) -> int:
        """Tokens available to ``task`` (the first provider's window)."""
        return self.chain(task)[0].context_window

    def count_tokens(self, task: str, text: str) -> int:
        return self.chain(task)[0].count_tokens(text)

    def chat(
        self,
        task: str,
        messages: list[ChatMessage],
        params: GenerationParams | None = None,
        *,
        on_token: Callable[[str], None] | None = None,
    ) -> Completion:
        """Run ``messages`` on the first provider of ``task``'s chain that answers;
        ``on_token`` receives text pieces as they stream. Raises ``ProviderError`` /
        ``ProviderTimeout`` (naming the providers tried) when none answers."""
        params = params or GenerationParams()
        errors: list[ProviderError] = []
        for provider in self.chain(task):
            try:
                if on_token is None:
                    return provider.chat(messages, params)
                completion: Completion | None = None
                for piece in provider.stream(messages, params):
                    if isinstance(piece, Completion):
                        completion = piece
                    else:
                        on_token(piece)
                assert completion is not None, "a provider stream must end with a Completion"
                return completion
            except ProviderError as exc:
                errors.append(exc)
        last = errors[-1]
        raise type(last)("; ".join(e.message for e in errors))
