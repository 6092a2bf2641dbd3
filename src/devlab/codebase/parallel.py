"""Run pure per-file CPU work on every core.

Ingestion (parsing, chunking, secret scrubbing) and the analyses (quality metrics,
security rules) are pure functions of one file's text, so a process pool runs them
while the caller reads inputs from and writes results to the store.

* ``WorkerPool(workers)``: a lazily started pool; ``pool.map(fn, items)`` yields
  ``fn(item)`` for every item, in input order, with a bounded window in flight. One
  pool can serve several ``map`` calls (the analyses share one, so their workers
  import the analysers once).
* ``shared_pool(pool)``: the caller's pool, or a fresh one closed afterwards;
* ``analyse_many(...)``: ingestion's parse + chunk + scrub over a pool.

Small jobs run inline: starting worker processes (which import tree-sitter,
detect-secrets, bandit, ...) costs more than it saves below ``MIN_FILES_FOR_POOL``
items. Workers come from a ``forkserver`` context, never a fork of the (threaded)
server process. ``fn`` must be picklable: a module-level function, or a
``functools.partial`` of one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from itertools import chain, islice
from typing import TypeVar

from devlab.codebase.analysis import FileAnalysis, analyse_file
from devlab.codebase.records import SourceFile

MIN_FILES_FOR_POOL = 150
WINDOW_PER_WORKER = 16  # results in flight per worker: bounded memory, no idle workers

T = TypeVar("T")
R = TypeVar("R")


def default_workers(configured: int) -> int:
    """``configured``, or with 0 one worker per core this process may run on (its CPU
    affinity: a container or ``taskset`` often allows fewer than the machine has)."""
    if configured > 0:
        return configured
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


class WorkerPool:
    """A process pool started on the first ``map`` with enough items to be worth it.

    Use it as a context manager (or call ``close``) so its workers are shut down.
    ``min_items`` is the inline threshold (default ``MIN_FILES_FOR_POOL``); tests lower
    it, or that constant, to force the pool.
    """

    def __init__(
        self,
        workers: int,
        *,
        min_items: int | None = None,
        window_per_worker: int | None = None,
    ) -> None:
        # the module constants are read here, not bound as defaults, so tests can lower them
        self.workers = max(1, workers)
        self.min_items = max(1, MIN_FILES_FOR_POOL if min_items is None else min_items)
        self.window = self.workers * max(1, window_per_worker or WINDOW_PER_WORKER)
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._executor is not None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._executor

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Yield ``fn(item)`` for every item, in input order.

        ``items`` is consumed lazily: up to ``min_items`` are read to decide whether
        the pool is worth starting (fewer: all run inline in this process), then at
        most ``workers * window_per_worker`` are in flight. An exception raised by
        ``fn`` is raised here, for that item.
        """
        it = iter(items)
        if self.workers <= 1:
            yield from map(fn, it)
            return
        head = list(islice(it, self.min_items))
        if len(head) < self.min_items and not self.started:
            yield from map(fn, head)
            return
        pool = self._pool()
        window: deque[Future[R]] = deque()
        try:
            for item in chain(head, it):
                window.append(pool.submit(fn, item))
                if len(window) >= self.window:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for future in window:  # only left when the caller stopped early or one failed
                future.cancel()


@contextmanager
def shared_pool(pool: WorkerPool | None = None, workers: int = 0) -> Iterator[WorkerPool]:
    """``pool`` itself, left open for its owner; without one, a new ``WorkerPool`` of
    ``workers`` processes (0: one per core), shut down when the block ends."""
    if pool is not None:
        yield pool
        return
    with WorkerPool(default_workers(workers)) as own:
        yield own


def analyse_or_reason(
    file: SourceFile, raw: bytes, max_lines: int, overlap_lines: int
) -> FileAnalysis | str:
    """``analyse_file``, with an undecodable file turned into its skip reason."""
    try:
        return analyse_file(file, raw, max_lines=max_lines, overlap_lines=overlap_lines)
    except UnicodeDecodeError:
        return "not UTF-8 text"


def _analyse_item(
    item: tuple[SourceFile, bytes], max_lines: int, overlap_lines: int
) -> FileAnalysis | str:
    return analyse_or_reason(item[0], item[1], max_lines, overlap_lines)


def analyse_many(
    items: Sequence[tuple[SourceFile, bytes]],
    *,
    max_lines: int,
    overlap_lines: int,
    workers: int,
) -> Iterator[tuple[SourceFile, FileAnalysis | str]]:
    """Yield ``(file, analysis or skip reason)`` for every item, in input order."""
    fn = partial(_analyse_item, max_lines=max_lines, overlap_lines=overlap_lines)
    with WorkerPool(workers) as pool:
        for (file, _), result in zip(items, pool.map(fn, items), strict=True):
            yield file, result
