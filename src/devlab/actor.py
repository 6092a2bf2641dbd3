"""Who the current request acts for: a context variable the server's access check sets,
so that the rows a request creates (jobs, conversations) name their owner without every
library function taking a user argument. Unset (None) in the CLI and the local
single-user mode."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

_current_user: ContextVar[int | None] = ContextVar("devlab_current_user", default=None)


def current_user_id() -> int | None:
    """The id of the user the current request acts for, None outside a signed-in one."""
    return _current_user.get()


def set_current_user(user_id: int | None) -> None:
    """Set by the server's access check for the rest of the request."""
    _current_user.set(user_id)


class RequestMeter:
    """What one request spent on language models and sandbox time: the server's access
    check reads it after the request (model-token rate limits, the audit log's entry)."""

    def __init__(self) -> None:
        self.model_calls: list[dict[str, object]] = []
        self.sandbox_seconds = 0.0  # runs measured while this meter was current

    @property
    def tokens(self) -> int:
        return sum(int(c["prompt_tokens"]) + int(c["completion_tokens"]) for c in self.model_calls)  # type: ignore[call-overload]


_meter: ContextVar[RequestMeter | None] = ContextVar("devlab_request_meter", default=None)


def start_meter() -> RequestMeter:
    meter = RequestMeter()
    _meter.set(meter)
    return meter


def note_model_call(provider: str, model: str, prompt_tokens: int, completion_tokens: int) -> None:
    """Called for every language-model request; counted for the current request (or job),
    if any, and charged at once to the caller's model-token window (``use_model_meter``)."""
    charge = _model_charge.get()
    tokens = prompt_tokens + completion_tokens
    if charge is not None and tokens > 0:
        try:
            charge(float(tokens))
        except Exception:  # metering must not break the work it measures
            logging.getLogger(__name__).warning("model tokens not charged", exc_info=True)
    meter = _meter.get()
    if meter is not None and len(meter.model_calls) < 1000:
        meter.model_calls.append(
            {
                "provider": provider,
                "model": model,
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
            }
        )


# -- sandbox time and model tokens --------------------------------------------
SandboxCharge = Callable[[float], None]
# a budget raises ``devlab.progress.QuotaUsedUp`` once the caller may not spend more
Budget = Callable[[], None]
JobReport = Callable[[str, str, RequestMeter], None]
_sandbox_meter: ContextVar[SandboxCharge | None] = ContextVar("devlab_sandbox_meter", default=None)
_sandbox_budget: ContextVar[Budget | None] = ContextVar("devlab_sandbox_budget", default=None)
_model_charge: ContextVar[Callable[[float], None] | None] = ContextVar(
    "devlab_model_charge", default=None
)
_model_budget: ContextVar[Budget | None] = ContextVar("devlab_model_budget", default=None)
_job_report: ContextVar[JobReport | None] = ContextVar("devlab_job_report", default=None)
_in_job: ContextVar[bool] = ContextVar("devlab_in_job", default=False)
# why the current job was stopped by a budget (shared with its worker threads' copies)
_stopped: ContextVar[list[str] | None] = ContextVar("devlab_job_stopped", default=None)


def use_sandbox_meter(charge: SandboxCharge | None, budget: Budget | None = None) -> None:
    """Set by the server's access check: ``charge(seconds)`` is called with each sandbox
    run's own measured time for the rest of the request, and in the jobs it starts (the
    job runner carries the context into its worker), so the user/token and the projects
    that started the work pay for it. ``budget`` is asked before each run inside a job:
    once it is used up it raises ``QuotaUsedUp`` and the job stops."""
    _sandbox_meter.set(charge)
    _sandbox_budget.set(budget)


def use_model_meter(charge: Callable[[float], None] | None, budget: Budget | None = None) -> None:
    """Set by the server's access check: ``charge(tokens)`` is called after every model
    call of the request and of the jobs it starts; ``budget`` is asked before each model
    call inside a job (the per-minute model-token limit)."""
    _model_charge.set(charge)
    _model_budget.set(budget)


def use_job_report(report: JobReport | None) -> None:
    """Set by the server's access check: ``report(job_id, status, meter)`` is called when
    a job the request started ends, with what the job spent (the audit log's entry)."""
    _job_report.set(report)


def begin_job() -> RequestMeter:
    """Called by the job runner in the job's own copy of the submitter's context: the
    budgets apply from now on, and the job gets its own meter."""
    _in_job.set(True)
    _stopped.set([])
    return start_meter()


def job_stopped() -> str | None:
    """Why a budget stopped the current job (even where the job's code caught the
    exception and went on with what it had), None if none did."""
    reasons = _stopped.get()
    return reasons[0] if reasons else None


def end_job(job_id: str, status: str, meter: RequestMeter) -> None:
    """Called by the job runner when a job ends: hands its spending to the report hook."""
    report = _job_report.get()
    if report is None:
        return
    try:
        report(job_id, status, meter)
    except Exception:  # a failing audit write must not change the job's outcome
        logging.getLogger(__name__).warning("job usage not reported", exc_info=True)


def _check(budget: ContextVar[Budget | None]) -> None:
    ask = budget.get()
    if _in_job.get() and ask is not None:
        try:
            ask()  # raises QuotaUsedUp when used up
        except Exception as exc:
            reasons = _stopped.get()
            if reasons is not None and len(reasons) < 10:
                reasons.append(getattr(exc, "message", str(exc)))
            raise


def check_sandbox_budget() -> None:
    """Called by the sandbox before every run: inside a job whose caller has used up a
    sandbox quota or rate limit, raises ``QuotaUsedUp`` (the job stops)."""
    _check(_sandbox_budget)


def check_model_budget() -> None:
    """Called before every model call: inside a job whose caller has used up the
    per-minute model-token limit, raises ``QuotaUsedUp`` (the job stops)."""
    _check(_model_budget)


def note_sandbox_run(seconds: float) -> None:
    """Called by the sandbox after every run with the run's own measured time (compile
    + run); charged to the current meter, if any. A failing meter (the database gone)
    never fails the run: the charge is logged and dropped."""
    charge = _sandbox_meter.get()
    meter = _meter.get()
    if meter is not None:
        meter.sandbox_seconds += seconds
    if charge is None or seconds <= 0:
        return
    try:
        charge(seconds)
    except Exception:  # metering must not break the work it measures
        logging.getLogger(__name__).warning("sandbox time not charged", exc_info=True)


__all__ = [
    "Budget",
    "JobReport",
    "RequestMeter",
    "SandboxCharge",
    "begin_job",
    "check_model_budget",
    "check_sandbox_budget",
    "current_user_id",
    "end_job",
    "job_stopped",
    "note_model_call",
    "note_sandbox_run",
    "set_current_user",
    "start_meter",
    "use_job_report",
    "use_model_meter",
    "use_sandbox_meter",
]
