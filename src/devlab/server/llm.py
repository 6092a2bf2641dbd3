"""REST doors of the language-model layer: ``GET /usage``, ``GET /llm/providers``,
``GET /llm/prompts``. The server's own routes: ``devlab.llm`` is plumbing every
capability shares (as ``devlab.jobs`` is), with no doors of its own."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from devlab.llm import ProviderInfo, UsageReport, list_prompts, parse_since, usage_report
from devlab.webtools import workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab", tags=["llm"])


@router.get("/usage", response_model=UsageReport)
def get_usage(
    since: str | None = Query(None, description="e.g. 24h, 7d, 30m or 2026-01-31 (UTC)"),
    limit: int = Query(20, ge=0, le=1000, description="recent requests to list"),
    wb: Workbench = Depends(workbench),
) -> UsageReport:
    """Language-model usage: totals by provider and model, then the recent requests."""
    return usage_report(wb.db, since=parse_since(since) if since else None, limit=limit)


@router.get("/llm/providers", response_model=list[ProviderInfo])
def get_providers(wb: Workbench = Depends(workbench)) -> list[ProviderInfo]:
    """The configured language models (never their keys) and the tasks routed to each."""
    return wb.llm.describe()


@router.get("/llm/prompts", response_model=dict[str, int])
def get_prompts(
    package: str = Query("devlab.llm", description="package with a prompts/ folder"),
) -> dict[str, int]:
    """Prompt templates of a package, name -> version."""
    return list_prompts(package)
