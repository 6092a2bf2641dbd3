"""Analyse many files on every core: parsing, chunking and secret scrubbing are pure
CPU work, so a process pool runs them while the caller writes results to the store.

Small jobs run inline: starting worker processes (which import tree-sitter and
detect-secrets) costs more than it saves below ``MIN_FILES_FOR_POOL`` files.
Workers come from a ``forkserver`` context, never a fork of the (threaded)
server process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from devlab.codebase.analysis import FileAnalysis, analyse_file
from devlab.codebase.records import SourceFile

MIN_FILES_FOR_POOL = 150
WINDOW_PER_WORKER = 16  # results in flight per worker: bounded memory, no idle workers


def analyse_or_reason(
    file: SourceFile, raw: bytes, max_lines: int, overlap_lines: int
) -> FileAnalysis | str:
    """``analyse_file``, with an undecodable file turned into its skip reason."""
    try:
        return analyse_file(file, raw, max_lines=max_lines, overlap_lines=overlap_lines)
    except UnicodeDecodeError:
        return "not UTF-8 text"


def default_workers(configured: int) -> int:
    return configured if configured > 0 else max(1, os.cpu_count() or 1)


def analyse_many(
    items: Sequence[tuple[SourceFile, bytes]],
    *,
    max_lines: int,
    overlap_lines: int,
    workers: int,
) -> Iterator[tuple[SourceFile, FileAnalysis | str]]:
    """Yield ``(file, analysis or skip reason)`` for every item, in input order."""
    if workers <= 1 or len(items) < MIN_FILES_FOR_POOL:
        for file, raw in items:
            yield file, analyse_or_reason(file, raw, max_lines, overlap_lines)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        window: deque[tuple[SourceFile, Future[FileAnalysis | str]]] = deque()
        for file, raw in items:
            window.append(
                (file, pool.submit(analyse_or_reason, file, raw, max_lines, overlap_lines))
            )
            if len(window) >= workers * WINDOW_PER_WORKER:
                done_file, future = window.popleft()
                yield done_file, future.result()
        while window:
            done_file, future = window.popleft()
            yield done_file, future.result()
