"""The Dev Companion's errors (all ``DevLabError``; see ``devlab.errors`` for the tree)::

    InvalidInput (422)
    +-- EmptyInput (400)        an empty chat message, code or requirement
    UnparsableCode (422)        the model's reply holds no code that parses

A provider that is down or times out raises ``devlab.llm.base.ProviderError`` (502) or
``ProviderTimeout`` (504); the companion adds the conversation id to its detail.
"""

from __future__ import annotations

from devlab.errors import DevLabError, InvalidInput


class EmptyInput(InvalidInput):
    """A required text (message, code, requirement) is empty or only whitespace."""

    status_code = 400


class UnparsableCode(DevLabError):
    """The model answered, but without code that parses in the requested language."""

    status_code = 422
    exit_code = 1


__all__ = ["EmptyInput", "UnparsableCode"]
