"""Time-bucketed counters in the database: rate limits, login throttling and daily
quotas that hold across restarts and are shared by every server process on one
database (SQLite file or PostgreSQL), and the pending single sign-ons.

A window of ``window`` seconds is cut into 60 buckets; an event is one atomic upsert
(``INSERT ... ON CONFLICT (key, bucket) DO UPDATE SET amount = amount + :amount``) and
a check sums the buckets still inside the window. ``take`` adds and checks in one
transaction and rolls its own addition back when it does not fit, so two processes
racing for the last unit cannot both get it: on SQLite the write lock serialises them,
on PostgreSQL the second upsert waits for the first's row lock and its sum then sees
the first's committed amount. Buckets past their window are deleted as time goes on
(at most every ``PRUNE_EVERY_S`` per process).

Time is the wall clock (``time.time()``), the only one several processes share; a
clock step shifts windows by the step, as it would for any server.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from devlab.errors import StorageError
from devlab.store.db import Database
from devlab.store.models import OidcStateRow, RateCounterRow, utcnow

BUCKETS_PER_WINDOW = 60
PRUNE_EVERY_S = 30.0
MAX_KEY = 200

_prune_lock = threading.Lock()
_last_prune: dict[str, float] = {}


@dataclass(frozen=True)
class Verdict:
    """What a check found: ``spent`` in the window, and ``retry_after`` seconds until
    the asked amount fits (0: it fits now)."""

    spent: float
    retry_after: int
    which: int = 0  # the refusing limit: 0 the one taken from, i the i-th of ``also``


def _bucket_size(window: float) -> float:
    return window / BUCKETS_PER_WINDOW


def _upsert(db: Database, key: str, bucket: int, amount: float, expires_at: float) -> Any:
    if db.is_sqlite:
        from sqlalchemy.dialects.sqlite import insert
    else:
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    stmt = insert(RateCounterRow).values(
        key=key, bucket=bucket, amount=amount, expires_at=expires_at
    )
    return stmt.on_conflict_do_update(
        index_elements=["key", "bucket"],
        set_={"amount": RateCounterRow.amount + stmt.excluded.amount},
    )


def _buckets(s: Session, key: str, window: float, now: float) -> list[tuple[int, float]]:
    first = math.floor((now - window) / _bucket_size(window))
    rows = s.execute(
        select(RateCounterRow.bucket, RateCounterRow.amount)
        .where(RateCounterRow.key == key, RateCounterRow.bucket >= first)
        .order_by(RateCounterRow.bucket)
    )
    return [(int(b), float(a)) for b, a in rows]


def _verdict(
    buckets: list[tuple[int, float]], limit: float, window: float, amount: float, now: float
) -> Verdict:
    """Whether ``amount`` more fits under ``limit`` (``buckets`` already hold it when it
    was added); a single amount larger than the limit passes on an empty window."""
    spent = sum(a for _, a in buckets)
    if limit <= 0 or spent + amount <= limit or spent <= 0:
        return Verdict(spent, 0)
    over, size = spent + amount - limit, _bucket_size(window)
    for bucket, spent_then in buckets:
        over -= spent_then
        if over <= 0:
            return Verdict(spent, max(1, math.ceil((bucket + 1) * size + window - now)))
    return Verdict(spent, max(1, math.ceil(window)))


def _key(key: str) -> str:
    return key[:MAX_KEY]


def check(db: Database, key: str, limit: float, window: float, amount: float = 0.0) -> Verdict:
    """How much ``key`` spent in the last ``window`` seconds, and whether ``amount``
    more fits under ``limit`` (no limit when ``limit`` <= 0: nothing is read)."""
    if limit <= 0:
        return Verdict(0.0, 0)
    now = time.time()
    with db.session() as s:
        return _verdict(_buckets(s, _key(key), window, now), limit, window, amount, now)


def add(db: Database, key: str, amount: float, window: float) -> None:
    """Count ``amount`` for ``key`` now (one upsert)."""
    if amount <= 0:
        return
    now = time.time()
    size = _bucket_size(window)
    bucket = math.floor(now / size)
    with db.session() as s:
        s.execute(_upsert(db, _key(key), bucket, amount, (bucket + 1) * size + window))
    _maybe_prune(db, now)


def take(
    db: Database,
    key: str,
    amount: float,
    limit: float,
    window: float,
    *,
    also: Sequence[tuple[str, float, float]] = (),
) -> Verdict:
    """Spend ``amount`` if it fits under ``limit``: added and checked in one transaction,
    rolled back (nothing spent) when it does not fit; the verdict says how long to wait.
    ``also``: (key, limit, window) limits that must not be used up already, checked in
    the same transaction (one round trip per request for all of a caller's limits)."""
    checks = [(_key(k), lim, w) for k, lim, w in also if lim > 0]
    spend = limit > 0 and amount > 0
    if not spend and not checks:
        return Verdict(0.0, 0)
    now = time.time()
    s = db._sessions()  # one transaction: the checks, the upsert, the sum, then the end
    try:
        for i, (other, lim, w) in enumerate(checks, 1):
            verdict = _verdict(_buckets(s, other, w, now), lim, w, 0.0, now)
            if verdict.retry_after:
                s.rollback()
                return Verdict(verdict.spent, verdict.retry_after, which=i)
        if not spend:
            s.rollback()
            return Verdict(0.0, 0)
        verdict = _spend(db, s, _key(key), amount, limit, window, now)
        if verdict.retry_after:
            s.rollback()
        else:
            s.commit()
        return verdict
    except SQLAlchemyError as exc:
        s.rollback()
        raise StorageError(f"database error: {exc}") from exc
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()
        _maybe_prune(db, now)


def _spend(
    db: Database, s: Session, key: str, amount: float, limit: float, window: float, now: float
) -> Verdict:
    size = _bucket_size(window)
    bucket = math.floor(now / size)
    s.execute(_upsert(db, key, bucket, amount, (bucket + 1) * size + window))
    buckets = _buckets(s, key, window, now)
    verdict = _verdict(buckets, limit, window, 0.0, now)
    if verdict.retry_after and sum(a for _, a in buckets) > amount:
        # the wait is for this amount on top of what others spent
        others = [(b, a - (amount if b == bucket else 0.0)) for b, a in buckets]
        return _verdict(others, limit, window, amount, now)
    return Verdict(verdict.spent, 0)


def reset(db: Database, key: str) -> None:
    """Forget everything ``key`` spent (a successful sign-in clears its failures)."""
    with db.session() as s:
        s.execute(delete(RateCounterRow).where(RateCounterRow.key == _key(key)))


def prune(db: Database, now: float | None = None) -> int:
    """Delete the buckets that have left their window, and expired sign-in states;
    answers how many counter rows went."""
    now = time.time() if now is None else now
    with db.session() as s:
        gone = s.execute(delete(RateCounterRow).where(RateCounterRow.expires_at < now))
        s.execute(delete(OidcStateRow).where(OidcStateRow.expires_at < utcnow()))
    return int(getattr(gone, "rowcount", 0) or 0)


def _maybe_prune(db: Database, now: float) -> None:
    with _prune_lock:
        if now - _last_prune.get(db.url, 0.0) < PRUNE_EVERY_S:
            return
        _last_prune[db.url] = now
    prune(db, now)


def count_rows(db: Database, key_prefix: str = "") -> int:
    """How many counter rows exist (for tests and the pruning's own check)."""
    with db.session() as s:
        q = select(func.count()).select_from(RateCounterRow)
        if key_prefix:
            q = q.where(RateCounterRow.key.startswith(key_prefix, autoescape=True))
        return int(s.scalar(q) or 0)


# -- pending single sign-ons -------------------------------------------------
def put_state(
    db: Database, state: str, nonce: str, redirect: str, ttl_s: float, max_pending: int
) -> bool:
    """Keep a new sign-in's state for ``ttl_s`` seconds; False when ``max_pending``
    sign-ins are already in progress (expired ones are dropped first)."""
    now = utcnow()
    with db.session() as s:
        s.execute(delete(OidcStateRow).where(OidcStateRow.expires_at < now))
        pending = s.scalar(select(func.count()).select_from(OidcStateRow)) or 0
        if pending >= max_pending:
            return False
        s.add(
            OidcStateRow(
                state=state,
                nonce=nonce,
                redirect=redirect,
                expires_at=now + timedelta(seconds=ttl_s),
            )
        )
    return True


def pop_state(db: Database, state: str) -> tuple[str, str] | None:
    """The (nonce, redirect) of a pending, unexpired sign-in, removed so that it is used
    once: of two processes answering the same state, only the one whose delete removed
    the row gets it."""
    with db.session() as s:
        row = s.get(OidcStateRow, state)
        if row is None:
            return None
        found = (row.nonce, row.redirect, row.expires_at)
        gone = s.execute(delete(OidcStateRow).where(OidcStateRow.state == state))
        if not getattr(gone, "rowcount", 0):
            return None
    if found[2] < utcnow():
        return None
    return found[0], found[1]


__all__ = [
    "Verdict",
    "add",
    "check",
    "count_rows",
    "pop_state",
    "prune",
    "put_state",
    "reset",
    "take",
]
