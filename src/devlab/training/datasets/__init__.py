"""Training datasets from a codebase: extract, annotate, augment, clean, split, export.

Public API (the CLI and REST doors import only from here)::

    build_dataset(db, settings, request, progress=None) -> DatasetInfo
    submit_build(bench, request) -> JobInfo          # a job (REST)
    run_build(bench, request, progress=None)         # inline job (CLI)
    get_dataset(db, ref) / list_datasets(db)
    list_examples(db, settings, ref, split=, kind=, limit=, offset=) -> ExamplePage
    export_dataset(db, settings, ref, fmt, out_dir) / export_file(db, settings, ref, fmt)
    register_eval_set(settings, name, path) / list_eval_sets(settings)

Where things live: ``pipeline.py`` reads top to bottom; ``worker.py`` is the per-file
work (``units.py`` parse, ``extract.py`` builders, ``mutate.py``, ``augment.py``,
``annotate.py``, ``privacy.py``, ``dedup.py`` signatures); ``linking.py``, ``history.py``,
``pairs.py`` and ``validate.py`` need the whole project; ``decontam.py``, ``splits.py``,
``export.py``, ``card.py`` and ``catalog.py`` finish the job.
"""

from devlab.training.datasets.catalog import get_dataset, list_datasets
from devlab.training.datasets.decontam import list_eval_sets, register_eval_set
from devlab.training.datasets.errors import DatasetNotFound, UnknownKind
from devlab.training.datasets.jobs import run_build, submit_build
from devlab.training.datasets.models import (
    AUGMENTATIONS,
    KINDS,
    OPERATORS,
    SPLITS,
    DatasetBuildRequest,
    DatasetConfig,
    DatasetInfo,
    EvalSetInfo,
    ExamplePage,
)
from devlab.training.datasets.pipeline import build_dataset, check_config
from devlab.training.datasets.service import (
    export_bytes,
    export_dataset,
    export_file,
    list_examples,
)

__all__ = [
    "AUGMENTATIONS",
    "KINDS",
    "OPERATORS",
    "SPLITS",
    "DatasetBuildRequest",
    "DatasetConfig",
    "DatasetInfo",
    "DatasetNotFound",
    "EvalSetInfo",
    "ExamplePage",
    "UnknownKind",
    "build_dataset",
    "check_config",
    "export_bytes",
    "export_dataset",
    "export_file",
    "get_dataset",
    "list_datasets",
    "list_eval_sets",
    "list_examples",
    "register_eval_set",
    "run_build",
    "submit_build",
]
