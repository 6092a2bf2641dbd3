"""The second keep rule for generated JUnit tests: a candidate that passed three times
but added no line or branch coverage is still kept when it kills a mutant that the
project's tests and the tests kept so far let survive (Python's and JavaScript's rule).

Two mutation runs (``javamutate``): the project's tests plus the kept class against
every mutant of the target file gives the survivors; then the class of no-coverage
candidates alone against the survivors, with each mutant's failing test methods read
from JUnit's reports. The fewest candidates that kill the most survivors are kept
(greedy, most kills first).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from devlab.config import Settings
from devlab.sandbox import DependencyMount
from devlab.testing.javamutate import run_java_mutants
from devlab.testing.models import CandidateResult
from devlab.testing.mutation import file_mutants, mutation_score
from devlab.testing.project import ProjectFiles

__all__ = ["NO_COVERAGE", "java_mutant_killers"]

NO_COVERAGE = "adds no coverage"
Kept = tuple[str, str, CandidateResult]  # (test method, target label, its result)


def java_mutant_killers(
    pf: ProjectFiles,
    settings: Settings,
    *,
    path: str,
    package: str,
    render: Callable[[str, list[str]], str],
    kept: list[Kept],
    dropped: list[CandidateResult],
    mounts: list[DependencyMount],
    symbol: str | None = None,
    timeout: float = 20.0,
) -> tuple[list[Kept], list[CandidateResult], str]:
    """Move the no-coverage candidates that kill a surviving mutant from ``dropped`` to
    ``kept``; ``render(class name, test methods)`` writes a test class of the target's
    package. Returns (kept, dropped, a note for the result's message; empty when there
    was nothing to try)."""
    tries = {d.name: d for d in dropped if d.reason.startswith(NO_COVERAGE) and d.code}
    if not tries or not kept:
        return kept, dropped, ""
    stem = posixpath.basename(path).removesuffix(".java")
    folder = posixpath.dirname(path).replace("src/main/", "src/test/", 1)
    kept_cls, tries_cls = f"{stem}DevlabKeptTest", f"{stem}DevlabTriesTest"
    kept_path = posixpath.join(folder, f"{kept_cls}.java")
    kept_text = render(kept_cls, [r.code for _, _, r in kept])
    base, _ = mutation_score(pf, settings, path=path, tests=[kept_path],
                             extra_files={kept_path: kept_text}, symbol=symbol,
                             timeout=timeout)  # fmt: skip
    survivors = {m.id for m in base.survived}
    if not survivors:
        return kept, dropped, ("no mutant survived the kept tests" if base.mutants
                               else base.message)  # fmt: skip
    texts = {m.id: new for found in file_mutants(path, pf.files[path], symbol).values()
             for m, new in found if m.id in survivors}  # fmt: skip
    tries_path = posixpath.join(folder, f"{tries_cls}.java")
    files = {**pf.files, kept_path: kept_text,
             tries_path: render(tries_cls, [d.code for d in tries.values()])}  # fmt: skip
    failing: dict[str, list[str]] = {}
    run_java_mutants(files, settings, path=path, mutants=sorted(texts.items()),
                     timeout=timeout, mounts=mounts,
                     select=f"{package}.{tries_cls}" if package else tries_cls,
                     failing=failing)  # fmt: skip
    kills = {name: {m for m, names in failing.items() if name in names} for name in tries}
    gained = 0
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
        kept.append((res.name, res.target, res))
        gained += 1
    note = (f"{gained} test(s) kept for killing mutants the other kept tests miss; "
            f"{len(survivors)} mutant(s) still survive")  # fmt: skip
    return kept, [d for d in dropped if not d.kept], note
