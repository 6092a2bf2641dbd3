"""Chaos engineering: run a project's web service in the sandbox under injected faults
and say whether its steady state held, with latency percentiles per phase and
resilience findings in the insights feed.

A run ships the project's files and ``chaos_runner.py`` into the sandbox (one run per
scenario, the sandbox's usual limits). The runner imports the service (WSGI: Flask,
Django's WSGI handler, any PEP 3333 app; ASGI: FastAPI, Starlette), calls it in-process
with the steady-state probes before, during and after the faults, and reports. Nothing
of the project runs on the host: the host reads its files' text to find the app and its
routes, and reads the runner's JSON.

What a verdict means: ``resilient`` (the steady state held under the faults),
``degraded`` (it broke under them and came back), ``no-recovery`` (still broken after
the rollback), ``inconclusive`` (it did not hold before any fault, e.g. a service that
needs a database nobody created), ``error`` (the service or a fault target did not load).
"""

from __future__ import annotations

import json
import time
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from devlab.config import Settings
from devlab.errors import InvalidInput, NotFound, describe_validation_errors
from devlab.progress import ProgressFn, report
from devlab.reverse import Finding, detect_services
from devlab.sandbox import DependencyMount, Limits, SandboxRequest, run_code
from devlab.store import Database, TestRunRow
from devlab.testing.chaos_models import (
    ChaosReport,
    ChaosRequest,
    FailureInfo,
    PhaseStats,
    Probe,
    Scenario,
    ScenarioInfo,
    ScenarioResult,
)
from devlab.testing.chaos_runner import MARK
from devlab.testing.envcache import node_env, python_env
from devlab.testing.errors import ScenarioInvalid
from devlab.testing.jsrun import JS_SUFFIXES
from devlab.testing.models import DependencyEnv
from devlab.testing.project import ProjectFiles, is_test_file, load_files, module_of

__all__ = [
    "find_app",
    "find_js_app",
    "list_scenarios",
    "load_scenario",
    "ready_scenario",
    "run_chaos",
    "run_scenario",
    "scenario_findings",
]

MAX_SCENARIO_BYTES = 64 * 1024
_SERVICE_FILES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".sql", ".json", ".txt", ".cfg")
_APP_CALLS = ("Flask(", "FastAPI(", "Starlette(", "Quart(", "get_wsgi_application(")


# ---------------------------------------------------------------- scenarios


def load_scenario(text: str, *, source: str = "scenario") -> Scenario:
    """A scenario from YAML or JSON text; a 422 naming each bad field otherwise."""
    if len(text.encode()) > MAX_SCENARIO_BYTES:
        raise ScenarioInvalid(f"{source} is over {MAX_SCENARIO_BYTES // 1024} KB")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ScenarioInvalid(f"{source} is not valid YAML or JSON{line}") from None
    if not isinstance(data, dict):
        raise ScenarioInvalid(f"{source} must be a mapping with 'title' and 'method'")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = describe_validation_errors(exc.errors(), "scenario")
        raise ScenarioInvalid(f"{source} does not validate: {problems}") from None


def _library() -> dict[str, Scenario]:
    found = {}
    folder = resources.files("devlab.testing") / "scenarios"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            name = entry.name[: -len(".yaml")]
            found[name] = load_scenario(entry.read_text(encoding="utf-8"), source=entry.name)
    return found


def list_scenarios() -> list[ScenarioInfo]:
    """The ready scenarios (no YAML to write: they probe the project's own routes)."""
    return [
        ScenarioInfo(
            name=name,
            title=s.title,
            description=s.description,
            faults=[f.type for f in s.method],
        )
        for name, s in _library().items()
    ]


def ready_scenario(name: str) -> Scenario:
    library = _library()
    if name not in library:
        raise InvalidInput(f"no ready scenario {name!r}; the ready ones: {', '.join(library)}")
    return library[name]


# ---------------------------------------------------------------- the service


def find_app(pf: ProjectFiles) -> str | None:
    """``module:app`` (or ``module:create_app()``) of the project's web service, found in
    its text (module-level ``x = Flask(...)`` and the like, else an app factory)."""
    factories = []
    for path in sorted(pf.python_sources, key=lambda p: (p.count("/"), p)):
        for line in pf.files[path].splitlines():
            if line.startswith(("def create_app(", "def make_app(")):  # defaults may hold "="
                factories.append(f"{module_of(path, pf.roots)}:{line[4 : line.index('(')]}()")
                continue
            if line[:1].isspace() or "=" not in line:
                continue
            name, _, value = line.partition("=")
            name = name.strip().split(":")[0].strip()
            if name.isidentifier() and any(call in value for call in _APP_CALLS):
                return f"{module_of(path, pf.roots)}:{name}"
    return factories[0] if factories else None


_JS_APP_CALLS = (
    "express(",
    "new Koa(",
    "Koa()",
    "fastify(",
    "Fastify(",
    "createServer(",
    ".listen(",
)
_JS_ENTRIES = ("app.js", "server.js", "index.js", "src/app.js", "src/server.js", "src/index.js")


def find_js_app(pf: ProjectFiles) -> str | None:
    """The file of the project's JavaScript web service: package.json's ``main`` or a
    usual entry file (``app.js``, ``server.js``, ``index.js``, under ``src/`` too) whose
    text makes an Express, Koa, Fastify or plain http server, or listens."""
    candidates = list(_JS_ENTRIES)
    try:
        main = json.loads(pf.files.get("package.json") or "{}").get("main")
    except (ValueError, AttributeError):
        main = None
    if isinstance(main, str) and main.strip():
        main = main.strip().removeprefix("./")
        candidates.insert(0, main if main.endswith((".js", ".cjs")) else f"{main}.js")
    for path in candidates:
        text = pf.files.get(path)
        if text and any(call in text for call in _JS_APP_CALLS):
            return path
    return None


def _js_service(app: str) -> bool:
    return app.endswith((".js", ".cjs"))


def _default_probes(db: Database, project: str) -> list[Probe]:
    """GET routes without parameters (up to 8), else ``/``."""
    probes: list[Probe] = []
    for route in detect_services(db, project).routes:
        if route.method not in ("GET", "ANY") or is_test_file(route.path):
            continue
        path = route.route if route.route.startswith("/") else "/" + route.route
        if any(c in path for c in "<{:*(^$\\") or path in {p.path for p in probes}:
            continue
        probes.append(Probe(name=f"GET {path}", path=path))
        if len(probes) == 8:
            break
    return probes or [Probe(name="GET /", path="/")]


# ---------------------------------------------------------------- one run


def run_scenario(
    pf: ProjectFiles,
    settings: Settings,
    scenario: Scenario,
    *,
    name: str,
    probes: list[Probe],
    app: str,
    wall_seconds: float = 120,
    install: bool = True,
    progress: ProgressFn | None = None,
) -> ScenarioResult:
    """Run one scenario over the project's files in the sandbox (a Python service with
    ``chaos_runner.py``, a JavaScript one, ``app`` being its file, with
    ``chaos_runner.js``). With ``install``, the service's declared dependencies (wheels
    or npm packages) come from the environment cache, mounted read-only."""
    js = _js_service(app)
    runner_name = "chaos_runner.js" if js else "chaos_runner.py"
    runner = (resources.files("devlab.testing") / runner_name).read_text("utf-8")
    steady = scenario.steady_state.model_copy(update={"probes": probes})
    spec = {
        "app": app,
        "setup": scenario.target.setup,
        "paths": pf.roots,
        "steady_state": steady.model_dump(mode="json"),
        "method": [f.model_dump(mode="json") for f in scenario.method],
    }
    entry = "_devlab_chaos.js" if js else "_devlab_chaos.py"
    files = {**pf.files, entry: runner, "_devlab_chaos.json": json.dumps(spec)}
    env: DependencyEnv | None = None
    mounts: list[DependencyMount] = []
    if install:
        prepare = node_env if js else python_env
        env, mounts = prepare(pf.manifests, settings, progress=progress)
    wall = min(wall_seconds, settings.sandbox_max_wall_seconds)
    memory = max((f.megabytes for f in scenario.method if f.type == "memory_pressure"), default=0)
    limits = Limits(
        wall_seconds=wall,
        cpu_seconds=wall * 2,
        memory_mb=min(512 + memory, settings.sandbox_max_memory_mb),
        max_processes=32,
        max_output_bytes=min(4_000_000, settings.sandbox_max_output_bytes),
        max_disk_mb=min(128, settings.sandbox_max_disk_mb),
    )
    request = SandboxRequest(
        language="javascript" if js else "python", files=files, entry=entry, limits=limits
    )
    started = time.monotonic()
    result = run_code(request, settings, mounts=mounts)
    out = ScenarioResult(name=name, title=scenario.title, app=app, probes=[p.path for p in probes],
                         dependencies=env)  # fmt: skip
    out.seconds = round(time.monotonic() - started, 3)
    at = result.stdout.rfind(MARK)
    if at < 0:
        tail = (result.stderr or result.stdout)[-800:]
        out.message = f"the sandbox run ended {result.status} before the runner reported: {tail}"
        if env is not None and env.message:
            out.message += f" ({env.message})"
        return out
    data = json.loads(result.stdout[at + len(MARK) :].split("\n", 1)[0])
    return _read_report(out, data)


def _read_report(out: ScenarioResult, data: dict[str, Any]) -> ScenarioResult:
    phases = data.get("phases") or {}
    for phase, raw in phases.items():
        out.phases[phase] = PhaseStats.model_validate(
            {k: v for k, v in raw.items() if k in PhaseStats.model_fields}
        )
        if raw.get("failure"):
            out.failures.append(FailureInfo.model_validate(raw["failure"]))
    out.fault_hits = data.get("hits") or {}
    out.outbound = {
        **(data.get("outbound") or {}),
        "retries_without_backoff": sum(
            int(raw.get("retries_without_backoff", 0)) for raw in phases.values()
        ),
    }
    if data.get("error"):
        out.message = str(data["error"])
        if data.get("failure"):
            out.failures.append(FailureInfo(phase="load", probe="", **data["failure"]))
        return out
    before, during, after = (out.phases.get(p) for p in ("before", "during", "after"))
    if before is None or during is None or after is None:
        out.message = "the runner did not finish its three phases"
    elif not before.held:
        out.verdict = "inconclusive"
        out.message = (
            f"the steady state did not hold before any fault ({before.errors} of "
            f"{before.requests} calls failed): fix that first (see the first failure)"
        )
    elif during.held:
        out.verdict, out.message = "resilient", "the steady state held under the faults"
    elif after.held:
        out.verdict = "degraded"
        out.message = f"{during.error_rate:.0%} of calls failed under the faults; it recovered"
    else:
        out.verdict = "no-recovery"
        out.message = "the steady state broke under the faults and did not come back after them"
    return out


# ---------------------------------------------------------------- findings

_ADVICE = {
    "exception": "catch the error where it is raised or answer it with a handled error "
    "response (4xx/503 with a body) instead of an unhandled 500",
    "latency": "bound the slow call (a timeout) or move it off the request path",
    "http_failure": "catch the HTTP client's connection errors, answer 503 or a degraded "
    "response, and use a circuit breaker for a dependency that is down",
    "http_latency": "give every outbound call a timeout shorter than the request's budget",
    "db_failure": "catch the driver's OperationalError and answer 503 (with Retry-After) "
    "rather than a 500 with a stack trace",
    "disk_full": "handle ENOSPC where files are written (answer 507/503, keep serving reads)",
    "clock_skew": "do not compare wall-clock times across processes; use monotonic clocks",
    "cpu_pressure": "keep request handling cheap or add capacity; check the latency budget",
    "memory_pressure": "bound caches and request buffers",
}


def _finding(result: ScenarioResult, rule: str, title: str, message: str, fix: str,
             severity: str) -> Finding:  # fmt: skip
    failure = next((f for f in result.failures if f.path), None)
    during = result.phases.get("during") or PhaseStats()
    probe = next((f.probe for f in result.failures if f.phase == "during"), "")
    return Finding(
        rule_id=rule,
        category="resilience",
        title=title,
        message=message,
        severity=severity,  # type: ignore[arg-type]
        confidence="high",
        path=failure.path if failure and failure.path else result.app.split(":")[0],
        start_line=failure.line if failure and failure.line else 1,
        end_line=failure.line if failure and failure.line else 1,
        snippet=f"{result.name} {rule} {probe}",  # stable across runs (the fingerprint)
        symbol=result.name,
        fix=fix,
        metrics={"error_rate": during.error_rate, "p95_ms": during.p95_ms},
        phase=f"chaos:{result.name}",
    )


def scenario_findings(result: ScenarioResult, scenario: Scenario) -> list[Finding]:
    """Resilience findings of one result (none when it held or was inconclusive)."""
    found: list[Finding] = []
    before, during = result.phases.get("before"), result.phases.get("during")
    if result.verdict in ("inconclusive", "error") or before is None or during is None:
        return found
    faults = [f.type for f in scenario.method]
    advice = "; ".join(dict.fromkeys(_ADVICE[f] for f in faults))
    first = next((f for f in result.failures if f.phase == "during"), None)
    if not during.held:
        what = first.error.split(":")[0] if first and first.error else "failed calls"
        where = f"{first.probe} fails" if first else "calls fail"
        found.append(_finding(
            result, "DL-CHAOS-UNHANDLED",
            f"{scenario.title}: {where} ({what}; {during.error_rate:.0%} of calls)",
            f"Under {', '.join(faults)} the steady state broke: {during.errors} of "
            f"{during.requests} calls failed (statuses {during.statuses}); first: "
            f"{first.error if first else ''}"[:1500],
            advice, "high" if during.error_rate >= 0.5 else "medium",
        ))  # fmt: skip
    if result.verdict == "no-recovery":
        found.append(_finding(
            result, "DL-CHAOS-NO-RECOVERY", f"{scenario.title}: no recovery after the faults",
            "The faults were rolled back but calls kept failing: state broken by the fault "
            "(a poisoned cache, a connection kept in a failed state) outlives it.",
            "re-create failed connections and do not cache failures", "high",
        ))  # fmt: skip
    slow = [f.latency_ms for f in scenario.method if f.type == "http_latency"]
    if slow and during.p95_ms >= min(slow) and before.p95_ms < min(slow):
        found.append(_finding(
            result, "DL-CHAOS-NO-TIMEOUT",
            f"{scenario.title}: requests wait for a slow dependency (p95 {during.p95_ms:.0f} ms)",
            f"With outbound answers {min(slow)} ms late, the service's p95 went from "
            f"{before.p95_ms:.0f} ms to {during.p95_ms:.0f} ms: no shorter timeout bounds "
            "the call.",
            _ADVICE["http_latency"], "medium",
        ))  # fmt: skip
    if result.outbound.get("retries_without_backoff"):
        found.append(_finding(
            result, "DL-CHAOS-RETRY-NO-BACKOFF", f"{scenario.title}: retries without backoff",
            "A failing outbound call was retried three or more times within 50 ms: retries "
            "without backoff turn a dependency's trouble into a storm.",
            "retry with exponential backoff and jitter, and cap the attempts", "medium",
        ))  # fmt: skip
    return found


# ---------------------------------------------------------------- the job


def _slug(title: str) -> str:
    words = "".join(c.lower() if c.isalnum() else " " for c in title).split()
    return "-".join(words)[:60] or "custom"


def run_chaos(
    db: Database,
    settings: Settings,
    request: ChaosRequest,
    *,
    progress: ProgressFn | None = None,
    job_id: str | None = None,
) -> ChaosReport:
    """Run a scenario over a project's current snapshot; store it and its findings."""
    if request.definition is not None:  # named after its title (findings are per name)
        scenario, name = request.definition, _slug(request.definition.title)
    else:
        assert request.scenario is not None
        scenario, name = ready_scenario(request.scenario), request.scenario
    pf = load_files(db, request.project, also=(*_SERVICE_FILES, *JS_SUFFIXES))
    app = scenario.target.app or find_app(pf) or find_js_app(pf)
    if app is None:
        raise NotFound(
            f"no web service found in project {pf.name!r} (no module-level Flask(), FastAPI() "
            "or Starlette() app, no create_app(), no Express/Koa/Fastify/http server in "
            "package.json's main, app.js, server.js or index.js); name it with target.app: "
            "module:attribute, or the JavaScript file"
        )
    probes = scenario.steady_state.probes or _default_probes(db, pf.name)
    report(progress, "run", 0, 1, f"{scenario.title}: {app}, {len(probes)} probe(s)")
    result = run_scenario(pf, settings, scenario, name=name, probes=probes, app=app,
                          wall_seconds=request.wall_seconds,
                          install=request.install_dependencies, progress=progress)  # fmt: skip
    result.findings = scenario_findings(result, scenario)
    out = ChaosReport(project=pf.name, snapshot_id=pf.snapshot_id, results=[result])
    with db.session() as s:
        row = TestRunRow(project_id=pf.project_id, snapshot_id=pf.snapshot_id, kind="chaos",
                         language="javascript" if _js_service(app) else "python",
                         status=result.verdict, path=app,
                         summary=out.model_dump(mode="json"), job_id=job_id)  # fmt: skip
        s.add(row)
        s.flush()
        out.run_id = row.id
    if result.verdict not in ("error", "inconclusive") and pf.project_id is not None:
        _record(db, pf, result)
    report(progress, "run", 1, 1, f"{result.verdict}: {result.message}")
    return out


def _record(db: Database, pf: ProjectFiles, result: ScenarioResult) -> None:
    from devlab.insights import record_analysis
    from devlab.reverse import AnalysisReport

    counts: dict[str, dict[str, int]] = {}
    for f in result.findings:
        counts.setdefault("resilience", {}).setdefault(f.severity, 0)
        counts["resilience"][f.severity] += 1
    assert pf.snapshot_id is not None
    analysis = AnalysisReport(project=pf.name, snapshot_id=pf.snapshot_id,
                              phases=[f"chaos:{result.name}"], findings=result.findings,
                              counts=counts)  # fmt: skip
    record_analysis(db, pf.project_id or pf.name, analysis)
