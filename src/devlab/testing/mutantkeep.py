"""The second keep rule of generated Python tests: a candidate that passed three times
but adds no line or branch coverage is still kept when it kills a mutant that the
project's tests and the tests kept so far let survive.

Coverage says which lines ran, not whether anything checked them: a test that asserts
a boundary value exactly can kill ``<`` -> ``<=`` where a test that merely ran the line
cannot. The mutants are the dataset pipeline's AST mutants (``mutation_score``), at
most ``PER_FUNCTION`` per function, those of the functions the candidates call first,
then the rest of the file while time is left; each set in two sandbox steps: the
project's tests plus the kept ones against them (the survivors), then every (survivor,
candidate) pair as a variant of the forked-pytest driver, many pairs per sandbox run.
The fewest candidates that kill the most survivors are kept (greedy, most kills first).

Bounded in time: the whole step shares one ``MutantBudget`` (``settings.
testing_mutant_keep_seconds``); no sandbox run starts once it is spent and the driver
starts no more mutants past it. What was tried and skipped goes into the result's
``mutant_keep`` (``MutantKeepReport``).
"""

from __future__ import annotations

import time

from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.testing.killkeep import PER_FUNCTION
from devlab.testing.models import CandidateResult, MutantKeepReport
from devlab.testing.mutation import (
    MutantBudget,
    file_mutants,
    mutation_score,
    run_python_variants,
)
from devlab.testing.project import ProjectFiles, without_addopts
from devlab.testing.sandboxrun import variants_per_run
from devlab.testing.strategies import Candidate
from devlab.training import ValidationJob

__all__ = ["MAX_CANDIDATES", "NO_COVERAGE", "TRY_FILE", "keep_mutant_killers"]

MAX_CANDIDATES = 8
NO_COVERAGE = "adds no line or branch coverage"
TRY_FILE = "test_devlab_mutant_try.py"
_KILLED = ("failed", "error", "timeout")
_PAIRS_PER_RUN = 40  # (survivor, candidate) variants per sandbox run


def _called(targets: set[str], qualnames: list[str]) -> set[str]:
    """The functions the candidates call: their targets, and a class's methods when
    the target is the class (its constructor and what the test does with the object)."""
    return {q for q in qualnames if q in targets or q.split(".", 1)[0] in targets}


def _text(cands: list[Candidate]) -> str:
    imports = sorted({line for c in cands for line in c.imports})
    return "\n".join(imports) + "\n\n\n" + "\n\n\n".join(c.code.rstrip() for c in cands) + "\n"


def _pair_jobs(
    pf: ProjectFiles,
    files: dict[str, str],
    path: str,
    survivors: dict[str, str],
    tries: list[Candidate],
    max_bytes: int,
) -> tuple[list[ValidationJob], dict[str, tuple[str, str]]]:
    """Sandbox runs of every (survivor, candidate) pair: each variant writes the mutant
    over ``path`` and one candidate as ``TRY_FILE``; the reference is the original with
    every candidate. Returns the jobs and variant id -> (mutant id, candidate name)."""
    base = {**files, TRY_FILE: _text(tries)}
    one = {c.name: _text([c]) for c in tries}
    pairs = [(mid, c.name) for mid in sorted(survivors) for c in tries]
    shared = sum(len(t.encode()) for t in base.values()) + 20_000
    each = len(files[path].encode()) + max(len(t.encode()) for t in one.values()) + 300
    size = max(1, variants_per_run(max_bytes, shared, each, _PAIRS_PER_RUN))
    jobs, ids = [], {}
    for start in range(0, len(pairs), size):
        variants: list[tuple[str, dict[str, str]]] = [("original", {})]
        for n, (mid, name) in enumerate(pairs[start : start + size], start):
            ids[f"p{n}"] = (mid, name)
            variants.append((f"p{n}", {path: survivors[mid], TRY_FILE: one[name]}))
        jobs.append(ValidationJob(f"k{start}", base, variants, [TRY_FILE], pf.roots))
    return jobs, ids


def keep_mutant_killers(
    pf: ProjectFiles,
    settings: Settings,
    *,
    path: str,
    symbol: str | None,
    existing: list[str],
    kept: list[tuple[Candidate, CandidateResult]],
    dropped: list[CandidateResult],
    candidates: dict[str, Candidate],
    render: dict[str, str],
    progress: ProgressFn | None = None,
    test_timeout: float = 5.0,
    budget: MutantBudget | None = None,
) -> tuple[list[tuple[Candidate, CandidateResult]], list[CandidateResult], MutantKeepReport | None]:
    """Move the no-coverage candidates that kill a surviving mutant from ``dropped`` to
    ``kept``; ``render`` maps a test file name to its text for the kept tests. Returns
    (kept, dropped, what the step did; None when there was nothing to try)."""
    started = time.monotonic()
    tries_res = [d for d in dropped if d.reason.startswith(NO_COVERAGE) and d.name in candidates]
    tries_res = tries_res[:MAX_CANDIDATES]
    if not tries_res:
        return kept, dropped, None
    budget = budget or MutantBudget(settings.testing_mutant_keep_seconds)
    rep = MutantKeepReport(budget_seconds=budget.seconds, candidates=len(tries_res))
    found = file_mutants(path, pf.files[path], symbol, PER_FUNCTION)
    called = _called({d.target for d in tries_res}, list(found))
    tries = [candidates[d.name] for d in tries_res]
    kills: dict[str, set[str]] = {}
    alive: set[str] = set()
    judged = 0
    # the functions the candidates call first, then the rest of the file while time is left
    for only in (called, set(found) - called):
        count = sum(len(found[q]) for q in only)
        rep.mutants += count
        if not count or budget.spent():
            budget.skipped += count
            continue
        report(progress, "mutants", 0, 2, f"{count} mutants the kept tests may let survive")
        base, _ = mutation_score(
            pf, settings, path=path, tests=[*existing, *render], extra_files=render,
            symbol=symbol, timeout=test_timeout, per_function=PER_FUNCTION, only=only,
            budget=budget,
        )  # fmt: skip
        judged += base.mutants
        survived = {m.id for m in base.survived}
        survivors = {m.id: new for q in only for m, new in found[q] if m.id in survived}
        alive |= set(survivors)
        if survivors and budget.spent():
            budget.skipped += len(survivors) * len(tries)
        elif survivors:
            pairs = f"{len(tries)} candidates x {len(survivors)} survivors"
            report(progress, "mutants", 1, 2, pairs)
            _run_pairs(pf, settings, path, render, survivors, tries, test_timeout, budget, kills)
    rep.survivors = len(alive)
    won = _greedy(kills, alive, {d.name: d for d in tries_res})
    for res in won:
        kept.append((candidates[res.name], res))
    dropped = [d for d in dropped if not d.kept]
    rep.tried, rep.skipped, rep.kept = budget.tried, budget.skipped, len(won)
    rep.seconds = round(time.monotonic() - started, 2)
    rep.note = _note(rep, judged)
    return kept, dropped, rep


def _run_pairs(
    pf: ProjectFiles,
    settings: Settings,
    path: str,
    render: dict[str, str],
    survivors: dict[str, str],
    tries: list[Candidate],
    timeout: float,
    budget: MutantBudget,
    kills: dict[str, set[str]],
) -> None:
    """Every (survivor, candidate) pair in the sandbox; ``kills`` gets, per candidate,
    the survivors it kills (its test fails, errors or times out on the mutant)."""
    files = without_addopts({**pf.files, **render})
    jobs, ids = _pair_jobs(pf, files, path, survivors, tries, settings.sandbox_max_source_bytes)
    done, _ = run_python_variants(jobs, settings, timeout, budget)
    for vid, outcome in done.items():
        if vid in ids and outcome in _KILLED:
            mid, name = ids[vid]
            kills.setdefault(name, set()).add(mid)


def _greedy(
    kills: dict[str, set[str]], survivors: set[str], tries: dict[str, CandidateResult]
) -> list[CandidateResult]:
    """The fewest candidates that kill the most survivors, marked kept."""
    won: list[CandidateResult] = []
    while True:
        name = max(kills, key=lambda n: len(kills[n] & survivors), default="")
        killed = sorted(kills.get(name, set()) & survivors)
        if not killed:
            return won
        survivors -= set(killed)
        res = tries[name]
        res.kept, res.kills = True, killed
        res.reason = (
            f"passed 3/3; no new coverage, but kills {len(killed)} mutant(s) the other "
            f"tests miss ({', '.join(killed[:5])})"
        )
        won.append(res)


def _note(rep: MutantKeepReport, judged: int) -> str:
    """The step in one clause of the result's message."""
    if rep.kept:
        head = f"{rep.kept} test(s) kept for killing surviving mutants"
    elif judged and not rep.survivors:
        head = "no mutant survived the kept tests"
    else:
        head = f"no no-coverage candidate killed any of the {rep.survivors} surviving mutant(s)"
    if rep.skipped:
        head += (
            f" ({rep.tried} mutant run(s) tried, {rep.skipped} skipped: the "
            f"{rep.budget_seconds:g} s budget of testing_mutant_keep_seconds ran out)"
        )
    return head
