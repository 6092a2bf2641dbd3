"""Coverage gaps into the insights feed (type ``coverage``), ranked by how much they
matter.

A gap is a function the project's own tests leave uncovered (no line run) or mostly
uncovered (under half its lines). Its importance mixes four signals, each in [0, 1]:
the function's PageRank in the symbol graph (``symbols.rank``, scaled to the project's
maximum), its complexity (branches, capped at 10), its churn (how many versions of its
file the store has seen, capped at 5) and whether an open security finding sits inside
it. The importance picks the severity, so the feed's usual ranking puts central,
complex, changing, security-relevant code first. Each gap's ``fix`` is the command that
generates tests for it.

Folded in as one analysis of phase ``coverage``: a function that gets covered by a
later run is marked fixed, like any finding that is no longer reported.
"""

from __future__ import annotations

from sqlalchemy import func, select

from devlab.insights import AnalysisSummary, record_analysis
from devlab.reverse import AnalysisReport, Finding
from devlab.store import Database, FileVersion, FindingRow, SnapshotFile, SymbolRow
from devlab.testing.models import CoverageReport

__all__ = ["coverage_gaps", "record_coverage_gaps"]

_MAX_GAPS = 300
WEIGHTS = {"pagerank": 0.4, "complexity": 0.3, "churn": 0.15, "security": 0.15}


def _signals(db: Database, report: CoverageReport, project_id: int) -> tuple[dict, dict, dict]:
    """(path, name) -> (rank, end line); path -> versions; path -> security finding lines."""
    ranks: dict[tuple[str, str], tuple[float, int]] = {}
    churn: dict[str, int] = {}
    security: dict[str, list[int]] = {}
    with db.session() as s:
        rows = s.execute(
            select(FileVersion.path, SymbolRow.qualname, SymbolRow.rank, SymbolRow.start_line,
                   SymbolRow.end_line)
            .join(SnapshotFile, SnapshotFile.file_id == FileVersion.id)
            .join(SymbolRow, SymbolRow.file_id == FileVersion.id)
            .where(SnapshotFile.snapshot_id == report.snapshot_id)
        )  # fmt: skip
        for path, qualname, rank, start, end in rows:
            ranks[(path, qualname)] = (rank or 0.0, end)
            ranks.setdefault((path, f"@{start}"), (rank or 0.0, end))
        for path, versions in s.execute(
            select(FileVersion.path, func.count())
            .where(FileVersion.project_id == project_id)
            .group_by(FileVersion.path)
        ):
            churn[path] = versions
        for path, line in s.execute(
            select(FindingRow.path, FindingRow.start_line).where(
                FindingRow.project_id == project_id,
                FindingRow.category == "security",
                FindingRow.status == "open",
            )
        ):
            security.setdefault(path, []).append(line)
    return ranks, churn, security


def _severity(importance: float) -> str:
    return "high" if importance >= 0.5 else "medium" if importance >= 0.25 else "low"


def _fix(report: CoverageReport, path: str, symbol: str) -> str:
    """The command that generates tests for a gap, in the framework of its language."""
    flag = {"pytest": "", "go test": ' --framework "go test"', "junit": " --framework junit",
            "node:test": " --framework node:test", "jest": " --framework jest"}  # fmt: skip
    if report.framework not in flag or report.language == "typescript":
        return (f"write {report.framework} tests for {symbol}: generation supports "
                "pytest, go test, junit, and node:test/jest for JavaScript")  # fmt: skip
    return (f"devlab tests generate {report.project} --path {path} --symbol {symbol}"
            f"{flag[report.framework]}  (POST /api/v1/devlab/testing/generate)")  # fmt: skip


def coverage_gaps(db: Database, report: CoverageReport, project_id: int) -> list[Finding]:
    """The gaps of ``report`` as findings, most important first."""
    ranks, churn, security = _signals(db, report, project_id)
    found: list[tuple[float, Finding]] = []
    for f in report.files:
        for fn in f.functions:
            covered = fn.summary.lines_covered
            if fn.summary.lines == 0 or fn.summary.line_percent >= 50:
                continue
            rank, end = ranks.get((f.path, fn.name)) or ranks.get(
                (f.path, f"@{fn.start_line}"), (0.0, fn.start_line))  # fmt: skip
            complexity = min(fn.summary.branches / 10, 1.0)
            versions = min(max(churn.get(f.path, 1) - 1, 0) / 4, 1.0)
            inside = [ln for ln in security.get(f.path, []) if fn.start_line <= ln <= end]
            metrics = {"pagerank": round(rank, 4), "complexity": round(complexity, 3),
                       "churn": round(versions, 3), "security": 1.0 if inside else 0.0}  # fmt: skip
            importance = sum(WEIGHTS[k] * v for k, v in metrics.items())
            metrics.update(importance=round(importance, 4), line_percent=fn.summary.line_percent,
                           branch_percent=fn.summary.branch_percent,
                           lines=fn.summary.lines, branches=fn.summary.branches)  # fmt: skip
            untested = covered == 0
            symbol = fn.name.split(".")[-1]
            finding = Finding(
                rule_id="DL-COV-UNTESTED" if untested else "DL-COV-PARTIAL",
                category="coverage",
                title=(f"{fn.name} is not run by any test" if untested else
                       f"{fn.name} is mostly untested ({fn.summary.line_percent:.0f}% of lines)"),
                message=(f"{fn.summary.lines - covered} of {fn.summary.lines} lines and "
                         f"{fn.summary.branches - fn.summary.branches_covered} of "
                         f"{fn.summary.branches} branches are not covered by the project's tests"
                         + (f"; {len(inside)} open security finding(s) inside" if inside else "")),
                severity=_severity(importance),  # type: ignore[arg-type]
                confidence="high",
                path=f.path, start_line=fn.start_line, end_line=end, snippet=fn.name,
                symbol=fn.name,
                fix=_fix(report, f.path, symbol),
                metrics=metrics,
            )  # fmt: skip
            found.append((importance, finding))
    found.sort(key=lambda pair: (-pair[0], pair[1].path, pair[1].start_line))
    return [f for _, f in found[:_MAX_GAPS]]


def record_coverage_gaps(
    db: Database, report: CoverageReport, project_id: int, job_id: str | None = None
) -> AnalysisSummary:
    """Fold the gaps into the project's feed as an analysis of phase ``coverage``."""
    assert report.snapshot_id is not None
    findings = coverage_gaps(db, report, project_id)
    counts: dict[str, dict[str, int]] = {}
    for f in findings:
        counts.setdefault("coverage", {}).setdefault(f.severity, 0)
        counts["coverage"][f.severity] += 1
    analysis = AnalysisReport(project=report.project, snapshot_id=report.snapshot_id,
                              phases=["coverage"], findings=findings, counts=counts)  # fmt: skip
    return record_analysis(db, project_id, analysis, job_id=job_id)
