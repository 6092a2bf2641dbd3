"""Migration 0010 on a store holding feedback from before it: consent starts off, the
project is copied from the conversation, and the downgrade gives 0009's table back."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from devlab.store.db import MIGRATIONS_DIR, Database, make_engine


def _alembic(conn) -> Config:  # type: ignore[no-untyped-def]
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def test_0010_adds_consent_off_and_backfills_the_project(settings):
    if settings.is_sqlite:
        settings.home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "0009")
        conn.execute(
            text(
                "insert into projects(id, name, source, created_at, updated_at) values "
                "(1, 'p', 's', current_timestamp, current_timestamp)"
            )
        )
        for cid, project in ((1, 1), (2, None)):
            conn.execute(
                text(
                    "insert into conversations(id, project_id, kind, title, created_at, "
                    "updated_at) values (:c, :p, 'chat', '', current_timestamp, "
                    "current_timestamp)"
                ),
                {"c": cid, "p": project},
            )
            conn.execute(
                text(
                    "insert into messages(id, conversation_id, role, action, content, "
                    "citations, context_ids, created_at) values (:c, :c, 'assistant', "
                    "'chat', 'a', '[]', '[]', current_timestamp)"
                ),
                {"c": cid},
            )
        for fid, message in ((1, 1), (2, 2), (3, None)):
            conn.execute(
                text(
                    "insert into feedback(id, message_id, correction, action, prompt, answer,"
                    " context_ids, model_version, created_at) values (:f, :m, 'fix', 'chat',"
                    " '[]', 'a', '[]', 'x:y', current_timestamp)"
                ),
                {"f": fid, "m": message},
            )
    engine.dispose()

    db = Database(settings)  # migrates to head
    with db.engine.connect() as conn:
        found = conn.execute(
            text("select id, project_id, training_consent from feedback order by id")
        ).all()
    assert [(r[0], r[1], bool(r[2])) for r in found] == [
        (1, 1, False),
        (2, None, False),
        (3, None, False),
    ]
    # a deleted project leaves its feedback (and the correction) in place, unlinked
    with db.engine.begin() as conn:
        conn.execute(text("delete from conversations where id = 1"))
        conn.execute(text("delete from projects where id = 1"))
        assert conn.execute(text("select project_id from feedback where id = 1")).scalar() is None
        command.downgrade(_alembic(conn), "0009")
        columns = {c["name"] for c in inspect(conn).get_columns("feedback")}
        assert "training_consent" not in columns and "project_id" not in columns
        assert conn.execute(text("select count(*) from feedback")).scalar() == 3
        command.upgrade(_alembic(conn), "head")
    db.close()
