"""Dataset endpoints: build (a job), list, show, examples, export, card plots."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, JSONResponse, Response

from devlab.apitypes import DbOffset
from devlab.training.datasets import (
    DatasetBuildRequest,
    DatasetInfo,
    ExamplePage,
    export_bytes,
    get_dataset,
    list_datasets,
    list_examples,
    submit_build,
)
from devlab.training.datasets.catalog import dataset_dir, resolve_dataset
from devlab.training.datasets.errors import DatasetNotFound
from devlab.training.datasets.removal import DatasetDeleted, delete_dataset
from devlab.webtools import Principal, principal, workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/datasets", tags=["datasets"])


@router.post("", status_code=202, responses={202: {"description": "the build job"}})
def build(body: DatasetBuildRequest, bench: Workbench = Depends(workbench)) -> JSONResponse:
    """Build a new version of a dataset from a project's current snapshot (a job: follow
    /api/v1/devlab/jobs/{id}; its result is the dataset). Unknown kinds answer 400."""
    job = submit_build(bench, body)
    return JSONResponse(job.model_dump(mode="json"), status_code=202)


@router.get("", response_model=list[DatasetInfo])
def index(
    name: str | None = Query(None, description="only this dataset's versions"),
    bench: Workbench = Depends(workbench),
    who: Principal = Depends(principal),
):
    """Dataset versions built only from projects the caller can see."""
    return [d for d in list_datasets(bench.db, name) if all(map(who.can_see, d.project_ids))]


@router.delete(
    "/{dataset}",
    response_model=DatasetDeleted,
    responses={
        404: {"description": "no such dataset"},
        409: {"description": "a job builds or uses this version"},
    },
)
def remove_dataset(dataset: str, bench: Workbench = Depends(workbench)) -> DatasetDeleted:
    """Delete one dataset version (id, name = latest, or name@N): its row and files
    (honours withdrawn consent); 409 while a job builds or uses it."""
    return delete_dataset(bench.db, bench.settings, dataset)


@router.get("/{dataset}", response_model=DatasetInfo)
def show(dataset: str, bench: Workbench = Depends(workbench)):
    """A dataset version by id, name (latest version) or name@version, with its card."""
    return get_dataset(bench.db, dataset)


@router.get("/{dataset}/examples", response_model=ExamplePage)
def examples(
    dataset: str,
    split: str | None = Query(None, description="train | validation | test"),
    kind: str | None = Query(None, description="an example kind"),
    limit: int = Query(50, ge=0, le=1000),
    offset: Annotated[DbOffset, Query()] = 0,
    bench: Workbench = Depends(workbench),
):
    return list_examples(
        bench.db, bench.settings, dataset, split=split, kind=kind, limit=limit, offset=offset
    )


@router.get("/{dataset}/export")
def export(
    dataset: str,
    format: Literal["jsonl", "parquet"] = Query("jsonl"),
    bench: Workbench = Depends(workbench),
) -> Response:
    """Every example of every split in one JSONL or Parquet file (plain, also when the
    files are encrypted at rest)."""
    name, content = export_bytes(bench.db, bench.settings, dataset, format)
    media = "application/x-ndjson" if format == "jsonl" else "application/vnd.apache.parquet"
    disposition = f'attachment; filename="{name}"'
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})


@router.get("/{dataset}/plots/{name}")
def plot(dataset: str, name: str, bench: Workbench = Depends(workbench)) -> FileResponse:
    """A plot of the data card (``kinds.png``, ``lengths.png``, or ``.svg``)."""
    row = resolve_dataset(bench.db, dataset)
    folder = dataset_dir(bench.settings, row) / "plots"
    path = folder / name
    if "/" in name or name.startswith(".") or not path.is_file():
        raise DatasetNotFound(f"dataset {dataset!r} has no plot {name!r}")
    return FileResponse(path)
