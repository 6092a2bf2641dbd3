"""Test generation for a Python file: propose cheapest first, keep only what the sandbox
proves.

Reading order: ``_baseline`` (what the project's own tests already cover in the target
file) -> ``_probe`` (boundary calls run once; characterisation tests for the calls that
reach something new) -> the docstring-example and Hypothesis candidates -> the model's
candidates, asked for only when the cheaper strategies left the target short ->
``_verify`` (every candidate run three times under coverage with per-test contexts:
kept only when it passes every time, covers exactly the same lines each time, and adds
lines or branches nothing kept before it reached) -> ``_prove`` (the final file with
the project's tests, once more, for coverage after) -> a unified diff.
"""

from __future__ import annotations

import contextvars
import difflib
import posixpath
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from devlab.config import Settings
from devlab.errors import NotFound
from devlab.progress import ProgressFn, report
from devlab.testing.errors import NothingToTest, UnsupportedFramework
from devlab.testing.measure import summary_of
from devlab.testing.models import (
    FRAMEWORKS,
    CandidateResult,
    CoverageSummary,
    GenerateResult,
    MutantKeepReport,
    SuspectedBug,
    TestPlan,
)
from devlab.testing.mutantkeep import keep_mutant_killers
from devlab.testing.plan import plan_for_code
from devlab.testing.probe import Coverage, probe_file, to_candidates
from devlab.testing.project import ProjectFiles, module_of
from devlab.testing.pydocs import doc_sources
from devlab.testing.pymodel import allowed_imports, ask_for_tests, calls_from_code, whole_tests
from devlab.testing.pysearch import CallPlanner
from devlab.testing.sandboxrun import SuiteRun, run_suite
from devlab.testing.strategies import (
    Call,
    Candidate,
    doctest_candidates,
    property_candidates,
)
from devlab.testing.targets import Target, find_targets

__all__ = ["ModelFn", "check_framework", "framework_key", "generate_tests"]

ModelFn = Callable[[str, str], str]
"""``(system, user) -> reply``: the language model, or None for no model."""

_RUNS = 3
_MAX_ROUNDS = 4
_PROBE_FILE = "test_devlab_probe.py"


_ALIASES = {
    "go": "go test",
    "gotest": "go test",
    "go-test": "go test",
    "go_test": "go test",
    "node": "node:test",
    "node-test": "node:test",
    "nodetest": "node:test",
}


def framework_key(framework: str) -> str:
    """The framework's canonical name (``go``, ``gotest`` -> ``go test``)."""
    key = " ".join(framework.lower().split())
    return _ALIASES.get(key, key)


def check_framework(framework: str) -> str:
    """The framework's language; ``UnsupportedFramework`` (400) lists the supported ones."""
    key = framework_key(framework)
    if key not in FRAMEWORKS:
        raise UnsupportedFramework(
            f"unsupported framework {framework!r}; supported: {', '.join(FRAMEWORKS)}",
            detail={"supported": list(FRAMEWORKS)},
        )
    return FRAMEWORKS[key]


def _branch_arcs(run: SuiteRun, path: str) -> set[tuple[int, int]]:
    raw = run.files.get(path, {})
    return {tuple(b) for b in [*raw.get("executed_branches", []), *raw.get("missing_branches", [])]}  # type: ignore[misc]


def _context_cov(run: SuiteRun, ctx: str, path: str, branches: set) -> Coverage:
    got = run.contexts.get(ctx, {}).get(path, {})
    return Coverage(set(got.get("lines", [])), {tuple(a) for a in got.get("arcs", [])} & branches)  # type: ignore[misc]


def _summary(run: SuiteRun, path: str) -> CoverageSummary:
    raw = run.files.get(path)
    return summary_of(raw["summary"]) if raw else CoverageSummary()


class _Session:
    """One generation: the project files, the target and the runs' shared settings."""

    def __init__(self, pf: ProjectFiles, settings: Settings, path: str, test_timeout: float):
        self.pf, self.settings, self.path = pf, settings, path
        self.module = module_of(path, pf.roots)
        self.timeout = test_timeout
        self.omit = [p for p in pf.files if p != path] + ["test_devlab_*.py"]
        self.mutant_keep: MutantKeepReport | None = None  # the second rule's report

    def run(self, extra: dict[str, str], targets: list[str], contexts: bool) -> SuiteRun:
        files = {**self.pf.files, **extra}
        return run_suite(
            files,
            self.settings,
            targets=targets,
            omit=self.omit,
            paths=self.pf.roots,
            contexts=contexts,
            test_timeout=self.timeout,
        )


def _file(candidates: list[Candidate], header: tuple[str, ...] = ()) -> str:
    imports = list(dict.fromkeys([*header, *(i for c in candidates for i in c.imports)]))
    body = "\n\n".join(c.code.rstrip() + "\n" for c in candidates)
    return "\n".join(_tidy_import(i, body) for i in imports) + "\n\n\n" + body


def _tidy_import(line: str, body: str) -> str:
    """``from m import a, b, c``: only the names the tests use, wrapped when long."""
    head, sep, names = line.partition(" import ")
    if not head.startswith("from ") or not sep or "(" in names or " as " in names:
        return line
    words = set(re.findall(r"\w+", body))
    used = [n.strip() for n in names.split(",") if n.strip() in words] or [names.split(",")[0]]
    text = f"{head} import {', '.join(used)}"
    if len(text) <= 100:
        return text
    return f"{head} import (\n" + "".join(f"    {n},\n" for n in used) + ")"


def _verify(
    session: _Session,
    groups: list[list[Candidate]],
    covered: Coverage,
    branches: set,
) -> tuple[list[tuple[Candidate, CandidateResult]], list[CandidateResult]]:
    """Run each group ``_RUNS`` times and keep candidates by the rules.

    A group's sandbox run holds ``_RUNS`` copies of its file: each copy is its own
    module, so a test is run three times in one pytest session (cheaper than three
    sandbox starts, and stricter: a test that depends on what ran before it covers
    different lines in a later copy and is dropped as not deterministic)."""

    def run_group(i: int) -> SuiteRun:
        files = {f"test_devlab_cand_{i}_r{r}.py": _file(groups[i]) for r in range(_RUNS)}
        return session.run(files, sorted(files), contexts=True)

    # one sandbox run per group, so a slow or broken group cannot sink the others
    busy = [i for i, g in enumerate(groups) if g]
    with ThreadPoolExecutor(max_workers=2) as pool:
        # each run in a copy of this context: the sandbox meter charges the caller (#19)
        futures = [pool.submit(contextvars.copy_context().run, run_group, i) for i in busy]
        runs = {i: future.result() for i, future in zip(busy, futures, strict=True)}
    kept: list[tuple[Candidate, CandidateResult]] = []
    dropped: list[CandidateResult] = []
    for i, group in enumerate(groups):
        for cand in group:
            run = runs[i]
            nodes = [f"test_devlab_cand_{i}_r{r}.py::{cand.name}" for r in range(_RUNS)]
            outcomes = [run.tests.get(n, {}).get("outcome", "not run") for n in nodes]
            result = CandidateResult(
                name=cand.name,
                strategy=cand.strategy,  # type: ignore[arg-type]
                target=cand.target,
                kept=False,
                reason="",
                runs=outcomes,
                code=cand.code,
            )
            covs = [_context_cov(run, n, session.path, branches) for n in nodes]
            if any(o != "passed" for o in outcomes):
                message = next(
                    (
                        run.tests[n].get("message", "")
                        for n in nodes
                        if run.tests.get(n, {}).get("message")
                    ),
                    "",
                )
                flaky = "passed" in outcomes
                if not message:
                    collect = run.collect_errors.get(f"test_devlab_cand_{i}_r0.py", "")
                    message = collect or run.error or "the test did not run"
                last = message.strip().splitlines()[-1] if message.strip() else ""
                result.reason = ("flaky: " if flaky else f"{outcomes[0]}: ") + last[:300]
            elif any(c.lines != covs[0].lines or c.arcs != covs[0].arcs for c in covs[1:]):
                result.reason = "not deterministic: it covered different lines on different runs"
            else:
                new_lines, new_branches = covs[0].new_over(covered)
                result.new_lines, result.new_branches = new_lines, new_branches
                if new_lines == 0 and new_branches == 0:
                    result.reason = "adds no line or branch coverage over the tests kept before it"
                else:
                    covered.add(covs[0])
                    result.kept = True
                    result.reason = (
                        f"passed {_RUNS}/{_RUNS}; +{new_lines} lines, +{new_branches} branches"
                    )
            (kept.append((cand, result)) if result.kept else dropped.append(result))
    return kept, dropped


def _unique(cands: list[Candidate], taken: set[str]) -> list[Candidate]:
    for cand in cands:
        base, n = cand.name, 1
        while cand.name in taken:
            n += 1
            cand.code = cand.code.replace(f"def {cand.name}(", f"def {base}_{n}(", 1)
            cand.name = f"{base}_{n}"
        taken.add(cand.name)
    return cands


def _test_path(pf: ProjectFiles, path: str) -> str:
    stem = posixpath.basename(path).removesuffix(".py")
    if stem == "__init__":  # a package's own module: name the test after the package
        stem = posixpath.basename(posixpath.dirname(path)) or "package"
    folder = pf.test_dir()
    candidate = posixpath.join(folder, f"test_{stem}_generated.py")
    n = 2
    while candidate in pf.files:
        candidate = posixpath.join(folder, f"test_{stem}_generated_{n}.py")
        n += 1
    return candidate


def generate_tests(
    pf: ProjectFiles,
    settings: Settings,
    *,
    path: str,
    symbol: str | None = None,
    framework: str = "pytest",
    target_coverage: float = 95.0,
    model: ModelFn | None = None,
    progress: ProgressFn | None = None,
    test_timeout: float = 5.0,
    model_targets: int = 4,
    search_seconds: float = 150.0,
) -> GenerateResult:
    """Generate verified tests for ``path`` in ``pf`` (see the module doc);
    ``search_seconds`` bounds the coverage-guided probe rounds (from the start)."""
    started = time.monotonic()
    check_framework(framework)
    if path not in pf.files:
        raise NotFound(f"{path!r} is not a file of project {pf.name!r}")
    if not path.endswith(".py"):
        raise NothingToTest(f"{path!r} is not a Python file; the pytest framework tests .py files")
    session = _Session(pf, settings, path, test_timeout)
    message: list[str] = []
    targets, plan = _targets(pf, path, symbol, message)
    report(progress, "baseline", 0, 5, "the project's own tests")
    existing = [t for t in pf.test_files if t != path]
    base = session.run({}, existing or [_PROBE_FILE], contexts=False) if existing else None
    names = sorted({t.cls or t.name for t in targets})
    imports = [f"from {session.module} import {', '.join(names)}"] if names else []
    docs = doc_sources(pf.files, path)  # the module's, its package's and the doc files' examples
    planner = CallPlanner(targets, pf.files[path], session.module, docs)
    calls = planner.first_calls()
    report(progress, "probe", 1, 5, f"{len(calls)} boundary calls")
    probe = session.run({_PROBE_FILE: probe_file(calls, imports)}, [_PROBE_FILE], contexts=True)
    branches = _branch_arcs(probe, path)
    before_run = base or probe
    raw = before_run.files.get(path, {})
    covered = Coverage(
        set(raw.get("executed_lines", [])) if base else set(),
        {tuple(b) for b in raw.get("executed_branches", [])} if base else set(),
    )  # type: ignore[misc]
    # what importing the module runs (def and class lines) is covered by any test of it
    covered.add(_context_cov(probe, "", path, branches))
    before = _summary(base, path) if base else _zero(_summary(probe, path))
    if probe.error and not probe.files:
        message.append(f"the module did not run in the sandbox: {probe.error}")
    taken: set[str] = set()
    groups, bugs = _candidates(
        session, targets, calls, probe, path, branches, covered, imports, taken,
        _Search(planner, started + search_seconds, progress),
    )  # fmt: skip
    report(progress, "verify", 2, 5, f"{sum(map(len, groups))} candidates, {_RUNS} runs each")
    kept, dropped = _verify(session, groups, covered, branches)
    statements = raw.get("summary", {}).get("num_statements", 0) if raw else 0
    statements = statements or _summary(probe, path).lines
    line_pct = 100.0 * len(covered.lines) / statements if statements else 100.0
    branch_pct = 100.0 * len(covered.arcs & branches) / len(branches) if branches else 100.0
    # the target holds for lines and branches alike: the model is asked when either is short
    if model is not None and min(line_pct, branch_pct) < target_coverage and targets:
        report(progress, "model", 3, 5, "asking the language model for the rest")
        more_kept, more_dropped, more = _model_round(
            model, session, targets, probe, branches, covered, model_targets, taken,
            message, plan, imports,
        )  # fmt: skip
        kept += more_kept
        dropped += more_dropped
        groups += more  # the second rule judges the model's candidates too
    if kept and session.settings.testing_mutant_keep:  # the second rule: kills a mutant
        kept, dropped = _second_rule(
            session, kept, dropped, groups, existing, symbol, message, progress
        )
    report(progress, "prove", 4, 5, f"{len(kept)} tests kept")
    result = _finish(session, pf, kept, dropped, bugs, before, existing, framework,
                     target_coverage, message, started)  # fmt: skip
    result.plan = plan
    result.mutant_keep = session.mutant_keep
    return result


def _targets(
    pf: ProjectFiles, path: str, symbol: str | None, message: list[str]
) -> tuple[list[Target], TestPlan | None]:
    """The functions to test and their plan (a file Python 3.11 cannot parse has none)."""
    try:
        targets = find_targets(pf.files[path], symbol)
    except SyntaxError as exc:
        message.append(f"Python 3.11 cannot parse {path} (line {exc.lineno}): no tests generated")
        return [], None
    if symbol and not targets:
        raise NotFound(f"no public function, class or method {symbol!r} in {path}")
    return targets, plan_for_code(pf.files[path], path=path, symbol=symbol) if targets else None


def _second_rule(
    session: _Session,
    kept: list[tuple[Candidate, CandidateResult]],
    dropped: list[CandidateResult],
    groups: list[list[Candidate]],
    existing: list[str],
    symbol: str | None,
    message: list[str],
    progress: ProgressFn | None,
) -> tuple[list[tuple[Candidate, CandidateResult]], list[CandidateResult]]:
    """Keep the no-coverage candidates that kill a surviving mutant (``mutantkeep``)."""
    pf, path = session.pf, session.path
    header = (f'"""Tests of {session.module} generated by DevLab."""',)
    kept, dropped, keep = keep_mutant_killers(
        pf, session.settings, path=path, symbol=symbol, existing=existing, kept=kept,
        dropped=dropped, candidates={c.name: c for g in groups for c in g},
        render={_test_path(pf, path): _file([c for c, _ in kept], header)},
        progress=progress, test_timeout=session.timeout,
    )  # fmt: skip
    session.mutant_keep = keep
    message += [keep.note] if keep else []
    return kept, dropped


class _Search:
    """The coverage-guided probe rounds after the first probe (``pysearch``)."""

    def __init__(self, planner: CallPlanner, deadline: float, progress: ProgressFn | None):
        self.planner, self.deadline, self.progress = planner, deadline, progress
        self.rounds_run = 0

    def rounds(
        self,
        session: _Session,
        calls: list[Call],
        probe: SuiteRun,
        estimate: Coverage,
        branches: set,
        by_name: dict[str, Target],
        imports: list[str],
    ) -> tuple[list[Candidate], list[SuspectedBug]]:
        path = session.path
        raw = probe.files.get(path, {})
        lines = set(raw.get("missing_lines", [])) | set(raw.get("executed_lines", []))
        # sequences (calls with a setup) are not expressions later rounds can build on
        outcomes = {c.expr: (c.target, probe.probe[c.id]) for c in _plain(calls, probe)}
        found: list[Candidate] = []
        bugs: list[SuspectedBug] = []
        for rnd in range(1, _MAX_ROUNDS + 1):
            missing = (lines - estimate.lines) | {a for a, _ in branches - estimate.arcs}
            if not missing or time.monotonic() > self.deadline:
                break
            more = self.planner.more_calls(rnd, missing, outcomes)
            if not more:
                break
            report(self.progress, "probe", 1, 5, f"round {rnd + 1}: {len(more)} calls")
            run = session.run({_PROBE_FILE: probe_file(more, imports)}, [_PROBE_FILE], True)
            self.rounds_run = rnd
            per_call = {
                c.id: _context_cov(run, f"{_PROBE_FILE}::test_{c.id}", path, branches) for c in more
            }
            outcomes |= {c.expr: (c.target, run.probe[c.id]) for c in _plain(more, run)}
            new, new_bugs = to_candidates(more, run.probe, per_call, estimate, by_name,
                                          tuple(imports))  # fmt: skip
            found += new
            bugs += new_bugs
            if not new:
                break  # this round reached nothing new: another one would not either
        return found, bugs


def _plain(calls: list[Call], run: SuiteRun) -> list[Call]:
    """The probed calls without a setup (single expressions) that left a record."""
    return [c for c in calls if c.id in run.probe and not c.setup]


def _candidates(
    session: _Session,
    targets: list[Target],
    calls: list[Call],
    probe: SuiteRun,
    path: str,
    branches: set,
    covered: Coverage,
    imports: list[str],
    taken: set[str],
    search: _Search | None = None,
) -> tuple[list[list[Candidate]], list[SuspectedBug]]:
    """The model-free candidate groups (doctests, boundary calls that reach new code,
    Hypothesis properties where the probe left lines) and the calls that look like bugs."""
    per_call = {
        c.id: _context_cov(probe, f"{_PROBE_FILE}::test_{c.id}", path, branches) for c in calls
    }
    by_name = {t.qualname: t for t in targets}
    probe_lines = set(probe.files.get(path, {}).get("missing_lines", [])) | set(
        probe.files.get(path, {}).get("executed_lines", [])
    )
    doctests = _unique(doctest_candidates(targets, session.module), taken)
    estimate = Coverage(set(covered.lines), set(covered.arcs))
    boundary, bugs = to_candidates(calls, probe.probe, per_call, estimate, by_name, tuple(imports))
    if search is not None:
        more, more_bugs = search.rounds(session, calls, probe, estimate, branches, by_name, imports)
        boundary += more
        bugs += [b for b in more_bugs if (b.target, b.exception) not in
                 {(x.target, x.exception) for x in bugs}]  # fmt: skip
    boundary = _unique(boundary, taken)
    # Hypothesis is the dearest model-free strategy: only where the probe left lines
    short = [
        t
        for t in targets
        if set(range(t.start_line + 1, t.end_line + 1)) & (probe_lines - estimate.lines)
    ]
    properties = _unique(property_candidates(short, session.module), taken)
    return [doctests, boundary, properties], bugs


def _model_round(
    model: ModelFn,
    session: _Session,
    targets: list[Target],
    probe: SuiteRun,
    branches: set,
    covered: Coverage,
    model_targets: int,
    taken: set[str],
    message: list[str],
    plan: TestPlan | None,
    imports: list[str],
) -> tuple[list[tuple[Candidate, CandidateResult]], list[CandidateResult], list[list[Candidate]]]:
    """Ask the model about the functions with the most lines still missed, within
    ``testing_model_seconds``; its tests as written and, through the probe, the calls
    they make (``pymodel``) are verified like every other candidate. A provider
    failure is noted in ``message`` and loses nothing verified so far."""
    path = session.path
    raw = probe.files.get(path, {})
    lines = set(raw.get("executed_lines", [])) | set(raw.get("missing_lines", []))
    whole, calls = _ask_model(model, session, targets, lines - covered.lines, model_targets,
                              message, plan)  # fmt: skip
    groups = [_unique(whole, taken), _model_calls(session, calls, targets, branches, covered,
                                                  imports, taken)]  # fmt: skip
    kept, dropped = _verify(session, groups, covered, branches) if any(groups) else ([], [])
    return kept, dropped, groups


def _ask_model(
    model: ModelFn,
    session: _Session,
    targets: list[Target],
    missing: set[int],
    limit: int,
    message: list[str],
    plan: TestPlan | None,
) -> tuple[list[Candidate], list[Call]]:
    """The model's tests and calls for the ``limit`` functions with the most missed
    lines, asked one by one until ``testing_model_seconds`` is spent."""
    budget = session.settings.testing_model_seconds
    deadline = time.monotonic() + budget

    def missed(t: Target) -> list[int]:
        return sorted(set(range(t.start_line, t.end_line + 1)) & missing)

    chosen = [t for t in sorted(targets, key=lambda t: -len(missed(t))) if missed(t)][:limit]
    tests = session.pf.test_files
    example = "\n".join(session.pf.files[tests[0]].splitlines()[:40]) if tests else ""
    names = {t.cls or t.name for t in targets}
    whole: list[Candidate] = []
    calls: list[Call] = []
    for asked, target in enumerate(chosen):
        left = deadline - time.monotonic()
        if left <= 0:
            message.append(f"the model's time budget ({budget:.0f} s) was spent after "
                           f"{asked} of {len(chosen)} functions")  # fmt: skip
            break
        cases = [f"- {c.name}: {c.inputs} -> {c.expected}"
                 for c in (plan.cases if plan else []) if c.target == target.qualname]  # fmt: skip
        try:
            code = ask_for_tests(model, target, module=session.module, path=session.path,
                                 missing=missed(target), example=example,
                                 cases="\n".join(cases), seconds=left)  # fmt: skip
        except Exception as exc:  # a provider failure must not lose the verified tests
            message.append(f"the language model failed: {exc}")
            break
        whole += whole_tests(code, target, session.module)
        calls += calls_from_code(code, names, target.qualname, allowed_imports(code), len(calls))
    return whole, calls


def _model_calls(
    session: _Session,
    calls: list[Call],
    targets: list[Target],
    branches: set,
    covered: Coverage,
    imports: list[str],
    taken: set[str],
) -> list[Candidate]:
    """The model's calls run once through the probe: characterisation tests of those
    that reach something new (the code under test supplies the expected values)."""
    if not calls:
        return []
    run = session.run({_PROBE_FILE: probe_file(calls, imports)}, [_PROBE_FILE], contexts=True)
    per_call = {
        c.id: _context_cov(run, f"{_PROBE_FILE}::test_{c.id}", session.path, branches)
        for c in calls
    }
    estimate = Coverage(set(covered.lines), set(covered.arcs))
    by_name = {t.qualname: t for t in targets}
    found, _ = to_candidates(calls, run.probe, per_call, estimate, by_name, tuple(imports))
    for cand in found:  # the model chose the input: say so in the name and the strategy
        name = cand.name.replace("test_", "test_model_", 1)
        cand.code = cand.code.replace(f"def {cand.name}(", f"def {name}(", 1)
        cand.name, cand.strategy = name, "model"
    return _unique(found, taken)


def _zero(summary: CoverageSummary) -> CoverageSummary:
    return CoverageSummary(lines=summary.lines, branches=summary.branches)


def _finish(
    session: _Session,
    pf: ProjectFiles,
    kept: list[tuple[Candidate, CandidateResult]],
    dropped: list[CandidateResult],
    bugs: list[SuspectedBug],
    before: CoverageSummary,
    existing: list[str],
    framework: str,
    target: float,
    message: list[str],
    started: float,
) -> GenerateResult:
    path = session.path
    test_path = _test_path(pf, path)
    header = (f'"""Tests of {session.module} generated by DevLab and verified in its sandbox."""',)
    code = _file([c for c, _ in kept], header) if kept else ""
    after, proof = before, {}
    if kept:
        final = session.run({test_path: code}, [*existing, test_path], contexts=False)
        after = _summary(final, path)
        failing = [
            n
            for n, t in final.tests.items()
            if n.startswith(test_path) and t.get("outcome") != "passed"
        ]
        proof = {
            "sandbox_status": final.status,
            "tests": len(final.tests),
            "failing_generated": failing,
            "seconds": final.seconds,
        }
    diff = (
        "".join(
            difflib.unified_diff([], code.splitlines(keepends=True), "/dev/null", f"b/{test_path}")
        )
        if code
        else ""
    )
    strategies: dict[str, int] = {}
    for _, res in kept:
        strategies[res.strategy] = strategies.get(res.strategy, 0) + 1
    if not kept:
        message.append("no candidate passed 3 runs and added coverage")
    return GenerateResult(
        project=pf.name,
        path=path,
        framework=framework,
        test_path=test_path,
        diff=diff,
        test_code=code,
        kept=[r for _, r in kept],
        dropped=dropped,
        suspected_bugs=bugs,
        before=before,
        after=after,
        target_reached=after.line_percent >= target,
        strategies=strategies,
        proof=proof,
        message="; ".join(message),
        seconds=round(time.monotonic() - started, 2),
    )
