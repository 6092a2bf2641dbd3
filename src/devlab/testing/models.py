"""Pydantic models that cross the Testing & QA Lab's boundary (library, REST, CLI)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# The plan's shape is shared with the verified loop (devlab.companion.plans).
from devlab.companion import PlannedCase as PlannedCase
from devlab.companion import TestPlan as TestPlan


class CoverageRequest(BaseModel):
    project: str = Field(min_length=1, max_length=300, description="project name or id")
    test_timeout: float = Field(default=10.0, gt=0, le=600, description="seconds per test")
    install_dependencies: bool = Field(
        default=True,
        description="install the project's declared dependencies (prebuilt wheels and npm "
        "packages on the host; sdists and install scripts built in the sandbox) into the "
        "environment cache first",
    )


class MutationRequest(BaseModel):
    project: str = Field(min_length=1, max_length=300)
    path: str = Field(min_length=1, max_length=1000)
    symbol: str | None = Field(default=None, max_length=300)


__all__ = [
    "FRAMEWORKS",
    "CandidateResult",
    "CoverageReport",
    "CoverageSummary",
    "FileCoverage",
    "FunctionCoverage",
    "GenerateRequest",
    "GenerateResult",
    "MutantResult",
    "MutationReport",
    "SnippetTestsRequest",
    "SuspectedBug",
    "TestOutcome",
]

FRAMEWORKS: dict[str, str] = {
    "pytest": "python",
    "go test": "go",
    "junit": "java",
    "node:test": "javascript",
    "jest": "javascript",
}
"""Frameworks the lab generates tests for, and the language each one tests."""


class DependencyStatus(BaseModel):
    """One declared dependency and what became of it."""

    ecosystem: Literal["PyPI", "npm", "Go", "Maven"]
    name: str
    spec: str = Field(description="what was asked of the installer (name and version range)")
    status: Literal["installed", "failed", "provided", "skipped"]
    reason: str = ""


class DependencyEnv(BaseModel):
    """The environment a test run got: its content key, state and per-dependency fate."""

    ecosystem: Literal["PyPI", "npm", "Go", "Maven"]
    status: Literal["none", "ready", "partial", "failed", "disabled"]
    key: str = ""
    cached: bool = False
    seconds: float = 0.0
    message: str = ""
    dependencies: list[DependencyStatus] = Field(default_factory=list)


class CoverageSummary(BaseModel):
    """Line and branch counts and percentages (100 when there is nothing to cover)."""

    lines: int = 0
    lines_covered: int = 0
    branches: int = 0
    branches_covered: int = 0
    line_percent: float = 0.0
    branch_percent: float = 0.0


class FunctionCoverage(BaseModel):
    name: str
    start_line: int
    summary: CoverageSummary
    missing_lines: list[int] = Field(default_factory=list)


class FileCoverage(BaseModel):
    path: str
    summary: CoverageSummary
    missing_lines: list[int] = Field(default_factory=list)
    missing_branches: list[tuple[int, int]] = Field(default_factory=list)
    functions: list[FunctionCoverage] = Field(default_factory=list)


class TestOutcome(BaseModel):
    __test__ = False  # not a pytest class

    name: str
    outcome: Literal["passed", "failed", "error", "skipped", "timeout"]
    seconds: float = 0.0
    message: str = ""


class CoverageReport(BaseModel):
    """One run of a project's own test suite under coverage, in the sandbox."""

    id: int | None = None
    project: str
    snapshot_id: int | None
    language: str = "python"
    framework: str = "pytest"
    status: Literal["ok", "no_tests", "tests_failed", "error"]
    message: str = ""
    summary: CoverageSummary
    files: list[FileCoverage] = Field(default_factory=list)
    tests: list[TestOutcome] = Field(default_factory=list)
    seconds: float = 0.0
    sandbox_status: str = ""
    dependencies: DependencyEnv | None = Field(
        default=None, description="the declared dependencies installed for the run, and why not"
    )
    created_at: datetime | None = None


class MutantResult(BaseModel):
    id: str
    path: str
    symbol: str
    operator: str
    line: int
    outcome: Literal["killed", "survived", "timeout", "error"]
    diff: str = ""


class MutationReport(BaseModel):
    project: str | None = None
    path: str
    symbols: list[str] = Field(default_factory=list)
    mutants: int = 0
    killed: int = 0
    score: float | None = None
    survived: list[MutantResult] = Field(default_factory=list)
    results: list[MutantResult] = Field(default_factory=list)
    reused: int = Field(default=0, description="mutants whose function did not change: reused")
    skipped: int = Field(default=0, description="mutants not run: the time budget ran out")
    tests: list[str] = Field(default_factory=list)
    message: str = ""
    seconds: float = 0.0


class CandidateResult(BaseModel):
    """One generated test and what the sandbox said about it."""

    name: str
    strategy: Literal["doctest", "boundary", "property", "model"]
    target: str
    kept: bool
    reason: str
    runs: list[str] = Field(default_factory=list, description="outcome of each of the 3 runs")
    new_lines: int = 0
    new_branches: int = 0
    kills: list[str] = Field(default_factory=list)
    code: str = ""


class SuspectedBug(BaseModel):
    target: str
    call: str
    exception: str
    message: str = ""


class GenerateRequest(BaseModel):
    """Generate tests for a project's file (optionally one symbol)."""

    project: str
    path: str = Field(min_length=1, max_length=1000)
    symbol: str | None = Field(default=None, max_length=300)
    framework: str = "pytest"
    target_coverage: float = Field(default=95.0, ge=0, le=100)
    use_model: bool = True
    mutation: bool = Field(default=False, description="also compare mutation scores")


class SnippetTestsRequest(BaseModel):
    """The seed's body of ``POST /api/v1/devlab/generate/tests``."""

    code: str = Field(min_length=1, max_length=200_000)
    framework: str = "pytest"
    coverage: float = Field(default=90.0, ge=0, le=100, description="target line coverage, %")
    use_model: bool = True


class PlanRequest(BaseModel):
    """``POST /api/v1/devlab/testing/plan``: a project's file (``project`` + ``path``),
    a snippet (``code``), or only a requirement (needs the model)."""

    model_config = ConfigDict(extra="forbid")

    project: str | None = Field(default=None, max_length=300)
    path: str | None = Field(default=None, max_length=1000)
    symbol: str | None = Field(default=None, max_length=300)
    code: str | None = Field(default=None, max_length=200_000)
    requirement: str | None = Field(default=None, max_length=20_000)
    use_model: bool = True


class MutantKeepReport(BaseModel):
    """What the second keep rule (a no-coverage candidate kept for killing a mutant the
    other tests miss) did within its time budget (``testing_mutant_keep_seconds``)."""

    budget_seconds: float
    seconds: float = 0.0
    candidates: int = Field(default=0, description="no-coverage candidates tried")
    mutants: int = Field(
        default=0, description="mutants considered: the called functions' first, then the rest"
    )
    tried: int = Field(default=0, description="mutant runs done (kept tests, then each try)")
    skipped: int = Field(default=0, description="mutant runs left out: the budget ran out")
    survivors: int = Field(default=0, description="mutants the kept tests let survive")
    kept: int = Field(default=0, description="candidates kept for killing one")
    note: str = ""


class GenerateResult(BaseModel):
    project: str | None = None
    path: str
    framework: str
    test_path: str
    diff: str
    test_code: str
    kept: list[CandidateResult] = Field(default_factory=list)
    dropped: list[CandidateResult] = Field(default_factory=list)
    suspected_bugs: list[SuspectedBug] = Field(default_factory=list)
    before: CoverageSummary
    after: CoverageSummary
    mutation_before: float | None = None
    mutation_after: float | None = None
    target_reached: bool = False
    strategies: dict[str, int] = Field(default_factory=dict)
    proof: dict[str, object] = Field(
        default_factory=dict, description="the final sandbox run of the kept tests"
    )
    plan: TestPlan | None = Field(
        default=None, description="the test plan of the target (what the tests aim at)"
    )
    message: str = ""
    seconds: float = 0.0
    mutant_keep: MutantKeepReport | None = Field(
        default=None, description="the mutant-killing keep step, when it ran"
    )
