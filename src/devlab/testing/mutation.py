"""Mutation score of a file's tests, with the dataset pipeline's AST mutants.

The mutants are the training pipeline's (``devlab.training.datasets.mutate``: operator
swap, comparison flip, off-by-one, wrong variable, negated/removed condition, swapped
arguments, wrong literal; each one re-parsed so it is valid code), and they run on its
forked-pytest variant runner (``validate.run_validations``): one sandbox run per batch,
the original first (when the tests fail on it, the batch says nothing), then each mutant
in a forked child under a per-mutant time limit. A mutant is *killed* when the tests
fail, error or time out on it.

Incremental: each function's results are stored with a hash of its source and of the
tests; a later run reuses the results of every function whose hash did not change and
mutates only the changed ones.
"""

from __future__ import annotations

import difflib
import hashlib
import posixpath
import random
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from sqlalchemy import select

from devlab.codebase import parse_source
from devlab.config import Settings
from devlab.errors import NotFound
from devlab.progress import ProgressFn, report
from devlab.store import Database, TestRunRow
from devlab.testing.envcache import node_env
from devlab.testing.errors import NothingToTest
from devlab.testing.gomutate import BATCH as GO_BATCH
from devlab.testing.gomutate import run_go_mutants
from devlab.testing.gosig import go_functions
from devlab.testing.javamutate import BATCH as JAVA_BATCH
from devlab.testing.javamutate import run_java_mutants
from devlab.testing.javarun import java_tests
from devlab.testing.jestrun import has_jest_config, jest_tests, uses_jest
from devlab.testing.jsmutate import BATCH as JS_BATCH
from devlab.testing.jsmutate import run_js_mutants
from devlab.testing.jsrun import JS_SUFFIXES, TS_SUFFIXES, js_tests, ts_tests
from devlab.testing.jssig import generated_test_layout, js_functions
from devlab.testing.mavenenv import maven_env
from devlab.testing.models import MutantResult, MutationReport
from devlab.testing.project import ProjectFiles, without_addopts
from devlab.testing.sandboxrun import variants_per_run
from devlab.testing.targets import find_targets
from devlab.training import (
    OPERATORS,
    FileTask,
    SymbolInfo,
    ValidationJob,
    mutate_unit,
    parse_units,
    run_validations,
)

__all__ = [
    "MutantBudget",
    "file_mutants",
    "mutant_language",
    "mutant_tests",
    "mutation_score",
    "run_mutation",
    "run_python_variants",
]

T = TypeVar("T")

_BATCH = 25  # mutants per sandbox run (the run's wall limit grows with it)
_SEEDS = 3  # mutate_unit gives one mutant per operator; more seeds, more sites
# mutants per budget check: one sandbox run of the language's runner (its own batch size)
_CHUNK = {"go": GO_BATCH, "java": JAVA_BATCH, "javascript": JS_BATCH, "typescript": JS_BATCH}


@dataclass
class MutantBudget:
    """A time budget for mutant runs (the mutant-killing keep step's): a sandbox run
    starts only while time is left, and Python's variant driver stops starting mutants
    once it is spent, so the step ends about one mutant's time limit after the budget.
    ``tried``/``skipped`` count the mutant runs done and those left out for lack of
    time. ``clock`` is injectable so that tests can make the budget run out for sure."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    tried: int = 0
    skipped: int = 0
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def left(self) -> float:
        """Seconds left (<= 0: spent)."""
        return self.seconds - (self.clock() - self.started)

    def spent(self) -> bool:
        return self.left() <= 0

    def chunks(self, items: list[T], size: int) -> Iterator[list[T]]:
        """``items``, ``size`` at a time (about one sandbox run each), while time is
        left; once it is spent, the rest are counted as skipped."""
        for at in range(0, len(items), size):
            if self.spent():
                self.skipped += len(items) - at
                return
            yield items[at : at + size]


def run_python_variants(
    jobs: list[ValidationJob],
    settings: Settings,
    timeout: float,
    budget: MutantBudget | None = None,
    progress: ProgressFn | None = None,
) -> tuple[dict[str, str], str]:
    """Python mutant runs (``validate.run_validations``, two sandbox runs at a time):
    each variant's outcome by id from the runs whose reference passed, and why the
    others were not judged. With a ``budget``, no run starts once it is spent and each
    run's driver stops at it: the variants left out are ``not-run`` and counted in
    ``budget.skipped``."""
    done: dict[str, str] = {}
    message = ""
    step = 2 if budget is not None else max(1, len(jobs))
    for at in range(0, len(jobs), step):
        part = jobs[at : at + step]
        if budget is not None:
            left = budget.left()
            if left <= 0:
                budget.skipped += sum(len(j.variants) - 1 for j in jobs[at:])
                break
            for job in part:
                job.budget = left
        part_done, part_message = _run_jobs(part, settings, timeout, progress)
        message = part_message or message
        if budget is not None:
            outcomes = [v for k, v in part_done.items() if k != "original"]
            budget.skipped += outcomes.count("not-run")
            budget.tried += len(outcomes) - outcomes.count("not-run")
        done.update(part_done)
    return done, message


def mutant_language(path: str) -> str:
    """The language whose mutants ``path`` gets (by suffix; Python otherwise)."""
    if path.endswith(".java"):
        return "java"
    if path.endswith(TS_SUFFIXES):
        return "typescript"
    return (
        "go" if path.endswith(".go") else "javascript" if path.endswith(JS_SUFFIXES) else "python"
    )


def mutant_tests(pf: ProjectFiles, path: str) -> list[str]:
    """The tests a file's mutants run against: node:test files for JavaScript (the
    jest suite of a project that has no node:test files and runs jest), the
    package's ``_test.go`` files for Go, the JUnit classes for Java, the project's
    pytest files otherwise."""
    language = mutant_language(path)
    if language == "java":
        return java_tests(pf.files)
    if language == "go":
        folder = posixpath.dirname(path)
        return sorted(p for p in pf.files
                      if p.endswith("_test.go") and posixpath.dirname(p) == folder)  # fmt: skip
    if language in ("javascript", "typescript"):
        typescript = language == "typescript"
        node = js_tests(pf.files) + (ts_tests(pf.files) if typescript else [])
        if node or not (uses_jest(pf.manifests) or has_jest_config(pf.files)):
            return node
        return jest_tests(pf.files, typescript)  # a jest project: its jest suite
    return pf.test_files


def _symbols(path: str, text: str, symbol: str | None, language: str) -> tuple[SymbolInfo, ...]:
    """The functions to mutate: Python's from its ``ast``; Go's and JavaScript's from a
    line scan of their declarations (``gosig.go_functions``, ``jssig.js_functions``);
    Java's methods and constructors from the code index's tree-sitter parser."""
    if language == "java":
        return tuple(
            SymbolInfo(m.name, m.qualname, "method", m.signature, "", m.start_line,
                       m.end_line, m.parent)
            for m in _java_methods(text)
            if not symbol or symbol in (m.name, m.qualname)
        )  # fmt: skip
    if language == "go":
        gofuncs = [f for f in go_functions(text)[0] if not symbol or symbol in (f.name, f.label)]
        return tuple(SymbolInfo(f.name, f.label, "method" if f.receiver else "function",
                                "", "", f.line, f.end, f.receiver or None)
                     for f in gofuncs)  # fmt: skip
    if language in ("javascript", "typescript"):
        funcs = [f for f in js_functions(text) if not symbol or f.name == symbol]
        inner = {f.name for f in funcs for g in funcs if g is not f and g.start < f.start <= g.end}
        return tuple(SymbolInfo(f.name, f.name, "function", "", "", f.start, f.end, None)
                     for f in funcs if f.name not in inner)  # fmt: skip
    try:
        targets = find_targets(text, symbol)
    except SyntaxError as exc:
        raise NothingToTest(f"Python 3.11 cannot parse {path} (line {exc.lineno})") from exc
    return tuple(
        SymbolInfo(
            t.name,
            t.qualname,
            "method" if t.cls else "function",
            "",
            t.docstring,
            t.start_line,
            t.end_line,
            t.cls,
        )
        for t in targets
    )


def file_mutants(
    path: str, text: str, symbol: str | None = None, per_function: int = 12
) -> dict[str, list[tuple[MutantResult, str]]]:
    """qualname -> mutants of that function: (the mutant with its diff, not yet run;
    the whole mutated file). Python, Go (``.go``), Java (``.java``) or JavaScript."""
    language = mutant_language(path)
    symbols = _symbols(path, text, symbol, language)
    task = FileTask("lab", 0, None, path, language, text, None, path, False, symbols)
    pu = parse_units(task, 1, 10_000)
    out: dict[str, list[tuple[MutantResult, str]]] = {}
    for unit in pu.units:
        seen: set[bytes] = set()
        found: list[tuple[MutantResult, str]] = []
        for seed in range(_SEEDS):
            rng = random.Random(f"{seed}:{unit.symbol.qualname}")
            for mutant in mutate_unit(pu, unit, list(OPERATORS), len(OPERATORS), rng):
                if mutant.text in seen or len(found) >= per_function:
                    continue
                seen.add(mutant.text)
                new_file = (pu.src[: unit.start] + mutant.text + pu.src[unit.end :]).decode(
                    "utf-8", "replace"
                )
                diff = "".join(
                    difflib.unified_diff(
                        text.splitlines(keepends=True),
                        new_file.splitlines(keepends=True),
                        f"a/{path}",
                        f"b/{path}",
                        n=1,
                    )
                )
                mid = f"{unit.symbol.qualname}#{len(found) + 1}"
                found.append(
                    (
                        MutantResult(
                            id=mid,
                            path=path,
                            symbol=unit.symbol.qualname,
                            operator=mutant.operator,
                            line=mutant.line,
                            outcome="error",
                            diff=diff,
                        ),
                        new_file,
                    )
                )
        out[unit.symbol.qualname] = found
    return out


def _function_hash(text: str, qualname: str, tests_hash: str, path: str = "") -> str:
    try:
        if path.endswith(".go"):
            g = next(f for f in go_functions(text)[0] if f.label == qualname)
            source = "\n".join(text.splitlines()[g.line - 1 : g.end])
        elif path.endswith(JS_SUFFIXES + TS_SUFFIXES):
            f = next(f for f in js_functions(text) if f.name == qualname)
            source = "\n".join(text.splitlines()[f.start - 1 : f.end])
        elif path.endswith(".java"):
            m = next(m for m in _java_methods(text) if m.qualname == qualname)
            source = "\n".join(text.splitlines()[m.start_line - 1 : m.end_line])
        else:
            target = next(t for t in find_targets(text, None) if t.qualname == qualname)
            source = target.source
    except (SyntaxError, StopIteration):
        source = ""
    return hashlib.sha256(f"{source}\0{tests_hash}".encode()).hexdigest()[:32]


def mutation_score(
    pf: ProjectFiles,
    settings: Settings,
    *,
    path: str,
    tests: list[str],
    extra_files: dict[str, str] | None = None,
    symbol: str | None = None,
    previous: dict[str, dict] | None = None,
    timeout: float = 10.0,
    per_function: int = 12,
    only: Collection[str] | None = None,
    progress: ProgressFn | None = None,
    budget: MutantBudget | None = None,
) -> tuple[MutationReport, dict[str, dict]]:
    """Run the mutants of ``path`` against ``tests``; returns the report and the
    per-function records to store (``previous`` records are reused when unchanged);
    ``only``: the qualified names of the functions to mutate (all when None);
    ``budget``: mutants left out when it is spent (``skipped``, neither killed nor
    survived)."""
    started = time.monotonic()
    if path not in pf.files:
        raise NotFound(f"{path!r} is not a file of project {pf.name!r}")
    files = without_addopts({**pf.files, **(extra_files or {})})
    if not tests:
        return MutationReport(
            project=pf.name,
            path=path,
            message=(
                "no tests to run the mutants against: coverage and mutation score are 0; "
                "generate tests first"
            ),
        ), {}
    text = pf.files[path]
    tests_hash = hashlib.sha256("\0".join(files[t] for t in sorted(tests)).encode()).hexdigest()
    mutants = file_mutants(path, text, symbol, per_function)
    if only is not None:  # just these functions' mutants (qualified names)
        mutants = {q: found for q, found in mutants.items() if q in only}
    records: dict[str, dict] = {}
    results: list[MutantResult] = []
    todo: list[tuple[MutantResult, str]] = []
    reused = 0
    for qualname, found in mutants.items():
        key = _function_hash(text, qualname, tests_hash, path)
        old = (previous or {}).get(qualname)
        if old and old.get("hash") == key:
            kept = [MutantResult.model_validate(r) for r in old["results"]]
            results += kept
            reused += len(kept)
            records[qualname] = old
            continue
        records[qualname] = {"hash": key, "results": []}
        todo += found
    language = mutant_language(path)
    if language == "python":
        jobs = _jobs(todo, files, path, text, tests, pf.roots, settings)
        done, message = run_python_variants(jobs, settings, timeout, budget, progress)
    else:
        run = _runner(language, pf, files, settings, path, tests, timeout, progress)
        done, message = _run_budgeted(run, todo, _CHUNK[language], budget)
    skipped = 0
    for m, _ in todo:
        if budget is not None and done.get(m.id, "not-run") == "not-run":
            skipped += 1  # left out for lack of time: neither killed nor survived
            continue
        m.outcome = _judge(done.get(m.id))
        results.append(m)
        records[m.symbol]["results"].append(m.model_dump(mode="json"))
    if skipped:
        message = "; ".join(
            x for x in (message, f"{skipped} mutant(s) not run: the time budget ran out") if x
        )
    judged = [r for r in results if r.outcome != "error"]
    killed = sum(r.outcome in ("killed", "timeout") for r in judged)
    rep = MutationReport(
        project=pf.name,
        path=path,
        symbols=sorted(mutants),
        mutants=len(judged),
        killed=killed,
        score=round(100.0 * killed / len(judged), 2) if judged else None,
        survived=[r for r in results if r.outcome == "survived"],
        results=results,
        reused=reused,
        tests=list(tests),
        message=message,
        skipped=skipped,
        seconds=round(time.monotonic() - started, 2),
    )
    return rep, records


_Runner = Callable[[list[tuple[str, str]]], tuple[dict[str, str], str]]


def _runner(
    language: str,
    pf: ProjectFiles,
    files: dict[str, str],
    settings: Settings,
    path: str,
    tests: list[str],
    timeout: float,
    progress: ProgressFn | None,
) -> _Runner:
    """The Go, Java or JavaScript/TypeScript runner of ``[(mutant id, mutated file)]``."""
    if language == "go":  # the package's go test, one compile and run per mutant
        return lambda mutants: run_go_mutants(files, settings, path=path, mutants=mutants,
                                              timeout=max(timeout, 30.0),
                                              progress=progress)  # fmt: skip
    if language == "java":  # JUnit: the mutated file compiled over the original classes
        _, mounts = maven_env(pf.manifests, settings, progress=progress)
        return lambda mutants: run_java_mutants(files, settings, path=path, mutants=mutants,
                                                timeout=max(timeout, 20.0), mounts=mounts,
                                                progress=progress)  # fmt: skip
    # node --test (or a jest project's jest) per mutant, its npm packages mounted
    jest = all("node:test" not in files.get(t, "") for t in tests)
    _, mounts = node_env(pf.manifests, settings, progress=progress)
    esm = generated_test_layout(files, pf.manifests, path, "jest")[1]
    return lambda mutants: run_js_mutants(files, settings, path=path, tests=tests,
                                          mutants=mutants, timeout=timeout, progress=progress,
                                          typescript=language == "typescript", jest=jest,
                                          esm=esm, mounts=mounts)  # fmt: skip


def _run_budgeted(
    run: _Runner,
    todo: list[tuple[MutantResult, str]],
    chunk: int,
    budget: MutantBudget | None,
) -> tuple[dict[str, str], str]:
    """All of ``todo`` in one call without a budget; with one, ``chunk`` mutants (one
    sandbox run) at a time while time is left, the rest counted as skipped."""
    pairs = [(m.id, new) for m, new in todo]
    if budget is None:
        return run(pairs)
    done: dict[str, str] = {}
    message = ""
    for part in budget.chunks(pairs, chunk):
        part_done, part_message = run(part)
        message = part_message or message
        done.update(part_done)
        budget.tried += len(part_done)
    return done, message


def _jobs(
    todo: list[tuple[MutantResult, str]],
    files: dict[str, str],
    path: str,
    text: str,
    tests: list[str],
    roots: list[str],
    settings: Settings,
) -> list[ValidationJob]:
    """Sandbox runs of the mutants in batches, each run with the original as variant 0."""
    jobs = []
    # every mutant carries a whole copy of the file: keep each run under the source cap
    shared = sum(len(t.encode()) for t in files.values()) + 20_000
    each = len(text.encode()) + 200
    size = max(1, variants_per_run(settings.sandbox_max_source_bytes, shared, each, _BATCH))
    for start in range(0, len(todo), size):
        batch = todo[start : start + size]
        variants: list[tuple[str, dict[str, str]]] = [("original", {})] + [
            (m.id, {path: new}) for m, new in batch
        ]
        jobs.append(ValidationJob(f"b{start}", files, variants, list(tests), roots))
    return jobs


def _run_jobs(
    jobs: list[ValidationJob], settings: Settings, timeout: float, progress: ProgressFn | None
) -> tuple[dict[str, str], str]:
    """Each mutant's test outcome by id, from the batches whose original passed; and
    why the others were not judged."""
    done: dict[str, str] = {}
    message = ""

    def tick(n: int, total: int) -> None:
        report(progress, "mutants", n, total, f"batch {n} of {total}")

    for res in run_validations(jobs, settings, timeout=timeout, on_done=tick):
        if res.outcomes.get("original") != "passed":
            message = (
                f"the tests do not pass on the original code "
                f"({res.outcomes.get('original') or res.error}); mutants not judged"
            )
            continue
        done.update(res.outcomes)
    return done, message


def _java_methods(text: str) -> list:
    """A Java file's methods and constructors (the parser never raises)."""
    return [s for s in parse_source(text, "java").symbols if s.kind == "method"]


def _judge(outcome: str | None) -> Literal["killed", "survived", "timeout", "error"]:
    """A mutant's verdict from its tests' outcome (passing tests: it survived; a Java
    mutant that does not compile, ``unviable``, is an error: it counts neither way)."""
    return (
        "survived"
        if outcome == "passed"
        else "timeout"
        if outcome == "timeout"
        else "killed"
        if outcome in ("failed", "error")
        else "error"
    )


def _previous(db: Database, project_id: int | None, path: str) -> dict[str, dict] | None:
    with db.session() as s:
        row = s.scalars(
            select(TestRunRow)
            .where(
                TestRunRow.project_id == project_id,
                TestRunRow.kind == "mutation",
                TestRunRow.path == path,
            )
            .order_by(TestRunRow.id.desc())
            .limit(1)
        ).first()
        return dict(row.summary.get("functions", {})) if row is not None else None


def run_mutation(
    db: Database,
    settings: Settings,
    pf: ProjectFiles,
    *,
    path: str,
    symbol: str | None = None,
    progress: ProgressFn | None = None,
    job_id: str | None = None,
) -> MutationReport:
    """Mutation score of the project's own tests on ``path``, stored (incremental)."""
    previous = _previous(db, pf.project_id, path)
    tests = mutant_tests(pf, path)
    rep, records = mutation_score(
        pf,
        settings,
        path=path,
        tests=tests,
        symbol=symbol,
        previous=previous,
        progress=progress,
    )
    with db.session() as s:
        s.add(
            TestRunRow(
                project_id=pf.project_id,
                snapshot_id=pf.snapshot_id,
                kind="mutation",
                status="ok" if rep.score is not None else "no_score",
                path=path,
                mutation_score=rep.score,
                job_id=job_id,
                summary={"report": rep.model_dump(mode="json"), "functions": records},
            )
        )
    return rep
