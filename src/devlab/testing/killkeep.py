"""The second keep rule for generated Go and JUnit tests: a candidate that passed three
times but added no line or branch coverage is still kept when it kills a mutant that
the project's tests and the tests kept so far let survive (Python's and JavaScript's
rule too).

Two mutation runs: the project's tests plus the kept tests against every mutant of the
target file gives the survivors (``mutation_score``); then the file of no-coverage
candidates alone against the survivors, with each mutant's failing tests named by the
language's runner (``go test -v``, JUnit's reports). The fewest candidates that kill
the most survivors are kept (greedy, most kills first). Both runs share one time budget
(``settings.testing_mutant_keep_seconds``): no sandbox run starts once it is spent, and
the note says how many mutant runs were tried and skipped.
"""

from __future__ import annotations

from collections.abc import Callable

from devlab.config import Settings
from devlab.testing.models import CandidateResult, MutantKeepReport
from devlab.testing.mutation import MutantBudget, file_mutants, mutation_score
from devlab.testing.project import ProjectFiles

__all__ = ["NO_COVERAGE", "PER_FUNCTION", "TriesRunner", "keep_mutant_killers", "mutant_tries"]

NO_COVERAGE = "adds no coverage"
# Mutants per function in this step (the mutation report's own runs take 12): two
# mutation runs during generation, each mutant a compile and a test run in Go and Java.
PER_FUNCTION = 4
_CHUNK = 12  # survivors per budget check in the tries' run (about one sandbox run)
# (files with the tries' test file, [(mutant id, mutated file)], failing to fill) -> None
TriesRunner = Callable[[dict[str, str], list[tuple[str, str]], dict[str, list[str]]], None]


def mutant_tries(
    settings: Settings, kept: list, dropped: list[CandidateResult]
) -> dict[str, CandidateResult]:
    """The candidates the rule tries, by test name: those that passed but added no
    coverage; none when nothing is kept yet or ``testing_mutant_keep`` is off."""
    if not kept or not settings.testing_mutant_keep:
        return {}
    return {d.name: d for d in dropped if d.reason.startswith(NO_COVERAGE) and d.code}


def keep_mutant_killers(
    pf: ProjectFiles,
    settings: Settings,
    *,
    path: str,
    symbol: str | None,
    kept_file: tuple[str, str],
    tries_file: tuple[str, str],
    tries: dict[str, CandidateResult],
    run_tries: TriesRunner,
    timeout: float = 20.0,
    targets_only: bool = False,
    budget: MutantBudget | None = None,
    report: MutantKeepReport | None = None,
) -> tuple[list[CandidateResult], str]:
    """The candidates of ``tries`` (by test name) that kill a surviving mutant, marked
    kept with the mutants they kill, and a note for the result's message.
    ``kept_file``/``tries_file``: (path, text) of the kept tests and of the tries;
    ``targets_only``: mutate only the functions the tries call (their ``target`` is the
    function's qualified name, as in Go and Java), which bounds the two runs;
    ``report``: filled with what the step did (the result's ``mutant_keep``)."""
    budget = budget or MutantBudget(settings.testing_mutant_keep_seconds)
    rep = report or MutantKeepReport(budget_seconds=budget.seconds)
    won, note = _keep(pf, settings, path=path, symbol=symbol, kept_file=kept_file,
                      tries_file=tries_file, tries=tries, run_tries=run_tries, timeout=timeout,
                      targets_only=targets_only, budget=budget, rep=rep)  # fmt: skip
    rep.budget_seconds, rep.candidates, rep.kept = budget.seconds, len(tries), len(won)
    rep.note, rep.tried, rep.skipped = note, budget.tried, budget.skipped
    rep.seconds = round(budget.clock() - budget.started, 2)
    return won, note


def _keep(
    pf: ProjectFiles,
    settings: Settings,
    *,
    path: str,
    symbol: str | None,
    kept_file: tuple[str, str],
    tries_file: tuple[str, str],
    tries: dict[str, CandidateResult],
    run_tries: TriesRunner,
    timeout: float,
    targets_only: bool,
    budget: MutantBudget,
    rep: MutantKeepReport,
) -> tuple[list[CandidateResult], str]:
    kept_path, kept_text = kept_file
    only = {d.target for d in tries.values()} if targets_only else None
    base, _ = mutation_score(pf, settings, path=path, tests=[kept_path],
                             extra_files={kept_path: kept_text}, symbol=symbol,
                             timeout=timeout, per_function=PER_FUNCTION, only=only,
                             budget=budget)  # fmt: skip
    survivors = {m.id for m in base.survived}
    rep.mutants, rep.survivors = base.mutants + base.skipped, len(survivors)
    if not survivors:
        why = "no mutant survived the kept tests" if base.mutants else base.message
        return [], why + _spent(budget)
    found_all = file_mutants(path, pf.files[path], symbol, PER_FUNCTION).values()
    texts = sorted((m.id, new) for found in found_all for m, new in found if m.id in survivors)
    failing: dict[str, list[str]] = {}
    files = {**pf.files, kept_path: kept_text, tries_file[0]: tries_file[1]}
    for part in budget.chunks(texts, _CHUNK):  # one sandbox run's worth at a time
        run_tries(files, part, failing)
        budget.tried += len(part)
    kills = {name: {m for m, names in failing.items() if name in names} for name in tries}
    won_by: list[CandidateResult] = []
    while True:
        name = max(kills, key=lambda n: len(kills[n] & survivors), default="")
        won = sorted(kills.get(name, set()) & survivors)
        if not won:
            break
        survivors -= set(won)
        res = tries[name]
        res.kept, res.kills = True, won
        res.reason = (f"passed 3/3; no new coverage, but kills {len(won)} mutant(s) the other "
                      f"tests miss ({', '.join(won[:5])})")  # fmt: skip
        won_by.append(res)
    note = (f"{len(won_by)} test(s) kept for killing mutants the other kept tests miss; "
            f"{len(survivors)} mutant(s) still survive")  # fmt: skip
    return won_by, note + _spent(budget)


def _spent(budget: MutantBudget) -> str:
    """What the budget left out, for the note (empty when nothing was)."""
    if not budget.skipped:
        return ""
    return (f" ({budget.tried} mutant run(s) tried, {budget.skipped} skipped: the "
            f"{budget.seconds:g} s budget of testing_mutant_keep_seconds ran out)")  # fmt: skip
