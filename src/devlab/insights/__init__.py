"""The insights feed: findings of every analysis, de-duplicated, ranked, with status."""

from typing import TYPE_CHECKING

from devlab.lazy import lazy_names

# Public names imported on first use (PEP 562, devlab.lazy): the package stays cheap to import.
if TYPE_CHECKING:
    from devlab.insights.feed import record_analysis
    from devlab.insights.models import AnalysisSummary

_LAZY = {
    "AnalysisSummary": "devlab.insights.models",
    "record_analysis": "devlab.insights.feed",
}
__getattr__ = lazy_names(__name__, _LAZY)

__all__ = [
    "AnalysisSummary",
    "record_analysis",
]
