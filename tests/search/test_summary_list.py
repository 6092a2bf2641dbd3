"""The summary list (``search_summaries = "list"``, devlab.search.summaries.nearest):
the question's nearest stored rerank summaries over the whole snapshot, fused as a third
list in hybrid search. A tiny real index (SQLite, real parser and chunker) with the
bag-of-words hashing embedder of the other ranking tests: these check what the list
holds and how it joins the fusion, not the model's quality (that is
benchmarks/bench_retrieval_large.py's)."""

from __future__ import annotations

import pytest

from devlab.search import SearchRequest, index_project, search
from devlab.search import indexer as indexer_mod
from devlab.search import ranking as ranking_mod
from devlab.search import retrieval as retrieval_mod
from devlab.search import summaries as summaries_mod
from devlab.store import Snapshot
from helpers import SHOP_LIB as LIB
from helpers import HashEmbedder, write_tree


@pytest.fixture
def indexed(bench, tmp_path, monkeypatch):
    embedder = HashEmbedder()
    monkeypatch.setattr(indexer_mod, "get_embedder", lambda settings: embedder)
    monkeypatch.setattr(retrieval_mod, "get_embedder", lambda settings: embedder)
    monkeypatch.setattr(summaries_mod, "_MATRICES", {})
    repo = write_tree(tmp_path / "shop-src", LIB)
    rep = index_project(bench.db, bench.settings, name="shop", source=str(repo))
    assert rep.stats["summaries_embedded"] > 0
    with bench.db.session() as s:
        snapshot_id = max(x.id for x in s.query(Snapshot).all())
    return bench, embedder, snapshot_id


def _symbols(bench, ids):
    metas = retrieval_mod._load_chunks(bench.db, ids)
    return [metas[cid].symbol for cid in ids]


def test_nearest_ranks_every_stored_summary_of_the_snapshot(indexed):
    bench, embedder, snapshot_id = indexed
    query = embedder.embed(["email the customer a receipt"])[0]
    hits = summaries_mod.nearest(bench.db, bench.settings, snapshot_id, embedder.key, query, 50)
    chunks = summaries_mod.snapshot_chunks(bench.db, snapshot_id)
    assert len(hits) == len(chunks)  # every chunk's summary was stored at index time
    assert _symbols(bench, [cid for cid, _ in hits])[0] == "send_receipt"
    sims = [s for _, s in hits]
    assert sims == sorted(sims, reverse=True)
    two = summaries_mod.nearest(bench.db, bench.settings, snapshot_id, embedder.key, query, 2)
    assert two == hits[:2]
    # another model's summaries are not stored: no list (never embedded per question)
    assert summaries_mod.nearest(bench.db, bench.settings, snapshot_id, "other", query, 5) == []


def test_the_matrix_is_built_once_per_snapshot_and_leaves_out_unstored_chunks(indexed, monkeypatch):
    bench, embedder, snapshot_id = indexed
    reads = []
    real = summaries_mod._chunk_summaries
    monkeypatch.setattr(
        summaries_mod, "_chunk_summaries", lambda db, ids: reads.append(ids) or real(db, ids)
    )
    ids, matrix = summaries_mod.summary_matrix(bench.db, bench.settings, snapshot_id, embedder.key)
    assert matrix.shape == (len(ids), embedder.dim) and len(reads) == 1
    summaries_mod.summary_matrix(bench.db, bench.settings, snapshot_id, embedder.key)
    assert len(reads) == 1  # the process keeps it
    # a store that lacks one chunk's summary: that chunk is simply not in the list
    store = summaries_mod.store_for(bench.settings)
    first = summaries_mod._chunk_summaries(bench.db, [int(ids[0])])[0][1]
    conn = store._connect()
    with conn:
        conn.execute(
            "DELETE FROM summary_vectors WHERE key = ?", (summaries_mod._key(embedder.key, first),)
        )
    monkeypatch.setattr(summaries_mod, "_MATRICES", {})
    fewer, _ = summaries_mod.summary_matrix(bench.db, bench.settings, snapshot_id, embedder.key)
    assert int(ids[0]) not in set(fewer.tolist()) and len(fewer) < len(ids)


def test_hybrid_search_fuses_the_summary_list_only_when_asked(indexed, monkeypatch):
    bench, embedder, _ = indexed
    asked = []
    real = summaries_mod.nearest
    monkeypatch.setattr(
        summaries_mod, "nearest", lambda *a, **kw: asked.append(a[3]) or real(*a, **kw)
    )
    on = bench.settings.model_copy(update={"search_summaries": "list"})
    req = SearchRequest(project="shop", query="send the receipt email for an order", limit=3)
    top = search(bench.db, on, req)
    assert top[0].symbol == "send_receipt" and asked == [embedder.key]
    plain = search(bench.db, on.model_copy(update={"search_summaries": "off"}), req)
    lexical = search(bench.db, on, req.model_copy(update={"mode": "lexical"}))
    assert len(asked) == 1 and plain and lexical  # off, and lexical mode: no list
    # the list's vote changes the fused scores (the same chunks, other weights)
    assert [r.score for r in top] != [r.score for r in plain[: len(top)]]


def test_an_unknown_summary_list_setting_is_refused():
    from devlab.config import load_settings
    from devlab.errors import InvalidInput

    with pytest.raises(InvalidInput, match="search_summaries: Input should be 'off' or 'list'"):
        load_settings(search_summaries="nearest")


POOL_CHUNK = (
    "# File: pool/impl.py\n# Class: QueuePool\n# Symbol: QueuePool.checkout (method)\n"
    "def checkout(self):\n"
    '    """Hand out a connection to the caller; wait when every connection is in use,\n'
    "    up to the configured number of extra ones, then give up with an error that\n"
    "    says so. This docstring is long enough to fill the summary on its own, which\n"
    '    is what the rich summary identifier words are for."""\n'
    "    # waiting_room is only a comment\n"
    "    if self._overflow_count >= self.max_overflow:\n"
    "        raise PoolTimeoutError('queue pool limit reached')\n"
    "    return self._queue.get(block=True)\n"
)


def test_rich_summary_adds_the_words_of_the_identifiers_the_code_uses():
    from devlab.search.ranking import rich_summary, summary

    rich = rich_summary(POOL_CHUNK)
    head, _, used = rich.partition(". uses: ")
    assert head == summary(POOL_CHUNK)
    assert used.split() == ["overflow", "count", "max", "timeout", "get", "block"]
    # strings, comments, keywords and words the summary already has stay out
    for absent in ("waiting", "limit", "self", "raise", "checkout", "pool", "queue", "error"):
        assert absent not in used.split()
    assert len(rich_summary(POOL_CHUNK, chars=80)) == 80


def test_the_rich_rerank_answers_from_a_real_index(indexed):
    bench, _, _ = indexed
    rich = bench.settings.model_copy(update={"search_rerank": "rich"})
    req = SearchRequest(project="shop", query="send the receipt email for an order", limit=3)
    assert search(bench.db, rich, req)[0].symbol == "send_receipt"
    compared = [t for _, t in ranking_mod._SUMMARY_VECTORS]  # what the rerank embedded
    assert any(". uses: " in t for t in compared)
    both = rich.model_copy(update={"search_summaries": "list"})
    assert search(bench.db, both, req)[0].symbol == "send_receipt"


def test_the_rich_texts_are_filled_at_index_time_when_the_rich_rerank_is_set(
    bench, tmp_path, monkeypatch
):
    calls: list[int] = []

    class Counting(HashEmbedder):
        def embed(self, texts):
            calls.append(len(texts))
            return super().embed(texts)

    embedder = Counting()
    monkeypatch.setattr(indexer_mod, "get_embedder", lambda settings: embedder)
    monkeypatch.setattr(retrieval_mod, "get_embedder", lambda settings: embedder)
    rich = bench.settings.model_copy(update={"search_rerank": "rich"})
    repo = write_tree(tmp_path / "shop-src", LIB)
    rep = index_project(bench.db, rich, name="shop", source=str(repo))
    assert rep.stats["summaries_embedded"] > 0
    monkeypatch.setattr(ranking_mod, "_SUMMARY_VECTORS", {})  # a new process
    calls.clear()
    req = SearchRequest(project="shop", query="send the receipt email for an order", limit=3)
    assert search(bench.db, rich, req)[0].symbol == "send_receipt"
    assert calls == [1, 1]  # the question only: every rich text was in the store
    again = index_project(bench.db, rich, name="shop", source=str(repo))
    assert again.stats["summaries_embedded"] == 0  # marked done for the rich format
    # the plain summaries are another format: a default ingestion fills them
    plain = index_project(bench.db, bench.settings, name="shop", source=str(repo))
    assert plain.stats["summaries_embedded"] > 0
    with pytest.raises(ValueError, match="unknown summary style 'fancy'"):
        summaries_mod.fill(bench.db, rich, 1, embedder.key, embedder.embed, style="fancy")
