"""GGUF metadata reads: gguf's own reader against DevLab's fast reader, one run.

    python benchmarks/bench_gguf_read.py [--file MODEL.gguf] [--repeat N]

Without ``--file`` it reads the packaged Gemma 3 270M (re-assembled from its package
into a temporary directory). Each reader builds the file's fields ``--repeat`` times
(best and median seconds reported); the two readers' fields are then compared part by
part (offsets, indices, types, dtypes, bytes), so a speed-up that changed what is read
fails here. The converting and exporting paths construct the reader three times each
(DevLab's metadata read, transformers' config and weights loaders; the export's
template and the check that loads the file back).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import gguf

from devlab.llm import assemble_gguf, read_gguf


def _timed(build, repeat: int) -> tuple[object, list[float]]:
    times, reader = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        reader = build()
        times.append(time.perf_counter() - started)
    return reader, times


def _differences(fast, original) -> list[str]:
    out = []
    if list(fast.fields) != list(original.fields):
        out.append("field names differ")
    for name, want in original.fields.items():
        got = fast.fields.get(name)
        if got is None or (got.data, got.types, got.offset) != (want.data, want.types, want.offset):
            out.append(name)
            continue
        same = len(got.parts) == len(want.parts) and all(
            a.dtype == b.dtype and a.tobytes() == b.tobytes()
            for a, b in zip(got.parts, want.parts, strict=True)
        )
        if not same:
            out.append(name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="a .gguf file (default: the packaged model)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.file or assemble_gguf(Path(tmp))[0]
        print(f"{path.name}: {path.stat().st_size / 1e6:.0f} MB, load {os.getloadavg()[0]:.1f}")
        fast, fast_t = _timed(lambda: read_gguf(path), args.repeat)
        original, orig_t = _timed(lambda: gguf.GGUFReader(str(path)), args.repeat)
        fields = sum(len(f.data) for f in original.fields.values())
        print(f"fields: {len(original.fields)} ({fields:,} array elements)")
        for label, times in (("gguf.GGUFReader", orig_t), ("devlab read_gguf", fast_t)):
            print(f"{label:18} best {min(times):7.2f} s  median {statistics.median(times):7.2f} s")
        print(f"ratio (median): {statistics.median(orig_t) / statistics.median(fast_t):.1f}x")
        diff = _differences(fast, original)
        print("fields identical" if not diff else f"DIFFERENT: {diff[:5]}")
        print(f"load at the end {os.getloadavg()[0]:.1f}")
        if diff:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
