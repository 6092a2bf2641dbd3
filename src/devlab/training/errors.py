"""Errors of fine-tuning, evaluation and the model registry::

    InvalidInput (422)
    +-- WontFit (422)              the run's memory estimate exceeds what is available
    +-- BaseModelUnloadable (422)  the base model path cannot be loaded (names the path)
    NotFound (404)
    +-- ModelVersionNotFound (404) no model version with that id, name or name@vN
    +-- EvaluationNotFound (404)
    ComponentUnavailable (503)     QLoRA without CUDA/bitsandbytes, GGUF without a converter

A dataset that does not exist raises the dataset builder's ``DatasetNotFound`` (404).
"""

from __future__ import annotations

from devlab.errors import InvalidInput, NotFound


class WontFit(InvalidInput):
    """Refused before start: ``detail`` carries the estimate and what is available."""


class BaseModelUnloadable(InvalidInput):
    pass


class ModelVersionNotFound(NotFound):
    pass


class EvaluationNotFound(NotFound):
    pass


__all__ = ["BaseModelUnloadable", "EvaluationNotFound", "ModelVersionNotFound", "WontFit"]
