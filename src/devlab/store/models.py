"""SQLAlchemy 2 models: the relational part of DevLab's store.

Files are content-addressed per project: a ``files`` row is one version of one
path (path + content hash). A snapshot lists the file versions it contains
(``snapshot_files``); an unchanged file is shared by consecutive snapshots, so
re-ingestion parses and embeds only what changed. Symbols, references, imports
and chunks hang off a file version. A project's ``current_snapshot_id`` moves
only when a snapshot completes, so a crash mid-ingestion never touches what
queries see.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator

from devlab.store.crypto import EncryptedJSON, EncryptedText


def utcnow() -> datetime:
    """Now, timezone-aware UTC: compares with the aware values UTCDateTime reads back,
    and is stored naive UTC like every other timestamp."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (as always: no migration), read back timezone-aware.

    The API's schemas say ``date-time``, which requires an offset; a naive value
    serialised as ``2026-01-01T12:00:00`` broke that contract (issue 13). Aware
    values are converted to UTC before they are stored.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime}


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # the latest complete snapshot; queries read it (no FK: snapshots point back here)
    current_snapshot_id: Mapped[int | None]
    # the team's own code (datasets keep its files whatever their licence); set at the
    # first ingestion from the source (codebase.ownership), changeable; None: not yet set
    own_code: Mapped[bool | None] = mapped_column(default=None)


class Snapshot(Base):
    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    # running -> complete | failed; complete -> superseded when a newer one completes
    status: Mapped[str] = mapped_column(String(20), default="running")
    source: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str | None] = mapped_column(String(255))
    commit: Mapped[str | None] = mapped_column(String(64))
    license: Mapped[str | None] = mapped_column(String(64))
    licenses: Mapped[dict[str, Any]] = mapped_column(default=dict)
    embedding_model: Mapped[str | None] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    file_count: Mapped[int] = mapped_column(default=0)
    skipped_count: Mapped[int] = mapped_column(default=0)
    line_count: Mapped[int] = mapped_column(default=0)
    symbol_count: Mapped[int] = mapped_column(default=0)
    chunk_count: Mapped[int] = mapped_column(default=0)
    secret_count: Mapped[int] = mapped_column(default=0)
    parse_error_count: Mapped[int] = mapped_column(default=0)
    # {"parsed": n, "reused": n, "removed": n, "embedded": n, "seconds": {...}}
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)


class FileVersion(Base):
    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("project_id", "path", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    line_count: Mapped[int]
    license: Mapped[str | None] = mapped_column(String(64))
    parse_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FileText(Base):
    """The scrubbed text of a file version, for analyses that need whole files
    (security rules, architecture, quality) without the original source tree."""

    __tablename__ = "file_texts"

    file_id: Mapped[int] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(EncryptedText)


class SnapshotFile(Base):
    __tablename__ = "snapshot_files"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    file_id: Mapped[int] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SkippedFileRow(Base):
    __tablename__ = "skipped_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("snapshots.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    # kept for lock files the dependency analysis reads (credentials in URLs removed)
    text: Mapped[str | None] = mapped_column(EncryptedText)


class SymbolRow(Base):
    __tablename__ = "symbols"
    __table_args__ = (Index("ix_symbols_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    qualname: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    # the header and the docstring are the code's own text: encrypted at rest (#19)
    signature: Mapped[str] = mapped_column(EncryptedText)
    docstring: Mapped[str] = mapped_column(EncryptedText)
    start_line: Mapped[int]
    end_line: Mapped[int]
    parent: Mapped[str | None] = mapped_column(Text)
    # PageRank of the symbol in the latest snapshot that contains it
    rank: Mapped[float] = mapped_column(Float, default=0.0)


class ReferenceRow(Base):
    __tablename__ = "symbol_refs"
    __table_args__ = (Index("ix_symbol_refs_name", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))
    line: Mapped[int]
    scope: Mapped[str | None] = mapped_column(Text)


class ImportRow(Base):
    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    module: Mapped[str] = mapped_column(Text)
    names: Mapped[list[Any]] = mapped_column(default=list)
    line: Mapped[int]


class ChunkRow(Base):
    __tablename__ = "chunks"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    start_line: Mapped[int]
    end_line: Mapped[int]
    language: Mapped[str] = mapped_column(String(32))
    symbol: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(EncryptedText)
    content_hash: Mapped[str] = mapped_column(String(64))
    # the embedding model key that produced this chunk's vector, None if not embedded
    embedded_with: Mapped[str | None] = mapped_column(String(255))


class SecretFindingRow(Base):
    __tablename__ = "secret_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    line: Mapped[int]
    type: Mapped[str] = mapped_column(String(100))


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50))
    # queued -> running -> succeeded | failed | cancelled
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    # a job's input and answer may hold code, prompts, generated tests: encrypted (#19)
    params: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    progress_done: Mapped[int] = mapped_column(default=0)
    progress_total: Mapped[int] = mapped_column(default=0)
    progress_message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    error: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    # who started it (None: the local single user or the CLI); set from devlab.actor
    user_id: Mapped[int | None] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]


class JobLog(Base):
    __tablename__ = "job_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    level: Mapped[str] = mapped_column(String(10), default="info")
    message: Mapped[str] = mapped_column(Text)


class ChunkVector(Base):
    """Chunk embeddings for engines without sqlite-vec (PostgreSQL): float32 bytes.

    On SQLite the vectors live in sqlite-vec ``vec0`` tables instead (one per
    dimension, created on first use by ``store.search_index``).
    """

    __tablename__ = "chunk_vectors"

    chunk_id: Mapped[int] = mapped_column(
        ForeignKey("chunks.id", ondelete="CASCADE"), primary_key=True
    )
    project_id: Mapped[int] = mapped_column(index=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Execution(Base):
    """One sandbox run: what ran, under which limits, and how it ended.

    ``source`` is kept only when retention is on (the request's ``store_source``
    or the ``sandbox_retain_source`` setting); ``source_hash`` always is.
    """

    __tablename__ = "executions"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(32), index=True)
    mode: Mapped[str] = mapped_column(String(10))
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str | None] = mapped_column(EncryptedText)
    limits: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20))
    exit_code: Mapped[int | None]
    signal: Mapped[int | None]
    wall_ms: Mapped[float] = mapped_column(Float, default=0.0)
    cpu_ms: Mapped[float] = mapped_column(Float, default=0.0)
    peak_memory_kb: Mapped[int | None]
    stdout_truncated: Mapped[bool] = mapped_column(default=False)
    stderr_truncated: Mapped[bool] = mapped_column(default=False)
    test_summary: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)  # #19
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)


class AnalysisRow(Base):
    """One run of ``devlab analyze`` (or its REST/job doors) over a snapshot: which
    phases ran, how long each took, what failed, and what changed in the feed."""

    __tablename__ = "analyses"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"))
    job_id: Mapped[str | None] = mapped_column(String(36))
    phases: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    findings: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    fixed: Mapped[int] = mapped_column(default=0)
    reopened: Mapped[int] = mapped_column(default=0)
    # {"counts": {...}, "errors": [...], "seconds": {...}, "dependencies": n, ...}
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class FindingRow(Base):
    """One finding of a project in the insights feed, de-duplicated across analyses by
    ``fingerprint``. Status: open -> dismissed (by a person, with a reason) or fixed
    (when a later analysis of that phase no longer reports it); a fixed finding that
    comes back is open again."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("project_id", "fingerprint"),
        Index("ix_findings_feed", "project_id", "status", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    phase: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20))
    rule_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    # message, snippet, fix and taint path quote the code: encrypted at rest (#19)
    message: Mapped[str] = mapped_column(EncryptedText)
    severity: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[str] = mapped_column(String(10))
    cwe: Mapped[str | None] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(Text)
    start_line: Mapped[int]
    end_line: Mapped[int]
    snippet: Mapped[str] = mapped_column(EncryptedText, default="")
    symbol: Mapped[str | None] = mapped_column(Text)
    fix: Mapped[str] = mapped_column(EncryptedText, default="")
    taint_path: Mapped[list[Any]] = mapped_column(EncryptedJSON, default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    occurrences: Mapped[int] = mapped_column(default=1)
    reachability: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="open")
    status_reason: Mapped[str | None] = mapped_column(Text)
    first_seen_snapshot_id: Mapped[int]
    last_seen_snapshot_id: Mapped[int]
    first_seen_analysis_id: Mapped[int]
    last_seen_analysis_id: Mapped[int]
    fixed_in_snapshot_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Conversation(Base):
    """A Dev Companion conversation: a multi-turn chat, or the one exchange of an action
    (explain, fix, refactor, ...), so that every answer has a message to give feedback on."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default="chat")
    title: Mapped[str] = mapped_column(EncryptedText, default="")
    # who holds it (None: the local single user or the CLI); set from devlab.actor
    user_id: Mapped[int | None] = mapped_column(index=True)
    # A verified generation's resumable state (spec, tests, finished rounds; issue 18).
    state: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MessageRow(Base):
    """One turn. An assistant turn keeps what produced it: the prompt sent (chat
    messages), its template version, the context ids, and the provider and model."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(10))  # user | assistant
    action: Mapped[str] = mapped_column(String(20), default="chat")
    content: Mapped[str] = mapped_column(EncryptedText)
    citations: Mapped[list[Any]] = mapped_column(default=list)
    context_ids: Mapped[list[Any]] = mapped_column(default=list)
    prompt: Mapped[list[Any] | None] = mapped_column(EncryptedJSON)
    prompt_version: Mapped[str | None] = mapped_column(String(64))
    provider: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(255))
    usage: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedbackRow(Base):
    """Thumbs up/down and/or a correction on an answer, with a copy of what produced it
    (prompt, answer, context ids, model version) for the training pipeline; the copy
    outlives the conversation."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    rating: Mapped[str | None] = mapped_column(String(4))  # up | down
    correction: Mapped[str | None] = mapped_column(EncryptedText)
    action: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[list[Any]] = mapped_column(EncryptedJSON, default=list)
    answer: Mapped[str] = mapped_column(EncryptedText)
    context_ids: Mapped[list[Any]] = mapped_column(default=list)
    model_version: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # the user agreed that the correction may train the team's models (dataset kind
    # "feedback"); never assumed: false unless given, and it can be withdrawn
    training_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    # the conversation's project, copied so it outlives the conversation
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )


class LLMUsageRow(Base):
    """One request to a language model (one provider attempt): who answered, how many
    tokens, how fast, what it cost. Failed attempts are kept too (status error/timeout),
    so an outage shows in ``devlab usage``. Never holds the prompt or the reply."""

    __tablename__ = "llm_usage"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    task: Mapped[str] = mapped_column(String(32))
    provider: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10))  # ok | error | timeout
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    ttft_ms: Mapped[float | None] = mapped_column(Float)
    cost_usd: Mapped[float | None] = mapped_column(Float)
    estimated: Mapped[bool] = mapped_column(default=False)  # token counts estimated
    streamed: Mapped[bool] = mapped_column(default=False)
    finish_reason: Mapped[str | None] = mapped_column(String(20))
    prompt_name: Mapped[str | None] = mapped_column(String(200))
    prompt_version: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)


class DatasetRow(Base):
    """One version of a training dataset built from one or more snapshots.

    The examples themselves live on disk under ``home/datasets/<name>/<version>/``
    (JSONL and Parquet per split, the data card, its plots and the provenance log):
    a build of 100K examples writes hundreds of MB of text that training reads as
    files anyway, so the row keeps only what is searched and listed.
    """

    __tablename__ = "datasets"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int]
    project_ids: Mapped[list[Any]] = mapped_column(default=list)
    snapshot_ids: Mapped[list[Any]] = mapped_column(default=list)
    # the resolved build configuration (kinds, rates, filters, seed, ...)
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # {"total": n, "by_kind": {...}, "by_split": {...}, "by_kind_split": {...}, "filtered": {...}}
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    card: Mapped[str] = mapped_column(EncryptedText, default="")  # #19: may quote examples
    path: Mapped[str] = mapped_column(Text)  # the version's directory, relative to home
    job_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModelVersionRow(Base):
    """One version of a model in the registry: a LoRA adapter (or merged weights) on a
    base model, the dataset version it was trained on, its run config and metrics.

    ``active_tasks`` lists the task kinds the language-model layer serves it for; a task
    kind is active on at most one version (``model_activations`` keeps the history that
    rollback reads). Paths are relative to the home when they lie inside it."""

    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int]
    type: Mapped[str] = mapped_column(String(20), default="lora")  # lora | merged | full
    base_model: Mapped[str] = mapped_column(Text, default="")  # "" = the packaged model
    adapter_path: Mapped[str | None] = mapped_column(Text)
    weights_path: Mapped[str | None] = mapped_column(Text)
    run_dir: Mapped[str | None] = mapped_column(Text)
    dataset_id: Mapped[int | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL"), index=True
    )
    dataset_ref: Mapped[str | None] = mapped_column(String(220))  # name@version, kept
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="SET NULL")
    )
    run_config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # training -> ready | failed | cancelled (resumable); ready -> archived
    status: Mapped[str] = mapped_column(String(20), default="training")
    active_tasks: Mapped[list[Any]] = mapped_column(default=list)
    job_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ModelActivationRow(Base):
    """One activation of a task kind: which version it moved to (None: the configured
    providers) and from which, so that rollback is one step back."""

    __tablename__ = "model_activations"

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(32), index=True)
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="SET NULL")
    )
    previous_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvaluationRow(Base):
    """One evaluation of one model on one suite (HumanEval, or a dataset's test split)."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(255))  # base | name@vN | provider:NAME
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="SET NULL"), index=True
    )
    suite: Mapped[str] = mapped_column(String(220))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # running -> succeeded | failed | cancelled (resumable)
    status: Mapped[str] = mapped_column(String(20), default="running")
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    job_id: Mapped[str | None] = mapped_column(String(36))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class EvaluationResultRow(Base):
    """One sample of one task of an evaluation (a resumed evaluation skips what is here)."""

    __tablename__ = "evaluation_results"
    __table_args__ = (UniqueConstraint("evaluation_id", "task_id", "metric", "sample"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluations.id", ondelete="CASCADE"), index=True
    )
    task_id: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(30))  # pass | fim | syntax | nll
    sample: Mapped[int] = mapped_column(default=0)
    passed: Mapped[bool | None]
    score: Mapped[float | None] = mapped_column(Float)
    # the model's answer and its test output: encrypted at rest (#19)
    completion: Mapped[str] = mapped_column(EncryptedText, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# -- access control and audit (issue 19) -------------------------------------------


class UserRow(Base):
    """A person (or a service account) who signs in. ``password_hash`` is an argon2id
    hash, None for single sign-on users; an admin manages users and settings."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str | None] = mapped_column(Text)
    is_admin: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)
    # the OIDC issuer and subject that sign this user in (None: password only)
    oidc_subject: Mapped[str | None] = mapped_column(String(400), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class ApiTokenRow(Base):
    """A personal API token: only its SHA-256 is kept (the token is shown once)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class SessionRow(Base):
    """A web UI session (the cookie's value is kept as its SHA-256 only)."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class ProjectMemberRow(Base):
    """A user's role on a project: viewer < developer < maintainer."""

    __tablename__ = "project_members"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEventRow(Base):
    """One entry of the append-only audit log. ``hash`` is SHA-256 over the previous
    entry's hash and this entry's fields, so an edited or removed entry breaks the chain;
    ``prev_hash`` is unique, so two writers can never fork it."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None]
    token_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(100), index=True)
    project_id: Mapped[int | None] = mapped_column(index=True)
    target: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


class TestRunRow(Base):
    """One Testing & QA Lab result over a snapshot: a coverage run of the project's own
    suite, a test generation, a mutation run or a chaos scenario. ``summary`` holds the
    whole report (per file and per function coverage, per test outcomes, mutants, ...)."""

    __test__ = False  # not a pytest class
    __tablename__ = "test_runs"
    __table_args__ = (Index("ix_test_runs_project_kind", "project_id", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # coverage | generate | mutation | chaos
    language: Mapped[str] = mapped_column(String(32), default="python")
    status: Mapped[str] = mapped_column(String(20))
    path: Mapped[str | None] = mapped_column(Text)
    line_percent: Mapped[float | None] = mapped_column(Float)
    branch_percent: Mapped[float | None] = mapped_column(Float)
    mutation_score: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)  # #19
    job_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# ---------------------------------------------------------------- API Builder (issue 16)


class ApiDesignRow(Base):
    """A stored API design; ``head_version`` is the version edits and reads start from
    (undo moves it to the head's parent)."""

    __tablename__ = "api_designs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), index=True
    )
    head_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ApiDesignVersionRow(Base):
    """One version of a design: the whole API model, the edit that made it, its parent."""

    __tablename__ = "api_design_versions"
    __table_args__ = (UniqueConstraint("design_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("api_designs.id", ondelete="CASCADE"))
    version: Mapped[int]
    parent_version: Mapped[int | None]
    model: Mapped[dict[str, Any]] = mapped_column(default=dict)
    edit: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SnippetVersion(Base):
    """One saved version of a sandbox snippet (issue 20): the workbench saves one per run,
    so a user can list, diff and restore what they ran. ``files`` maps path -> text."""

    __tablename__ = "snippet_versions"
    __table_args__ = (UniqueConstraint("snippet", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    snippet: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int]
    language: Mapped[str] = mapped_column(String(32))
    files: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, default=dict)  # #19
    entry: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(String(200), default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RateCounterRow(Base):
    """One time bucket of a rate-limit or quota counter (issue 19): what ``key`` spent
    in bucket number ``bucket`` (its window's length / 60 wide). Every event is one
    atomic upsert; rows are deleted once ``expires_at`` (epoch seconds, when the bucket
    has left its window) has passed. Shared by every server process on the database."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    amount: Mapped[float] = mapped_column(Float, default=0.0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class OidcStateRow(Base):
    """A single sign-on in progress: its one-time ``state``, the ID token's ``nonce``
    and the callback it was sent to, until ``expires_at`` (any server process may
    receive the provider's answer)."""

    __tablename__ = "oidc_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    redirect: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(index=True)
