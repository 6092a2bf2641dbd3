"""Chaos scenarios on real web applications nobody here wrote (issue 15).

Runs every ready scenario of ``devlab chaos`` against each application and prints one
markdown table: per scenario the verdict, the error rate and p95 under the faults, and
the findings. The applications are the two example apps in Flask's own sdist
(``flaskr``, the tutorial blog with SQLite, and ``js_example``), fetched with::

    pip download --no-deps --no-binary :all: flask==2.2.5 -d /tmp/chaosbench
    tar xzf /tmp/chaosbench/Flask-2.2.5.tar.gz -C /tmp/chaosbench

then::

    python benchmarks/bench_chaos.py /tmp/chaosbench/Flask-2.2.5/examples

A JavaScript application is added with ``--js-app DIR`` (its npm dependencies are
installed by DevLab's environment cache, scripts off), e.g. the Express team's
application skeleton::

    npx express-generator@4.16.1 --no-view /tmp/chaosbench/expressapp
    python benchmarks/bench_chaos.py /tmp/chaosbench/Flask-2.2.5/examples \
        --js-app /tmp/chaosbench/expressapp
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from devlab.config import load_settings
from devlab.search import index_project
from devlab.testing import ChaosRequest, list_scenarios, run_chaos
from devlab.testing.chaos import ready_scenario
from devlab.testing.chaos_models import Probe
from devlab.workbench import Workbench

APPS = {
    # folder under examples/: (target app, set-up callables)
    "tutorial": ("flaskr:create_app()", ["flaskr.db:init_db"]),
    "javascript": ("js_example:app", []),
}


def _probe(text: str) -> Probe:
    method, _, rest = text.partition(":")
    path, _, body = rest.partition(":")
    return Probe(method=method.upper(), path=path, body=json.loads(body) if body else None)  # type: ignore[arg-type]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("examples", type=Path, help="Flask's sdist examples/ folder")
    parser.add_argument("--js-app", type=Path, help="a JavaScript web application's folder")
    parser.add_argument("--only-js", action="store_true", help="skip the Flask examples")
    parser.add_argument(
        "--probe",
        action="append",
        default=[],
        metavar="METHOD:/path[:json-body]",
        help="steady-state probes for the JavaScript app (default: its GET routes, else /)",
    )
    args = parser.parse_args()
    apps = {} if args.only_js else {k: (args.examples / k, *v) for k, v in APPS.items()}
    if args.js_app:
        apps[args.js_app.name] = (args.js_app, None, [])
    home = Path(tempfile.mkdtemp(prefix="bench-chaos-"))
    bench = Workbench.open(load_settings(home=home))
    rows = ["| app | scenario | verdict | errors during | p95 before -> during | findings |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    started = time.monotonic()
    try:
        for folder, (source, app, setup) in apps.items():
            index_project(bench.db, bench.settings, name=folder,
                          source=str(source), embed=False)  # fmt: skip
            for info in list_scenarios():
                scenario = ready_scenario(info.name)
                scenario.target.app, scenario.target.setup = app, setup
                if args.probe and app is None:
                    scenario.steady_state.probes = [_probe(p) for p in args.probe]
                request = ChaosRequest(project=folder, definition=scenario)
                result = run_chaos(bench.db, bench.settings, request).results[0]
                before, during = result.phases.get("before"), result.phases.get("during")
                rate = f"{during.error_rate:.0%}" if during else "-"
                p95 = f"{before.p95_ms:.0f} -> {during.p95_ms:.0f} ms" if before and during else "-"
                found = "; ".join(f.rule_id for f in result.findings) or "-"
                rows.append(
                    f"| {result.app} | {info.name} | {result.verdict} | {rate} | {p95} | {found} |"
                )
                print(rows[-1], flush=True)
    finally:
        bench.close()
    print()
    print("\n".join(rows))
    print(f"\n{len(rows) - 2} runs in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
