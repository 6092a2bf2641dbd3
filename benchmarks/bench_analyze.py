"""Whole-analysis benchmark: ``devlab analyze`` on a real codebase, per phase.

    python benchmarks/bench_analyze.py [--package Django==5.1.4 | --source DIR]
                                       [--workers N] [--serial] [--before-src DIR]
                                       [--profile] [--write]

Without ``--source`` it analyses Django 5.1.4's sdist (fetched with pip into
``benchmarks/.data/`` on the first run). The source is copied to a temporary
directory (outside any git work tree, so DevLab reads it as a plain directory).
One fresh child process with ``DEVLAB_HOME`` in a temporary directory then does
what ``devlab analyze DIR`` does, without embeddings: ``ingest_source`` (parse,
chunk, lexical index) and ``analyze_project`` (quality, security, secrets,
dependencies).

Per phase it reports wall seconds, CPU seconds (of the process and its pool workers,
and of the process alone), the growth of the process's peak RSS (``ru_maxrss`` at the
phase's end minus at its start: 0 when the phase stayed under an earlier peak) and
the peak summed RSS of the process and its pool workers (sampled every 0.1 s). Also:
lines of code analysed, lines/s, findings per category and rule family, a digest of
the findings (so two runs can be compared for identical results) and the time
projected for 500,000 lines.

``--serial`` adds a run with one worker (no process pool) and checks that it gives
the same findings. ``--before-src DIR`` adds a run with ``DIR`` first on ``PYTHONPATH``
(the ``src/`` of an earlier commit, e.g. ``git worktree add /tmp/before HEAD~1``) to
show before/after figures side by side. ``--profile`` writes a cProfile of the child
(main process only) to ``benchmarks/.data/analyze.prof`` and prints its top functions.
``--write`` replaces the ``## Whole analysis`` section of docs/benchmarks.md (or
appends one), keeping the other sections as they are. Results go to
benchmarks/.data/analyze-results.json; ``--from-results JSON --write`` writes the
section from such a file without running anything again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DATA_DIR,
    fetch_sdist,
    machine,
    markdown_table,
    peak_rss_mib,
    write_docs_section,
    write_json,
)

DEFAULT_PACKAGE = "Django==5.1.4"
PROJECT = "bench"
GOAL_LINES = 500_000
GOAL_S = 120.0
SECTION = "## Whole analysis"  # any heading starting so is replaced by --write


# --- the child: ingest + analyze, timed per phase ------------------------------


class PhaseSampler:
    """Per phase: peak summed RSS of this process and its descendants (the pool
    workers, which a forkserver starts, so they are not our children), and the CPU
    seconds they all used (sampled: a worker's last < 0.1 s before it exits is lost)."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.phase = "start"
        self.peaks: dict[str, int] = {}
        self.cpu: dict[int, float] = {}  # pid -> latest CPU seconds seen (dead ones kept)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> PhaseSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        with self._lock:
            kib, cpu = _tree_stats(os.getpid())
            self.cpu.update(cpu)
            phase = self.phase
            self.peaks[phase] = max(self.peaks.get(phase, 0), kib)

    def total_cpu_s(self) -> float:
        self.sample()
        return sum(self.cpu.values())

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


_TICK = os.sysconf("SC_CLK_TCK")
_PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _tree_stats(root: int) -> tuple[int, dict[int, float]]:
    """(summed RSS KiB, {pid: CPU seconds}) of ``root`` and all its descendants."""
    parents: dict[int, int] = {}
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                raw = fh.read().decode()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu = (int(fields[11]) + int(fields[12])) / _TICK  # utime + stime
        stats[pid] = (int(fields[21]) * _PAGE_KIB, cpu)
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    rss, cpu_by_pid, stack = 0, {}, [root]
    while stack:
        pid = stack.pop()
        if pid in stats:
            rss += stats[pid][0]
            cpu_by_pid[pid] = stats[pid][1]
        stack.extend(children.get(pid, []))
    return rss, cpu_by_pid


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _digest(findings: list[Any]) -> str:
    h = hashlib.sha256()
    for f in findings:
        h.update(f.model_dump_json().encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def _rule_family(rule_id: str) -> str:
    if rule_id.startswith("BANDIT-"):
        return "bandit"
    return re.sub(r"-[^-]*$", "", rule_id) if rule_id.count("-") >= 2 else rule_id


def phase_run(home: str, source: str, workers: int | None, profile: str | None) -> dict[str, Any]:
    from devlab.codebase.ingest import ingest_source
    from devlab.codebase.projects import snapshot_texts
    from devlab.config import load_settings
    from devlab.reverse.analyze import analyze_project
    from devlab.reverse.quality import LIZARD_LANGUAGES
    from devlab.reverse.security import SECURITY_LANGUAGES
    from devlab.workbench import Workbench

    extra = {"ingest_workers": workers} if workers is not None else {}
    wb = Workbench.open(load_settings(home=home, **extra))
    # (phase starting, time, ru_maxrss MiB, main CPU s, CPU s of all processes)
    marks: list[tuple[str, float, float, float, float]] = []
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
    try:
        with PhaseSampler() as tree:

            def mark(phase: str) -> None:
                cpu_all = tree.total_cpu_s()
                marks.append((phase, time.perf_counter(), _maxrss_mib(), _cpu_s(), cpu_all))
                tree.phase = phase

            def on_progress(p: Any) -> None:
                if p.stage == "analyze" and p.done < p.total:
                    mark(p.message)

            mark("ingest")
            if prof:
                prof.enable()
            rep = ingest_source(wb.db, wb.settings, name=PROJECT, source=source, finalisers=[])
            result = analyze_project(
                wb.db, wb.settings, PROJECT, source_root=Path(source), progress=on_progress
            )
            if prof:
                prof.disable()
            mark("end")
        analysed = {"quality": 0, "security": 0}
        by_language: Counter[str] = Counter()
        for item in snapshot_texts(wb.db, PROJECT):
            n = item.text.count("\n") + (not item.text.endswith("\n") and bool(item.text))
            by_language[item.language] += n
            if item.language in LIZARD_LANGUAGES:
                analysed["quality"] += n
            if item.language in SECURITY_LANGUAGES:
                analysed["security"] += n
    finally:
        wb.close()
    if prof:
        prof.dump_stats(profile)
    phases: dict[str, Any] = {}
    for (name, t0, rss0, cpu0, all0), (_, t1, rss1, cpu1, all1) in pairwise(marks):
        phases[name] = {
            "wall_s": round(t1 - t0, 3),
            "main_cpu_s": round(cpu1 - cpu0, 2),
            "cpu_s": round(all1 - all0, 2),
            "rss_growth_mib": round(rss1 - rss0, 1),
            "tree_peak_rss_mib": round(tree.peaks.get(name, 0) / 1024, 1),
        }
    findings = result.findings
    return {
        "ingest_workers": wb.settings.ingest_workers,
        "files": rep.files,
        "lines": rep.lines,
        "lines_analysed": analysed,
        "lines_by_language": dict(by_language.most_common()),
        "wall_s": round(marks[-1][1] - marks[0][1], 3),
        "phases": phases,
        "analysis_seconds": result.seconds,
        "findings": len(findings),
        "counts": result.counts,
        "rule_families": dict(Counter(_rule_family(f.rule_id) for f in findings).most_common()),
        "errors": len(result.errors),
        "error_sample": [e.model_dump() for e in result.errors[:5]],
        "dependencies": result.dependencies,
        "digest": _digest(findings),
        "tree_peak_rss_mib": round(max(tree.peaks.values(), default=0) / 1024, 1),
    }


def run_child(args: list[str], pythonpath: str | None = None) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", *args]
    env = dict(os.environ)
    if pythonpath:  # run another copy of DevLab's source (e.g. an earlier commit's)
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True, env=env).stdout
    line = next(x for x in reversed(out.splitlines()) if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


# --- the driver ------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--package", default=DEFAULT_PACKAGE, help="sdist to fetch: NAME==VERSION")
    ap.add_argument("--source", help="analyse this directory instead of an sdist")
    ap.add_argument("--workers", type=int, help="ingest_workers (default: DevLab's: one per core)")
    ap.add_argument("--serial", action="store_true", help="also run with 1 worker and compare")
    ap.add_argument(
        "--before-src",
        help="also run with this directory first on PYTHONPATH (the src/ of an earlier "
        "commit, e.g. from `git worktree add`) and show its figures alongside",
    )
    ap.add_argument(
        "--before-label",
        default="",
        help="what --before-src is, for the docs (e.g. 'commit abc123, serial analysis')",
    )
    ap.add_argument("--profile", action="store_true", help="cProfile the main process")
    ap.add_argument("--write", action="store_true", help="write the docs/benchmarks.md section")
    ap.add_argument("--out", default=str(DATA_DIR / "analyze-results.json"))
    ap.add_argument(
        "--from-results",
        metavar="JSON",
        help="run nothing: print (and with --write, write) the figures saved in JSON",
    )
    ap.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--home", help=argparse.SUPPRESS)
    ap.add_argument("--src", help=argparse.SUPPRESS)
    ap.add_argument("--prof-out", help=argparse.SUPPRESS)
    ns = ap.parse_args()
    if ns.phase:
        result = phase_run(ns.home, ns.src, ns.workers, ns.prof_out)
        result["peak_rss_mib"] = peak_rss_mib()
        print("RESULT " + json.dumps(result))
        return

    if ns.from_results:
        saved = json.loads(Path(ns.from_results).read_text(encoding="utf-8"))
        print(render(saved))
        if ns.write:
            write_doc(saved, saved["command"])
        return

    source = Path(ns.source).resolve() if ns.source else fetch_sdist(ns.package)
    codebase = source.name if ns.source else ns.package
    scratch = Path(tempfile.mkdtemp(prefix="devlab-bench-analyze-"))
    prof = DATA_DIR / "analyze.prof"
    try:
        tree = scratch / "src"
        print(f"copying {source} -> {tree}", file=sys.stderr)
        shutil.copytree(source, tree, symlinks=True)
        results: dict[str, Any] = {"machine": machine(), "codebase": codebase, "runs": {}}
        args = [a for a in sys.argv[1:] if a != "--write"]
        results["command"] = " ".join(["benchmarks/bench_analyze.py", *args])
        results["before_label"] = ns.before_label or ns.before_src or ""
        results["load_before"] = os.getloadavg()[0]
        runs = results["runs"]
        base = ["run", "--src", str(tree)]
        workers = ["--workers", str(ns.workers)] if ns.workers is not None else []
        if ns.before_src:
            print(f"run: ingest + analyze with {ns.before_src}", file=sys.stderr)
            home = str(scratch / "home-before")
            runs["before"] = run_child([*base, "--home", home, *workers], ns.before_src)
        print("run: ingest + analyze", file=sys.stderr)
        profile = ["--prof-out", str(prof)] if ns.profile else []
        home = str(scratch / "home")
        runs["default"] = run_child([*base, "--home", home, *workers, *profile])
        if ns.serial:
            print("run: the same with one worker", file=sys.stderr)
            home = str(scratch / "home-serial")
            runs["serial"] = run_child([*base, "--home", home, "--workers", "1"])
            results["same_findings"] = runs["serial"]["digest"] == runs["default"]["digest"]
        results["load_after"] = os.getloadavg()[0]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(render(results))
    if ns.profile:
        import pstats

        pstats.Stats(str(prof)).sort_stats("cumulative").print_stats(40)
    write_json(Path(ns.out), results)
    if ns.write:
        write_doc(results, results["command"])


def projection_s(run: dict[str, Any]) -> float:
    return run["wall_s"] * GOAL_LINES / max(1, run["lines"])


PHASES = ["ingest", "quality", "security", "secrets", "dependencies"]


def render(results: dict[str, Any]) -> str:
    runs = results["runs"]
    run, before, serial = runs["default"], runs.get("before"), runs.get("serial")
    headers = ["phase", "wall s", "CPU s: all processes / main", "peak RSS growth MiB"]
    headers.append("peak RSS with workers MiB")
    if before:
        headers.append("before: wall s / CPU s / peak RSS growth MiB")
    if serial:
        headers.append("1 worker: wall s")
    rows = []
    for name in PHASES:
        p = run["phases"].get(name, {})
        row = [
            name,
            f"{p.get('wall_s', 0):.1f}",
            f"{p.get('cpu_s', 0):.1f} / {p.get('main_cpu_s', 0):.1f}",
            f"{p.get('rss_growth_mib', 0):,.0f}",
            f"{p.get('tree_peak_rss_mib', 0):,.0f}",
        ]
        if before:
            b = before["phases"].get(name, {})
            row.append(
                f"{b.get('wall_s', 0):.1f} / {b.get('cpu_s', 0):.1f} / "
                f"{b.get('rss_growth_mib', 0):,.0f}"
            )
        if serial:
            row.append(f"{serial['phases'].get(name, {}).get('wall_s', 0):.1f}")
        rows.append(row)
    total = [
        "**total**",
        f"**{run['wall_s']:.1f}**",
        f"{sum(p.get('cpu_s', 0) for p in run['phases'].values()):.1f} / "
        f"{sum(p.get('main_cpu_s', 0) for p in run['phases'].values()):.1f}",
        f"peak {run['peak_rss_mib']:,.0f}",
        f"{run['tree_peak_rss_mib']:,.0f}",
    ]
    if before:
        cpu = sum(p.get("cpu_s", 0) for p in before["phases"].values())
        total.append(f"**{before['wall_s']:.1f}** / {cpu:.1f} / peak {before['peak_rss_mib']:,.0f}")
    if serial:
        total.append(f"{serial['wall_s']:.1f} (peak {serial['peak_rss_mib']:,.0f} MiB)")
    rows.append(total)
    table = markdown_table(headers, rows)

    def findings(r: dict[str, Any]) -> str:
        return ", ".join(
            f"{cat} {sum(c.values()):,} ("
            + ", ".join(f"{n:,} {s}" for s, n in sorted(c.items()))
            + ")"
            for cat, c in sorted(r["counts"].items())
        )

    la = run["lines_analysed"]
    proj = projection_s(run)
    facts = [
        ["files / lines ingested", f"{run['files']:,} / {run['lines']:,}"],
        [
            "lines with quality metrics / with security rules",
            f"{la['quality']:,} / {la['security']:,}",
        ],
        ["whole analysis lines/s (all lines ingested)", f"{run['lines'] / run['wall_s']:,.0f}"],
        [
            f"projected for {GOAL_LINES:,} lines (goal < {GOAL_S:.0f} s)",
            f"**{proj:.0f} s** ({'met' if proj < GOAL_S else 'not met'})",
        ],
    ]
    if before:
        bp = projection_s(before)
        facts += [
            [
                "before: lines/s / projected for 500,000 lines",
                f"{before['lines'] / before['wall_s']:,.0f} / {bp:.0f} s",
            ],
        ]
    facts += [
        ["findings", f"{run['findings']:,}: {findings(run)}"],
        ["by rule family", ", ".join(f"{k} {v:,}" for k, v in run["rule_families"].items())],
        ["files not analysed (errors)", f"{run['errors']:,}"],
        ["findings digest (sha256 of the findings, in order)", run["digest"]],
    ]
    if serial:
        same = "yes" if results.get("same_findings") else "**NO**"
        facts.append(["same findings with 1 worker (no pool)", same])
    if before:
        same = "yes" if before["digest"] == run["digest"] else "no (different rules?)"
        facts.append(["same findings as *before*", same])
    return f"Whole analysis: {results['codebase']}\n\n{table}\n\n" + markdown_table(
        ["measure", "value"], facts
    )


METHOD = """\
One fresh process does what `devlab analyze DIR` does, without embeddings:
`ingest_source` (parse, chunk, lexical index) then `analyze_project` (quality with
performance, security, secrets, dependencies). *CPU s* is user + system time of the
process and its pool workers (sampled from `/proc` every 0.1 s), then of the process
alone: it is the work done, which other load on the machine changes less than wall
time (on n cores, wall time is at least CPU time / n). *Peak RSS growth* is how much
the process's `ru_maxrss` rose during the phase (0: it stayed under an earlier peak);
*with workers* sums the RSS of the process and its pool workers, sampled every 0.1 s
(shared pages count twice, so it is an upper bound)."""

HOW = """\
**How it runs.** Ingestion parses in a process pool. Then one pool of `ingest_workers`
processes (default: one per core the process may use; started only for a project of
150 files or more) serves every analysis phase: per file, lizard + nesting + tokens
(quality), the performance rules, DevLab's taint and configuration rules plus bandit
(Python security), and the tree-sitter rules (other languages). The main process
streams texts from the store to the workers and keeps only what comes back (metrics,
findings, a one-byte-per-token stream for clone detection, the text zlib-compressed
for snippets); cross-file work (clones, god classes, dead code) runs there at the
end. Findings are the same as with one worker, in the same order (`--serial` checks
the digest)."""


def write_doc(results: dict[str, Any], command: str) -> None:
    m = results["machine"]
    before = ""
    if "before" in results["runs"]:
        what = results.get("before_label") or "see --before-src"
        before = f"*before*: the same run on another copy of DevLab's source ({what}).\n\n"
    body = (
        f"{SECTION} (devlab analyze)\n\n"
        f"```\n.venv/bin/python {command}\n```\n\n"
        f"Codebase: {results['codebase']}. Machine: {m['cpu']}, {m['cores']} cores, "
        f"{m['ram_gib']} GiB RAM, Python {m['python']}; {m['date']}. Load average (1 min) "
        f"when the runs began / ended: {results.get('load_before', 0):.1f} / "
        f"{results.get('load_after', 0):.1f} (other work on the machine slows wall time).\n\n"
        f"{METHOD}\n\n{before}"
        f"{render(results).split(chr(10), 2)[2]}\n\n"
        f"{HOW}\n"
    )
    write_docs_section(SECTION, body)


if __name__ == "__main__":
    main()
