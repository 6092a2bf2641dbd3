"""Property-based fuzzing of ``POST /execute`` on a real server (issue 13).

Random languages (real and bogus), file trees (hostile names included), sizes,
stdin and limits (in and out of range). After every case: no 5xx, the server's
fds back to baseline, no sandbox process or cgroup left, memory not growing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from devlab.config import load_settings
from devlab.sandbox.cgroups import cgroup_pool
from helpers import serve_in_thread

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

LANGUAGES = [
    "python",
    "javascript",
    "bash",
    "sqlite",
    "typescript",
    "go",
    "java",
    "duckdb",
    "py",
    "cobol",
    "",
    "PYTHON",
]
PROGRAMS = {
    "python": ["print(input())", "import sys; sys.exit(3)", "while True: pass", "x = (", ""],
    "javascript": ["console.log(1)", "process.exit(2)", "for(;;){}", "}"],
    "bash": ["echo hi", "exit 4", "cat", ":(){ :|:& };:"],
    "sqlite": ["select 1;", "select from;"],
    "typescript": ["const x: number = 1; console.log(x);", "let y: string = 2;"],
    "go": ['package main\nimport "fmt"\nfunc main() { fmt.Println(1) }\n', "package main\n"],
    "java": ["public class Main { public static void main(String[] a) {} }", "class {"],
}
NAMES = st.one_of(
    st.sampled_from(
        [
            "main.py",
            "a/b.txt",
            "@x.ts",
            "-v.java",
            "../up",
            "/abs",
            ".",
            "",
            "x" * 300,
            "dir/",
            "ok.sql",
            "héllo.py",
            "a\x00b",
        ]
    ),
    st.text(min_size=1, max_size=12),
)
LIMITS = st.fixed_dictionaries(
    {},
    optional={
        "wall_seconds": st.one_of(st.floats(0.2, 3), st.just(-1), st.just(10**9)),
        "memory_mb": st.integers(-5, 5000),
        "max_processes": st.integers(0, 300),
        "max_output_bytes": st.integers(0, 20_000_000),
        "cpus": st.floats(0.1, 4),
        "max_disk_mb": st.integers(0, 2000),
    },
)


@st.composite
def requests(draw: st.DrawFn) -> dict:
    language = draw(st.sampled_from(LANGUAGES))
    body: dict = {"language": language}
    if draw(st.booleans()):
        body["code"] = draw(st.sampled_from(PROGRAMS.get(language, ["x"])))
    if draw(st.booleans()):
        body["files"] = draw(st.dictionaries(NAMES, st.text(max_size=40), max_size=4))
    if draw(st.booleans()):
        body["stdin"] = draw(st.text(max_size=200))
    if draw(st.booleans()):
        body["entry"] = draw(NAMES)
    body["limits"] = {"wall_seconds": 3, **draw(LIMITS)}
    body["mode"] = draw(st.sampled_from(["run", "run", "test", "bogus"]))
    if draw(st.booleans()):
        body["args"] = draw(st.lists(st.text(max_size=10), max_size=3))
    return body


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _busy_cgroups() -> list[str]:
    pool = cgroup_pool()
    busy = []
    for root in pool.roots.values():
        for d in root.iterdir():
            if d.is_dir() and (d / "cgroup.procs").read_text().strip():
                busy.append(str(d))
    return busy


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"{pid} (gone)"
    return f"{pid}: " + raw.replace(b"\0", b" ").decode("utf-8", "replace")[:200]


def _pool_helper(pid: int) -> bool:
    """multiprocessing's forkserver and resource tracker: started once by the first
    process pool in this test process and kept for its life, not left by a run."""
    cmd = _cmdline(pid)
    return "multiprocessing.forkserver" in cmd or "multiprocessing.resource_tracker" in cmd


def _children() -> list[int]:
    """Live (non-zombie) processes whose parent is this test process."""
    me = str(os.getpid())
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if fields[1] == me and fields[0] != "Z" and not _pool_helper(int(entry.name)):
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("fuzz") / "home"
    yield from serve_in_thread(load_settings(home=home, sandbox_max_source_bytes=100_000))


def test_execute_api_survives_random_requests(server: str) -> None:
    url = f"http://{server}/api/v1/devlab/execute"
    httpx.post(url, json={"language": "python", "code": "print(1)"}, timeout=60)  # warm
    base_fds, base_rss = _fds(), _rss_kb()
    seen: set[int] = set()

    # no shrinking: a failing case is reported as generated (shrinking a sandbox request
    # took more than five minutes once); 20 cases keep the test near a minute
    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    @given(requests())
    def case(body: dict) -> None:
        resp = httpx.post(url, json=body, timeout=120)
        seen.add(resp.status_code)
        assert resp.status_code < 500, (body, resp.status_code, resp.text[:500])
        deadline = time.monotonic() + 10
        while (_fds() > base_fds + 4 or _busy_cgroups() or _children()) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.05)
        assert _fds() <= base_fds + 4, f"fds grew: {base_fds} -> {_fds()} after {body}"
        assert not _busy_cgroups(), f"cgroups left busy after {body}"
        left = _children()
        assert not left, f"processes left after {body}: {[_cmdline(p) for p in left]}"

    case()
    assert 200 in seen and any(400 <= s < 500 for s in seen), seen
    assert _rss_kb() - base_rss < 200_000, "server memory kept growing"
