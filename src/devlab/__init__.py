"""DevLab: a self-hosted AI workbench for software teams.

The layers, bottom to top, and how a request travels through them: docs/architecture.md.
"""

__version__ = "0.3.0"

__all__ = ["__version__"]
