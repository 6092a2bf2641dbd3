"""The executions record: every run is written; its source only when retained."""

from __future__ import annotations

from devlab.sandbox.models import SandboxRequest, SandboxResult
from devlab.store import Database, Execution


def source_text(request: SandboxRequest) -> str:
    """The source as one text (single file, or files joined with path headers)."""
    if request.code is not None and not request.files:
        return request.code
    parts = [f"# --- {path}\n{body}" for path, body in sorted(request.files.items())]
    return "\n".join(parts)


def record_execution(
    db: Database,
    request: SandboxRequest,
    result: SandboxResult,
    *,
    source_hash: str,
    retain: bool,
    duration_ms: float,
) -> int:
    """Write one ``executions`` row and return its id."""
    tests = None
    if result.tests:
        tests = {"total": len(result.tests)}
        for outcome in ("passed", "failed", "error", "skipped"):
            tests[outcome] = sum(1 for t in result.tests if t.outcome == outcome)
    row = Execution(
        language=result.language,
        mode=request.mode,
        source_hash=source_hash,
        source=source_text(request) if retain else None,
        limits=request.limits.model_dump(),
        status=result.status,
        exit_code=result.exit_code,
        signal=result.signal,
        wall_ms=result.wall_ms,
        cpu_ms=result.cpu_ms,
        peak_memory_kb=result.peak_memory_kb,
        stdout_truncated=result.stdout_truncated,
        stderr_truncated=result.stderr_truncated,
        test_summary=tests,
        duration_ms=duration_ms,
    )
    with db.session() as session:
        session.add(row)
        session.flush()
        return row.id


__all__ = ["record_execution", "source_text"]
