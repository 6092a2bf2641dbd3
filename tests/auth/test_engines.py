"""Accounts, tokens, the audit chain and encrypted columns on every configured engine
(SQLite, and PostgreSQL when DEVLAB_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import pytest

from devlab.auth import audit, tokens, users
from devlab.auth.errors import Unauthorized
from devlab.config import load_settings
from devlab.errors import Conflict
from devlab.store import crypto
from devlab.store.db import Database
from devlab.store.models import Conversation, MessageRow


def test_accounts_tokens_audit_and_encryption(settings) -> None:
    keyed = load_settings(
        home=settings.home, database_url=settings.database_url, encryption_key=crypto.new_key()
    )
    db = Database(keyed)
    try:
        user = users.create_user(db, "ann", "long-enough")
        with pytest.raises(Conflict):
            users.create_user(db, "ann", "long-enough")
        assert users.authenticate(db, "ann", "long-enough").id == user.id
        with pytest.raises(Unauthorized):
            users.authenticate(db, "ann", "wrong-password")
        made = tokens.create_token(db, "ann", scopes=["read"], expires_days=1)
        assert tokens.verify_token(db, made.token)[1:] == (made.id, ["read"])
        with pytest.raises(Unauthorized):
            tokens.verify_token(db, made.token[:-1] + "x")
        for n in range(3):
            audit.record(db, "test", actor="ann", detail={"n": n, "nested": {"a": [1, 2]}})
        assert audit.verify_chain(db).ok
        with db.session() as s:
            conv = Conversation(kind="chat", title="t")
            s.add(conv)
            s.flush()
            s.add(MessageRow(conversation_id=conv.id, role="user", content="secret", prompt=[1]))
        with db.session() as s:
            row = s.query(MessageRow).one()
            assert (row.content, row.prompt) == ("secret", [1])
    finally:
        db.close()
        crypto.configure([])


def _index_terms(db: Database) -> set[str]:
    """The lexical index's terms as a copied database shows them."""
    from sqlalchemy import text

    with db.engine.connect() as conn:
        if db.is_sqlite:
            vocab = "fts5vocab(main, chunks_fts, row)"
            conn.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING {vocab}"))
            return {r[0] for r in conn.execute(text("SELECT term FROM temp.v"))}
        rows = conn.execute(text("SELECT word FROM ts_stat('SELECT tsv FROM chunk_lexemes')"))
        return {r[0] for r in rows}


def test_the_lexical_index_holds_keyed_hashes_and_rotation_rehashes(settings, sample_repo) -> None:
    """With a key, the full-text index (FTS5 / tsvector) holds keyed token hashes, not
    words; stemmed keyword search still finds the code; rotation re-hashes the index."""
    from devlab.search.indexer import index_project
    from devlab.search.models import SearchRequest
    from devlab.search.retrieval import search
    from devlab.store import rotate_all

    old_key, new_key = crypto.new_key(), crypto.new_key()
    keyed = load_settings(
        home=settings.home, database_url=settings.database_url, encryption_key=old_key
    )
    db = Database(keyed)
    query = SearchRequest(project="shop", query="applying discounts", mode="lexical")
    try:
        index_project(db, keyed, name="shop", source=str(sample_repo), embed=False)
        terms = _index_terms(db)
        assert terms and all(t[0] == "h" and t[1:].isdigit() for t in terms), sorted(terms)[:9]
        assert any("def apply_discount" in h.snippet for h in search(db, keyed, query))
        crypto.configure([new_key, old_key])  # the key file during a rotation
        assert rotate_all(db)["lexical_index.chunks"] > 0
        crypto.configure([new_key])  # the old key dropped
        assert _index_terms(db).isdisjoint(terms)
        assert any("def apply_discount" in h.snippet for h in search(db, keyed, query))
    finally:
        db.close()
        crypto.configure([])
