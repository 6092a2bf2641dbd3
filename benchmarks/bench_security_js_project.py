"""Noise of JavaScript/TypeScript cross-file analysis on real npm code: findings >= medium,
file by file (before) against the whole package analysed as one project (after).

    python benchmarks/bench_security_js_project.py --before-src DIR [--set tune|heldout|all]

Packages (fetched with ``npm pack`` into ``benchmarks/.data/security/``, as the real-CVE
corpus): ``tune`` = express 4.19.2 and every npm release of
``security_corpus.toml``; ``heldout`` = koa 2.15.3 and the npm releases of
``security_heldout.toml`` and ``security_outside.toml`` (named before the first run; run
once at the end, never tuned on).

Four scans of the same files in one run: **before** (another copy of DevLab's ``src/``,
``--before-src``, in a child process: ``scan_source`` file by file), **after, file by
file** (this tree's ``scan_source``: the per-file path must not move) and **after,
project** (``scan_project_sources`` over the package's JS/TS files: calls into other files
follow their summaries), and the same files the way ``analyze_security`` splits the work
(each file with its imports and importers, ``scan_js_file``). Prints per package the
count of findings >= medium and every finding the project scan adds or drops against
*before* (rule, file, line, message, flow), to be read and classified; writes them to
``benchmarks/.data/security/js-project-noise.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, write_json
from bench_security import JS_SUFFIXES, fetch, release_sources

BENCH_DIR = Path(__file__).resolve().parent
OUT = DATA_DIR / "security" / "js-project-noise.json"
SEVERITY = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
EXTRA = {"tune": [("express", "4.19.2")], "heldout": [("koa", "2.15.3")]}
CORPORA = {
    "tune": ["security_corpus.toml"],
    "heldout": ["security_heldout.toml", "security_outside.toml"],
}


def packages(which: str) -> list[tuple[str, str]]:
    """(name, version) of the npm releases of one set, in a stable order."""
    out: list[tuple[str, str]] = []
    for split in ("tune", "heldout") if which == "all" else (which,):
        out += EXTRA[split]
        for name in CORPORA[split]:
            data = tomllib.loads((BENCH_DIR / name).read_text(encoding="utf-8"))
            for case in data["case"]:
                if case["ecosystem"] != "npm":
                    continue
                for v in (case["vulnerable_version"], case.get("fixed_version")):
                    if v and (case["package"], v) not in out:
                        out.append((case["package"], v))
    return out


def row(f: Any) -> list[Any]:
    return [
        f.rule_id,
        f.path,
        f.start_line,
        f.cwe,
        f.severity,
        f.confidence,
        f.message[:240],
        [f"{s.line}: {s.note}" for s in f.taint_path],
    ]


def per_file(files: dict[str, str]) -> list[list[Any]]:
    """Findings >= medium of each file scanned on its own (``scan_source``)."""
    from devlab.reverse.security import scan_source

    out: list[list[Any]] = []
    for path, text in files.items():
        try:
            found = scan_source(path, text)
        except (ValueError, RecursionError, SyntaxError):
            continue
        out += [row(f) for f in found if SEVERITY[f.severity] >= 2]
    return out


def project(files: dict[str, str]) -> list[list[Any]]:
    from devlab.reverse.security import scan_project_sources

    found = scan_project_sources(files).findings
    return [row(f) for f in found if SEVERITY[f.severity] >= 2]


def per_file_in_project(files: dict[str, str]) -> list[list[Any]]:
    """Findings >= medium as ``analyze_security`` computes them: each file in its own
    task with the files it imports and those importing it (de-duplicated)."""
    from devlab.reverse.security_ts_js_project import file_contexts, scan_js_file

    contexts = file_contexts(files)
    seen: dict[tuple[Any, ...], list[Any]] = {}
    for path in files:
        try:
            near, importers = contexts[path]
            mine = {path: files[path], **{d: files[d] for d in near}}
            found = scan_js_file(path, mine, importers)
        except (ValueError, RecursionError):
            continue
        for f in found:
            r = row(f)
            if SEVERITY[f.severity] >= 2 and key(r) not in seen:
                seen[key(r)] = r
    return list(seen.values())


def key(r: list[Any]) -> tuple[Any, ...]:
    return (r[0], r[1], r[2], r[3])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before-src", help="another copy of DevLab's src/ (file by file)")
    ap.add_argument("--set", choices=("tune", "heldout", "all"), default="tune")
    ap.add_argument("--per-file-json", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.per_file_json:  # child: {path: text} file -> before's per-file rows
        files = json.loads(Path(args.per_file_json).read_text())
        print(json.dumps(per_file(files)))
        return 0
    results: dict[str, Any] = {"set": args.set, "packages": []}
    totals = {"before": 0.0, "file": 0.0, "project": 0.0, "door": 0.0}
    for name, version in packages(args.set):
        root = fetch("npm", name, version)
        files = release_sources(root)
        files = {p: t for p, t in files.items() if Path(p).suffix in JS_SUFFIXES}
        tmp = OUT.parent / f".files-{os.getpid()}.json"
        tmp.write_text(json.dumps(files))
        t0 = time.process_time()
        before: list[list[Any]] = []
        b_s = 0.0
        if args.before_src:
            t_b = time.perf_counter()
            done = subprocess.run(
                [sys.executable, __file__, "--per-file-json", str(tmp)],
                capture_output=True, text=True, check=True, cwd="/",
                env={**os.environ, "PYTHONPATH": args.before_src},
            )  # fmt: skip
            b_s = time.perf_counter() - t_b
            before = json.loads(done.stdout)
        tmp.unlink()
        t0 = time.perf_counter()
        after_file = per_file(files)
        f_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        after_project = project(files)
        p_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        after_door = per_file_in_project(files)
        d_s = time.perf_counter() - t0
        totals["before"] += b_s
        totals["file"] += f_s
        totals["project"] += p_s
        totals["door"] += d_s
        bk = {key(r) for r in before}
        pk = {key(r) for r in after_project}
        fk = {key(r) for r in after_file}
        dk = {key(r) for r in after_door}
        short = str(root) + "/"
        added = [
            [*r[:1], r[1].removeprefix(short), *r[2:]] for r in after_project if key(r) not in bk
        ]
        gone = [[*r[:1], r[1].removeprefix(short), *r[2:]] for r in before if key(r) not in pk]
        results["packages"].append(
            {
                "package": f"{name}@{version}",
                "files": len(files),
                "before": len(bk),
                "after_file": len(fk),
                "after_project": len(pk),
                "after_door": len(dk),
                "door_only": [r for r in after_door if key(r) not in pk],
                "project_only": [r for r in after_project if key(r) not in dk],
                "per_file_unchanged": fk == bk if args.before_src else None,
                "added": added,
                "gone": gone,
                "seconds": {
                    "before": round(b_s, 2),
                    "file": round(f_s, 2),
                    "project": round(p_s, 2),
                    "door": round(d_s, 2),
                },
            }
        )
        print(
            f"{name}@{version}: {len(files)} files, medium+ before {len(bk)}, after file by "
            f"file {len(fk)}, after project {len(pk)} (+{len(added)} / -{len(gone)}), "
            f"analyze_security's way {len(dk)} ({len(dk - pk)} not in the project scan, "
            f"{len(pk - dk)} only there)",
            flush=True,
        )
        for tag, rows in (("+", added), ("-", gone)):
            for r in rows:
                print(f"   {tag} {r[0]} {r[1]}:{r[2]} {r[4]}/{r[5]} {r[6][:160]}")
                for step in r[7]:
                    print(f"        {step[:150]}")
    results["seconds"] = {k: round(v, 1) for k, v in totals.items()}
    n = results["packages"]
    print(
        f"TOTAL {len(n)} packages, {sum(p['files'] for p in n)} files: medium+ before "
        f"{sum(p['before'] for p in n)}, after file by file {sum(p['after_file'] for p in n)}, "
        f"after project {sum(p['after_project'] for p in n)}, "
        f"analyze_security's way {sum(p['after_door'] for p in n)}; "
        f"+{sum(len(p['added']) for p in n)} / -{sum(len(p['gone']) for p in n)}; "
        f"per-file unchanged in {sum(1 for p in n if p['per_file_unchanged'])}/{len(n)}; "
        f"seconds {results['seconds']}"
    )
    write_json(OUT.with_name(f"js-project-noise-{args.set}.json"), results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
