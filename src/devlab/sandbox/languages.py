"""Per-language knowledge: toolchains, versions, and the compile/run/test commands.

Each language is a ``Language`` record; ``plan`` turns a request's files into
an optional compile ``Step`` and a run ``Step``. Commands run inside the
sandbox, so paths are the sandbox's: sources in ``/work``, a compile step's
output in ``/out`` (on the run's one capped tmpfs, sent back as a tar stream), a cached
artifact in ``/app`` (a read-only tmpfs the parent fills). Choices worth knowing:

- Python is the system ``/usr/bin/python3``, not DevLab's venv. For test mode
  (pytest) and DuckDB the parent binds just those packages from its own
  environment read-only at ``/opt/devlab-py`` and sets ``PYTHONPATH``.
- TypeScript compiles with ``tsc`` (the ``typescript`` npm package, installed
  globally under ``/usr/lib/node_modules`` by scripts/setup.sh together with
  ``@types/node``): Node 20 has no type stripping, and a real type check is
  what makes "compile error" meaningful.
- Go builds with cgo off, no module downloads and a per-compile build cache
  (Debian's Go 1.19 ships the standard library precompiled, so that is cheap
  and no run can poison another's cache). ``go test -c`` builds the test binary at compile time,
  which then runs with ``-test.v`` and its verbose output is parsed (what
  ``go test -json``'s test2json reads).
- Java compiles with ``javac -proc:none`` (annotation processors would run
  code at compile time); tests run on the JUnit 5 console launcher jar of
  Debian's ``junit5``, whose XML report is read back over a side channel.
"""

from __future__ import annotations

import atexit
import functools
import importlib.metadata
import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from devlab.errors import InvalidInput

JUNIT_JAR = "/usr/share/java/junit-platform-console-standalone.jar"
PY_HELPERS = "/opt/devlab-py"
_PYTEST_MODULES = (
    "pytest",
    "_pytest",
    "pluggy",
    "iniconfig",
    "packaging",
    "pygments",
    "py",
    # the Testing & QA Lab: coverage (line + branch) and Hypothesis property tests
    "coverage",
    "hypothesis",
    "_hypothesis_pytestplugin",
    "_hypothesis_globals",
    "_hypothesis_ftz_detector",
    "sortedcontainers",
)
_DUCKDB_MODULES = ("duckdb", "_duckdb")

DUCKDB_RUNNER = """
import sys, duckdb
sql = open(sys.argv[1], encoding="utf-8").read()
con = duckdb.connect(":memory:", config={
    "autoinstall_known_extensions": False, "autoload_known_extensions": False,
    "enable_external_access": False, "threads": int(sys.argv[2]),
    "memory_limit": sys.argv[3]})
try:
    for statement in duckdb.extract_statements(sql):
        rel = con.sql(statement.query)
        if rel is not None:
            rel.show(max_rows=10000, max_width=10000)
except duckdb.Error as exc:
    print(f"Error: {exc}", file=sys.stderr)
    sys.exit(1)
"""


@dataclass(frozen=True)
class Language:
    name: str
    package: str  # the Debian package (or command) that provides the toolchain
    binary: str
    entry: str  # default file for a single-source run
    test_entry: str  # default file for a single-source test run
    compiled: bool = False
    tests: bool = True


LANGUAGES: dict[str, Language] = {
    "python": Language(
        "python",
        "python3 (and python3-venv for pytest)",
        "/usr/bin/python3",
        "main.py",
        "test_main.py",
    ),
    "javascript": Language("javascript", "nodejs", "node", "main.js", "main.test.js"),
    "typescript": Language(
        "typescript",
        "nodejs + `npm install -g typescript @types/node`",
        "tsc",
        "main.ts",
        "main.test.ts",
        compiled=True,
    ),
    "bash": Language("bash", "bash", "/bin/bash", "main.sh", "main.sh", tests=False),
    "sqlite": Language("sqlite", "sqlite3", "sqlite3", "main.sql", "main.sql", tests=False),
    "duckdb": Language(
        "duckdb",
        "python3 + the duckdb PyPI package",
        "/usr/bin/python3",
        "main.sql",
        "main.sql",
        tests=False,
    ),
    "go": Language("go", "golang-go", "go", "main.go", "main_test.go", compiled=True),
    "java": Language(
        "java",
        "openjdk-17-jdk-headless (and junit5 for tests)",
        "javac",
        "Main.java",
        "MainTest.java",
        compiled=True,
    ),
}
ALIASES = {
    "py": "python",
    "python3": "python",
    "js": "javascript",
    "node": "javascript",
    "ts": "typescript",
    "sh": "bash",
    "sql": "sqlite",
    "golang": "go",
}
EXTENSIONS = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".ts": "typescript",
    ".sh": "bash",
    ".bash": "bash",
    ".sql": "sqlite",
    ".go": "go",
    ".java": "java",
}


@dataclass
class Step:
    """One sandboxed command and what it needs beyond the template."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    binds: list[tuple[str, str, bool]] = field(default_factory=list)
    report: str | None = None  # "junit" | "tap" | "gotest"


@dataclass
class Plan:
    files: dict[str, str]
    compile: Step | None
    run: Step


def resolve_binary(lang: Language) -> str | None:
    found = shutil.which(lang.binary) if not lang.binary.startswith("/") else lang.binary
    return found if found and os.path.exists(found) else None


def _first_line(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    text = (out.stdout.strip() or out.stderr.strip()).splitlines()
    return text[0].strip() if text else ""


@functools.cache
def toolchain_version(name: str) -> str:
    """The toolchain's version string, asked once per process ('' when missing)."""
    lang = LANGUAGES[name]
    binary = resolve_binary(lang)
    if binary is None:
        return ""
    if name == "python":
        return _first_line([binary, "--version"])
    if name == "javascript":
        return "Node.js " + _first_line([binary, "--version"])
    if name == "typescript":
        node = _first_line(["node", "--version"])
        tsc = _first_line([binary, "--version"]).replace("Version ", "")
        return f"TypeScript {tsc} on Node.js {node}"
    if name == "bash":
        return _first_line([binary, "--version"]).replace("GNU bash, version", "GNU Bash")
    if name == "sqlite":
        return "SQLite " + _first_line([binary, "--version"]).split()[0]
    if name == "duckdb":
        if not helper_modules(_DUCKDB_MODULES[:1]):
            return ""
        python = _first_line([binary, "--version"])
        return f"DuckDB {importlib.metadata.version('duckdb')} on {python}"
    if name == "go":
        return _first_line([binary, "version"]).replace("go version ", "")
    if name == "java":
        return _first_line([binary, "-version"]).replace("javac", "OpenJDK javac")
    return ""


def missing_reason(name: str) -> str:
    """Why a language cannot run here ('' when it can)."""
    lang = LANGUAGES[name]
    if resolve_binary(lang) is None:
        return f"{lang.binary} not found; install {lang.package}"
    if name == "duckdb" and not helper_modules(_DUCKDB_MODULES[:1]):
        return "the duckdb Python package is not installed in DevLab's environment"
    if name == "typescript" and not _tsc_js():
        return "typescript's tsc.js not found; run `npm install -g typescript @types/node`"
    return ""


@functools.cache
def helper_modules(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Host paths of DevLab's own packages to bind at /opt/devlab-py ((host, dest) pairs)."""
    binds = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.origin:
            continue
        origin = Path(spec.origin)
        host = origin.parent if spec.submodule_search_locations else origin
        # importlib.metadata (DuckDB asks for its own version) needs the dist-info.
        for path in (host, *host.parent.glob(f"{name}-*.dist-info")):
            binds.append((_reachable(path), f"{PY_HELPERS}/{path.name}"))
    return tuple(binds)


_STAGE_PREFIX = "devlab-py-"


def _stage_parent() -> Path:
    """Where helper copies live: a tmpfs (``/dev/shm``) when there is a writable one.

    A bind mount's source shows in the sandbox's /proc/self/mountinfo as its path
    *within its own filesystem*: the venv's path, or /tmp/..., if bound from there.
    On a tmpfs mounted elsewhere it is just ``/devlab-py-<pid>/pytest``: nothing
    of the host's temp directory or virtual environment. Else the temp directory.
    """
    shm = Path("/dev/shm")
    try:
        if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
            for line in Path("/proc/self/mounts").read_text().splitlines():
                parts = line.split()
                if len(parts) > 2 and parts[1] == str(shm) and parts[2] == "tmpfs":
                    return shm
    except OSError:
        pass
    return Path(tempfile.gettempdir())


def _sweep_stale_stages(parent: Path) -> None:
    """Remove ``devlab-py-<pid>`` copies of servers that died without cleaning up."""
    for old in parent.glob(f"{_STAGE_PREFIX}*"):
        pid = old.name[len(_STAGE_PREFIX) :]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(old, ignore_errors=True)
        except PermissionError:
            continue


@functools.lru_cache(maxsize=1)
def _stage_dir() -> Path:
    parent = _stage_parent()
    _sweep_stale_stages(parent)
    stage = parent / f"{_STAGE_PREFIX}{os.getpid()}"
    stage.mkdir(mode=0o755, exist_ok=True)
    stage.chmod(0o755)
    atexit.register(shutil.rmtree, stage, True)
    return stage


def _reachable(path: Path) -> str:
    """A world-readable copy of ``path`` in the stage directory (once per process).

    Always a copy, whoever runs DevLab: the sandbox's host uid may not traverse the
    venv, and a bind of the venv itself would name it in the sandbox's mountinfo.
    Byte-code caches come along (mtimes kept), so the sandbox need not compile.
    """
    with _stage_lock:
        return _copy_once(path, _stage_dir() / path.name)


_stage_lock = threading.Lock()


def _copy_once(path: Path, target: Path) -> str:
    if not target.exists():
        partial = target.with_name(f".{target.name}.partial")
        if path.is_dir():
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(path, partial)
        else:
            shutil.copy2(path, partial)
        for root, _dirs, files in os.walk(partial):
            os.chmod(root, 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644 if not f.endswith(".so") else 0o755)
        if partial.is_file():
            partial.chmod(0o755)
        os.replace(partial, target)
    return str(target)


@functools.lru_cache(maxsize=1)
def _tsc_js() -> str:
    tsc = shutil.which("tsc")
    if not tsc:
        return ""
    real = Path(os.path.realpath(tsc))
    candidate = real.parent.parent / "lib" / "tsc.js"
    return str(candidate) if candidate.is_file() else ""


def _types_root() -> str:
    root = Path(_tsc_js()).parents[2] / "@types" if _tsc_js() else None
    return str(root) if root is not None and root.is_dir() else ""


_MAX_SCAN = 1_000_000  # characters of a source scanned for a Java name (linear scans)


def _identifier_prefix(token: str, *, dots: bool = False) -> str:
    """The leading Java identifier (or dotted name) of ``token``."""
    end = 0
    for ch in token:
        if ch.isalnum() or ch in "_$" or (dots and ch == "."):
            end += 1
        else:
            break
    return token[:end]


def _java_package(source: str) -> str:
    """The ``package a.b;`` declaration, found by a linear scan of lines (no regex)."""
    for line in source[:_MAX_SCAN].splitlines():
        stripped = line.lstrip()
        if not stripped.startswith("package"):
            continue
        rest = stripped[len("package") :]
        if not rest[:1].isspace():
            continue
        name = _identifier_prefix(rest.lstrip(), dots=True)
        if name and rest.lstrip()[len(name) :].lstrip().startswith(";"):
            return name
    return ""


def _java_class(path: str, source: str) -> str:
    """Fully qualified class name of a Java file (package + file stem)."""
    package = _java_package(source)
    stem = Path(path).stem
    return f"{package}.{stem}" if package else stem


_JAVA_MODIFIERS = ("final", "abstract", "sealed", "static", "strictfp")
_JAVA_KINDS = ("class", "interface", "enum", "record")


def java_filename(source: str, default: str) -> str:
    """Single-file Java: the file must be named after its public class.

    A linear walk over whitespace-separated tokens (untrusted text never meets a
    backtracking regex): ``public [modifiers] class|interface|enum|record Name``.
    """
    tokens = source[:_MAX_SCAN].split()
    for i, token in enumerate(tokens):
        if token != "public":
            continue
        j = i + 1
        while j < len(tokens) and tokens[j] in _JAVA_MODIFIERS:
            j += 1
        if j + 1 < len(tokens) and tokens[j] in _JAVA_KINDS:
            name = _identifier_prefix(tokens[j + 1])
            if name:
                return f"{name}.java"
    return default


def _jvm_flags(memory_mb: int) -> list[str]:
    heap = max(32, memory_mb * 3 // 4)
    return [
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-XX:-UsePerfData",
        "-Xshare:auto",
        f"-Xmx{heap}m",
        "-XX:ReservedCodeCacheSize=64m",
        "-XX:CompressedClassSpaceSize=64m",
    ]


def _py_env(modules: tuple[str, ...]) -> tuple[dict[str, str], list[tuple[str, str, bool]]]:
    binds = [(host, dest, False) for host, dest in helper_modules(modules)]
    return {"PYTHONPATH": PY_HELPERS}, binds


def plan(
    name: str,
    files: dict[str, str],
    entry: str,
    mode: str,
    args: list[str],
    *,
    memory_mb: int,
    cpus: float,
) -> Plan:
    """The compile step (if any) and the run step for ``files`` with ``entry``."""
    test = mode == "test"
    if test and not LANGUAGES[name].tests:
        runnable = ", ".join(n for n, lang in LANGUAGES.items() if lang.tests)
        raise InvalidInput(f"test mode is not available for {name}; it is for: {runnable}")
    files = dict(files)
    compile_step: Step | None = None
    if name == "python":
        run = _python_run(entry, args, test)
    elif name == "javascript":
        run = _javascript_run(entry, args, test)
    elif name == "typescript":
        compile_step, run = _typescript_steps(files, entry, args, test)
    elif name == "bash":
        run = Step(["/bin/bash", entry, *args])
    elif name == "sqlite":
        run = Step(["sqlite3", "-batch", "-bail", ":memory:", f".read {entry}"])
    elif name == "duckdb":
        run = _duckdb_run(entry, memory_mb=memory_mb, cpus=cpus)
    elif name == "go":
        compile_step, run = _go_steps(files, args, test, cpus=cpus)
    elif name == "java":
        compile_step, run = _java_steps(files, entry, args, test, memory_mb=memory_mb)
    else:  # pragma: no cover - guarded by the caller
        raise InvalidInput(f"unknown language {name}")
    return Plan(files, compile_step, run)


def _python_run(entry: str, args: list[str], test: bool) -> Step:
    """pytest with a JUnit report in test mode, else the entry script unbuffered."""
    if test:
        env, binds = _py_env(_PYTEST_MODULES)
        # Hypothesis' pytest plugin costs ~1.7 s per run at start-up (measured: a
        # trivial test 2.2 s -> 0.5 s without it); @given works without the plugin
        return Step(
            [
                "/usr/bin/python3",
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:hypothesispytest",
                "--junitxml=/proc/self/fd/{REPORT}",
                *args,
            ],
            env,
            binds,
            "junit",
        )
    return Step(["/usr/bin/python3", "-u", entry, *args])


def _javascript_run(entry: str, args: list[str], test: bool) -> Step:
    """node --test with a TAP report in test mode, else node on the entry file."""
    if test:
        return Step(
            [
                "node",
                "--test",
                "--test-reporter=tap",
                "--test-reporter-destination=/proc/self/fd/{REPORT}",
                "--test-reporter=spec",
                "--test-reporter-destination=stdout",
                *args,
            ],
            report="tap",
        )
    return Step(["node", entry, *args])


def _typescript_steps(
    files: dict[str, str], entry: str, args: list[str], test: bool
) -> tuple[Step, Step]:
    """tsc of every TypeScript source into /out, then node on the entry (or the tests)."""
    sources = sorted(p for p in files if p.endswith((".ts", ".tsx", ".mts", ".cts")))
    types = ["--types", "node", "--typeRoots", _types_root()] if _types_root() else []
    compile_step = Step(
        [
            "node",
            _tsc_js(),
            "--outDir",
            "/out",
            "--rootDir",
            "/work",
            "--target",
            "es2022",
            "--module",
            "commonjs",
            "--moduleResolution",
            "node",
            "--esModuleInterop",
            "--skipLibCheck",
            "--pretty",
            "false",
            "--noEmitOnError",
            *types,
            *(f"/work/{p}" for p in sources),
        ]
    )
    js = re.sub(r"\.[mc]?tsx?$", ".js", entry)
    if test:
        tests = [
            f"/app/{re.sub(r'.[mc]?tsx?$', '.js', p)}"
            for p in sources
            if re.search(r"(\.test|_test|-test)\.[mc]?tsx?$|^test", Path(p).name)
        ]
        run = Step(
            [
                "node",
                "--test",
                "--test-reporter=tap",
                "--test-reporter-destination=/proc/self/fd/{REPORT}",
                "--test-reporter=spec",
                "--test-reporter-destination=stdout",
                *tests,
                *args,
            ],
            report="tap",
        )
    else:
        run = Step(["node", f"/app/{js}", *args])
    return compile_step, run


def _duckdb_run(entry: str, *, memory_mb: int, cpus: float) -> Step:
    """The DuckDB runner script on the entry, its threads and memory from the limits."""
    env, binds = _py_env(_DUCKDB_MODULES)
    threads = str(max(1, round(cpus)))
    return Step(
        [
            "/usr/bin/python3",
            "-c",
            DUCKDB_RUNNER,
            entry,
            threads,
            f"{max(16, memory_mb * 3 // 4)}MB",
        ],
        env,
        binds,
    )


def _go_steps(
    files: dict[str, str], args: list[str], test: bool, *, cpus: float
) -> tuple[Step, Step]:
    """go build (or go test -c) offline into /out, then the binary; adds a go.mod."""
    files.setdefault("go.mod", "module sandbox\n\ngo 1.19\n")
    out = "/out/main.test" if test else "/out/main"
    build = ["go", "test", "-c", "-o", out, "."] if test else ["go", "build", "-o", out, "."]
    compile_step = Step(
        build,
        {
            "GOCACHE": "/tmp/gocache",
            "GOPATH": "/tmp/go",
            "GOFLAGS": "-mod=mod",
            "GOPROXY": "off",
            "GOSUMDB": "off",
            "CGO_ENABLED": "0",
            "GOTOOLCHAIN": "local",
            "GOTELEMETRY": "off",
            "GO111MODULE": "on",
            "GOMAXPROCS": str(max(1, round(cpus))),
        },
    )
    env = {"GOMAXPROCS": str(max(1, round(cpus)))}
    if test:
        run = Step(["/app/main.test", "-test.v", *args], env, report="gotest")
    else:
        run = Step(["/app/main", *args], env)
    return compile_step, run


def _java_steps(
    files: dict[str, str], entry: str, args: list[str], test: bool, *, memory_mb: int
) -> tuple[Step, Step]:
    """javac into /out, then java on the entry's class (or the JUnit console launcher)."""
    sources = sorted(p for p in files if p.endswith(".java"))
    classpath = ["-cp", JUNIT_JAR] if test else []
    compile_step = Step(
        [
            "javac",
            "-J-XX:+UseSerialGC",
            "-J-XX:TieredStopAtLevel=1",
            "-J-Xshare:auto",
            "-proc:none",
            "-encoding",
            "UTF-8",
            "-d",
            "/out",
            *classpath,
            *(f"/work/{p}" for p in sources),
        ]
    )
    jvm = _jvm_flags(memory_mb)
    if test:
        launcher = [
            "java",
            *jvm,
            "-jar",
            JUNIT_JAR,
            "-cp",
            "/app",
            "--scan-classpath",
            "--disable-banner",
            "--disable-ansi-colors",
            "--details=tree",
            "--details-theme=ascii",
            "--reports-dir=/tmp/junit",
            *args,
        ]
        post = (
            '"$@"; rc=$?; cat /tmp/junit/TEST-junit-jupiter.xml '
            "> /proc/self/fd/{REPORT} 2>/dev/null; exit $rc"
        )
        run = Step(["/bin/sh", "-c", post, "sh", *launcher], report="junit")
    else:
        run = Step(["java", *jvm, "-cp", "/app", _java_class(entry, files[entry]), *args])
    return compile_step, run


__all__ = [
    "ALIASES",
    "EXTENSIONS",
    "LANGUAGES",
    "Language",
    "Plan",
    "Step",
    "helper_modules",
    "java_filename",
    "missing_reason",
    "plan",
    "resolve_binary",
    "toolchain_version",
]
