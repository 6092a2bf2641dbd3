"""The shared counters behind rate limits and quotas, on every configured engine: two
``Database`` objects on one database (two server processes) see one count, a reopened
database still has it, refusals spend nothing, past buckets are pruned, and a sign-in
state is used once."""

from __future__ import annotations

import threading
import time

import pytest

from devlab.store import counters
from devlab.store.db import Database


def test_two_databases_share_one_window_and_a_reopen_keeps_it(settings) -> None:
    first, second = Database(settings), Database(settings)
    try:
        assert counters.take(first, "req:ann", 1, limit=3, window=60).retry_after == 0
        assert counters.take(second, "req:ann", 1, limit=3, window=60).retry_after == 0
        assert counters.take(first, "req:ann", 1, limit=3, window=60).retry_after == 0
        refused = counters.take(second, "req:ann", 1, limit=3, window=60)
        assert 1 <= refused.retry_after <= 61
        # the refusal spent nothing; another key is untouched
        assert counters.check(first, "req:ann", 3, 60).spent == 3
        assert counters.check(first, "req:bob", 3, 60, 1).retry_after == 0
    finally:
        first.close()
        second.close()
    reopened = Database(settings)
    try:
        assert counters.check(reopened, "req:ann", 3, 60, 1).retry_after > 0
        counters.reset(reopened, "req:ann")
        assert counters.check(reopened, "req:ann", 3, 60, 1).retry_after == 0
    finally:
        reopened.close()


def test_racing_threads_on_two_databases_never_overspend(settings) -> None:
    dbs = [Database(settings), Database(settings)]
    granted: list[int] = []
    lock = threading.Lock()

    def worker(db: Database) -> None:
        for _ in range(10):
            if counters.take(db, "race", 1, limit=7, window=60).retry_after == 0:
                with lock:
                    granted.append(1)

    threads = [threading.Thread(target=worker, args=(db,)) for db in dbs for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(granted) == 7
        assert counters.check(dbs[0], "race", 7, 60).spent == 7
    finally:
        for db in dbs:
            db.close()


@pytest.mark.slow
def test_a_window_moves_on_and_old_buckets_are_pruned(settings) -> None:
    db = Database(settings)
    try:
        for _ in range(2):
            assert counters.take(db, "short", 1, limit=2, window=1.2).retry_after == 0
        assert 1 <= counters.take(db, "short", 1, limit=2, window=1.2).retry_after <= 2
        # one amount larger than the limit passes on an empty window, then blocks
        assert counters.take(db, "big", 50, limit=10, window=60).retry_after == 0
        assert counters.take(db, "big", 1, limit=10, window=60).retry_after >= 59
        time.sleep(1.3)
        assert counters.take(db, "short", 1, limit=2, window=1.2).retry_after == 0
        assert counters.count_rows(db, "short") >= 1
        time.sleep(1.3)
        assert counters.prune(db) >= 1
        assert counters.count_rows(db, "short") == 0
        assert counters.count_rows(db, "big") == 1  # still inside its minute
        # no limit: nothing is read or written
        assert counters.take(db, "free", 10**9, limit=0, window=60).retry_after == 0
        assert counters.count_rows(db, "free") == 0
    finally:
        db.close()


@pytest.mark.slow
def test_a_sign_in_state_is_used_once_and_expires(settings) -> None:
    first, second = Database(settings), Database(settings)
    try:
        assert counters.put_state(first, "s1", "n1", "http://cb", ttl_s=60, max_pending=2)
        assert counters.pop_state(second, "s1") == ("n1", "http://cb")
        assert counters.pop_state(first, "s1") is None  # used once, by either process
        assert counters.put_state(first, "s2", "n2", "http://cb", ttl_s=1.0, max_pending=2)
        assert counters.put_state(first, "s3", "n3", "http://cb", ttl_s=60, max_pending=2)
        assert not counters.put_state(first, "s4", "n4", "http://cb", ttl_s=60, max_pending=2)
        time.sleep(1.05)
        assert counters.pop_state(second, "s2") is None  # expired
        # the expired one no longer counts against the cap
        assert counters.put_state(first, "s5", "n5", "http://cb", ttl_s=60, max_pending=2)
    finally:
        first.close()
        second.close()


def test_a_used_up_limit_checked_alongside_refuses_and_spends_nothing(settings) -> None:
    db = Database(settings)
    try:
        counters.add(db, "tok:ann", 500, window=60)
        also = [("sbx:ann", 10, 60), ("tok:ann", 400, 60)]
        refused = counters.take(db, "req:ann", 1, limit=100, window=60, also=also)
        assert refused.which == 2 and refused.retry_after >= 1 and refused.spent == 500
        assert counters.check(db, "req:ann", 100, 60).spent == 0  # the request not counted
        fine = counters.take(db, "req:ann", 1, limit=100, window=60, also=also[:1])
        assert (fine.which, fine.retry_after, fine.spent) == (0, 0, 1)
        # a limit that is off is skipped (and not counted in ``which``)
        off = [("x", 0, 60), ("tok:ann", 400, 60)]
        assert counters.take(db, "req:ann", 1, limit=100, window=60, also=off).which == 1
    finally:
        db.close()
