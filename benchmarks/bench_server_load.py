"""Load test of a shared server (loopback only, bounded): N concurrent users, each with
its own API token and the developer role, mix search, chat with a scripted model,
execute in the real sandbox, and the insights feed for a fixed time. Reports requests,
failures and latency percentiles per route and the server's memory over the run.

    python benchmarks/bench_server_load.py --users 50 --duration 300 [--write]

The server is `devlab serve` in a subprocess on 127.0.0.1; the model is a scripted
OpenAI-compatible server in this process (so the figures measure DevLab, not a model);
the indexed codebase is the itsdangerous sdist. Locust drives the load (headless)."""

from __future__ import annotations

import argparse
import csv
import os
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


def run(users: int, duration: int) -> tuple[list[dict], list[float]]:
    home = Path(tempfile.mkdtemp(prefix="devlab-load-"))
    model_port, port = free_port(), free_port()
    scripted_model(model_port)
    token_list = prepare(home, users, model_port)
    env = {**os.environ, "DEVLAB_HOME": str(home)}
    server = subprocess.Popen(
        [sys.executable, "-m", "devlab", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    memory: list[float] = []
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
        memory.append(rss_mb(server.pid))
        prefix = home / "locust"
        locust_env = {
            **env,
            "DEVLAB_LOAD_TOKENS": ",".join(token_list),
            "DEVLAB_LOAD_PROJECT": "itsdangerous",
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
            memory.append(rss_mb(server.pid))
        with open(f"{prefix}_stats.csv", newline="") as fh:
            rows = list(csv.DictReader(fh))
        return rows, memory
    finally:
        server.terminate()
        server.wait(30)


def table(rows: list[dict], memory: list[float], users: int, duration: int) -> str:
    out = [
        SECTION,
        "",
        f"`python benchmarks/bench_server_load.py --users {users} --duration {duration} --write`"
        f" ({users} users, {duration} s, think time 1-3 s; each user with an API token and the",
        "developer role; chat answered by a scripted OpenAI-compatible model on loopback;",
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
        f"Server memory (RSS): {memory[0]:.0f} MB after warm-up, {max(memory):.0f} MB peak, "
        f"{memory[-1]:.0f} MB at the end (sampled every 10 s).",
        "",
    ]
    return "\n".join(out)


def write_section(text: str) -> None:
    doc = DOCS.read_text(encoding="utf-8")
    if SECTION in doc:
        start = doc.index(SECTION)
        nxt = doc.find("\n## ", start + len(SECTION))
        doc = doc[:start] + text + (doc[nxt + 1 :] if nxt != -1 else "")
    else:
        doc = doc.rstrip("\n") + "\n\n" + text
    DOCS.write_text(doc, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=int, default=300, help="seconds (at most 900)")
    ap.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    ns = ap.parse_args()
    if not 1 <= ns.users <= 500 or not 10 <= ns.duration <= 900:
        raise SystemExit("--users 1..500, --duration 10..900 seconds")
    rows, memory = run(ns.users, ns.duration)
    text = table(rows, memory, ns.users, ns.duration)
    print(text)
    if ns.write:
        write_section(text)


if __name__ == "__main__":
    main()
