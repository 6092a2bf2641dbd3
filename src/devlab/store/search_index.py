"""Lexical and vector index adapters behind two narrow interfaces.

``LexicalIndex``: BM25 over identifier-aware tokens. SQLite uses FTS5 (a
contentless table whose rowid is the chunk id); PostgreSQL uses a tsvector
table with a GIN index ranked by ``ts_rank_cd`` (PostgreSQL has no BM25).

``VectorIndex``: cosine nearest neighbours. SQLite uses sqlite-vec ``vec0``
tables (one per dimension, partitioned by project); other engines store
float32 bytes in ``chunk_vectors`` and rank with NumPy, which is exact and fast
enough for a few hundred thousand chunks.

Both search only chunks of one snapshot: they over-fetch candidates and keep
those whose file version belongs to the snapshot.

With encryption at rest on (``store.crypto``), the lexical index holds no words:
each token is Porter-stemmed in Python and replaced by a keyed hash (HMAC-SHA256
under a key derived from the newest encryption key, 64 bits, ``h`` + digits, which
neither FTS5's Porter tokenizer nor PostgreSQL's ``simple`` configuration changes).
Queries hash their tokens the same way under every configured key (so search keeps
working between a key change and ``devlab keys rotate``, which re-indexes every
chunk under the newest key). BM25 still works: it needs only equal tokens, their
counts and the document lengths. What a copied file still shows: how often each
(hashed) token occurs, in which chunks and at which positions, so frequency analysis
can guess the commonest words (``self``, ``def``...); prefix queries on words cannot
work on hashes (DevLab's search never used them); exact-token and phrase matching do.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
import snowballstemmer  # type: ignore[import-untyped]  # no type information
from sqlalchemy import Connection, Engine, text

from devlab.store import crypto
from devlab.store.tokens import identifier_tokens, query_tokens

_STEMMER = snowballstemmer.stemmer("porter")  # the algorithm of FTS5's "porter"


@lru_cache(maxsize=262_144)
def _sealed(token: str, key: bytes) -> str:
    """One token as the encrypted index stores it: stemmed, then keyed-hashed."""
    return crypto.hash_token(_STEMMER.stemWord(token), key)


def index_terms(body: str) -> str:
    """The text handed to the lexical index for one chunk: its identifier tokens, or
    their keyed hashes under the newest key when encryption at rest is on."""
    tokens = identifier_tokens(body)
    keys = crypto.token_keys()
    if not keys:
        return " ".join(tokens)
    return " ".join(_sealed(t, keys[0]) for t in tokens)


def search_terms(query: str) -> tuple[list[str], bool]:
    """A query's terms and whether they are hashed: each token hashed under every
    configured key (newest first) when encryption is on, else the plain tokens."""
    tokens = query_tokens(query)
    keys = crypto.token_keys()
    if not keys:
        return tokens, False
    return list(dict.fromkeys(_sealed(t, k) for k in keys for t in tokens)), True


class LexicalIndex(Protocol):
    def add(self, conn: Connection, items: Sequence[tuple[int, str]]) -> None:
        """Index ``(chunk_id, text)`` pairs."""

    def delete(self, conn: Connection, chunk_ids: Sequence[int]) -> None:
        """Remove chunks from the index."""

    def search(self, snapshot_id: int, query: str, limit: int) -> list[tuple[int, float]]:
        """Best ``(chunk_id, score)`` first; higher score is better."""


class VectorIndex(Protocol):
    def add(
        self, conn: Connection, project_id: int, items: Sequence[tuple[int, np.ndarray]]
    ) -> None:
        """Store ``(chunk_id, unit vector)`` pairs."""

    def delete(self, conn: Connection, chunk_ids: Sequence[int]) -> None:
        """Remove chunk vectors."""

    def search(
        self, project_id: int, snapshot_id: int, vector: np.ndarray, limit: int
    ) -> list[tuple[int, float]]:
        """Nearest ``(chunk_id, cosine similarity)`` first."""

    def fetch(self, chunk_ids: Sequence[int], dim: int) -> dict[int, np.ndarray]:
        """The stored ``dim``-sized vectors of those ``chunk_ids`` that have one."""


def _batches(ids: Sequence[int], size: int = 500) -> list[Sequence[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _in_snapshot(engine: Engine, snapshot_id: int, chunk_ids: list[int]) -> set[int]:
    """The subset of ``chunk_ids`` whose file version is in ``snapshot_id``."""
    keep: set[int] = set()
    with engine.connect() as conn:
        for batch in _batches(chunk_ids):
            marks = ",".join(str(int(i)) for i in batch)
            rows = conn.execute(
                text(
                    f"SELECT c.id FROM chunks c JOIN snapshot_files sf ON sf.file_id = c.file_id "
                    f"WHERE sf.snapshot_id = :s AND c.id IN ({marks})"
                ),
                {"s": snapshot_id},
            )
            keep.update(r[0] for r in rows)
    return keep


class Fts5Index:
    """BM25 through SQLite FTS5, with Porter stemming on top of identifier tokens."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, conn: Connection, items: Sequence[tuple[int, str]]) -> None:
        if items:
            conn.execute(
                text("INSERT INTO chunks_fts(rowid, tokens) VALUES (:id, :tokens)"),
                [{"id": cid, "tokens": index_terms(body)} for cid, body in items],
            )

    def delete(self, conn: Connection, chunk_ids: Sequence[int]) -> None:
        for batch in _batches(list(chunk_ids)):
            marks = ",".join(str(int(i)) for i in batch)
            conn.execute(text(f"DELETE FROM chunks_fts WHERE rowid IN ({marks})"))

    def search(self, snapshot_id: int, query: str, limit: int) -> list[tuple[int, float]]:
        tokens, _ = search_terms(query)
        if not tokens:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        sql = text(
            "SELECT c.id, bm25(chunks_fts) AS score FROM chunks_fts "
            "JOIN chunks c ON c.id = chunks_fts.rowid "
            "JOIN snapshot_files sf ON sf.file_id = c.file_id AND sf.snapshot_id = :snap "
            "WHERE chunks_fts MATCH :q ORDER BY score LIMIT :k"
        )
        with self.engine.connect() as conn:
            rows = conn.execute(sql, {"snap": snapshot_id, "q": match, "k": limit}).all()
        # FTS5's bm25() is negative, lower is better: flip it.
        return [(int(cid), -float(score)) for cid, score in rows]


class PostgresTextIndex:
    """Full-text ranking through PostgreSQL tsvector + GIN (ts_rank_cd), English
    stemming to match FTS5's Porter stemmer."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, conn: Connection, items: Sequence[tuple[int, str]]) -> None:
        # hashed tokens are already stemmed: 'simple' keeps them as they are
        config = "simple" if crypto.token_keys() else "english"
        if items:
            conn.execute(
                text(
                    "INSERT INTO chunk_lexemes(chunk_id, tsv) "
                    "VALUES (:id, to_tsvector(CAST(:config AS regconfig), :tokens))"
                ),
                [{"id": cid, "tokens": index_terms(body), "config": config} for cid, body in items],
            )

    def delete(self, conn: Connection, chunk_ids: Sequence[int]) -> None:
        for batch in _batches(list(chunk_ids)):
            conn.execute(
                text("DELETE FROM chunk_lexemes WHERE chunk_id = ANY(:ids)"), {"ids": list(batch)}
            )

    def search(self, snapshot_id: int, query: str, limit: int) -> list[tuple[int, float]]:
        tokens, hashed = search_terms(query)
        if not tokens:
            return []
        # hashed terms are 'h' + digits: safe in to_tsquery's syntax as they are
        query_sql = (
            "to_tsquery('simple', :q) q" if hashed else "websearch_to_tsquery('english', :q) q"
        )
        sql = text(
            "SELECT l.chunk_id, ts_rank_cd(l.tsv, q) AS score "
            "FROM chunk_lexemes l JOIN chunks c ON c.id = l.chunk_id "
            "JOIN snapshot_files sf ON sf.file_id = c.file_id AND sf.snapshot_id = :snap, "
            f"{query_sql} WHERE l.tsv @@ q ORDER BY score DESC LIMIT :k"
        )
        joined = (" | " if hashed else " or ").join(tokens)
        with self.engine.connect() as conn:
            rows = conn.execute(sql, {"snap": snapshot_id, "q": joined, "k": limit}).all()
        return [(int(cid), float(score)) for cid, score in rows]


class SqliteVecIndex:
    """Cosine KNN through sqlite-vec vec0 tables, partitioned by project."""

    MAX_K = 4096  # vec0's limit on k

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._dims: set[int] = set()

    def _table(self, conn: Connection, dim: int) -> str:
        name = f"vec_chunks_{dim}"
        if dim not in self._dims:
            conn.execute(
                text(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING vec0("
                    f"chunk_id integer primary key, project_id integer partition key, "
                    f"embedding float[{dim}] distance_metric=cosine)"
                )
            )
            self._dims.add(dim)
        return name

    def _tables(self, conn: Connection) -> list[str]:
        rows = conn.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type='table' "
                "AND name GLOB 'vec_chunks_[0-9]*' AND name NOT GLOB '*_*_*_*'"
            )
        )
        return [r[0] for r in rows]

    def add(
        self, conn: Connection, project_id: int, items: Sequence[tuple[int, np.ndarray]]
    ) -> None:
        if not items:
            return
        table = self._table(conn, int(items[0][1].shape[0]))
        conn.execute(
            text(f"INSERT INTO {table}(chunk_id, project_id, embedding) VALUES (:c, :p, :v)"),
            [
                {"c": cid, "p": project_id, "v": np.asarray(vec, dtype=np.float32).tobytes()}
                for cid, vec in items
            ],
        )

    def delete(self, conn: Connection, chunk_ids: Sequence[int]) -> None:
        for table in self._tables(conn):
            for batch in _batches(list(chunk_ids)):
                marks = ",".join(str(int(i)) for i in batch)
                conn.execute(text(f"DELETE FROM {table} WHERE chunk_id IN ({marks})"))

    def search(
        self, project_id: int, snapshot_id: int, vector: np.ndarray, limit: int
    ) -> list[tuple[int, float]]:
        dim = int(vector.shape[0])
        table = f"vec_chunks_{dim}"
        with self.engine.connect() as conn:
            if table not in self._tables(conn):
                return []
            k = min(max(limit * 4, 64), self.MAX_K)
            while True:
                rows = conn.execute(
                    text(
                        f"SELECT chunk_id, distance FROM {table} WHERE embedding MATCH :v "
                        f"AND k = :k AND project_id = :p ORDER BY distance"
                    ),
                    {"v": np.asarray(vector, dtype=np.float32).tobytes(), "k": k, "p": project_id},
                ).all()
                keep = _in_snapshot(self.engine, snapshot_id, [int(r[0]) for r in rows])
                hits = [(int(c), 1.0 - float(d)) for c, d in rows if int(c) in keep]
                if len(hits) >= limit or len(rows) < k or k >= self.MAX_K:
                    return hits[:limit]
                k = min(k * 4, self.MAX_K)

    def fetch(self, chunk_ids: Sequence[int], dim: int) -> dict[int, np.ndarray]:
        table = f"vec_chunks_{int(dim)}"
        out: dict[int, np.ndarray] = {}
        with self.engine.connect() as conn:
            if table not in self._tables(conn):
                return out
            for batch in _batches(list(chunk_ids)):
                marks = ",".join(str(int(i)) for i in batch)
                rows = conn.execute(
                    text(f"SELECT chunk_id, embedding FROM {table} WHERE chunk_id IN ({marks})")
                )
                out.update((int(c), np.frombuffer(v, dtype=np.float32)) for c, v in rows)
        return out


class NumpyVectorIndex:
    """Exact cosine search over float32 vectors stored in ``chunk_vectors``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self, conn: Connection, project_id: int, items: Sequence[tuple[int, np.ndarray]]
    ) -> None:
        if items:
            conn.execute(
                text("INSERT INTO chunk_vectors(chunk_id, project_id, vector) VALUES (:c, :p, :v)"),
                [
                    {"c": cid, "p": project_id, "v": np.asarray(v, dtype=np.float32).tobytes()}
                    for cid, v in items
                ],
            )

    def delete(self, conn: Connection, chunk_ids: Sequence[int]) -> None:
        for batch in _batches(list(chunk_ids)):
            marks = ",".join(str(int(i)) for i in batch)
            conn.execute(text(f"DELETE FROM chunk_vectors WHERE chunk_id IN ({marks})"))

    def search(
        self, project_id: int, snapshot_id: int, vector: np.ndarray, limit: int
    ) -> list[tuple[int, float]]:
        sql = text(
            "SELECT v.chunk_id, v.vector FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id "
            "JOIN snapshot_files sf ON sf.file_id = c.file_id AND sf.snapshot_id = :s "
            "WHERE v.project_id = :p"
        )
        with self.engine.connect() as conn:
            rows = conn.execute(sql, {"s": snapshot_id, "p": project_id}).all()
        size = 4 * int(vector.shape[0])  # a chunk's vector may be another model's (tiers)
        rows = [r for r in rows if len(r[1]) == size]
        if not rows:
            return []
        ids = np.array([r[0] for r in rows])
        mat = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
        sims = mat @ np.asarray(vector, dtype=np.float32)
        top = np.argsort(-sims)[:limit]
        return [(int(ids[i]), float(sims[i])) for i in top]

    def fetch(self, chunk_ids: Sequence[int], dim: int) -> dict[int, np.ndarray]:
        out: dict[int, np.ndarray] = {}
        with self.engine.connect() as conn:
            for batch in _batches(list(chunk_ids)):
                marks = ",".join(str(int(i)) for i in batch)
                rows = conn.execute(
                    text(f"SELECT chunk_id, vector FROM chunk_vectors WHERE chunk_id IN ({marks})")
                )
                out.update(
                    (int(c), np.frombuffer(v, dtype=np.float32))
                    for c, v in rows
                    if len(v) == 4 * int(dim)
                )
        return out


def make_lexical_index(engine: Engine) -> LexicalIndex:
    """The lexical index of ``engine``'s dialect: FTS5 on SQLite, else PostgreSQL's."""
    return Fts5Index(engine) if engine.dialect.name == "sqlite" else PostgresTextIndex(engine)


def make_vector_index(engine: Engine) -> VectorIndex:
    """The vector index of ``engine``'s dialect: sqlite-vec on SQLite, else numpy."""
    return SqliteVecIndex(engine) if engine.dialect.name == "sqlite" else NumpyVectorIndex(engine)
