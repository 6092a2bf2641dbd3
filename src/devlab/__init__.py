"""DevLab: a self-hosted AI workbench for software teams."""

__version__ = "0.2.0"
