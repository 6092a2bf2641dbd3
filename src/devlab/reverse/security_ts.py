"""Security rules for JavaScript, TypeScript, Java, Go and Bash over tree-sitter trees.

(Being written: the rules land here with their tests.)
"""

from __future__ import annotations

from devlab.reverse.models import Finding

__all__ = ["TREESITTER_SECURITY_LANGUAGES", "scan_treesitter_source"]

TREESITTER_SECURITY_LANGUAGES: frozenset[str] = frozenset()


def scan_treesitter_source(path: str, text: str, language: str) -> list[Finding]:
    """Security findings of one non-Python file."""
    raise ValueError(f"no security rules for {language} yet")
