"""Dataset-building benchmark: examples/s end to end, with and without near-dedup, peak
memory, and sandbox validation of bug-fix pairs measured separately.

    python benchmarks/bench_datasets.py [--source DIR] [--validations 20] [--write]

Without ``--source`` it uses Django 5.1.4's sdist (fetched with pip into
``benchmarks/.data/``), copied to a temporary directory outside any git work tree.
The copy is ingested once (not timed here: see bench_ingest.py); then each phase runs
``build_dataset`` in a fresh child process on that store:

  near      every snapshot kind, near-dedup on (the default), no sandbox validation
  exact     the same with near-dedup off (exact dedup only)
  validate  bug-fix pairs only, validated in the sandbox for ``--validations`` functions

Peak memory is the summed RSS of the child and its pool workers (an upper bound:
shared pages count twice). ``--write`` replaces the "Training datasets" section of
docs/benchmarks.md; results also go to benchmarks/.data/datasets-results.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DATA_DIR,
    TreeRssSampler,
    fetch_sdist,
    machine,
    markdown_table,
    write_docs_section,
    write_json,
)

DEFAULT_PACKAGE = "Django==5.1.4"
HEADING = "## Training datasets"
PHASES: dict[str, dict[str, Any]] = {
    "near": {"validate_pairs": False},
    "exact": {"validate_pairs": False, "near_dedup": False},
    "validate": {"kinds": ["bug-fix", "code-to-tests"], "augmentations": []},
}


def _ingest(src: Path, home: Path) -> float:
    from devlab.codebase.ingest import ingest_source
    from devlab.config import load_settings
    from devlab.workbench import Workbench

    settings = load_settings(home=home)
    wb = Workbench.open(settings)
    try:
        t0 = time.perf_counter()
        ingest_source(wb.db, settings, name="bench", source=str(src))
        return time.perf_counter() - t0
    finally:
        wb.close()


def _build(home: Path, name: str, options: dict[str, Any]) -> dict[str, Any]:
    from devlab.config import load_settings
    from devlab.training.datasets import DatasetBuildRequest, build_dataset
    from devlab.workbench import Workbench

    settings = load_settings(home=home)
    wb = Workbench.open(settings)
    try:
        with TreeRssSampler() as rss:
            t0 = time.perf_counter()
            info = build_dataset(
                wb.db, settings, DatasetBuildRequest(name=name, project="bench", **options)
            )
            seconds = time.perf_counter() - t0
    finally:
        wb.close()
    counts = info.counts
    return {
        "seconds": round(seconds, 2),
        "examples": counts["total"],
        "examples_per_s": round(counts["total"] / seconds, 1),
        "peak_rss_mib": rss.peak_mib,
        "by_kind": counts["by_kind"],
        "stage_seconds": counts["seconds"],
        "funnel": counts["funnel"],
        "stats": counts["stats"],
        "validated": counts["validated"],
        "card_filters": [ln for ln in info.card.splitlines() if ln.startswith("- **sandbox")],
    }


def _child(phase: str, home: Path, options: dict[str, Any]) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--home",
        str(home),
        "--options",
        json.dumps(options),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _section(results: dict[str, Any], command: str) -> str:
    m = results["machine"]
    near, exact, val = results["near"], results["exact"], results["validate"]
    rows = [
        ["examples (near-dedup on)", f"{near['examples']:,}"],
        [
            "end to end, near-dedup on",
            f"**{near['seconds']} s** ({near['examples_per_s']:,} examples/s)",
        ],
        [
            "end to end, near-dedup off (exact only)",
            f"{exact['seconds']} s, {exact['examples']:,} examples ({exact['examples_per_s']:,}/s)",
        ],
        [
            "stages with near-dedup (s)",
            ", ".join(f"{k} {v}" for k, v in near["stage_seconds"].items()),
        ],
        [
            "peak RSS, main + pool workers (sum)",
            f"{near['peak_rss_mib']} MiB near, {exact['peak_rss_mib']} MiB exact",
        ],
        ["examples by kind", ", ".join(f"{k} {v:,}" for k, v in near["by_kind"].items())],
    ]
    stats = val["stats"]
    vrows = [
        ["functions validated (sandbox runs)", stats.get("validation_runs", 0)],
        ["variants run (mutants + originals)", stats.get("validation_variants", 0)],
        ["validate stage", f"{val['stage_seconds'].get('validate', 0)} s"],
        [
            "bug-fix pairs: validated / not / no tests",
            "{true} / {false} / {null}".format(**val["validated"]["bug-fix"]),
        ],
    ]
    lines = [
        HEADING,
        "",
        "```",
        command,
        "```",
        "",
        f"**Machine**: {m['cpu']}, {m['cores']} cores (`lscpu`: {m.get('lscpu', 'n/a')}), "
        f"{m['ram_gib']} GiB RAM, Python {m['python']}; {m['date']}. Codebase: "
        f"{results['package']} sdist ({results['files']} files ingested in "
        f"{results['ingest_s']} s, not counted below). Each build runs in a fresh process on "
        "the same ingested store; 2 pool workers.",
        "",
        markdown_table(["measure", "value"], rows),
        "",
        "Sandbox validation of bug-fix pairs (kinds bug-fix + code-to-tests, "
        f"`max_validations={results['validations']}`):",
        "",
        markdown_table(["measure", "value"], vrows),
        "",
    ]
    lines += [f"{line}" for line in val["card_filters"]]
    lines += ["", results.get("reading", ""), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, help="a source tree instead of Django's sdist")
    parser.add_argument("--validations", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--reading", default="", help="a paragraph to put under the tables")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--options", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "ingest":
        print(json.dumps({"seconds": _ingest(Path(json.loads(args.options)["src"]), args.home)}))
        return
    if args.phase:
        print(json.dumps(_build(args.home, args.phase, json.loads(args.options))))
        return
    source = args.source or fetch_sdist(DEFAULT_PACKAGE)
    with tempfile.TemporaryDirectory(prefix="devlab-bench-datasets-") as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(source, src, symlinks=True)
        home = Path(tmp) / "home"
        ingest = _child("ingest", home, {"src": str(src)})
        results: dict[str, Any] = {
            "package": source.name if args.source else DEFAULT_PACKAGE.replace("==", " "),
            "machine": machine() | {"lscpu": _lscpu()},
            "ingest_s": round(ingest["seconds"], 1),
            "validations": args.validations,
            "reading": args.reading,
        }
        results["files"] = _file_count(home)
        for phase, options in PHASES.items():
            if phase == "validate":
                options = {**options, "max_validations": args.validations}
            print(f"phase {phase} ...", file=sys.stderr)
            results[phase] = _child(phase, home, options)
            print(
                json.dumps({k: results[phase][k] for k in ("seconds", "examples", "peak_rss_mib")}),
                file=sys.stderr,
            )
    write_json(DATA_DIR / "datasets-results.json", results)
    command = ".venv/bin/python benchmarks/bench_datasets.py" + (" --write" if args.write else "")
    section = _section(results, command)
    print(section)
    if args.write:
        write_docs_section(HEADING, section)


def _lscpu() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return platform.processor()
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    keep = ("Model name", "CPU(s)", "Thread(s) per core")
    return "; ".join(f"{k} {fields[k].strip()}" for k in keep if k in fields)


def _file_count(home: Path) -> int:
    from devlab.config import load_settings
    from devlab.store.db import Database
    from devlab.store.models import Snapshot

    db = Database(load_settings(home=home))
    try:
        with db.session() as s:
            snap = s.query(Snapshot).order_by(Snapshot.id.desc()).first()
            return snap.file_count if snap else 0
    finally:
        db.close()


if __name__ == "__main__":
    main()
