"""Training runs and evaluations as jobs (what the REST and CLI doors start).

A training run is a registry version in status ``training`` plus a job; its run
directory is ``home/training/runs/NAME-vN``. Cheap checks (the dataset exists, the config
parses, the base model path loads, the memory estimate fits) answer 4xx before a job is
queued. A cancelled or crashed run keeps its newest checkpoint; ``resume`` continues it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from devlab.errors import Conflict, DevLabError
from devlab.jobs import JobContext
from devlab.progress import JobCancelled, ProgressFn
from devlab.training import registry
from devlab.training.evaluate import evaluate
from devlab.training.finetune import finetune
from devlab.training.models import (
    EvaluationInfo,
    EvaluationRequest,
    TrainingRunInfo,
    TrainRequest,
)
from devlab.training.runconfig import RunConfig, check_fits, load_run_config, model_shape
from devlab.workbench import Workbench

__all__ = [
    "get_run",
    "prepare_run",
    "run_evaluation",
    "run_training",
    "submit_evaluation",
    "submit_training",
]


def _data_dir(bench: Workbench, dataset_id: int | None) -> Path:
    from devlab.training.datasets.catalog import dataset_dir, resolve_dataset

    if dataset_id is None:
        raise Conflict("this run has no dataset (it was deleted): start a new run")
    return dataset_dir(bench.settings, resolve_dataset(bench.db, dataset_id)) / "data"


def prepare_run(
    bench: Workbench, request: TrainRequest, config_file: Path | None = None
) -> tuple[int, RunConfig]:
    """Validate a request and record the version it will produce (or find the run to
    resume); returns (version id, resolved config). Raises before any job starts."""
    from devlab.llm import resolve_device
    from devlab.training.datasets.catalog import resolve_dataset
    from devlab.training.modeling import resolve_base_dir

    if request.resume is not None:
        info = registry.resolve_version(bench.db, request.resume)
        if info.status == "ready" and request.max_steps is None:
            raise Conflict(f"run {info.tag} already finished: give max_steps to train further")
        overrides = {"max_steps": request.max_steps} if request.max_steps else {}
        config = RunConfig.model_validate({**info.run_config, **overrides})
        registry.update_version(
            bench.db, info.id, status="training", run_config=config.model_dump(mode="json")
        )
        return info.id, config
    if not request.dataset:
        from devlab.errors import InvalidInput

        raise InvalidInput("give the dataset to train on (id, name or name@version)")
    dataset = resolve_dataset(bench.db, request.dataset)  # 404 when unknown
    config = load_run_config(config_file, **request.config, max_steps=request.max_steps)
    device = resolve_device(config.device)
    config = config.resolved(device)
    if config.base_model:
        base_dir = resolve_base_dir(bench.settings, config.base_model)
        check_fits(config, model_shape(base_dir), device)
    else:
        from devlab.llm import is_converted, packaged_model_dir

        packaged = packaged_model_dir(bench.settings.models_dir)
        if is_converted(packaged):  # else the job converts it first, then checks
            check_fits(config, model_shape(packaged), device)
    info = registry.register_version(
        bench.db,
        name=request.name or dataset.name,
        type=config.method,
        base_model=config.base_model,
        dataset_id=dataset.id,
        dataset_ref=f"{dataset.name}@{dataset.version}",
        run_config=config.model_dump(mode="json"),
    )
    run_dir = bench.settings.home / "training" / "runs" / f"{info.name}-v{info.version}"
    registry.update_version(
        bench.db, info.id, run_dir=registry.stored_path(bench.settings, run_dir)
    )
    return info.id, config


def _train_job(bench: Workbench, version_id: int, config: RunConfig):  # type: ignore[no-untyped-def]
    def run(ctx: JobContext) -> dict[str, Any]:
        info = registry.update_version(bench.db, version_id, job_id=ctx.job_id, status="training")
        run_dir = registry.version_paths(bench.settings, info)["run_dir"]
        assert run_dir is not None
        ctx.log(f"training {info.tag} on {info.dataset_ref} into {run_dir}")
        try:
            result = finetune(
                bench.settings,
                config,
                _data_dir(bench, info.dataset_id),
                run_dir,
                progress=ctx.progress,
                log=ctx.log,
            )
        except JobCancelled:
            registry.update_version(bench.db, version_id, status="cancelled")
            raise
        except BaseException as exc:
            registry.update_version(
                bench.db,
                version_id,
                status="failed",
                metrics={"error": getattr(exc, "message", str(exc))},
            )
            raise
        metrics = result.model_dump(mode="json", exclude={"history", "config", "run_dir"})
        registry.update_version(
            bench.db,
            version_id,
            status="ready",
            metrics=metrics,
            adapter_path=registry.stored_path(bench.settings, result.adapter_dir),
            weights_path=registry.stored_path(bench.settings, result.weights_dir),
        )
        return {
            "version_id": version_id,
            "tag": info.tag,
            **metrics,
            "loss_history": result.history,
        }

    return run


def submit_training(bench: Workbench, request: TrainRequest) -> TrainingRunInfo:
    version_id, config = prepare_run(bench, request)
    job_id = bench.jobs.submit(
        "training",
        _train_job(bench, version_id, config),
        params={"version_id": version_id, "dataset": request.dataset},
    )
    registry.update_version(bench.db, version_id, job_id=job_id)
    return get_run(bench, version_id)


def run_training(
    bench: Workbench,
    request: TrainRequest,
    *,
    config_file: Path | None = None,
    progress: ProgressFn | None = None,
) -> TrainingRunInfo:
    """Train in this thread (the CLI), recorded as a job like any other."""
    version_id, config = prepare_run(bench, request, config_file)
    job = bench.jobs.run_inline(
        "training",
        _train_job(bench, version_id, config),
        params={"version_id": version_id, "dataset": request.dataset},
        listener=progress,
    )
    if job.status != "succeeded":
        raise DevLabError(f"training {job.status}: {job.error}")
    return get_run(bench, version_id)


def get_run(bench: Workbench, ref: int | str) -> TrainingRunInfo:
    """A run by its version id (or tag), with its job's progress and loss history."""
    info = registry.resolve_version(bench.db, ref)
    run_dir = registry.version_paths(bench.settings, info)["run_dir"]
    history = []
    if run_dir is not None and (run_dir / "history.jsonl").is_file():
        lines = (run_dir / "history.jsonl").read_text(encoding="utf-8").splitlines()
        history = [json.loads(line) for line in lines if line.strip()]
    job_status, progress = None, {}
    if info.job_id:
        try:
            job = bench.jobs.get(info.job_id)
            job_status, progress = job.status, job.progress.model_dump()
        except DevLabError:
            pass
    return TrainingRunInfo(
        id=info.id,
        tag=info.tag,
        status=info.status,
        job_id=info.job_id,
        job_status=job_status,
        progress=progress,
        run_dir=info.run_dir,
        metrics=info.metrics,
        loss_history=history,
    )


# -- evaluations ---------------------------------------------------------------------------------


def _check_evaluation(bench: Workbench, request: EvaluationRequest) -> None:
    from devlab.training.evaluate import resolve_target

    if request.suite != "humaneval" and request.resume is None:
        from devlab.training.datasets.catalog import resolve_dataset

        resolve_dataset(bench.db, request.suite)  # 404 now, not in the job
    if request.resume is None:
        resolve_target(bench, request.model, request.provider)


def submit_evaluation(bench: Workbench, request: EvaluationRequest) -> dict[str, Any]:
    _check_evaluation(bench, request)

    def run(ctx: JobContext) -> dict[str, Any]:
        info = evaluate(bench, request, progress=ctx.progress, job_id=ctx.job_id)
        return info.model_dump(mode="json")

    job_id = bench.jobs.submit("evaluation", run, params=request.model_dump(mode="json"))
    return bench.jobs.get(job_id).model_dump(mode="json")


def run_evaluation(
    bench: Workbench, request: EvaluationRequest, *, progress: ProgressFn | None = None
) -> EvaluationInfo:
    _check_evaluation(bench, request)
    holder: dict[str, EvaluationInfo] = {}

    def run(ctx: JobContext) -> dict[str, Any]:
        holder["info"] = evaluate(bench, request, progress=ctx.progress, job_id=ctx.job_id)
        return holder["info"].model_dump(mode="json")

    job = bench.jobs.run_inline(
        "evaluation", run, params=request.model_dump(mode="json"), listener=progress
    )
    if job.status != "succeeded":
        raise DevLabError(f"evaluation {job.status}: {job.error}")
    return holder["info"]
