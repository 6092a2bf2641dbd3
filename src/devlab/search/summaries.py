"""Summary vectors for the rerank stage, embedded at index time and kept on disk.

The summary rerank (``ranking.rerank``, on by default) compares the question with a
short summary of each of the top 50 candidates. Embedding those summaries per query
cost 1-4 s on a large codebase's first questions (docs/benchmarks.md, issue 14), most
of a CLI search's time. So ``fill`` embeds every chunk's summary once, when the
snapshot's chunk vectors are filled, and ``SummaryStore`` keeps them in a small SQLite
file in the home's cache directory (``summary-vectors-v2.sqlite``), keyed by a hash of
(model key, summary text): content-addressed, so a changed chunk simply has a new key,
unchanged code in a new snapshot reuses its vector, and nothing needs invalidating. A
summary missing from the store (an index filled before this store existed, a store
that cannot be opened) is embedded at query time as before, then saved.

Re-ingesting an unchanged tree must not redo that work: computing 12,000 summaries
and looking each up took a second at load 1 and ~10 s at load 10 on Django, most of an
unchanged re-index. So the store also records which chunks are done: a second table
keyed by a hash of (model, summary format, the chunk's ``content_hash``), written once
a chunk's summary vector is stored. ``fill`` reads only the snapshot's chunk hashes,
skips the chunks marked done and reads, summarises and looks up only the rest (new
or changed files' chunks). A marker can only be stale if ``ranking.summary`` changes
without ``SUMMARY_FORMAT`` changing; the rerank then embeds the missing summary per
query, as for any miss: slower, never wrong.

The file holds half-precision vectors (768 bytes for MiniLM's 384 dimensions; a
cosine moves by under 0.0001, measured on Django's summaries) and 16-byte hashes, no
text. A store that cannot be read or written (read-only home, a corrupt file) acts as
empty: the rerank still works, only slower; the first failure is logged.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import bindparam, text

from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.search import ranking
from devlab.store import Database, crypto

log = logging.getLogger(__name__)

STORE_NAME = "summary-vectors-v2.sqlite"  # v2: half-precision vectors, rowid table
FILL_BATCH = 256  # summaries embedded (and committed) at a time
_LOOKUP_BATCH = 500  # keys per SELECT (under SQLite's variable limit)


def _select_in(conn: sqlite3.Connection, select: str, keys: Iterable[bytes]) -> Iterator[tuple]:
    """The rows of ``select ... WHERE key IN (...)`` over ``keys``, a batch at a time."""
    items = list(keys)
    for i in range(0, len(items), _LOOKUP_BATCH):
        part = items[i : i + _LOOKUP_BATCH]
        yield from conn.execute(f"{select} WHERE key IN ({','.join('?' * len(part))})", part)


# what ranking.summary makes of a chunk: change it when the summary's text changes
SUMMARY_FORMAT = f"summary-v1:{ranking.SUMMARY_CHARS}"
# the rich rerank's text (ranking.rich_summary, ``search_rerank = "rich"``), filled alike
RICH_FORMAT = f"rich-v1:{ranking.RICH_CHARS}"
_STYLES: dict[str, tuple[str, str]] = {  # style -> (ranking's function, format)
    "summary": ("summary", SUMMARY_FORMAT),
    "rich": ("rich_summary", RICH_FORMAT),
}


def _key(model: str, summary_text: str) -> bytes:
    return hashlib.blake2b(f"{model}\0{summary_text}".encode(), digest_size=16).digest()


def _chunk_key(model: str, content_hash: str, fmt: str = SUMMARY_FORMAT) -> bytes:
    """The done-marker key of a chunk (by its stored content's hash) for ``model`` and
    summary format ``fmt``."""
    data = f"{model}\0{fmt}\0{content_hash}".encode()
    return hashlib.blake2b(data, digest_size=16).digest()


class SummaryStore:
    """(model, summary text) -> unit vector, in one SQLite file (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._broken = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS summary_vectors "
                    "(key BLOB PRIMARY KEY, vec BLOB NOT NULL)"
                )
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS filled_chunks (key BLOB PRIMARY KEY) WITHOUT ROWID"
                )
                self._conn = conn
            except (OSError, sqlite3.Error) as exc:
                self._fail(exc)
        return self._conn

    def _fail(self, exc: Exception) -> None:
        if not self._broken:
            log.warning("summary store %s unusable (%s): embedding per query", self.path, exc)
        self._broken = True
        self._conn = None

    def get(self, model: str, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those ``texts`` that have one."""
        keys = {_key(model, t): t for t in dict.fromkeys(texts)}
        found: dict[str, np.ndarray] = {}
        with self._lock:
            conn = self._connect()
            if conn is None:
                return found
            try:
                for key, vec in _select_in(conn, "SELECT key, vec FROM summary_vectors", keys):
                    found[keys[key]] = np.frombuffer(vec, dtype=np.float16).astype(np.float32)
            except sqlite3.Error as exc:
                self._fail(exc)
        return found

    def put(self, model: str, pairs: Sequence[tuple[str, np.ndarray]]) -> None:
        """Save (summary text, vector) pairs; existing keys are kept."""
        if not pairs:
            return
        rows = [(_key(model, t), np.asarray(v, dtype=np.float16).tobytes()) for t, v in pairs]
        self._insert("INSERT OR IGNORE INTO summary_vectors VALUES (?, ?)", rows)

    def _insert(self, sql: str, rows: list[tuple]) -> None:
        """``sql`` over ``rows`` in one transaction; an unusable store drops them."""
        with self._lock:
            conn = self._connect()
            if conn is None:
                return
            try:
                with conn:
                    conn.executemany(sql, rows)
            except sqlite3.Error as exc:
                self._fail(exc)

    def filled(
        self, model: str, content_hashes: Iterable[str], fmt: str = SUMMARY_FORMAT
    ) -> set[str]:
        """Those chunk ``content_hashes`` whose summary vector for ``model`` is stored
        (marked by ``mark_filled``); an unusable store has none."""
        keys = {_chunk_key(model, h, fmt): h for h in dict.fromkeys(content_hashes)}
        found: set[str] = set()
        with self._lock:
            conn = self._connect()
            if conn is None:
                return found
            try:
                rows = _select_in(conn, "SELECT key FROM filled_chunks", keys)
                found.update(keys[row[0]] for row in rows)
            except sqlite3.Error as exc:
                self._fail(exc)
        return found

    def mark_filled(
        self, model: str, content_hashes: Iterable[str], fmt: str = SUMMARY_FORMAT
    ) -> None:
        """Record that these chunks' summary vectors for ``model`` are stored."""
        rows = [(_chunk_key(model, h, fmt),) for h in dict.fromkeys(content_hashes)]
        if rows:
            self._insert("INSERT OR IGNORE INTO filled_chunks VALUES (?)", rows)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


_STORES: dict[Path, SummaryStore] = {}
_STORES_LOCK = threading.Lock()


def store_for(settings: Settings) -> SummaryStore:
    """The home's summary store, opened once per process."""
    path = settings.cache_dir / STORE_NAME
    with _STORES_LOCK:
        if path not in _STORES:
            _STORES[path] = SummaryStore(path)
        return _STORES[path]


def snapshot_chunks(db: Database, snapshot_id: int) -> list[tuple[int, str]]:
    """(chunk id, content hash) of the snapshot's chunks, in chunk order."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.id, c.content_hash FROM chunks c JOIN snapshot_files sf "
                "ON sf.file_id = c.file_id WHERE sf.snapshot_id = :s ORDER BY c.id"
            ),
            {"s": snapshot_id},
        ).all()
    return [(int(cid), str(digest)) for cid, digest in rows]


def _summaries(
    db: Database, chunk_ids: list[int], describe: Callable[[str], str] | None = None
) -> list[str]:
    """The distinct summaries of chunks ``chunk_ids`` (their content decrypted)."""
    return list(dict.fromkeys(summary for _, summary in _chunk_summaries(db, chunk_ids, describe)))


def fill(
    db: Database,
    settings: Settings,
    snapshot_id: int,
    model: str,
    embed: Callable[[list[str]], np.ndarray],
    progress: ProgressFn | None = None,
    style: str = "summary",
) -> int:
    """Embed the summaries of the snapshot's chunks that the store lacks (see the
    module docstring); chunks marked done are not read at all. ``style`` is the
    rerank's text: "summary" (ranking.summary) or "rich" (ranking.rich_summary, the
    summary plus the code's identifier words). Returns how many were embedded."""
    if style not in _STYLES:
        raise ValueError(f"unknown summary style {style!r}: use one of {sorted(_STYLES)}")
    name, fmt = _STYLES[style]
    describe = getattr(ranking, name)  # looked up now: the module's current function
    chunks = snapshot_chunks(db, snapshot_id)
    store = store_for(settings)
    done = store.filled(model, (digest for _, digest in chunks), fmt)
    pending = [(cid, digest) for cid, digest in chunks if digest not in done]
    if not pending:
        return 0
    texts = _summaries(db, [cid for cid, _ in pending], describe)
    have = store.get(model, texts)
    todo = [t for t in texts if t not in have]
    for start in range(0, len(todo), FILL_BATCH):
        part = todo[start : start + FILL_BATCH]
        store.put(model, list(zip(part, embed(part), strict=True)))
        finished = min(start + FILL_BATCH, len(todo))
        report(progress, "summaries", finished, len(todo), f"rerank summaries, {model}")
    store.mark_filled(model, (digest for _, digest in pending), fmt)
    return len(todo)


# The summary list (``search_summaries = "list"``): the question's nearest summaries over
# the whole snapshot, a third ranked list for the hybrid fusion. The vectors are the ones
# ``fill`` stored at index time (the default rerank needs them anyway), gathered once per
# process into one matrix per (database, snapshot, model); a chunk whose summary vector
# is not stored yet is left out of the list (never embedded here: a question would pay
# for the whole snapshot).
_MATRICES: dict[tuple[str, int, str], tuple[np.ndarray, np.ndarray]] = {}
_MATRICES_KEPT = 4  # snapshots kept per process (a running server serves a few projects)


def _chunk_summaries(
    db: Database, chunk_ids: list[int], describe: Callable[[str], str] | None = None
) -> list[tuple[int, str]]:
    """(chunk id, its summary) for ``chunk_ids`` (content decrypted), in id order;
    ``describe`` makes the summary (``ranking.summary`` when None)."""
    describe = describe or ranking.summary
    out: list[tuple[int, str]] = []
    with db.engine.connect() as conn:
        for i in range(0, len(chunk_ids), _LOOKUP_BATCH):
            part = chunk_ids[i : i + _LOOKUP_BATCH]
            rows = conn.execute(
                text("SELECT id, content FROM chunks WHERE id IN :ids ORDER BY id").bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"ids": part},
            )
            out.extend((int(r[0]), describe(crypto.decrypt(r[1]))) for r in rows)
    return out


def summary_matrix(
    db: Database, settings: Settings, snapshot_id: int, model: str
) -> tuple[np.ndarray, np.ndarray]:
    """(chunk ids, their unit summary vectors as rows) of the snapshot's chunks whose
    summary vector for ``model`` is stored; built once per process and snapshot."""
    key = (str(db.engine.url), snapshot_id, model)
    with _STORES_LOCK:
        if key in _MATRICES:
            return _MATRICES[key]
    pairs = _chunk_summaries(db, [cid for cid, _ in snapshot_chunks(db, snapshot_id)])
    vecs = store_for(settings).get(model, (t for _, t in pairs))
    kept = [(cid, vecs[t]) for cid, t in pairs if t in vecs]
    ids = np.array([cid for cid, _ in kept], dtype=np.int64)
    matrix = (
        np.vstack([v for _, v in kept]).astype(np.float32)
        if kept
        else np.zeros((0, 0), dtype=np.float32)
    )
    with _STORES_LOCK:
        if len(_MATRICES) >= _MATRICES_KEPT:
            _MATRICES.pop(next(iter(_MATRICES)))
        _MATRICES[key] = (ids, matrix)
    return ids, matrix


def nearest(
    db: Database,
    settings: Settings,
    snapshot_id: int,
    model: str,
    query_vector: np.ndarray,
    k: int,
) -> list[tuple[int, float]]:
    """The ``k`` chunks whose stored summary is nearest ``query_vector`` (cosine, best
    first); empty when the snapshot has no stored summary vectors for ``model``."""
    ids, matrix = summary_matrix(db, settings, snapshot_id, model)
    if not len(ids) or k <= 0:
        return []
    sims = matrix @ np.asarray(query_vector, dtype=np.float32)
    k = min(k, len(ids))
    top = np.argpartition(-sims, k - 1)[:k]
    top = top[np.lexsort((ids[top], -sims[top]))]
    return [(int(ids[i]), float(sims[i])) for i in top]
