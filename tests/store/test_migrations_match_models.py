"""The Alembic migrations and the SQLAlchemy models describe the same schema.

A model changed without a migration (or a migration that drifted from the models)
shows up as a non-empty autogenerate comparison. Tables and columns that the
search adapters create for themselves (FTS5 / sqlite-vec virtual tables and their
shadow tables, PostgreSQL's full-text column and index) are not part of the models.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from devlab.store.db import Database
from devlab.store.models import Base

# created by the search adapters (devlab.store.search_index), not by the ORM models:
# FTS5 and sqlite-vec tables on SQLite, the tsvector table on PostgreSQL
ADAPTER_PREFIXES = ("chunks_fts", "chunks_vec", "vec_", "chunk_lexemes")


def _include(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    if type_ == "table" and name and name.startswith(ADAPTER_PREFIXES):
        return False
    table = getattr(obj, "table", None)
    return not (table is not None and str(table.name).startswith(ADAPTER_PREFIXES))


def test_autogenerate_finds_nothing_to_migrate(settings):
    db = Database(settings)
    try:
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": _include}
            )
            diff = compare_metadata(context, Base.metadata)
    finally:
        db.close()
    assert diff == [], f"models and migrations differ: {diff}"
