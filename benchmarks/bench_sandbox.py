"""Sandbox benchmark: per-run overhead, Python throughput, warm compiled languages.

    python benchmarks/bench_sandbox.py [--runs 30] [--seconds 10] [--compiled-runs 10]
                                       [--profile] [--baseline REF [--rounds 4]]

Figures (all wall times measured by this script with ``time.perf_counter``):

  overhead     median of hello world through ``run_code`` minus the median of the
               same file run bare (``subprocess.run`` of the same interpreter, no
               sandbox), for Python, Node and Bash; ``--runs`` runs each after 3
               warm-up runs. The breakdown columns split the sandboxed time into
               a bare bubblewrap launch (namespaces + mounts, no cgroup, no
               seccomp, no DevLab), the run without recording (``db=None``) and
               the run recorded in the store (the path the CLI and REST take).
  throughput   Python hello-world runs per second from a pool of 2 threads
               calling ``run_code`` for ``--seconds`` seconds.
  compiled     Go and Java hello world with a warm compile cache: one warm-up run
               (which compiles and fills the cache), then the median of
               ``--compiled-runs`` runs.

  phases       where one Python hello world's wall time goes: the host's own
               steps (validation, uid slot, cgroup, seccomp, spawn, watch, result,
               record; ``time.perf_counter`` around each), and, from the program's
               own ``time.monotonic()`` at its first and last statement (the clock
               is the host's: no time namespace), the launch (launcher chain,
               bwrap's namespaces and mounts, interpreter start-up) and the exit
               (interpreter exit, namespace teardown) beside the same for bare python.
  baseline     ``--baseline REF`` measures overhead and throughput for the sources
               of git REF and for this tree in the same run: ``--rounds`` rounds,
               each a child process per tree in alternating order, so that load
               from elsewhere on the machine hits both alike; samples are pooled.

Targets (issue 13): overhead <= 25 ms per run; >= 50 Python runs/s at concurrency 2.

Prints a markdown table, writes benchmarks/.data/sandbox-results.json and
docs/benchmarks-sandbox.md. ``--profile`` adds a cProfile summary of the parent
side of 30 Python runs (where DevLab itself spends the time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, machine, markdown_table, write_json

from devlab.config import Settings, load_settings
from devlab.sandbox import Limits, SandboxRequest, SandboxResult, run_code
from devlab.store.db import Database

# The bare runs get the same small environment the sandbox gives its programs: the
# host's own (NODE_EXTRA_CA_CERTS, say) can slow an interpreter's start-up by tens of ms.
BARE_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp"}
OVERHEAD_TARGET_MS = 25.0
THROUGHPUT_TARGET = 50.0
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks-sandbox.md"

HELLO = {
    "python": ("hello.py", "print('hello, sandbox')\n", ["/usr/bin/python3", "-u"]),
    "javascript": ("hello.js", "console.log('hello, sandbox');\n", ["/usr/bin/node"]),
    "bash": ("hello.sh", "echo 'hello, sandbox'\n", ["/bin/bash"]),
}
COMPILED = {
    "go": 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello, sandbox")\n}\n',
    "java": (
        "public class Main {\n    public static void main(String[] args) {\n"
        '        System.out.println("hello, sandbox");\n    }\n}\n'
    ),
}


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


# Runs that failed (a hello world must not): counted, reported, and retried after a
# pause so the timing figures still come from successful runs.
FAILURES: list[dict[str, Any]] = []
_failures_lock = threading.Lock()


def timed_run(
    request: SandboxRequest,
    settings: Settings,
    db: Database | None,
) -> tuple[float, SandboxResult]:
    for _attempt in range(40):
        t0 = time.perf_counter()
        result = run_code(request, settings, db=db)
        elapsed = time.perf_counter() - t0
        if result.status == "ok" and "hello, sandbox" in result.stdout:
            return elapsed, result
        with _failures_lock:
            FAILURES.append(
                {
                    "language": request.language,
                    "status": result.status,
                    "stderr": result.stderr.strip()[:200],
                }
            )
        time.sleep(0.5)
    raise SystemExit(
        f"{request.language} hello world keeps failing in the sandbox: "
        f"{result.status} {result.stdout!r} {result.stderr[-1000:]!r}"
    )


def sample(fn: Any, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    return [fn() for _ in range(runs)]


def bare_bwrap_argv(script_dir: Path, argv: list[str]) -> list[str]:
    """The cheapest comparable bubblewrap launch: namespaces, caps dropped, /usr read-only."""
    return [
        "bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
        "--uid", "65534", "--gid", "65534", "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
        "--symlink", "usr/lib64", "/lib64", "--proc", "/proc", "--dev", "/dev",
        "--tmpfs", "/tmp", "--ro-bind", str(script_dir), "/work", "--chdir", "/work",
        "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--", *argv,
    ]  # fmt: skip


def measure_overhead(
    settings: Settings,
    db: Database,
    runs: int,
    scratch: Path,
) -> list[dict[str, Any]]:
    rows = []
    rng = random.Random(1234)
    for language, (name, code, interpreter) in HELLO.items():
        path = scratch / name
        path.write_text(code)
        bare_argv = [*interpreter, str(path)]
        bwrap_argv = bare_bwrap_argv(scratch, [*interpreter, f"/work/{name}"])

        def bare(argv: list[str] = bare_argv) -> float:
            t0 = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, env=BARE_ENV)
            took = time.perf_counter() - t0
            if done.returncode != 0 or "hello, sandbox" not in done.stdout:
                raise SystemExit(f"bare run failed: {argv}: {done.stderr[-500:]}")
            return took

        request = SandboxRequest(language=language, code=code, limits=Limits(wall_seconds=30))
        reported: list[float] = []

        def sandboxed(
            use_db: Database | None = db,
            request: SandboxRequest = request,
            reported: list[float] = reported,
        ) -> float:
            took, result = timed_run(request, settings, use_db)
            reported.append(result.wall_ms)
            return took

        # Interleaved in a shuffled order each round, so that load from anything else
        # on the machine, and any after-effect of one variant on the next (namespace
        # teardown, say), hits every variant alike.
        variants = {
            "bare": bare,
            "bwrap": lambda argv=bwrap_argv: bare(argv),
            "nodb": lambda: sandboxed(None),
            "full": sandboxed,
        }
        for fn in variants.values():
            sample(fn, 0, 3)
        times: dict[str, list[float]] = {k: [] for k in variants}
        full_reported: list[float] = []
        order = list(variants)
        for _ in range(runs):
            rng.shuffle(order)
            for key in order:
                reported.clear()
                times[key].append(variants[key]())
                if key == "full":
                    full_reported.extend(reported)
        reported[:] = full_reported
        bare_s, bwrap_s, nodb_s, full_s = (times[k] for k in ("bare", "bwrap", "nodb", "full"))
        bare_med = statistics.median(bare_s)
        full_med = statistics.median(full_s)
        rows.append(
            {
                "language": language,
                "runs": runs,
                "bare_ms": ms(bare_med),
                "bare_bwrap_ms": ms(statistics.median(bwrap_s)),
                "sandbox_no_db_ms": ms(statistics.median(nodb_s)),
                "sandbox_ms": ms(full_med),
                "sandbox_p90_ms": ms(statistics.quantiles(full_s, n=10)[-1]),
                "reported_wall_ms": round(statistics.median(reported), 1),
                "overhead_ms": ms(full_med - bare_med),
                "overhead_no_db_ms": ms(statistics.median(nodb_s) - bare_med),
                "samples": {k: [ms(v) for v in times[k]] for k in times},
            }
        )
        print(f"overhead {language}: {rows[-1]}", file=sys.stderr)
    return rows


def measure_throughput(settings: Settings, db: Database, seconds: float) -> dict[str, Any]:
    request = SandboxRequest(
        language="python", code=HELLO["python"][1], limits=Limits(wall_seconds=30)
    )
    timed_run(request, settings, db)  # warm-up
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []

    def worker() -> int:
        done = 0
        while time.perf_counter() < deadline:
            took, _ = timed_run(request, settings, db)
            latencies.append(took)
            done += 1
        return done

    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        counts = [f.result() for f in [pool.submit(worker) for _ in range(2)]]
    elapsed = time.perf_counter() - t0
    total = sum(counts)
    result = {
        "concurrency": 2,
        "seconds": round(elapsed, 2),
        "runs": total,
        "runs_per_s": round(total / elapsed, 1),
        "median_latency_ms": ms(statistics.median(latencies)),
        "latencies_ms": [ms(v) for v in latencies],
    }
    print(f"throughput: {result}", file=sys.stderr)
    return result


def measure_compiled(settings: Settings, db: Database, runs: int) -> list[dict[str, Any]]:
    rows = []
    for language, code in COMPILED.items():
        request = SandboxRequest(language=language, code=code, limits=Limits(wall_seconds=60))
        first_s, first = timed_run(request, settings, db)
        times, cached = [], []
        for _ in range(runs):
            took, result = timed_run(request, settings, db)
            times.append(took)
            cached.append(getattr(result, "compile_cached", None))
        rows.append(
            {
                "language": language,
                "toolchain": first.toolchain,
                "first_run_ms": ms(first_s),
                "warm_median_ms": ms(statistics.median(times)),
                "warm_p90_ms": ms(statistics.quantiles(times, n=10)[-1]) if runs >= 2 else None,
                "runs": runs,
                "cache_hits": sum(1 for c in cached if c),
            }
        )
        print(f"compiled {language}: {rows[-1]}", file=sys.stderr)
    return rows


def profile_parent(settings: Settings, db: Database, runs: int = 30) -> str:
    request = SandboxRequest(language="python", code=HELLO["python"][1])
    timed_run(request, settings, db)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(runs):
        timed_run(request, settings, db)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("cumulative")
    stats.print_stats(25)
    return out.getvalue()


TRACE_SCRIPT = """
import os, sys, time
from devlab.config import load_settings
from devlab.sandbox import SandboxRequest, run_code
settings = load_settings(home=sys.argv[1])
request = SandboxRequest(language="python", code="print('hello, sandbox')\\n")
for _ in range(3):
    run_code(request, settings)
os.write(2, b"=====START\\n")
run_code(request, settings)
os.write(2, b"=====END\\n")
"""


def trace_phases(home: Path) -> dict[str, float] | None:
    """Where one Python run's wall time goes, from an ``strace -f -tt`` timeline.

    strace slows every system call, so the absolute figures are inflated; the
    split between phases is what this is for.
    """
    if shutil.which("strace") is None:
        return None
    log = home / "strace.txt"
    subprocess.run(
        ["strace", "-f", "-tt", "-e", "trace=execve,clone,clone3,exit_group,write",
         "-o", str(log), sys.executable, "-c", TRACE_SCRIPT, str(home / "trace-home")],
        check=True, capture_output=True,
    )  # fmt: skip
    events: dict[str, float] = {}
    started = False
    target_pid = ""

    def stamp(line: str) -> float:
        h, m, sec = line.split()[1].split(":")
        return int(h) * 3600 + int(m) * 60 + float(sec)

    for line in log.read_text().splitlines():
        if "=====START" in line:
            started = True
            events["start"] = stamp(line)
            continue
        if not started:
            continue
        pid = line.split()[0]
        if "execve(" in line and "launcher" not in events:
            events["launcher"] = stamp(line)
        if 'execve("/usr/bin/bwrap"' in line and "bwrap" not in events:
            events["bwrap"] = stamp(line)
        if "CLONE_NEWUSER" in line and "namespaces" not in events:
            events["namespaces"] = stamp(line)
        if "execve(" in line and "main.py" in line:
            events["program"] = stamp(line)
            target_pid = pid
        if pid == target_pid and "exit_group(" in line and "program_exit" not in events:
            events["program_exit"] = stamp(line)
        if "=====END" in line:
            events["end"] = stamp(line)
            break
    order = ["start", "launcher", "bwrap", "namespaces", "program", "program_exit", "end"]
    if not all(k in events for k in order):
        return {"incomplete": 1.0}
    names = [
        "DevLab set-up before the first exec (checks, cgroup, seccomp, files)",
        "launcher chain up to bwrap (cgroup attach, privilege drop)",
        "bwrap start-up before the namespaces",
        "namespaces, mounts and seccomp inside bwrap",
        "the program itself",
        "teardown, reaping, result and record",
    ]
    return {
        name: round((events[b] - events[a]) * 1000, 1)
        for name, a, b in zip(names, order[:-1], order[1:], strict=True)
    }


PHASE_PROGRAM = (
    "import time\n_t0 = time.monotonic()\nprint('hello, sandbox')\n"
    "print('@phase', _t0, time.monotonic())\n"
)
# Host steps timed by wrapping these functions of devlab.sandbox.runner (label, name);
# a name missing in an older tree is skipped.
HOST_STEPS = [
    ("validation (prepare)", "prepare"),
    ("uid slot", "run_uid"),
    ("seccomp filter", "filter_fd"),
    ("spawn (memfds, pipes, fork+exec)", "bwrap.spawn"),
    ("watch (until the exit is seen)", "watch_process"),
    ("result", "to_result"),
    ("record in the store", "record_execution"),
]


def measure_phases(settings: Settings, db: Database, runs: int) -> dict[str, float]:
    """Median ms per phase of a Python hello world (see the module doc)."""
    import devlab.sandbox.runner as runner  # the benchmark looks inside on purpose

    spans: dict[str, list[float]] = {}
    marks: dict[str, float] = {}
    saved: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, name: str, label: str) -> None:
        inner = getattr(owner, name, None)
        if inner is None:
            return

        def timed(*a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return inner(*a, **k)
            finally:
                spans.setdefault(label, []).append(time.perf_counter() - t0)
                if name == "watch_process":
                    marks["exit_seen"] = time.monotonic()

        saved.append((owner, name, inner))
        setattr(owner, name, timed)

    for label, name in HOST_STEPS:
        owner, _, attr = name.rpartition(".")
        wrap(getattr(runner, owner) if owner else runner, attr, label)
    pool = runner.cgroup_pool()
    for label, name in (("cgroup acquire", "acquire"), ("cgroup release", "release")):
        wrap(pool, name, label)
    popen = runner.bwrap._popen

    def popen_marked(*a: Any, **k: Any) -> Any:
        marks["popen"] = time.monotonic()
        return popen(*a, **k)

    runner.bwrap._popen = popen_marked
    launch, body, exits, totals = [], [], [], []
    request = SandboxRequest(language="python", code=PHASE_PROGRAM)
    try:
        for i in range(runs + 3):
            spans_before = {k: len(v) for k, v in spans.items()}
            t0 = time.perf_counter()
            result = run_code(request, settings, db=db)
            took = time.perf_counter() - t0
            line = [x for x in result.stdout.splitlines() if x.startswith("@phase")]
            if result.status != "ok" or not line:
                raise SystemExit(f"phase probe failed: {result.status} {result.stderr[-300:]}")
            if i < 3:  # warm-up
                for k, n in spans_before.items():
                    del spans[k][n:]
                continue
            first, last = (float(x) for x in line[0].split()[1:])
            launch.append(first - marks["popen"])
            body.append(last - first)
            exits.append(marks["exit_seen"] - last)
            totals.append(took)
    finally:
        for owner, name, inner in saved:
            setattr(owner, name, inner)
        runner.bwrap._popen = popen
    bare_launch, bare_exit = [], []
    for _ in range(runs):
        t0 = time.monotonic()
        done = subprocess.run(["/usr/bin/python3", "-u", "-c", PHASE_PROGRAM],
                              capture_output=True, text=True, env=BARE_ENV)  # fmt: skip
        end = time.monotonic()
        first, last = (float(x) for x in done.stdout.split("@phase")[1].split())
        bare_launch.append(first - t0)
        bare_exit.append(end - last)
    med = statistics.median
    watch = "watch (until the exit is seen)"
    out = {label: ms(med(v)) for label, v in spans.items() if label != watch}
    out["launch: spawn -> program's first statement"] = ms(med(launch))
    out["  (bare python: fork+exec -> first statement)"] = ms(med(bare_launch))
    out["program body"] = ms(med(body))
    out["exit: program's last statement -> host sees the exit"] = ms(med(exits))
    out["  (bare python: last statement -> exit seen)"] = ms(med(bare_exit))
    out["whole run_code (recorded)"] = ms(med(totals))
    print(f"phases: {out}", file=sys.stderr)
    return out


def export_tree(ref: str, into: Path) -> Path:
    """``git archive REF src`` unpacked under ``into``; returns its ``src``."""
    root = Path(__file__).resolve().parent.parent
    archive = subprocess.run(["git", "-C", str(root), "archive", ref, "src"],
                             check=True, capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def child_measure(src: Path, runs: int, seconds: float, out: Path) -> dict[str, Any]:
    """Overhead and throughput of the sources in ``src``, in a child process."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, __file__, "--child", str(out), "--runs", str(runs),
           "--seconds", str(seconds)]  # fmt: skip
    subprocess.run(cmd, env=env, check=True)
    data: dict[str, Any] = __import__("json").loads(out.read_text())
    return data


def pool_samples(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Overhead rows and throughput recomputed from the pooled samples of chunks."""
    rows = []
    for i, first in enumerate(chunks[0]["overhead"]):
        samples: dict[str, list[float]] = {}
        for chunk in chunks:
            for k, v in chunk["overhead"][i]["samples"].items():
                samples.setdefault(k, []).extend(v)
        med = {k: statistics.median(v) for k, v in samples.items()}
        rows.append({
            "language": first["language"], "runs": len(samples["full"]),
            "bare_ms": round(med["bare"], 1), "bare_bwrap_ms": round(med["bwrap"], 1),
            "sandbox_no_db_ms": round(med["nodb"], 1), "sandbox_ms": round(med["full"], 1),
            "overhead_ms": round(med["full"] - med["bare"], 1),
            "overhead_no_db_ms": round(med["nodb"] - med["bare"], 1),
        })  # fmt: skip
    runs = sum(c["throughput"]["runs"] for c in chunks)
    secs = sum(c["throughput"]["seconds"] for c in chunks)
    lat = [x for c in chunks for x in c["throughput"]["latencies_ms"]]
    return {"overhead": rows, "throughput": {
        "runs": runs, "seconds": round(secs, 2), "runs_per_s": round(runs / secs, 1),
        "median_latency_ms": round(statistics.median(lat), 1)}}  # fmt: skip


def compare_with(ref: str, runs: int, seconds: float, rounds: int, tmp: Path) -> dict[str, Any]:
    """Before (git ``ref``) and after (this tree), interleaved in ``rounds`` rounds."""
    here = Path(__file__).resolve().parent.parent / "src"
    trees = {"before": export_tree(ref, tmp), "after": here}
    chunks: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    per_runs, per_secs = max(3, runs // rounds), max(1.0, seconds / rounds)
    for r in range(rounds):
        order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
        for name in order:
            print(f"round {r + 1}/{rounds}: {name}", file=sys.stderr)
            chunks[name].append(child_measure(trees[name], per_runs, per_secs, tmp / "c.json"))
    out: dict[str, Any] = {"ref": ref, "rounds": rounds}
    for name, tree_chunks in chunks.items():
        out[name] = pool_samples(tree_chunks)
        out[name]["cpu_ms_per_run"] = cpu_per_run(trees[name], max(10, runs))
    return out


def child_cpu_runs(settings: Settings, runs: int) -> None:
    """``runs`` Python hello worlds, nothing else (for ``perf stat`` of the tree)."""
    request = SandboxRequest(language="python", code=HELLO["python"][1])
    for _ in range(runs):
        timed_run(request, settings, None)


def cpu_per_run(src: Path, runs: int) -> float | None:
    """CPU ms one Python hello world costs the whole process tree (DevLab, the
    launcher, bwrap, the program; not kernel threads), from ``perf stat``'s
    task-clock of a child doing ``runs`` runs minus one doing none. Load on the
    machine barely moves it, unlike wall times. None without ``perf``."""
    if shutil.which("perf") is None:
        return None
    env = {**os.environ, "PYTHONPATH": str(src)}
    clocks = []
    for n in (0, runs):
        cmd = ["perf", "stat", "-x,", "-e", "task-clock", "--", sys.executable, __file__,
               "--child-cpu", str(n)]  # fmt: skip
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        line = next(x for x in done.stderr.splitlines() if "task-clock" in x)
        clocks.append(float(line.split(",")[0]))
    return round((clocks[1] - clocks[0]) / runs, 2)


def render_compare(cmp: dict[str, Any]) -> str:
    b, a = cmp["before"], cmp["after"]
    rows = [[rb["language"], f"{rb['bare_ms']} ms", f"{rb['sandbox_ms']} ms",
             f"**{rb['overhead_ms']} ms**", f"{ra['bare_ms']} ms", f"{ra['sandbox_ms']} ms",
             f"**{ra['overhead_ms']} ms**"]
            for rb, ra in zip(b["overhead"], a["overhead"], strict=True)]  # fmt: skip
    rows.append(["python runs/s at concurrency 2", "", "", f"**{b['throughput']['runs_per_s']}**",
                 "", "", f"**{a['throughput']['runs_per_s']}**"])  # fmt: skip
    rows.append(["CPU ms per python run (perf stat)", "", "", f"{b.get('cpu_ms_per_run')}",
                 "", "", f"{a.get('cpu_ms_per_run')}"])  # fmt: skip
    return markdown_table(
        ["language", "before: bare", "before: sandbox", "before: overhead", "after: bare",
         "after: sandbox", "after: overhead"], rows)  # fmt: skip


def render(data: dict[str, Any]) -> str:
    ov = markdown_table(
        [
            "language",
            "bare",
            "bare bwrap",
            "sandbox, no db",
            "sandbox (recorded)",
            "p90",
            "overhead",
            "overhead, no db",
            "target",
        ],
        [
            [
                r["language"],
                f"{r['bare_ms']} ms",
                f"{r['bare_bwrap_ms']} ms",
                f"{r['sandbox_no_db_ms']} ms",
                f"{r['sandbox_ms']} ms",
                f"{r['sandbox_p90_ms']} ms",
                f"**{r['overhead_ms']} ms**",
                f"{r['overhead_no_db_ms']} ms",
                "met" if r["overhead_ms"] <= OVERHEAD_TARGET_MS else "**missed**",
            ]
            for r in data["overhead"]
        ],
    )
    tp = data["throughput"]
    tp_table = markdown_table(
        ["runs", "seconds", "runs/s", "median latency", f"target (>= {THROUGHPUT_TARGET:g}/s)"],
        [
            [
                tp["runs"],
                tp["seconds"],
                f"**{tp['runs_per_s']}**",
                f"{tp['median_latency_ms']} ms",
                "met" if tp["runs_per_s"] >= THROUGHPUT_TARGET else "**missed**",
            ]
        ],
    )
    comp = markdown_table(
        ["language", "toolchain", "first run (compile)", "warm median", "warm p90", "cache hits"],
        [
            [
                r["language"],
                r["toolchain"],
                f"{r['first_run_ms']} ms",
                f"**{r['warm_median_ms']} ms**",
                f"{r['warm_p90_ms']} ms",
                f"{r['cache_hits']}/{r['runs']}",
            ]
            for r in data["compiled"]
        ],
    )
    return f"{ov}\n\nPython hello world at concurrency 2:\n\n{tp_table}\n\n{comp}\n"


def reading(data: dict[str, Any]) -> str:
    lines = []
    worst = max(data["overhead"], key=lambda r: r["overhead_ms"])
    met = all(r["overhead_ms"] <= OVERHEAD_TARGET_MS for r in data["overhead"])
    lines.append(
        f"- Overhead target ({OVERHEAD_TARGET_MS:g} ms): {'met' if met else 'missed'}; the "
        f"largest is {worst['language']} at {worst['overhead_ms']} ms."
    )
    for r in data["overhead"]:
        ns = r["bare_bwrap_ms"] - r["bare_ms"]
        devlab = r["sandbox_no_db_ms"] - r["bare_bwrap_ms"]
        record = r["sandbox_ms"] - r["sandbox_no_db_ms"]

        def part(value: float) -> str:
            return f"{value:.1f} ms" if value >= 1 else "nothing measurable"

        lines.append(
            f"- {r['language']}: of {r['overhead_ms']} ms, about {part(ns)} is a bare "
            f"bubblewrap launch (namespaces + mounts), {part(devlab)} DevLab's own work on "
            f"top (cgroup, seccomp, files, launcher chain, watching) and {part(record)} "
            "recording the run in the store (differences of medians: noisy)."
        )
    tp = data["throughput"]
    lines.append(
        f"- Throughput at concurrency 2: {tp['runs_per_s']} Python runs/s "
        f"({'meets' if tp['runs_per_s'] >= THROUGHPUT_TARGET else 'misses'} the "
        f">= {THROUGHPUT_TARGET:g}/s "
        f"target); the median run took {tp['median_latency_ms']} ms with two in flight."
    )
    if data.get("failed_runs"):
        lines.append(
            f"- {len(data['failed_runs'])} hello-world runs failed to start and were retried "
            "(see Failed runs): a reliability bug, not a timing matter."
        )
    for r in data["compiled"]:
        lines.append(
            f"- {r['language']}: the first run compiles ({r['first_run_ms']} ms); with the "
            f"cache warm a run takes {r['warm_median_ms']} ms ({r['cache_hits']}/{r['runs']} "
            "reported cache hits), which is process start-up of the compiled program."
        )
    return "\n".join(lines) + "\n"


def write_doc(data: dict[str, Any], command: str) -> None:
    m = data["machine"]
    text = (
        "# Sandbox benchmark\n\n"
        f"Command: `{command}`\n\n"
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, "
        f"Python {m['python']}, {m['date']}. One-minute load average "
        f"{data['load_before']:.2f} before, {data['load_after']:.2f} after"
        + (
            " (**other work was running: figures are pessimistic**)"
            if data["load_before"] > 0.7
            else ""
        )
        + ".\n\n"
        "Wall times measured by the caller with `time.perf_counter` around `run_code`. "
        "*bare* is `subprocess.run` of the same interpreter on the same file with no "
        "sandbox; *bare bwrap* is a minimal bubblewrap launch of it (namespaces, caps "
        "dropped, /usr read-only; no cgroup, no seccomp, no DevLab); *sandbox, no db* is "
        "`run_code(..., db=None)`; *sandbox (recorded)* is `run_code(..., db=db)`, the "
        "path the CLI and REST doors take. Overhead = median sandbox (recorded) - median "
        "bare.\n\n" + render(data) + "\n## Reading\n\n" + reading(data)
    )
    text += "\n## Phases\n\n" + render_phases(data["phases"]) + "\n"
    if data.get("compare"):
        text += (f"\n## Before ({data['compare']['ref']}) and after, same run\n\n"
                 + render_compare(data["compare"]) + "\n")  # fmt: skip
    if data.get("failed_runs"):
        failed = data["failed_runs"]
        kinds: dict[str, int] = {}
        for f in failed:
            key = f"{f['status']}: {f['stderr'][:120]}"
            kinds[key] = kinds.get(key, 0) + 1
        text += (
            f"\n## Failed runs\n\n{len(failed)} hello-world runs failed and were retried "
            "after a 0.5 s pause (excluded from the figures above, but the pauses slow the "
            "throughput figure):\n\n"
            + "\n".join(f"- {n} x `{k}`" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
            + "\n"
        )
    if data.get("trace"):
        trace = data["trace"]
        text += (
            "\n## Where one Python run's time goes (strace -f -tt timeline)\n\n"
            "strace slows every system call, so these are inflated; read the split.\n\n"
            + markdown_table(["phase", "ms (under strace)"], [[k, v] for k, v in trace.items()])
            + "\n"
        )
    if data.get("profile"):
        text += "\n## Parent-side profile (cProfile, 30 Python runs)\n\n```\n"
        text += data["profile"].strip()[:6000] + "\n```\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--compiled-runs", type=int, default=10)
    parser.add_argument("--phase-runs", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--baseline", metavar="REF", help="also measure git REF's sources")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds (--baseline)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-cpu", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-doc", action="store_true", help="do not rewrite the docs page")
    args = parser.parse_args()
    if shutil.which("bwrap") is None:
        raise SystemExit("bubblewrap is not installed (apt-get install bubblewrap)")

    home = Path(tempfile.mkdtemp(prefix="devlab-bench-sandbox-"))
    scratch = Path(tempfile.mkdtemp(prefix="devlab-bench-bare-"))
    scratch.chmod(0o755)
    try:
        settings = load_settings(home=home)
        db = Database(settings)
        if args.child_cpu is not None:  # runs only, under perf stat (cpu_per_run)
            child_cpu_runs(settings, args.child_cpu)
            return
        if args.child is not None:  # one chunk of a --baseline comparison
            chunk = {"overhead": measure_overhead(settings, db, args.runs, scratch),
                     "throughput": measure_throughput(settings, db, args.seconds)}  # fmt: skip
            db.close()
            write_json(args.child, chunk)
            return
        data: dict[str, Any] = {"machine": machine(), "load_before": os.getloadavg()[0]}
        if args.baseline:
            data["compare"] = compare_with(args.baseline, args.runs, args.seconds, args.rounds,
                                           scratch)  # fmt: skip
        data["phases"] = measure_phases(settings, db, args.phase_runs)
        data["overhead"] = measure_overhead(settings, db, args.runs, scratch)
        data["throughput"] = measure_throughput(settings, db, args.seconds)
        data["compiled"] = measure_compiled(settings, db, args.compiled_runs)
        if args.profile:
            data["profile"] = profile_parent(settings, db)
            data["trace"] = trace_phases(home)
        db.close()
        data["load_after"] = os.getloadavg()[0]
        data["failed_runs"] = list(FAILURES)
    finally:
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)

    print(render(data))
    print(reading(data))
    print(render_phases(data["phases"]))
    if "compare" in data:
        print(f"before = {args.baseline}, after = this tree ({args.rounds} alternating rounds):\n")
        print(render_compare(data["compare"]))
    write_json(DATA_DIR / "sandbox-results.json", data)
    if not args.no_doc:
        command = "python benchmarks/bench_sandbox.py " + " ".join(sys.argv[1:])
        write_doc(data, command.strip())


def render_phases(phases: dict[str, float]) -> str:
    return "One Python hello world, median per phase:\n\n" + markdown_table(
        ["phase", "ms"], [[k, v] for k, v in phases.items()]
    )


if __name__ == "__main__":
    main()
