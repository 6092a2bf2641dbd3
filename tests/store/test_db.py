"""The store opens, migrates, loads its extensions and keeps homes apart."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from devlab.config import load_settings
from devlab.errors import InvalidInput, StorageError
from devlab.store.db import Database, mask_url
from devlab.store.tokens import identifier_tokens, query_tokens


def test_sqlite_store_is_wal_with_fts5_and_sqlite_vec(sqlite_settings):
    db = Database(sqlite_settings)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("select vec_version()")).scalar().startswith("v")
        tables = {r[0] for r in conn.execute(text("select name from sqlite_master"))}
    assert {"projects", "snapshots", "files", "chunks", "jobs", "chunks_fts"} <= tables
    assert (sqlite_settings.home / "devlab.db").is_file()
    db.close()


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from devlab.store.db import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def test_migrations_are_idempotent_across_restarts(settings):
    Database(settings).close()
    db = Database(settings)  # second start: nothing to do, no error
    with db.engine.connect() as conn:
        version = conn.execute(text("select version_num from alembic_version")).scalar()
    assert version == _head_revision()
    db.close()


def test_two_homes_never_share_state(tmp_path: Path):
    a = Database(load_settings(home=tmp_path / "a"))
    b = Database(load_settings(home=tmp_path / "b"))
    with a.engine.begin() as conn:
        conn.execute(
            text(
                "insert into projects(name, source, created_at, updated_at) "
                "values ('only-in-a', 'x', current_timestamp, current_timestamp)"
            )
        )
    with b.engine.connect() as conn:
        assert conn.execute(text("select count(*) from projects")).scalar() == 0
    a.close()
    b.close()


def test_vector_index_roundtrip(settings):
    db = Database(settings)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "insert into projects(id, name, source, created_at, updated_at) "
                "values (1, 'p', 's', current_timestamp, current_timestamp)"
            )
        )
        conn.execute(
            text(
                "insert into snapshots(id, project_id, status, source, source_kind, "
                "licenses, started_at, file_count, skipped_count, line_count, symbol_count,"
                " chunk_count, secret_count, parse_error_count, stats) values (1, 1, "
                "'complete', 's', 'directory', '{}', current_timestamp, 0,0,0,0,0,0,0,"
                "'{}')"
            )
        )
        conn.execute(
            text(
                "insert into files(id, project_id, path, content_hash, language, size, "
                "line_count, created_at) values (1, 1, 'a.py', 'h', 'python', 1, 1, "
                "current_timestamp)"
            )
        )
        conn.execute(text("insert into snapshot_files values (1, 1)"))
        for cid in (1, 2, 3):
            conn.execute(
                text(
                    "insert into chunks(id, file_id, start_line, end_line, language, "
                    "kind, content, content_hash) values (:c, 1, 1, 1, 'python', "
                    "'function', 'x', 'h')"
                ),
                {"c": cid},
            )
        vecs = np.eye(3, 8, dtype=np.float32)
        db.vectors.add(conn, 1, [(1, vecs[0]), (2, vecs[1]), (3, vecs[2])])
    hits = db.vectors.search(1, 1, vecs[1], 2)
    assert hits[0][0] == 2 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    with db.engine.begin() as conn:
        db.vectors.delete(conn, [2])
    assert 2 not in [c for c, _ in db.vectors.search(1, 1, vecs[1], 3)]
    db.close()


def test_bad_database_url_is_a_clear_storage_error(tmp_path: Path):
    settings = load_settings(
        home=tmp_path, database_url="postgresql+psycopg://u:secret@127.0.0.1:9/x"
    )
    with pytest.raises(StorageError) as err:
        Database(settings)
    assert "secret" not in err.value.message
    assert "DEVLAB_DATABASE_URL" in err.value.message


def test_mask_url_hides_password():
    assert mask_url("postgresql+psycopg://bob:pw@host/db") == "postgresql+psycopg://bob:***@host/db"


def test_unknown_setting_in_toml_is_an_error(tmp_path: Path, monkeypatch):
    (tmp_path / "devlab.toml").write_text('embeding_model = "typo"\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInput, match="embeding_model"):
        load_settings()


def test_env_overrides_toml_and_flags_override_env(tmp_path: Path, monkeypatch):
    (tmp_path / "devlab.toml").write_text("port = 9001\njob_workers = 3\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEVLAB_PORT", "9002")
    s = load_settings()
    assert (s.port, s.job_workers) == (9002, 3)
    assert load_settings(port=9003).port == 9003


def test_invalid_setting_value_says_which(monkeypatch):
    monkeypatch.setenv("DEVLAB_PORT", "not-a-port")
    with pytest.raises(InvalidInput, match="port"):
        load_settings()


def test_identifier_tokens_split_and_keep_originals():
    toks = identifier_tokens("parseHTTPResponse(get_user_by_id, os.path.join)")
    assert {"parsehttpresponse", "parse", "http", "response"} <= set(toks)
    assert {"get_user_by_id", "get", "user", "by", "id"} <= set(toks)
    assert {"os.path.join", "os", "path", "join"} <= set(toks)
    assert query_tokens("get get_user") == ["get_user", "user"]  # "get" is a stop word
    assert query_tokens("Return the user") == ["user"]
    assert query_tokens("the") == ["the"]  # nothing but stop words: keep them
