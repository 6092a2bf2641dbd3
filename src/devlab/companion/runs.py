"""Running the verified loop's code in the sandbox, and what a run is kept and fed back
as (``Execution``); shared by new code (``generate``) and project changes (``change``)."""

from __future__ import annotations

from devlab.companion.models import Execution, TestSummary
from devlab.sandbox import Limits, SandboxRequest, SandboxResult, run_code
from devlab.workbench import Workbench

__all__ = ["describe_failure", "run_in_sandbox", "summarise"]

TAIL_CHARS = 4000
FEEDBACK_CHARS = 3000


def _tail(text: str, chars: int = TAIL_CHARS) -> str:
    return text if len(text) <= chars else "..." + text[-chars:]


def summarise(result: SandboxResult, *, needs_tests: bool = True) -> Execution:
    """A sandbox result as a round keeps it; ``passed`` needs a clean exit and, in test
    mode, at least one test and no failures."""
    summary = TestSummary(total=len(result.tests))
    for test in result.tests:
        setattr(summary, test.outcome, getattr(summary, test.outcome) + 1)
    passed = result.status == "ok" and not summary.failed and not summary.error
    if needs_tests:
        passed = passed and summary.total > 0
    return Execution(
        status=result.status,
        exit_code=result.exit_code,
        passed=passed,
        wall_ms=result.wall_ms,
        stdout_tail=_tail(result.stdout),
        stderr_tail=_tail(result.stderr),
        tests=summary,
        failures=[t for t in result.tests if t.outcome in ("failed", "error")][:20],
        execution_id=result.execution_id,
    )


def run_in_sandbox(
    bench: Workbench,
    language: str,
    files: dict[str, str],
    *,
    mode: str,
    entry: str | None = None,
    args: list[str] | None = None,
    timeout: float = 30,
) -> Execution:
    """Run ``files`` (tests in ``mode="test"``, ``entry`` as a script in "run") in the
    sandbox; the run is recorded in ``executions``."""
    request = SandboxRequest(
        language=language,
        files=files,
        entry=entry,
        mode=mode,  # type: ignore[arg-type]
        args=args or [],
        limits=Limits(wall_seconds=timeout, cpu_seconds=timeout),
    )
    result = run_code(request, bench.settings, db=bench.db)
    return summarise(result, needs_tests=mode == "test")


def describe_failure(execution: Execution) -> str:
    """What a failed run is fed back to the model as: status, failing tests, output."""
    parts = [f"status: {execution.status}, exit code: {execution.exit_code}"]
    t = execution.tests
    if t.total:
        parts.append(f"tests: {t.passed} passed, {t.failed} failed, {t.error} errors")
    elif execution.status == "ok":
        parts.append("no test ran")
    for failure in execution.failures[:5]:
        parts.append(f"FAILED {failure.name}: {failure.message[:500]}")
    if execution.stdout_tail.strip():
        parts.append("stdout:\n" + _tail(execution.stdout_tail, FEEDBACK_CHARS))
    if execution.stderr_tail.strip():
        parts.append("stderr:\n" + _tail(execution.stderr_tail, FEEDBACK_CHARS))
    return "\n".join(parts)
