"""Chaos scenarios (what a user writes) and their results (what a run measured).

A scenario is data, in the shape Chaos Toolkit made familiar: a steady-state hypothesis
(probes that must succeed), a method (the faults to inject), and rollbacks, which here
are automatic: every fault is removed before the ``after`` phase, so the run also shows
whether the service recovers. YAML or JSON; unknown fields are refused, so a typo in a
scenario is a 422 naming the field rather than a fault silently not injected.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from devlab.reverse import Finding
from devlab.testing.models import DependencyEnv

__all__ = [
    "ChaosReport",
    "ChaosRequest",
    "FailureInfo",
    "Fault",
    "PhaseStats",
    "Probe",
    "Scenario",
    "ScenarioInfo",
    "ScenarioResult",
    "SteadyState",
    "Target",
]

FaultType = Literal[
    "exception",  # raise in a chosen function or method
    "latency",  # sleep in a chosen function or method
    "http_failure",  # outbound HTTP connections refused
    "http_latency",  # outbound HTTP answers late
    "db_failure",  # database connections fail (sqlite3, psycopg, pymysql)
    "disk_full",  # writing a file fails with ENOSPC
    "clock_skew",  # time.time() and datetime.now() shifted
    "cpu_pressure",  # busy processes beside the service
    "memory_pressure",  # memory held while the service runs
]
_NEEDS_TARGET = ("exception", "latency")
_CALLABLE = r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$"
_JS_FILE = r"^(?:[A-Za-z0-9_@-][A-Za-z0-9_.@-]*/)*[A-Za-z0-9_@-][A-Za-z0-9_.@-]*\.c?js$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Probe(_Strict):
    """One request of the steady state, sent in-process to the service."""

    name: str = Field(default="", max_length=100)
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] = "GET"
    path: str = Field(pattern=r"^/", max_length=2000, description="path and query")
    body: Any = None
    headers: dict[str, str] = Field(default_factory=dict, max_length=20)
    expect_status: list[int] = Field(
        default_factory=list,
        max_length=20,
        description="statuses that count as success (default: any below 500, and 503: "
        "a handled 'unavailable' is a degradation, not a crash)",
    )
    max_latency_ms: float = Field(default=2000, gt=0, le=60_000)


class SteadyState(_Strict):
    probes: list[Probe] = Field(
        default_factory=list,
        max_length=20,
        description="empty: the project's GET routes without parameters (up to 8)",
    )
    requests: int = Field(default=12, ge=1, le=200, description="calls per phase")
    tolerance: float = Field(
        default=1.0, ge=0, le=1, description="share of calls that must succeed to hold"
    )


class Fault(_Strict):
    type: FaultType
    target: str | None = Field(
        default=None,
        max_length=300,
        description="module.function or module.Class.method (exception and latency)",
    )
    exception: str = Field(
        default="RuntimeError", pattern=r"^[A-Za-z_][A-Za-z0-9_.]{0,120}$", max_length=120
    )
    message: str = Field(default="injected by devlab chaos", max_length=500)
    probability: float = Field(default=1.0, ge=0, le=1)
    latency_ms: int = Field(default=1000, ge=0, le=30_000)
    skew_seconds: int = Field(default=3600, ge=-10 * 365 * 86400, le=10 * 365 * 86400)
    megabytes: int = Field(default=256, ge=1, le=4096)
    workers: int = Field(default=2, ge=1, le=8)

    @model_validator(mode="after")
    def _target_when_needed(self) -> Fault:
        if self.type in _NEEDS_TARGET and not self.target:
            raise ValueError(f"a {self.type!r} fault needs 'target' (module.function)")
        return self


class Target(_Strict):
    app: str | None = Field(
        default=None,
        max_length=300,
        pattern=_CALLABLE + r"|" + _CALLABLE[:-1] + r"\(\)$|" + _JS_FILE,
        description="module:attribute of a WSGI/ASGI app, or module:factory(), or the "
        "JavaScript file that starts (or exports) the service (default: found in the project)",
    )
    setup: list[Annotated[str, StringConstraints(pattern=_CALLABLE, max_length=300)]] = Field(
        default_factory=list,
        max_length=5,
        description="module:function callables run once before the steady state, inside "
        "the app's context when it has one (e.g. a database initialiser)",
    )


class Scenario(_Strict):
    version: Literal[1] = 1
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    target: Target = Field(default_factory=Target)
    steady_state: SteadyState = Field(default_factory=SteadyState)
    method: list[Fault] = Field(min_length=1, max_length=10)


class ScenarioInfo(BaseModel):
    """A ready scenario of the library."""

    name: str
    title: str
    description: str
    faults: list[str]


class ChaosRequest(_Strict):
    project: str = Field(description="project name or id")
    scenario: str | None = Field(default=None, description="a ready scenario's name")
    definition: Scenario | None = Field(default=None, description="a scenario of your own")
    wall_seconds: float = Field(default=120, gt=0, le=600)
    install_dependencies: bool = Field(
        default=True,
        description="install the service's declared dependencies (prebuilt wheels and npm "
        "packages on the host; sdists and install scripts built in the sandbox) into the "
        "environment cache first",
    )

    @model_validator(mode="after")
    def _one_scenario(self) -> ChaosRequest:
        if (self.scenario is None) == (self.definition is None):
            raise ValueError("give either 'scenario' (a ready one's name) or 'definition'")
        return self


class PhaseStats(BaseModel):
    requests: int = 0
    errors: int = 0
    error_rate: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: dict[str, int] = Field(default_factory=dict)
    held: bool = False


class FailureInfo(BaseModel):
    """The first failed call of a phase, with the stack that produced it."""

    phase: str
    probe: str
    status: int | None = None
    error: str = ""
    path: str | None = None  # the deepest frame in the project's own files
    line: int | None = None
    stack: list[str] = Field(default_factory=list)


class ScenarioResult(BaseModel):
    name: str
    title: str
    app: str
    probes: list[str]
    phases: dict[str, PhaseStats] = Field(default_factory=dict)
    fault_hits: dict[str, int] = Field(default_factory=dict)
    outbound: dict[str, Any] = Field(default_factory=dict)
    failures: list[FailureInfo] = Field(default_factory=list)
    verdict: Literal["resilient", "degraded", "no-recovery", "inconclusive", "error"] = "error"
    message: str = ""
    findings: list[Finding] = Field(default_factory=list)
    seconds: float = 0.0
    dependencies: DependencyEnv | None = Field(
        default=None, description="the declared dependencies installed for the run, and why not"
    )


class ChaosReport(BaseModel):
    project: str
    snapshot_id: int | None = None
    run_id: int | None = None
    results: list[ScenarioResult] = Field(default_factory=list)
