"""JavaScript test generation on real npm packages nobody here wrote (issue 15).

Each package is fetched once with ``npm pack NAME@VER`` (a tarball into the cache
folder; nothing else is installed: these packages have no runtime dependencies), its
tests removed (the tarballs ship none), ingested, and ``devlab tests generate PROJECT
--path index.js --framework node:test`` is run from zero tests, without a model
(``--model`` adds a second column with the configured/packaged model). Printed per
package: line and branch coverage of the target after (node's coverage in the sandbox,
the proof run), tests kept / dropped, suspected bugs, seconds; then the kept tests are
run by plain ``node --test`` (or plain jest) outside DevLab, in a fresh copy of the
package (they must all pass), and their coverage there by ``node --test
--experimental-test-coverage`` (or ``jest --coverage``).

    nice -n 10 python benchmarks/bench_testing_js.py [--packages bytes@3.1.2 ms@2.1.3]
        [--set tuning|held-out] [--model] [--mutation] [--framework node:test|jest]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from devlab.config import load_settings
from devlab.search import index_project
from devlab.testing import GenerateRequest, generate_for_project, llm_model
from devlab.testing.jestrun import GLOBAL_JEST
from devlab.testing.jsprops import GLOBAL_ROOT
from devlab.workbench import Workbench

PACKAGES = ["bytes@3.1.2", "ms@2.1.3", "camelcase@6.3.0", "escape-html@1.0.3"]
# Held out (i15p, chosen 2026-12-07 16:05 UTC before any run on them and before their code
# was read; the tuning of i15p is on PACKAGES above): run once with the final engine, no
# model and --model side by side. Neither tarball ships its tests, so there is no project
# suite to score mutants against.
HELD_OUT = ["punycode@2.3.1:punycode.js", "jsesc@3.0.2:jsesc.js"]
CACHE = Path(tempfile.gettempdir()) / "devlab-bench-npm"


def _fetch(spec: str, dest: Path) -> Path:
    """The package's files (``npm pack`` once into the cache, then unpacked)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name, _, version = spec.rpartition("@")
    tarball = CACHE / f"{name.replace('/', '-').lstrip('@')}-{version}.tgz"
    if not tarball.exists():
        subprocess.run(["npm", "pack", "-q", spec], cwd=CACHE, check=True, capture_output=True,
                       timeout=300)  # fmt: skip
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter="data")
    root = dest / "package"
    for test_dir in ("test", "tests", "__tests__"):
        shutil.rmtree(root / test_dir, ignore_errors=True)
    return root


def _outside_jest(root: Path, test_path: str, file: str = "index.js") -> tuple[str, str]:
    """(pass/fail counts, jest's line/branch % of ``file``) under plain jest."""
    (root / "package.json").write_text('{"name": "bench", "private": true}\n')
    run = subprocess.run(["node", GLOBAL_JEST, "--ci", "--coverage", "--coverageReporters=text",
                          "--rootDir", ".", test_path], cwd=root, capture_output=True, text=True,
                         timeout=300)  # fmt: skip
    counts, cover = "", ""
    for line in (run.stdout + run.stderr).splitlines():
        if line.startswith("Tests:"):
            counts = line.removeprefix("Tests:").strip()
        if line.strip().startswith(file.rsplit("/", 1)[-1]) and "|" in line:
            cells = [c.strip() for c in line.split("|")]
            cover = f"{cells[4]} / {cells[2]}"
    return counts, cover


def _outside(
    root: Path, test_path: str, code: str, framework: str, file: str = "index.js"
) -> tuple[str, str]:
    """(pass/fail counts, node's own line/branch % of ``file``) under plain node --test."""
    target = root / test_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(code)
    modules = root / "node_modules"  # a kept fast-check property finds it as a devDependency
    modules.mkdir(exist_ok=True)
    if not (modules / "fast-check").exists():
        (modules / "fast-check").symlink_to(Path(GLOBAL_ROOT) / "fast-check")
    if framework == "jest":
        return _outside_jest(root, test_path, file)
    run = subprocess.run(["node", "--test", "--experimental-test-coverage", test_path],
                         cwd=root, capture_output=True, text=True, timeout=300)  # fmt: skip
    counts = {k: 0 for k in ("pass", "fail")}
    cover = ""
    for line in run.stdout.splitlines():
        words = line.strip("# ").split()
        if len(words) == 2 and words[0] in counts:
            counts[words[0]] = int(words[1])
        if file.rsplit("/", 1)[-1] in line and "|" in line:
            cells = [c.strip() for c in line.strip("# ").split("|")]
            cover = f"{cells[1]} / {cells[2]}"
    return f"{counts['pass']} passed, {counts['fail']} failed", cover


def _row(
    bench: Workbench, spec: str, work: Path, framework: str, model: bool, mutation: bool
) -> str:
    spec, _, target = spec.partition(":")
    target = target or "index.js"
    root = _fetch(spec, work / spec.replace("/", "_"))
    name = spec.replace("@", "-").replace("/", "-").lstrip("-")
    index_project(bench.db, bench.settings, name=name, source=str(root), embed=False)
    request = GenerateRequest(project=name, path=target, framework=framework,
                              use_model=model, target_coverage=100,
                              mutation=mutation)  # fmt: skip
    ask = llm_model(bench.llm) if model else None
    started = time.monotonic()
    result = generate_for_project(bench.db, bench.settings, request, model=ask)
    seconds = time.monotonic() - started
    fresh = _fetch(spec, work / (spec.replace("/", "_") + "-fresh"))
    outside, cover = (
        _outside(fresh, result.test_path, result.test_code, framework, target)
        if result.kept
        else ("", "")
    )
    a = result.after
    return (
        f"| {spec} | {'model' if model else 'no model'} | {a.line_percent:.1f}% "
        f"| {a.branch_percent:.1f}% | {len(result.kept)} ({result.strategies}) "
        f"| {len(result.dropped)} | {len(result.suspected_bugs)} | {seconds:.1f} s "
        f"| {outside} | {cover} |" + (f" {result.mutation_after} |" if mutation else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", nargs="+", default=None,
                        help="NAME@VER[:FILE] (FILE defaults to index.js)")  # fmt: skip
    parser.add_argument("--set", choices=["tuning", "held-out"], default="tuning")
    parser.add_argument("--framework", default="node:test")
    parser.add_argument("--model", action="store_true", help="also with the language model")
    parser.add_argument("--models-dir", default=None,
                        help="where the packaged model is converted once")  # fmt: skip
    parser.add_argument("--mutation", action="store_true",
                        help="also the kept tests' mutation score (node:test)")  # fmt: skip
    args = parser.parse_args()
    print("| package | model | line | branch | kept (strategies) | dropped | suspected bugs "
          "| generation | kept tests under plain node --test "
          "| node's own line / branch % |"
          + (" mutation score |" if args.mutation else ""))  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|" + ("---|" if args.mutation else ""))
    with tempfile.TemporaryDirectory() as tmp:
        models = {"llm_models_dir": Path(args.models_dir)} if args.models_dir else {}
        settings = load_settings(home=Path(tmp) / "home", **models)
        bench = Workbench.open(settings)
        try:
            for spec in args.packages or {"tuning": PACKAGES, "held-out": HELD_OUT}[args.set]:
                for model in [False, True] if args.model else [False]:
                    row = _row(bench, spec, Path(tmp), args.framework, model, args.mutation)
                    print(row, flush=True)
        finally:
            bench.close()


if __name__ == "__main__":
    main()
