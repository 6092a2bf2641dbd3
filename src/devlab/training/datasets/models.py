"""Schemas that cross the dataset builder's boundary: the build request (every knob with
its default, in one place) and what the REST and CLI doors return."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

KINDS: tuple[str, ...] = (
    "completion",  # fill-in-the-middle (PSM/SPM) or left-to-right, cut at statements
    "doc-to-code",  # signature + docstring + context -> body
    "code-to-doc",  # code -> its docstring
    "code-to-tests",  # a function -> the tests that exercise it
    "bug-fix",  # an injected bug -> the original code
    "refactor",  # a function before -> after a commit, with the message (git history)
    "diff-to-message",  # a commit's diff -> its message (git history)
    "message-to-diff",  # a commit's message + the code before -> the diff (git history)
    "naming",  # a body with its name masked -> the name
    "class-skeleton",  # a class signature + docstring -> the class skeleton
    "feedback",  # a Companion prompt -> a user's correction (only with training consent)
)
HISTORY_KINDS = frozenset({"refactor", "diff-to-message", "message-to-diff"})

OPERATORS: tuple[str, ...] = (
    "operator-swap",
    "comparison-flip",
    "off-by-one",
    "wrong-variable",
    "negated-condition",
    "removed-condition",
    "swapped-arguments",
    "wrong-literal",
)
AUGMENTATIONS: tuple[str, ...] = ("rename", "format", "strip-comments")
SPLITS: tuple[str, ...] = ("train", "validation", "test")

# Permissive licences kept by default (SPDX ids). "MIT OR GPL-3.0" passes (one is
# enough); "MIT AND GPL-3.0" does not (all are needed).
PERMISSIVE_LICENSES: tuple[str, ...] = (
    "MIT",
    "MIT-0",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "0BSD",
    "ISC",
    "Unlicense",
    "CC0-1.0",
    "Zlib",
    "PSF-2.0",
    "Python-2.0",
    "BSL-1.0",
    "Artistic-2.0",
)


class DatasetConfig(BaseModel):
    """Every knob of a build, with its default (defaults follow BigCode/StarCoder where
    they have one). Unknown keys are errors; the resolved config is saved with the data."""

    model_config = ConfigDict(extra="forbid")

    kinds: list[str] = Field(default=list(KINDS), description=f"any of {', '.join(KINDS)}")
    languages: list[str] | None = Field(
        default=None, description="only these languages (default: every parsed language)"
    )
    # -- extraction
    fim_rate: float = Field(default=0.5, ge=0, le=1, description="share of completions as FIM")
    fim_spm_rate: float = Field(default=0.5, ge=0, le=1, description="share of FIM in SPM order")
    min_unit_lines: int = Field(default=3, ge=1, description="skip shorter functions")
    max_unit_lines: int = Field(default=200, ge=2, description="skip longer functions")
    mutants_per_unit: int = Field(default=2, ge=0, le=16, description="bug-fix pairs per function")
    operators: list[str] = Field(default=list(OPERATORS), description="mutation operators")
    max_tests_per_unit: int = Field(default=3, ge=1, le=20)
    # -- sandbox validation (bug-fix and refactor pairs whose function has tests)
    validate_pairs: bool = Field(default=True, description="run linked tests in the sandbox")
    max_validations: int = Field(
        default=50, ge=0, description="functions (bug-fix) and commits (refactor) validated"
    )
    validation_timeout: float = Field(
        default=10, gt=0, le=60, description="seconds per test run of one variant"
    )
    # -- git history
    git: str | None = Field(
        default=None,
        description="a local git repository for refactor/commit kinds (default: the project's "
        "source when it is a local git repository)",
    )
    git_max_commits: int = Field(default=300, ge=0)
    git_max_diff_lines: int = Field(default=400, ge=1)
    git_max_files: int = Field(default=4, ge=1, description="commits touching more are skipped")
    # -- augmentation
    augmentations: list[str] = Field(default=list(AUGMENTATIONS))
    augment_rate: float = Field(default=0.2, ge=0, le=1, description="share of functions")
    augment_kinds: list[str] = Field(
        default=["completion", "doc-to-code", "code-to-doc", "naming"],
        description="kinds whose examples get augmented copies",
    )
    # -- cleaning
    redact_emails: bool = True
    redact_ips: bool = True
    anonymise_identifiers: bool = Field(
        default=False, description="rename local identifiers in every example"
    )
    licenses: list[str] = Field(default=list(PERMISSIVE_LICENSES), description="SPDX allow-list")
    own_project: bool | None = Field(
        default=None,
        description="the user owns the code: keep files of any licence; default (null): "
        "each project's own-code setting (set at ingestion, see `devlab ingest --own-code`)",
    )
    exact_dedup: bool = True
    near_dedup: bool = True
    near_dedup_threshold: float = Field(default=0.7, gt=0, le=1)
    num_perm: int = Field(default=256, ge=16, le=1024)
    shingle_size: int = Field(default=5, ge=1, le=20)
    decontaminate: bool = True
    eval_sets: list[str] = Field(
        default_factory=list,
        description="registered evaluation sets (or JSONL paths) to decontaminate against, "
        "on top of HumanEval and every registered set",
    )
    min_quality: float = Field(default=0.0, ge=0, le=1, description="drop examples below")
    # -- splits
    split_ratios: dict[str, float] = Field(
        default_factory=lambda: {"train": 0.8, "validation": 0.1, "test": 0.1}
    )
    split_by: Literal["auto", "file", "repository"] = "auto"
    seed: int = 0
    max_examples: int | None = Field(default=None, ge=0)
    workers: int = Field(default=0, ge=0, le=64, description="processes (0: one per core)")
    plots: Literal["png", "svg"] = "png"


class DatasetBuildRequest(DatasetConfig):
    """``POST /datasets``: a dataset name, the project(s), and any config knob."""

    name: str = Field(description="dataset name: letters, digits, '.', '_', '-'")
    project: str | None = Field(default=None, description="project name or id")
    projects: list[str] = Field(default_factory=list, description="several projects")

    def config(self) -> DatasetConfig:
        return DatasetConfig.model_validate(
            self.model_dump(exclude={"name", "project", "projects"})
        )

    def project_list(self) -> list[str]:
        return [*([self.project] if self.project else []), *self.projects]


class DatasetInfo(BaseModel):
    id: int
    name: str
    version: int
    project_ids: list[int]
    snapshot_ids: list[int]
    config: dict[str, Any]
    counts: dict[str, Any]
    path: str
    job_id: str | None
    created_at: datetime
    card: str | None = Field(default=None, description="the data card (Markdown)")


class ExamplePage(BaseModel):
    dataset_id: int
    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]]


class EvalSetInfo(BaseModel):
    name: str
    path: str
    items: int


__all__ = [
    "AUGMENTATIONS",
    "HISTORY_KINDS",
    "KINDS",
    "OPERATORS",
    "PERMISSIVE_LICENSES",
    "SPLITS",
    "BuildReport",
    "DatasetBuildRequest",
    "DatasetConfig",
    "DatasetInfo",
    "EvalSetInfo",
    "ExamplePage",
]


@dataclass
class BuildReport:
    """What happened, for the card and the job log."""

    funnel: list[tuple[str, int, int]] = field(default_factory=list)
    filters: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    privacy: Counter[str] = field(default_factory=Counter)
    stats: Counter[str] = field(default_factory=Counter)

    def step(self, name: str, before: int, after: int, what: str) -> None:
        self.funnel.append((name, before, after))
        self.filters.append((name, what))
