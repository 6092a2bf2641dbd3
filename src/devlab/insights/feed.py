"""The insights feed: every finding of a project, de-duplicated across analyses, ranked,
with a status a person can change.

``record_analysis`` folds one ``AnalysisReport`` into the feed:

* findings are keyed by ``Finding.fingerprint`` (rule, path, symbol, flagged code; not
  line numbers), so a finding that only moved is the same insight;
* a finding not seen before is *new* (first seen in this analysis and snapshot);
* an open finding that an analysis of its phase no longer reports becomes *fixed*
  (unless its file failed to analyse this time: a crash is not a fix);
* a fixed finding that comes back is *open* again (counted as reopened); a dismissed one
  stays dismissed, which is the point of dismissing it;
* an analysis that covers only some paths (the API Builder lints one spec or design at a
  time) passes ``scope_paths``: only findings under those paths can become fixed.

The rank is severity x confidence x reachability: untrusted input proven to reach the
sink ranks above unknown origin, which ranks above code under tests/, docs/ or examples/.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from devlab.codebase import resolve_project
from devlab.errors import InvalidInput, NotFound
from devlab.insights.models import (
    AnalysisSummary,
    FeedType,
    Insight,
    InsightPage,
    InsightUpdate,
    StatusFilter,
)
from devlab.reverse import SEVERITY_ORDER, AnalysisReport, Finding
from devlab.store import AnalysisRow, Database, FindingRow, utcnow

__all__ = [
    "FEED_TYPES",
    "feed_type",
    "finding_phase",
    "get_insight",
    "last_analysis",
    "list_insights",
    "open_findings",
    "reachability",
    "record_analysis",
    "score",
    "update_insight",
]

FEED_TYPES: tuple[str, ...] = (
    "security", "performance", "quality", "dependency", "coverage", "resilience", "all"
)  # fmt: skip
TYPE_ALIASES = {"optimization": "performance", "optimisation": "performance"}
SEVERITY_WEIGHT = {"critical": 10.0, "high": 7.0, "medium": 4.0, "low": 2.0, "info": 1.0}
CONFIDENCE_WEIGHT = {"high": 1.0, "medium": 0.75, "low": 0.5}
REACHABILITY_WEIGHT = {"tainted": 1.0, "dependency": 0.8, "code": 0.7, "test": 0.3}
NON_PRODUCTION = re.compile(
    r"(^|/)(tests?|testing|__tests__|spec|specs|docs?|examples?|samples?|fixtures?|"
    r"benchmarks?|demo)(/|$)"
    r"|(^|/)(test_[^/]*|[^/]*_test)\.py$|_test\.go$|\.(test|spec)\.[cm]?[jt]sx?$|Tests?\.java$"
    r"|(^|/)conftest\.py$",
    re.IGNORECASE,
)


def finding_phase(f: Finding) -> str:
    """The analysis phase that reports ``f`` (see ``devlab.reverse.analyze.PHASES``)."""
    if f.phase:
        return f.phase  # e.g. "chaos:<scenario>" (the Testing & QA Lab's chaos runs)
    if f.rule_id == "DL-SECRET":
        return "secrets"
    if f.rule_id.startswith("DL-API-"):
        return "api"  # the API Builder's REST lint of a spec or design (issue 16)
    if f.category == "coverage":
        return "coverage"  # the Testing & QA Lab's coverage runs (issue 15)
    if f.category == "dependency":
        return "dependencies"
    if f.category == "security":
        return "security"
    return "quality"


def reachability(f: Finding) -> str:
    """How likely the flagged code runs on untrusted input (see the module docstring)."""
    if f.category == "dependency":
        return "dependency"
    if NON_PRODUCTION.search(f.path):
        return "test"
    if any(step.note.startswith("source") for step in f.taint_path):
        return "tainted"
    return "code"


def score(severity: str, confidence: str, reach: str) -> float:
    """The feed's rank: higher first."""
    return round(
        SEVERITY_WEIGHT.get(severity, 1.0)
        * CONFIDENCE_WEIGHT.get(confidence, 0.5)
        * REACHABILITY_WEIGHT.get(reach, 0.7),
        3,
    )


def _finding_fields(f: Finding) -> dict[str, Any]:
    reach = reachability(f)
    return {
        "phase": finding_phase(f),
        "category": f.category,
        "rule_id": f.rule_id,
        "title": f.title,
        "message": f.message,
        "severity": f.severity,
        "confidence": f.confidence,
        "cwe": f.cwe,
        "path": f.path,
        "start_line": f.start_line,
        "end_line": f.end_line,
        "snippet": f.snippet,
        "symbol": f.symbol,
        "fix": f.fix,
        "taint_path": [step.model_dump() for step in f.taint_path],
        "metrics": dict(f.metrics),
        "reachability": reach,
        "score": score(f.severity, f.confidence, reach),
    }


def _dedupe(findings: list[Finding]) -> dict[str, tuple[Finding, int]]:
    """fingerprint -> (the worst finding with it, how many times it was reported)."""
    out: dict[str, tuple[Finding, int]] = {}
    for f in findings:
        fp = f.fingerprint
        if fp in out:
            kept, n = out[fp]
            if SEVERITY_ORDER[f.severity] > SEVERITY_ORDER[kept.severity]:
                kept = f
            out[fp] = (kept, n + 1)
        else:
            out[fp] = (f, 1)
    return out


def record_analysis(
    db: Database,
    project: str | int,
    report: AnalysisReport,
    *,
    job_id: str | None = None,
    scope_paths: set[str] | None = None,
) -> AnalysisSummary:
    """Fold ``report`` into the project's feed; returns what changed (one transaction).
    With ``scope_paths`` the report covers only those paths: an open finding elsewhere is
    not marked fixed for being absent."""
    ref = resolve_project(db, project)
    current = _dedupe(report.findings)
    failed: dict[str, set[str]] = {}
    for e in report.errors:
        failed.setdefault(e.analysis, set()).add(e.path)
    phases = set(report.phases)
    new = fixed = reopened = 0
    with db.session() as s:
        analysis = AnalysisRow(
            project_id=ref.id,
            snapshot_id=report.snapshot_id,
            job_id=job_id,
            phases=list(report.phases),
            findings=len(current),
            summary={
                "counts": report.counts,
                "errors": [e.model_dump() for e in report.errors],
                "seconds": report.seconds,
                "dependencies": report.dependencies,
                "dependency_status": report.dependency_status,
                "vulndb_loaded": report.vulndb_loaded,
            },
        )
        s.add(analysis)
        s.flush()
        existing = {
            row.fingerprint: row
            for row in s.scalars(select(FindingRow).where(FindingRow.project_id == ref.id))
        }
        for fp, (f, n) in current.items():
            row = existing.get(fp)
            fields = _finding_fields(f)
            if row is None:
                new += 1
                s.add(
                    FindingRow(
                        project_id=ref.id,
                        fingerprint=fp,
                        occurrences=n,
                        status="open",
                        first_seen_snapshot_id=report.snapshot_id,
                        last_seen_snapshot_id=report.snapshot_id,
                        first_seen_analysis_id=analysis.id,
                        last_seen_analysis_id=analysis.id,
                        **fields,
                    )
                )
                continue
            for key, value in fields.items():
                setattr(row, key, value)
            row.occurrences = n
            row.last_seen_snapshot_id = report.snapshot_id
            row.last_seen_analysis_id = analysis.id
            if row.status == "fixed":
                reopened += 1
                row.status, row.status_reason, row.fixed_in_snapshot_id = "open", None, None
        for fp, row in existing.items():
            if (
                fp not in current
                and row.status == "open"
                and row.phase in phases
                and row.path not in failed.get(row.phase, ())
                and (scope_paths is None or row.path in scope_paths)
            ):
                fixed += 1
                row.status = "fixed"
                row.status_reason = "no longer reported by analysis"
                row.fixed_in_snapshot_id = report.snapshot_id
        analysis.new, analysis.fixed, analysis.reopened = new, fixed, reopened
        analysis.finished_at = utcnow()
        s.flush()
        return _summary(s, analysis, ref.name)


def _summary(s, row: AnalysisRow, project: str) -> AnalysisSummary:  # type: ignore[no-untyped-def]
    open_count = s.scalar(
        select(func.count())
        .select_from(FindingRow)
        .where(FindingRow.project_id == row.project_id, FindingRow.status == "open")
    )
    return AnalysisSummary(
        id=row.id,
        project=project,
        snapshot_id=row.snapshot_id,
        job_id=row.job_id,
        phases=list(row.phases),
        created_at=row.created_at,
        finished_at=row.finished_at,
        findings=row.findings,
        new=row.new,
        fixed=row.fixed,
        reopened=row.reopened,
        open=open_count or 0,
        **row.summary,
    )


def last_analysis(db: Database, project: str | int) -> AnalysisSummary | None:
    """The project's latest analysis, or None if it was never analysed."""
    ref = resolve_project(db, project)
    with db.session() as s:
        row = s.scalar(
            select(AnalysisRow)
            .where(AnalysisRow.project_id == ref.id)
            .order_by(AnalysisRow.id.desc())
            .limit(1)
        )
        return None if row is None else _summary(s, row, ref.name)


def _insight(row: FindingRow, latest_analysis_id: int | None) -> Insight:
    return Insight(
        id=row.id,
        fingerprint=row.fingerprint,
        category=row.category,
        rule_id=row.rule_id,
        title=row.title,
        message=row.message,
        severity=row.severity,
        confidence=row.confidence,
        cwe=row.cwe,
        path=row.path,
        start_line=row.start_line,
        end_line=row.end_line,
        snippet=row.snippet,
        symbol=row.symbol,
        fix=row.fix,
        taint_path=row.taint_path,
        metrics=row.metrics,
        occurrences=row.occurrences,
        reachability=row.reachability,
        score=row.score,
        status=row.status,  # type: ignore[arg-type]
        status_reason=row.status_reason,
        new=row.first_seen_analysis_id == latest_analysis_id,
        first_seen_snapshot_id=row.first_seen_snapshot_id,
        last_seen_snapshot_id=row.last_seen_snapshot_id,
        fixed_in_snapshot_id=row.fixed_in_snapshot_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def feed_type(value: str) -> FeedType:
    """Validate a feed type (``optimization`` is the seed's name for performance)."""
    value = TYPE_ALIASES.get(value.lower(), value.lower())
    if value not in FEED_TYPES:
        raise InvalidInput(f"unknown insight type {value!r}; choose from {', '.join(FEED_TYPES)}")
    return value  # type: ignore[return-value]


def list_insights(
    db: Database,
    project: str | int,
    *,
    type: str = "all",
    status: StatusFilter = "open",
    new: bool | None = None,
    min_severity: str | None = None,
    path: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> InsightPage:
    """One page of the project's feed, best first. ``new=True`` keeps only findings first
    reported by the latest analysis; ``path`` is a path prefix."""
    kind = feed_type(type)
    if status not in ("open", "dismissed", "fixed", "all"):
        raise InvalidInput(f"unknown status {status!r}; choose from open, dismissed, fixed, all")
    if min_severity is not None and min_severity not in SEVERITY_ORDER:
        raise InvalidInput(
            f"unknown severity {min_severity!r}; choose from {', '.join(SEVERITY_ORDER)}"
        )
    if limit < 0 or offset < 0:
        raise InvalidInput("limit and offset must be 0 or more")
    ref = resolve_project(db, project)
    latest = last_analysis(db, ref.id)
    query = select(FindingRow).where(FindingRow.project_id == ref.id)
    if kind != "all":
        query = query.where(FindingRow.category == kind)
    if status != "all":
        query = query.where(FindingRow.status == status)
    if new is not None:
        latest_id = latest.id if latest else -1
        query = query.where(
            (FindingRow.first_seen_analysis_id == latest_id)
            if new
            else (FindingRow.first_seen_analysis_id != latest_id)
        )
    if min_severity is not None:
        allowed = [s for s, rank in SEVERITY_ORDER.items() if rank >= SEVERITY_ORDER[min_severity]]
        query = query.where(FindingRow.severity.in_(allowed))
    if path:
        prefix = path.strip("/")
        query = query.where(
            (FindingRow.path == prefix) | FindingRow.path.startswith(prefix + "/", autoescape=True)
        )
    with db.session() as s:
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = s.scalars(
            query.order_by(
                FindingRow.score.desc(),
                FindingRow.path,
                FindingRow.start_line,
                FindingRow.id,
            )
            .limit(limit)
            .offset(offset)
        ).all()
        counts: dict[str, Counter[str]] = {}
        for category, severity, n in s.execute(
            select(FindingRow.category, FindingRow.severity, func.count())
            .where(FindingRow.project_id == ref.id, FindingRow.status == "open")
            .group_by(FindingRow.category, FindingRow.severity)
        ):
            counts.setdefault(category, Counter())[severity] = n
        items = [_insight(row, latest.id if latest else None) for row in rows]
    return InsightPage(
        project=ref.name,
        type=kind,
        status=status,
        total=total,
        counts={c: dict(v) for c, v in counts.items()},
        last_analysis=latest,
        items=items,
    )


def get_insight(db: Database, insight_id: int) -> Insight:
    with db.session() as s:
        row = s.get(FindingRow, insight_id)
        if row is None:
            raise NotFound(f"no insight with id {insight_id}")
        latest = s.scalar(
            select(func.max(AnalysisRow.id)).where(AnalysisRow.project_id == row.project_id)
        )
        return _insight(row, latest)


def update_insight(db: Database, insight_id: int, update: InsightUpdate) -> Insight:
    """Dismiss an insight (a reason is required) or open a dismissed one again."""
    reason = (update.reason or "").strip()
    with db.session() as s:
        row = s.get(FindingRow, insight_id)
        if row is None:
            raise NotFound(f"no insight with id {insight_id}")
        if row.status == "fixed":
            raise InvalidInput(
                f"insight {insight_id} is fixed (a later analysis no longer reports it); "
                "only open or dismissed insights can change status"
            )
        if update.status == "dismissed":
            if not reason:
                raise InvalidInput("dismissing an insight needs a reason (e.g. 'false positive')")
            row.status, row.status_reason = "dismissed", reason
        else:
            row.status, row.status_reason = "open", reason or None
        s.flush()
    return get_insight(db, insight_id)


def open_findings(db: Database, project: str | int) -> list[Finding]:
    """The project's open insights as ``Finding`` objects (for SARIF export)."""
    ref = resolve_project(db, project)
    with db.session() as s:
        rows = s.scalars(
            select(FindingRow)
            .where(FindingRow.project_id == ref.id, FindingRow.status == "open")
            .order_by(FindingRow.score.desc(), FindingRow.path, FindingRow.start_line)
        ).all()
        return [
            Finding(
                rule_id=r.rule_id,
                category=r.category,  # type: ignore[arg-type]
                title=r.title,
                message=r.message,
                severity=r.severity,  # type: ignore[arg-type]
                confidence=r.confidence,  # type: ignore[arg-type]
                cwe=r.cwe,
                path=r.path,
                start_line=r.start_line,
                end_line=r.end_line,
                snippet=r.snippet,
                symbol=r.symbol,
                fix=r.fix,
                taint_path=r.taint_path,
                metrics=r.metrics,
            )
            for r in rows
        ]
