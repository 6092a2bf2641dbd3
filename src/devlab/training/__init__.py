"""Training: datasets from a codebase (``training.datasets``), fine-tuning, evaluation and
the model registry.

Public API (the CLI and REST doors import from these modules)::

    finetune(settings, config, data_dir, run_dir, progress=, log=) -> TrainResult
    load_run_config(path, **overrides) / write_accelerate_config(path, gpus=, machines=)
    submit_training(bench, TrainRequest) / run_training(...) / get_run(bench, id)
    evaluate(bench, EvaluationRequest) -> EvaluationInfo ; compare_evaluations(bench, a, b)
    pass_at_k(n, c, k)
    registry: register_version, activate, rollback, lineage, acceptance_rates, ...

Modules in reading order: ``runconfig`` (knobs, memory estimate, accelerate),
``modeling`` (base model + a correct tokenizer, FIM tokens), ``trainingdata`` (examples
-> labelled, packed sequences), ``finetune`` (the loop), ``metrics`` + ``evaluate``,
``registry``, ``jobs``; the doors ``cli.py`` and ``routes.py``.
"""

from typing import TYPE_CHECKING

from devlab.lazy import lazy_names
from devlab.training.metrics import pass_at_k

# Public names imported on first use (PEP 562, devlab.lazy): the package stays cheap to import.
if TYPE_CHECKING:
    from devlab.training.datasets.catalog import reseal_datasets, resolve_dataset
    from devlab.training.datasets.models import OPERATORS
    from devlab.training.datasets.mutate import mutate_unit
    from devlab.training.datasets.units import FileTask, SymbolInfo, parse_units
    from devlab.training.datasets.validate import ValidationJob, run_validations
    from devlab.training.registry import resolve_version

_LAZY = {
    "FileTask": "devlab.training.datasets.units",
    "OPERATORS": "devlab.training.datasets.models",
    "SymbolInfo": "devlab.training.datasets.units",
    "ValidationJob": "devlab.training.datasets.validate",
    "mutate_unit": "devlab.training.datasets.mutate",
    "parse_units": "devlab.training.datasets.units",
    "reseal_datasets": "devlab.training.datasets.catalog",
    "resolve_dataset": "devlab.training.datasets.catalog",
    "resolve_version": "devlab.training.registry",
    "run_validations": "devlab.training.datasets.validate",
}
__getattr__ = lazy_names(__name__, _LAZY)

__all__ = [
    "OPERATORS",
    "FileTask",
    "SymbolInfo",
    "ValidationJob",
    "mutate_unit",
    "parse_units",
    "pass_at_k",
    "reseal_datasets",
    "resolve_dataset",
    "resolve_version",
    "run_validations",
]
