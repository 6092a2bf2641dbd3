"""The second keep rule of generated tests: a candidate that passed three times but
adds no line or branch coverage is still kept when it kills a mutant that the
project's tests and the tests kept so far let survive.

Coverage says which lines ran, not whether anything checked them: a test that asserts
a boundary value exactly can kill ``<`` -> ``<=`` where a test that merely ran the line
cannot. The mutants are the dataset pipeline's AST mutants (``mutation_score``), run
in the sandbox; first against the project's tests plus the kept ones (the survivors),
then against each candidate alone. Bounded: at most ``MAX_CANDIDATES`` candidates are
tried, each in one mutation run.
"""

from __future__ import annotations

from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.testing.models import CandidateResult
from devlab.testing.mutation import mutation_score
from devlab.testing.project import ProjectFiles
from devlab.testing.strategies import Candidate

__all__ = ["MAX_CANDIDATES", "NO_COVERAGE", "keep_mutant_killers"]

MAX_CANDIDATES = 3
NO_COVERAGE = "adds no line or branch coverage"
_KILLED = ("killed", "timeout")


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
) -> tuple[list[tuple[Candidate, CandidateResult]], list[CandidateResult], str]:
    """Move the no-coverage candidates that kill a surviving mutant from ``dropped`` to
    ``kept``; ``render`` maps a test file name to its text for the kept tests. Returns
    (kept, dropped, a note for the result's message, empty when nothing was tried)."""
    tries = [d for d in dropped if d.reason.startswith(NO_COVERAGE) and d.name in candidates]
    tries = tries[:MAX_CANDIDATES]
    if not tries:
        return kept, dropped, ""
    report(progress, "mutants", 0, len(tries) + 1, "mutants the kept tests let survive")
    base, _ = mutation_score(
        pf, settings, path=path, tests=[*existing, *render], extra_files=render,
        symbol=symbol, timeout=test_timeout,
    )  # fmt: skip
    survivors = {m.id for m in base.survived}
    if not survivors:
        return kept, dropped, "no mutant survived the kept tests"
    gained = []
    for i, result in enumerate(tries, 1):
        report(progress, "mutants", i, len(tries) + 1, f"{result.name} against the survivors")
        name = f"test_devlab_mutant_{i}.py"
        cand = candidates[result.name]
        text = "\n".join(cand.imports) + "\n\n\n" + cand.code.rstrip() + "\n"
        alone, _ = mutation_score(
            pf, settings, path=path, tests=[name], extra_files={name: text},
            symbol=symbol, timeout=test_timeout,
        )  # fmt: skip
        killed = sorted(survivors & {m.id for m in alone.results if m.outcome in _KILLED})
        if not killed:
            continue
        survivors -= set(killed)
        result.kept = True
        result.reason = (
            f"passed 3/3; no new coverage, but kills {len(killed)} mutant(s) the other "
            f"tests miss ({', '.join(killed[:5])})"
        )
        gained.append(result.name)
        kept.append((cand, result))
    dropped = [d for d in dropped if not d.kept]
    note = (
        f"{len(gained)} test(s) kept for killing surviving mutants" if gained else
        f"no no-coverage candidate killed any of the {len(survivors)} surviving mutant(s)"
    )  # fmt: skip
    return kept, dropped, note
