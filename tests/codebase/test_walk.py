"""File selection: every file is either taken or skipped with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devlab.codebase import walk
from devlab.codebase.walk import select_files
from devlab.config import Settings


def write(root: Path, rel: str, content: str | bytes = "x = 1\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", max_file_bytes=20_000)


def reasons(root: Path, settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    files, skipped = select_files(root, settings)
    return {f.path: f.language for f in files}, {s.path: s.reason for s in skipped}


def test_source_files_are_taken_with_their_language(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    write(root, "app/main.py", "print('hi')\n")
    write(root, "README.md", "# Hello\n")
    write(root, "web/index.ts", "export const x = 1;\n")
    write(root, "bin/deploy", "#!/usr/bin/env bash\necho hi\n")
    files, skipped = select_files(root, settings)
    assert [(f.path, f.language) for f in files] == [
        ("README.md", "markdown"),
        ("app/main.py", "python"),
        ("bin/deploy", "bash"),
        ("web/index.ts", "typescript"),
    ]
    assert skipped == []
    main = files[1]
    assert main.abs_path == str((root / "app/main.py").resolve())
    assert main.size == len("print('hi')\n")


def test_gitignore_nested_and_negated(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    write(root, ".gitignore", "secret_*.py\n!secret_ok.py\nout/\n/only_root.py\n")
    write(root, "secret_a.py")
    write(root, "secret_ok.py")
    write(root, "only_root.py")
    write(root, "out/gen.py")
    write(root, "pkg/only_root.py")  # "/only_root.py" is anchored to the root
    write(root, "pkg/secret_b.py")
    write(root, "pkg/.gitignore", "!secret_pkg.py\nlocal_*.py\n/anchored.py\n")
    write(root, "pkg/secret_pkg.py")  # re-included by the nested file
    write(root, "pkg/local_x.py")
    write(root, "pkg/anchored.py")
    write(root, "pkg/sub/anchored.py")  # anchored to pkg/, so not this one
    write(root, "local_y.py")  # pkg/.gitignore does not reach the root
    taken, skipped = reasons(root, settings)
    assert set(taken) >= {
        "secret_ok.py",
        "pkg/only_root.py",
        "pkg/secret_pkg.py",
        "pkg/sub/anchored.py",
        "local_y.py",
    }
    for path in ["secret_a.py", "only_root.py", "out/", "pkg/secret_b.py"]:
        assert skipped[path] == "ignored by .gitignore", path
    for path in ["pkg/local_x.py", "pkg/anchored.py"]:
        assert skipped[path] == "ignored by .gitignore", path
    assert "out/gen.py" not in skipped and "out/gen.py" not in taken


def test_negation_pattern_for_logs(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    write(root, ".gitignore", "*.md\n!keep.md\n")
    write(root, "notes.md", "# n\n")
    write(root, "keep.md", "# k\n")
    write(root, "docs/keep.md", "# k\n")
    taken, skipped = reasons(root, settings)
    assert skipped["notes.md"] == "ignored by .gitignore"
    assert "keep.md" in taken and "docs/keep.md" in taken


def test_devlabignore(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    write(root, ".devlabignore", "docs/\n*.sql\n")
    write(root, "docs/guide.md", "# g\n")
    write(root, "db/schema.sql", "create table t (id int);\n")
    write(root, "app.py")
    taken, skipped = reasons(root, settings)
    assert skipped["docs/"] == "ignored by .devlabignore"
    assert skipped["db/schema.sql"] == "ignored by .devlabignore"
    assert "app.py" in taken


def test_vcs_vendored_and_build_directories(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    write(root, ".git/config", "[core]\n")
    write(root, "node_modules/left-pad/index.js", "module.exports = 1;\n")
    write(root, "web/node_modules/x/index.js", "module.exports = 1;\n")
    write(root, "vendor/lib.go", "package lib\n")
    write(root, ".venv/lib/site.py")
    write(root, "mypkg.egg-info/top_level.txt", "mypkg\n")
    write(root, "pkg/__pycache__/mod.cpython-311.pyc", b"\x00\x01")
    write(root, "build/lib/app.py")
    write(root, "dist/app-1.0.tar.gz", b"\x1f\x8b")
    write(root, "src/build/__init__.py")  # a package called "build" is source
    taken, skipped = reasons(root, settings)
    assert skipped[".git/"] == "version control metadata"
    for path in ["node_modules/", "web/node_modules/", "vendor/", ".venv/", "mypkg.egg-info/"]:
        assert skipped[path] == "vendored directory", path
    for path in ["pkg/__pycache__/", "build/", "dist/"]:
        assert skipped[path] == "build output or cache", path
    assert "src/build/__init__.py" in taken
    assert not any(p.startswith(".git/") and p != ".git/" for p in skipped)


def test_generated_files(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    write(root, "static/app.min.js", "var a=1;\n")
    write(root, "api/service.pb.go", "package api\n")
    write(root, "api/service_pb2.py", "x = 1\n")
    write(root, "package-lock.json", "{}\n")
    write(root, "yarn.lock", "# yarn\n")
    write(root, "poetry.lock", "# poetry\n")
    write(root, "gen/types.go", "// Code generated by stringer; DO NOT EDIT.\n\npackage gen\n")
    write(root, "gen/schema.js", "/**\n * @generated\n */\nexport const x = 1;\n")
    write(root, "real.go", "package real\n// this is not generated\n")
    taken, skipped = reasons(root, settings)
    assert skipped["static/app.min.js"] == "generated (minified)"
    assert skipped["api/service.pb.go"] == "generated (protobuf)"
    assert skipped["api/service_pb2.py"] == "generated (protobuf)"
    for lock in ["package-lock.json", "yarn.lock", "poetry.lock"]:
        assert skipped[lock] == "generated (lockfile)"
    assert skipped["gen/types.go"] == "generated (header says so)"
    assert skipped["gen/schema.js"] == "generated (header says so)"
    assert taken["real.go"] == "go"


def test_binary_large_unknown_and_non_utf8(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    write(root, "blob.py", b"x = 1\n\x00\x01\x02")
    write(root, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root, "big.py", "x = 1\n" * 5000)  # 30,000 bytes > 20,000 cap
    write(root, "data.xyz", "hello\n")
    write(root, "latin1.py", "name = 'caf\xe9'\n".encode("latin-1"))
    # invalid UTF-8 beyond the first 8 KiB: needs the full read to notice
    write(root, "late.py", b"x = 1\n" * 2000 + b"y = '\xff'\n")
    taken, skipped = reasons(root, settings)
    assert skipped["blob.py"] == "binary"
    assert skipped["image.png"] == "binary"
    assert skipped["big.py"] == "too large (30,000 bytes > 20,000 byte cap)"
    assert skipped["data.xyz"] == "unknown language"
    assert skipped["latin1.py"] == "not UTF-8 text"
    assert skipped["late.py"] == "not UTF-8 text"
    assert taken == {}


def test_symlinks_are_not_followed(tmp_path: Path, settings: Settings) -> None:
    outside = tmp_path / "outside"
    write(outside, "secret.py", "TOKEN = 1\n")
    root = tmp_path / "repo"
    write(root, "app.py")
    (root / "link.py").symlink_to(outside / "secret.py")
    (root / "linkdir").symlink_to(outside, target_is_directory=True)
    (root / "dangling.py").symlink_to(tmp_path / "missing.py")
    taken, skipped = reasons(root, settings)
    assert taken == {"app.py": "python"}
    assert skipped == {"link.py": "symlink", "linkdir": "symlink", "dangling.py": "symlink"}


def test_fifo_is_not_a_regular_file(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    os.mkfifo(root / "pipe.py")
    _, skipped = reasons(root, settings)
    assert skipped == {"pipe.py": "not a regular file"}


def test_unreadable_file_is_skipped_not_fatal(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "repo"
    write(root, "ok.py")
    locked = write(root, "locked.py")
    real_read_head = walk._read_head

    def read_head(path: str, size: int) -> bytes:
        if path == str(locked):
            raise PermissionError(13, "Permission denied", path)
        return real_read_head(path, size)

    monkeypatch.setattr(walk, "_read_head", read_head)
    taken, skipped = reasons(root, settings)
    assert taken == {"ok.py": "python"}
    assert skipped == {"locked.py": "unreadable: Permission denied"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_chmod_000_file_is_unreadable(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    locked = write(root, "locked.py")
    locked.chmod(0)
    _, skipped = reasons(root, settings)
    assert skipped["locked.py"].startswith("unreadable:")


def test_progress_and_determinism(tmp_path: Path, settings: Settings) -> None:
    root = tmp_path / "repo"
    for i in range(450):
        write(root, f"pkg{i % 7}/mod_{i:03d}.py")
    write(root, "notes.xyz", "?")
    seen: list[int] = []
    first = select_files(root, settings, progress=seen.append)
    assert seen == [200, 400, 451]
    assert select_files(root, settings) == first
    paths = [f.path for f in first[0]]
    assert paths == sorted(paths) and len(paths) == 450
