"""Reverse engineering: security, quality, dependency and architecture analysis."""

from typing import TYPE_CHECKING

from devlab.lazy import lazy_names
from devlab.reverse.models import Finding, TaintStep

# Public names imported on first use (PEP 562, devlab.lazy): the package stays cheap to import.
if TYPE_CHECKING:
    from devlab.reverse.analyze import PHASES, AnalysisReport, analyze_project, check_phases
    from devlab.reverse.dependencies import manifest_kind, scan_texts
    from devlab.reverse.models import SEVERITY_ORDER
    from devlab.reverse.sarif import to_sarif
    from devlab.reverse.services import detect_services

_LAZY = {
    "AnalysisReport": "devlab.reverse.analyze",
    "PHASES": "devlab.reverse.analyze",
    "SEVERITY_ORDER": "devlab.reverse.models",
    "analyze_project": "devlab.reverse.analyze",
    "check_phases": "devlab.reverse.analyze",
    "detect_services": "devlab.reverse.services",
    "manifest_kind": "devlab.reverse.dependencies",
    "scan_texts": "devlab.reverse.dependencies",
    "to_sarif": "devlab.reverse.sarif",
}
__getattr__ = lazy_names(__name__, _LAZY)

__all__ = [
    "PHASES",
    "SEVERITY_ORDER",
    "AnalysisReport",
    "Finding",
    "TaintStep",
    "analyze_project",
    "check_phases",
    "detect_services",
    "manifest_kind",
    "scan_texts",
    "to_sarif",
]
