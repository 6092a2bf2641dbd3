"""The OpenAI-compatible provider against a real HTTP server the test starts."""

from __future__ import annotations

import time

import httpx
import pytest

from devlab.llm import ChatMessage, Completion, GenerationParams, ProviderError, ProviderTimeout
from devlab.llm.providers.openai_compat import OpenAICompatibleProvider, server_root

MESSAGES = [
    ChatMessage(role="system", content="Be brief."),
    ChatMessage(role="user", content="Say hello."),
]


def _provider(url: str, **kwargs) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider("ollama", base_url=url, model="qwen-test", **kwargs)


def test_chat_sends_the_openai_request_and_reads_the_reply(openai_server):
    provider = _provider(openai_server.url, api_key="k-123", prices=(0.5, 1.5))
    completion = provider.chat(MESSAGES, GenerationParams(max_tokens=20, stop=["\n\n"], seed=7))

    assert completion.text == "Hello from the fake server."
    assert (completion.provider, completion.model) == ("ollama", "qwen-test")
    assert completion.usage.prompt_tokens == 11 and completion.usage.completion_tokens == 7
    assert completion.usage.cost_usd == pytest.approx(11 / 1000 * 0.5 + 7 / 1000 * 1.5)
    assert not completion.usage.estimated
    path, headers, body = openai_server.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer k-123"
    assert body["model"] == "qwen-test" and body["stream"] is False
    assert body["messages"] == [m.model_dump() for m in MESSAGES]
    assert (body["max_tokens"], body["stop"], body["seed"]) == (20, ["\n\n"], 7)


def test_stream_yields_pieces_then_a_completion_with_ttft(openai_server):
    pieces = list(_provider(openai_server.url).stream(MESSAGES, GenerationParams()))

    *texts, completion = pieces
    assert isinstance(completion, Completion)
    assert "".join(texts) == completion.text == "Hello from the fake server."
    assert len(texts) == 5
    assert completion.usage.completion_tokens == 7  # the server's usage chunk
    ttft = completion.usage.time_to_first_token_ms
    assert ttft is not None and 0 < ttft < completion.usage.latency_ms
    _, _, body = openai_server.requests[0]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_plain_completion_uses_v1_completions(openai_server):
    provider = _provider(openai_server.url + "/v1/")  # a trailing /v1 is accepted
    completion = provider.complete("def add(a, b):", GenerationParams(max_tokens=8))
    streamed = list(provider.stream_complete("def add(a, b):", GenerationParams(max_tokens=8)))

    assert completion.text == streamed[-1].text == "Hello from the fake server."
    assert [r[0] for r in openai_server.requests] == ["/v1/completions", "/v1/completions"]
    assert openai_server.requests[0][2]["prompt"] == "def add(a, b):"
    assert "Authorization" not in openai_server.requests[0][1]  # no key, no header


def test_missing_usage_is_estimated_and_flagged(openai_server):
    openai_server.mode = "nousage"
    completion = _provider(openai_server.url).chat(MESSAGES, GenerationParams())
    streamed = list(_provider(openai_server.url).stream(MESSAGES, GenerationParams()))[-1]

    for result in (completion, streamed):
        assert result.usage.estimated
        assert result.usage.completion_tokens == len(result.text) // 4 + 1
        assert result.usage.prompt_tokens > 0


def test_http_500_is_a_provider_error_naming_provider_and_url(openai_server):
    openai_server.mode = "error"
    with pytest.raises(ProviderError) as info:
        _provider(openai_server.url).chat(MESSAGES, GenerationParams())
    assert info.value.status_code == 502
    assert "'ollama'" in info.value.message and openai_server.url in info.value.message
    assert "HTTP 500" in info.value.message and "model crashed" in info.value.message


def test_refused_connection_is_a_provider_error(closed_port_url):
    with pytest.raises(ProviderError) as info:
        list(_provider(closed_port_url).stream(MESSAGES, GenerationParams()))
    assert not isinstance(info.value, ProviderTimeout)
    assert "unreachable" in info.value.message and closed_port_url in info.value.message


def test_bad_json_is_a_provider_error(openai_server):
    openai_server.mode = "badjson"
    with pytest.raises(ProviderError, match="invalid JSON"):
        _provider(openai_server.url).chat(MESSAGES, GenerationParams())


def test_error_in_the_middle_of_a_stream_is_a_provider_error(openai_server):
    openai_server.mode = "midstream"
    received = []
    with pytest.raises(ProviderError, match="overloaded"):
        for piece in _provider(openai_server.url).stream(MESSAGES, GenerationParams()):
            received.append(piece)
    assert received == ["Hello"]


def test_slow_server_is_a_timeout_504(openai_server):
    openai_server.mode, openai_server.delay = "slow", 2.0
    provider = _provider(openai_server.url, timeout_s=0.3)
    started = time.monotonic()
    with pytest.raises(ProviderTimeout) as info:
        provider.chat(MESSAGES, GenerationParams())
    assert time.monotonic() - started < 1.5
    assert info.value.status_code == 504
    assert "'ollama'" in info.value.message and "0.3 s" in info.value.message


def test_transport_can_be_injected():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"choices": [{"message": {"content": "mocked"}}]})

    provider = _provider("http://model.invalid", transport=httpx.MockTransport(handler))
    assert provider.chat(MESSAGES, GenerationParams()).text == "mocked"


def test_server_root_accepts_common_spellings():
    assert server_root("http://h:11434") == "http://h:11434"
    assert server_root("http://h:11434/") == "http://h:11434"
    assert server_root("https://api.example.org/v1") == "https://api.example.org"
