"""The append-only audit log: who did what, when, from where, on which project.

Each entry's ``hash`` is SHA-256 over the previous entry's hash and this entry's
fields (canonical JSON), so editing, removing or re-ordering an entry breaks the chain
(``verify_chain``). ``prev_hash`` is unique in the table: two writers racing for the
same tail cannot both land, and the loser retries on the new tail. The library offers
no update or delete."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from devlab.auth.models import AuditCheck, AuditEvent
from devlab.errors import StorageError
from devlab.store import AuditEventRow, Database, utcnow

GENESIS = "0" * 64
_LOCK = threading.Lock()


def _fields(row: AuditEventRow) -> dict[str, Any]:
    return {
        "created_at": row.created_at.isoformat(),
        "actor": row.actor,
        "user_id": row.user_id,
        "token_id": row.token_id,
        "action": row.action,
        "project_id": row.project_id,
        "target": row.target,
        "ip": row.ip,
        "outcome": row.outcome,
        "detail": row.detail,
    }


def entry_hash(prev_hash: str, row: AuditEventRow) -> str:
    canonical = json.dumps(_fields(row), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def record(
    db: Database,
    action: str,
    *,
    actor: str,
    user_id: int | None = None,
    token_id: int | None = None,
    project_id: int | None = None,
    target: str = "",
    ip: str = "",
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one event; returns its id. Never holds secrets: callers pass names, ids
    and counts, not passwords, tokens or source text."""
    for _attempt in range(5):
        with _LOCK:
            try:
                with db.session() as s:
                    tail = s.scalar(select(AuditEventRow).order_by(AuditEventRow.id.desc()))
                    prev = tail.hash if tail is not None else GENESIS
                    row = AuditEventRow(
                        created_at=utcnow().replace(microsecond=0),
                        actor=actor[:100],
                        user_id=user_id,
                        token_id=token_id,
                        action=action[:100],
                        project_id=project_id,
                        target=target[:2000],
                        ip=ip[:64],
                        outcome=outcome[:20],
                        detail=detail or {},
                        prev_hash=prev,
                        hash="",
                    )
                    row.hash = entry_hash(prev, row)
                    s.add(row)
                    s.flush()
                    return row.id
            except StorageError:
                continue  # another process appended first: retry on the new tail
    raise StorageError("could not append to the audit log (contention)")


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        created_at=row.created_at,
        actor=row.actor,
        user_id=row.user_id,
        token_id=row.token_id,
        action=row.action,
        project_id=row.project_id,
        target=row.target,
        ip=row.ip,
        outcome=row.outcome,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def list_events(
    db: Database,
    *,
    action: str | None = None,
    actor: str | None = None,
    project_id: int | None = None,
    since: datetime | None = None,
    limit: int = 100,
    after_id: int = 0,
) -> list[AuditEvent]:
    """Events oldest first from ``after_id``, filtered."""
    query = select(AuditEventRow).where(AuditEventRow.id > after_id)
    if action:
        query = query.where(AuditEventRow.action == action)
    if actor:
        query = query.where(AuditEventRow.actor == actor)
    if project_id is not None:
        query = query.where(AuditEventRow.project_id == project_id)
    if since is not None:
        query = query.where(AuditEventRow.created_at >= since)
    with db.session() as s:
        rows = s.scalars(query.order_by(AuditEventRow.id).limit(limit))
        return [_event(r) for r in rows]


def iter_events(db: Database, batch: int = 1000) -> Iterator[AuditEvent]:
    """Every event, oldest first, a batch at a time (for export and verification)."""
    after = 0
    while True:
        events = list_events(db, limit=batch, after_id=after)
        if not events:
            return
        yield from events
        after = events[-1].id


def export_jsonl(db: Database) -> Iterator[str]:
    """The whole log as JSON lines (each line one event, with its hashes)."""
    for event in iter_events(db):
        yield event.model_dump_json() + "\n"


def verify_chain(db: Database) -> AuditCheck:
    """Recompute every hash: the first entry whose hash or link is wrong is reported."""
    prev, count = GENESIS, 0
    after = 0
    while True:
        with db.session() as s:
            rows = list(
                s.scalars(
                    select(AuditEventRow)
                    .where(AuditEventRow.id > after)
                    .order_by(AuditEventRow.id)
                    .limit(1000)
                )
            )
            if not rows:
                return AuditCheck(ok=True, events=count)
            for row in rows:
                count += 1
                if row.prev_hash != prev:
                    return AuditCheck(
                        ok=False,
                        events=count,
                        first_bad_id=row.id,
                        problem="its link to the previous entry is broken (an entry was "
                        "removed or re-ordered)",
                    )
                if entry_hash(prev, row) != row.hash:
                    return AuditCheck(
                        ok=False,
                        events=count,
                        first_bad_id=row.id,
                        problem="its content does not match its hash (it was edited)",
                    )
                prev = row.hash
            after = rows[-1].id


__all__ = ["GENESIS", "entry_hash", "export_jsonl", "list_events", "record", "verify_chain"]
