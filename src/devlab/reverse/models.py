"""The finding: one shape for every analysis (security, quality, dependency).

The insights feed ranks and de-duplicates findings by ``fingerprint``, which is
stable across snapshots as long as the rule, the file and the flagged code do
not change (line numbers may move).
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, computed_field

Category = Literal["security", "quality", "dependency", "performance", "coverage", "resilience"]
Severity = Literal["critical", "high", "medium", "low", "info"]
Confidence = Literal["high", "medium", "low"]
SEVERITY_ORDER: dict[str, int] = {"critical": 4, "high": 3, "medium": 2, "low": 1, "info": 0}


class TaintStep(BaseModel):
    """One hop of untrusted data on its way to a sink."""

    line: int
    code: str
    note: str = ""  # "source: request.args", "passes shlex.quote (sanitiser)", "sink"


class Finding(BaseModel):
    rule_id: str = Field(description="stable rule identifier, e.g. 'DL-PY-CMDI' or 'Q-LONG-FN'")
    category: Category
    title: str
    message: str = Field(description="what is wrong here, in one or two sentences")
    severity: Severity
    confidence: Confidence
    cwe: str | None = Field(default=None, description="e.g. 'CWE-78'")
    path: str
    start_line: int
    end_line: int
    snippet: str = ""
    symbol: str | None = None
    fix: str = Field(default="", description="a suggested fix")
    taint_path: list[TaintStep] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)
    phase: str | None = Field(
        default=None,
        exclude=True,
        description="the analysis phase that reports it, when not the category's own "
        "(a chaos scenario's findings are fixed only by a later run of that scenario)",
    )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fingerprint(self) -> str:
        """Rule + path + the flagged code with whitespace collapsed (not line numbers)."""
        code = re.sub(r"\s+", " ", self.snippet).strip()
        key = f"{self.rule_id}\0{self.path}\0{self.symbol or ''}\0{code}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


class DiagramRequest(BaseModel):
    project: str = Field(
        validation_alias=AliasChoices("project", "project_id"), description="project name or id"
    )
    diagram_type: str = Field(
        default="dependency", description="uml | dependency | architecture | call"
    )
    format: Literal["mermaid", "plantuml", "svg", "dot"] = "mermaid"
    scope: str | None = Field(default=None, description="only this subtree (path prefix)")
    depth: int | None = Field(default=None, ge=1, description="collapse modules to this depth")


class DiagramResponse(BaseModel):
    project: str
    diagram_type: str
    format: str
    text: str
