"""Shapes of the insights feed: one insight (a stored finding with its history), a page
of the feed, an analysis summary, and the update a person may make."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from devlab.apitypes import ProjectRef
from devlab.reverse import PHASES, Finding, TaintStep

FeedType = Literal[
    "security", "performance", "quality", "dependency", "coverage", "resilience", "all"
]
Status = Literal["open", "dismissed", "fixed"]
StatusFilter = Literal["open", "dismissed", "fixed", "all"]


class Insight(BaseModel):
    id: int
    fingerprint: str
    category: str
    rule_id: str
    title: str
    message: str
    severity: str
    confidence: str
    cwe: str | None = None
    path: str
    start_line: int
    end_line: int
    snippet: str = ""
    symbol: str | None = None
    fix: str = ""
    taint_path: list[TaintStep] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)
    occurrences: int = 1
    reachability: str = Field(
        description="tainted (untrusted input reaches it) | code | test (tests, docs, "
        "examples) | dependency"
    )
    score: float = Field(description="severity x confidence x reachability; the feed's order")
    status: Status
    status_reason: str | None = None
    new: bool = Field(description="first reported by the project's latest analysis")
    first_seen_snapshot_id: int
    last_seen_snapshot_id: int
    fixed_in_snapshot_id: int | None = None
    created_at: datetime
    updated_at: datetime


class AnalysisSummary(BaseModel):
    id: int
    project: str
    snapshot_id: int
    job_id: str | None = None
    phases: list[str]
    created_at: datetime
    finished_at: datetime | None = None
    findings: int = Field(description="findings this analysis reported (after de-duplication)")
    new: int = Field(description="never seen before")
    fixed: int = Field(description="open before, gone now")
    reopened: int = Field(description="fixed before, back now")
    open: int = Field(default=0, description="open findings in the feed after this analysis")
    counts: dict[str, dict[str, int]] = Field(default_factory=dict)
    errors: list[dict[str, str]] = Field(default_factory=list)
    seconds: dict[str, float] = Field(default_factory=dict)
    dependencies: int = 0
    dependency_status: dict[str, int] = Field(default_factory=dict)
    vulndb_loaded: bool = False


class InsightPage(BaseModel):
    project: str
    type: FeedType
    status: StatusFilter
    total: int = Field(description="insights matching the filters")
    counts: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="open insights: category -> severity -> count"
    )
    last_analysis: AnalysisSummary | None = None
    items: list[Insight] = Field(default_factory=list)


class InsightUpdate(BaseModel):
    status: Literal["open", "dismissed"] = Field(
        description="dismissed (needs a reason) or open again; 'fixed' is set by analysis"
    )
    reason: str | None = Field(default=None, max_length=2000)


def _either(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The schema's ``oneOf`` for a body that takes one target or the other (what the
    model's validator enforces), so a client reading the OpenAPI document knows too."""
    return {"oneOf": [first, second]}


_NOT_NULL: dict[str, Any] = {"not": {"type": "null"}}
_NULL: dict[str, Any] = {"type": "null"}


class AnalyzeRequest(BaseModel):
    """JSON body of ``/reverse/analyze``: an existing project, or a source to ingest."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=_either(
            {"required": ["project_id"], "properties": {"project_id": _NOT_NULL, "source": _NULL}},
            {
                "required": ["source", "name"],
                "properties": {
                    "source": {"type": "string"},
                    "name": {"type": "string", "minLength": 1},
                    "project_id": _NULL,
                },
            },
        ),
    )

    project_id: ProjectRef | None = Field(
        default=None,
        validation_alias=AliasChoices("project_id", "project"),
        description="an ingested project (name or id)",
    )
    source: str | None = Field(
        default=None,
        validation_alias=AliasChoices("source", "git_url"),
        description="a directory or .zip on the server, or a git URL, to ingest first",
    )
    name: str | None = Field(default=None, description="project name for the source")
    ref: str | None = Field(default=None, description="git commit, branch or tag")
    phases: list[str] = Field(default=list(PHASES), description=f"any of {', '.join(PHASES)}")
    embed: bool = Field(default=False, description="also embed the source (semantic search)")

    @model_validator(mode="after")
    def _one_target(self) -> AnalyzeRequest:
        if (self.project_id is None) == (self.source is None):
            raise ValueError("give either 'project_id' (analyse it) or 'source' (ingest it first)")
        if self.source is not None and not self.name:
            raise ValueError("'source' needs a 'name' for the project")
        return self


class VulnerabilityRequest(BaseModel):
    """A project to analyse (a job) or a snippet to scan now: one of the two."""

    model_config = ConfigDict(
        json_schema_extra=_either(
            {"required": ["project_id"], "properties": {"project_id": _NOT_NULL, "code": _NULL}},
            {"required": ["code"], "properties": {"code": {"type": "string"}, "project_id": _NULL}},
        )
    )

    project_id: ProjectRef | None = Field(
        default=None,
        validation_alias=AliasChoices("project_id", "project"),
        description="an ingested project (name or id)",
    )
    code: str | None = Field(default=None, description="a snippet to scan now")
    language: str | None = Field(default=None, description="the snippet's language")
    path: str | None = Field(default=None, description="the snippet's file name (language)")

    @model_validator(mode="after")
    def _one_target(self) -> VulnerabilityRequest:
        if (self.project_id is None) == (self.code is None):
            raise ValueError("give either 'project_id' (analyse a project) or 'code' (a snippet)")
        return self


class SnippetFindings(BaseModel):
    findings: list[Finding]


class GenerateRequest(VulnerabilityRequest):
    """Either a project to analyse (a job, with the phases to run) or a piece of code to
    scan now."""

    phases: list[str] = Field(default=list(PHASES), description=f"any of {', '.join(PHASES)}")
