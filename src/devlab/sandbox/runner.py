"""``run_code``: validate a request, compile (cached), run it sandboxed, record it.

Reading order: ``prepare`` (checks and file layout) -> ``compile_cached``
(the compile step, skipped on a cache hit) -> ``execute_step`` (one bwrap run
in a cgroup, watched by ``process.watch_process``) -> ``to_result`` (status,
tests, files) -> ``record_execution``. The streaming door reuses all of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import tarfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from devlab.actor import check_sandbox_budget, note_sandbox_run
from devlab.config import Settings
from devlab.errors import ComponentUnavailable, InvalidInput
from devlab.sandbox import bwrap, languages
from devlab.sandbox.cgroups import Cgroup, CgroupStats, cgroup_pool
from devlab.sandbox.compilecache import compile_cache
from devlab.sandbox.errors import (
    BadFileName,
    LimitTooHigh,
    SourceTooLarge,
    ToolchainMissing,
    UnsupportedLanguage,
)
from devlab.sandbox.gate import gate_for
from devlab.sandbox.models import DependencyMount, Limits, SandboxRequest, SandboxResult
from devlab.sandbox.process import Channels, OutputFn, StdinFeed, Watch, watch_process
from devlab.sandbox.records import record_execution
from devlab.sandbox.reports import parse_report
from devlab.sandbox.seccomp import SeccompUnavailable, filter_fd
from devlab.sandbox.uids import run_uid
from devlab.store import Database

_MAX_COLLECT_BYTES = 1_000_000


def supported_languages() -> list[str]:
    """The language names a request may use."""
    return list(languages.LANGUAGES)


@dataclass
class Prepared:
    language: str
    files: dict[str, str]
    entry: str
    limits: Limits
    source_hash: str
    toolchain: str
    plan: languages.Plan


def _check_limits(limits: Limits, settings: Settings) -> Limits:
    maxima = {
        "wall_seconds": settings.sandbox_max_wall_seconds,
        "cpu_seconds": settings.sandbox_max_wall_seconds * settings.sandbox_max_cpus,
        "memory_mb": settings.sandbox_max_memory_mb,
        "cpus": settings.sandbox_max_cpus,
        "max_processes": settings.sandbox_max_processes,
        "max_output_bytes": settings.sandbox_max_output_bytes,
        "max_disk_mb": settings.sandbox_max_disk_mb,
        "max_file_mb": settings.sandbox_max_disk_mb,
        "max_open_files": 65536,
    }
    for name, maximum in maxima.items():
        value = getattr(limits, name)
        if value > maximum:
            raise LimitTooHigh(
                f"limits.{name}={value} is above the maximum {maximum:g}; "
                f"ask for at most {maximum:g}",
                detail={"limit": name, "maximum": maximum},
            )
    return limits


_MAX_PATH_BYTES = 1024  # one name; longer ones trip host limits (PATH_MAX pieces, NAME_MAX)
_MAX_PART_BYTES = 255


def _check_path(path: str) -> str:
    pure = PurePosixPath(path)
    if (
        not path
        or "\x00" in path
        or pure.is_absolute()
        or ".." in pure.parts
        or str(pure) in (".", "")
    ):
        raise InvalidInput(f"bad file path {path!r}: use a relative path without '..'")
    if len(path.encode()) > _MAX_PATH_BYTES or any(
        len(part.encode()) > _MAX_PART_BYTES for part in pure.parts
    ):
        raise BadFileName(
            f"file path {path[:80]!r}... is too long: at most {_MAX_PATH_BYTES} "
            f"bytes, {_MAX_PART_BYTES} per name"
        )
    # A leading '@' or '-' turns a name into an option or an options file for
    # compilers (javac @argfile, tsc @file, --watch): refuse it outright.
    for part in pure.parts:
        if part.startswith(("@", "-")):
            raise BadFileName(
                f"bad file name {path!r}: a name may not start with '@' or '-'; rename it"
            )
    return str(pure)


def _check_sizes(request: SandboxRequest, settings: Settings) -> None:
    """Caps checked before anything else is looked at: file count, then total bytes.

    Names count toward the byte total (a flood of empty files with long names is
    still a flood), and every file becomes one fd when the sandbox starts, so
    the count is capped too (``sandbox_max_files``).
    """
    count = len(request.files) + (request.code is not None)
    if count > settings.sandbox_max_files:
        raise SourceTooLarge(
            f"request has {count} files; the maximum is {settings.sandbox_max_files} "
            "(sandbox_max_files)",
            detail={"limit": "sandbox_max_files", "maximum": settings.sandbox_max_files},
        )
    size = sum(len(k.encode()) + len(v.encode()) for k, v in request.files.items())
    size += len(request.stdin.encode()) + len((request.code or "").encode())
    size += sum(len(a.encode()) for a in request.args) + len((request.entry or "").encode())
    if size > settings.sandbox_max_source_bytes:
        raise SourceTooLarge(
            f"source is {size} bytes (file names, contents, stdin and args); the maximum "
            f"is {settings.sandbox_max_source_bytes} (sandbox_max_source_bytes)",
            detail={
                "limit": "sandbox_max_source_bytes",
                "maximum": settings.sandbox_max_source_bytes,
            },
        )


def resolve_language(name: str) -> str:
    key = languages.ALIASES.get(name.lower(), name.lower())
    if key not in languages.LANGUAGES:
        raise UnsupportedLanguage(
            f"unsupported language {name!r}; supported: {', '.join(supported_languages())}",
            detail={"supported": supported_languages()},
        )
    return key


MOUNT_POINTS = ("/opt/devlab-env/", "/work/node_modules")


def _with_mounts(plan: languages.Plan, mounts: Sequence[DependencyMount]) -> None:
    """Bind each dependency tree read-only into every step of ``plan``.

    A mount's destination must be under ``/opt/devlab-env/`` or be
    ``/work/node_modules``, and its host side an existing directory: these trees come
    from DevLab's own environment cache, and a wrong one is a bug, not user input.
    """
    for mount in mounts:
        if not (mount.dest.startswith(MOUNT_POINTS[0]) or mount.dest == MOUNT_POINTS[1]):
            raise ValueError(f"dependency mount at {mount.dest!r}: not a mount point")
        if ".." in PurePosixPath(mount.dest).parts or not os.path.isdir(mount.host):
            raise ValueError(f"dependency mount {mount.host!r} -> {mount.dest!r} is not usable")
        for step in (plan.compile, plan.run):
            if step is None:
                continue
            step.binds = [*step.binds, (mount.host, mount.dest, False)]
            for name, value in mount.env:
                old = step.env.get(name)
                step.env[name] = f"{old}:{value}" if old and name == "PYTHONPATH" else value


def prepare(
    request: SandboxRequest, settings: Settings, mounts: Sequence[DependencyMount] = ()
) -> Prepared:
    """Validate the request and lay out its files; raises 4xx/503 errors.

    ``mounts`` are read-only dependency trees (``DependencyMount``) bound into the run.
    """
    language = resolve_language(request.language)
    limits = _check_limits(request.limits, settings)
    _check_sizes(request, settings)
    lang = languages.LANGUAGES[language]
    files = {_check_path(p): body for p, body in request.files.items()}
    default = lang.test_entry if request.mode == "test" else lang.entry
    if request.code is not None:
        name = request.entry or default
        if language == "java" and not request.entry:
            name = languages.java_filename(request.code, default)
        files[_check_path(name)] = request.code
    if not files:
        raise InvalidInput("nothing to run: give 'code' or 'files'")
    entry = request.entry or (default if default in files else sorted(files)[0])
    if language == "java" and request.code is not None and not request.entry:
        entry = languages.java_filename(request.code, default)
    entry = _check_path(entry)
    if entry not in files:
        raise InvalidInput(f"entry {entry!r} is not one of the files: {', '.join(sorted(files))}")
    reason = languages.missing_reason(language)
    if reason:
        raise ToolchainMissing(
            f"{language} is not available here: {reason}", detail={"install": lang.package}
        )
    toolchain = languages.toolchain_version(language)
    keys = [m.key for m in mounts]
    digest = hashlib.sha256(
        json.dumps([language, sorted(files.items()), *keys]).encode()
    ).hexdigest()
    plan = languages.plan(
        language,
        files,
        entry,
        request.mode,
        request.args,
        memory_mb=limits.memory_mb,
        cpus=limits.cpus,
    )
    _with_mounts(plan, mounts)
    return Prepared(language, plan.files, entry, limits, digest, toolchain, plan)


def enforcement(pool_available: bool, cpu_accounting: bool, *, version: int = 1) -> dict[str, str]:
    """How each limit is enforced on this machine (``SandboxResult.enforcement``)."""
    common = {
        "wall": "watchdog in the parent (SIGKILL of the whole sandbox)",
        "output": "byte cap per stream in the parent; run stopped past it",
        "disk": (
            "one tmpfs size=max_disk_mb, shared by /work, /tmp and /dev/shm "
            "(and a compile step's /out); the rest read-only"
        ),
        "file_size": "rlimit FSIZE",
        "open_files": "rlimit NOFILE",
        "network": "empty network namespace (loopback only)",
        "syscalls": (
            "seccomp filter (libseccomp): namespaces, mounts, ptrace, bpf, io_uring, "
            "pidfd_getfd/pidfd_open and Linux AIO refused; socket() only "
            "AF_UNIX, AF_INET, AF_INET6"
        ),
        "host_uid": (
            "one unprivileged host uid per concurrent run (sandbox_uid_base..)"
            if os.geteuid() == 0
            else "the invoking user (not root)"
        ),
        "isolation": "bubblewrap: user/pid/ipc/uts/net/mount namespaces, caps dropped",
    }
    if pool_available and version == 2:
        return {
            **common,
            "memory": "cgroup v2 memory.max (swap 0, OOM kill)",
            "processes": "cgroup v2 pids.max",
            "cpus": "cgroup v2 cpu.max",
            "cpu": (
                "cgroup v2 cpu.stat watchdog (all processes) + rlimit CPU"
                if cpu_accounting
                else "rlimit CPU (per process)"
            ),
        }
    if pool_available:
        return {
            **common,
            "memory": "cgroup v1 memory (limit_in_bytes, OOM kill)",
            "processes": "cgroup v1 pids.max",
            "cpus": "cgroup v1 cpu.cfs_quota_us",
            "cpu": (
                "cgroup v1 cpuacct watchdog (all processes) + rlimit CPU"
                if cpu_accounting
                else "rlimit CPU (per process)"
            ),
        }
    return {
        **common,
        "memory": "rlimit DATA (per process; no cgroups)",
        "processes": "rlimit NPROC (per host user; no cgroups)",
        "cpus": "not enforced (no cgroups)",
        "cpu": "rlimit CPU (per process)",
    }


@dataclass
class StepOutcome:
    watch: Watch
    cpu_ms: float
    peak_memory_kb: int | None
    oom: bool
    enforcement: dict[str, str]
    setup_failed: bool = False  # the sandbox machinery failed before the command started


def execute_step(
    step: languages.Step,
    files: dict[str, str],
    limits: Limits,
    *,
    stdin: bytes | StdinFeed = b"",
    app_files: dict[str, bytes] | None = None,
    collect: str | None = None,
    out_dir: bool = False,
    on_output: OutputFn | None = None,
    cancel: threading.Event | None = None,
    host_uid: int | None = None,
) -> StepOutcome:
    """Run one command in a fresh sandbox under ``limits`` and watch it.

    ``collect`` names a directory ("/work", or "/out" for a compile step) sent
    back as a tar stream when the command finishes (only if it succeeded for /out).
    """
    pool = cgroup_pool()
    group: Cgroup | None = pool.acquire() if pool.available else None
    ulimits = _ulimits(limits, cgroup=group is not None)
    argv = _collecting(list(step.argv), collect)
    spec = bwrap.RunSpec(
        argv=argv,
        env=step.env,
        files={p: b.encode() for p, b in files.items()},
        binds=list(step.binds),
        app_files=app_files or {},
        out_dir=out_dir,
        disk_mb=limits.max_disk_mb,
        report_fd=step.report is not None,
        files_fd=collect is not None,
        host_uid=host_uid,
    )
    spawned: bwrap.Spawned | None = None
    try:
        if group is not None:
            group.configure(limits.memory_mb, limits.max_processes, limits.cpus)
        seccomp = filter_fd()
        started = time.monotonic()
        spawned = bwrap.spawn(
            spec,
            seccomp_fd=seccomp,
            procs_files=group.join_files if group else [],
            ulimits=ulimits,
        )
        proc = spawned.proc

        def kill() -> None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()  # --die-with-parent takes the sandbox down too
            if group is not None:
                group.kill_all()

        watch = watch_process(
            proc,
            Channels(spawned.stdout, spawned.stderr, spawned.stdin, spawned.report, spawned.files),
            wall_seconds=limits.wall_seconds,
            max_output_bytes=limits.max_output_bytes,
            stdin=stdin,
            kill=kill,
            cpu_ms=group.cpu_ms if group is not None and group.cpu_accounting else None,
            cpu_seconds=limits.cpu_seconds,
            on_output=on_output,
            cancel=cancel,
            started=started,
        )
        stats = group.stats() if group is not None else None
        setup_failed = watch.returncode is not None and not spawned.program_started()
    finally:
        if spawned is not None:
            spawned.close_status()
        if group is not None:
            pool.release(group)
    return _outcome(watch, group, stats, setup_failed)


def _ulimits(limits: Limits, *, cgroup: bool) -> dict[str, int]:
    """The shell's ulimit values; memory and processes only where no cgroup caps them."""
    ulimits = {
        "c": 0,
        "n": limits.max_open_files,
        "f": limits.max_file_mb * 2048,  # 512-byte blocks
        "t": math.ceil(limits.cpu_seconds) + 1,
    }
    if not cgroup:
        ulimits["d"] = limits.memory_mb * 1024
        ulimits["p"] = limits.max_processes
    return ulimits


def _collecting(argv: list[str], collect: str | None) -> list[str]:
    """``argv`` wrapped to send ``collect`` back as a tar stream on the FILES channel
    (for /out only after success).

    The wrapper is pid 1 and the program's parent, and its exit status is the
    run's: it runs from an execute-only copy of the shell (``bwrap.WRAPPER_SH``),
    which the kernel marks non-dumpable, so the program can neither rewrite it
    through /proc/1/mem nor reach its descriptors."""
    if collect:
        send = f"tar -C {collect} -cf - . > /proc/self/fd/{{FILES}} 2>/dev/null"
        post = f'"$@" && {send}' if collect == "/out" else f'"$@"; rc=$?; {send}; exit $rc'
        argv = [bwrap.WRAPPER_SH, "-c", post, "sh", *argv]
    return argv


def _outcome(
    watch: Watch, group: Cgroup | None, stats: CgroupStats | None, setup_failed: bool
) -> StepOutcome:
    """The step's outcome: CPU from the cgroup where it counts, else from rusage."""
    cpu = stats.cpu_ms if stats and stats.cpu_ms is not None else _rusage_cpu_ms()
    return StepOutcome(
        watch=watch,
        cpu_ms=cpu,
        peak_memory_kb=stats.peak_memory_kb if stats else None,
        oom=bool(stats and stats.oom_killed),
        enforcement=enforcement(
            group is not None,
            bool(group and group.cpu_accounting),
            version=group.version if group is not None else 1,
        ),
        setup_failed=setup_failed,
    )


def _rusage_cpu_ms() -> float:
    # Without cpuacct the children's rusage is the best total we have (approximate
    # under concurrency: it is process-wide).
    usage = os.times()
    return (usage.children_user + usage.children_system) * 1000


def compile_limits(limits: Limits, settings: Settings) -> Limits:
    """The compile step's limits: the request's own time limits, a little more room else.

    Wall and CPU time are the request's (a compiler told to ``--watch`` holds its
    slot no longer than the run could); memory, CPUs, processes and disk get a
    floor that toolchains need (a JVM, Go's parallel build), within the maxima.
    """
    return limits.model_copy(
        update={
            "memory_mb": min(settings.sandbox_max_memory_mb, max(limits.memory_mb, 1024)),
            "cpus": min(settings.sandbox_max_cpus, max(limits.cpus, 1.0)),
            "max_processes": min(settings.sandbox_max_processes, max(limits.max_processes, 128)),
            "max_output_bytes": 1_000_000,
            "max_disk_mb": min(settings.sandbox_max_disk_mb, max(limits.max_disk_mb, 256)),
        }
    )


@dataclass
class Compiled:
    artifact: dict[str, bytes] | None
    failure: StepOutcome | None
    compile_ms: float
    cached: bool


def _untar(data: bytes, *, max_total: int) -> dict[str, bytes]:
    """Regular files of a tar stream from the sandbox (no links, no escapes, capped)."""
    found: dict[str, bytes] = {}
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for member in tar:
                name = os.path.normpath(member.name)
                if not member.isfile() or name.startswith(("/", "..")):
                    continue
                if total + member.size > max_total:
                    continue
                handle = tar.extractfile(member)
                if handle is not None:
                    found[name] = handle.read()
                    total += member.size
    except (tarfile.TarError, OSError, EOFError):
        pass
    return found


def _bad_artifact_name(names: list[str]) -> str | None:
    for name in names:
        parts = PurePosixPath(name).parts
        if len(name.encode()) > _MAX_PATH_BYTES or any(
            len(p.encode()) > _MAX_PART_BYTES for p in parts
        ):
            return name
    return None


def compile_cached(
    prep: Prepared, settings: Settings, mode: str, host_uid: int | None = None
) -> Compiled:
    """Compile, or reuse the artifact of an identical earlier compile.

    The key is the source hash + toolchain version + mode; the artifact lives
    under ``settings.compile_cache_dir`` (see ``compilecache``: size-capped, LRU,
    written atomically), so concurrent identical compiles are harmless.
    """
    assert prep.plan.compile is not None
    key = hashlib.sha256(f"{prep.source_hash}|{prep.toolchain}|{mode}|v2".encode()).hexdigest()
    cache = compile_cache(
        settings.compile_cache_dir,
        settings.sandbox_compile_cache_mb,
        settings.sandbox_compile_artifact_mb,
    )
    found = cache.load(prep.language, key)
    if found:
        return Compiled(found, None, 0.0, True)
    start = time.monotonic()
    limits = compile_limits(prep.limits, settings)
    outcome = execute_step(
        prep.plan.compile, prep.files, limits, collect="/out", out_dir=True, host_uid=host_uid
    )
    elapsed = (time.monotonic() - start) * 1000
    w = outcome.watch
    if w.returncode != 0 or w.timed_out or w.output_exceeded or w.cpu_exceeded:
        return Compiled(None, outcome, elapsed, False)
    artifact = _untar(bytes(w.files_tar), max_total=limits.max_disk_mb * 1024 * 1024)
    problem = None
    if not artifact:
        problem = "compiler produced no output"
    elif (bad := _bad_artifact_name(list(artifact))) is not None:
        problem = (
            f"compiler output path {bad[:80]!r}... is too long (at most "
            f"{_MAX_PATH_BYTES} bytes, {_MAX_PART_BYTES} per name); use shorter names"
        )
    if problem:
        outcome.watch.stderr += f"\n{problem}".encode()
        return Compiled(None, outcome, elapsed, False)
    cache.store(prep.language, key, artifact, prep.toolchain)
    return Compiled(artifact, None, elapsed, False)


def _collected(tar_bytes: bytes, inputs: dict[str, str]) -> dict[str, str]:
    """Files the program wrote (new or changed), as text, size-capped in total."""
    found = {}
    for name, data in _untar(tar_bytes, max_total=_MAX_COLLECT_BYTES).items():
        text = data.decode("utf-8", errors="replace")
        if inputs.get(name) != text:
            found[name] = text
    return found


def to_result(
    prep: Prepared, outcome: StepOutcome, *, report: str | None, collect: bool
) -> SandboxResult:
    """Turn what the parent observed into the public result."""
    w = outcome.watch
    rc = w.returncode
    signal = None
    exit_code = rc
    if rc is not None and rc < 0:
        signal, exit_code = -rc, None
    elif rc is not None and rc > 128:
        signal = rc - 128  # bwrap reports a signal death as 128 + signal, like a shell
    if w.timed_out or w.cpu_exceeded or signal == 24:
        status = "timeout"
    elif w.output_exceeded:
        status = "output_limit"
    elif outcome.oom:
        status = "memory_limit"
    elif w.cancelled:
        status = "killed"
    elif outcome.setup_failed:
        # bwrap or its wrapper failed before the program ran (e.g. "Can't fork for
        # pid 1" when max_processes leaves no room for bwrap itself): no exit code
        # of the program to report; bwrap's message stays in stderr.
        status = "internal_error"
        exit_code = signal = None
    elif rc == 0:
        status = "ok"
    elif signal == 9:
        status = "killed"
    else:
        status = "runtime_error"
    stdout = w.stdout.decode("utf-8", errors="replace")
    tests = parse_report(report, w.report.decode("utf-8", errors="replace"), stdout)
    return SandboxResult(
        status=status,
        exit_code=exit_code,
        signal=signal,
        stdout=stdout,
        stderr=w.stderr.decode("utf-8", errors="replace"),
        stdout_truncated=w.stdout_truncated,
        stderr_truncated=w.stderr_truncated,
        wall_ms=round(w.wall_ms, 2),
        cpu_ms=round(outcome.cpu_ms, 2),
        peak_memory_kb=outcome.peak_memory_kb,
        tests=tests,
        files=_collected(bytes(w.files_tar), prep.files) if collect else {},
        language=prep.language,
        toolchain=prep.toolchain,
        enforcement=outcome.enforcement,
    )


def _compile_error(prep: Prepared, compiled: Compiled) -> SandboxResult:
    assert compiled.failure is not None
    result = to_result(prep, compiled.failure, report=None, collect=False)
    w = compiled.failure.watch
    # tsc reports on stdout, javac and go on stderr: show both as the compiler's message.
    message = (w.stdout + w.stderr).decode("utf-8", errors="replace")
    status = "compile_error" if result.status in ("runtime_error", "ok") else result.status
    return result.model_copy(
        update={
            "status": status,
            "stdout": "",
            "stderr": message,
            "compile_ms": round(compiled.compile_ms, 2),
            "compile_cached": False,
        }
    )


def execute(
    request: SandboxRequest,
    settings: Settings,
    *,
    db: Database | None = None,
    stdin: bytes | StdinFeed | None = None,
    on_output: OutputFn | None = None,
    cancel: threading.Event | None = None,
    mounts: Sequence[DependencyMount] = (),
) -> SandboxResult:
    """The shared body of ``run_code`` and ``stream_code`` (already validated or not)."""
    check_sandbox_budget()  # issue 19: a job stops here once its caller's quota is used up
    started = time.monotonic()
    prep = prepare(request, settings, mounts)
    with gate_for(settings).slot(), run_uid(settings) as host_uid:
        try:
            result = _run_prepared(prep, request, settings, stdin, on_output, cancel, host_uid)
        except (bwrap.BwrapUnavailable, SeccompUnavailable) as exc:
            raise ToolchainMissing(str(exc), detail={"install": "bubblewrap libseccomp2"}) from exc
        except OSError as exc:  # EMFILE, ENOMEM...: everything of the run was released
            raise ComponentUnavailable(
                f"the sandbox could not start: {exc.strerror or exc}; retry later",
                detail={"errno": exc.errno},
            ) from exc
    _meter_run(result)
    if db is not None:
        retain = settings.sandbox_retain_source or request.store_source
        result.execution_id = record_execution(
            db,
            request,
            result,
            source_hash=prep.source_hash,
            retain=retain,
            duration_ms=(time.monotonic() - started) * 1000,
        )
    return result


def _meter_run(result: SandboxResult) -> None:
    """Metering hook (issue 19): the run's own measured time (run + a compile that was
    not cached) goes to whoever the caller's context charges (``devlab.actor``)."""
    compiled = 0.0 if result.compile_cached else (result.compile_ms or 0.0)
    note_sandbox_run((result.wall_ms + compiled) / 1000)


def _run_prepared(
    prep: Prepared,
    request: SandboxRequest,
    settings: Settings,
    stdin: bytes | StdinFeed | None,
    on_output: OutputFn | None,
    cancel: threading.Event | None,
    host_uid: int | None = None,
) -> SandboxResult:
    app_files: dict[str, bytes] = {}
    compile_ms, cached = None, None
    if prep.plan.compile is not None:
        compiled = compile_cached(prep, settings, request.mode, host_uid)
        if compiled.failure is not None:
            return _compile_error(prep, compiled)
        assert compiled.artifact is not None
        app_files = compiled.artifact
        compile_ms, cached = round(compiled.compile_ms, 2), compiled.cached
    feed = stdin if stdin is not None else request.stdin.encode()
    outcome = execute_step(
        prep.plan.run,
        prep.files,
        prep.limits,
        stdin=feed,
        app_files=app_files,
        collect="/work" if request.collect_files else None,
        on_output=on_output,
        cancel=cancel,
        host_uid=host_uid,
    )
    result = to_result(prep, outcome, report=prep.plan.run.report, collect=request.collect_files)
    result.compile_ms, result.compile_cached = compile_ms, cached
    return result


def run_code(
    request: SandboxRequest,
    settings: Settings,
    *,
    db: Database | None = None,
    mounts: Sequence[DependencyMount] = (),
) -> SandboxResult:
    """Run ``request`` in the sandbox and return its result; records it when ``db`` is given.

    ``mounts``: read-only dependency trees (the Testing Lab's environment cache).

    >>> run_code(SandboxRequest(language="python", code="print(6 * 7)"), settings).stdout
    '42\\n'
    """
    return execute(request, settings, db=db, mounts=mounts)


__all__ = ["enforcement", "execute", "prepare", "run_code", "supported_languages"]
