"""Helpers the benchmark scripts share: fetching sdists, machine facts, tables.

Sdists are fetched with pip (``pip download --no-deps --no-binary :all:``) into
``benchmarks/.data/`` and extracted there once; later runs reuse them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import resource
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / ".data"
DOCS = BENCH_DIR.parent / "docs" / "benchmarks.md"


def fetch_sdist(requirement: str, data_dir: Path = DATA_DIR) -> Path:
    """Download ``name==version``'s sdist with pip (once) and return its extracted root."""
    name, _, version = requirement.partition("==")
    if not version:
        raise SystemExit(f"pin a version: {requirement!r} should look like name==1.2.3")
    data_dir.mkdir(parents=True, exist_ok=True)
    for candidate in data_dir.iterdir():
        if candidate.is_dir() and candidate.name.lower() == f"{name}-{version}".lower():
            return candidate
    archive = _find_archive(data_dir, name, version)
    if archive is None:
        cmd = [
            sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
            "--no-binary", ":all:", requirement, "-d", str(data_dir),
        ]  # fmt: skip
        print("$", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)
        archive = _find_archive(data_dir, name, version)
        if archive is None:
            raise SystemExit(f"pip did not leave an sdist for {requirement} in {data_dir}")
    print(f"extracting {archive.name}", file=sys.stderr)
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(data_dir)
    else:
        with tarfile.open(archive) as tf:
            tf.extractall(data_dir, filter="data")
    for candidate in data_dir.iterdir():
        if candidate.is_dir() and candidate.name.lower() == f"{name}-{version}".lower():
            return candidate
    raise SystemExit(f"extracting {archive} did not give a {name}-{version} directory")


def _find_archive(data_dir: Path, name: str, version: str) -> Path | None:
    stem = f"{name}-{version}".lower().replace("_", "-")
    for path in sorted(data_dir.iterdir()):
        low = path.name.lower().replace("_", "-")
        if path.is_file() and low.startswith(stem) and low.endswith((".tar.gz", ".zip")):
            return path
    return None


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM and date: what a reader needs to compare figures."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": ram_gib,
        "python": platform.python_version(),
        "date": dt.date.today().isoformat(),
    }


def peak_rss_mib() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def markdown_table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)


def saved_results(path: Path, reading: str = "") -> dict[str, Any]:
    """Results a run saved (``--from-json``); a new ``reading`` paragraph is saved back
    with them, so a later re-render keeps it."""
    results = json.loads(path.read_text(encoding="utf-8"))
    if reading:
        results["reading"] = reading
        write_json(path, results)
    results.setdefault("reading", "")
    return results


M2V_HOME = DATA_DIR / "model2vec-home"


def ensure_model2vec(home: Path) -> float | None:
    """Put the distilled model2vec model into ``home``'s cache; distil it once if needed.

    DevLab distils the static model from the packaged MiniLM the first time the
    model2vec backend loads, and caches it per ``DEVLAB_HOME``. The benchmarks
    use a fresh home per phase, so they distil once into ``benchmarks/.data`` and
    copy the result in. Returns the distillation seconds when it ran, else None.
    """
    import shutil
    import time

    cache = M2V_HOME / "cache"
    took = None
    if not any(cache.glob("model2vec-*/config.json")):
        code = (
            "from devlab.config import load_settings\n"
            "from devlab.search.embeddings import get_embedder\n"
            f"get_embedder(load_settings(home={str(M2V_HOME)!r}, embedding_backend='model2vec'))\n"
        )
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
        took = time.perf_counter() - t0
        if done.returncode != 0:
            raise SystemExit(
                "distilling the model2vec model failed (DevLab's model2vec backend needs the "
                "'distill' extra of model2vec, e.g. the skeletoken package):\n"
                + done.stderr[-2000:]
            )
    target = Path(home) / "cache"
    target.mkdir(parents=True, exist_ok=True)
    for model in cache.glob("model2vec-*"):
        if not (target / model.name).exists():
            shutil.copytree(model, target / model.name)
    return took


class TreeRssSampler:
    """Samples the summed RSS of this process and all its descendants (pool workers).

    ``ru_maxrss`` only covers one process, and worker processes started through a
    forkserver are not our direct children, so ``RUSAGE_CHILDREN`` misses them
    while they live. Summing RSS double-counts pages shared between processes, so
    this is an upper bound of the memory the ingestion needed.
    """

    def __init__(self, interval: float = 0.05) -> None:
        import threading

        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeRssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mib(self) -> float:
        return round(self.peak_kib / 1024, 1)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(os.getpid()))
            self._stop.wait(self.interval)


def _tree_rss_kib(root: int) -> int:
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        parents[pid] = int(fields.get("PPid", "0").strip() or 0)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def write_docs_section(heading: str, section: str, docs: Path = DOCS) -> None:
    """Put ``section`` into ``docs`` in place of the section whose heading line starts
    with ``heading`` (up to the next ``## `` heading), or append it; every other section
    stays as it is. Benchmarks run separately, so each rewrites only its own section."""
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    body = section.rstrip("\n") + "\n"
    pattern = re.compile(rf"^{re.escape(heading)}.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _m: body + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + body
    docs.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    print(f"wrote {docs}", file=sys.stderr)


def serve_devlab(env: dict[str, str], *, wait_s: float) -> tuple[subprocess.Popen, int]:
    """``devlab serve`` on a free loopback port, returned once /api/v1/health answers
    (the server and its port); stopped and SystemExit after ``wait_s`` seconds."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "devlab", "serve", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
            return server, port
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"devlab serve did not answer within {wait_s:g} s")
