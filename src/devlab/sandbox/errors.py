"""Sandbox errors, each a ``DevLabError`` so one handler renders them everywhere::

InvalidInput (422)
+-- UnsupportedLanguage (400)  language not one of ``supported_languages()``
+-- LimitTooHigh (400)         a limit above the configured maximum
+-- SourceTooLarge (413)       source bigger than ``sandbox_max_source_bytes``
|                              (or more files than ``sandbox_max_files``)
+-- BadFileName (400)          a file name that is too long or starts with '@'/'-'
ComponentUnavailable (503)
+-- ToolchainMissing (503)     compiler/interpreter or bubblewrap not installed
DevLabError
+-- SandboxBusy (429)          every slot busy and the waiting queue full
"""

from __future__ import annotations

from devlab.errors import ComponentUnavailable, DevLabError, InvalidInput


class UnsupportedLanguage(InvalidInput):
    status_code = 400


class LimitTooHigh(InvalidInput):
    status_code = 400


class SourceTooLarge(InvalidInput):
    status_code = 413


class BadFileName(InvalidInput):
    status_code = 400


class ToolchainMissing(ComponentUnavailable):
    status_code = 503


class SandboxBusy(DevLabError):
    """The REST door answers 429 with ``Retry-After: detail["retry_after"]``."""

    status_code = 429
    exit_code = 75  # EX_TEMPFAIL: try again later


__all__ = [
    "BadFileName",
    "LimitTooHigh",
    "SandboxBusy",
    "SourceTooLarge",
    "ToolchainMissing",
    "UnsupportedLanguage",
]
