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

from devlab.training.metrics import pass_at_k

__all__ = ["pass_at_k"]
