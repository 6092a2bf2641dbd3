"""REST-convention lint of a spec or design into its project's insights feed.

``record_lint`` lints one API model (``lint_model``) and folds the findings into the
project's feed as one analysis of phase ``api`` (``devlab.insights.record_analysis``), so
they show in ``GET /insights?project_id=`` and ``devlab insights`` with the code's own
findings (type ``quality``: REST conventions are design quality).

* Each finding's path is the spec's name (``openapi.yaml``) or ``api-designs/<name>`` for
  a stored design; its line is the operation's line in the spec's text when the text is
  at hand (YAML/JSON), else 1.
* Its rule id is ``DL-API-<RULE>`` and its fingerprint rule + path + operation, so a
  re-run finds the same insight (no duplicate), even when the operation moved.
* A lint covers one spec: only findings of that spec (its path) are marked fixed when the
  lint no longer reports them; other specs' and the code analysis' findings are untouched.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from devlab.apibuilder.lint import LintFinding, lint_model
from devlab.apibuilder.loader import lines_of
from devlab.apibuilder.models import ApiModel
from devlab.codebase import require_snapshot, resolve_project
from devlab.errors import InvalidInput
from devlab.insights import AnalysisSummary, record_analysis
from devlab.reverse import AnalysisReport, Finding
from devlab.store import Database

__all__ = ["DESIGN_PREFIX", "LintRecord", "design_source", "lint_findings", "record_lint"]

RULE_PREFIX = "DL-API-"
DESIGN_PREFIX = "api-designs/"
MAX_SOURCE = 300
SEVERITY = {"warning": "low", "info": "info"}
# naming rules guess from words; the structural ones read the spec's declarations
GUESSED = frozenset({"path-kebab-case", "no-verbs-in-path", "plural-collection"})
TITLES = {
    "path-kebab-case": "Path segment is not kebab-case",
    "no-verbs-in-path": "Path names an action",
    "plural-collection": "Collection name is singular",
    "create-returns-201": "Create does not answer 201",
    "delete-status": "DELETE answers no 204/200/202",
    "error-responses": "No error response declared",
    "error-shape": "Error responses use several shapes",
    "idempotency": "PUT/DELETE on a collection",
    "pagination": "List without pagination",
    "versioning": "API has no version",
}


class LintRecord(BaseModel):
    """One lint folded into a project's feed: the findings and what changed."""

    project: str
    source: str = Field(description="the path the findings carry in the feed")
    findings: list[LintFinding]
    analysis: AnalysisSummary


def design_source(name: str) -> str:
    """The feed path of a stored design's findings."""
    return DESIGN_PREFIX + name


def _check_source(source: str) -> str:
    source = source.strip().lstrip("/")
    if not source or len(source) > MAX_SOURCE or any(ord(c) < 32 for c in source):
        raise InvalidInput(
            f"the spec's name in the feed must be 1-{MAX_SOURCE} printable characters "
            "(e.g. 'openapi.yaml')"
        )
    return source


def lint_findings(
    findings: list[LintFinding], source: str, text: str | None = None
) -> list[Finding]:
    """``findings`` as feed findings of the spec at ``source`` (lines from ``text``)."""
    lines = lines_of(text, [f.pointer for f in findings if f.pointer]) if text else {}
    out = []
    for f in findings:
        line = lines.get(f.pointer, 1) if f.pointer else 1
        out.append(
            Finding(
                rule_id=RULE_PREFIX + f.rule_id.upper(),
                category="quality",
                title=TITLES.get(f.rule_id, f.rule_id),
                message=f"{f.operation}: {f.message}" if f.operation else f.message,
                severity=SEVERITY.get(f.severity, "info"),  # type: ignore[arg-type]
                confidence="medium" if f.rule_id in GUESSED else "high",
                path=source,
                start_line=line,
                end_line=line,
                snippet=f.operation or f.rule_id,
                symbol=f.operation or None,
                fix=f.fix,
            )
        )
    return out


def record_lint(
    db: Database,
    project: str | int,
    model: ApiModel,
    *,
    source: str,
    text: str | None = None,
    job_id: str | None = None,
) -> LintRecord:
    """Lint ``model`` and fold its findings into ``project``'s feed (phase ``api``,
    scoped to ``source``). The project needs a snapshot (the feed's findings are
    anchored to one)."""
    source = _check_source(source)
    ref = resolve_project(db, project)
    snapshot_id = require_snapshot(ref)
    found = lint_model(model)
    findings = lint_findings(found, source, text)
    counts: dict[str, dict[str, int]] = {}
    if findings:
        counts["quality"] = dict(Counter(f.severity for f in findings))
    report = AnalysisReport(
        project=ref.name,
        snapshot_id=snapshot_id,
        phases=["api"],
        findings=findings,
        counts=counts,
    )
    summary = record_analysis(db, ref.id, report, job_id=job_id, scope_paths={source})
    return LintRecord(project=ref.name, source=source, findings=found, analysis=summary)
