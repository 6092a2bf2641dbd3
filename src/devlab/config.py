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

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from devlab.errors import InvalidInput, describe_validation_errors

EmbeddingBackend = Literal["onnx", "onnx-int8", "sentence-transformers", "model2vec", "openai"]
LLMProviderKind = Literal["local", "openai", "llamacpp"]
# The task kinds routes may name (the same list as ``devlab.llm.base.TASK_KINDS``;
# repeated here because config.py sits below every package; a test pins them equal).
LLM_TASKS: tuple[str, ...] = (
    "chat",
    "explain",
    "generate",
    "tests",
    "fix",
    "refactor",
    "translate",
    "suggest",
)
# The provider every DevLab has without configuration: the packaged Gemma 3 270M.
LOCAL_PROVIDER = "local"


class LLMProviderConfig(BaseModel):
    """One configured language model behind one backend (an entry of ``llm_providers``).

    ``kind`` picks the backend: ``local`` (transformers, in-process; ``model`` empty
    means the packaged Gemma 3 270M, else a model directory DevLab converted),
    ``openai`` (any OpenAI-compatible server: Ollama, vLLM, llama.cpp server, LM Studio,
    OpenAI; needs ``base_url`` and ``model``), ``llamacpp`` (llama-cpp-python in-process,
    an optional extra; ``model`` is a .gguf path, empty for the packaged one).
    """

    model_config = ConfigDict(extra="forbid")

    kind: LLMProviderKind
    model: str = ""
    # openai: the server root, e.g. http://127.0.0.1:11434 (a trailing /v1 is fine)
    base_url: str = ""
    # openai: sent as a Bearer token when set; masked in `devlab config`
    api_key: SecretStr = SecretStr("")
    # tokens the model attends to (prompt + reply); None: the backend's default
    context_window: int | None = Field(default=None, ge=256)
    # seconds to wait for an answer (a stream: for the next piece and in total)
    timeout_s: float = Field(default=120.0, gt=0)
    # USD per 1,000 tokens, for the cost estimate of priced APIs (0: free / unknown)
    price_prompt_per_1k: float = Field(default=0.0, ge=0)
    price_completion_per_1k: float = Field(default=0.0, ge=0)
    # local: "auto" (CUDA when available), "cpu" or "cuda"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    # local: a LoRA adapter directory (peft) applied on top of the model
    adapter_path: Path | None = None
    # local: "auto" (on CPU for DevLab models: ONNX Runtime GenAI int8, else CTranslate2
    # int8, else transformers), "onnxruntime-genai", "ctranslate2" or "transformers"
    engine: Literal["auto", "onnxruntime-genai", "ctranslate2", "transformers"] = "auto"
    # whether the model follows instructions (chat) or only continues text (a base
    # model: DevLab then writes completion-style prompts). None: detect it (a local
    # model from its GGUF/tokenizer metadata; a server model is taken as tuned).
    instruction_tuned: bool | None = None

    @model_validator(mode="after")
    def _check(self) -> LLMProviderConfig:
        if self.kind == "openai" and not (self.base_url and self.model):
            raise ValueError("an 'openai' provider needs base_url and model")
        return self


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
        table: dict[str, Any] = data.get("devlab", data)
        unknown = sorted(set(table) - set(self.settings_cls.model_fields))
        if unknown:
            raise InvalidInput(
                f"unknown setting(s) {', '.join(unknown)} in {self.path}; "
                f"known settings: {', '.join(sorted(self.settings_cls.model_fields))}"
            )
        return table


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
    # Issue 13 (server/guards.py): extra Host names and browser Origins accepted
    # besides loopback and the server's own origin (JSON lists in the env vars).
    allowed_hosts: list[str] = Field(default_factory=list)
    allowed_origins: list[str] = Field(default_factory=list)
    # Server-side paths a REST/CLI ingestion may read; empty means the user's home
    # and the current directory. /etc, /proc, /sys, /dev and DEVLAB_HOME never.
    ingest_roots: list[Path] = Field(default_factory=list)
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

    # Embeddings. "onnx" (the default) runs the packaged all-MiniLM-L6-v2 exported once
    # to ONNX (fp32: sentence-transformers' vectors, without torch at run time);
    # "onnx-int8" its int8 weights (about 1.6x less CPU, vectors a little off, own key);
    # "sentence-transformers" runs it through torch; "model2vec" is a static model
    # distilled from it; "openai" calls an OpenAI-compatible /embeddings.
    embedding_backend: EmbeddingBackend = "onnx"
    # Model directory (sentence-transformers) or model name (openai); empty
    # means the packaged all-MiniLM-L6-v2.
    embedding_model: str = ""
    embedding_url: str = ""
    embedding_api_key: str = ""
    embedding_batch_size: int = Field(default=64, ge=1, le=4096)
    # Characters of each chunk that are embedded (signature + docstring + head).
    embedding_max_chars: int = Field(default=1200, ge=64)
    # What each chunk's vector is computed from: "head" (the chunk as stored) or
    # "context" (a line of plain words naming the symbol, its class and module, then
    # the chunk); see devlab.search.embedtext and docs/benchmarks.md (issue 14).
    embedding_text: Literal["head", "context"] = "head"
    # Optional stages of hybrid search (devlab.search.ranking): query rewriting into
    # the code's vocabulary, reranking the top 50 by summary similarity, symbol-graph
    # expansion of hits ("boost" keeps PageRank as a tie-breaker only). Rerank + expand
    # are on: chosen on the Django tuning questions, they raised held-out recall@10 on
    # Django and MRR@10 on requests and Flask (docs/benchmarks.md, issue 14 item 7);
    # the rerank costs one embedding of up to 50 short summaries per query.
    # Measured and left off (i14f, docs/benchmarks.md): rewrite "vocabulary" (the
    # code's own docstring-to-name vocabulary) and "consensus" (name parts shared by
    # both lists' first hits), graph "calls" (the best hits' callers and callees):
    # devlab.search.expansion.
    search_rewrite: Literal["off", "feedback", "vocabulary", "consensus"] = "off"
    # "rich" (i14r, measured on SQLAlchemy only and left off): the rerank compares the
    # question with the summary plus the words of the identifiers the code uses
    # (ranking.rich_summary), filled at ingestion like the plain summaries.
    search_rerank: Literal["off", "summary", "rich"] = "summary"
    search_graph: Literal["boost", "expand", "calls"] = "expand"
    # The name field (a third list fused in: how much of each candidate's own name the
    # question covers), per-family diversity (one class's or file's further chunks keep
    # a decaying share) and the preference for definitions (module-level code and test
    # files weigh half): devlab.search.ranking, measured in docs/benchmarks.md (i14e).
    # Only "prefer" is on: it was the one to gain on both tuning halves (Django and
    # SQLAlchemy); the name field and diversity lost there.
    search_names: Literal["off", "field"] = "off"
    search_diversity: Literal["off", "family"] = "off"
    search_definitions: Literal["off", "prefer"] = "prefer"
    # A query-side linear adapter trained per snapshot at the end of an ingestion with
    # embeddings, on the codebase's own docstring -> code pairs (devlab.search.adapter):
    # "codebase" trains and applies it, "off" neither. Measured in docs/benchmarks.md
    # (issue 14 item 7, i14g).
    search_adapter: Literal["off", "codebase"] = "off"
    # The summary list (issue 14 item 7, i14r): the question's nearest rerank summaries
    # over the whole snapshot (vectors stored at ingestion), fused as a third list in
    # hybrid search (devlab.search.summaries.nearest). Measured in docs/benchmarks.md.
    search_summaries: Literal["off", "list"] = "off"
    # Where the onnx / model2vec backends keep their one-time conversions; empty means
    # ``home/cache`` (several homes may share one directory: a file lock guards it).
    embedding_cache_dir: Path | None = None
    # The first index of a large codebase (issue 18): every chunk first gets a vector
    # from a static model distilled once from the configured one (model2vec), then the
    # configured model replaces them in the background, most important code first;
    # searches in between rank each chunk by its own model's vector. Only for fills of
    # at least embedding_static_min_chunks chunks (a small one is soon done without).
    embedding_first_tier: Literal["static", "off"] = "static"
    embedding_static_min_chunks: int = Field(default=1000, ge=0)

    # Testing lab: the second keep rule of generated tests (a candidate that adds no
    # coverage is kept when it kills a mutant the other tests miss) costs two mutation
    # runs per generation; off, generation keeps by coverage alone (faster).
    testing_mutant_keep: bool = True
    # Its time budget in seconds per generation (every language): no mutant run starts
    # once it is spent; the result says how many were tried and skipped.
    testing_mutant_keep_seconds: float = Field(default=60, ge=0)
    # The language model's time budget in seconds per Python generation (asked only when
    # the model-free strategies left the target short): no function is asked once it is
    # spent, and an answer still being written is cut there. Its candidates are then
    # verified like every other (outside the budget: sandbox runs, not model time).
    testing_model_seconds: float = Field(default=120, ge=0)

    # Sandbox (devlab.sandbox). Per-call limits may go up to these maxima.
    sandbox_max_wall_seconds: float = Field(default=120, gt=0)
    sandbox_max_memory_mb: int = Field(default=2048, ge=64)
    sandbox_max_cpus: float = Field(default=2.0, gt=0)
    sandbox_max_processes: int = Field(default=256, ge=1)
    sandbox_max_output_bytes: int = Field(default=10_000_000, ge=1)
    sandbox_max_disk_mb: int = Field(default=1024, ge=1)
    # Source cap (code + files + stdin, in bytes); bigger requests get 413.
    sandbox_max_source_bytes: int = Field(default=1_000_000, ge=1)
    # Issue 13: files per request (each is one fd at spawn time; 413 past it), the
    # WebSocket door's stdin bytes per run, and the compile cache's size caps.
    sandbox_max_files: int = Field(default=1000, ge=1, le=10000)
    sandbox_max_stdin_bytes: int = Field(default=16_000_000, ge=0)
    sandbox_compile_cache_mb: int = Field(default=512, ge=1)
    sandbox_compile_artifact_mb: int = Field(default=64, ge=1)
    # Host uids for concurrent runs when DevLab runs as root (one per run, so
    # per-uid kernel limits such as inotify instances are per run).
    sandbox_uid_base: int = Field(default=2_100_000, ge=1000, le=4_000_000_000)
    sandbox_uid_count: int = Field(default=64, ge=1, le=65536)
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
    # The Testing Lab's per-project dependency environments (issue 15), bound read-only
    # into runs. Empty means ``home/envs`` when DevLab runs as a user, and
    # ``/var/cache/devlab/envs`` as root (each run then has a host uid of its own, which
    # must be able to reach the directory: ``home`` is usually private).
    sandbox_env_cache: Path | None = None
    # The local Maven repository Java projects' dependencies are resolved in (read as
    # data, jars copied into the environment cache): Debian's /usr/share/maven-repo by
    # default, or e.g. a ~/.m2/repository the team fills with its own Maven.
    maven_repo: Path | None = None

    # Language models (devlab.llm). Providers by name; "local" (the packaged Gemma 3
    # 270M on CPU, or CUDA when available) always exists unless redefined here.
    # Example (devlab.toml):
    #   [llm_providers.ollama]
    #   kind = "openai"
    #   base_url = "http://127.0.0.1:11434"
    #   model = "qwen2.5-coder:7b"
    llm_providers: dict[str, LLMProviderConfig] = Field(default_factory=dict)
    # The provider a task uses when ``llm_routes`` names none.
    llm_default_provider: str = LOCAL_PROVIDER
    # Task kind (or "default") -> provider names in fallback order, e.g.
    # {"generate": ["ollama", "local"]}: the first that answers wins.
    llm_routes: dict[str, list[str]] = Field(default_factory=dict)
    # Characters of all messages of one request together; more is refused (413).
    llm_max_input_chars: int = Field(default=200_000, ge=1)
    # Context window of the built-in local provider (the model allows 32,768; a CPU
    # takes minutes over that many prompt tokens).
    llm_local_context_window: int = Field(default=8192, ge=256, le=32_768)
    # A LoRA adapter directory for the built-in local provider (the model registry
    # will set this when a fine-tuned version is active).
    llm_adapter_path: Path | None = None
    # Where converted local models are cached; empty means ``home/models``.
    llm_models_dir: Path | None = None
    # Seconds the built-in local provider may wait for the next token (a stall; the
    # whole answer is bounded by max_tokens, not by time).
    llm_local_timeout_s: float = Field(default=600.0, gt=0)
    # Engine of the built-in local provider: "auto" (ONNX Runtime GenAI int8 on CPU,
    # falling back to CTranslate2, then transformers), or one of them by name.
    llm_local_engine: Literal["auto", "onnxruntime-genai", "ctranslate2", "transformers"] = "auto"

    # -- access control (issue 19) ------------------------------------------------
    # Per user or token, per minute; 0 turns a limit off. Over one: 429 + Retry-After.
    rate_limit_requests_per_minute: int = Field(default=1200, ge=0)
    rate_limit_sandbox_seconds_per_minute: float = Field(default=600.0, ge=0)
    rate_limit_model_tokens_per_minute: int = Field(default=200_000, ge=0)
    # Quotas per project (0: none): stored source (MB, the sum of its file versions;
    # ingesting more answers 413) and sandbox seconds a day spent by requests that name
    # the project (429 + Retry-After).
    quota_project_storage_mb: int = Field(default=0, ge=0)
    quota_project_sandbox_seconds_per_day: float = Field(default=0.0, ge=0)
    # Wrong passwords for one user name within 5 minutes before sign-in is refused (429).
    login_max_failures: int = Field(default=5, ge=1, le=1000)
    # Hours a web UI session lasts.
    session_hours: float = Field(default=12.0, gt=0, le=24 * 90)
    # The session cookie's Secure flag: "auto" sets it on HTTPS requests (directly or
    # behind a proxy that says X-Forwarded-Proto: https).
    session_cookie_secure: Literal["auto", "always", "never"] = "auto"
    # Retention (the purge job, hourly in the server and `devlab purge`): conversations
    # untouched for this many days are deleted with their messages (0: kept forever);
    # sandbox sources a run chose to keep (store_source) are cleared after their days.
    retention_conversation_days: int = Field(default=30, ge=0)
    retention_sandbox_source_days: int = Field(default=7, ge=0)
    # Seconds between purges in a running server (0: only `devlab purge`).
    retention_purge_interval_s: int = Field(default=3600, ge=0)
    # Encryption at rest of stored source text and conversations: a Fernet key (base64,
    # `devlab keys generate`) or a file holding one or more (newest first, for rotation).
    encryption_key: SecretStr = SecretStr("")
    encryption_key_file: Path | None = None
    # Single sign-on (OpenID Connect, code flow): the issuer URL (its
    # /.well-known/openid-configuration is read), and this server's client. Empty: off.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: SecretStr = SecretStr("")
    # The callback URL registered with the provider; empty: this server's own
    # /api/v1/devlab/auth/oidc/callback as the request reached it.
    oidc_redirect_url: str = ""

    @model_validator(mode="after")
    def _check(self) -> Settings:
        self._check_llm()
        if self.chunk_overlap_lines >= self.chunk_max_lines:
            raise ValueError("chunk_overlap_lines must be smaller than chunk_max_lines")
        if self.embedding_backend == "openai" and not self.embedding_url:
            raise ValueError(
                "embedding_backend 'openai' needs embedding_url (DEVLAB_EMBEDDING_URL)"
            )
        return self

    def _check_llm(self) -> None:
        known = {LOCAL_PROVIDER, *self.llm_providers}
        if self.llm_default_provider not in known:
            raise ValueError(
                f"llm_default_provider {self.llm_default_provider!r} is not a provider; "
                f"known: {', '.join(sorted(known))}"
            )
        for task, names in self.llm_routes.items():
            if task != "default" and task not in LLM_TASKS:
                raise ValueError(
                    f"llm_routes: unknown task {task!r}; tasks: default, {', '.join(LLM_TASKS)}"
                )
            unknown = [n for n in names if n not in known]
            if unknown or not names:
                raise ValueError(
                    f"llm_routes[{task!r}] names unknown provider(s) {', '.join(unknown)}; "
                    f"known: {', '.join(sorted(known))}"
                    if unknown
                    else f"llm_routes[{task!r}] is empty"
                )

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

    @property
    def models_dir(self) -> Path:
        """Converted local language models (the packaged Gemma, once per home)."""
        return self.llm_models_dir or self.home / "models"


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


__all__ = [
    "LLM_TASKS",
    "LOCAL_PROVIDER",
    "EmbeddingBackend",
    "LLMProviderConfig",
    "LLMProviderKind",
    "Settings",
    "load_settings",
]
