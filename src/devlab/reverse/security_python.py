"""Former home of the Python security analysis, kept so existing imports work: it now
lives in ``devlab.reverse.security.python`` (tree-sitter engine + bandit)."""

from devlab.reverse.security.python import (  # noqa: F401
    BANDIT_CWE,
    BANDIT_FIX,
    CWE_FAMILY,
    PRESENCE_FAMILIES,
    SecurityReport,
    analyze_python_security,
    scan_python_project,
    scan_python_source,
)

__all__ = [
    "BANDIT_CWE",
    "SecurityReport",
    "analyze_python_security",
    "scan_python_project",
    "scan_python_source",
]
