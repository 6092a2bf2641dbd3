"""Any OpenAI-compatible server: Ollama, vLLM, llama.cpp's server, LM Studio, OpenAI.

``POST {base_url}/v1/chat/completions`` (and ``/v1/completions`` for plain text), with
``"stream": true`` read as server-sent events. ``base_url`` is the server root; a
trailing ``/v1`` (as OpenAI documents its URL) is accepted too. The key, when set, is
sent as a Bearer token.

Failures are translated at this boundary (httpx style), and every message names the
provider and its URL: a timeout is ``ProviderTimeout`` (504); a refused connection, an
HTTP error status or a reply that is not the expected JSON is ``ProviderError`` (502).

Token counts come from the server's ``usage`` (asked for in streams with
``stream_options.include_usage``); a server that reports none gets a characters/4
estimate, flagged ``usage.estimated``. ``count_tokens`` is that estimate too: the real
tokenizer is on the other machine. Tests pass an ``httpx`` transport, or start a
small server of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from devlab.llm.base import (
    ChatMessage,
    Completion,
    GenerationParams,
    ProviderError,
    ProviderTimeout,
)
from devlab.llm.providers.common import StreamMeter, estimate_tokens

# Tokens a chat message costs beyond its text (role, separators), for estimates.
MESSAGE_OVERHEAD_TOKENS = 4


def server_root(base_url: str) -> str:
    """``http://host:port`` from ``http://host:port``, ``.../`` or ``.../v1``."""
    root = base_url.rstrip("/")
    return root[: -len("/v1")] if root.endswith("/v1") else root


class OpenAICompatibleProvider:
    """One model on an OpenAI-compatible HTTP server."""

    def __init__(
        self,
        name: str,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        context_window: int = 8192,
        timeout_s: float = 120.0,
        prices: tuple[float, float] = (0.0, 0.0),
        transport: httpx.BaseTransport | None = None,
        base_model: bool = False,
    ) -> None:
        self.name = name
        self.model = model
        # a server applies its model's chat template, so it is taken as tuned unless the
        # configuration says instruction_tuned = false (then completion-style prompts)
        self.base_model = base_model
        self.base_url = server_root(base_url)
        self.context_window = context_window
        self.timeout_s = timeout_s
        self.prices = prices
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            transport=transport,
        )

    @property
    def label(self) -> str:
        return f"provider {self.name!r} ({self.base_url})"

    def close(self) -> None:
        self._client.close()

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    # -- requests ------------------------------------------------------------------------

    def _body(self, params: GenerationParams, *, stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
            "stream": stream,
        }
        if params.stop:
            body["stop"] = params.stop
        if params.seed is not None:
            body["seed"] = params.seed
        if stream:
            body["stream_options"] = {"include_usage": True}
        return body

    @staticmethod
    def _messages(messages: list[ChatMessage]) -> list[dict[str, str]]:
        return [{"role": m.role, "content": m.content} for m in messages]

    def _estimate_prompt(self, messages: list[ChatMessage]) -> int:
        return sum(estimate_tokens(m.content) + MESSAGE_OVERHEAD_TOKENS for m in messages)

    @contextmanager
    def _translate_errors(self) -> Iterator[None]:
        """httpx failures -> ProviderTimeout / ProviderError naming this provider."""
        try:
            yield
        except httpx.TimeoutException as exc:
            raise ProviderTimeout(
                f"{self.label} did not answer within {self.timeout_s:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise ProviderError(
                f"{self.label} is unreachable: {exc or type(exc).__name__}"
            ) from exc

    def _check_status(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        response.read()
        try:
            error = response.json().get("error")
            detail = error.get("message") if isinstance(error, dict) else error
        except (ValueError, AttributeError):
            detail = None
        detail = str(detail or response.text or response.reason_phrase)[:300]
        raise ProviderError(f"{self.label} answered HTTP {response.status_code}: {detail}")

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._translate_errors():
            response = self._client.post(path, json=body)
            self._check_status(response)
            try:
                data = response.json()
            except ValueError as exc:
                raise ProviderError(f"{self.label} answered with invalid JSON") from exc
        if not isinstance(data, dict) or not data.get("choices"):
            raise ProviderError(f"{self.label} answered without choices: {str(data)[:200]}")
        return data

    def _finish(
        self,
        text: str,
        finish: str | None,
        usage: dict[str, Any] | None,
        meter: StreamMeter,
        prompt_estimate: int,
    ) -> Completion:
        if usage and "prompt_tokens" in usage:
            prompt = int(usage.get("prompt_tokens") or 0)
            completion = int(usage.get("completion_tokens") or 0)
            estimated = False
        else:
            prompt, completion, estimated = prompt_estimate, estimate_tokens(text), True
        return Completion(
            text=text,
            provider=self.name,
            model=self.model,
            finish_reason=finish or "stop",
            usage=meter.usage(prompt, completion, prices=self.prices, estimated=estimated),
        )

    # -- chat -----------------------------------------------------------------------------

    def chat(self, messages: list[ChatMessage], params: GenerationParams) -> Completion:
        meter = StreamMeter()
        body = {**self._body(params, stream=False), "messages": self._messages(messages)}
        data = self._post("/v1/chat/completions", body)
        try:
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise ProviderError(f"{self.label} answered an unexpected shape: {exc!r}") from exc
        return self._finish(
            text,
            choice.get("finish_reason"),
            data.get("usage"),
            meter,
            self._estimate_prompt(messages),
        )

    def stream(
        self, messages: list[ChatMessage], params: GenerationParams
    ) -> Iterator[str | Completion]:
        body = {**self._body(params, stream=True), "messages": self._messages(messages)}
        return self._stream("/v1/chat/completions", body, self._estimate_prompt(messages))

    # -- plain completion ---------------------------------------------------------------

    def complete(self, prompt: str, params: GenerationParams) -> Completion:
        meter = StreamMeter()
        data = self._post("/v1/completions", {**self._body(params, stream=False), "prompt": prompt})
        try:
            choice = data["choices"][0]
            text = choice.get("text") or ""
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise ProviderError(f"{self.label} answered an unexpected shape: {exc!r}") from exc
        return self._finish(
            text, choice.get("finish_reason"), data.get("usage"), meter, estimate_tokens(prompt)
        )

    def stream_complete(self, prompt: str, params: GenerationParams) -> Iterator[str | Completion]:
        body = {**self._body(params, stream=True), "prompt": prompt}
        return self._stream("/v1/completions", body, estimate_tokens(prompt))

    # -- server-sent events -------------------------------------------------------------

    def _stream(
        self, path: str, body: dict[str, Any], prompt_estimate: int
    ) -> Iterator[str | Completion]:
        meter = StreamMeter()
        parts: list[str] = []
        finish: str | None = None
        usage: dict[str, Any] | None = None
        with self._translate_errors(), self._client.stream("POST", path, json=body) as response:
            self._check_status(response)
            for chunk in self._events(response):
                if meter.elapsed_s() > self.timeout_s:
                    raise ProviderTimeout(
                        f"{self.label} did not finish within {self.timeout_s:g} s"
                    )
                usage = chunk.get("usage") or usage
                for choice in chunk.get("choices") or []:
                    piece = _choice_text(choice)
                    finish = choice.get("finish_reason") or finish
                    if piece:
                        meter.token()
                        parts.append(piece)
                        yield piece
        yield self._finish("".join(parts), finish, usage, meter, prompt_estimate)

    def _events(self, response: httpx.Response) -> Iterator[dict[str, Any]]:
        """The JSON payloads of an SSE stream, up to ``data: [DONE]``."""
        for line in response.iter_lines():
            if not line.startswith("data:"):
                continue  # blank separators, comments, "event:" lines
            data = line[len("data:") :].strip()
            if data == "[DONE]":
                return
            try:
                chunk = json.loads(data)
            except ValueError as exc:
                raise ProviderError(f"{self.label} streamed invalid JSON: {data[:200]}") from exc
            if not isinstance(chunk, dict):
                raise ProviderError(f"{self.label} streamed an unexpected event: {data[:200]}")
            if chunk.get("error"):
                error = chunk["error"]
                message = error.get("message") if isinstance(error, dict) else error
                raise ProviderError(f"{self.label} failed mid-stream: {message}")
            yield chunk


def _choice_text(choice: dict[str, Any]) -> str:
    delta = choice.get("delta")
    if isinstance(delta, dict):
        return delta.get("content") or ""
    return choice.get("text") or ""


__all__ = ["OpenAICompatibleProvider", "server_root"]
