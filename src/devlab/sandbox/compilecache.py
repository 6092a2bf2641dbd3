"""The compile cache: artifacts keyed by source hash + toolchain + mode, size-capped, LRU.

Layout: ``<root>/<language>/<key>/`` holds the artifact's files and a
``.complete`` marker written last; a directory is published with one
``rename`` so readers never see half an artifact. The marker's mtime is the
entry's last use (touched on every hit), which is what LRU eviction sorts by.

Every write is counted: an artifact above ``sandbox_compile_artifact_mb`` is
not stored at all (the run still gets it), and before a store the oldest
entries are evicted until the cache fits ``sandbox_compile_cache_mb``, so a
flood of unique programs cannot fill the host's disk. The running total is
measured once per process (one walk) and then kept up to date; entries that
other processes write are seen at the next walk (every ``_REWALK`` stores).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

_MARKER = ".complete"
_REWALK = 64


@dataclass
class _Entry:
    path: Path
    size: int
    used: float


class CompileCache:
    """One cache directory with a byte cap (thread-safe within a process)."""

    def __init__(self, root: Path, *, max_bytes: int, max_artifact_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.max_artifact_bytes = max_artifact_bytes
        self._lock = threading.Lock()
        self._total: int | None = None
        self._stores = 0

    def load(self, language: str, key: str) -> dict[str, bytes] | None:
        """The artifact stored under ``key`` (and mark it used), or None."""
        final = self.root / language / key
        marker = final / _MARKER
        try:
            os.utime(marker)
        except OSError:
            return None
        try:
            return {
                str(p.relative_to(final)): p.read_bytes()
                for p in final.rglob("*")
                if p.is_file() and p.name != _MARKER
            }
        except OSError:
            return None

    def store(self, language: str, key: str, artifact: dict[str, bytes], tag: str) -> bool:
        """Store ``artifact``; False when it is over the per-artifact cap or cannot be written.

        Raises nothing: a cache is an optimisation, never a reason for a run to fail.
        """
        size = sum(len(name.encode()) + len(data) for name, data in artifact.items())
        if size > self.max_artifact_bytes or size > self.max_bytes:
            return False
        with self._lock:
            self._make_room(size)
            tmp = self.root / "tmp" / uuid.uuid4().hex
            try:
                for name, data in artifact.items():
                    target = tmp / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                (tmp / _MARKER).write_text(tag)
                final = self.root / language / key
                final.parent.mkdir(parents=True, exist_ok=True)
                os.rename(tmp, final)
            except OSError:  # a concurrent identical compile won, or the host refused
                return False
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
            self._total = (self._total or 0) + size
            self._stores += 1
            if self._stores % _REWALK == 0:
                self._total = None  # re-measure next time: other processes write too
            return True

    def size(self) -> int:
        """Bytes the cache holds now (as far as this process knows)."""
        with self._lock:
            if self._total is None:
                self._total = sum(e.size for e in self._entries())
            return self._total

    def _entries(self) -> list[_Entry]:
        found: list[_Entry] = []
        if not self.root.is_dir():
            return found
        for lang in self.root.iterdir():
            if lang.name == "tmp" or not lang.is_dir():
                continue
            for entry in lang.iterdir():
                try:
                    used = (entry / _MARKER).stat().st_mtime
                except OSError:
                    used = 0.0  # unfinished or broken: evicted first
                size = 0
                for p in entry.rglob("*"):
                    with contextlib.suppress(OSError):
                        if p.is_file() and p.name != _MARKER:
                            size += len(str(p.relative_to(entry)).encode()) + p.stat().st_size
                found.append(_Entry(entry, size, used))
        return found

    def _make_room(self, incoming: int) -> None:
        """Evict least recently used entries until ``incoming`` more bytes fit (lock held)."""
        if self._total is None:
            self._total = sum(e.size for e in self._entries())
        if self._total + incoming <= self.max_bytes:
            return
        entries = sorted(self._entries(), key=lambda e: e.used)
        total = sum(e.size for e in entries)
        for entry in entries:
            if total + incoming <= self.max_bytes:
                break
            shutil.rmtree(entry.path, ignore_errors=True)
            total -= entry.size
        self._total = total


_caches: dict[tuple[Path, int, int], CompileCache] = {}
_caches_lock = threading.Lock()


def compile_cache(root: Path, max_mb: int, artifact_mb: int) -> CompileCache:
    """The process-wide cache object for ``root`` and these caps."""
    key = (root, max_mb, artifact_mb)
    with _caches_lock:
        if key not in _caches:
            _caches[key] = CompileCache(
                root, max_bytes=max_mb * 1024 * 1024, max_artifact_bytes=artifact_mb * 1024 * 1024
            )
        return _caches[key]


__all__ = ["CompileCache", "compile_cache"]
