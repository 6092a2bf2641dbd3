"""Schemas that cross the boundary of fine-tuning, evaluation and the registry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from devlab.apitypes import DbId


class AcceptanceRate(BaseModel):
    model_version: str  # as the feedback rows name it: provider:model
    version_id: int | None  # the registry version, when it is one
    up: int
    down: int
    corrections: int
    rate: float | None  # up / (up + down)


class ModelVersionInfo(BaseModel):
    id: int
    name: str
    version: int
    tag: str  # NAME@vN
    type: str
    base_model: str
    adapter_path: str | None
    weights_path: str | None
    run_dir: str | None
    dataset_id: int | None
    dataset_ref: str | None
    parent_id: int | None
    run_config: dict[str, Any]
    metrics: dict[str, Any]
    status: str
    active_tasks: list[str]
    job_id: str | None
    created_at: datetime
    # the Companion's feedback on this version's answers (listings fill it; None when
    # it has had none)
    acceptance: AcceptanceRate | None = None


class ActivateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tasks: list[str] | None = Field(default=None, description="task kinds (default: all)")


class Lineage(BaseModel):
    """A version, the versions it was trained on top of, its dataset and snapshots."""

    version: ModelVersionInfo
    parents: list[ModelVersionInfo]
    dataset: dict[str, Any] | None
    snapshot_ids: list[int]
    project_ids: list[int]


class TrainRequest(BaseModel):
    """``POST /training/runs``: train a new version on a dataset (or resume one)."""

    model_config = ConfigDict(extra="forbid")

    dataset: str | None = Field(default=None, description="dataset id, name or name@version")
    name: str | None = Field(default=None, description="model name (default: the dataset's)")
    config: dict[str, Any] = Field(default_factory=dict, description="run config overrides")
    max_steps: int | None = Field(default=None, ge=1)
    resume: int | None = Field(default=None, description="a run (version id) to resume")


class TrainingRunInfo(BaseModel):
    id: int  # the model version the run produces
    tag: str
    status: str
    job_id: str | None
    job_status: str | None = None
    progress: dict[str, Any] = Field(default_factory=dict)
    run_dir: str | None
    metrics: dict[str, Any]
    loss_history: list[dict[str, Any]] = Field(default_factory=list)


class EvaluationRequest(BaseModel):
    """``POST /evaluations``: a model on a suite (HumanEval or a dataset's test split)."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(
        default="base", description="base | latest | NAME@vN | id | a base model path"
    )
    provider: str | None = Field(default=None, description="a configured provider instead")
    suite: str = Field(default="humaneval", description="humaneval | a dataset ref")
    limit: int | None = Field(default=None, ge=1, description="first N tasks")
    samples: int = Field(default=1, ge=1, le=200, description="samples per task (n)")
    k: list[int] = Field(default_factory=lambda: [1], description="pass@k for these k <= n")
    max_tokens: int = Field(default=256, ge=1, le=4096)
    temperature: float | None = Field(default=None, ge=0, le=2, description="0 when n == 1")
    timeout_s: float = Field(default=10.0, gt=0, le=120, description="sandbox wall per sample")
    metrics: list[str] | None = Field(
        default=None,
        description="dataset suites: only these of pass (the team's tasks run with their "
        "tests), fim, nll (perplexity), syntax; default all",
    )
    resume: DbId | None = Field(default=None, description="an evaluation id to continue")

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, value: list[str] | None) -> list[str] | None:
        known = ("pass", "fim", "nll", "syntax")
        unknown = [m for m in value or [] if m not in known]
        if unknown:
            raise ValueError(
                f"unknown metric(s) {', '.join(unknown)}; choose from {', '.join(known)}"
            )
        return value


class EvaluationInfo(BaseModel):
    id: int
    model: str
    version_id: int | None
    suite: str
    config: dict[str, Any]
    status: str
    metrics: dict[str, Any]
    job_id: str | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    results: list[dict[str, Any]] | None = None


class MetricDelta(BaseModel):
    metric: str
    a: float
    b: float
    delta: float  # b - a
    ci_low: float
    ci_high: float
    tasks: int


class Comparison(BaseModel):
    a: int
    b: int
    deltas: list[MetricDelta]
    wins: list[str]  # tasks where b beats a
    losses: list[str]
    ties: int


__all__ = [
    "AcceptanceRate",
    "ActivateRequest",
    "Comparison",
    "EvaluationInfo",
    "EvaluationRequest",
    "Lineage",
    "MetricDelta",
    "ModelVersionInfo",
    "TrainRequest",
    "TrainingRunInfo",
]
