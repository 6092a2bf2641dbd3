"""Run untrusted code: eight languages, bubblewrap isolation, limits, streaming.

Public API (the CLI and REST doors import only from here)::

    run_code(request, settings, db=None) -> SandboxResult
    stream_code(request, settings, db=None, stdin=None) -> AsyncIterator[StreamEvent]
    supported_languages() -> list[str]
    doctor(settings) -> DoctorReport
"""

from devlab.sandbox.doctor import doctor
from devlab.sandbox.errors import (
    LimitTooHigh,
    SandboxBusy,
    SourceTooLarge,
    ToolchainMissing,
    UnsupportedLanguage,
)
from devlab.sandbox.models import (
    DoctorReport,
    FeatureStatus,
    LanguageStatus,
    Limits,
    SandboxRequest,
    SandboxResult,
    StreamEvent,
    TestCaseResult,
)
from devlab.sandbox.runner import run_code, supported_languages
from devlab.sandbox.streaming import stream_code

__all__ = [
    "DoctorReport",
    "FeatureStatus",
    "LanguageStatus",
    "LimitTooHigh",
    "Limits",
    "SandboxBusy",
    "SandboxRequest",
    "SandboxResult",
    "SourceTooLarge",
    "StreamEvent",
    "TestCaseResult",
    "ToolchainMissing",
    "UnsupportedLanguage",
    "doctor",
    "run_code",
    "stream_code",
    "supported_languages",
]
