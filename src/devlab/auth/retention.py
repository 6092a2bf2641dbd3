"""Retention: the purge job deletes what the policy no longer keeps.

* conversations untouched for ``retention_conversation_days`` (their messages, with the
  prompts sent and the answers, go with them; feedback keeps its own copy, which the
  user's training consent governs);
* sandbox sources a run opted to keep, after ``retention_sandbox_source_days``;
* expired web sessions.

A server runs it every ``retention_purge_interval_s``; ``devlab purge`` and
``POST /api/v1/devlab/admin/purge`` run it now. Each purge is an audit event."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import CursorResult, Result, delete, update

from devlab.auth import audit
from devlab.config import Settings
from devlab.store import Conversation, Database, Execution, SessionRow, utcnow


class PurgeReport(BaseModel):
    conversations: int
    sandbox_sources: int
    sessions: int
    conversations_before: datetime | None
    sources_before: datetime | None


def _rowcount(result: Result[Any]) -> int:
    """Rows a DELETE/UPDATE touched: such a statement answers a CursorResult (the
    Session's execute is typed for any statement)."""
    return cast(CursorResult[Any], result).rowcount


def purge(db: Database, settings: Settings, *, actor: str = "retention") -> PurgeReport:
    """Delete what the retention policy no longer keeps; returns what went."""
    now = utcnow()
    conv_cut = (
        now - timedelta(days=settings.retention_conversation_days)
        if settings.retention_conversation_days
        else None
    )
    src_cut = now - timedelta(days=settings.retention_sandbox_source_days)
    with db.session() as s:
        conversations = 0
        if conv_cut is not None:
            conversations = _rowcount(
                s.execute(delete(Conversation).where(Conversation.updated_at < conv_cut))
            )
        sources = _rowcount(
            s.execute(
                update(Execution)
                .where(Execution.source.is_not(None), Execution.created_at < src_cut)
                .values(source=None)
            )
        )
        sessions = _rowcount(s.execute(delete(SessionRow).where(SessionRow.expires_at <= now)))
    report = PurgeReport(
        conversations=conversations or 0,
        sandbox_sources=sources or 0,
        sessions=sessions or 0,
        conversations_before=conv_cut,
        sources_before=src_cut,
    )
    audit.record(db, "retention.purge", actor=actor, detail=report.model_dump(mode="json"))
    return report


class PurgeTimer:
    """Runs ``purge`` every ``interval`` seconds in a daemon thread until stopped."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="devlab-purge", daemon=True)

    def start(self) -> PurgeTimer:
        if self.settings.retention_purge_interval_s > 0:
            self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.settings.retention_purge_interval_s):
            try:
                purge(self.db, self.settings)
            except Exception:  # a failed purge is retried next time; never kill the server
                continue

    def stop(self) -> None:
        self._stop.set()


__all__ = ["PurgeReport", "PurgeTimer", "purge"]
