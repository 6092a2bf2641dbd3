"""Ingest a codebase: sources, file selection, parsing, chunking, secrets, snapshots."""

from typing import TYPE_CHECKING

from devlab.lazy import lazy_names

# Public names imported on first use (PEP 562, devlab.lazy): the package stays cheap to import.
if TYPE_CHECKING:
    from devlab.codebase.grammars import RULES, get_language, get_parser
    from devlab.codebase.ingest import (
        IngestReport,
        get_or_create_project,
        ingest_source,
        project_name_from,
        recover_interrupted,
        validate_project_name,
    )
    from devlab.codebase.languages import PARSED_LANGUAGES, detect_language
    from devlab.codebase.models import (
        FileContent,
        FileList,
        IngestRequest,
        ProjectInfo,
        SnapshotInfo,
    )
    from devlab.codebase.ownership import is_vendored
    from devlab.codebase.parallel import WorkerPool, default_workers, shared_pool
    from devlab.codebase.parsing import parse_source
    from devlab.codebase.projects import (
        ProjectRef,
        file_text,
        list_files,
        list_projects,
        list_snapshots,
        project_info,
        project_own_code,
        require_snapshot,
        resolve_project,
        snapshot_lockfiles,
        snapshot_texts,
    )
    from devlab.codebase.removal import ProjectDeleted, delete_project
    from devlab.codebase.secrets import scrub
    from devlab.codebase.sources import (
        _git_env,
        _run_git,
        check_zip_archive,
        is_git_url,
        is_remote_source,
        mask_credentials,
    )

_LAZY = {
    "ProjectDeleted": "devlab.codebase.removal",
    "list_snapshots": "devlab.codebase.projects",
    "file_text": "devlab.codebase.projects",
    "SnapshotInfo": "devlab.codebase.models",
    "ProjectInfo": "devlab.codebase.models",
    "FileList": "devlab.codebase.models",
    "FileContent": "devlab.codebase.models",
    "delete_project": "devlab.codebase.removal",
    "project_info": "devlab.codebase.projects",
    "list_projects": "devlab.codebase.projects",
    "recover_interrupted": "devlab.codebase.ingest",
    "IngestReport": "devlab.codebase.ingest",
    "IngestRequest": "devlab.codebase.models",
    "PARSED_LANGUAGES": "devlab.codebase.languages",
    "ProjectRef": "devlab.codebase.projects",
    "RULES": "devlab.codebase.grammars",
    "WorkerPool": "devlab.codebase.parallel",
    "_git_env": "devlab.codebase.sources",
    "_run_git": "devlab.codebase.sources",
    "check_zip_archive": "devlab.codebase.sources",
    "default_workers": "devlab.codebase.parallel",
    "detect_language": "devlab.codebase.languages",
    "get_language": "devlab.codebase.grammars",
    "get_or_create_project": "devlab.codebase.ingest",
    "get_parser": "devlab.codebase.grammars",
    "ingest_source": "devlab.codebase.ingest",
    "is_git_url": "devlab.codebase.sources",
    "is_remote_source": "devlab.codebase.sources",
    "is_vendored": "devlab.codebase.ownership",
    "list_files": "devlab.codebase.projects",
    "mask_credentials": "devlab.codebase.sources",
    "parse_source": "devlab.codebase.parsing",
    "project_name_from": "devlab.codebase.ingest",
    "project_own_code": "devlab.codebase.projects",
    "require_snapshot": "devlab.codebase.projects",
    "resolve_project": "devlab.codebase.projects",
    "scrub": "devlab.codebase.secrets",
    "shared_pool": "devlab.codebase.parallel",
    "snapshot_lockfiles": "devlab.codebase.projects",
    "snapshot_texts": "devlab.codebase.projects",
    "validate_project_name": "devlab.codebase.ingest",
}
__getattr__ = lazy_names(__name__, _LAZY)

__all__ = [
    "PARSED_LANGUAGES",
    "RULES",
    "FileContent",
    "FileList",
    "IngestReport",
    "IngestRequest",
    "ProjectDeleted",
    "ProjectInfo",
    "ProjectRef",
    "SnapshotInfo",
    "WorkerPool",
    "_git_env",
    "_run_git",
    "check_zip_archive",
    "default_workers",
    "delete_project",
    "detect_language",
    "file_text",
    "get_language",
    "get_or_create_project",
    "get_parser",
    "ingest_source",
    "is_git_url",
    "is_remote_source",
    "is_vendored",
    "list_files",
    "list_projects",
    "list_snapshots",
    "mask_credentials",
    "parse_source",
    "project_info",
    "project_name_from",
    "project_own_code",
    "recover_interrupted",
    "require_snapshot",
    "resolve_project",
    "scrub",
    "shared_pool",
    "snapshot_lockfiles",
    "snapshot_texts",
    "validate_project_name",
]
