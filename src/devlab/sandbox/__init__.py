"""Run untrusted code: eight languages, bubblewrap isolation, limits, streaming.

Public API (the CLI and REST doors import only from here)::

    run_code(request, settings, db=None, mounts=()) -> SandboxResult
    stream_code(request, settings, db=None, stdin=None) -> AsyncIterator[StreamEvent]
    supported_languages() -> list[str]
    doctor(settings) -> DoctorReport
"""

from typing import TYPE_CHECKING

from devlab.lazy import lazy_names
from devlab.sandbox.doctor import doctor
from devlab.sandbox.errors import (
    LimitTooHigh,
    SandboxBusy,
    SourceTooLarge,
    ToolchainMissing,
    UnsupportedLanguage,
)
from devlab.sandbox.models import (
    DependencyMount,
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

# Public names imported on first use (PEP 562, devlab.lazy): the package stays cheap to import.
if TYPE_CHECKING:
    from devlab.sandbox.cgroups import shutdown_pool
    from devlab.sandbox.languages import ALIASES
    from devlab.sandbox.runner import resolve_language

_LAZY = {
    "ALIASES": "devlab.sandbox.languages",
    "resolve_language": "devlab.sandbox.runner",
    "shutdown_pool": "devlab.sandbox.cgroups",
}
__getattr__ = lazy_names(__name__, _LAZY)

__all__ = [
    "ALIASES",
    "DependencyMount",
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
    "resolve_language",
    "run_code",
    "shutdown_pool",
    "stream_code",
    "supported_languages",
]
