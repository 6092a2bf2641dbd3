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
    from devlab.codebase.languages import PARSED_LANGUAGES, detect_language, extensions_of
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
        check_zip_archive,
        git_env,
        is_git_url,
        is_remote_source,
        mask_credentials,
        run_git,
    )
    from devlab.codebase.walk import kept_test_data

_LAZY = {
    "kept_test_data": "devlab.codebase.walk",
    "FileContent": "devlab.codebase.models",
    "FileList": "devlab.codebase.models",
    "IngestReport": "devlab.codebase.ingest",
    "IngestRequest": "devlab.codebase.models",
    "PARSED_LANGUAGES": "devlab.codebase.languages",
    "ProjectDeleted": "devlab.codebase.removal",
    "ProjectInfo": "devlab.codebase.models",
    "ProjectRef": "devlab.codebase.projects",
    "RULES": "devlab.codebase.grammars",
    "SnapshotInfo": "devlab.codebase.models",
    "WorkerPool": "devlab.codebase.parallel",
    "check_zip_archive": "devlab.codebase.sources",
    "default_workers": "devlab.codebase.parallel",
    "delete_project": "devlab.codebase.removal",
    "detect_language": "devlab.codebase.languages",
    "extensions_of": "devlab.codebase.languages",
    "file_text": "devlab.codebase.projects",
    "get_language": "devlab.codebase.grammars",
    "get_or_create_project": "devlab.codebase.ingest",
    "get_parser": "devlab.codebase.grammars",
    "git_env": "devlab.codebase.sources",
    "ingest_source": "devlab.codebase.ingest",
    "is_git_url": "devlab.codebase.sources",
    "is_remote_source": "devlab.codebase.sources",
    "is_vendored": "devlab.codebase.ownership",
    "list_files": "devlab.codebase.projects",
    "list_projects": "devlab.codebase.projects",
    "list_snapshots": "devlab.codebase.projects",
    "mask_credentials": "devlab.codebase.sources",
    "parse_source": "devlab.codebase.parsing",
    "project_info": "devlab.codebase.projects",
    "project_name_from": "devlab.codebase.ingest",
    "project_own_code": "devlab.codebase.projects",
    "recover_interrupted": "devlab.codebase.ingest",
    "require_snapshot": "devlab.codebase.projects",
    "resolve_project": "devlab.codebase.projects",
    "run_git": "devlab.codebase.sources",
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
    "check_zip_archive",
    "default_workers",
    "delete_project",
    "detect_language",
    "extensions_of",
    "file_text",
    "get_language",
    "get_or_create_project",
    "get_parser",
    "git_env",
    "ingest_source",
    "is_git_url",
    "is_remote_source",
    "is_vendored",
    "kept_test_data",
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
    "run_git",
    "scrub",
    "shared_pool",
    "snapshot_lockfiles",
    "snapshot_texts",
    "validate_project_name",
]
