"""Security-analysis cost on a real codebase, before and after, in one run.

    python benchmarks/bench_security_time.py [--package Django==5.1.4] --before-src DIR [--write]

For each copy of DevLab's source (``--before-src``: an earlier commit's ``src/``; then
this tree's) a fresh child process scans every Python file of the sdist with
``devlab.reverse.security.scan_source`` (DevLab's rules + bandit, as ``devlab analyze``
does per file), one file after another in one process. It reports CPU seconds of the
child (user + system: what the work costs, which other load on a shared machine changes
far less than wall time), wall seconds, files the analysis could not read, and findings
by severity. The whole-analysis benchmark (``bench_analyze.py``) measures the same with
ingestion, the other phases and the process pool.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import fetch_sdist, machine, write_docs_section

SECTION = "## Security analysis: cost on Django (before / after, one run)"


def child(root: str) -> dict:
    from devlab.reverse.security import scan_source

    files = sorted(p for p in Path(root).rglob("*.py") if p.is_file())
    sev: Counter[str] = Counter()
    failed = 0
    t0 = time.perf_counter()
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        try:
            sev.update(f.severity for f in scan_source(str(p.relative_to(root)), text))
        except Exception:
            failed += 1
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "files": len(files),
        "lines": sum(p.read_text(errors="replace").count("\n") for p in files),
        "unanalysed": failed,
        "cpu_s": round(ru.ru_utime + ru.ru_stime, 1),
        "wall_s": round(time.perf_counter() - t0, 1),
        "findings": dict(sev),
    }


def run(root: Path, pythonpath: str) -> dict:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(root)],
        capture_output=True, text=True, env=env, check=True, cwd="/",
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--package", default="Django==5.1.4")
    ap.add_argument("--before-src", required="--child" not in sys.argv)
    ap.add_argument("--write", action="store_true")
    ap.add_argument(
        "--before-label",
        default="the source before issue #17 (ast-based Python rules)",
        help="what --before-src holds (for the docs)",
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    root = fetch_sdist(args.package)
    here = str(Path(__file__).resolve().parents[1] / "src")
    load0 = os.getloadavg()[0]
    before = run(root, args.before_src)
    after = run(root, here)
    m = machine()
    rows = [
        "| DevLab | Python files | not analysed | CPU s | wall s | findings >= medium |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in (("before", before), ("after", after)):
        serious = sum(n for s, n in r["findings"].items() if s in ("medium", "high", "critical"))
        rows.append(
            f"| {name} | {r['files']:,} | {r['unanalysed']} | {r['cpu_s']} | {r['wall_s']} "
            f"| {serious:,} |"
        )
    text = "\n".join(
        [
            SECTION,
            "",
            "```",
            ".venv/bin/python benchmarks/bench_security_time.py --before-src /tmp/before/src"
            + (" --write" if args.write else ""),
            "```",
            "",
            f"{args.package} sdist, every `.py` file scanned one after another in one child "
            f"process (DevLab's rules + bandit). Machine: {m['cpu']}, {m['cores']} cores "
            f"shared with other work (load average {load0:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end); {m['date']}. CPU s is the child's user + "
            "system time; wall s moves with the other load. *before*: "
            f"{args.before_label}.",
            "",
            *rows,
            "",
        ]
    )
    print(text)
    print(json.dumps({"before": before, "after": after}))
    if args.write:
        write_docs_section(SECTION, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
