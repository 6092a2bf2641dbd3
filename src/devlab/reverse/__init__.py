"""Reverse engineering: security, quality, dependency and architecture analysis."""

from devlab.reverse.models import Finding, TaintStep

__all__ = ["Finding", "TaintStep"]
