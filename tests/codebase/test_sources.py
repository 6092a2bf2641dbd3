"""Getting a codebase onto disk: directories, git (local and cloned) and safe zips."""

from __future__ import annotations

import io
import os
import re
import socket
import stat
import struct
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from devlab.codebase import sources
from devlab.codebase.sources import is_git_url, materialize_source, safe_extract_zip
from devlab.config import Settings
from devlab.errors import InvalidInput, SourceUnavailable, UnsafeArchive, UnsupportedSource

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    out = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", git_timeout=30)


@pytest.fixture
def repo(tmp_path: Path) -> dict:
    """A repository with two commits: v1 (tagged, branch "old") and v2 (main)."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "app.py").write_text("VERSION = 1\n")
    (path / "old_only.py").write_text("gone = True\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "v1")
    first = git(path, "rev-parse", "HEAD")
    git(path, "tag", "v1")
    git(path, "branch", "old")
    (path / "app.py").write_text("VERSION = 2\n")
    (path / "old_only.py").unlink()
    (path / "sub").mkdir()
    (path / "sub" / "new.py").write_text("new = True\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "v2")
    return {"path": path, "first": first, "second": git(path, "rev-parse", "HEAD")}


def assert_nothing_left(dest: Path) -> None:
    assert not dest.exists()
    if dest.parent.exists():
        leftovers = [p.name for p in dest.parent.iterdir() if ".staging-" in p.name]
        assert leftovers == []


# ----------------------------------------------------------------- directories


def test_plain_directory_is_walked_in_place(tmp_path: Path, settings: Settings) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text("x = 1\n")
    dest = tmp_path / "work" / "dest"
    tree = materialize_source(str(project), dest, settings)
    assert tree.root == project.resolve()
    assert (tree.kind, tree.commit, tree.cleanup) == ("directory", None, False)
    assert not dest.exists()


def test_ref_on_a_plain_directory_is_refused(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(InvalidInput, match="needs a git repository"):
        materialize_source(str(tmp_path), tmp_path / "dest", settings, ref="main")


def test_missing_path_and_non_zip_file(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(
        InvalidInput, match=re.escape("does not exist: give a directory, a .zip file")
    ):
        materialize_source(str(tmp_path / "nope"), tmp_path / "dest", settings)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(UnsupportedSource, match=re.escape("not a .zip archive")):
        materialize_source(str(text), tmp_path / "dest", settings)
    with pytest.raises(InvalidInput, match="no source given"):
        materialize_source("  ", tmp_path / "dest", settings)
    with pytest.raises(UnsupportedSource, match="download it"):
        materialize_source("https://example.com/code.zip", tmp_path / "dest", settings)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("https://github.com/pallets/flask.git", True),
        ("https://github.com/pallets/flask", True),
        ("http://host/x.git", True),
        ("git://host/x.git", True),
        ("ssh://git@host:22/x.git", True),
        ("file:///srv/git/x.git", True),
        ("git@github.com:pallets/flask.git", True),
        ("https://example.com/code.zip", False),
        ("/home/me/project", False),
        ("project.zip", False),
        ("C:\\code\\project", False),
        ("ext::sh -c touch% /tmp/pwned", False),
    ],
)
def test_is_git_url(source: str, expected: bool) -> None:
    assert is_git_url(source) is expected


# ----------------------------------------------------------------- local git


def test_git_directory_without_ref_is_walked_in_place(repo: dict, settings: Settings) -> None:
    tree = materialize_source(str(repo["path"]), repo["path"].parent / "dest", settings)
    assert tree.root == repo["path"].resolve()
    assert (tree.kind, tree.commit, tree.ref, tree.cleanup) == (
        "git-local",
        repo["second"],
        "main",
        False,
    )


@pytest.mark.parametrize("ref_key", ["sha", "branch", "tag"])
def test_git_directory_at_an_old_ref(repo: dict, settings: Settings, ref_key: str) -> None:
    ref = {"sha": repo["first"], "branch": "old", "tag": "v1"}[ref_key]
    dest = repo["path"].parent / "work" / "dest"
    tree = materialize_source(str(repo["path"]), dest, settings, ref=ref)
    assert (tree.kind, tree.commit, tree.ref, tree.cleanup) == (
        "git-local",
        repo["first"],
        ref,
        True,
    )
    assert tree.root == dest
    assert (dest / "app.py").read_text() == "VERSION = 1\n"
    assert (dest / "old_only.py").exists()
    assert not (dest / "sub").exists()
    assert not (dest / ".git").exists()
    # the user's checkout is untouched: same HEAD, clean status, v2 on disk
    assert git(repo["path"], "rev-parse", "HEAD") == repo["second"]
    assert git(repo["path"], "status", "--porcelain") == ""
    assert (repo["path"] / "app.py").read_text() == "VERSION = 2\n"


def test_subdirectory_of_a_repo_at_a_ref(repo: dict, settings: Settings) -> None:
    dest = repo["path"].parent / "dest"
    tree = materialize_source(str(repo["path"] / "sub"), dest, settings, ref="main")
    assert sorted(p.name for p in dest.iterdir()) == ["new.py"]
    assert tree.commit == repo["second"]


def test_unknown_local_ref(repo: dict, settings: Settings) -> None:
    dest = repo["path"].parent / "dest"
    with pytest.raises(SourceUnavailable, match="unknown ref 'no-such-branch'"):
        materialize_source(str(repo["path"]), dest, settings, ref="no-such-branch")
    assert_nothing_left(dest)


@pytest.mark.parametrize("ref", ["--output=/tmp/x", "a b", "x;rm -rf /", "-n"])
def test_refs_that_could_be_options_are_refused(repo: dict, settings: Settings, ref: str) -> None:
    with pytest.raises(InvalidInput, match="invalid git ref"):
        materialize_source(str(repo["path"]), repo["path"].parent / "dest", settings, ref=ref)


# ----------------------------------------------------------------- remote git


def test_clone_file_url_shallow(repo: dict, settings: Settings) -> None:
    dest = repo["path"].parent / "work" / "clone"
    tree = materialize_source(f"file://{repo['path']}", dest, settings)
    assert (tree.kind, tree.commit, tree.ref, tree.cleanup) == (
        "git-remote",
        repo["second"],
        None,
        True,
    )
    assert tree.root == dest
    assert (dest / "app.py").read_text() == "VERSION = 2\n"
    assert git(dest, "rev-list", "--count", "HEAD") == "1"  # shallow


@pytest.mark.parametrize("ref_key", ["tag", "branch", "sha"])
def test_clone_file_url_at_a_ref(repo: dict, settings: Settings, ref_key: str) -> None:
    ref = {"sha": repo["first"], "branch": "old", "tag": "v1"}[ref_key]
    dest = repo["path"].parent / "clone"
    tree = materialize_source(f"file://{repo['path']}", dest, settings, ref=ref)
    assert tree.commit == repo["first"]
    assert (dest / "app.py").read_text() == "VERSION = 1\n"


def test_clone_unknown_ref(repo: dict, settings: Settings) -> None:
    dest = repo["path"].parent / "clone"
    with pytest.raises(SourceUnavailable, match="unknown ref 'nope'"):
        materialize_source(f"file://{repo['path']}", dest, settings, ref="nope")
    assert_nothing_left(dest)


def test_unreachable_remote_fails_fast_and_masks_credentials(
    tmp_path: Path, settings: Settings
) -> None:
    dest = tmp_path / "clone"
    started = time.monotonic()
    with pytest.raises(SourceUnavailable) as info:
        materialize_source("http://alice:hunter2@127.0.0.1:9/nothing.git", dest, settings)
    assert time.monotonic() - started < 15
    assert "hunter2" not in info.value.message and "alice" not in info.value.message
    assert "***@127.0.0.1:9" in info.value.message
    assert_nothing_left(dest)


@pytest.mark.slow
def test_clone_timeout_kills_git(tmp_path: Path) -> None:
    """A server that accepts the connection and never answers: git_timeout ends it."""
    settings = Settings(home=tmp_path / "home", git_timeout=1)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(SourceUnavailable, match="git_timeout"):
            materialize_source(f"http://127.0.0.1:{port}/x.git", tmp_path / "clone", settings)
        assert time.monotonic() - started < 10
    assert_nothing_left(tmp_path / "clone")


# ----------------------------------------------------------------- zip


def make_zip(path: Path, members: dict[str, bytes], **kwargs) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, **kwargs) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def add_symlink(path: Path, name: str, target: str) -> None:
    with zipfile.ZipFile(path, "a") as zf:
        info = zipfile.ZipInfo(name)
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, target)


def test_zip_with_single_top_directory(tmp_path: Path, settings: Settings) -> None:
    archive = make_zip(
        tmp_path / "proj.zip",
        {
            "proj/": b"",
            "proj/app.py": b"x = 1\n",
            "proj/pkg/mod.py": b"y = 2\n",
            "__MACOSX/proj/._app.py": b"\x00",
        },
    )
    dest = tmp_path / "work" / "dest"
    tree = materialize_source(str(archive), dest, settings)
    assert (tree.kind, tree.cleanup, tree.commit) == ("zip", True, None)
    assert tree.root == dest / "proj"
    assert (tree.root / "pkg" / "mod.py").read_text() == "y = 2\n"
    assert not (dest / "__MACOSX").exists()


def test_zip_with_several_top_entries(tmp_path: Path, settings: Settings) -> None:
    archive = make_zip(tmp_path / "p.zip", {"a.py": b"a\n", "b/c.py": b"c\n"})
    tree = materialize_source(str(archive), tmp_path / "dest", settings)
    assert tree.root == tmp_path / "dest"
    assert (tree.root / "b" / "c.py").read_text() == "c\n"


def test_zip_detected_by_content_without_suffix(tmp_path: Path, settings: Settings) -> None:
    archive = make_zip(tmp_path / "upload-1234", {"a.py": b"a\n"})
    tree = materialize_source(str(archive), tmp_path / "dest", settings)
    assert tree.kind == "zip"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../evil.py", "'..'"),
        ("ok/../../evil.py", "'..'"),
        ("/abs.py", "absolute path"),
        ("C:/windows/evil.py", "drive letter"),
        ("a\\..\\..\\evil.py", "backslash"),
    ],
)
def test_zip_path_traversal_is_refused(
    tmp_path: Path, settings: Settings, name: str, problem: str
) -> None:
    archive = make_zip(tmp_path / "evil.zip", {"good.py": b"x\n", name: b"boom\n"})
    dest = tmp_path / "work" / "dest"
    with pytest.raises(UnsafeArchive, match=problem):
        materialize_source(str(archive), dest, settings)
    assert_nothing_left(dest)
    assert not (tmp_path / "evil.py").exists() and not (tmp_path / "work" / "evil.py").exists()


def test_zip_symlink_escaping_is_refused(tmp_path: Path, settings: Settings) -> None:
    archive = make_zip(tmp_path / "link.zip", {"proj/a.py": b"x\n"})
    add_symlink(archive, "proj/passwd", "../../etc/passwd")
    dest = tmp_path / "dest"
    with pytest.raises(UnsafeArchive, match=re.escape("symbolic link to '../../etc/passwd'")):
        materialize_source(str(archive), dest, settings)
    assert_nothing_left(dest)


def test_zip_symlink_inside_is_skipped_not_created(tmp_path: Path, settings: Settings) -> None:
    archive = make_zip(tmp_path / "link.zip", {"proj/a.py": b"x\n"})
    add_symlink(archive, "proj/docs/alias.py", "../a.py")
    tree = materialize_source(str(archive), tmp_path / "dest", settings)
    assert tree.skipped == ("proj/docs/alias.py (symbolic link)",)
    assert not any(p.is_symlink() for p in (tmp_path / "dest").rglob("*"))


def test_zip_bomb_ratio(tmp_path: Path, settings: Settings) -> None:
    archive = make_zip(tmp_path / "bomb.zip", {"zeros.txt": bytes(8 * 1024 * 1024)})
    dest = tmp_path / "dest"
    with pytest.raises(UnsafeArchive, match="zip bomb"):
        materialize_source(str(archive), dest, settings)
    assert_nothing_left(dest)


def test_zip_too_many_members(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", zip_max_files=10)
    archive = make_zip(tmp_path / "many.zip", {f"f{i}.py": b"x\n" for i in range(11)})
    with pytest.raises(UnsafeArchive, match="11 members, more than the 10"):
        materialize_source(str(archive), tmp_path / "dest", settings)
    assert_nothing_left(tmp_path / "dest")


def test_zip_declared_total_too_big(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", zip_max_total_bytes=1000)
    archive = make_zip(tmp_path / "big.zip", {"a.py": b"a" * 600, "b.py": b"b" * 600})
    with pytest.raises(UnsafeArchive, match="zip_max_total_bytes"):
        materialize_source(str(archive), tmp_path / "dest", settings)
    assert_nothing_left(tmp_path / "dest")


def _lie_about_size(path: Path, declared: int) -> None:
    """Rewrite the uncompressed-size fields (local header and central directory)."""
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, declared)
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))


def test_zip_whose_header_lies_about_size(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", zip_max_total_bytes=10_000, zip_max_ratio=1e9)
    archive = make_zip(tmp_path / "liar.zip", {"big.py": os.urandom(50_000)})
    _lie_about_size(archive, 100)
    assert zipfile.ZipFile(archive).infolist()[0].file_size == 100
    dest = tmp_path / "dest"
    with pytest.raises(InvalidInput, match="corrupt zip archive"):
        materialize_source(str(archive), dest, settings)
    assert_nothing_left(dest)


def test_streaming_cap_counts_real_bytes(tmp_path: Path) -> None:
    out = io.BytesIO()
    with pytest.raises(UnsafeArchive, match="more bytes than its headers declare"):
        sources._copy_capped(io.BytesIO(b"x" * 200_000), out, 100_000)
    assert len(out.getvalue()) <= 100_000
    assert sources._copy_capped(io.BytesIO(b"y" * 10), io.BytesIO(), 10) == 10


def test_streaming_cap_during_extraction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even if every pre-check is fooled, the bytes written are capped."""
    settings = Settings(home=tmp_path / "home", zip_max_total_bytes=150_000)
    archive = make_zip(tmp_path / "a.zip", {"a.py": b"a" * 100_000, "b.py": b"b" * 100_000})
    real_plan = sources._plan_zip

    def fooled_plan(zf: zipfile.ZipFile, _settings: Settings):
        return real_plan(zf, Settings(home=tmp_path / "home"))

    monkeypatch.setattr(sources, "_plan_zip", fooled_plan)
    dest = tmp_path / "dest"
    with pytest.raises(UnsafeArchive, match="more bytes than"):
        safe_extract_zip(archive, dest, settings)
    assert_nothing_left(dest)


@pytest.mark.parametrize("content", [b"this is not a zip at all", b"PK\x03\x04garbage" * 10])
def test_corrupt_zip(tmp_path: Path, settings: Settings, content: bytes) -> None:
    archive = tmp_path / "broken.zip"
    archive.write_bytes(content)
    with pytest.raises(InvalidInput, match="not a readable zip archive"):
        materialize_source(str(archive), tmp_path / "dest", settings)
    assert_nothing_left(tmp_path / "dest")


def test_truncated_zip(tmp_path: Path, settings: Settings) -> None:
    archive = make_zip(tmp_path / "t.zip", {"a.py": os.urandom(5000)})
    archive.write_bytes(archive.read_bytes()[:-30])
    with pytest.raises(InvalidInput):
        materialize_source(str(archive), tmp_path / "dest", settings)
    assert_nothing_left(tmp_path / "dest")


def test_zip_refuses_a_used_destination_and_a_ref(tmp_path: Path, settings: Settings) -> None:
    archive = make_zip(tmp_path / "p.zip", {"a.py": b"a\n"})
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    with pytest.raises(InvalidInput, match="not an empty directory"):
        materialize_source(str(archive), dest, settings)
    assert (dest / "keep.txt").read_text() == "mine"
    with pytest.raises(InvalidInput, match="only applies to git"):
        materialize_source(str(archive), tmp_path / "other", settings, ref="main")
    # an existing empty directory is fine
    empty = tmp_path / "empty"
    empty.mkdir()
    assert materialize_source(str(archive), empty, settings).root == empty
