"""`devlab serve` for the load test's memory diagnosis (``bench_server_load.py --trace``):
the same app and uvicorn settings, with tracemalloc on. Each SIGUSR1 writes one line of
JSON to ``$DEVLAB_TRACE_OUT``: the time, RSS, the Python heap tracemalloc sees, and the
20 source lines whose allocations grew most since the first snapshot. A heap that keeps
growing across snapshots at a steady load is a leak; one that levels off is warm-up
(caches filling, pools opening). tracemalloc slows the server down: figures from a
traced run are for this diagnosis only, not for the latency table."""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    import uvicorn

    from devlab.config import load_settings
    from devlab.server.app import create_app

    host, port = sys.argv[1], int(sys.argv[2])
    out = Path(os.environ["DEVLAB_TRACE_OUT"])
    tracemalloc.start(1)
    first: list[tracemalloc.Snapshot] = []
    started = time.monotonic()

    def snapshot(*_: Any) -> None:
        gc.collect()
        snap = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        )
        if not first:
            first.append(snap)
        top = snap.compare_to(first[0], "lineno")[:20]
        record = {
            "t": round(time.monotonic() - started, 1),
            "rss_mb": round(_rss_mb(), 1),
            "traced_mb": round(tracemalloc.get_traced_memory()[0] / 1e6, 1),
            "growth": [
                {"where": str(s.traceback), "kb": round(s.size_diff / 1024), "n": s.count_diff}
                for s in top
            ],
        }
        with out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")

    signal.signal(signal.SIGUSR1, snapshot)
    cfg = load_settings(host=host, port=port)
    uvicorn.run(create_app(cfg), host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
