"""Training, evaluation and model-registry endpoints (thin: the library does the work).

Progress of a run or an evaluation streams from ``/api/v1/devlab/jobs/{job_id}/events``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from devlab.apitypes import DbId
from devlab.training import registry
from devlab.training.datasets.catalog import hidden_datasets
from devlab.training.evaluate import compare_evaluations, get_evaluation
from devlab.training.jobs import get_run, submit_evaluation, submit_training
from devlab.training.models import (
    AcceptanceRate,
    ActivateRequest,
    Comparison,
    EvaluationInfo,
    EvaluationRequest,
    Lineage,
    ModelVersionInfo,
    TrainingRunInfo,
    TrainRequest,
)
from devlab.webtools import Principal, principal, workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab", tags=["training"])


@router.post("/training/runs", status_code=202, response_model=TrainingRunInfo)
def start_run(body: TrainRequest, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Fine-tune on a dataset (a job; its events at /jobs/{job_id}/events). An unknown
    dataset answers 404, a run that will not fit in memory 422 with the estimate."""
    run = submit_training(bench, body)
    return JSONResponse(run.model_dump(mode="json"), status_code=202)


@router.get("/training/runs/{run_id}", response_model=TrainingRunInfo)
def show_run(run_id: str, bench: Workbench = Depends(workbench)):
    return get_run(bench, run_id)


@router.post("/evaluations", status_code=202)
def start_evaluation(
    body: EvaluationRequest, bench: Workbench = Depends(workbench)
) -> JSONResponse:
    """Evaluate a model on a suite (a job; its result is the evaluation)."""
    return JSONResponse(submit_evaluation(bench, body), status_code=202)


@router.get("/evaluations/compare", response_model=Comparison)
def compare(
    a: Annotated[DbId, Query()], b: Annotated[DbId, Query()], bench: Workbench = Depends(workbench)
):
    return compare_evaluations(bench, a, b)


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationInfo)
def show_evaluation(
    evaluation_id: DbId,
    results: bool = Query(False, description="include per-task results"),
    bench: Workbench = Depends(workbench),
):
    return get_evaluation(bench, evaluation_id, results=results)


@router.get("/models", response_model=list[ModelVersionInfo])
def models(bench: Workbench = Depends(workbench), who: Principal = Depends(principal)):
    """Model versions, except those trained on a project the caller cannot see."""
    hidden = hidden_datasets(bench.db, who.visible_ids())
    return [m for m in registry.list_versions(bench.db) if m.dataset_id not in hidden]


@router.get("/models/acceptance", response_model=list[AcceptanceRate])
def acceptance(bench: Workbench = Depends(workbench)):
    return registry.acceptance_rates(bench.db)


@router.get("/models/{version}/lineage", response_model=Lineage)
def lineage(version: str, bench: Workbench = Depends(workbench)):
    return registry.lineage(bench.db, version)


@router.post("/models/{version}/activate", response_model=ModelVersionInfo)
def activate(
    version: str, body: ActivateRequest | None = None, bench: Workbench = Depends(workbench)
):
    """Serve this version for the task kinds (default all) from the next request on."""
    return registry.activate(bench.db, version, (body.tasks if body else None))


@router.post("/models/rollback/{task}", response_model=ModelVersionInfo | None)
def rollback(task: str, bench: Workbench = Depends(workbench)):
    return registry.rollback(bench.db, task)
