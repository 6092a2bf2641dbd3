"""WorkerPool: input order, the inline threshold, errors, and a pool shared by several maps."""

from __future__ import annotations

import math
import operator

import pytest

from devlab.codebase import parallel
from devlab.codebase.parallel import WorkerPool, shared_pool


def test_small_inputs_run_inline_without_starting_workers() -> None:
    with WorkerPool(2, min_items=10) as pool:
        assert list(pool.map(operator.neg, range(9))) == [-i for i in range(9)]
        assert not pool.started
    with WorkerPool(1, min_items=1) as pool:  # one worker: never a pool
        assert list(pool.map(operator.neg, range(50))) == [-i for i in range(50)]
        assert not pool.started


def test_pool_keeps_input_order_and_is_reused_by_later_maps() -> None:
    items = list(range(300))
    with WorkerPool(2, min_items=5, window_per_worker=3) as pool:
        assert list(pool.map(math.factorial, (i % 40 for i in items))) == [
            math.factorial(i % 40) for i in items
        ]
        assert pool.started
        # once started, even a tiny map goes through the same workers
        assert list(pool.map(operator.neg, [1, 2])) == [-1, -2]
    assert not pool.started  # closed by the with block


def test_an_error_in_a_worker_is_raised_for_its_item() -> None:
    with WorkerPool(2, min_items=1) as pool:
        results = pool.map(math.sqrt, [4.0, 9.0, -1.0, 16.0])
        assert next(results) == 2.0
        assert next(results) == 3.0
        with pytest.raises(ValueError):
            next(results)


def test_the_threshold_constant_is_read_when_a_pool_is_made(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "MIN_FILES_FOR_POOL", 3)
    with WorkerPool(2) as pool:
        assert pool.min_items == 3


def test_shared_pool_leaves_the_callers_pool_open() -> None:
    with WorkerPool(2, min_items=1) as mine:
        with shared_pool(mine) as pool:
            assert pool is mine
            assert list(pool.map(operator.neg, [1])) == [-1]
        assert mine.started
    with shared_pool(None, workers=1) as own:
        assert own.workers == 1
