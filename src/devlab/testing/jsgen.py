"""Test generation for a JavaScript file (frameworks ``node:test`` and ``jest``), cheapest
first, every candidate proved in the sandbox.

1. The project's own tests (node:test or jest, with the project's npm packages from the
   environment cache) give the coverage before.
2. The probe (``jsgen_runner.js`` in the sandbox) loads the module, lists what it really
   exports (functions, classes and their methods), and runs once, under a watchdog:
   the JSDoc ``@example`` lines (their documented result checked), and boundary calls
   built from each signature (parameter names, defaults, JSDoc types, the body's
   literals; one parameter varied at a time). Each observation becomes a
   characterisation test: the value returned (``assert.deepStrictEqual``), the error
   the code throws on purpose (``assert.throws``/``rejects`` with name and message), or
   only the type for values that cannot be written as source. An engine error
   (TypeError, RangeError, ReferenceError) raised where the code does not throw, on
   arguments of the documented types, is a suspected bug, not a test.
3. Verification (the same runner): every candidate runs alone three times, in order,
   with V8's precise coverage reset before it and read after it; the shared keep rule
   (``keeprule.judge_runs``) keeps it only when it passed every time, covered the same
   lines and blocks every time, and adds some over the project's tests and the tests
   kept before it.
4. The language model, asked only when the target is not reached, per function with
   lines still missed; its tests go through the same verification.
5. The proof: the project's suite with the generated file, under node's coverage (or
   jest's), gives the coverage after. Output: ``<test dir>/<stem>.generated.test.js``
   as a unified diff.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from devlab.config import Settings
from devlab.errors import NotFound
from devlab.progress import ProgressFn, report
from devlab.sandbox import DependencyMount, Limits, SandboxRequest, run_code
from devlab.testing.envcache import node_env
from devlab.testing.errors import NothingToTest
from devlab.testing.jestrun import jest_tests, run_jest_suite
from devlab.testing.jsmutate import run_js_mutants
from devlab.testing.jsprops import FC_SEED, fast_check, fc_import, property_candidates
from devlab.testing.jsregex import project_regexes
from devlab.testing.jsrun import (
    JS_SUFFIXES,
    TS_SUFFIXES,
    JsRun,
    code_lines,
    js_tests,
    run_js_suite,
    ts_tests,
    tsc_paths,
)
from devlab.testing.jssig import (
    doc_strings,
    generated_test_layout,
    import_lines,
    js_functions,
    jsdoc_of,
)
from devlab.testing.keeprule import RUNS, Run, judge_runs
from devlab.testing.killkeep import NO_COVERAGE, keep_mutant_killers
from devlab.testing.models import (
    CandidateResult,
    CoverageSummary,
    GenerateResult,
    MutantKeepReport,
    SuspectedBug,
)
from devlab.testing.project import ProjectFiles

__all__ = ["JS_FRAMEWORKS", "generate_js_tests"]

ModelFn = Callable[[str, str], str]
JS_FRAMEWORKS = ("node:test", "jest")
MARK = "@@DEVLAB_JSGEN@@"
_POOLS = {
    "string": ['""', '"abc"', '"Hello World"', '"  x y  "', '"héllo"', '"42"', '"-1"',
               '"a-b_c d"', '"A"'],
    "number": ["0", "2", "1", "-1", "7", "100", "-100", "1.5", "NaN", "Infinity"],
    "boolean": ["true", "false"],
    "array": ["[]", "[1, 2, 3]", '["a", "b"]', "[3, 1, 2]", "[[1], [2, 3]]", '[0, "", null]'],
    "object": ["{}", "{ a: 1 }", '{ a: 1, b: "x" }', "null", "{ a: { b: 2 } }"],
    "function": ["(x) => x", "() => true", "(a, b) => a + b", "(x) => !x"],
    "any": ["undefined", "1", '"a"', "null", "[]", "{}", "true", "0", '""', "[1, 2]",
            "{ a: 1 }", "-1"],
}  # fmt: skip
_ENGINE_ERRORS = ("TypeError", "RangeError", "ReferenceError")
Cand = tuple[str, str, str, str]  # (name, target, code, strategy)


@dataclass
class _Js:
    """One generation: the project, the target, the test file's shape, the mounts."""

    pf: ProjectFiles
    settings: Settings
    path: str
    framework: str
    test_path: str
    esm: bool
    binding: str
    header: str
    mounts: list[DependencyMount]
    wall: float
    typescript: bool = False
    fc: str = ""  # how fast-check is required in the sandbox ('' when not installable)
    node_path: str = ""  # NODE_PATH for the sandbox's own tools (fast-check)

    def sandbox(self, spec: dict[str, Any], extra: dict[str, str]) -> dict[str, Any]:
        here = resources.files("devlab.testing")
        runner = here.joinpath("jsgen_runner.js").read_text()
        types = here.joinpath("jsgen_types.js").read_text()
        script = tsc_paths()[0]
        spec = {**spec, "typescript": self.typescript, "fc": self.fc, "node_path": self.node_path,
                "ts_root": script.rsplit("/lib/", 1)[0] if script else "", "seed": FC_SEED,
                "num_runs": 100}  # fmt: skip
        files = {**self.pf.files, **extra, "_devlab_gen.cjs": runner, "_devlab_types.cjs": types,
                 "_devlab_gen.json": json.dumps(spec)}  # fmt: skip
        limits = Limits(
            wall_seconds=self.wall, cpu_seconds=self.wall, cpus=1.0,
            memory_mb=min(1024, self.settings.sandbox_max_memory_mb), max_processes=16,
            max_output_bytes=min(20_000_000, self.settings.sandbox_max_output_bytes),
            max_disk_mb=min(256, self.settings.sandbox_max_disk_mb),
        )  # fmt: skip
        request = SandboxRequest(language="javascript", files=files, entry="_devlab_gen.cjs",
                                 limits=limits)  # fmt: skip
        result = run_code(request, self.settings, mounts=self.mounts)
        at = result.stdout.rfind(MARK)
        if at < 0:
            return {"error": f"the sandbox run ended {result.status}: "
                             f"{(result.stderr or result.stdout)[-600:]}"}  # fmt: skip
        data: dict[str, Any] = json.loads(result.stdout[at + len(MARK) :].split("\n", 1)[0])
        return data

    def suite(self, extra: dict[str, str], tests: list[str]) -> JsRun:
        files = {**self.pf.files, **extra}
        if self.framework == "jest":  # its settings live in package.json
            files = {**{k: v for k, v in self.pf.manifests.items() if k == "package.json"}, **files}
            return run_jest_suite(files, self.settings, tests=tests, mounts=self.mounts,
                                  wall_seconds=self.wall, typescript=self.typescript,
                                  esm=self.esm, node_path=self.node_path)  # fmt: skip
        return run_js_suite(files, self.settings, tests=tests, mounts=self.mounts,
                            wall_seconds=self.wall, typescript=self.typescript,
                            node_path=self.node_path)  # fmt: skip

    def existing(self) -> list[str]:
        if self.framework == "jest":
            found = jest_tests(self.pf.files, self.typescript)
        else:
            found = js_tests(self.pf.files) + (ts_tests(self.pf.files) if self.typescript else [])
        return [t for t in found if t != self.path]


def _title(i: int, call: dict[str, Any]) -> str:
    return f"devlab: {call['target']} #{i}"


def _assertion(call: dict[str, Any]) -> str:
    """The body of a characterisation test of one observed call."""
    expr, wait = call["expr"], "await " if call.get("async") else ""
    lines = [f"  {call['prelude']}"] if call.get("prelude") else []
    if call["kind"] == "value":
        want = call["expected"] if call.get("documented") else call["literal"]
        lines.append(f"  assert.deepStrictEqual({wait}{expr}, {want});")
    elif call["kind"] == "opaque":
        lines.append(f"  const result = {wait}{expr};")
        lines.append(f"  assert.equal(typeof result, {json.dumps(call['type'])});")
        if call.get("ctor") and call["type"] == "object":
            lines.append(f"  assert.equal(result.constructor.name, {json.dumps(call['ctor'])});")
    else:
        fields = [f"name: {json.dumps(call['name'])}"]
        if "/work/" not in call["message"]:
            fields.append(f"message: {json.dumps(call['message'])}")
        shape = "{ " + ", ".join(fields) + " }"
        if call["name"] in ("string", "number", "boolean", "undefined", "object") and call.get(
            "literal"
        ):  # a thrown non-Error value
            shape = f"(e) => {{ assert.deepStrictEqual(e, {call['literal']}); return true; }}"
        if call.get("async"):
            lines.append(f"  await assert.rejects(async () => {expr}, {shape});")
        else:
            lines.append(f"  assert.throws(() => {expr}, {shape});")
    return "\n".join(lines)


def _test(title: str, body: str) -> str:
    sync = "await " not in body
    return f"test({json.dumps(title)}, {'' if sync else 'async '}() => {{\n{body}\n}});\n"


def _well_typed(call: dict[str, Any]) -> bool:
    """Arguments of the documented types: no undefined/null/NaN, a JSDoc'd function."""
    return (
        bool(call.get("typed"))
        and bool(call.get("args"))
        and not any(a in ("undefined", "null", "NaN") for a in call.get("args", []))
    )


def _from_probe(results: list[dict[str, Any]]) -> tuple[list[Cand], list[SuspectedBug], list[str]]:
    """Candidates (doc examples first), suspected bugs and notes from the probe."""
    cands: list[Cand] = []
    bugs: list[SuspectedBug] = []
    seen_bugs: set[tuple[str, str]] = set()
    notes = {"crash": 0, "timeout": 0, "doc_differs": 0}
    order = sorted(range(len(results)), key=lambda i: not results[i].get("doc"))
    for i in order:
        call = results[i]
        kind = call.get("kind")
        if kind in ("timeout", "invalid", None):
            notes["timeout"] += kind == "timeout"
            continue
        if call.get("doc") and call.get("expected") and call.get("documented") is False:
            notes["doc_differs"] += 1
            continue
        if kind == "throw" and not call.get("explicit"):
            engine = call.get("name") in _ENGINE_ERRORS
            if engine and (call.get("name") == "ReferenceError" or _well_typed(call)):
                key = (call["target"], call["name"])
                if key not in seen_bugs:
                    seen_bugs.add(key)
                    where = f"{call['message']} at {call.get('where')}"
                    bugs.append(SuspectedBug(target=call["target"], call=call["expr"],
                                             exception=call["name"], message=where))  # fmt: skip
                continue
            notes["crash"] += 1
            continue
        strategy = "doctest" if call.get("doc") else "boundary"
        title = _title(i, call)
        cands.append((title, call["target"], _test(title, _assertion(call)), strategy))
    said = []
    if notes["crash"]:
        said.append(f"{notes['crash']} calls crashed on arguments outside the documented types "
                    "(neither tests nor bugs)")  # fmt: skip
    if notes["timeout"]:
        said.append(f"{notes['timeout']} calls did not finish in time (left out)")
    if notes["doc_differs"]:
        said.append(f"{notes['doc_differs']} documented example(s) did not give the documented "
                    "result (left out)")  # fmt: skip
    return cands, bugs, said


def _units(run: dict[str, Any]) -> frozenset[tuple[str, object]]:
    return frozenset([("L", n) for n in run.get("lines", [])] +
                     [("B", b) for b in run.get("blocks", [])])  # fmt: skip


def _describe(new: set[Any]) -> tuple[int, int, str]:
    lines = sum(1 for u in new if u[0] == "L")
    blocks = len(new) - lines
    return lines, blocks, f"passed {RUNS}/{RUNS}; +{lines} lines, +{blocks} blocks"


def _verify(
    js: _Js, cands: list[Cand], covered: set[Any], lines: list[int]
) -> tuple[list[tuple[Cand, CandidateResult]], list[CandidateResult], set[Any]]:
    """Run the candidates three times each and judge them; also returns the units that
    loading the module covers (part of every test's coverage, so never 'new')."""
    if not cands:
        return [], [], set()
    ext = "." + js.test_path.rsplit(".", 1)[-1]
    name = js.test_path.rsplit("/", 1)[0] + "/_devlab_candidates" + ext
    head = _with_fc(js.header, cands).replace("const test = require('node:test');", "").replace(
        "import test from 'node:test';", "")  # fmt: skip
    head = _fc_by_path(js, head)
    text = (
        "const test = globalThis.__devlabTest;\n" + head + "\n\n" + "\n".join(c[2] for c in cands)
    )
    spec = {"mode": "verify", "target": js.path, "esm": js.esm, "candidates": name,
            "runs": RUNS, "timeout_ms": 5000, "code_lines": lines}  # fmt: skip
    out = js.sandbox(spec, {name: text})
    runs: dict[str, list[Run]] = {}
    for run in out.get("runs", []):
        runs.setdefault(run["name"], []).append(
            Run(run["outcome"] == "passed", run.get("message", ""), _units(run))
        )
    loaded = set(_units(out.get("load", {})))
    covered |= loaded
    why = out.get("error", "")[:300] or "the runner gave no result"
    kept, dropped = judge_runs(cands, runs, covered, _describe, not_run=why)
    return kept, dropped, loaded


def _code_only(run: JsRun, path: str, lines: list[int], text: str) -> CoverageSummary | None:
    """TypeScript: node's source-mapped report counts type-only lines (interfaces, type
    aliases) as never run; they compile to nothing, so they leave the line count, and so
    do import declarations (hoisted ``require`` calls that node's source-mapped report
    marks run or not depending on where tsc put them). Node reports every code line of
    a loaded file, so the lines left out are known."""
    mine = next((f for f in run.files if f.path == path), None)
    if mine is None:
        return None
    code, missing = set(lines), set(mine.missing_lines)
    left_out = {n for n in code_lines(text) if n not in code}
    total = mine.summary.lines - len(left_out)
    covered = mine.summary.lines_covered - len(left_out - missing)
    pct = round(100.0 * covered / total, 2) if total > 0 else 100.0
    return mine.summary.model_copy(
        update={"lines": total, "lines_covered": covered, "line_percent": pct}
    )


def _summary_of(run: JsRun, path: str, text: str) -> CoverageSummary | None:
    mine = next((f for f in run.files if f.path == path), None)
    return mine.summary if mine else None


def generate_js_tests(
    pf: ProjectFiles,
    settings: Settings,
    *,
    path: str,
    symbol: str | None = None,
    framework: str = "node:test",
    target_coverage: float = 95.0,
    progress: ProgressFn | None = None,
    wall_seconds: float = 240.0,
    model: ModelFn | None = None,
    install: bool = True,
    properties: bool = True,
) -> GenerateResult:
    """Generate verified node:test or jest tests for ``path`` (see the module doc);
    ``properties=False`` leaves fast-check out (the benchmark's comparison)."""
    started, message = time.monotonic(), list[str]()
    if path not in pf.files:
        raise NotFound(f"{path!r} is not a file of project {pf.name!r}")
    typescript = path.endswith(TS_SUFFIXES)
    if not path.endswith(JS_SUFFIXES) and not typescript:
        raise NothingToTest(f"{path!r} is not a JavaScript or TypeScript file "
                            "(.js, .mjs, .cjs, .ts, .mts, .cts)")  # fmt: skip
    if typescript and not tsc_paths()[0]:
        raise NothingToTest("TypeScript needs the TypeScript compiler: `npm install -g "
                            "typescript @types/node` (scripts/setup.sh does it)")  # fmt: skip
    test_path, esm, binding, header = generated_test_layout(pf.files, pf.manifests, path, framework)
    env, mounts = node_env(pf.manifests, settings, progress=progress) if install else (None, [])
    wall = min(wall_seconds, settings.sandbox_max_wall_seconds)
    fc, node_path, fc_note = fast_check(pf.manifests, bool(mounts)) if properties else ("", "", "")
    js = _Js(pf, settings, path, framework, test_path, esm, binding, header, mounts, wall,
             typescript, fc, node_path)  # fmt: skip
    if env is not None and env.message:
        message.append(env.message)
    if fc_note:
        message.append(fc_note)
    existing = js.existing()
    report(progress, "baseline", 0, 5, f"{len(existing)} test files of the project")
    base_run = js.suite({}, existing) if existing else None
    text = pf.files[path]
    lines = sorted(code_lines(text))
    before = (_summary_of(base_run, path, text) if base_run else None) or CoverageSummary(
        lines=len(lines)
    )
    covered: set[Any] = set()
    if base_run:
        mine = next((f for f in base_run.files if f.path == path), None)
        missing = set(mine.missing_lines) if mine else set(lines)
        covered |= {("L", n) for n in lines if n not in missing}
    doc = jsdoc_of(text)
    examples = [{"target": n, "expr": e, "expected": r} for n, e, r in doc.examples
                if not symbol or n == symbol]  # fmt: skip
    report(progress, "probe", 1, 5, "exports, documented examples and boundary calls")
    pools = {**_POOLS, "doc": doc_strings(pf.files, path)} if typescript else _POOLS
    spec = {"mode": "probe", "target": path, "esm": esm, "binding": binding,
            "jsdoc": doc.types, "pools": pools, "max_calls": 64, "max_total": 1200,
            "regexes": project_regexes(pf.files, path),
            "call_timeout_ms": 2000, "examples": examples, "code_lines": lines}  # fmt: skip
    probe = js.sandbox(spec, {})
    if probe.get("error"):
        message.append(f"the module did not load in the sandbox: {probe['error'][:600]}")
    results = [r for r in probe.get("results", []) if _wanted(r, symbol)]
    if symbol and not results and not probe.get("error"):
        raise NotFound(f"no exported function, class or method {symbol!r} in {path} "
                       f"(exports: {', '.join(probe.get('entries', [])[:20])})")  # fmt: skip
    if typescript and probe.get("code_lines"):  # type-only lines compile to nothing
        wiring = import_lines(text)
        lines = sorted(n for n in probe["code_lines"] if n not in wiring)
        before = before if base_run else CoverageSummary(lines=len(lines))
    cands, bugs, notes = _from_probe(results)
    found = [p for p in probe.get("properties", []) if p.get("error") or _wanted(p, symbol)]
    props, prop_dropped, prop_bugs, prop_notes = property_candidates(found)
    docs = [c for c in cands if c[3] == "doctest"]  # cheapest first: examples, properties
    cands = docs + props + [c for c in cands if c[3] != "doctest"]
    bugs += [b for b in prop_bugs if (b.target, b.exception) not in
             {(k.target.removeprefix("new "), k.exception) for k in bugs}]  # fmt: skip
    message += notes + prop_notes
    report(progress, "verify", 2, 5, f"{len(cands)} candidates, {RUNS} runs each")
    kept, dropped, _ = _verify(js, cands, covered, lines)
    dropped += prop_dropped
    reached = 100.0 * len({u for u in covered if u[0] == "L"}) / len(lines) if lines else 100.0
    if model is not None and reached < target_coverage:
        report(progress, "model", 3, 5, "asking the language model for the rest")
        missing = set(lines) - {u[1] for u in covered if u[0] == "L"}
        try:
            asked = _model_candidates(model, js, missing, symbol)
        except Exception as exc:  # a provider failure must not lose the verified tests
            asked = []
            message.append(f"the language model failed: {exc}")
        more_kept, more_dropped, _ = _verify(js, asked, covered, lines)
        kept, dropped = kept + more_kept, dropped + more_dropped
    keep: MutantKeepReport | None = None
    if kept and js.settings.testing_mutant_keep:  # the second rule: kills a survivor
        report(progress, "mutants", 4, 5, "mutants the kept tests let survive")
        keep = MutantKeepReport(budget_seconds=js.settings.testing_mutant_keep_seconds)
        kept, dropped = _mutant_killers(js, kept, dropped, message, symbol, keep)
    report(progress, "prove", 4, 5, f"{len(kept)} tests kept")
    result = _finish(js, kept, dropped, bugs, before, existing, target_coverage, message, lines)
    result.mutant_keep = keep if keep is not None and keep.candidates else None
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _with_fc(header: str, cands: list[Cand]) -> str:
    """``header`` with the line binding fast-check's ``fc`` when a property test is among
    ``cands``."""
    if not any(c[3] == "property" for c in cands):
        return header
    return header + "\n" + fc_import(header)


def _fc_by_path(js: _Js, text: str) -> str:
    """``text`` importing the sandbox's shared fast-check by its path in an ES module: the
    runner's ``node_modules/fast-check`` link cannot be made where the project's installed
    packages are mounted read-only there, and ES modules ignore NODE_PATH (the file
    handed to the user keeps ``'fast-check'``, a devDependency)."""
    if not (js.esm and js.node_path) or "import fc from 'fast-check';" not in text:
        return text
    entry = json.dumps(f"{js.node_path}/fast-check/lib/esm/fast-check.js")
    return text.replace("import fc from 'fast-check';", f"import fc from {entry};")


def _node_file(js: _Js, cands: list[Cand]) -> str:
    """A CommonJS node:test file of ``cands`` (their bodies use only node's assert, so a
    jest candidate runs the same under node)."""
    head = _with_fc(js.header, cands).replace("const test = require('node:test');\n", "")
    if js.node_path:  # the mutant runner sets no NODE_PATH: the shared copy by its path
        entry = "fast-check/lib/esm/fast-check.js" if js.esm else "fast-check"
        head = head.replace("'fast-check'", json.dumps(f"{js.node_path}/{entry}"))
    if js.esm or js.typescript:
        head = head.replace("import test from 'node:test';\n", "")
        return "import test from 'node:test';\n" + head + "\n\n" + "\n".join(c[2] for c in cands)
    return "const test = require('node:test');\n" + head + "\n\n" + "\n".join(c[2] for c in cands)


def _mutant_killers(
    js: _Js, kept: list[tuple[Cand, CandidateResult]], dropped: list[CandidateResult],
    message: list[str], symbol: str | None = None, keep: MutantKeepReport | None = None,
) -> tuple[list[tuple[Cand, CandidateResult]], list[CandidateResult]]:  # fmt: skip
    """Keep, among the candidates that passed 3/3 but added no coverage, the fewest that
    kill the mutants the kept tests let survive (greedy, most kills first). Two mutation
    runs: the kept tests against every mutant, then all those candidates against the
    survivors, with each mutant's failing tests named."""
    tries = {d.name: d for d in dropped if d.reason.startswith(NO_COVERAGE)}
    if not tries:
        return kept, dropped
    folder = js.test_path.rsplit("/", 1)[0]
    ext = ".ts" if js.typescript else ".mjs" if js.esm else ".js"
    kept_path, tries_path = f"{folder}/_devlab_kept.test{ext}", f"{folder}/_devlab_tries.test{ext}"
    cands: list[Cand] = [(d.name, d.target, d.code, d.strategy) for d in tries.values()]

    def run_tries(files: dict[str, str], mutants: list, failing: dict) -> None:
        run_js_mutants(files, js.settings, path=js.path, tests=[tries_path], mutants=mutants,
                       failing=failing, typescript=js.typescript)  # fmt: skip

    won, note = keep_mutant_killers(
        js.pf, js.settings, path=js.path, symbol=symbol, tries=tries,
        kept_file=(kept_path, _node_file(js, [c for c, _ in kept])),
        tries_file=(tries_path, _node_file(js, cands)), run_tries=run_tries, timeout=10.0,
        report=keep,
    )  # fmt: skip
    message.append(note)
    kept = kept + [((r.name, r.target, r.code, r.strategy), r) for r in won]
    return kept, [d for d in dropped if not d.kept]


def _wanted(call: dict[str, Any], symbol: str | None) -> bool:
    if not symbol:
        return True
    label = str(call.get("target", "")).removeprefix("new ")
    return symbol in (label, label.split(".")[-1], label.split(".")[0])


def _model_candidates(
    model: ModelFn, js: _Js, missing: set[int], symbol: str | None, limit: int = 4
) -> list[Cand]:
    """The model's tests of the functions with lines still missed, renamed uniquely."""
    from devlab.llm import extract_code, render_prompt_blocks

    text = js.pf.files[js.path]
    source = text.splitlines()
    funcs = [f for f in js_functions(text) if not symbol or f.name == symbol]
    chosen = [f for f in funcs if set(range(f.start, f.end + 1)) & missing][:limit]
    found: list[Cand] = []
    for fn in chosen:
        uncovered = sorted(set(range(fn.start, fn.end + 1)) & missing)
        texts, _ = render_prompt_blocks(
            "generate_js_tests", ("system", "user"), package="devlab.testing",
            path=js.path, source="\n".join(source[fn.start - 1 : fn.end])[:6000],
            header=js.header, binding=js.binding, function=fn.name,
            missing=", ".join(map(str, uncovered[:40])),
        )  # fmt: skip
        reply = model(texts["system"], texts["user"])
        blocks = [*extract_code(reply, "javascript"), *extract_code(reply, "js")]
        if js.typescript:
            blocks += [*extract_code(reply, "typescript"), *extract_code(reply, "ts")]
        for block in blocks[:1]:
            for body in split_js_tests(block.code):
                title = f"devlab: model {fn.name} #{len(found)}"
                found.append((title, fn.name, _test(title, body), "model"))
    return found


def split_js_tests(code: str) -> list[str]:
    """The bodies of the top-level ``test(...)``/``it(...)`` calls of a reply."""
    from devlab.testing.jsrun import block_end

    lines = code.splitlines()
    out = []
    number = 1
    while number <= len(lines):
        line = lines[number - 1].lstrip()  # also inside a describe(...) block
        if line.startswith(("test(", "it(", "test.only(")) and "{" in line:
            end = block_end(lines, number, number + 200)
            body = lines[number : end - 1]
            if body:
                out.append("\n".join(body))
            number = end + 1
            continue
        number += 1
    return out[:12]


def _finish(
    js: _Js, kept: list[tuple[Cand, CandidateResult]], dropped: list[CandidateResult],
    bugs: list[SuspectedBug], before: CoverageSummary, existing: list[str], target: float,
    message: list[str], lines: list[int],
) -> GenerateResult:  # fmt: skip
    head = f"// Tests generated by DevLab and verified in its sandbox ({js.framework}).\n"
    header = _with_fc(js.header, [c for c, _ in kept])
    code = head + header + "\n\n" + "\n".join(c[2] for c, _ in kept) if kept else ""
    after, proof = before, {}
    if kept:
        run = js.suite({js.test_path: _fc_by_path(js, code)}, [*existing, js.test_path])
        after = _summary_of(run, js.path, js.pf.files[js.path]) or before
        if js.typescript and js.framework == "node:test":  # jest's istanbul: statements only
            after = _code_only(run, js.path, lines, js.pf.files[js.path]) or after
        ours = [t for t in run.tests if t.name.startswith("devlab: ") or js.test_path in t.name]
        proof = {"sandbox_status": run.status, "tests": len(run.tests),
                 "failing_generated": [t.name for t in ours if t.outcome != "passed"],
                 "seconds": run.seconds, "error": run.error}  # fmt: skip
        if not existing and before.lines_covered == 0:
            before = CoverageSummary(lines=after.lines, branches=after.branches)
    else:
        message.append("no candidate passed 3 runs and added coverage")
    diff = "".join(difflib.unified_diff([], code.splitlines(keepends=True), "/dev/null",
                                        f"b/{js.test_path}")) if code else ""  # fmt: skip
    strategies: dict[str, int] = {}
    for _, res in kept:
        strategies[res.strategy] = strategies.get(res.strategy, 0) + 1
    return GenerateResult(
        project=js.pf.name, path=js.path, framework=js.framework, test_path=js.test_path,
        diff=diff, test_code=code, kept=[r for _, r in kept], dropped=dropped,
        suspected_bugs=bugs, before=before, after=after,
        target_reached=after.line_percent >= target, strategies=strategies, proof=proof,
        message="; ".join(message),
    )  # fmt: skip
