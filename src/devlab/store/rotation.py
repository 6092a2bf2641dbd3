"""Key rotation: rewrite every encrypted column with the newest key and rebuild the
full-text index's keyed token hashes under it (``devlab keys rotate``). Apart from
``crypto`` because it walks the models, which use ``crypto``'s column types."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from devlab.errors import InvalidInput
from devlab.store.crypto import EncryptedJSON, EncryptedText, enabled
from devlab.store.db import Database
from devlab.store.models import Base, ChunkRow


def encrypted_columns() -> list[tuple[Any, Any, Any]]:
    """(table, primary-key column, column) of every encrypted column."""
    found = []
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        for column in table.columns:
            if isinstance(column.type, EncryptedText | EncryptedJSON) and len(pk) == 1:
                found.append((table, pk[0], column))
    return found


def rotate_all(db: Database, batch: int = 500) -> dict[str, int]:
    """Rewrite every encrypted column with the newest key (plain rows get encrypted);
    returns rows rewritten per ``table.column``. Needs the old keys configured too."""
    if not enabled():
        raise InvalidInput("no encryption key configured: set DEVLAB_ENCRYPTION_KEY(_FILE)")
    counts: dict[str, int] = {}
    for table, pk, column in encrypted_columns():
        done, last = 0, None
        while True:
            with db.session() as s:
                query = select(pk, column).where(column.is_not(None)).order_by(pk).limit(batch)
                if last is not None:
                    query = query.where(pk > last)
                rows = s.execute(query).all()
                for key, value in rows:
                    s.execute(update(table).where(pk == key).values({column.name: value}))
            if not rows:
                break
            done, last = done + len(rows), rows[-1][0]
        counts[f"{table.name}.{column.name}"] = done
    counts["lexical_index.chunks"] = reindex_lexical(db, batch)
    return counts


def reindex_lexical(db: Database, batch: int = 500) -> int:
    """Rebuild the full-text index from the chunks' (decrypted) text, so its tokens are
    hashed under the newest key (or plain again when no key is set); returns the number
    of chunks re-indexed. Part of ``rotate_all``: hashes under a dropped key would no
    longer match any query."""
    done, last = 0, 0
    while True:
        with db.session() as s:
            rows = s.execute(
                select(ChunkRow.id, ChunkRow.content)
                .where(ChunkRow.id > last)
                .order_by(ChunkRow.id)
                .limit(batch)
            ).all()
            if not rows:
                return done
            conn = s.connection()
            db.lexical.delete(conn, [r[0] for r in rows])
            db.lexical.add(conn, [(int(r[0]), r[1]) for r in rows])
        done, last = done + len(rows), rows[-1][0]


__all__ = ["encrypted_columns", "reindex_lexical", "rotate_all"]
