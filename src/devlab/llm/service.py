"""``LLMService``: the one door the rest of DevLab uses to talk to language models.

It routes a task kind (chat, explain, generate, tests, fix, refactor, translate, suggest)
to a chain of providers (the first that answers wins; a provider that is down or times
out hands over to the next), scrubs secrets from everything it sends, and records the
usage of every request.

Per request, in order:

1. **size**: the characters of all messages are capped (``llm_max_input_chars``, 413);
2. **secrets**: every message is scrubbed (``guards.scrub_messages``);
3. **routing**: ``llm_routes[task]`` (else ``llm_routes["default"]``, else
   ``llm_default_provider``) gives the providers in fallback order;
4. **context window**, per provider: a prompt longer than the provider's window skips
   it (the next may have a larger one; if none fits: 413 with both sizes, the prompt is
   never cut here); otherwise ``max_tokens`` shrinks to what the window leaves;
5. **fallback**: ``ProviderError`` / ``ProviderTimeout`` (or a provider whose engine is
   not installed) moves on to the next provider — unless text was already streamed to
   the caller, which cannot be taken back; then the error is raised;
6. **usage**: each attempt becomes an ``llm_usage`` row (tokens, latency, time to first
   token, cost estimate, the prompt template's name and version, or the error).

When every provider fails: one failure is raised as it is; several become one
``ProviderError`` (502) naming each provider and why — ``ProviderTimeout`` (504) when
all of them timed out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from devlab.actor import check_model_budget
from devlab.config import Settings
from devlab.errors import ComponentUnavailable, InvalidInput
from devlab.llm.base import (
    ChatMessage,
    Completion,
    GenerationParams,
    InputTooLong,
    LLMProvider,
    ProviderError,
    ProviderTimeout,
    TextCompletionProvider,
)
from devlab.llm.context import FittedContext, Section, fit_context
from devlab.llm.guards import check_input_size, scrub_messages, scrub_text
from devlab.llm.models import ProviderInfo
from devlab.llm.prompts import RenderedPrompt
from devlab.llm.providers.common import StreamMeter
from devlab.store import Database

__all__ = ["LLMService"]

# Tokens a chat template adds per message (turn markers, role names), for planning.
MESSAGE_OVERHEAD_TOKENS = 4
_Attempt = Callable[[LLMProvider, GenerationParams], Iterator["str | Completion"]]
# Where a streamed completion should end: the text so far -> a length to cut it to, or None.
StopRule = Callable[[str], "int | None"]


class LLMService:
    """Routes tasks to providers. ``providers`` (name -> provider) and ``routes`` (task ->
    provider names, in fallback order) override the configuration, e.g. in tests: given
    ``providers`` without ``routes``, every task uses all of them in order."""

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
        if providers is None:
            from devlab.llm.providers import configured_providers

            self.providers: dict[str, LLMProvider] = configured_providers(settings)
            self._configured = True
            default_routes = {
                "default": [settings.llm_default_provider],
                **settings.llm_routes,
            }
        else:
            self.providers = dict(providers)
            self._configured = False
            default_routes = {}
        self.routes: dict[str, list[str]] = dict(default_routes if routes is None else routes)
        # Fine-tuned versions the registry activated (built once per version id); only
        # for configured services: given providers mean exactly those providers.
        self._deployed: dict[int, LLMProvider] = {}

    # -- routing ---------------------------------------------------------------------------

    def chain(self, task: str) -> list[LLMProvider]:
        """The providers for ``task``, in fallback order."""
        names = self.routes.get(task) or self.routes.get("default") or list(self.providers)
        missing = [n for n in names if n not in self.providers]
        if missing:
            raise InvalidInput(
                f"task {task!r} is routed to unknown provider(s) {', '.join(missing)}; "
                f"configured: {', '.join(self.providers) or 'none'}"
            )
        if not names:
            raise InvalidInput(f"no language model configured for task {task!r}")
        chain = [self.providers[n] for n in names]
        deployed = self._deployed_provider(task)
        return chain if deployed is None else [deployed, *chain]

    def _deployed_provider(self, task: str) -> LLMProvider | None:
        """The registry's active version for ``task`` (read per request, so activation
        and rollback apply at once); the configured chain stays behind it as fallback."""
        if not self._configured or self.db is None:
            return None
        from devlab.llm.deployed import active_version, version_provider

        version = active_version(self.db, self.settings, task)
        if version is None:
            return None
        if version.id not in self._deployed:
            self._deployed[version.id] = version_provider(self.settings, version)
        return self._deployed[version.id]

    def context_window(self, task: str) -> int:
        """Tokens available to ``task`` (the first provider's window)."""
        return self.chain(task)[0].context_window

    def count_tokens(self, task: str, text: str) -> int:
        """Tokens ``text`` takes in the first provider of ``task``'s chain."""
        return self.chain(task)[0].count_tokens(text)

    def fit_context(
        self,
        task: str,
        sections: Iterable[Section],
        *,
        reserve_tokens: int | None = None,
    ) -> FittedContext:
        """``fit_context`` for the first provider of ``task``: its window, less
        ``reserve_tokens`` for the answer (default: ``GenerationParams().max_tokens``)
        and the chat template's overhead."""
        provider = self.chain(task)[0]
        items = list(sections)
        reserve = GenerationParams().max_tokens if reserve_tokens is None else reserve_tokens
        overhead = MESSAGE_OVERHEAD_TOKENS * (len(items) + 2)
        budget = provider.context_window - reserve - overhead
        return fit_context(items, budget, provider.count_tokens)

    def base_model(self, task: str) -> bool:
        """Whether the first provider of ``task``'s chain serves a base model (one that
        continues text and does not follow instructions): callers then write
        completion-style prompts (a code prefix, few-shot examples, stop sequences)
        and send them with ``complete``. Providers that do not say are taken as tuned."""
        chain = self.chain(task)
        return bool(chain) and bool(getattr(chain[0], "base_model", False))

    def describe(self) -> list[ProviderInfo]:
        """The providers and which tasks go to each first (for ``devlab llm providers``)."""
        from devlab.config import LLM_TASKS
        from devlab.llm.providers import provider_configs

        configs = provider_configs(self.settings) if self._configured else {}
        first: dict[str, list[str]] = {}
        for task in LLM_TASKS:
            names = self.routes.get(task) or self.routes.get("default") or list(self.providers)
            if names:
                first.setdefault(names[0], []).append(task)
        infos = []
        for name, provider in self.providers.items():
            config = configs.get(name)
            engine_info = getattr(provider, "engine_info", None)
            engine, note = engine_info() if engine_info else (None, None)
            infos.append(
                ProviderInfo(
                    name=name,
                    kind=config.kind if config else type(provider).__name__,
                    model=provider.model,
                    base_url=getattr(provider, "base_url", None),
                    context_window=provider.context_window,
                    timeout_s=float(getattr(provider, "timeout_s", 0.0)),
                    priced=bool(any(getattr(provider, "prices", (0.0, 0.0)))),
                    tasks=first.get(name, []),
                    engine=engine,
                    engine_note=note,
                )
            )
        return infos

    def close(self) -> None:
        """Close the providers' HTTP connections."""
        for provider in self.providers.values():
            close = getattr(provider, "close", None)
            if callable(close):
                close()

    # -- requests ----------------------------------------------------------------------------

    def chat(
        self,
        task: str,
        messages: list[ChatMessage],
        params: GenerationParams | None = None,
        *,
        on_token: Callable[[str], None] | None = None,
        prompt: RenderedPrompt | None = None,
    ) -> Completion:
        """Run ``messages`` on the first provider of ``task``'s chain that answers;
        ``on_token`` receives text pieces as they stream. ``prompt`` (the template the
        messages came from) is recorded with the usage. Raises ``ProviderError`` /
        ``ProviderTimeout`` (naming the providers tried) when none answers."""
        if on_token is None:
            return _last(self._run(task, messages, params, prompt, streamed=False))
        completion: Completion | None = None
        for piece in self.stream(task, messages, params, prompt=prompt):
            if isinstance(piece, Completion):
                completion = piece
            else:
                on_token(piece)
        assert completion is not None, "a stream always ends with a Completion"
        return completion

    def stream(
        self,
        task: str,
        messages: list[ChatMessage],
        params: GenerationParams | None = None,
        *,
        prompt: RenderedPrompt | None = None,
    ) -> Iterator[str | Completion]:
        """Like ``chat`` with streaming: text pieces, then one ``Completion``. Input
        errors are raised here, before the first piece."""
        return self._run(task, messages, params, prompt, streamed=True)

    def complete(
        self,
        task: str,
        text: str,
        params: GenerationParams | None = None,
        *,
        on_token: Callable[[str], None] | None = None,
        prompt: RenderedPrompt | None = None,
        stop_when: StopRule | None = None,
    ) -> Completion:
        """Continue ``text`` without a chat template (providers that cannot are sent it as
        one user message). ``stop_when`` (issue 18) is asked after each streamed piece
        with the text so far: a length ends the generation there (the text is cut to
        it), None goes on. It catches what stop strings cannot, such as a base model
        repeating lines until ``max_tokens``; a provider that returns its answer whole
        is not cut here (the caller applies its rule to the text itself)."""
        check_input_size([text], self.settings.llm_max_input_chars)
        clean, _ = scrub_text(text)
        as_chat = [ChatMessage(role="user", content=clean)]
        streamed = on_token is not None or stop_when is not None

        def attempt(provider: LLMProvider, fitted: GenerationParams) -> Iterator[str | Completion]:
            if not isinstance(provider, TextCompletionProvider):
                if not streamed:
                    return iter([provider.chat(as_chat, fitted)])
                pieces = provider.stream(as_chat, fitted)
            elif not streamed:
                return iter([provider.complete(clean, fitted)])
            else:
                pieces = provider.stream_complete(clean, fitted)
            if stop_when is None:
                return pieces
            return _cut_stream(pieces, stop_when, provider, provider.count_tokens(clean))

        params = params or GenerationParams()
        pieces = self._attempts(task, [clean], params, prompt, attempt, streamed)
        completion: Completion | None = None
        for piece in pieces:
            if isinstance(piece, Completion):
                completion = piece
            elif on_token is not None:
                on_token(piece)
        assert completion is not None
        return completion

    # -- the attempt loop -------------------------------------------------------------------

    def _run(
        self,
        task: str,
        messages: list[ChatMessage],
        params: GenerationParams | None,
        prompt: RenderedPrompt | None,
        *,
        streamed: bool,
    ) -> Iterator[str | Completion]:
        check_input_size([m.content for m in messages], self.settings.llm_max_input_chars)
        clean, _ = scrub_messages(messages)
        self.chain(task)  # routing errors now, not at the first piece

        def attempt(provider: LLMProvider, fitted: GenerationParams) -> Iterator[str | Completion]:
            if streamed:
                return provider.stream(clean, fitted)
            return iter([provider.chat(clean, fitted)])

        texts = [m.content for m in clean]
        return self._attempts(task, texts, params or GenerationParams(), prompt, attempt, streamed)

    def _attempts(
        self,
        task: str,
        texts: list[str],
        params: GenerationParams,
        prompt: RenderedPrompt | None,
        attempt: _Attempt,
        streamed: bool,
    ) -> Iterator[str | Completion]:
        check_model_budget()  # issue 19: a job stops once its caller's token limit is used
        failures: list[tuple[LLMProvider, Exception]] = []
        too_long: list[tuple[LLMProvider, int]] = []
        for provider in self.chain(task):
            fitted, prompt_tokens = self._fit_params(provider, texts, params)
            if fitted is None:
                too_long.append((provider, prompt_tokens))
                continue
            started = False
            try:
                completion: Completion | None = None
                for piece in attempt(provider, fitted):
                    if isinstance(piece, Completion):
                        completion = piece
                    else:
                        started = True
                        yield piece
                if completion is None:
                    raise ProviderError(f"provider {provider.name!r} returned no result")
            except (ProviderError, ComponentUnavailable) as exc:
                self._record_failure(task, provider, exc, prompt, streamed)
                if started:
                    raise
                failures.append((provider, exc))
                continue
            self._record(task, completion, prompt, streamed)
            yield completion
            return
        raise _all_failed(task, failures, too_long)

    def _fit_params(
        self, provider: LLMProvider, texts: list[str], params: GenerationParams
    ) -> tuple[GenerationParams | None, int]:
        """``params`` with ``max_tokens`` cut to what the window leaves, or None when the
        prompt alone does not fit this provider."""
        tokens = sum(provider.count_tokens(t) + MESSAGE_OVERHEAD_TOKENS for t in texts)
        room = provider.context_window - tokens
        if room < 1:
            return None, tokens
        if params.max_tokens <= room:
            return params, tokens
        return params.model_copy(update={"max_tokens": room}), tokens

    # -- usage ---------------------------------------------------------------------------------

    def _record(
        self, task: str, completion: Completion, prompt: RenderedPrompt | None, streamed: bool
    ) -> None:
        if self.db is None:
            return
        from devlab.llm.usage import record_usage

        record_usage(
            self.db,
            task=task,
            provider=completion.provider,
            model=completion.model,
            status="ok",
            usage=completion.usage,
            streamed=streamed,
            finish_reason=completion.finish_reason,
            **_prompt_fields(prompt),
        )

    def _record_failure(
        self,
        task: str,
        provider: LLMProvider,
        exc: Exception,
        prompt: RenderedPrompt | None,
        streamed: bool,
    ) -> None:
        if self.db is None:
            return
        from devlab.llm.usage import record_usage

        record_usage(
            self.db,
            task=task,
            provider=provider.name,
            model=provider.model,
            status="timeout" if isinstance(exc, ProviderTimeout) else "error",
            streamed=streamed,
            finish_reason="error",
            error=getattr(exc, "message", str(exc)),
            **_prompt_fields(prompt),
        )


def _prompt_fields(prompt: RenderedPrompt | None) -> dict[str, Any]:
    if prompt is None:
        return {}
    return {"prompt_name": prompt.ref, "prompt_version": prompt.version}


def _cut_stream(
    pieces: Iterator[str | Completion], stop_when: StopRule, provider: LLMProvider, prompt: int
) -> Iterator[str | Completion]:
    """``pieces`` until ``stop_when`` gives a length: then the provider's stream is
    closed (a local engine stops generating at once) and the Completion is made here,
    the text cut at that length, its tokens counted by the provider's tokenizer."""
    meter = StreamMeter()
    text = ""
    for piece in pieces:
        if isinstance(piece, Completion):
            yield piece
            return
        meter.token()
        cut = stop_when(text + piece)
        if cut is None:
            text += piece
            yield piece
            continue
        whole = text + piece
        cut = min(max(cut, 0), len(whole))
        if cut > len(text):
            yield whole[len(text) : cut]
        text = whole[:cut]
        break
    else:
        raise ProviderError(f"provider {provider.name!r} returned no result")
    close = getattr(pieces, "close", None)
    if close is not None:
        close()  # the engine's cancel flag: no token is generated after the cut
    usage = meter.usage(prompt, provider.count_tokens(text), estimated=True)
    yield Completion(text=text, provider=provider.name, model=provider.model, usage=usage)


def _last(pieces: Iterator[str | Completion]) -> Completion:
    completion: Completion | None = None
    for piece in pieces:
        if isinstance(piece, Completion):
            completion = piece
    assert completion is not None, "an attempt always ends with a Completion"
    return completion


def _all_failed(
    task: str,
    failures: list[tuple[LLMProvider, Exception]],
    too_long: list[tuple[LLMProvider, int]],
) -> Exception:
    """The one error for a task no provider answered (see the module docstring)."""
    if not failures and too_long:
        tokens = too_long[0][1]
        sizes = "; ".join(f"{p.name!r} allows {p.context_window}" for p, _ in too_long)
        return InputTooLong(
            f"the prompt is about {tokens} tokens, more than the context window of every "
            f"provider for task {task!r} ({sizes}). Shorten it, or route the task to a "
            "model with a larger window.",
            detail={"tokens": tokens, "windows": {p.name: p.context_window for p, _ in too_long}},
        )
    if len(failures) == 1 and not too_long:
        return failures[0][1]
    reasons = [getattr(exc, "message", str(exc)) for _, exc in failures]
    reasons += [
        f"provider {p.name!r}: prompt of {n} tokens exceeds its window" for p, n in too_long
    ]
    message = f"no language model answered task {task!r}: " + "; ".join(reasons)
    detail = {
        "providers": [{"name": p.name, "error": getattr(e, "message", str(e))} for p, e in failures]
    }
    if all(isinstance(e, ProviderTimeout) for _, e in failures) and not too_long:
        return ProviderTimeout(message, detail=detail)
    return ProviderError(message, detail=detail)
