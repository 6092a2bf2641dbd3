"""Project endpoints: list, show, snapshots, files, one file, delete (creating one, which
ingests and indexes it, is ``routes.ingest_router``). Doors of the ``codebase`` library
(which sits below the language models and has no doors of its own), kept with search,
the package that composes ingestion."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from devlab.apitypes import DbOffset
from devlab.codebase import (
    FileContent,
    FileList,
    ProjectDeleted,
    ProjectInfo,
    SnapshotInfo,
    delete_project,
    file_text,
    list_files,
    list_projects,
    list_snapshots,
    project_info,
)
from devlab.webtools import Principal, principal, workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/projects", tags=["projects"])


@router.get("", response_model=list[ProjectInfo])
def get_projects(bench: Workbench = Depends(workbench), who: Principal = Depends(principal)):
    """The projects the caller has a role on (every project for an admin)."""
    return [p for p in list_projects(bench.db) if who.can_see(p.id)]


@router.delete(
    "/{project}",
    response_model=ProjectDeleted,
    responses={
        404: {"description": "no such project"},
        409: {"description": "a job is running on the project"},
    },
)
def remove_project(project: str, bench: Workbench = Depends(workbench)) -> ProjectDeleted:
    """Delete a project with its snapshots, files, index entries and findings (409 while
    a job runs on it)."""
    return delete_project(bench.db, bench.settings, project)


@router.get("/{project}", response_model=ProjectInfo)
def get_project(project: str, bench: Workbench = Depends(workbench)):
    return project_info(bench.db, project)


@router.get("/{project}/snapshots", response_model=list[SnapshotInfo])
def get_snapshots(project: str, bench: Workbench = Depends(workbench)):
    return list_snapshots(bench.db, project)


@router.get("/{project}/files", response_model=FileList)
def get_files(
    project: str,
    language: str | None = None,
    limit: int = Query(10_000, ge=1, le=100_000),
    offset: Annotated[DbOffset, Query()] = 0,
    bench: Workbench = Depends(workbench),
):
    return list_files(bench.db, project, language=language, limit=limit, offset=offset)


@router.get("/{project}/file", response_model=FileContent)
def get_file(
    project: str,
    path: str = Query(..., min_length=1, max_length=1000, description="the file's path"),
    bench: Workbench = Depends(workbench),
):
    """One file of the current snapshot (the workbench opens cited lines with it)."""
    row = file_text(bench.db, project, path)
    return FileContent(path=row.path, language=row.language, text=row.text)
