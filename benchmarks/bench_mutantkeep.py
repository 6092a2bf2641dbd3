"""Wall time of Python test generation with the mutant-killing keep step (issue 15):
``generate_tests`` from zero tests, no model, on real modules nobody here wrote, with
the step's time budget (``testing_mutant_keep_seconds``) and, for comparison in the
same run, with the step off.

    nice -n 19 python benchmarks/bench_mutantkeep.py [--libs semver,toolz]
        [--modes budget,off] [--budget 60] [--out mutantkeep-results.json]

Per library and mode: seconds, line/branch coverage after, tests kept, and what the
keep step did (mutants tried / skipped by the budget, tests it kept). The load average
is recorded before and after each run: these machines are shared, so compare rows of
one run only. Results go to benchmarks/.data/<out>.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, fetch_sdist, machine, write_json

from devlab.config import load_settings
from devlab.testing import ProjectFiles, generate_tests
from devlab.testing.project import is_test_file

LIBS = {
    "semver": ("semver==2.13.0", "semver.py"),
    "toolz": ("toolz==1.0.0", "toolz/itertoolz.py"),
    "inflection": ("inflection==0.5.1", "inflection/__init__.py"),
}


def _files(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("build/", "bench")) or "/." in rel or is_test_file(rel):
            continue
        out[rel] = path.read_text(encoding="utf-8", errors="replace")
    return out


def run_one(name: str, mode: str, budget: float) -> dict[str, Any]:
    """One generation of ``name``'s module from zero tests in ``mode`` (budget | off)."""
    req, module = LIBS[name]
    files = _files(fetch_sdist(req))
    settings = load_settings()
    update: dict[str, Any] = {"testing_mutant_keep": mode != "off"}
    if mode != "off" and "testing_mutant_keep_seconds" in type(settings).model_fields:
        update["testing_mutant_keep_seconds"] = budget
    settings = settings.model_copy(update=update)
    load = os.getloadavg()[0]
    started = time.monotonic()
    result = generate_tests(ProjectFiles(name, None, None, files), settings, path=module)
    row: dict[str, Any] = {
        "library": req, "module": module, "mode": mode,
        "seconds": round(time.monotonic() - started, 1),
        "line": result.after.line_percent, "branch": result.after.branch_percent,
        "kept": len(result.kept),
        "kept_for_kills": sum(bool(r.kills) or "kills" in r.reason for r in result.kept),
        "load_before": round(load, 1), "load_after": round(os.getloadavg()[0], 1),
        "message": result.message[-400:],
    }  # fmt: skip
    keep = getattr(result, "mutant_keep", None)
    if keep is not None:
        row["mutant_keep"] = keep.model_dump(mode="json")
    print(row, file=sys.stderr, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--libs", default="semver,toolz")
    parser.add_argument("--modes", default="budget,off", help="budget (the step on) and/or off")
    parser.add_argument("--budget", type=float, default=60.0, help="the step's seconds")
    parser.add_argument("--out", default="mutantkeep-results.json")
    args = parser.parse_args()
    rows = [
        run_one(name, mode, args.budget)
        for name in args.libs.split(",")
        for mode in args.modes.split(",")
    ]
    write_json(DATA_DIR / args.out, {"machine": machine(), "rows": rows})


if __name__ == "__main__":
    main()
