"""REST door of snippet version history (the workbench's sandbox page):

* ``GET /api/v1/devlab/snippets``: snippets, most recently changed first;
* ``GET|POST /api/v1/devlab/snippets/{name}/versions``: list / save a version;
* ``GET /api/v1/devlab/snippets/{name}/versions/{version}``: one version with its files;
* ``GET /api/v1/devlab/snippets/{name}/diff?a=&b=``: unified diff between two versions;
* ``POST /api/v1/devlab/snippets/{name}/versions/{version}/restore``: a new version
  with that version's content.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from devlab.sandbox.history import (
    SnippetInfo,
    SnippetSave,
    VersionDetail,
    VersionDiff,
    VersionInfo,
    diff_versions,
    get_version,
    list_snippets,
    list_versions,
    restore_version,
    save_version,
)
from devlab.webtools import workbench
from devlab.workbench import Workbench

router = APIRouter(prefix="/api/v1/devlab/snippets", tags=["sandbox"])


@router.get("", response_model=list[SnippetInfo])
def snippets(
    limit: int = Query(100, ge=1, le=1000), bench: Workbench = Depends(workbench)
) -> list[SnippetInfo]:
    return list_snippets(bench.db, limit)


@router.get("/{name}/versions", response_model=list[VersionInfo])
def versions(
    name: str, limit: int = Query(100, ge=1, le=1000), bench: Workbench = Depends(workbench)
) -> list[VersionInfo]:
    """The snippet's versions, newest first."""
    return list_versions(bench.db, name, limit)


@router.post("/{name}/versions", response_model=VersionDetail, status_code=201)
def save(name: str, body: SnippetSave, bench: Workbench = Depends(workbench)) -> VersionDetail:
    """Save the editor's content as the next version (the latest, if unchanged)."""
    return save_version(bench.db, name, body)


@router.get("/{name}/versions/{version}", response_model=VersionDetail)
def version(name: str, version: int, bench: Workbench = Depends(workbench)) -> VersionDetail:
    return get_version(bench.db, name, version)


@router.get("/{name}/diff", response_model=VersionDiff)
def diff(
    name: str,
    a: int = Query(..., ge=1, description="the older version"),
    b: int = Query(..., ge=1, description="the newer version"),
    bench: Workbench = Depends(workbench),
) -> VersionDiff:
    return diff_versions(bench.db, name, a, b)


@router.post("/{name}/versions/{version}/restore", response_model=VersionDetail, status_code=201)
def restore(name: str, version: int, bench: Workbench = Depends(workbench)) -> VersionDetail:
    """Make an old version the latest again (as a new version, so it can be undone)."""
    return restore_version(bench.db, name, version)


__all__ = ["router"]
