"""Test generation from zero tests on real libraries nobody here wrote: DevLab (without a
model, and with the packaged model) against Hypothesis' ghostwriter and Pynguin, plus
the mutation score of the generated suite against the project's own suite.

    python benchmarks/bench_testgen.py [--libs inflection,semver,toolz] [--model]
        [--model-targets 1] [--pynguin /path/to/venv/bin/python] [--write]

Per library (sdist fetched once with pip into ``benchmarks/.data/``):

1. the project's own suite, run under coverage in the sandbox: line/branch of the module;
2. ``generate_tests`` on the project with every test file removed (from zero tests),
   no model; then (``--model``) with the packaged model asked for at most
   ``--model-targets`` functions (it is slow on CPU: bounded on purpose);
3. the kept tests run again by plain pytest in a fresh sandbox run (no DevLab plugin,
   nothing of DevLab's harness): how many pass;
4. Hypothesis' ghostwriter (``hypothesis write MODULE``, run on the host on the
   library's own code) and, with ``--pynguin``, Pynguin (in its own venv, on the host,
   ``--maximum-search-time 60``); their test files measured in the sandbox like ours;
5. mutation score (the training pipeline's mutants, 3 per function) of the generated
   suite and of the project's own suite on the module.

``--write`` replaces the section of docs/benchmarks.md; results go to
benchmarks/.data/testgen-results.json.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DATA_DIR, fetch_sdist, machine, markdown_table, write_docs_section, write_json

from devlab.config import load_settings
from devlab.sandbox import Limits, SandboxRequest, run_code
from devlab.testing import ProjectFiles, generate_tests, mutation_score
from devlab.testing.project import is_test_file
from devlab.testing.sandboxrun import run_suite

LIBS: dict[str, dict[str, Any]] = {
    "inflection": {
        "req": "inflection==0.5.1",
        "module": "inflection/__init__.py",
        "import": "inflection",
        "tests": ["test_inflection.py"],
    },
    "semver": {
        "req": "semver==2.13.0",
        "module": "semver.py",
        "import": "semver",
        "tests": ["test_semver.py"],
    },
    "toolz": {
        "req": "toolz==1.0.0",
        "module": "toolz/itertoolz.py",
        "import": "toolz.itertoolz",
        "tests": ["toolz/tests/test_itertoolz.py"],
    },
    # chosen before the first run of the i15f strategies as the outside measure (never
    # tuned on): semver and toolz served as tuning sets
    "parse": {
        "req": "parse==1.20.2",
        "module": "parse.py",
        "import": "parse",
        "tests": [
            "tests/test_bugs.py", "tests/test_findall.py", "tests/test_parse.py",
            "tests/test_parsetype.py", "tests/test_pattern.py", "tests/test_result.py",
            "tests/test_search.py",
        ],
    },
    # chosen before any DevLab run on them (i15i, 06:27 UTC 2026-12-07), never tuned on
    "ordered-set": {
        "req": "ordered-set==4.1.0",
        "module": "ordered_set/__init__.py",
        "import": "ordered_set",
        "tests": ["test/test_ordered_set.py"],
    },
    "iso8601": {
        "req": "iso8601==2.1.0",
        "module": "iso8601/iso8601.py",
        "import": "iso8601.iso8601",
        "tests": ["iso8601/test_iso8601.py"],
    },
    # a third outside library, chosen at 07:38 UTC before any DevLab run on it (i15i)
    "pytimeparse": {
        "req": "pytimeparse==1.1.10",
        "module": "pytimeparse/timeparse.py",
        "import": "pytimeparse.timeparse",
        "tests": ["pytimeparse/tests/testtimeparse.py", "pytimeparse/tests/testdayclock.py"],
    },
    # i15k: three outside libraries chosen at 09:40 UTC 2026-12-07 before any DevLab run
    # on them (none used here before). webcolors is the held-out one: measured at the
    # start and at the end only, never read in between. "src" re-roots a src/ layout.
    "jsonpointer": {
        "req": "jsonpointer==2.4",
        "module": "jsonpointer.py",
        "import": "jsonpointer",
        "tests": ["tests.py"],
    },
    "addict": {
        "req": "addict==2.4.0",
        "module": "addict/addict.py",
        "import": "addict.addict",
        "tests": ["test_addict.py"],
    },
    "webcolors": {
        "req": "webcolors==1.13",
        "module": "webcolors/conversion.py",
        "import": "webcolors.conversion",
        "tests": ["tests/test_conversion.py", "tests/test_conformance.py"],
        "src": "src/",
    },
    # i15k: a second held-out library, named at 09:41 UTC before any DevLab run on it (webcolors
    # reached 100/100 on its first run, so it cannot show much); run only at the end
    "cachetools": {
        "req": "cachetools==5.3.3",
        "module": "cachetools/__init__.py",
        "import": "cachetools",
        "tests": [
            "tests/test_cache.py", "tests/test_fifo.py", "tests/test_lfu.py", "tests/test_lru.py",
            "tests/test_mru.py", "tests/test_rr.py", "tests/test_tlru.py", "tests/test_ttl.py",
            "tests/test_cached.py", "tests/test_cachedmethod.py",
        ],
        "src": "src/",
    },
    # i15m: HELD OUT, named at 12:45 UTC 2026-12-07 before any DevLab run on it (never used
    # here before): boltons 24.0.0's strutils.py (string helpers, regexes, one class with
    # state); run once, at the end only, never read in between
    "boltons": {
        "req": "boltons==24.0.0",
        "module": "boltons/strutils.py",
        "import": "boltons.strutils",
        "tests": ["tests/test_strutils.py"],
    },
    # i15o: HELD OUT, named at 16:01 UTC 2026-12-07 before any DevLab run on them (none used
    # here before; three different libraries, no runtime dependencies): run once, at the end
    # only, with the final engine, never read in between
    "xmltodict": {
        "req": "xmltodict==0.13.0",
        "module": "xmltodict.py",
        "import": "xmltodict",
        "tests": ["tests/test_xmltodict.py", "tests/test_dicttoxml.py"],
    },
    "uritemplate": {
        "req": "uritemplate==4.1.1",
        "module": "uritemplate/variable.py",
        "import": "uritemplate.variable",
        "tests": ["tests/test_uritemplate.py", "tests/test_from_fixtures.py"],
    },
    "isodate": {
        "req": "isodate==0.7.2",
        "module": "isodate/duration.py",
        "import": "isodate.duration",
        "tests": ["tests/test_duration.py"],
        "src": "src/",
    },
    # i15q: HELD OUT, named at 18:53 UTC 2026-12-07 before any DevLab run on them (none used
    # here before): two of structured text (TOML documents; gitignore patterns) and one of
    # plain functions over iterables; run once, at the end only, with the final engine,
    # never read in between. tomli's sdist ships no tests (its project column stays empty).
    "tomli": {
        "req": "tomli==2.0.1",
        "module": "tomli/_parser.py",
        "import": "tomli._parser",
        "tests": [],
        "src": "src/",
    },
    "pathspec": {
        "req": "pathspec==0.12.1",
        "module": "pathspec/patterns/gitwildmatch.py",
        "import": "pathspec.patterns.gitwildmatch",
        "tests": ["tests/test_02_gitwildmatch.py"],
    },
    "more-itertools": {
        "req": "more-itertools==10.2.0",
        "module": "more_itertools/recipes.py",
        "import": "more_itertools.recipes",
        "tests": ["tests/test_recipes.py"],
    },
}  # fmt: skip


def _files(root: Path, src: str = "") -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("build/", "bench")) or "/." in rel:
            continue
        if src and rel.startswith(src):
            rel = rel[len(src) :]  # a src/ layout: the package importable from the root
        out[rel] = path.read_text(encoding="utf-8", errors="replace")
    for name in ("setup.cfg", "tox.ini", "pytest.ini", "conftest.py"):
        if (root / name).exists():
            out[name] = (root / name).read_text(encoding="utf-8", errors="replace")
    # the README and doc pages a user's project has beside its code (i15q: the generator
    # reads their examples); text files under 200 kB, at the top or under docs/
    for path in sorted([*root.glob("*"), *root.glob("doc*/**/*")]):
        low = path.name.lower()
        docs = low.startswith("readme") or low.endswith((".md", ".rst", ".txt"))
        if path.is_file() and docs and path.stat().st_size < 200_000:
            out[path.relative_to(root).as_posix()] = path.read_text("utf-8", errors="replace")
    return out


def _cov(run: Any, path: str) -> tuple[float, float]:
    raw = run.files.get(path, {}).get("summary", {})
    lines, covered = raw.get("num_statements", 0), raw.get("covered_lines", 0)
    branches, bcovered = raw.get("num_branches", 0), raw.get("covered_branches", 0)
    return (
        round(100 * covered / lines, 1) if lines else 0.0,
        round(100 * bcovered / branches, 1) if branches else 0.0,
    )


def _measure(files: dict[str, str], tests: list[str], module: str, settings: Any) -> dict:
    omit = [p for p in files if p != module]
    run = run_suite(files, settings, targets=tests, omit=omit, paths=["."], test_timeout=10)
    outcomes = [t.get("outcome") for t in run.tests.values()]
    line, branch = _cov(run, module)
    return {
        "line": line,
        "branch": branch,
        "tests": len(outcomes),
        "passed": outcomes.count("passed"),
        "error": run.error[:200],
    }


def _fresh(files: dict[str, str], test_path: str, code: str, settings: Any) -> dict:
    """The kept tests under plain pytest in a new sandbox run: nothing of DevLab's harness."""
    request = SandboxRequest(
        language="python",
        mode="test",
        files={**files, test_path: code},
        args=["-o", "addopts=", test_path],
        limits=Limits(wall_seconds=120, cpu_seconds=120, memory_mb=1024),
    )
    result = run_code(request, settings)
    passed = sum(t.outcome == "passed" for t in result.tests)
    return {"tests": len(result.tests), "passed": passed, "status": result.status}


GHOSTWRITER_PYTHON = [sys.executable]  # --ghostwriter-python: a venv with hypothesis[cli]


def _ghostwriter(root: Path, import_name: str) -> tuple[str, float]:
    started = time.monotonic()
    cmd = [
        GHOSTWRITER_PYTHON[0],
        "-c",
        "from hypothesis.extra.cli import main; main()",
        "write",
        "--style",
        "pytest",
        import_name,
    ]
    out = subprocess.run(
        cmd,
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    return (out.stdout if out.returncode == 0 else ""), time.monotonic() - started


def _pynguin(python: str, root: Path, import_name: str) -> tuple[str, float, str]:
    started = time.monotonic()
    out_dir = Path(tempfile.mkdtemp(prefix="pynguin-"))
    cmd = [
        python,
        "-m",
        "pynguin",
        "--project-path",
        str(root),
        "--output-path",
        str(out_dir),
        "--module-name",
        import_name,
        "--maximum-search-time",
        "60",
    ]
    env = {"PYNGUIN_DANGER_AWARE": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)}
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=400, env=env)
    except subprocess.TimeoutExpired:
        return "", time.monotonic() - started, "timed out"
    found = sorted(out_dir.glob("test_*.py"))
    why = "" if found else (res.stderr or res.stdout)[-300:]
    return (found[0].read_text() if found else ""), time.monotonic() - started, why


def _ghostwriter_row(name: str, settings: Any) -> dict[str, Any]:
    """Hypothesis' ghostwriter's file for the library's module, measured like ours."""
    spec = LIBS[name]
    root = fetch_sdist(spec["req"])
    files = _files(root, spec.get("src", ""))
    bare = {p: t for p, t in files.items() if not is_test_file(p) and p not in spec["tests"]}
    print(f"[{name}] ghostwriter", file=sys.stderr)
    code, seconds = _ghostwriter(root / spec.get("src", ""), spec["import"])
    gw: dict[str, Any] = {"seconds": round(seconds, 1)}
    if code:
        test = {**bare, "test_ghostwriter.py": code}
        gw.update(_measure(test, ["test_ghostwriter.py"], spec["module"], settings))
    else:
        gw.update(line=0.0, branch=0.0, tests=0, passed=0, error="ghostwriter wrote nothing")
    return gw


def bench_lib(name: str, args: argparse.Namespace, settings: Any) -> dict[str, Any]:
    spec = LIBS[name]
    root = fetch_sdist(spec["req"])
    files = _files(root, spec.get("src", ""))
    module = spec["module"]
    row: dict[str, Any] = {
        "library": spec["req"],
        "module": module,
        "lines": sum(1 for _ in files[module].splitlines()),
    }
    print(f"[{name}] project suite", file=sys.stderr)
    row["project"] = (
        _measure(files, spec["tests"], module, settings)
        if spec["tests"]
        else {"line": None, "branch": None, "tests": 0, "passed": 0, "error": "no tests shipped"}
    )
    bare = {p: t for p, t in files.items() if not is_test_file(p) and p not in spec["tests"]}
    pf = ProjectFiles(name, None, None, bare)
    variants = [("no model", None)]
    if args.model:
        from devlab.llm import LLMService
        from devlab.store.db import Database
        from devlab.testing import llm_model

        service = LLMService(settings, Database(settings))
        variants.append(("packaged model", llm_model(service, max_tokens=args.max_tokens)))
    suites = {}
    for label, model in variants:
        print(f"[{name}] devlab generate ({label})", file=sys.stderr)
        started = time.monotonic()
        result = generate_tests(
            pf, settings, path=module, model=model, model_targets=args.model_targets
        )
        entry = {
            "line": result.after.line_percent,
            "branch": result.after.branch_percent,
            "kept": len(result.kept),
            "dropped": len(result.dropped),
            "strategies": result.strategies,
            "bugs": len(result.suspected_bugs),
            "seconds": round(time.monotonic() - started, 1),
            "from_model": sum(k.strategy == "model" for k in result.kept),
            "model_tried": sum(c.strategy == "model" for c in [*result.kept, *result.dropped]),
            "message": result.message[-400:],
        }
        entry["fresh"] = _fresh(bare, result.test_path, result.test_code, settings)
        row[label] = entry
        suites[label] = (result.test_path, result.test_code)
    generated = suites["no model"]
    gw = row["ghostwriter"] = _ghostwriter_row(name, settings)
    if args.pynguin:
        print(f"[{name}] pynguin", file=sys.stderr)
        code, seconds, why = _pynguin(args.pynguin, root / spec.get("src", ""), spec["import"])
        pg = {"seconds": round(seconds, 1)}
        if code:
            pg.update(
                _measure({**bare, "test_pynguin.py": code}, ["test_pynguin.py"], module, settings)
            )
        else:
            pg.update(line=0.0, branch=0.0, tests=0, passed=0, error=why)
        row["pynguin"] = pg
    print(f"[{name}] mutation scores", file=sys.stderr)
    mut_gen, _ = mutation_score(
        ProjectFiles(name, None, None, {**bare, generated[0]: generated[1]}),
        settings,
        path=module,
        tests=[generated[0]],
        per_function=3,
        timeout=60,
    )
    mut_own, _ = (
        mutation_score(
            ProjectFiles(name, None, None, files),
            settings,
            path=module,
            tests=spec["tests"],
            per_function=3,
            timeout=60,
        )
        if spec["tests"]
        else (None, None)
    )
    row["mutation"] = {
        "generated": mut_gen.score,
        "project": mut_own.score if mut_own else None,
        "mutants": mut_gen.mutants,
        "note": (mut_own.message if mut_own else "no project tests") or mut_gen.message,
    }
    if "packaged model" in suites:  # the model's suite, same mutants
        test_path, test_code = suites["packaged model"]
        mut_model, _ = mutation_score(
            ProjectFiles(name, None, None, {**bare, test_path: test_code}),
            settings,
            path=module,
            tests=[test_path],
            per_function=3,
            timeout=60,
        )
        row["mutation"]["with_model"] = mut_model.score
    if code_gw := gw.get("tests"):
        row["ghostwriter"]["tests"] = code_gw
    return row


def _pct(d: dict | None, key: str) -> str:
    if not d:
        return "-"
    value = d.get(key)
    return "-" if value is None else f"{value:.1f}"


def _pair(d: dict | None) -> str:
    return f"{_pct(d, 'line')} / {_pct(d, 'branch')}"


def _passing(d: dict) -> str:
    if not d.get("tests"):
        return "its file did not load"
    return f"{d.get('passed', 0)}/{d.get('tests', 0)} pass"


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    rows = []
    for r in results["libraries"]:
        nm, wm, gw, pg = (
            r.get("no model"),
            r.get("packaged model"),
            r.get("ghostwriter"),
            r.get("pynguin"),
        )
        rows.append(
            [
                f"{r['library']} `{r['module']}`",
                f"{_pct(r['project'], 'line')} / {_pct(r['project'], 'branch')}",
                f"{_pair(nm)} ({nm['kept']} kept, {nm['seconds']:.0f} s)",
                (
                    f"{_pair(wm)} ({wm['kept']} kept, {wm.get('from_model', '?')} from the "
                    f"model, {wm['seconds']:.0f} s; fresh pytest "
                    f"{wm['fresh']['passed']}/{wm['fresh']['tests']})"
                    if wm
                    else "not run"
                ),
                f"{_pair(gw)} ({_passing(gw)})",
                (
                    f"{_pair(pg)} ({_passing(pg)})"
                    if pg and pg.get("tests")
                    else (f"failed: {' '.join(pg['error'].split())[-70:]}" if pg else "not run")
                ),
                f"{nm['fresh']['passed']}/{nm['fresh']['tests']}",
                f"{_pct(r['mutation'], 'generated')} vs {_pct(r['mutation'], 'project')}"
                + (
                    f" (with the model: {_pct(r['mutation'], 'with_model')})"
                    if "with_model" in r["mutation"]
                    else ""
                ),
            ]
        )
    table = markdown_table(
        [
            "module",
            "project suite line/branch %",
            "DevLab, no model",
            "DevLab + packaged model",
            "Hypothesis ghostwriter",
            "Pynguin",
            "kept tests passing in a fresh pytest",
            "mutation score generated vs project %",
        ],
        rows,
    )
    return (
        "## Test generation from zero tests (Testing & QA Lab)\n\n"
        "`python benchmarks/bench_testgen.py --write"
        + (" --model" if results.get("model") else "")
        + (" --no-mutant-keep" if results.get("mutant_keep") is False else "")
        + "` on "
        f"{m['cpu']}, {m['cores']} cores shared with other agents' work ({m['date']}). "
        "Every figure is line / branch coverage of the module, measured by coverage.py in "
        "DevLab's sandbox; each library's test files were removed before generating. "
        "The ghostwriter's and Pynguin's files are measured the same way (failing tests "
        "count for what they ran).\n\n" + table + "\n\n" + results.get("reading", "") + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--libs", default="inflection,semver,toolz")
    parser.add_argument("--model", action="store_true", help="also with the packaged model")
    parser.add_argument("--model-targets", type=int, default=4, help="as the product (4)")
    parser.add_argument("--max-tokens", type=int, default=768, help="as the product (768)")
    parser.add_argument(
        "--models-dir",
        default=str(DATA_DIR / "models"),
        help="where the packaged model is converted once (kept between runs)",
    )
    parser.add_argument("--pynguin", default="", help="python of a venv with pynguin installed")
    parser.add_argument(
        "--no-mutant-keep",
        action="store_true",
        help="generate without the mutant-killing second keep rule (coverage rule only)",
    )
    parser.add_argument(
        "--ghostwriter-python",
        default=sys.executable,
        help="python of a venv with hypothesis[cli] (the ghostwriter needs click and black)",
    )
    parser.add_argument(
        "--only-ghostwriter",
        action="store_true",
        help="rerun only the ghostwriter column of --libs in the --out file",
    )
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--from-json", action="store_true")
    parser.add_argument("--merge", action="store_true", help="keep other libraries' results")
    parser.add_argument(
        "--section",
        default="## Test generation from zero tests",
        help="the docs/benchmarks.md heading --write replaces (a new one is appended)",
    )
    parser.add_argument("--out", default="testgen-results.json", help="results file name")
    args = parser.parse_args()
    path = DATA_DIR / args.out
    if args.from_json:
        import json

        results = json.loads(path.read_text())
    else:
        home = Path(tempfile.mkdtemp(prefix="bench-testgen-"))
        settings = load_settings(
            home=home,
            sandbox_max_wall_seconds=600,
            testing_mutant_keep=not args.no_mutant_keep,
            llm_models_dir=Path(args.models_dir),
        )
        results = {"machine": machine(), "model": args.model, "libraries": [], "reading": "",
                   "mutant_keep": not args.no_mutant_keep}  # fmt: skip
        GHOSTWRITER_PYTHON[0] = args.ghostwriter_python
        if (args.merge or args.only_ghostwriter) and path.exists():  # keep the other rows
            import json

            results = json.loads(path.read_text())
        for name in args.libs.split(",") if args.only_ghostwriter else []:
            for r in results["libraries"]:
                if r["library"] == LIBS[name.strip()]["req"]:
                    r["ghostwriter"] = _ghostwriter_row(name.strip(), settings)
            write_json(path, results)
        for name in [] if args.only_ghostwriter else args.libs.split(","):
            row = bench_lib(name.strip(), args, settings)
            results["libraries"] = [
                r for r in results["libraries"] if r["library"] != row["library"]
            ] + [row]
            write_json(path, results)
    text = render(results)
    if args.section != parser.get_default("section"):
        old = "## Test generation from zero tests (Testing & QA Lab)"
        text = text.replace(old, args.section, 1)
    print(text)
    if args.write:
        write_docs_section(args.section, text)


if __name__ == "__main__":
    main()
