"""Per-project dependency environments for test runs, cached by content, bound read-only.

A project whose tests import third-party packages needs them inside the sandbox. This
module installs a project's declared dependencies (read statically from its manifests by
``devlab.reverse.scan_texts``) into a directory of the environment cache
(``env_cache_root``) named by a hash of what was asked for, and hands the sandbox a
read-only ``DependencyMount``:

- Python: ``pip install --only-binary :all: --target ...`` on the host. Only prebuilt
  wheels are fetched, so no package's build code (``setup.py``, build backends) ever runs
  on the host; a dependency that has no wheel for the sandbox's Python is built from its
  sdist inside the sandbox (``sdistbuild``), else named with the reason, and the rest
  is installed.
- JavaScript: ``npm ci --ignore-scripts`` (``npm install --ignore-scripts`` without a
  lock file): install scripts never run on the host; the packages that have one are
  then built in the sandbox (``npmscripts``: their scripts run there against the
  installed tree, the built packages come back), and the tree is frozen read-only.
- Go: ``go mod download`` into a module cache of its own (module downloads run no code;
  the proxy is the user's ``GOPROXY``), bound as ``GOMODCACHE`` for the offline build.

The environment is made once per content key under a file lock (two runs for the same
project wait for one install) in a temporary directory renamed into place, so a crash
half-way never leaves a half-made environment that looks ready. What went wrong is kept
per dependency (``DependencyStatus``) and shown in the coverage report; coverage is
still measured for whatever runs without it.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import platform
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.progress import ProgressFn, report
from devlab.reverse import scan_texts
from devlab.sandbox import DependencyMount
from devlab.testing.models import DependencyEnv, DependencyStatus
from devlab.testing.npmscripts import installable_order, run_install_scripts, scripted_packages
from devlab.testing.sdistbuild import BuildFailed, build_wheel, fetch_sdist

__all__ = [
    "env_cache_root",
    "go_env",
    "node_env",
    "python_env",
]

# What the sandbox already brings for a test run (bound from DevLab's own venv).
PROVIDED = frozenset({"pytest", "coverage", "hypothesis", "pytest-cov", "pluggy", "iniconfig"})
MAX_DEPENDENCIES = 150
INSTALL_SECONDS = 600.0
MAX_ENV_BYTES = 2 * 1024**3
ENV_FORMAT = 1
_PY_MOUNT = "/opt/devlab-env/python"
_NODE_MOUNT = "/work/node_modules"
_GO_MOUNT = "/opt/devlab-env/gomod"
_SHARED_CACHE = Path("/var/cache/devlab/envs")
_NO_WHEEL = (
    "no prebuilt wheel for the sandbox's Python {py} on this platform: DevLab installs "
    "only wheels on the host (building a package would run its code), so it is missing"
)


def env_cache_root(settings: Settings) -> Path:
    """Where environments live (``sandbox_env_cache``; see ``config.Settings``).

    Raises ``InvalidInput`` naming the setting when a directory on the way is closed to
    other users while runs get host uids of their own (DevLab as root): bubblewrap would
    refuse the bind with "Permission denied" and the tests would fail for no visible reason.
    """
    root = settings.sandbox_env_cache
    if root is None and os.geteuid() == 0:
        root = _SHARED_CACHE
        for part in (root.parent, root):  # ours: open them whatever the umask
            part.mkdir(exist_ok=True)
            part.chmod(0o755)
    root = (root or settings.home / "envs").resolve()
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        root.chmod(0o755)
        for part in [root, *root.parents]:
            if not part.stat().st_mode & stat.S_IXOTH:
                raise InvalidInput(
                    f"the dependency environment cache {root} is not reachable by the "
                    f"sandbox's run uids ({part} is closed to other users): set "
                    "DEVLAB_SANDBOX_ENV_CACHE to a directory whose parents are world-"
                    "traversable, e.g. /var/cache/devlab/envs"
                )
    return root


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps([ENV_FORMAT, *parts], sort_keys=True).encode()).hexdigest()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path``.lock for the duration (one install per key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(
    argv: list[str], *, cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run an installer; on timeout its whole process group is killed. (code, output tail)."""
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return -1, f"the installer ran past {timeout:g} s and was stopped"
    return proc.returncode, out.decode("utf-8", "replace")[-4000:]


def _size(root: Path) -> int:
    total = 0
    for base, _dirs, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(base, name)).st_size
    return total


def _error_line(output: str) -> str:
    """The installer's last error line, short (its whole output is not for a report)."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith(("ERROR", "npm ERR!", "npm error"))]
    return ((errors or lines or ["no output"])[-1])[:400]


def _load_cached(root: Path, env: DependencyEnv) -> DependencyEnv | None:
    meta = root / "env.json"
    if not meta.is_file():
        return None
    try:
        stored = DependencyEnv.model_validate_json(meta.read_text())
    except ValueError:
        return None
    stored.cached, stored.seconds = True, 0.0
    return stored if stored.key == env.key else None


def _world_readable(root: Path, frozen: bool = False) -> None:
    """Directories 0755 and files readable by all: each sandbox run has a host uid of its
    own (``devlab.sandbox`` uid pool), which must read the bound tree; nothing in it is
    writable by anyone but the server, and it holds only public packages. ``frozen``:
    writable by no one (0555 / 0444): a built environment is never changed, only
    replaced (``_remove`` opens the directories again)."""
    dir_mode, file_mode = (0o555, 0o444) if frozen else (0o755, 0o644)
    for base, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(base, name)
            with contextlib.suppress(OSError):
                mode = os.lstat(path).st_mode
                if stat.S_ISREG(mode):
                    executable = 0o111 if mode & stat.S_IXUSR else 0
                    os.chmod(path, file_mode | executable)
    for base, _dirs, _files in os.walk(root, topdown=False):
        os.chmod(base, dir_mode)


def _finish(tmp: Path, root: Path, env: DependencyEnv, frozen: bool = False) -> DependencyEnv:
    """Record ``env`` in ``tmp`` and move it into place (or report the size cap)."""
    if _size(tmp) > MAX_ENV_BYTES:
        for dep in env.dependencies:
            if dep.status == "installed":
                dep.status, dep.reason = "failed", "the environment is over its size cap"
        env.status = "failed"
        env.message = f"the installed dependencies exceed {MAX_ENV_BYTES // 1024**3} GiB"
    if env.status == "failed":  # nothing to keep: the next run tries again
        return env
    (tmp / "env.json").write_text(env.model_dump_json())
    _world_readable(tmp, frozen)
    if root.exists():
        _remove(root)
    os.rename(tmp, root)
    return env


def _settle(env: DependencyEnv) -> DependencyEnv:
    wanted = [d for d in env.dependencies if d.status in ("installed", "failed")]
    failed = [d for d in wanted if d.status == "failed"]
    if not wanted:
        env.status = "none"
    elif not failed:
        env.status = "ready"
    else:
        env.status = "failed" if len(failed) == len(wanted) else "partial"
        names = ", ".join(d.name for d in failed[:10])
        said = f"{len(failed)} of {len(wanted)} dependencies not installed: {names}"
        env.message = f"{said}; {env.message}" if env.message else said
    return env


def _prepared(
    env: DependencyEnv,
    root: Path,
    install: Callable[[Path], None],
    mount: tuple[str, str, tuple[tuple[str, str], ...]],
    progress: ProgressFn | None,
    what: str,
    frozen: bool = False,
) -> tuple[DependencyEnv, list[DependencyMount]]:
    """The environment at ``root``: found cached, or made by ``install`` into a temporary
    directory moved into place under the key's lock; then its mount (``mount`` is the
    tree inside the environment, where it goes in the sandbox, and its variables)."""
    started = time.monotonic()
    with _locked(root):
        cached = _load_cached(root, env)
        if cached is None:
            wanted = sum(d.status == "installed" for d in env.dependencies)
            report(progress, "dependencies", 0, wanted, what)
            tmp = Path(tempfile.mkdtemp(dir=root.parent, prefix=".tmp-"))
            try:
                install(tmp)
                cached = _finish(tmp, root, _settle(env), frozen)
            finally:
                _remove(tmp)
    cached.seconds = round(time.monotonic() - started, 3)
    tree, dest, variables = mount
    if cached.status not in ("ready", "partial") or not (root / tree).is_dir():
        return cached, []
    return cached, [DependencyMount(str(root / tree), dest, cached.key, variables)]


# ------------------------------------------------------------------------- Python


@functools.cache
def _sandbox_python() -> str:
    """``major.minor`` of the interpreter the sandbox runs (Debian's ``python3``)."""
    try:
        out = subprocess.run(
            ["/usr/bin/python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _python_wanted(manifests: dict[str, str]) -> list[DependencyStatus]:
    """The direct PyPI dependencies, one per name (a pinned or locked version wins)."""
    found = scan_texts(manifests.items()).dependencies
    locked = {d.name.lower(): d.version for d in found if d.ecosystem == "PyPI" and d.version}
    out: dict[str, DependencyStatus] = {}
    for dep in found:
        name = dep.name.lower()
        if dep.ecosystem != "PyPI" or not dep.direct or name in out:
            continue
        version = dep.version or locked.get(name)
        spec = f"{dep.name}=={version}" if version else f"{dep.name}{dep.spec or ''}"
        status: Literal["installed", "provided", "skipped"] = "installed"
        reason = ""
        if name in PROVIDED:
            status, reason = "provided", "the sandbox brings its own"
        elif sum(d.status == "installed" for d in out.values()) >= MAX_DEPENDENCIES:
            status, reason = "skipped", f"more than {MAX_DEPENDENCIES} dependencies declared"
        out[name] = DependencyStatus(
            ecosystem="PyPI", name=dep.name, spec=spec, status=status, reason=reason
        )
    return list(out.values())


def _pip(
    target: Path, specs: list[str], timeout: float, links: Path | None = None
) -> tuple[int, str]:
    argv = [
        sys.executable, "-m", "pip", "install", "--target", str(target),
        "--only-binary", ":all:", "--python-version", _sandbox_python(),
        "--no-input", "--disable-pip-version-check", "--no-warn-script-location",
        "--no-compile", "--progress-bar", "off", "--quiet", *specs,
    ]  # fmt: skip
    env = {"PIP_NO_INPUT": "1"}
    if links is not None:  # wheels built in the sandbox (sdistbuild), beside the user's
        env["PIP_FIND_LINKS"] = f"{os.environ.get('PIP_FIND_LINKS', '')} {links}".strip()
    return _run(argv, cwd=target.parent, timeout=timeout, env=env)


def _build_missing(
    tmp: Path, deps: list[DependencyStatus], settings: Settings, progress: ProgressFn | None
) -> Path:
    """Build the dependencies that have no wheel from their sdists, in the sandbox."""
    built = tmp / "built"
    missing = [d for d in deps if d.status == "failed" and d.reason.startswith(_NO_WHEEL[:20])]
    for i, dep in enumerate(missing):
        report(progress, "dependencies", i, len(missing), f"building {dep.spec} in the sandbox")
        try:
            build_wheel(fetch_sdist(dep.spec, tmp / "sdists"), settings, built)
        except BuildFailed as exc:
            dep.reason = f"no prebuilt wheel for Python {_sandbox_python()}, and {exc}"
            continue
        dep.status, dep.reason = (
            "installed",
            "no prebuilt wheel: built from its sdist in the sandbox",
        )
    return built


def _pip_install(
    tmp: Path, deps: list[DependencyStatus], settings: Settings, progress: ProgressFn | None
) -> None:
    """Install ``deps`` into ``tmp/python``; on failure find which ones fail and why
    (those without a wheel are built from their sdists in the sandbox, ``sdistbuild``)."""
    target = tmp / "python"
    specs = [d.spec for d in deps]
    code, output = _pip(target, specs, INSTALL_SECONDS)
    if code == 0:
        return
    for i, dep in enumerate(deps):  # which ones fail on their own?
        report(progress, "dependencies", i, len(deps), f"checking {dep.spec}")
        scratch = Path(tempfile.mkdtemp(dir=tmp, prefix="one-"))
        one_code, one_out = _pip(scratch, [dep.spec], INSTALL_SECONDS / 4)
        shutil.rmtree(scratch, ignore_errors=True)
        if one_code != 0:
            dep.status = "failed"
            line = _error_line(one_out)
            dep.reason = (
                _NO_WHEEL.format(py=_sandbox_python()) + f" ({line})"
                if "No matching distribution" in one_out or "from versions: none" in one_out
                else line
            )
    built = _build_missing(tmp, deps, settings, progress)
    good = [d for d in deps if d.status == "installed"]
    shutil.rmtree(target, ignore_errors=True)
    if good:
        code, output = _pip(target, [d.spec for d in good], INSTALL_SECONDS, links=built)
    if good and code != 0:  # each installs alone, not together: a version conflict
        for dep in good:
            dep.status = "failed"
            dep.reason = f"does not install together with the others: {_error_line(output)}"


def python_env(
    manifests: dict[str, str], settings: Settings, *, progress: ProgressFn | None = None
) -> tuple[DependencyEnv, list[DependencyMount]]:
    """The project's Python dependencies, installed (or found cached) and ready to mount."""
    deps = _python_wanted(manifests)
    env = DependencyEnv(ecosystem="PyPI", status="none", dependencies=deps)
    wanted = [d for d in deps if d.status == "installed"]
    if not wanted:
        return env, []
    env.key = _key("PyPI", _sandbox_python(), platform.machine(), sorted(d.spec for d in wanted))
    root = env_cache_root(settings) / f"python-{env.key[:32]}"
    return _prepared(
        env, root, lambda tmp: _pip_install(tmp, wanted, settings, progress),
        ("python", _PY_MOUNT, (("PYTHONPATH", _PY_MOUNT),)), progress,
        f"installing {len(wanted)} wheels",
    )  # fmt: skip


# --------------------------------------------------------------------- JavaScript


def _node_wanted(package_json: str) -> tuple[dict[str, object], list[DependencyStatus]]:
    """package.json without its scripts and workspaces, and its direct dependencies."""
    try:
        data = json.loads(package_json)
    except ValueError:
        return {}, []
    if not isinstance(data, dict):
        return {}, []
    clean: dict[str, object] = {"name": data.get("name") or "project", "private": True}
    out: list[DependencyStatus] = []
    for field in ("dependencies", "devDependencies", "optionalDependencies"):
        section = data.get(field)
        if not isinstance(section, dict):
            continue
        clean[field] = {str(k): str(v) for k, v in section.items()}
        for name, version in section.items():
            status: Literal["installed", "skipped"] = "installed"
            reason = ""
            if len(out) >= MAX_DEPENDENCIES:
                status, reason = "skipped", f"more than {MAX_DEPENDENCIES} dependencies declared"
            spec = f"{name}@{version}"
            out.append(DependencyStatus(ecosystem="npm", name=str(name), spec=spec,
                                        status=status, reason=reason))  # fmt: skip
    return clean, out


def _npm_install(
    tmp: Path, clean: dict[str, object], lock: str | None, env: DependencyEnv, settings: Settings
) -> None:
    """``npm ci``/``npm install`` without scripts on the host, then the packages with
    install scripts built in the sandbox (``npmscripts``)."""
    (tmp / "package.json").write_text(json.dumps(clean))
    argv = ["npm", "install", "--no-package-lock"]
    if lock is not None:
        (tmp / "package-lock.json").write_text(lock)
        argv = ["npm", "ci"]
    argv += ["--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
    code, output = _run(argv, cwd=tmp, timeout=INSTALL_SECONDS)
    wanted = [d for d in env.dependencies if d.status == "installed"]
    if code != 0:
        for dep in wanted:
            dep.status, dep.reason = "failed", f"npm could not install: {_error_line(output)}"
        return
    modules = tmp / "node_modules"
    scripted = scripted_packages(modules)
    ran: dict[str, str] = {}
    if scripted:
        _world_readable(tmp)  # the sandbox's run uid reads the tree (and reaches it)
        ran = run_install_scripts(modules, installable_order(modules, scripted), settings,
                                  env.key)  # fmt: skip
    for dep in wanted:
        if not (modules / dep.name).is_dir():
            dep.status, dep.reason = "failed", "npm did not install it (an optional dependency?)"
        elif ran.get(dep.name):
            dep.status, dep.reason = "failed", f"installed, but {ran[dep.name]}"
        elif dep.name in ran:
            dep.reason = "installed; its install script ran in the sandbox (never on the host)"
    direct = {d.name for d in wanted}
    others = [f"{n} ({why})" for n, why in ran.items() if why and n not in direct]
    built = [n for n, why in ran.items() if not why and n not in direct]
    notes = [f"install scripts run in the sandbox for {', '.join(built[:10])}"] if built else []
    notes += [f"not built: {'; '.join(others[:5])}"] if others else []
    env.message = "; ".join(notes)


def node_env(
    manifests: dict[str, str], settings: Settings, *, progress: ProgressFn | None = None
) -> tuple[DependencyEnv, list[DependencyMount]]:
    """The project's npm dependencies (root package.json), installed and ready to mount."""
    clean, deps = _node_wanted(manifests.get("package.json", ""))
    env = DependencyEnv(ecosystem="npm", status="none", dependencies=deps)
    wanted = [d for d in deps if d.status == "installed"]
    if not wanted:
        return env, []
    if shutil.which("npm") is None:
        for dep in wanted:
            dep.status, dep.reason = "failed", "npm is not installed on the server"
        return _settle(env), []
    lock = manifests.get("package-lock.json") or manifests.get("npm-shrinkwrap.json")
    env.key = _key("npm", platform.machine(), clean, lock, "scripts built in the sandbox")
    root = env_cache_root(settings) / f"node-{env.key[:32]}"
    return _prepared(
        env, root, lambda tmp: _npm_install(tmp, clean, lock, env, settings),
        ("node_modules", _NODE_MOUNT, ()), progress, f"installing {len(wanted)} packages",
        frozen=True,
    )  # fmt: skip


# ---------------------------------------------------------------------------- Go


def _go_results(output: str) -> dict[str, str]:
    """``go mod download -json`` objects -> module path -> error ('' when downloaded)."""
    out: dict[str, str] = {}
    decoder = json.JSONDecoder()
    pos = 0
    while pos < len(output):
        start = output.find("{", pos)
        if start < 0:
            break
        try:
            item, pos = decoder.raw_decode(output, start)
        except ValueError:
            break
        if isinstance(item, dict) and isinstance(item.get("Path"), str):
            out[item["Path"]] = str(item.get("Error") or "")
    return out


def _go_download(tmp: Path, manifests: dict[str, str], env: DependencyEnv) -> None:
    src = tmp / "src"
    src.mkdir()
    for name in ("go.mod", "go.sum"):
        if name in manifests:
            (src / name).write_text(manifests[name])
    go_vars = {
        "GOMODCACHE": str(tmp / "gomod"), "GOPATH": str(tmp / "gopath"),
        "GOCACHE": str(tmp / "gocache"), "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local",
        "GOTELEMETRY": "off", "CGO_ENABLED": "0", "HOME": str(tmp),
    }  # fmt: skip
    argv = ["go", "mod", "download", "-json", *(d.name for d in env.dependencies)]
    code, output = _run(argv, cwd=src, timeout=INSTALL_SECONDS, env=go_vars)
    results = _go_results(output)
    for dep in env.dependencies:
        error = results.get(dep.name)
        if error is None and code != 0:
            error = _error_line(output)
        if error:
            dep.status, dep.reason = "failed", f"go mod download: {error[:400]}"
    for name in ("gopath", "gocache", "src"):
        _remove(tmp / name)


def _remove(path: Path) -> None:
    """Remove a tree even where Go made it read-only."""
    for base, dirs, _files in os.walk(path):
        for name in dirs:
            with contextlib.suppress(OSError):
                os.chmod(os.path.join(base, name), 0o755)
    shutil.rmtree(path, ignore_errors=True)


def go_env(
    manifests: dict[str, str], settings: Settings, *, progress: ProgressFn | None = None
) -> tuple[DependencyEnv, list[DependencyMount]]:
    """The Go module's requirements (root go.mod) in a module cache ready to mount."""
    deps = [
        DependencyStatus(
            ecosystem="Go", name=d.name, spec=f"{d.name}@{d.version}", status="installed"
        )
        for d in scan_texts([("go.mod", manifests.get("go.mod", ""))]).dependencies
        if d.ecosystem == "Go"
    ][:MAX_DEPENDENCIES]
    env = DependencyEnv(ecosystem="Go", status="none", dependencies=deps)
    if not deps:
        return env, []
    if shutil.which("go") is None:
        for dep in deps:
            dep.status, dep.reason = "failed", "Go is not installed on the server"
        return _settle(env), []
    env.key = _key("Go", platform.machine(), manifests["go.mod"], manifests.get("go.sum", ""))
    root = env_cache_root(settings) / f"go-{env.key[:32]}"
    return _prepared(
        env, root, lambda tmp: _go_download(tmp, manifests, env),
        ("gomod", _GO_MOUNT, (("GOMODCACHE", _GO_MOUNT),)), progress,
        f"downloading {len(deps)} modules",
    )  # fmt: skip
