"""Encryption at rest: stored source text and conversations are ciphertext in the file
when a key is set, read back through the store, and survive a key rotation."""

from __future__ import annotations

import sqlite3

from typer.testing import CliRunner

from devlab.cli import app
from devlab.config import load_settings
from devlab.store import crypto
from devlab.store.db import Database
from devlab.store.models import Conversation, Execution, MessageRow

SECRET = "def launch_codes(): return 'TOP-SECRET-42'"


def _raw(path, sql: str) -> list:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_stored_text_is_encrypted_and_keys_rotate(tmp_path, monkeypatch) -> None:
    home = tmp_path / "home"
    plain_db = Database(load_settings(home=home))
    with plain_db.session() as s:  # written before encryption was turned on
        s.add(Execution(language="python", mode="run", source_hash="h", status="ok", source="old"))
    plain_db.close()
    old_key, new_key = crypto.new_key(), crypto.new_key()
    db = Database(load_settings(home=home, encryption_key=old_key))
    try:
        with db.session() as s:
            conv = Conversation(kind="chat", title="launch codes?")
            s.add(conv)
            s.flush()
            s.add(
                MessageRow(
                    conversation_id=conv.id,
                    role="user",
                    content=SECRET,
                    prompt=[{"role": "user", "content": SECRET}],
                )
            )
        raw = _raw(home / "devlab.db", "select content, prompt from messages")[0]
        assert "TOP-SECRET" not in raw[0] and "TOP-SECRET" not in raw[1]
        assert raw[0].startswith(crypto.MARK)
        with db.session() as s:
            row = s.query(MessageRow).one()
            assert row.content == SECRET and row.prompt[0]["content"] == SECRET
    finally:
        db.close()
    # rotate: the new key first, the old one after it in the key file
    key_file = tmp_path / "keys"
    key_file.write_text(f"{new_key}\n{old_key}\n")
    monkeypatch.setenv("DEVLAB_ENCRYPTION_KEY_FILE", str(key_file))
    done = CliRunner().invoke(app, ["--home", str(home), "keys", "rotate"])
    assert done.exit_code == 0, done.output
    assert '"messages.content": 1' in done.stdout and '"executions.source": 1' in done.stdout
    # the old key alone no longer opens it; the new one does; the plain row is now sealed
    assert "TOP-SECRET" not in str(_raw(home / "devlab.db", "select content from messages"))
    assert _raw(home / "devlab.db", "select source from executions")[0][0].startswith(crypto.MARK)
    key_file.write_text(f"{new_key}\n")
    db = Database(load_settings(home=home))
    try:
        with db.session() as s:
            assert s.query(MessageRow).one().content == SECRET
            assert s.query(Execution).one().source == "old"
    finally:
        db.close()
        crypto.configure([])


def test_bad_key_is_a_clear_error(tmp_path) -> None:
    import pytest

    from devlab.errors import InvalidInput

    with pytest.raises(InvalidInput, match="keys generate"):
        Database(load_settings(home=tmp_path / "h", encryption_key="not-a-key"))
    crypto.configure([])


def test_ingested_texts_and_chunks_are_encrypted_and_still_searched(tmp_path, sample_repo) -> None:
    from devlab.codebase.projects import snapshot_texts
    from devlab.search.indexer import index_project
    from devlab.search.models import SearchRequest
    from devlab.search.retrieval import search

    settings = load_settings(home=tmp_path / "home", encryption_key=crypto.new_key())
    db = Database(settings)
    try:
        index_project(db, settings, name="shop", source=str(sample_repo), embed=False)
        raw = _raw(tmp_path / "home" / "devlab.db", "select text from file_texts")
        assert raw and all(t.startswith(crypto.MARK) for (t,) in raw)
        assert not any("apply_discount" in t for (t,) in raw)
        texts = {t.path: t.text for t in snapshot_texts(db, "shop")}
        assert "def apply_discount" in texts["shop/pricing.py"]
        chunks = _raw(tmp_path / "home" / "devlab.db", "select content from chunks")
        assert chunks and all(c.startswith(crypto.MARK) for (c,) in chunks)
        hits = search(
            db, settings, SearchRequest(project="shop", query="apply discount", mode="lexical")
        )
        assert any("def apply_discount" in h.snippet for h in hits)
    finally:
        db.close()
        crypto.configure([])
