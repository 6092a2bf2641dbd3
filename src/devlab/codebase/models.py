"""Codebase schemas that cross the REST/CLI boundary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt field is an error, not ignored

    name: str = Field(description="project name: letters, digits, '.', '_', '-'")
    source: str = Field(description="a directory or .zip on the server, or a git URL")
    ref: str | None = Field(default=None, description="git commit, branch or tag")
    own_code: bool | None = Field(
        default=None,
        description="the team's own code (datasets keep its files whatever their licence); "
        "default: kept as set, decided from the source at the first ingestion",
    )


class SnapshotInfo(BaseModel):
    id: int
    status: str
    source: str
    source_kind: str
    ref: str | None
    commit: str | None
    license: str | None
    licenses: dict[str, str]
    embedding_model: str | None
    started_at: datetime
    finished_at: datetime | None
    file_count: int
    skipped_count: int
    line_count: int
    symbol_count: int
    chunk_count: int
    secret_count: int
    parse_error_count: int
    stats: dict[str, Any]
    message: str | None
    error: str | None


class ProjectInfo(BaseModel):
    id: int
    name: str
    source: str
    created_at: datetime
    updated_at: datetime
    current_snapshot: SnapshotInfo | None
    latest_snapshot: SnapshotInfo | None = Field(
        default=None, description="the newest snapshot, which may still be running or failed"
    )
    own_code: bool = Field(
        default=True,
        description="the team's own code: datasets keep its files whatever their licence",
    )


class FileInfo(BaseModel):
    path: str
    language: str
    size: int
    line_count: int
    content_hash: str
    license: str | None
    parse_error: str | None


class SkippedInfo(BaseModel):
    path: str
    reason: str


class SecretInfo(BaseModel):
    path: str
    line: int
    type: str


class FileList(BaseModel):
    project: str
    snapshot_id: int | None
    files: list[FileInfo]
    skipped: list[SkippedInfo]
    secrets: list[SecretInfo]


class FileContent(BaseModel):
    path: str
    language: str
    text: str = Field(description="the file's text, secret values replaced by placeholders")
