"""Usage accounting: one ``llm_usage`` row per provider attempt, and reports over them.

The service records every attempt, failed ones included, so ``devlab usage`` shows
both what was spent and which providers were down. Recording never fails a request:
a store error is logged and the answer still goes back.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, func, select

from devlab.actor import note_model_call
from devlab.errors import DevLabError, InvalidInput
from devlab.llm.base import Usage
from devlab.llm.models import UsageRecord, UsageReport, UsageTotal
from devlab.store import Database, LLMUsageRow, utcnow

log = logging.getLogger(__name__)

_SINCE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def record_usage(
    db: Database,
    *,
    task: str,
    provider: str,
    model: str,
    status: str,
    usage: Usage | None = None,
    streamed: bool = False,
    finish_reason: str | None = None,
    prompt_name: str | None = None,
    prompt_version: int | None = None,
    error: str | None = None,
) -> None:
    """Store one attempt; problems with the store are logged, never raised."""
    usage = usage or Usage()
    note_model_call(provider, model, usage.prompt_tokens, usage.completion_tokens)
    row = LLMUsageRow(
        task=task[:32],
        provider=provider[:100],
        model=model[:255],
        status=status,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        latency_ms=usage.latency_ms,
        ttft_ms=usage.time_to_first_token_ms,
        cost_usd=usage.cost_usd,
        estimated=usage.estimated,
        streamed=streamed,
        finish_reason=finish_reason,
        prompt_name=prompt_name,
        prompt_version=prompt_version,
        error=error[:2000] if error else None,
    )
    try:
        with db.session() as session:
            session.add(row)
    except DevLabError as exc:
        log.warning("could not record LLM usage: %s", exc.message)


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """``"24h"``, ``"7d"``, ``"30m"``, ``"2w"`` (ago) or an ISO date/time -> naive UTC."""
    match = _SINCE.match(text)
    if match:
        delta = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        return (now or utcnow()) - delta
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"since {text!r}: give a duration like 24h, 7d, 30m, or a date like 2026-01-31"
        ) from None
    # Stored times are naive UTC; a time without an offset is taken as UTC.
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def usage_report(db: Database, *, since: datetime | None = None, limit: int = 20) -> UsageReport:
    """Totals by provider and model since ``since`` (all time when None), and the
    ``limit`` most recent attempts."""
    if limit < 0:
        raise InvalidInput("limit must be 0 or more")
    where = [LLMUsageRow.created_at >= since] if since is not None else []
    ok = LLMUsageRow.status == "ok"
    totals_query = (
        select(
            LLMUsageRow.provider,
            LLMUsageRow.model,
            func.count(),
            func.sum(case((ok, 0), else_=1)),
            func.sum(LLMUsageRow.prompt_tokens),
            func.sum(LLMUsageRow.completion_tokens),
            func.sum(LLMUsageRow.cost_usd),
            func.avg(case((ok, LLMUsageRow.latency_ms))),
            func.avg(case((ok, LLMUsageRow.ttft_ms))),
        )
        .where(*where)
        .group_by(LLMUsageRow.provider, LLMUsageRow.model)
        .order_by(LLMUsageRow.provider, LLMUsageRow.model)
    )
    recent_query = select(LLMUsageRow).where(*where).order_by(LLMUsageRow.id.desc()).limit(limit)
    with db.session() as session:
        totals = [
            UsageTotal(
                provider=provider,
                model=model,
                requests=int(count),
                errors=int(errors or 0),
                prompt_tokens=int(prompt or 0),
                completion_tokens=int(completion or 0),
                cost_usd=None if cost is None else round(float(cost), 6),
                avg_latency_ms=None if latency is None else round(float(latency), 1),
                avg_ttft_ms=None if ttft is None else round(float(ttft), 1),
            )
            for provider, model, count, errors, prompt, completion, cost, latency, ttft in (
                session.execute(totals_query).all()
            )
        ]
        recent = [
            UsageRecord.model_validate(row, from_attributes=True)
            for row in session.scalars(recent_query).all()
        ]
    costs = [t.cost_usd for t in totals if t.cost_usd is not None]
    return UsageReport(
        since=since,
        requests=sum(t.requests for t in totals),
        errors=sum(t.errors for t in totals),
        prompt_tokens=sum(t.prompt_tokens for t in totals),
        completion_tokens=sum(t.completion_tokens for t in totals),
        cost_usd=round(sum(costs), 6) if costs else None,
        totals=totals,
        recent=recent,
    )


__all__ = ["parse_since", "record_usage", "usage_report"]
