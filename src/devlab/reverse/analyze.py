"""One analysis of a project: quality (and performance), security, secrets, dependencies.

``analyze_project`` runs the chosen phases over a project's current snapshot and returns
their findings in one list, worst first; ``devlab.insights`` folds that report into the
project's feed. Dependency manifests come from the source tree when it is at hand, else
from the snapshot (manifests are indexed; lock files are kept aside at ingestion).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from devlab.codebase import (
    WorkerPool,
    default_workers,
    list_files,
    resolve_project,
    snapshot_lockfiles,
    snapshot_texts,
)
from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.progress import ProgressFn, report
from devlab.reverse.dependencies import manifest_kind, scan_dependencies, scan_texts
from devlab.reverse.models import SEVERITY_ORDER, Finding
from devlab.reverse.performance import analyze_performance
from devlab.reverse.quality import analyze_quality
from devlab.reverse.security import analyze_security
from devlab.reverse.vulndb import check_dependencies, dependency_findings, vulndb_status
from devlab.store import Database

PHASES: tuple[str, ...] = ("quality", "security", "secrets", "dependencies")
"""Every analysis phase, in the order they run; ``phases=`` picks a subset."""


def check_phases(phases: Sequence[str]) -> tuple[str, ...]:
    """``phases`` in run order; an unknown or empty choice is an ``InvalidInput``."""
    unknown = [p for p in phases if p not in PHASES]
    if unknown or not phases:
        raise InvalidInput(f"unknown analysis phase(s) {unknown}; choose from {', '.join(PHASES)}")
    return tuple(p for p in PHASES if p in phases)


class AnalysisError(BaseModel):
    analysis: str
    path: str
    message: str


class AnalysisReport(BaseModel):
    project: str
    snapshot_id: int
    phases: list[str] = Field(default_factory=lambda: list(PHASES))
    findings: list[Finding] = Field(default_factory=list)
    counts: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="category -> severity -> findings"
    )
    dependencies: int = 0
    dependency_status: dict[str, int] = Field(
        default_factory=dict, description="vulnerable / not affected / unknown -> count"
    )
    vulndb_loaded: bool = False
    errors: list[AnalysisError] = Field(default_factory=list)
    seconds: dict[str, float] = Field(default_factory=dict)
    security_coverage: dict[str, int | float] = Field(
        default_factory=dict,
        description="files with security rules, unanalysed files, their share (0-1), and "
        "Python files bandit's parser skipped (DevLab's engine still analysed them)",
    )


GUESSED_SECRET_TYPES = frozenset(
    {"Base64 High Entropy String", "Hex High Entropy String", "Secret Keyword", "Public IP (ipv4)"}
)
"""detect-secrets types found by shape or by a variable's name, not by a known format:
often test data, hashes or examples, so they rank lower than a recognised token."""


def secret_findings(db: Database, project: str | int) -> list[Finding]:
    """The secrets ingestion found (and redacted) as findings; never their values. A
    recognised credential format (an AWS key, a GitHub token, a private key) is high
    severity and confidence; a guess from entropy or a variable name is medium / low."""
    findings = []
    for s in list_files(db, project).secrets:
        guessed = s.type in GUESSED_SECRET_TYPES
        findings.append(
            Finding(
                rule_id="DL-SECRET",
                category="security",
                title="Hard-coded secret" if not guessed else "Possible hard-coded secret",
                message=f"a {s.type} was found here (its value was redacted at ingestion)",
                severity="medium" if guessed else "high",
                confidence="low" if guessed else "high",
                cwe="CWE-798",
                path=s.path,
                start_line=s.line,
                end_line=s.line,
                snippet=f"<REDACTED:{s.type}>",
                fix="move the secret to the environment or a secret store, and rotate it",
            )
        )
    return findings


def unanalysed_findings(unanalysed: list[tuple[str, str]]) -> list[Finding]:
    """One low finding per file the security analysis could not read, so that the gap
    shows in the insights feed, not only in a log line."""
    return [
        Finding(
            rule_id="DL-SEC-UNANALYSED",
            category="security",
            title="File not analysed for security",
            message=f"no security rule could run on this file ({why}); its findings, "
            "if any, are missing from this report",
            severity="low",
            confidence="high",
            path=path,
            start_line=1,
            end_line=1,
            snippet="",
            fix="check the file's encoding and contents; report it if it is valid source",
        )
        for path, why in unanalysed
    ]


def analyze_project(
    db: Database,
    settings: Settings,
    project: str | int,
    *,
    source_root: Path | None = None,
    progress: ProgressFn | None = None,
    phases: Sequence[str] = PHASES,
) -> AnalysisReport:
    """Analyse ``project``; with ``source_root`` (the tree just ingested) dependency
    manifests and lock files are read from disk, which ingestion does not index."""
    steps = check_phases(phases)
    ref = resolve_project(db, project)
    out = AnalysisReport(project=ref.name, snapshot_id=ref.snapshot_id or 0, phases=list(steps))
    findings: list[Finding] = []
    # one pool for every phase's per-file work: its workers import the analysers once
    with WorkerPool(default_workers(settings.ingest_workers)) as pool:
        for done, step in enumerate(steps):
            report(progress, "analyze", done, len(steps), step)
            t0 = time.perf_counter()
            if step == "quality":
                quality = analyze_quality(db, project, pool=pool)
                findings += quality.findings
                out.errors += [
                    AnalysisError(analysis=step, path=p, message=m) for p, m in quality.errors
                ]
                slow, perf_errors = analyze_performance(db, project, pool=pool)
                findings += slow
                out.errors += [
                    AnalysisError(analysis=step, path=p, message=m) for p, m in perf_errors
                ]
            elif step == "security":
                security = analyze_security(db, project, pool=pool)
                findings += security.findings + unanalysed_findings(security.unanalysed)
                out.security_coverage = {
                    "files": security.files,
                    "unanalysed": len(security.unanalysed),
                    "unanalysed_share": round(len(security.unanalysed) / security.files, 4)
                    if security.files
                    else 0.0,
                    "bandit_skipped": security.bandit_skipped,
                }
                out.errors += [
                    AnalysisError(analysis=step, path=p, message=m) for p, m in security.errors
                ]
            elif step == "secrets":
                findings += secret_findings(db, project)
            else:
                deps = (
                    scan_dependencies(source_root)
                    if source_root is not None
                    else scan_texts(
                        [
                            *(
                                (t.path, t.text)
                                for t in snapshot_texts(db, project)
                                if manifest_kind(t.path)
                            ),
                            *snapshot_lockfiles(db, project),
                        ]
                    )
                )
                out.errors += [
                    AnalysisError(analysis=step, path=e.path, message=e.message)
                    for e in deps.errors
                ]
                verdicts = check_dependencies(settings, deps.dependencies)
                findings += dependency_findings(verdicts)
                out.dependencies = len(deps.dependencies)
                out.dependency_status = dict(Counter(v.status for v in verdicts))
                out.vulndb_loaded = bool(vulndb_status(settings)["loaded"])
            out.seconds[step] = round(time.perf_counter() - t0, 3)
    findings.sort(key=lambda f: (-SEVERITY_ORDER[f.severity], f.path, f.start_line, f.rule_id))
    out.findings = findings
    counts: dict[str, Counter[str]] = {}
    for f in findings:
        counts.setdefault(f.category, Counter())[f.severity] += 1
    out.counts = {category: dict(c) for category, c in counts.items()}
    report(progress, "analyze", len(steps), len(steps), f"{len(findings)} findings")
    return out
