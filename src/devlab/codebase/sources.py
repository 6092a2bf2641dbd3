"""Get a codebase onto disk, safely: a directory, a .zip archive or a git repository.

``materialize_source`` is the first stage of ingestion. It answers "which
directory do I walk?" and records where the tree came from (kind, commit, ref)::

    tree = materialize_source("https://github.com/pallets/flask", work, settings, ref="3.0.0")
    files, skipped = select_files(tree.root, settings)

What each kind of source does:

* **a plain directory** is walked in place; nothing is copied.
* **a git working tree** is walked in place when no ``ref`` is asked for (its
  HEAD commit is recorded). With a ``ref`` (branch, tag, commit), the tree at
  that commit is exported into ``dest`` with a private index (``read-tree`` +
  ``checkout-index``), so the user's checkout, index and branches are never
  touched and ``export-ignore`` attributes do not hide files the way
  ``git archive`` would. A bare repository is always exported (HEAD by default).
* **a .zip file** is checked whole *before* anything is written (paths, links,
  sizes, member count, compression ratio), then extracted with the size cap
  enforced again on the bytes really written (headers can lie).
* **a git URL** (https, http, git, ssh, file, ``user@host:path``) is cloned,
  shallow when no ``ref`` is asked for, never prompting for a password.

Whatever is written goes first into a staging directory beside ``dest`` that is
renamed into place only on success: a failure leaves no half-written ``dest``.
Symbolic links are never created from an archive: a link whose target escapes
the archive is an error, a link that stays inside is skipped (listed in
``MaterializedSource.skipped``) because the walker skips links anyway.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Literal

from devlab.config import Settings
from devlab.errors import InvalidInput, SourceUnavailable, UnsafeArchive, UnsupportedSource

SourceKind = Literal["directory", "zip", "git-local", "git-remote"]

# Compression ratio is only judged for members at least this big: a small file of
# repeated spaces compresses 300:1 yet is harmless; bombs need size to hurt, and many
# small members are caught by the member-count and total-size caps.
RATIO_MIN_BYTES = 1024 * 1024
_COPY_CHUNK = 64 * 1024
# Directories macOS adds to zips it creates; never part of the project.
_ZIP_NOISE = ("__MACOSX/",)

_URL_SCHEME = re.compile(r"^(?:https?|git|ssh|file)://", re.IGNORECASE)
_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!//)[^\s]+$")
# issue 13: a match may only start where a run starts (linear, not quadratic)
_USERINFO = re.compile(r"(?i)(?<![\w+.-])([a-z][a-z0-9+.-]*://)[^/@\s]+@")
# Branch, tag or commit names git accepts, minus anything that could read as an option.
_SAFE_REF = re.compile(r"^(?!-)[A-Za-z0-9._/@{}^~+-]+$")
_SHA = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")


@dataclass(frozen=True)
class MaterializedSource:
    """A source tree on disk, ready to walk.

    ``root`` is the directory to walk. ``cleanup`` is True when this call wrote
    ``dest`` (an extracted zip, an export or a clone): the caller removes it when
    done; False means ``root`` is the user's own directory and must be left alone.
    """

    root: Path
    kind: SourceKind
    commit: str | None = None
    ref: str | None = None
    description: str = ""
    cleanup: bool = False
    skipped: tuple[str, ...] = ()  # archive members not written (links, devices)


def mask_credentials(text: str) -> str:
    """``https://user:token@host/x`` -> ``https://***@host/x`` (also inside git's messages)."""
    return _USERINFO.sub(r"\1***@", text)


def is_git_url(source: str) -> bool:
    """True for what ``git clone`` accepts as a remote: an https, http, git, ssh or
    file URL, or the scp-like ``user@host:path``. An http(s) URL of a ``.zip`` is
    not a git URL (see :func:`materialize_source`)."""
    source = source.strip()
    if _URL_SCHEME.match(source):
        return not source.lower().split("?", 1)[0].endswith(".zip")
    return bool(_SCP_LIKE.match(source))


def is_remote_source(source: str) -> bool:
    """A URL (git or not) or an scp-like ``user@host:path``: nothing on this disk."""
    text = source.strip()
    return bool(_URL_SCHEME.match(text)) or bool(_SCP_LIKE.match(text) and not Path(text).exists())


def materialize_source(
    source: str, dest: Path, settings: Settings, *, ref: str | None = None
) -> MaterializedSource:
    """Make ``source`` available as a directory tree and say where it came from.

    ``dest`` must not exist yet (or be an empty directory); it is only written
    when the source has to be extracted, exported or cloned. Errors:
    ``InvalidInput`` for a missing path or a bad ref name, ``UnsupportedSource``
    for a file that is not a zip, ``UnsafeArchive`` for a dangerous zip,
    ``SourceUnavailable`` when git cannot reach the remote or the ref does not
    exist.
    """
    source = str(source).strip()
    dest = Path(dest)
    if not source:  # Path("") is ".", which would quietly ingest the working directory
        raise InvalidInput("no source given: give a directory, a .zip file or a git URL")
    if ref is not None:
        ref = ref.strip()
        if not _SAFE_REF.match(ref):
            raise InvalidInput(
                f"invalid git ref {ref!r}: give a branch, tag or commit name "
                "(letters, digits and ._/-; not starting with '-')"
            )
    if _URL_SCHEME.match(source) and not is_git_url(source):
        raise UnsupportedSource(
            f"{mask_credentials(source)} looks like a remote archive; DevLab does not download "
            "archives: download it and give the local .zip path, or give a git URL"
        )
    if _URL_SCHEME.match(source):
        return _clone_remote(source, dest, settings, ref)
    path = Path(source).expanduser()
    if path.is_dir():
        return _local_directory(path, dest, settings, ref)
    if path.is_file():
        if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            if ref is not None:
                raise InvalidInput(f"a ref ({ref!r}) only applies to git sources, not to {path}")
            return _extract_zip_source(path, dest, settings)
        raise UnsupportedSource(
            f"{path} is a file but not a .zip archive: give a directory, a .zip file "
            "or a git URL (tar and other archive formats are not supported)"
        )
    if _SCP_LIKE.match(source):
        return _clone_remote(source, dest, settings, ref)
    raise InvalidInput(
        f"source {mask_credentials(source)} does not exist: give a directory, a .zip file "
        "or a git URL"
    )


# --------------------------------------------------------------------------- staging


def _check_dest(dest: Path) -> None:
    if dest.is_symlink() or (dest.exists() and (not dest.is_dir() or any(dest.iterdir()))):
        raise InvalidInput(
            f"destination {dest} already exists and is not an empty directory: give a new path"
        )


@contextmanager
def _staging(dest: Path) -> Iterator[Path]:
    """A fresh directory beside ``dest``, renamed to ``dest`` if the block succeeds
    and removed (with everything in it) if it fails."""
    _check_dest(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.staging-", dir=dest.parent))
    try:
        yield stage
        if dest.exists():
            dest.rmdir()  # empty, checked above
        stage.rename(dest)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


# --------------------------------------------------------------------------- zip


def _member_path(name: str) -> PurePosixPath | None:
    """The safe relative path of a zip member, or None for a directory entry/noise.

    Raises UnsafeArchive for absolute paths, drive letters, backslashes, ``..``
    components and NUL bytes: none of these has an innocent use in a source zip.
    """
    problem = None
    if "\x00" in name:
        problem = "contains a NUL byte"
    elif "\\" in name:
        problem = "contains a backslash (Windows path separators can hide '..' or drives)"
    elif name.startswith("/"):
        problem = "is an absolute path"
    elif re.match(r"^[A-Za-z]:", name):
        problem = "starts with a drive letter"
    elif ".." in name.split("/"):
        problem = "climbs out of the archive with '..'"
    if problem:
        raise UnsafeArchive(f"unsafe zip archive: member {name!r} {problem}; nothing was extracted")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or name.startswith(_ZIP_NOISE):
        return None
    return PurePosixPath(*parts)


def _unix_mode(info: zipfile.ZipInfo) -> int:
    return (info.external_attr >> 16) & 0xFFFF


def _link_escapes(member: PurePosixPath, target: str) -> bool:
    """True when a link at ``member`` pointing to ``target`` leaves the archive root."""
    if not target or target.startswith("/") or "\\" in target or re.match(r"^[A-Za-z]:", target):
        return True
    depth = len(member.parts) - 1  # directories above the link
    for part in target.split("/"):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


def _plan_zip(zf: zipfile.ZipFile, settings: Settings) -> tuple[list, list[str]]:
    """Check every member before writing anything; return (members to write, skipped)."""
    infos = zf.infolist()
    if len(infos) > settings.zip_max_files:
        raise UnsafeArchive(
            f"zip archive has {len(infos):,} members, more than the {settings.zip_max_files:,} "
            "allowed (zip_max_files): split the project or raise DEVLAB_ZIP_MAX_FILES"
        )
    total = sum(i.file_size for i in infos)
    if total > settings.zip_max_total_bytes:
        raise UnsafeArchive(
            f"zip archive would expand to {total:,} bytes, more than the "
            f"{settings.zip_max_total_bytes:,} allowed (zip_max_total_bytes)"
        )
    plan: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    skipped: list[str] = []
    for info in infos:
        rel = _member_path(info.filename)
        if rel is None:
            continue
        if info.flag_bits & 0x1:
            raise InvalidInput(
                f"zip member {info.filename!r} is encrypted: give an unencrypted archive"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_BYTES and ratio > settings.zip_max_ratio:
            raise UnsafeArchive(
                f"zip member {info.filename!r} expands {ratio:,.0f}:1 ({info.file_size:,} bytes "
                f"from {info.compress_size:,}), more than the {settings.zip_max_ratio:g}:1 allowed "
                "(zip_max_ratio): this looks like a zip bomb"
            )
        mode = _unix_mode(info)
        if stat.S_ISLNK(mode):
            with zf.open(info) as link:
                target = link.read(4096).decode("utf-8", errors="replace")
            if _link_escapes(rel, target):
                raise UnsafeArchive(
                    f"unsafe zip archive: member {info.filename!r} is a symbolic link to "
                    f"{target!r}, outside the archive; nothing was extracted"
                )
            skipped.append(f"{rel} (symbolic link)")
        elif stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            skipped.append(f"{rel} (special file)")
        elif not info.is_dir():
            plan.append((info, rel))
    return plan, skipped


def _copy_capped(src: IO[bytes], dst: IO[bytes], budget: int) -> int:
    """Copy ``src`` to ``dst``, raising UnsafeArchive as soon as more than ``budget``
    bytes came out; return the number copied. This is the real cap: headers can lie."""
    copied = 0
    while True:
        chunk = src.read(_COPY_CHUNK)
        if not chunk:
            return copied
        copied += len(chunk)
        if copied > budget:
            raise UnsafeArchive(
                "zip archive expands to more bytes than its headers declare (or than "
                "zip_max_total_bytes allows): extraction stopped and everything written "
                "was removed"
            )
        dst.write(chunk)


def check_zip_archive(zip_path: Path, settings: Settings) -> None:
    """Run every pre-extraction check on ``zip_path`` without writing anything, so a
    server can refuse an unsafe upload with a 4xx before it queues any work."""
    try:
        with zipfile.ZipFile(zip_path) as zf:
            _plan_zip(zf, settings)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise UnsafeArchive(f"not a readable zip archive ({exc}): give a valid .zip file") from exc


def safe_extract_zip(zip_path: Path, dest: Path, settings: Settings) -> list[str]:
    """Extract ``zip_path`` into ``dest`` (which must not exist), or raise and leave
    nothing behind. Returns the members that were not written (links, special
    files). See the module docstring for what is refused and why."""
    zip_path = Path(zip_path)
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise UnsafeArchive(
            f"{zip_path} is not a readable zip archive ({exc}): give a valid .zip file"
        ) from exc
    with zf, _staging(Path(dest)) as stage:
        try:
            plan, skipped = _plan_zip(zf, settings)
            remaining = settings.zip_max_total_bytes
            for info, rel in plan:
                target = stage.joinpath(*rel.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "xb") as out:
                    remaining -= _copy_capped(src, out, min(remaining, info.file_size))
        except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
            raise InvalidInput(
                f"{zip_path} is a corrupt zip archive ({exc}): nothing was extracted; "
                "re-create the archive"
            ) from exc
        except FileExistsError as exc:
            raise UnsafeArchive(
                f"zip archive lists {exc.filename} twice (or as both file and directory): "
                "nothing was extracted"
            ) from exc
        except OSError as exc:
            raise InvalidInput(f"cannot extract {zip_path}: {exc}; nothing was extracted") from exc
    return skipped


def _single_top_dir(root: Path) -> Path:
    """The archive's only top-level directory if it has exactly one entry that is one."""
    entries = list(root.iterdir())
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        return entries[0]
    return root


def _extract_zip_source(path: Path, dest: Path, settings: Settings) -> MaterializedSource:
    skipped = safe_extract_zip(path, dest, settings)
    return MaterializedSource(
        root=_single_top_dir(dest),
        kind="zip",
        description=f"zip archive {path.name}",
        cleanup=True,
        skipped=tuple(skipped),
    )


# --------------------------------------------------------------------------- git


# Variables that would point git at another repository, index or object store than
# the one we name; proxies, CA bundles and the like are left alone.
_GIT_LOCATION_VARS = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_PREFIX",
        "GIT_CEILING_DIRECTORIES",
        "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    }
)


def git_env() -> dict[str, str]:
    """The environment git runs with: never prompt, never be steered by the caller's
    GIT_DIR & co., only the transports we accept (no ``ext::`` command execution)."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION_VARS}
    env.update(
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        GCM_INTERACTIVE="never",
        GIT_ALLOW_PROTOCOL="file:git:http:https:ssh",
        LC_ALL="C",
    )
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    return env


def run_git(
    args: list[str],
    settings: Settings,
    *,
    cwd: Path | None = None,
    what: str,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run git with the settings' timeout; the whole process group dies on timeout
    (git's helpers, e.g. ``git-remote-https``, included)."""
    env = git_env() | (extra_env or {})
    try:
        proc = subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        raise SourceUnavailable("git is not installed: install git to ingest git sources") from exc
    try:
        out, err = proc.communicate(timeout=settings.git_timeout)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise SourceUnavailable(
            f"{what} took longer than {settings.git_timeout} s (git_timeout): check the "
            "network or raise DEVLAB_GIT_TIMEOUT"
        ) from exc
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _git_error(stderr: str) -> str:
    """The line of git's output that says what went wrong, credentials masked."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    line = (fatal or lines or ["git failed without a message"])[-1]
    return mask_credentials(line.removeprefix("fatal: ").removeprefix("error: "))


def _git_out(args: list[str], settings: Settings, cwd: Path) -> str | None:
    """stdout of a git query, or None if git said no."""
    proc = run_git(args, settings, cwd=cwd, what=f"git {args[0]}")
    return proc.stdout.strip() if proc.returncode == 0 else None


def _resolve_commit(repo: Path, ref: str, settings: Settings, *, remote: bool) -> str | None:
    """The commit sha ``ref`` names in ``repo`` (branches of a fresh clone live
    under ``origin/``), or None."""
    candidates = [ref, f"origin/{ref}", f"refs/tags/{ref}"] if remote else [ref]
    for name in candidates:
        sha = _git_out(
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}"],
            settings,
            repo,
        )
        if sha and _SHA.match(sha):
            return sha
    return None


def _head_commit(repo: Path, settings: Settings) -> str | None:
    sha = _git_out(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], settings, repo)
    return sha if sha and _SHA.match(sha) else None


def _export_tree(git_dir: Path, treeish: str, stage: Path, settings: Settings) -> None:
    """Write the files of ``treeish`` into ``stage`` through a throwaway index, so
    the repository's own index, work tree and refs are untouched."""
    with tempfile.TemporaryDirectory(prefix="devlab-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        base = [f"--git-dir={git_dir}", f"--work-tree={stage}"]
        for args in (["read-tree", treeish], ["checkout-index", "--all", "--force"]):
            proc = run_git([*base, *args], settings, cwd=stage, what="git export", extra_env=env)
            if proc.returncode != 0:
                raise SourceUnavailable(f"cannot export {treeish}: {_git_error(proc.stderr)}")


def _local_directory(
    path: Path, dest: Path, settings: Settings, ref: str | None
) -> MaterializedSource:
    path = path.resolve()
    probe = run_git(
        ["rev-parse", "--is-inside-git-dir", "--absolute-git-dir", "--show-prefix"],
        settings,
        cwd=path,
        what="git rev-parse",
    )
    if "dubious ownership" in probe.stderr:
        raise SourceUnavailable(
            f"git refuses {path}: it belongs to another user; mark it safe with "
            f"`git config --global --add safe.directory {path}` or give a copy"
        )
    info = probe.stdout.strip() if probe.returncode == 0 else None
    if info is None:  # not a repository: a plain directory
        if ref is not None:
            raise InvalidInput(
                f"a ref ({ref!r}) needs a git repository, but {path} is a plain directory: "
                "drop the ref or give the repository"
            )
        return MaterializedSource(root=path, kind="directory", description=f"directory {path}")
    # Inside the git dir (a bare repository, or someone gave ".git"): there is no
    # work tree to walk, so HEAD is exported instead.
    in_git_dir, git_dir, prefix = [*info.splitlines(), "", ""][:3]
    if ref is None and in_git_dir != "true":
        commit = _head_commit(path, settings)
        branch = _git_out(["symbolic-ref", "--quiet", "--short", "HEAD"], settings, path)
        where = f"{branch} at {commit[:12]}" if branch and commit else (commit or "no commits")
        return MaterializedSource(
            root=path,
            kind="git-local",
            commit=commit,
            ref=branch,
            description=f"git working tree {path} ({where}; uncommitted changes included)",
        )
    wanted = ref or "HEAD"
    commit = _resolve_commit(path, wanted, settings, remote=False)
    if commit is None:
        raise SourceUnavailable(
            f"unknown ref {wanted!r} in {path}: give a branch, tag or commit that exists "
            "(see `git branch -a` and `git tag`)"
        )
    with _staging(dest) as stage:
        _export_tree(Path(git_dir), f"{commit}:{prefix}" if prefix else commit, stage, settings)
    return MaterializedSource(
        root=dest,
        kind="git-local",
        commit=commit,
        ref=ref,
        description=f"git repository {path} at {wanted} ({commit[:12]})",
        cleanup=True,
    )


def _clone_remote(url: str, dest: Path, settings: Settings, ref: str | None) -> MaterializedSource:
    shown = mask_credentials(url)
    with _staging(dest) as stage:
        target = stage  # git clone accepts an existing empty directory
        if ref is None:
            args = [
                "clone",
                "--quiet",
                "--depth",
                "1",
                "--no-recurse-submodules",
                "--",
                url,
                str(target),
            ]
        else:  # try the cheap clone first: works when the ref is a branch or tag
            args = [
                "clone",
                "--quiet",
                "--depth",
                "1",
                "--branch",
                ref,
                "--no-recurse-submodules",
                "--",
                url,
                str(target),
            ]
        proc = run_git(args, settings, what=f"git clone of {shown}")
        if proc.returncode != 0 and ref is not None and "not found in upstream" in proc.stderr:
            shutil.rmtree(target, ignore_errors=True)
            proc = run_git(
                [
                    "clone",
                    "--quiet",
                    "--no-checkout",
                    "--no-recurse-submodules",
                    "--",
                    url,
                    str(target),
                ],
                settings,
                what=f"git clone of {shown}",
            )
        if proc.returncode != 0:
            raise SourceUnavailable(f"cannot clone {shown}: {_git_error(proc.stderr)}")
        commit = _head_commit(target, settings)
        if ref is not None:
            commit = _resolve_commit(target, ref, settings, remote=True)
            if commit is None:
                raise SourceUnavailable(
                    f"unknown ref {ref!r} in {shown}: give a branch, tag or commit that exists"
                )
            proc = run_git(
                ["checkout", "--quiet", "--detach", commit],
                settings,
                cwd=target,
                what=f"git checkout of {ref}",
            )
            if proc.returncode != 0:
                raise SourceUnavailable(f"cannot check out {ref!r}: {_git_error(proc.stderr)}")
    at = f" at {ref}" if ref else ""
    return MaterializedSource(
        root=dest,
        kind="git-remote",
        commit=commit,
        ref=ref,
        description=f"git clone of {shown}{at}" + (f" ({commit[:12]})" if commit else ""),
        cleanup=True,
    )


__all__ = [
    "MaterializedSource",
    "SourceKind",
    "check_zip_archive",
    "git_env",
    "is_git_url",
    "is_remote_source",
    "mask_credentials",
    "materialize_source",
    "run_git",
    "safe_extract_zip",
]
