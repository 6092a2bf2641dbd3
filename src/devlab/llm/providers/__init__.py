"""Provider backends, and building them from ``Settings`` (``llm_providers``).

``local`` is always there (the packaged Gemma 3 270M) unless the configuration
redefines that name; every other provider comes from ``llm_providers``.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from devlab.config import LOCAL_PROVIDER, LLMProviderConfig, Settings
from devlab.llm.base import LLMProvider

DEFAULT_CONTEXT_WINDOW = 8192


def provider_configs(settings: Settings) -> dict[str, LLMProviderConfig]:
    """Every configured provider by name, the built-in ``local`` one included."""
    builtin = LLMProviderConfig(
        kind="local",
        context_window=settings.llm_local_context_window,
        timeout_s=settings.llm_local_timeout_s,
        adapter_path=settings.llm_adapter_path,
        engine=settings.llm_local_engine,
    )
    return {LOCAL_PROVIDER: builtin, **settings.llm_providers}


def build_provider(
    name: str,
    config: LLMProviderConfig,
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
) -> LLMProvider:
    """The provider ``config`` describes (cheap: models load on first use)."""
    prices = (config.price_prompt_per_1k, config.price_completion_per_1k)
    window = config.context_window or DEFAULT_CONTEXT_WINDOW
    if config.kind == "openai":
        from devlab.llm.providers.openai_compat import OpenAICompatibleProvider

        return OpenAICompatibleProvider(
            name,
            base_url=config.base_url,
            model=config.model,
            api_key=config.api_key.get_secret_value(),
            context_window=window,
            timeout_s=config.timeout_s,
            prices=prices,
            transport=transport,
            base_model=config.instruction_tuned is False,
        )
    if config.kind == "llamacpp":
        from devlab.llm.providers.llamacpp import LlamaCppProvider

        return LlamaCppProvider(
            name,
            models_dir=settings.models_dir,
            model_path=Path(config.model).expanduser() if config.model else None,
            context_window=window,
            prices=prices,
        )
    from devlab.llm.providers.local import TransformersProvider

    return TransformersProvider(
        name,
        models_dir=settings.models_dir,
        model_dir=Path(config.model).expanduser() if config.model else None,
        adapter_path=config.adapter_path,
        device=config.device,
        context_window=window,
        timeout_s=config.timeout_s,
        prices=prices,
        engine=config.engine,
        instruction_tuned=config.instruction_tuned,
    )


def configured_providers(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> dict[str, LLMProvider]:
    """All providers of ``settings``, built (not loaded)."""
    return {
        name: build_provider(name, config, settings, transport=transport)
        for name, config in provider_configs(settings).items()
    }


__all__ = ["DEFAULT_CONTEXT_WINDOW", "build_provider", "configured_providers", "provider_configs"]
