"""Who the current request acts for: a context variable the server's access check sets,
so that the rows a request creates (jobs, conversations) name their owner without every
library function taking a user argument. Unset (None) in the CLI and the local
single-user mode."""

from __future__ import annotations

from contextvars import ContextVar

_current_user: ContextVar[int | None] = ContextVar("devlab_current_user", default=None)


def current_user_id() -> int | None:
    """The id of the user the current request acts for, None outside a signed-in one."""
    return _current_user.get()


def set_current_user(user_id: int | None) -> None:
    """Set by the server's access check for the rest of the request."""
    _current_user.set(user_id)


class RequestMeter:
    """What one request spent on language models: the server's access check reads it
    after the request (model-token rate limits, the audit log's model-call entries)."""

    def __init__(self) -> None:
        self.model_calls: list[dict[str, object]] = []

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


__all__ = [
    "RequestMeter",
    "current_user_id",
    "note_model_call",
    "set_current_user",
    "start_meter",
]
