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
    """Called for every language-model request; counted for the current request, if any."""
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


# -- sandbox time ------------------------------------------------------------
SandboxCharge = Callable[[float], None]
_sandbox_meter: ContextVar[SandboxCharge | None] = ContextVar("devlab_sandbox_meter", default=None)


def use_sandbox_meter(charge: SandboxCharge | None) -> None:
    """Set by the server's access check: ``charge(seconds)`` is called with each sandbox
    run's own measured time for the rest of the request, and in the jobs it starts (the
    job runner carries the context into its worker), so the user/token and the projects
    that started the work pay for it."""
    _sandbox_meter.set(charge)


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
    "RequestMeter",
    "SandboxCharge",
    "current_user_id",
    "note_model_call",
    "note_sandbox_run",
    "set_current_user",
    "start_meter",
    "use_sandbox_meter",
]
