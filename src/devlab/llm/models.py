"""Pydantic schemas the LLM layer's doors share (REST responses and ``--json`` output)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class UsageRecord(BaseModel):
    """One provider attempt, as stored (never the prompt or the reply)."""

    id: int
    created_at: datetime
    task: str
    provider: str
    model: str
    status: str = Field(description="ok | error | timeout")
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    ttft_ms: float | None = Field(description="time to first token (streamed requests)")
    cost_usd: float | None = Field(description="estimate at the configured prices")
    estimated: bool = Field(description="token counts are estimates")
    streamed: bool
    finish_reason: str | None
    prompt_name: str | None
    prompt_version: int | None
    error: str | None


class UsageTotal(BaseModel):
    """Totals of one provider and model over the report's period."""

    provider: str
    model: str
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    avg_latency_ms: float | None
    avg_ttft_ms: float | None


class UsageReport(BaseModel):
    """``GET /usage`` and ``devlab usage --json``: totals by provider/model, then the
    most recent requests (newest first)."""

    since: datetime | None
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    totals: list[UsageTotal]
    recent: list[UsageRecord]


class ProviderInfo(BaseModel):
    """A configured provider (never its key) and the tasks routed to it first."""

    name: str
    kind: str
    model: str
    base_url: str | None
    context_window: int
    timeout_s: float
    priced: bool
    tasks: list[str]
    # local providers: the engine that generates ("onnxruntime-genai", "ctranslate2",
    # "transformers") and, after a fallback, why not a faster one
    engine: str | None = None
    engine_note: str | None = None


__all__ = ["ProviderInfo", "UsageRecord", "UsageReport", "UsageTotal"]
