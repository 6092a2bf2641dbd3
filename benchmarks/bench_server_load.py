"""Load test of a shared server (loopback only, bounded): N concurrent users, each with
its own API token and the developer role, mix search, chat with a scripted model,
execute in the real sandbox, and the insights feed for a fixed time. Reports requests,
failures and latency percentiles per route and the server's memory over the run
(RSS sampled every 10 s, and the slope of its second half: a leak keeps climbing,
warm-up levels off).

    python benchmarks/bench_server_load.py --users 50 --duration 300 [--write]
    python benchmarks/bench_server_load.py --users 10 --duration 600 --think 2 6 --trace

``--trace`` runs the server under tracemalloc (benchmarks/_traced_serve.py) and prints
the Python heap and live objects each minute and the object types that grew: the
diagnosis of a memory rise (its latencies are not comparable: tracing slows the server).

The server is `devlab serve` in a subprocess on 127.0.0.1; the model is a scripted
OpenAI-compatible server in this process (so the figures measure DevLab, not a model);
the indexed codebase is the itsdangerous sdist. Locust drives the load (headless)."""

from __future__ import annotations

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DOCS, fetch_sdist

PACKAGE = "itsdangerous==2.2.0"
SECTION = "## Shared server under load (issue 19)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scripted_model(port: int) -> uvicorn.Server:
    """An OpenAI-compatible /v1/chat/completions that answers at once, with usage."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    def complete(body: dict) -> dict:
        return {
            "id": "x",
            "object": "chat.completion",
            "model": "scripted",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "It signs values [1]."},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 300, "completion_tokens": 8, "total_tokens": 308},
        }

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    return server


def prepare(home: Path, users: int, model_port: int) -> list[str]:
    """Index the codebase, create the users (developers on it) and their tokens."""
    config = home / "devlab.toml"
    config.write_text(
        'llm_default_provider = "scripted"\n'
        "[llm_providers.scripted]\n"
        'kind = "openai"\n'
        f'base_url = "http://127.0.0.1:{model_port}"\n'
        'model = "scripted"\n'
    )
    os.environ["DEVLAB_CONFIG"] = str(config)
    from devlab.auth import tokens
    from devlab.auth.users import create_user, set_member
    from devlab.config import load_settings
    from devlab.search.indexer import index_project
    from devlab.store.db import Database

    settings = load_settings(home=home)
    db = Database(settings)
    src = fetch_sdist(PACKAGE)
    report = index_project(db, settings, name="itsdangerous", source=str(src))
    print(f"indexed {report.files} files", file=sys.stderr)
    create_user(db, "admin", "load-test-admin", is_admin=True)
    made = []
    for n in range(min(users, 20)):  # up to 20 accounts; users share them round-robin
        create_user(db, f"dev{n}", "load-test-pass")
        set_member(db, report.project_id, f"dev{n}", "developer")
        made.append(tokens.create_token(db, f"dev{n}").token)
    db.close()
    return made


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(
    users: int,
    duration: int,
    think: tuple[float, float],
    trace: Path | None,
    arena_max: int = 0,
) -> tuple[list[dict], list[tuple[float, float]]]:
    """Run the load; answers locust's per-route rows and (seconds, RSS MB) samples."""
    home = Path(tempfile.mkdtemp(prefix="devlab-load-"))
    model_port, port = free_port(), free_port()
    scripted_model(model_port)
    token_list = prepare(home, users, model_port)
    env = {**os.environ, "DEVLAB_HOME": str(home)}
    if arena_max:
        env["MALLOC_ARENA_MAX"] = str(arena_max)  # glibc: at most this many malloc arenas
    if trace is not None:
        env["DEVLAB_TRACE_OUT"] = str(trace)
        argv = [sys.executable, str(Path(__file__).parent / "_traced_serve.py")]
        argv += ["127.0.0.1", str(port)]
    else:
        argv = [sys.executable, "-m", "devlab", "serve", "--host", "127.0.0.1"]
        argv += ["--port", str(port)]
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    memory: list[tuple[float, float]] = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        warm = {"Authorization": f"Bearer {token_list[0]}"}
        httpx.post(  # load the embedding model before the clock starts
            f"{base}/api/v1/devlab/search",
            json={"project": "itsdangerous", "query": "x"},
            headers=warm,
            timeout=300,
        )
        started = time.monotonic()
        memory.append((0.0, rss_mb(server.pid)))
        if trace is not None:
            os.kill(server.pid, signal.SIGUSR1)  # the baseline snapshot
        prefix = home / "locust"
        locust_env = {
            **env,
            "DEVLAB_LOAD_TOKENS": ",".join(token_list),
            "DEVLAB_LOAD_PROJECT": "itsdangerous",
            "DEVLAB_LOAD_THINK": f"{think[0]},{think[1]}",
        }
        cmd = [
            sys.executable, "-m", "locust", "-f", str(Path(__file__).parent / "locust_server.py"),
            "--headless", "-u", str(users), "-r", str(max(1, users // 10)),
            "-t", f"{duration}s", "--host", base, "--csv", str(prefix), "--only-summary",
            "--stop-timeout", "30",
        ]  # fmt: skip
        load = subprocess.Popen(cmd, env=locust_env, stdout=subprocess.DEVNULL)
        while load.poll() is None:
            time.sleep(10)
            memory.append((time.monotonic() - started, rss_mb(server.pid)))
            if trace is not None and len(memory) % 6 == 1:
                os.kill(server.pid, signal.SIGUSR1)  # a snapshot a minute
        if trace is not None:
            os.kill(server.pid, signal.SIGUSR1)
            time.sleep(5)
        with open(f"{prefix}_stats.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
        return rows, memory
    finally:
        server.terminate()
        server.wait(30)


def slope_mb_per_min(memory: list[tuple[float, float]]) -> float:
    """Least-squares slope of RSS over the second half of the run (MB per minute)."""
    half = memory[len(memory) // 2 :]
    if len(half) < 2:
        return 0.0
    n = len(half)
    mt = sum(t for t, _ in half) / n
    mm = sum(m for _, m in half) / n
    var = sum((t - mt) ** 2 for t, _ in half)
    return 0.0 if var == 0 else 60 * sum((t - mt) * (m - mm) for t, m in half) / var


def table(
    rows: list[dict],
    memory: list[tuple[float, float]],
    users: int,
    duration: int,
    think: tuple[float, float],
) -> str:
    series = ", ".join(f"{m:.0f}" for t, m in memory if round(t) % 60 < 10)
    out = [
        SECTION,
        "",
        f"`python benchmarks/bench_server_load.py --users {users} --duration {duration} --write`",
        f"({users} users, {duration} s, think time {think[0]:g}-{think[1]:g} s; each user with"
        " an API token and the developer",
        "role; chat answered by a scripted OpenAI-compatible model on loopback;",
        "execute in the real sandbox; search on the itsdangerous 2.2.0 sdist). Measured on the",
        "2-core development machine shared with other agents' work, so absolute figures are",
        "pessimistic and noisy.",
        "",
        "| route | requests | failures | median ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        out.append(
            f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | "
            f"{r['Median Response Time']} | {r['95%']} | {r['99%']} | "
            f"{float(r['Max Response Time']):.0f} |"
        )
    out += [
        "",
        f"Server memory (RSS): {memory[0][1]:.0f} MB after warm-up, "
        f"{max(m for _, m in memory):.0f} MB peak, {memory[-1][1]:.0f} MB at the end "
        f"(sampled every 10 s); each minute: {series} MB; slope over the second half "
        f"{slope_mb_per_min(memory):+.1f} MB/min.",
        "",
    ]
    return "\n".join(out)


def write_section(text: str) -> None:
    doc = DOCS.read_text(encoding="utf-8")
    if SECTION in doc:
        start = doc.index(SECTION)
        nxt = doc.find("\n## ", start + len(SECTION))
        rest = doc[nxt + 1 :] if nxt != -1 else ""
        doc = doc[:start] + text.rstrip("\n") + ("\n\n" + rest if rest else "\n")
    else:
        doc = doc.rstrip("\n") + "\n\n" + text
    DOCS.write_text(doc, encoding="utf-8")


def print_trace(path: Path) -> None:
    """The Python heap and live objects at each snapshot, and the types that grew."""
    import json

    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    print("\ntraced server, per snapshot (about a minute apart):")
    for r in records:
        print(
            f"  t={r['t']:>6} s  rss {r['rss_mb']:>7} MB  python heap "
            f"{r['python_heap_mb']:>7} MB  objects {r['objects']:>9}  malloc {r.get('malloc')}"
        )
    if records:
        print("object types grown most since the first snapshot (last snapshot):")
        for name, n in records[-1]["grown_types"]:
            print(f"  {n:>+9}  {name}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=int, default=300, help="seconds (at most 1800)")
    ap.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    ap.add_argument("--trace", action="store_true", help="tracemalloc the server (diagnosis)")
    ap.add_argument(
        "--malloc-arena-max", type=int, default=0, help="MALLOC_ARENA_MAX for the server"
    )
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    ns = ap.parse_args()
    if not 1 <= ns.users <= 500 or not 10 <= ns.duration <= 1800:
        raise SystemExit("--users 1..500, --duration 10..1800 seconds")
    if not 0 <= ns.think[0] <= ns.think[1] <= 60:
        raise SystemExit("--think MIN MAX: 0 <= MIN <= MAX <= 60 seconds")
    if ns.trace and ns.write:
        raise SystemExit("--trace slows the server: its figures are not written")
    trace = Path(tempfile.mkdtemp(prefix="devlab-trace-")) / "trace.jsonl" if ns.trace else None
    rows, memory = run(ns.users, ns.duration, tuple(ns.think), trace, ns.malloc_arena_max)
    text = table(rows, memory, ns.users, ns.duration, tuple(ns.think))
    print(text)
    if trace is not None:
        print_trace(trace)
    if ns.write:
        write_section(text)


if __name__ == "__main__":
    main()
