"""The Testing & QA Lab: coverage of a project's own tests, verified test generation,
mutation score, chaos scenarios.

Public API (the CLI and REST doors import only from here)::

    measure_coverage(db, settings, project) -> CoverageReport        # stored per snapshot
    generate_tests(files, settings, path=..., model=...) -> GenerateResult
    generate_for_project(db, settings, GenerateRequest, model=...) -> GenerateResult
    generate_for_snippet(settings, SnippetTestsRequest, model=...) -> GenerateResult
    plan_tests(db, PlanRequest, model) -> TestPlan                   # structured cases
    run_mutation(db, settings, files, path=...) -> MutationReport     # incremental
    run_chaos(db, settings, ChaosRequest) -> ChaosReport              # faults, verdict
    submit_testing_job(bench, kind, params) / run_testing_job(...)    # jobs

Where things live: ``sandboxrun.py`` (pytest + coverage.py inside the sandbox),
``measure.py`` (suite coverage), ``targets.py`` / ``strategies.py`` / ``probe.py``
(candidates), ``generate.py`` (the verify loop), ``mutation.py`` (the training
pipeline's mutants), ``service.py`` and ``jobs.py`` (what the doors call).
"""

from devlab.testing.chaos import find_app, list_scenarios, load_scenario, run_chaos
from devlab.testing.chaos_models import ChaosReport, ChaosRequest, Scenario, ScenarioInfo
from devlab.testing.errors import NothingToTest, ScenarioInvalid, UnsupportedFramework
from devlab.testing.generate import check_framework, generate_tests
from devlab.testing.jobs import run_testing_job, submit_testing_job
from devlab.testing.measure import get_coverage, latest_coverage, measure_coverage
from devlab.testing.models import (
    FRAMEWORKS,
    CandidateResult,
    CoverageReport,
    CoverageSummary,
    DependencyEnv,
    FileCoverage,
    FunctionCoverage,
    GenerateRequest,
    GenerateResult,
    MutantResult,
    MutationReport,
    PlannedCase,
    PlanRequest,
    SnippetTestsRequest,
    SuspectedBug,
    TestOutcome,
    TestPlan,
)
from devlab.testing.mutation import mutation_score, run_mutation
from devlab.testing.project import ProjectFiles, load_files
from devlab.testing.service import (
    generate_for_project,
    generate_for_snippet,
    get_run,
    list_runs,
    llm_model,
    plan_tests,
)

__all__ = [
    "FRAMEWORKS",
    "CandidateResult",
    "ChaosReport",
    "ChaosRequest",
    "CoverageReport",
    "CoverageSummary",
    "DependencyEnv",
    "FileCoverage",
    "FunctionCoverage",
    "GenerateRequest",
    "GenerateResult",
    "MutantResult",
    "MutationReport",
    "NothingToTest",
    "PlanRequest",
    "PlannedCase",
    "ProjectFiles",
    "Scenario",
    "ScenarioInfo",
    "ScenarioInvalid",
    "SnippetTestsRequest",
    "SuspectedBug",
    "TestOutcome",
    "TestPlan",
    "UnsupportedFramework",
    "check_framework",
    "find_app",
    "generate_for_project",
    "generate_for_snippet",
    "generate_tests",
    "get_coverage",
    "get_run",
    "latest_coverage",
    "list_runs",
    "list_scenarios",
    "llm_model",
    "load_files",
    "load_scenario",
    "measure_coverage",
    "mutation_score",
    "plan_tests",
    "run_chaos",
    "run_mutation",
    "run_testing_job",
    "submit_testing_job",
]
