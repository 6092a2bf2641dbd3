"""Errors of the reverse-engineering capability.

InvalidInput (devlab.errors)
+-- UnknownDiagramType (400, exit 2)   diagram_type not uml|dependency|architecture|call
"""

from __future__ import annotations

from devlab.errors import InvalidInput

__all__ = ["UnknownDiagramType"]


class UnknownDiagramType(InvalidInput):
    status_code = 400
