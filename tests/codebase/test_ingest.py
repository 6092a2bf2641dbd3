"""Ingestion end to end on a real store: snapshots, incremental re-ingest, failure safety."""

from __future__ import annotations

import threading
import time
import zipfile

import pytest
from sqlalchemy import text

from devlab.codebase.ingest import ingest_source, recover_interrupted
from devlab.codebase.projects import list_files, list_snapshots, project_info
from devlab.errors import InvalidInput, NotFound, UnsafeArchive
from devlab.search import SearchRequest, find_symbols, index_project, search
from devlab.store.models import Snapshot
from helpers import SAMPLE, git, write_tree


def _lexical(bench, project, query):
    req = SearchRequest(project=project, query=query, mode="lexical", limit=20)
    return search(bench.db, bench.settings, req)


def _paths(bench, project, query):
    return [r.path for r in _lexical(bench, project, query)]


def test_ingest_directory_records_snapshot_files_symbols_and_licence(bench, sample_repo):
    report = ingest_source(bench.db, bench.settings, name="shop", source=str(sample_repo))
    assert report.files == 6 and report.parsed == 6 and report.reused == 0
    assert report.symbols > 0 and report.chunks > 0 and report.license == "MIT"
    info = project_info(bench.db, "shop")
    snap = info.current_snapshot
    assert snap.status == "complete" and snap.source_kind == "directory"
    assert snap.file_count == 6 and snap.license == "MIT"
    listing = list_files(bench.db, "shop")
    langs = {f.path: f.language for f in listing.files}
    assert langs["shop/cart.py"] == "python" and langs["web/server.js"] == "javascript"
    assert langs["scripts/deploy.sh"] == "bash" and langs["README.md"] == "markdown"
    assert all(f.license == "MIT" for f in listing.files)
    names = {s.qualname for s in find_symbols(bench.db, "shop")}
    assert {
        "Cart",
        "Cart.add_item",
        "Cart.total",
        "apply_discount",
        "renderCart",
        "deploy_shop",
    } <= names


def test_reingest_parses_only_changed_files_and_drops_deleted(bench, sample_repo):
    ingest_source(bench.db, bench.settings, name="shop", source=str(sample_repo))
    (sample_repo / "shop/pricing.py").write_text(
        SAMPLE["shop/pricing.py"] + "\n\ndef currency_symbol():\n    return 'EUR'\n"
    )
    (sample_repo / "web/server.js").unlink()
    report = ingest_source(bench.db, bench.settings, name="shop", source=str(sample_repo))
    assert (report.parsed, report.reused, report.removed) == (1, 4, 1)
    assert [s.qualname for s in find_symbols(bench.db, "shop", "currency_symbol")] == [
        "currency_symbol"
    ]
    assert find_symbols(bench.db, "shop", "renderCart") == []
    assert all(r.path != "web/server.js" for r in _lexical(bench, "shop", "renderCart"))
    # old file versions are pruned: one version per path remains
    with bench.db.engine.connect() as conn:
        paths = conn.execute(text("select path from files")).scalars().all()
    assert sorted(paths) == sorted(set(paths)) and "web/server.js" not in paths
    snaps = list_snapshots(bench.db, "shop")
    assert [s.status for s in snaps] == ["complete", "superseded"]


def test_failed_ingestion_keeps_previous_snapshot_searchable(bench, sample_repo):
    first = ingest_source(bench.db, bench.settings, name="shop", source=str(sample_repo))
    (sample_repo / "shop/new_module.py").write_text("def brand_new_function():\n    pass\n")

    def explode(db, settings, project_id, snapshot_id, progress):
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        ingest_source(
            bench.db, bench.settings, name="shop", source=str(sample_repo), finalisers=[explode]
        )
    info = project_info(bench.db, "shop")
    assert info.current_snapshot.id == first.snapshot_id
    assert info.latest_snapshot.status == "failed" and "disk on fire" in info.latest_snapshot.error
    assert _lexical(bench, "shop", "apply_discount")
    assert "shop/new_module.py" not in _paths(bench, "shop", "brand_new_function")
    with bench.db.engine.connect() as conn:  # nothing of the failed run remains
        assert (
            conn.execute(text("select count(*) from files where path like '%new_module%'")).scalar()
            == 0
        )


def test_crash_leftover_running_snapshot_is_failed_by_recovery(bench, sample_repo):
    first = ingest_source(bench.db, bench.settings, name="shop", source=str(sample_repo))
    with bench.db.session() as s:
        s.add(
            Snapshot(
                project_id=first.project_id, source="x", source_kind="directory", status="running"
            )
        )
    assert recover_interrupted(bench.db, bench.settings) == 1
    assert project_info(bench.db, "shop").latest_snapshot.status == "failed"
    assert project_info(bench.db, "shop").current_snapshot.id == first.snapshot_id


def test_two_ingestions_of_one_project_are_serialised(bench, sample_repo):
    active, overlap = [0], [False]
    lock = threading.Lock()

    def slow(db, settings, project_id, snapshot_id, progress):
        with lock:
            active[0] += 1
            overlap[0] |= active[0] > 1
        time.sleep(0.4)
        with lock:
            active[0] -= 1
        return {}

    errors: list[BaseException] = []

    def run():
        try:
            ingest_source(
                bench.db, bench.settings, name="shop", source=str(sample_repo), finalisers=[slow]
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and not overlap[0]
    assert [s.status for s in list_snapshots(bench.db, "shop")] == ["complete", "superseded"]


def test_search_during_ingestion_uses_last_complete_snapshot(bench, sample_repo):
    ingest_source(bench.db, bench.settings, name="shop", source=str(sample_repo))
    (sample_repo / "shop/extra.py").write_text("def during_ingest_marker():\n    pass\n")
    seen: dict[str, list] = {}

    def peek(db, settings, project_id, snapshot_id, progress):
        seen["marker"] = _paths(bench, "shop", "during_ingest_marker")
        seen["old"] = _lexical(bench, "shop", "apply_discount")
        return {}

    ingest_source(bench.db, bench.settings, name="shop", source=str(sample_repo), finalisers=[peek])
    assert "shop/extra.py" not in seen["marker"] and seen["old"]
    assert _paths(bench, "shop", "during_ingest_marker")[0] == "shop/extra.py"


def test_empty_directory_gives_project_with_zero_files(bench, tmp_path):
    (tmp_path / "empty").mkdir()
    report = ingest_source(bench.db, bench.settings, name="empty", source=str(tmp_path / "empty"))
    assert report.files == 0 and "zero" in report.message
    assert project_info(bench.db, "empty").current_snapshot.file_count == 0


def test_malformed_and_undecodable_files_are_recorded_not_fatal(bench, tmp_path):
    repo = write_tree(
        tmp_path / "r",
        {
            "good.py": "def fine():\n    return 1\n",
            "broken.py": "def broken(:\n    return\n\ndef still_found():\n    return 2\n",
            "latin1.py": "# caf\xe9\n".encode("latin-1"),
            "image.png": b"\x89PNG\r\n\x1a\n\x00\x00binary",
        },
    )
    report = ingest_source(bench.db, bench.settings, name="r", source=str(repo))
    listing = list_files(bench.db, "r")
    by_path = {f.path: f for f in listing.files}
    assert by_path["broken.py"].parse_error and by_path["good.py"].parse_error is None
    assert report.parse_errors == 1
    skipped = {s.path: s.reason for s in listing.skipped}
    assert "latin1.py" in skipped and "image.png" in skipped
    assert "still_found" in {s.name for s in find_symbols(bench.db, "r")}


def test_secret_values_never_reach_the_store(bench, tmp_path):
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    repo = write_tree(
        tmp_path / "r", {"conf.py": f'GITHUB_TOKEN = "{token}"\n\ndef f():\n    pass\n'}
    )
    report = ingest_source(bench.db, bench.settings, name="r", source=str(repo))
    assert report.secrets >= 1
    with bench.db.engine.connect() as conn:
        for table, col in (
            ("chunks", "content"),
            ("symbols", "docstring"),
            ("symbols", "signature"),
        ):
            rows = conn.execute(text(f"select {col} from {table}")).scalars().all()
            assert not any(token in (r or "") for r in rows)
    secrets = list_files(bench.db, "r").secrets
    assert secrets[0].path == "conf.py" and secrets[0].line == 1


def test_ingest_git_repository_at_an_older_commit(bench, tmp_path):
    repo = write_tree(tmp_path / "g", {"app.py": "def version_one():\n    pass\n"})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    first = git(repo, "rev-parse", "HEAD")
    (repo / "app.py").write_text("def version_two():\n    pass\n")
    git(repo, "commit", "-qam", "two")
    report = ingest_source(bench.db, bench.settings, name="g", source=str(repo), ref=first)
    assert report.commit == first and report.source_kind == "git-local"
    assert [s.name for s in find_symbols(bench.db, "g")] == ["version_one"]


def test_zip_source_is_extracted_safely(bench, tmp_path, sample_repo):
    archive = tmp_path / "shop.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for rel, content in SAMPLE.items():
            zf.writestr(f"shop-main/{rel}", content)
    report = ingest_source(bench.db, bench.settings, name="z", source=str(archive))
    assert report.files == 6 and report.source_kind == "zip"
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../escape.py", "x = 1\n")
    with pytest.raises(UnsafeArchive):
        ingest_source(bench.db, bench.settings, name="evil", source=str(evil))
    assert not (tmp_path / "escape.py").exists()
    assert project_info(bench.db, "evil").current_snapshot is None


def test_bad_project_names_and_sources_are_rejected(bench, tmp_path):
    with pytest.raises(InvalidInput, match="project name"):
        ingest_source(bench.db, bench.settings, name="../etc", source=str(tmp_path))
    with pytest.raises(InvalidInput):
        ingest_source(bench.db, bench.settings, name="ok", source=str(tmp_path / "missing"))
    with pytest.raises(NotFound):
        project_info(bench.db, "never-ingested")


@pytest.mark.model
@pytest.mark.slow
def test_index_project_embeds_every_chunk_once(bench, sample_repo):
    first = index_project(bench.db, bench.settings, name="shop", source=str(sample_repo))
    assert first.stats["embedded"] == first.chunks
    (sample_repo / "shop/pricing.py").write_text(SAMPLE["shop/pricing.py"] + "\nX = 1\n")
    second = index_project(bench.db, bench.settings, name="shop", source=str(sample_repo))
    changed = second.stats["embedded"]
    assert 0 < changed < first.chunks  # only the changed file's chunks


@pytest.mark.slow
def test_process_pool_gives_the_same_index_as_inline(bench, sample_repo, tmp_path, monkeypatch):
    from devlab.codebase import parallel

    inline = ingest_source(bench.db, bench.settings, name="inline", source=str(sample_repo))
    monkeypatch.setattr(parallel, "MIN_FILES_FOR_POOL", 1)
    settings = bench.settings.model_copy(update={"ingest_workers": 2})
    pooled = ingest_source(bench.db, settings, name="pooled", source=str(sample_repo))
    assert (pooled.files, pooled.symbols, pooled.chunks, pooled.secrets) == (
        inline.files,
        inline.symbols,
        inline.chunks,
        inline.secrets,
    )
    assert {s.qualname for s in find_symbols(bench.db, "pooled")} == {
        s.qualname for s in find_symbols(bench.db, "inline")
    }


def test_snapshot_texts_are_the_scrubbed_files_of_the_current_snapshot(bench, tmp_path):
    from devlab.codebase.projects import snapshot_texts

    token = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
    repo = write_tree(tmp_path / "r", {"a.py": f'TOKEN = "{token}"\n', "b.js": "let x = 1;\n"})
    ingest_source(bench.db, bench.settings, name="r", source=str(repo))
    texts = {t.path: t for t in snapshot_texts(bench.db, "r")}
    assert set(texts) == {"a.py", "b.js"} and texts["b.js"].text == "let x = 1;\n"
    assert token not in texts["a.py"].text and "REDACTED" in texts["a.py"].text
    assert [t.path for t in snapshot_texts(bench.db, "r", languages=["javascript"])] == ["b.js"]
    (repo / "b.js").unlink()
    ingest_source(bench.db, bench.settings, name="r", source=str(repo))
    assert [t.path for t in snapshot_texts(bench.db, "r")] == ["a.py"]


def test_lock_files_are_skipped_but_their_text_kept_without_url_credentials(bench, tmp_path):
    from devlab.codebase.projects import snapshot_lockfiles

    lock = (
        '{"lockfileVersion": 3, "packages": {"node_modules/left-pad": {"version": "1.3.0", '
        '"resolved": "https://deploy:s3cr3tpass@registry.example/left-pad-1.3.0.tgz"}}}\n'
    )
    root = write_tree(
        tmp_path / "web",
        {"package-lock.json": lock, "yarn.lock": "left-pad@1.3.0:\n", "index.js": "x = 1\n"},
    )
    ingest_source(bench.db, bench.settings, name="web", source=str(root))
    skipped = {k.path: k.reason for k in list_files(bench.db, "web").skipped}
    assert skipped["package-lock.json"].startswith("generated") and "yarn.lock" in skipped
    kept = dict(snapshot_lockfiles(bench.db, "web"))
    assert set(kept) == {"package-lock.json"}  # only lock files the analysis can read
    assert "s3cr3tpass" not in kept["package-lock.json"]
    assert "https://<REDACTED>@registry.example/left-pad" in kept["package-lock.json"]
