"""Web workbench load time: each page opened cold (a new browser context, empty cache)
against a real ``devlab serve``, timed to the layout's heading and, for the sandbox, to a
usable editor. Needs Debian's chromium and the built front end.

    python benchmarks/bench_web_load.py [--runs 5] [--port 8799]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

PAGES = [
    "sandbox",
    "companion",
    "insights",
    "reverse",
    "search",
    "testing",
    "datasets",
    "models",
    "jobs",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    home = tempfile.mkdtemp(prefix="devlab-webbench-")
    env = {**os.environ, "DEVLAB_HOME": home}
    cmd = [sys.executable, "-m", "devlab", "serve", "--port", str(args.port)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(150):
            try:
                httpx.get(f"{url}/api/v1/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu"],
            )
            print("| page | median ms | max ms |\n|---|---|---|")
            for name in PAGES:
                times = []
                for _ in range(args.runs):
                    context = browser.new_context(base_url=url)
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(f"/devlab/{name}")
                    page.locator("main h1").wait_for()
                    if name == "sandbox":
                        page.locator(".cm-content").wait_for()
                    times.append((time.perf_counter() - start) * 1000)
                    context.close()
                print(f"| {name} | {statistics.median(times):.0f} | {max(times):.0f} |")
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
