"""`devlab serve` for the load test's memory diagnosis (``bench_server_load.py --trace``):
the same app, with tracemalloc counting the Python heap. Each SIGUSR1 writes one line
of JSON to ``$DEVLAB_TRACE_OUT``: the time, RSS, the Python heap tracemalloc sees (its
current size: cheap), and the object types whose live count grew most since the first
signal (``gc.get_objects``, a second or two). A Python heap that keeps growing at a
steady load is a Python-level leak (the growing types say where); a flat Python heap
under a rising RSS is native memory (allocator arenas, SQLite page caches, model
runtimes); one that levels off is warm-up. Whole-heap tracemalloc snapshots were tried
first: on this server's heap one took minutes of the event loop's thread, so they are
not used. tracemalloc slows the server down: figures from a traced run are for this
diagnosis only, not for the latency table."""

from __future__ import annotations

import ctypes
import gc
import json
import os
import signal
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
            "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _malloc_mb() -> dict[str, float]:
    """glibc's view of the C heap: bytes in use by malloc'd blocks, bytes free but kept
    in its arenas (fragmentation / retention), and large blocks mapped on their own."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
    except (OSError, AttributeError):
        return {}
    return {
        "in_use_mb": round(info.uordblks / 1e6, 1),
        "free_kept_mb": round(info.fordblks / 1e6, 1),
        "mmapped_mb": round(info.hblkhd / 1e6, 1),
    }


def _type_counts() -> Counter[str]:
    return Counter(type(o).__qualname__ for o in gc.get_objects())


def main() -> None:
    import uvicorn

    from devlab.config import load_settings
    from devlab.server.app import create_app

    host, port = sys.argv[1], int(sys.argv[2])
    out = Path(os.environ["DEVLAB_TRACE_OUT"])
    tracemalloc.start(1)
    baseline: list[Counter[str]] = []
    started = time.monotonic()

    def snapshot(*_: Any) -> None:
        gc.collect()
        counts = _type_counts()
        if not baseline:
            baseline.append(counts)
        grown = counts.copy()
        grown.subtract(baseline[0])
        record = {
            "t": round(time.monotonic() - started, 1),
            "rss_mb": round(_rss_mb(), 1),
            "python_heap_mb": round(tracemalloc.get_traced_memory()[0] / 1e6, 1),
            "objects": sum(counts.values()),
            "malloc": _malloc_mb(),
            "grown_types": [[name, n] for name, n in grown.most_common(15) if n > 0],
        }
        with out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    signal.signal(signal.SIGUSR1, snapshot)
    cfg = load_settings(host=host, port=port)
    uvicorn.run(create_app(cfg), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
