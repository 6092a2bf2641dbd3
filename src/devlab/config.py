"""DevLab settings: one model with every default, read once at the edge.

Precedence (lowest first): defaults < ``devlab.toml`` < ``DEVLAB_*`` environment
< explicit keyword arguments (what the CLI flags pass). Unknown keys in the TOML
file are errors, so a typo never silently does nothing.

The TOML file is ``$DEVLAB_CONFIG`` if set, else ``./devlab.toml`` if it exists.
All state lives under ``home`` (``DEVLAB_HOME``, default ``~/.devlab``): two
processes with different homes never share a database, cache or model.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from devlab.errors import InvalidInput, describe_validation_errors

EmbeddingBackend = Literal["sentence-transformers", "model2vec", "openai"]


class _TomlSource(PydanticBaseSettingsSource):
    """Reads ``devlab.toml``; a missing file is fine, a broken one is an error."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        super().__init__(settings_cls)
        self.path = path

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        if self.path is None or not self.path.is_file():
            return {}
        try:
            data = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InvalidInput(f"cannot read config file {self.path}: {exc}") from exc
        # Allow either top-level keys or a [devlab] table.
        data = data.get("devlab", data)
        unknown = sorted(set(data) - set(self.settings_cls.model_fields))
        if unknown:
            raise InvalidInput(
                f"unknown setting(s) {', '.join(unknown)} in {self.path}; "
                f"known settings: {', '.join(sorted(self.settings_cls.model_fields))}"
            )
        return data


def _config_path() -> Path | None:
    explicit = os.environ.get("DEVLAB_CONFIG")
    if explicit:
        return Path(explicit)
    local = Path("devlab.toml")
    return local if local.is_file() else None


class Settings(BaseSettings):
    """Every DevLab knob, with its default and why."""

    model_config = SettingsConfigDict(env_prefix="DEVLAB_", extra="forbid", validate_default=True)

    # Where all state lives: the SQLite database, model caches, uploads.
    home: Path = Field(default_factory=lambda: Path.home() / ".devlab")
    # SQLAlchemy URL; empty means the embedded SQLite file ``home/devlab.db``.
    database_url: str = ""
    # Server bind address (``devlab serve`` flags override).
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Threads in the local job runner's worker pool.
    job_workers: int = Field(default=2, ge=1, le=64)

    # Ingestion: files larger than this are skipped (recorded with a reason).
    max_file_bytes: int = Field(default=1_000_000, ge=1)
    # ZIP safety caps: total uncompressed size, member count, compression ratio.
    zip_max_total_bytes: int = Field(default=512 * 1024 * 1024, ge=1)
    zip_max_files: int = Field(default=50_000, ge=1)
    zip_max_ratio: float = Field(default=200.0, gt=1)
    # Upload cap for REST zip uploads.
    max_upload_bytes: int = Field(default=256 * 1024 * 1024, ge=1)
    # Seconds allowed for cloning a remote git repository.
    git_timeout: int = Field(default=300, ge=1)

    # Processes that parse files during ingestion; 0 means one per CPU core.
    ingest_workers: int = Field(default=0, ge=0, le=64)

    # Chunking: symbols longer than this many lines are split, with overlap.
    chunk_max_lines: int = Field(default=60, ge=5)
    chunk_overlap_lines: int = Field(default=5, ge=0)

    # Embeddings. "model2vec" is a static model distilled (once, offline) from
    # the packaged all-MiniLM-L6-v2; "sentence-transformers" runs the
    # transformer itself; "openai" calls an OpenAI-compatible /embeddings.
    embedding_backend: EmbeddingBackend = "sentence-transformers"
    # Model directory (sentence-transformers) or model name (openai); empty
    # means the packaged all-MiniLM-L6-v2.
    embedding_model: str = ""
    embedding_url: str = ""
    embedding_api_key: str = ""
    embedding_batch_size: int = Field(default=64, ge=1, le=4096)
    # Characters of each chunk that are embedded (signature + docstring + head).
    embedding_max_chars: int = Field(default=1200, ge=64)

    # Sandbox (devlab.sandbox). Per-call limits may go up to these maxima.
    sandbox_max_wall_seconds: float = Field(default=120, gt=0)
    sandbox_max_memory_mb: int = Field(default=2048, ge=64)
    sandbox_max_cpus: float = Field(default=2.0, gt=0)
    sandbox_max_processes: int = Field(default=256, ge=1)
    sandbox_max_output_bytes: int = Field(default=10_000_000, ge=1)
    sandbox_max_disk_mb: int = Field(default=1024, ge=1)
    # Source cap (code + files + stdin, in bytes); bigger requests get 413.
    sandbox_max_source_bytes: int = Field(default=1_000_000, ge=1)
    # Runs at once; 0 means the number of CPU cores.
    sandbox_concurrency: int = Field(default=0, ge=0)
    # Runs allowed to wait for a slot; one more is refused with 429 + Retry-After.
    sandbox_queue: int = Field(default=32, ge=0)
    # Keep every run's source in the executions record. Off by default: then a
    # request's store_source=true is the only way a source is kept (opt-in).
    sandbox_retain_source: bool = False
    # Compiled artifacts (Go, Java, TypeScript) keyed by source hash + toolchain;
    # empty means ``home/cache/compile``.
    sandbox_compile_cache: Path | None = None

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.chunk_overlap_lines >= self.chunk_max_lines:
            raise ValueError("chunk_overlap_lines must be smaller than chunk_max_lines")
        if self.embedding_backend == "openai" and not self.embedding_url:
            raise ValueError(
                "embedding_backend 'openai' needs embedding_url (DEVLAB_EMBEDDING_URL)"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls, _config_path()))

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'devlab.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def compile_cache_dir(self) -> Path:
        return self.sandbox_compile_cache or self.cache_dir / "compile"


def load_settings(**overrides: Any) -> Settings:
    """Build settings from file, env and ``overrides``; errors become ``InvalidInput``."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**clean)
    except ValidationError as exc:
        problems = describe_validation_errors(exc.errors(), "settings")
        raise InvalidInput(f"invalid DevLab settings: {problems}") from exc
    settings.home = settings.home.expanduser().resolve()
    return settings


__all__ = ["EmbeddingBackend", "Settings", "load_settings"]
