"""The bubblewrap command line: a template built once, plus a cheap per-run part.

Inside every sandbox:
- new user, pid, ipc, uts, net (loopback only), cgroup and mount namespaces,
  further user namespaces disabled, all capabilities dropped, uid/gid 65534;
- ``/usr`` (and the merged-usr links ``/bin``, ``/lib``...) read-only, plus only
  the pieces of ``/etc`` toolchains read (``/etc/alternatives``, the JDK's
  config, ``ld.so.cache``); ``passwd``/``group``/``hosts`` are synthetic, so
  ``/etc/shadow``, ``/root``, ``/home`` and ``DEVLAB_HOME`` are simply absent;
- a fresh ``/proc`` for the new pid namespace and a minimal ``/dev``;
- ONE size-capped tmpfs per run (``Limits.max_disk_mb``) holding the working
  directory ``/work``, ``/tmp``, ``/dev/shm`` (and a compile step's ``/out``), so
  the cap is a total across every writable place; everything else, the root
  included, is read-only (see ``scratch_args``);
- the seccomp filter from ``seccomp.py``; ``--new-session``, ``--die-with-parent``;
- ``--as-pid-1``: the program itself is pid 1 of its pid namespace, with no
  bwrap init beside it. bwrap's init was a process of the sandbox's own uid,
  dumpable, holding the eventfd its exit status travelled on: a program could
  write its code through ``/proc/1/mem`` and report any exit code it liked
  (tested). Now the only process outside the program's own tree is bwrap's
  host-side parent, in no namespace of the sandbox, and the exit status is the
  kernel's ``waitpid`` of the program, reported on ``--json-status-fd`` (held
  by DevLab) and as bwrap's own exit code. It also leaves no zombie behind, so
  the run's cgroups can be reused. As pid 1 the program ignores signals it
  sends itself without a handler (``kill -TERM $$``), like any container's
  first process; kernel signals (SIGSEGV) and the host's SIGKILL still kill it.

When DevLab runs as root the sandbox is started as the unprivileged host user
65534 too (``setpriv``), so even the host sees a nobody process, never root.
Nothing of DEVLAB_HOME is bound: sources arrive as memfds copied into the
tmpfs, a compile step's output leaves as a tar stream over a pipe, and a cached
artifact is copied back into a read-only tmpfs at ``/app``. Helper packages
from DevLab's environment (pytest, duckdb) are bound read-only, from a staged
copy when their real path is not traversable by the unprivileged user.

Joining the run's cgroups and setting rlimits happens in a tiny ``/bin/sh``
wrapper that then ``exec``s bwrap: no extra process stays around and no
process of the run ever exists outside its cgroups.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SANDBOX_UID = 65534
WORK = "/work"
# DevLab's own wrapper shell inside the sandbox (see ``_wrapper_shell``).
WRAPPER_SH = "/.devlab-sh"
STDIN_MAX_PIPE = 65536
# The per-run tmpfs is first mounted at /work; these directories on it become
# /work, /tmp, /dev/shm and /out, and the last bind covers it, so they are unreachable.
SCRATCH = f"{WORK}/.devlab-scratch"
SCRATCH_PLACES = {"tmp": "/tmp", "shm": "/dev/shm", "out": "/out", "work": WORK}
# bwrap resolves a bind source on the host (realpath), except that --bind-try keeps
# a source that does not exist there verbatim; it then mounts it as /oldroot/<source>,
# so "/../newroot/..." names the sandbox's own new root: a path *inside* the sandbox.
# (bwrap's layout: pivot_root onto a tmpfs holding /newroot and /oldroot.)
_INSIDE = "/../newroot"

_ETC_SYSTEM = (
    "/etc/alternatives",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/java-17-openjdk",
    "/etc/ssl/certs/java",
    "/etc/mime.types",
)
_ETC_SYNTHETIC = {
    "passwd": "root:x:0:0:root:/root:/usr/sbin/nologin\n"
    "nobody:x:65534:65534:nobody:/tmp:/usr/sbin/nologin\n",
    "group": "root:x:0:\nnogroup:x:65534:\n",
    "hosts": "127.0.0.1 localhost sandbox\n::1 localhost ip6-localhost\n",
    "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
    "hostname": "sandbox\n",
}
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "USER": "nobody",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
}


class BwrapUnavailable(RuntimeError):
    """bubblewrap is missing or too old."""


@dataclass
class Template:
    """The parts of the command line that never change within a process."""

    bwrap: str
    prefix: list[str]  # setpriv ... when root
    args: list[str]
    etc_dir: str  # kept for callers; empty: /etc's synthetic files are memfds now
    version: str
    json_status: bool = True  # --json-status-fd (tells setup failures from the program's)


@functools.lru_cache(maxsize=1)
def template() -> Template:
    """Build (once) the static bwrap arguments and the synthetic /etc files."""
    bwrap = shutil.which("bwrap") or ("/usr/bin/bwrap" if Path("/usr/bin/bwrap").exists() else "")
    if not bwrap:
        raise BwrapUnavailable(
            "bubblewrap (bwrap) is not installed; install the Debian package bubblewrap"
        )
    out = subprocess.run([bwrap, "--version"], capture_output=True, text=True, check=False)
    help_text = subprocess.run([bwrap, "--help"], capture_output=True, text=True, check=False)
    if "--size" not in help_text.stdout or "--ro-bind-fd" not in help_text.stdout:
        raise BwrapUnavailable("bubblewrap >= 0.8 is needed (for --size and --ro-bind-fd)")
    if os.path.lexists("/newroot"):
        # A host /newroot would let the "/../newroot/..." bind sources below resolve
        # on the host instead of inside the sandbox.
        raise BwrapUnavailable(
            "the host has a /newroot, which the sandbox's mount layout relies on not "
            "existing; remove or rename it"
        )
    etc_dir = ""  # the synthetic /etc files now come from memfds (see ``_masks``)
    args = ["--unshare-all", "--unshare-user"]
    if "--disable-userns" in help_text.stdout:
        args.append("--disable-userns")
    if "--as-pid-1" in help_text.stdout:
        args.append("--as-pid-1")
    args += [
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    for link in ("bin", "lib", "lib32", "lib64", "libx32", "sbin"):
        target = Path("/") / link
        if target.is_symlink():
            args += ["--symlink", os.readlink(target), f"/{link}"]
        elif target.is_dir():
            args += ["--ro-bind", str(target), f"/{link}"]
    for path in _ETC_SYSTEM:
        args += ["--ro-bind-try", path, path]
    # /etc/localtime is a symlink into /usr/share/zoneinfo on Debian: a symlink
    # inside too (no mount), else a bind of the file itself.
    if os.path.islink("/etc/localtime") and os.readlink("/etc/localtime").startswith("/usr/"):
        args += ["--symlink", os.readlink("/etc/localtime"), "/etc/localtime"]
    else:
        args += ["--ro-bind-try", "/etc/localtime", "/etc/localtime"]
    # /dev read-only (device nodes still work); /dev/shm is bound from the run's tmpfs.
    args += ["--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev", "--clearenv"]
    prefix: list[str] = []
    if os.geteuid() == 0 and shutil.which("setpriv"):
        prefix = [
            shutil.which("setpriv") or "setpriv",
            f"--reuid={SANDBOX_UID}",
            f"--regid={SANDBOX_UID}",
            "--clear-groups",
            "--",
        ]
    version = (out.stdout or out.stderr).strip()
    return Template(
        bwrap=bwrap,
        prefix=prefix,
        args=args,
        etc_dir=etc_dir,
        version=version,
        json_status="--json-status-fd" in help_text.stdout,
    )


# Files laid over the read-only /usr and the fresh /proc with neutral content, each
# from a memfd (``--ro-bind-data``) so no host path shows in the sandbox's mountinfo:
# the kernel command line and npm's global config (which can name host paths/tokens).
_MASKED = {"/proc/cmdline": "sandbox\n"}
_MASK_IF_PRESENT = ("/usr/local/etc/npmrc", "/usr/etc/npmrc")


def _masks() -> dict[str, str]:
    masks = dict(_MASKED)
    masks.update({path: "" for path in _MASK_IF_PRESENT if os.path.isfile(path)})
    return masks


@functools.lru_cache(maxsize=1)
def _wrapper_shell() -> bytes:
    """The host's /bin/sh, placed at ``WRAPPER_SH`` with mode 0111 when a run's
    command uses it. Exec'ing a file its user cannot read makes the kernel mark
    the process non-dumpable: no process of the sandbox's uid can then open its
    /proc/PID/mem or /proc/PID/fd (the root is read-only, so no chmod)."""
    return Path(os.path.realpath("/bin/sh")).read_bytes()


def _etc_files() -> dict[str, str]:
    """The synthetic /etc files: plain files on the sandbox's root tmpfs (``--file``),
    read-only once the root is remounted read-only. Not mounts: each bind costs
    bwrap a full read of /proc/self/mountinfo, and they show nowhere."""
    return {f"/etc/{name}": text for name, text in _ETC_SYNTHETIC.items()}


@dataclass
class RunSpec:
    """Everything that differs between runs."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # relative to /work
    app_files: dict[str, bytes] = field(default_factory=dict)  # relative to /app (read-only)
    out_dir: bool = False  # a writable /out (on the run's tmpfs) for a compile step
    binds: list[tuple[str, str, bool]] = field(default_factory=list)  # host, dest, writable
    disk_mb: int = 128  # the one tmpfs shared by /work, /tmp, /dev/shm (and /out)
    report_fd: bool = False
    files_fd: bool = False
    host_uid: int | None = None  # the run's own host uid (root only; see uids.py)


@dataclass
class Spawned:
    proc: subprocess.Popen[bytes]
    stdout: int
    stderr: int
    stdin: int
    report: int | None
    files: int | None
    status: int | None = None  # memfd bwrap writes its --json-status-fd lines into

    def program_started(self) -> bool:
        """Whether the sandboxed command was actually exec'd (call after bwrap exited).

        bwrap reports ``{"exit-code": N}`` on its status fd only when its setup
        finished and the command was started; without it, the sandbox machinery
        itself failed (the wrapper, ``Can't fork``, a mount...). The fd is
        close-on-exec inside bwrap, so the sandboxed program cannot write to it.
        """
        if self.status is None:
            return True
        try:
            os.lseek(self.status, 0, os.SEEK_SET)
            text = os.read(self.status, 65536).decode("utf-8", errors="replace")
        except OSError:
            return True
        return '"exit-code"' in text

    def close_status(self) -> None:
        if self.status is not None:
            with contextlib.suppress(OSError):
                os.close(self.status)
            self.status = None


def scratch_args(disk_mb: int, *, out_dir: bool = False) -> list[str]:
    """bwrap arguments for the run's writable places: one tmpfs of ``disk_mb``.

    Separate tmpfs mounts would each get the full size; bind mounts of
    directories of a single tmpfs share it, so ``disk_mb`` caps the total.
    The final bind of ``work`` over ``/work`` hides the other directories.
    Must come before anything is placed under ``/work``.
    """
    places = [name for name in SCRATCH_PLACES if out_dir or name != "out"]
    args = ["--size", str(disk_mb * 1024 * 1024), "--tmpfs", WORK]
    for name in places:
        args += ["--dir", f"{SCRATCH}/{name}"]
    for name in places:  # "work" last: it covers the tmpfs's root at /work
        args += ["--bind-try", f"{_INSIDE}{SCRATCH}/{name}", SCRATCH_PLACES[name]]
    return args


def _side_pipe(child_end: int = 1, uid: int = SANDBOX_UID) -> tuple[int, int]:
    """A pipe the sandbox user may reopen (/dev/stdin, /proc/self/fd/N): pipe inodes
    are 0600 and owned by their creator, so hand the child's end to uid 65534."""
    fds = os.pipe()
    if os.geteuid() == 0:
        try:
            os.fchown(fds[child_end], uid, uid)
        except BaseException:
            _close_all(list(fds))
            raise
    return fds


def wrapper_script(procs_files: list[str], ulimits: dict[str, int]) -> str:
    """The ``sh -c`` text that joins cgroups, sets rlimits and execs bwrap.

    ``0`` names the writer itself (``cgroups.Cgroup.join_files`` says why the
    files are v1's ``tasks``)."""
    steps = [f"echo 0 > {shlex.quote(p)}" for p in procs_files]
    steps += [f"ulimit -{flag} {value}" for flag, value in ulimits.items()]
    steps.append('exec "$@"')
    return " && ".join(steps)


def _layout(spec: RunSpec, owned: list[int]) -> list[str]:
    """The per-run arguments: scratch, files (one memfd each), binds, environment.

    Every fd opened here is appended to ``owned`` *as soon as it exists*, so the
    caller can close all of them on any error, EMFILE half-way included.
    """
    args = scratch_args(spec.disk_mb, out_dir=spec.out_dir)
    if spec.app_files:
        size = sum(len(d) for d in spec.app_files.values()) + 1024 * 1024
        args += ["--size", str(size), "--tmpfs", "/app"]
    made: set[str] = {WORK, "/app"}
    placed = [(f"{WORK}/{rel}", data, "0644") for rel, data in spec.files.items()]
    placed += [(f"/app/{rel}", data, "0755") for rel, data in spec.app_files.items()]
    for dest, data, perms in placed:
        parent = os.path.dirname(dest)
        chain = []
        while parent not in made:
            chain.append(parent)
            made.add(parent)
            parent = os.path.dirname(parent)
        for d in reversed(chain):
            args += ["--dir", d]
        fd = os.memfd_create("src", os.MFD_CLOEXEC)
        owned.append(fd)
        _fill(fd, data)
        args += ["--perms", perms, "--file", str(fd), dest]
    if spec.app_files:
        args += ["--remount-ro", "/app"]
    for host, dest, writable in spec.binds:
        fd = os.open(host, os.O_PATH | os.O_CLOEXEC)
        owned.append(fd)
        args += ["--bind-fd" if writable else "--ro-bind-fd", str(fd), dest]
    if WRAPPER_SH in spec.argv[:1]:
        fd = os.memfd_create("sh", os.MFD_CLOEXEC)
        owned.append(fd)
        _fill(fd, _wrapper_shell())
        args += ["--perms", "0111", "--file", str(fd), WRAPPER_SH]
    for dest, text in _etc_files().items():
        fd = os.memfd_create("etc", os.MFD_CLOEXEC)
        owned.append(fd)
        _fill(fd, text.encode())
        args += ["--perms", "0444", "--file", str(fd), dest]
    for dest, text in _masks().items():
        fd = os.memfd_create("mask", os.MFD_CLOEXEC)
        owned.append(fd)
        _fill(fd, text.encode())
        args += ["--perms", "0444", "--ro-bind-data", str(fd), dest]
    return args


def spawn(
    spec: RunSpec,
    *,
    seccomp_fd: int | None,
    procs_files: list[str],
    ulimits: dict[str, int],
) -> Spawned:
    """Start the sandbox; the caller watches it (``process.watch_process``).

    Owns ``seccomp_fd`` from the call on: it is closed here whatever happens.
    On any error every fd this function opened is closed before it re-raises.
    """
    tpl = template()
    host_uid = spec.host_uid if spec.host_uid is not None else SANDBOX_UID
    prefix = tpl.prefix
    if prefix:  # root: drop to the run's own unprivileged uid before bwrap
        prefix = [prefix[0], f"--reuid={host_uid}", f"--regid={host_uid}", *prefix[3:]]
    owned: list[int] = [] if seccomp_fd is None else [seccomp_fd]  # closed after the spawn
    child_ends: list[int] = []
    parent_ends: list[int] = []  # handed to the caller on success, closed on failure
    status_fd = None
    try:
        args = _options(tpl, spec, owned, seccomp_fd)
        if tpl.json_status:
            status_fd = os.memfd_create("bwrap-status", os.MFD_CLOEXEC)
            parent_ends.append(status_fd)
            args += ["--json-status-fd", str(status_fd)]
        # The root tmpfs (and /etc, a plain directory on it) becomes read-only, so
        # the only writable places are the directories of the run's one capped tmpfs.
        args += ["--remount-ro", "/", "--chdir", WORK, "--", *spec.argv]

        def pipe(child_end: int = 1) -> int:
            fds = _side_pipe(child_end, host_uid)
            child_ends.append(fds[child_end])
            parent_ends.append(fds[1 - child_end])
            return fds[1 - child_end]

        stdin_w = pipe(child_end=0)
        stdin_r = child_ends[-1]
        out_r, out_w = pipe(), child_ends[-1]
        err_r, err_w = pipe(), child_ends[-1]
        report_r = files_r = None
        pass_fds = [*owned, *([status_fd] if status_fd is not None else [])]
        # Side channels keep their fd number through sh, setpriv and bwrap; the
        # command names them as /proc/self/fd/N through the {REPORT}/{FILES} tokens.
        tokens: dict[str, str] = {}
        if spec.report_fd:
            report_r = pipe()
            pass_fds.append(child_ends[-1])
            tokens["{REPORT}"] = str(child_ends[-1])
        if spec.files_fd:
            files_r = pipe()
            pass_fds.append(child_ends[-1])
            tokens["{FILES}"] = str(child_ends[-1])
        if tokens:
            args = _substitute(args, tokens)
        # Options travel in a memfd (``--args``): bwrap's pid 1 inside keeps its
        # command line (/proc/1/cmdline), which then shows no host path.
        cut = args.index("--")
        options_fd = os.memfd_create("bwrap-args", os.MFD_CLOEXEC)
        owned.append(options_fd)
        pass_fds.append(options_fd)
        _fill(options_fd, b"".join(a.encode() + b"\0" for a in args[:cut]))
        script = wrapper_script(procs_files, ulimits)
        argv = ["/bin/sh", "-c", script, "sh", *prefix, tpl.bwrap, "--args", str(options_fd)]
        proc = _popen([*argv, *args[cut:]], stdin_r, out_w, err_w, pass_fds)
    except BaseException:
        _close_all(parent_ends)
        raise
    finally:
        _close_all(owned + child_ends)
    return Spawned(proc, out_r, err_r, stdin_w, report_r, files_r, status_fd)


def _options(tpl: Template, spec: RunSpec, owned: list[int], seccomp_fd: int | None) -> list[str]:
    """bwrap's options up to the status fd: the template's, the layout (whose fds it
    adds to ``owned``), the seccomp filter and the run's environment."""
    args = list(tpl.args) + _layout(spec, owned)
    if seccomp_fd is not None:
        args += ["--seccomp", str(seccomp_fd)]
    env = {**BASE_ENV, **spec.env}
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args


def _substitute(args: list[str], tokens: dict[str, str]) -> list[str]:
    """``args`` with the {REPORT}/{FILES} tokens replaced in the command (after ``--``)."""
    cut = args.index("--")
    tail = []
    for arg in args[cut:]:
        for token, value in tokens.items():
            arg = arg.replace(token, value)
        tail.append(arg)
    return args[:cut] + tail


def _popen(
    argv: list[str], stdin_r: int, out_w: int, err_w: int, pass_fds: list[int]
) -> subprocess.Popen[bytes]:
    """Start ``argv`` in a session of its own with only ``pass_fds`` beside stdio."""
    return subprocess.Popen(
        argv,
        stdin=stdin_r,
        stdout=out_w,
        stderr=err_w,
        pass_fds=pass_fds,
        close_fds=True,
        start_new_session=True,
        # bwrap's own pid 1 inside keeps this environment (readable as
        # /proc/1/environ): give it nothing of the host's, not even its
        # cwd (the shell exports PWD).
        env={"PATH": "/usr/bin:/bin"},
        cwd="/",
    )


def _fill(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]
    os.lseek(fd, 0, os.SEEK_SET)


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


__all__ = [
    "BASE_ENV",
    "WORK",
    "BwrapUnavailable",
    "RunSpec",
    "Spawned",
    "scratch_args",
    "spawn",
    "template",
]
