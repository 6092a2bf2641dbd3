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
