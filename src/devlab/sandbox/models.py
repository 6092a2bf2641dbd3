"""Pydantic models that cross the sandbox's boundary (library, REST, CLI, records)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal[
    "ok",
    "runtime_error",
    "compile_error",
    "timeout",
    "memory_limit",
    "output_limit",
    "killed",
    "internal_error",
]


class Limits(BaseModel):
    """Per-run limits; defaults from the seed, each capped by the ``Settings`` maxima."""

    wall_seconds: float = Field(default=30, gt=0)
    cpu_seconds: float = Field(default=30, gt=0)
    memory_mb: int = Field(default=512, ge=16)
    cpus: float = Field(default=0.5, gt=0)
    max_processes: int = Field(default=64, ge=1)
    max_open_files: int = Field(default=256, ge=16)
    max_file_mb: int = Field(default=64, ge=1)
    max_disk_mb: int = Field(default=128, ge=1)
    max_output_bytes: int = Field(default=1_000_000, ge=1)


@dataclass(frozen=True)
class DependencyMount:
    """A read-only tree of a project's installed dependencies, bound into a run.

    Made on the host by DevLab's own code (the Testing Lab's environment cache), never
    from a request body: ``host`` is a directory DevLab prepared, ``dest`` one of
    ``MOUNT_POINTS`` (``/work/node_modules`` for node's module resolution), ``env`` the
    variables that make the run see it (``PYTHONPATH`` is appended to, not replaced),
    and ``key`` the content hash that names it (part of the run's compile-cache key).
    """

    host: str
    dest: str
    key: str
    env: tuple[tuple[str, str], ...] = ()


class SandboxRequest(BaseModel):
    """One run: a language, the code (or a multi-file project), input and limits."""

    language: str
    code: str | None = None
    files: dict[str, str] = Field(default_factory=dict)
    entry: str | None = None
    stdin: str = ""
    args: list[str] = Field(default_factory=list)
    limits: Limits = Field(default_factory=Limits)
    mode: Literal["run", "test"] = "run"
    collect_files: bool = False
    store_source: bool = False


class TestCaseResult(BaseModel):
    __test__ = False  # not a pytest class

    name: str
    outcome: Literal["passed", "failed", "error", "skipped"]
    message: str = ""


class SandboxResult(BaseModel):
    """What a run produced and how it ended; ``enforcement`` says how each limit held."""

    status: Status
    exit_code: int | None
    signal: int | None
    stdout: str
    stderr: str
    stdout_truncated: bool
    stderr_truncated: bool
    wall_ms: float
    cpu_ms: float
    peak_memory_kb: int | None
    tests: list[TestCaseResult] = Field(default_factory=list)
    files: dict[str, str] = Field(default_factory=dict)
    language: str
    toolchain: str
    enforcement: dict[str, str]
    execution_id: int | None = None
    compile_ms: float | None = None
    compile_cached: bool | None = None


class StreamEvent(BaseModel):
    """One frame of a streamed run: output chunks, then exactly one result."""

    type: Literal["stdout", "stderr", "result"]
    data: str = ""
    result: SandboxResult | None = None

    def frame(self) -> dict[str, Any]:
        """The JSON frame the WebSocket door sends."""
        if self.type == "result":
            assert self.result is not None
            return {"type": "result", "result": self.result.model_dump(mode="json")}
        return {"type": self.type, "data": self.data}


class LanguageStatus(BaseModel):
    language: str
    available: bool
    toolchain: str = ""
    reason: str = ""
    install: str = ""  # the Debian package (or command) that provides it


class FeatureStatus(BaseModel):
    feature: str
    works: bool
    detail: str = ""


class DoctorReport(BaseModel):
    """Which languages and isolation features work on this machine, and why not."""

    ok: bool
    languages: list[LanguageStatus]
    isolation: list[FeatureStatus]
    enforcement: dict[str, str]


__all__ = [
    "DoctorReport",
    "FeatureStatus",
    "LanguageStatus",
    "Limits",
    "SandboxRequest",
    "SandboxResult",
    "Status",
    "StreamEvent",
    "TestCaseResult",
]
