"""LLMService: routing, fallback, timeouts, guards and usage rows, on real providers
(an OpenAI-compatible server the test starts) and scripted ones."""

from __future__ import annotations

import pytest

from devlab.config import LLM_TASKS, load_settings
from devlab.errors import ComponentUnavailable, InvalidInput
from devlab.llm import (
    TASK_KINDS,
    ChatMessage,
    GenerationParams,
    InputTooLong,
    LLMService,
    ProviderError,
    ProviderTimeout,
    render_prompt,
)
from devlab.llm.providers.openai_compat import OpenAICompatibleProvider
from devlab.llm.providers.scripted import ScriptedProvider
from devlab.llm.usage import usage_report
from devlab.store.db import Database

USER = [ChatMessage(role="user", content="Explain the cart module.")]
# A realistic AWS key id and a GitHub token: both must never reach a model.
AWS_KEY = "AKIA" + "Z7QH3KX5PLMN2RTV"
GITHUB_TOKEN = "ghp_" + "R8k2Lq9ZxT4mN7vB3cW6yH1jP5sD0fGaE2uK"


@pytest.fixture
def db(sqlite_settings):
    database = Database(sqlite_settings)
    yield database
    database.close()


def _remote(name: str, url: str, **kwargs) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(name, base_url=url, model=f"{name}-model", **kwargs)


def test_first_provider_down_second_answers_and_both_attempts_are_recorded(
    sqlite_settings, db, closed_port_url, openai_server
):
    service = LLMService(
        sqlite_settings,
        db,
        providers={
            "remote": _remote("remote", closed_port_url),
            "backup": _remote("backup", openai_server.url),
        },
        routes={"generate": ["remote", "backup"]},
    )
    completion = service.chat("generate", USER)

    assert completion.provider == "backup" and completion.text == openai_server.reply
    report = usage_report(db)
    by_provider = {t.provider: t for t in report.totals}
    assert by_provider["remote"].errors == 1 and by_provider["remote"].requests == 1
    assert by_provider["backup"].errors == 0 and by_provider["backup"].prompt_tokens == 11
    failed = next(r for r in report.recent if r.provider == "remote")
    assert failed.status == "error" and "unreachable" in failed.error
    assert {r.task for r in report.recent} == {"generate"}


def test_all_providers_down_is_502_naming_each(sqlite_settings, closed_port_url, openai_server):
    openai_server.mode = "error"
    service = LLMService(
        sqlite_settings,
        providers={"a": _remote("a", closed_port_url), "b": _remote("b", openai_server.url)},
    )
    with pytest.raises(ProviderError) as info:
        service.chat("chat", USER)
    error = info.value
    assert type(error) is ProviderError and error.status_code == 502
    assert "'a'" in error.message and "'b'" in error.message
    assert closed_port_url in error.message and "HTTP 500" in error.message
    assert [p["name"] for p in error.detail["providers"]] == ["a", "b"]


def test_all_providers_timing_out_is_504(sqlite_settings, openai_server):
    openai_server.mode, openai_server.delay = "slow", 1.5
    service = LLMService(
        sqlite_settings,
        providers={
            "a": _remote("a", openai_server.url, timeout_s=0.2),
            "b": _remote("b", openai_server.url, timeout_s=0.2),
        },
    )
    with pytest.raises(ProviderTimeout) as info:
        service.chat("chat", USER)
    assert info.value.status_code == 504 and "'a'" in info.value.message


def test_one_provider_failing_raises_its_own_error(sqlite_settings):
    missing = ComponentUnavailable("llama.cpp is an optional extra")
    service = LLMService(sqlite_settings, providers={"x": ScriptedProvider("x", [missing])})
    with pytest.raises(ComponentUnavailable, match="optional extra"):
        service.chat("chat", USER)


def test_no_fallback_once_text_was_streamed(sqlite_settings, openai_server):
    openai_server.mode = "midstream"
    backup = ScriptedProvider("backup", "should not be used")
    service = LLMService(
        sqlite_settings, providers={"a": _remote("a", openai_server.url), "backup": backup}
    )
    seen: list[str] = []
    with pytest.raises(ProviderError, match="overloaded"):
        service.chat("chat", USER, on_token=seen.append)
    assert seen == ["Hello"] and backup.calls == []


def test_streaming_through_the_service_records_ttft_and_prompt_version(
    sqlite_settings, db, openai_server
):
    service = LLMService(sqlite_settings, db, providers={"r": _remote("r", openai_server.url)})
    system = render_prompt("system", project="shop")
    pieces: list[str] = []
    completion = service.chat(
        "explain",
        [ChatMessage(role="system", content=system.text), *USER],
        on_token=pieces.append,
        prompt=system,
    )
    assert "".join(pieces) == completion.text
    row = usage_report(db).recent[0]
    assert row.streamed and row.status == "ok" and row.ttft_ms is not None
    assert row.latency_ms >= row.ttft_ms > 0
    assert (row.prompt_name, row.prompt_version) == ("devlab.llm:system", system.version)


def test_secrets_are_scrubbed_from_everything_the_server_receives(sqlite_settings, openai_server):
    service = LLMService(sqlite_settings, providers={"r": _remote("r", openai_server.url)})
    messages = [
        ChatMessage(role="system", content=f"deploy key: {GITHUB_TOKEN}"),
        ChatMessage(role="user", content=f'Why does this fail?\naws_key = "{AWS_KEY}"\n'),
        ChatMessage(role="assistant", content=f"Your token {GITHUB_TOKEN} is wrong."),
        ChatMessage(role="user", content="And now?"),
    ]
    service.chat("fix", messages)
    service.complete("fix", f"key = '{AWS_KEY}'\n")

    sent = str([body for _, _, body in openai_server.requests])
    assert AWS_KEY not in sent and GITHUB_TOKEN not in sent
    assert "<REDACTED:AWS Access Key>" in sent and "<REDACTED:GitHub Token>" in sent
    assert "Why does this fail?" in sent  # the rest is left alone


def test_input_over_the_character_limit_is_413(tmp_path):
    settings = load_settings(home=tmp_path / "h", llm_max_input_chars=100)
    service = LLMService(settings, providers={"s": ScriptedProvider("s")})
    with pytest.raises(InputTooLong) as info:
        service.chat("chat", [ChatMessage(role="user", content="x" * 101)])
    assert info.value.status_code == 413
    assert "101 characters" in info.value.message and "100" in info.value.message


def test_prompt_longer_than_every_window_is_refused_not_cut(sqlite_settings):
    small = ScriptedProvider("small", context_window=256)
    service = LLMService(sqlite_settings, providers={"small": small})
    with pytest.raises(InputTooLong) as info:
        service.chat("chat", [ChatMessage(role="user", content="word " * 400)])
    assert "'small' allows 256" in info.value.message
    assert small.calls == []


def test_prompt_too_long_for_the_first_provider_goes_to_a_larger_one(sqlite_settings):
    small = ScriptedProvider("small", context_window=256)
    large = ScriptedProvider("large", "fits", context_window=32_768)
    service = LLMService(sqlite_settings, providers={"small": small, "large": large})
    assert service.chat("chat", [ChatMessage(role="user", content="word " * 400)]).text == "fits"


def test_max_tokens_shrinks_to_what_the_window_leaves(sqlite_settings):
    provider = ScriptedProvider("p", context_window=300)
    service = LLMService(sqlite_settings, providers={"p": provider})
    service.chat(
        "chat", [ChatMessage(role="user", content="a" * 400)], GenerationParams(max_tokens=1000)
    )
    assert provider.params[0].max_tokens == 300 - (100 + 4)


def test_routes_pick_providers_per_task_with_a_default(sqlite_settings):
    a, b = ScriptedProvider("a", "from a"), ScriptedProvider("b", "from b")
    service = LLMService(
        sqlite_settings, providers={"a": a, "b": b}, routes={"generate": ["b"], "default": ["a"]}
    )
    assert service.chat("generate", USER).text == "from b"
    assert service.chat("chat", USER).text == "from a"
    assert service.context_window("generate") == 8192


def test_unknown_provider_in_a_route_is_invalid_input(sqlite_settings):
    service = LLMService(
        sqlite_settings, providers={"a": ScriptedProvider("a")}, routes={"chat": ["nope"]}
    )
    with pytest.raises(InvalidInput, match="unknown provider"):
        service.chat("chat", USER)


def test_providers_and_routes_come_from_settings_with_prices(tmp_path, openai_server):
    settings = load_settings(
        home=tmp_path / "h",
        llm_providers={
            "ollama": {
                "kind": "openai",
                "base_url": openai_server.url,
                "model": "qwen2.5-coder",
                "api_key": "s3cret-key",
                "price_prompt_per_1k": 1.0,
                "price_completion_per_1k": 2.0,
                "context_window": 16_384,
            }
        },
        llm_routes={"generate": ["ollama", "local"]},
    )
    db = Database(settings)
    service = LLMService(settings, db)
    try:
        assert [p.name for p in service.chain("generate")] == ["ollama", "local"]
        assert [p.name for p in service.chain("chat")] == ["local"]  # the packaged default
        completion = service.chat("generate", USER)
        assert completion.usage.cost_usd == pytest.approx(0.011 + 0.014)
        assert usage_report(db).cost_usd == pytest.approx(0.025)
        assert openai_server.requests[0][1]["Authorization"] == "Bearer s3cret-key"
        info = {p.name: p for p in service.describe()}
        assert info["ollama"].kind == "openai" and info["ollama"].context_window == 16_384
        assert info["ollama"].tasks == ["generate"] and info["ollama"].priced
        assert "s3cret" not in str(info)
    finally:
        service.close()
        db.close()


def test_settings_reject_routes_to_unknown_providers_and_tasks(tmp_path):
    with pytest.raises(InvalidInput, match="unknown provider"):
        load_settings(home=tmp_path, llm_routes={"chat": ["ghost"]})
    with pytest.raises(InvalidInput, match="unknown task"):
        load_settings(home=tmp_path, llm_routes={"chatt": ["local"]})
    with pytest.raises(InvalidInput, match="base_url and model"):
        load_settings(home=tmp_path, llm_providers={"x": {"kind": "openai"}})


def test_config_task_list_matches_the_llm_task_kinds():
    assert LLM_TASKS == TASK_KINDS


def test_plain_completion_falls_back_to_chat_for_chat_only_providers(sqlite_settings):
    provider = ScriptedProvider("s", "continued")
    service = LLMService(sqlite_settings, providers={"s": provider})
    assert service.complete("generate", "def add(a, b):").text == "continued"
    assert provider.calls[0] == [ChatMessage(role="user", content="def add(a, b):")]


def test_builtin_local_provider_follows_the_settings(tmp_path):
    settings = load_settings(
        home=tmp_path / "h",
        llm_adapter_path=tmp_path / "adapters" / "v3",
        llm_local_context_window=4096,
        llm_models_dir=tmp_path / "models",
    )
    local = LLMService(settings).providers["local"]
    assert local.adapter_path == tmp_path / "adapters" / "v3"
    assert local.context_window == 4096 and local.models_dir == tmp_path / "models"
    assert local.model == "gemma3-270m+v3"
    assert not (tmp_path / "models").exists()  # nothing converted or loaded until used


def test_ollama_example_from_devlab_toml(tmp_path):
    (tmp_path / "devlab.toml").write_text(
        """
llm_max_input_chars = 150000

[llm_providers.ollama]
kind = "openai"
base_url = "http://127.0.0.1:11434"
model = "qwen2.5-coder:7b"
context_window = 32768
timeout_s = 120

[llm_providers.openai]
kind = "openai"
base_url = "https://api.openai.com/v1"
model = "gpt-4o-mini"
api_key = "sk-from-toml"
price_prompt_per_1k = 0.00015
price_completion_per_1k = 0.0006

[llm_routes]
generate = ["openai", "ollama", "local"]
fix = ["ollama", "local"]
default = ["local"]
"""
    )
    settings = load_settings(home=tmp_path / "h")  # the test runs in tmp_path
    service = LLMService(settings)
    assert [p.name for p in service.chain("generate")] == ["openai", "ollama", "local"]
    assert [p.name for p in service.chain("explain")] == ["local"]
    assert service.providers["ollama"].base_url == "http://127.0.0.1:11434"
    assert service.providers["openai"].base_url == "https://api.openai.com"
    assert settings.llm_providers["openai"].api_key.get_secret_value() == "sk-from-toml"
    service.close()
