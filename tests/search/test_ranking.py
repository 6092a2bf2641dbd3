"""The optional ranking stages (devlab.search.ranking) and the embedding-text styles
(devlab.search.embedtext): pure functions, then a tiny real index (SQLite, real
parser and chunker) searched with each stage on.

The index's embedder is a bag-of-words hashing embedder patched in for speed: these
tests check how the stages combine rankings, not the model's quality (the packaged
model's ranking is measured by benchmarks/bench_retrieval_large.py)."""

from __future__ import annotations

import numpy as np
import pytest

from devlab.errors import InvalidInput
from devlab.search import SearchRequest, index_project, search
from devlab.search import indexer as indexer_mod
from devlab.search import ranking as ranking_mod
from devlab.search import retrieval as retrieval_mod
from devlab.search import summaries as summaries_mod
from devlab.search.embedtext import (
    context_line,
    embedding_text,
    index_key,
    model_of_key,
    words,
)
from devlab.search.ranking import (
    definition_factor,
    diversify,
    expand,
    feedback_terms,
    name_ranks,
    name_score,
    query_stems,
    rerank,
    summary,
)
from helpers import SHOP_LIB as LIB
from helpers import HashEmbedder, write_tree

METHOD_CHUNK = (
    "# File: django/db/models/query.py\n# Class: QuerySet\n"
    "# Symbol: QuerySet.select_related (method)\n"
    "def select_related(self, *fields):\n"
    '    """Return a new QuerySet instance that will select related objects."""\n'
    "    obj = self._chain()\n"
)


def test_context_line_names_kind_class_and_module_in_words():
    assert words("QuerySet.select_related") == "query set select related"
    line = context_line(METHOD_CHUNK)
    assert line == ("method: select related, of class query set, in module django db models query")
    module_chunk = "# File: pkg/http_client.py\n# Module-level code\nimport os\n"
    assert context_line(module_chunk) == "code in module pkg http client"
    assert context_line("no header here\n") == ""


def test_embedding_text_styles_and_index_keys():
    assert embedding_text(METHOD_CHUNK, 60, "head") == METHOD_CHUNK[:60]
    ctx = embedding_text(METHOD_CHUNK, 2000, "context")
    assert ctx.startswith("method: select related") and ctx.endswith(METHOD_CHUNK)
    assert len(embedding_text(METHOD_CHUNK, 50, "context")) == 50
    assert embedding_text("plain text", 100, "context") == "plain text"
    assert index_key("onnx:m:384", "head") == "onnx:m:384"  # old indexes keep their key
    assert model_of_key(index_key("onnx:m:384", "context")) == "onnx:m:384"


def test_feedback_terms_adds_the_first_distinct_leaf_names():
    syms = ["QuerySet.select_related", None, "QuerySet.select_related", "Query.add_q", "_private"]
    assert feedback_terms(syms, "follow keys", hits=2) == "follow keys select_related add_q"
    assert feedback_terms([None], "q") == "q"


def test_summary_keeps_signature_and_doc_without_header():
    text = summary(METHOD_CHUNK, chars=2000)
    assert text.startswith("method: select related, of class query set")
    assert "def select_related(self, *fields):" in text and "# File:" not in text
    assert len(summary(METHOD_CHUNK, chars=40)) == 40


class _Meta:
    def __init__(self, path, symbol, content="", rank=0.0, kind="method"):
        self.path, self.symbol, self.content, self.rank, self.kind = (
            path,
            symbol,
            content,
            rank,
            kind,
        )


def test_rerank_moves_the_candidate_whose_summary_matches_up_and_keeps_the_tail():
    metas = {
        1: _Meta("a.py", "parse_header", "# File: a.py\n# Symbol: parse_header (function)\n"),
        2: _Meta("b.py", "send_mail", "# File: b.py\n# Symbol: send_mail (function)\n"),
        3: _Meta("c.py", "unrelated", "# File: c.py\n# Symbol: unrelated (function)\n"),
    }
    out = rerank([1, 3, 2], metas, "send mail", HashEmbedder().embed, depth=2)
    assert [cid for _, cid in out] == [1, 3, 2]  # 2 is below the depth: left in place
    out = rerank([1, 3, 2], metas, "send mail", HashEmbedder().embed, depth=3)
    assert [cid for _, cid in out] == [1, 2, 3]  # fused: first rank 3 + summary rank 1
    assert [s for s, _ in out] == sorted((s for s, _ in out), reverse=True)
    assert rerank([], metas, "x", HashEmbedder().embed) == []


def test_expand_rewards_agreeing_family_and_adds_the_missed_class():
    metas = {
        1: _Meta("q.py", "QuerySet.filter"),
        2: _Meta("q.py", "QuerySet.exclude"),
        3: _Meta("x.py", "other"),
    }
    scores = {1: 0.10, 2: 0.08, 3: 0.12}
    asked = []

    def class_chunks(wanted):
        asked.extend(wanted)
        return {("q.py", "QuerySet"): (9, _Meta("q.py", "QuerySet", kind="class"))}

    out = expand(scores, metas, class_chunks)
    assert asked == [("q.py", "QuerySet")]
    assert out[1] > out[3] and out[2] > 0.08  # the two QuerySet methods agree
    assert 9 in out and 9 in metas and out[9] == pytest.approx(0.5 * 0.10)


@pytest.fixture
def hashed(bench, tmp_path, monkeypatch):
    embedder = HashEmbedder()
    monkeypatch.setattr(indexer_mod, "get_embedder", lambda settings: embedder)
    monkeypatch.setattr(retrieval_mod, "get_embedder", lambda settings: embedder)
    repo = write_tree(tmp_path / "shop-src", LIB)
    return bench, repo


def _search(bench, settings, query, **kw):
    return search(bench.db, settings, SearchRequest(project="shop", query=query, **kw))


def test_each_stage_answers_from_a_real_index(hashed):
    bench, repo = hashed
    rep = index_project(bench.db, bench.settings, name="shop", source=str(repo))
    assert rep.stats["embedding_model"] == "hash:test:256"
    stages = [
        {},
        {"search_rewrite": "feedback"},
        {"search_rerank": "summary"},
        {"search_graph": "expand"},
        {"search_rewrite": "feedback", "search_rerank": "summary", "search_graph": "expand"},
        {"search_names": "field"},
        {"search_diversity": "family"},
        {"search_names": "field", "search_diversity": "family", "search_rerank": "summary"},
        {"search_definitions": "prefer"},
        {"search_rewrite": "vocabulary"},
        {"search_rewrite": "consensus", "search_graph": "calls"},
    ]
    for update in stages:
        settings = bench.settings.model_copy(update=update)
        top = _search(bench, settings, "send the receipt email for an order", limit=3)
        # feedback rewriting adds other symbols' names to the keyword query: it may lift
        # one of them above the answer (PostgreSQL's ranking does here), never drop it
        within = 3 if update.get("search_rewrite") == "feedback" else 1
        names = [r.symbol for r in top][:within]
        assert "send_receipt" in names, (update, top)
        assert len({(r.path, r.start_line) for r in top}) == len(top)
    expanded = bench.settings.model_copy(update={"search_graph": "expand"})
    hits = _search(bench, expanded, "add item total price", limit=5)
    assert "Cart" in [r.symbol for r in hits]  # the class of the two methods that matched
    kinds = _search(bench, expanded, "add item total price", kind="method", limit=5)
    assert {r.kind for r in kinds} == {"method"}  # filters still apply to added chunks


def test_a_new_text_style_reembeds_and_old_indexes_stay_searchable(hashed):
    bench, repo = hashed
    index_project(bench.db, bench.settings, name="shop", source=str(repo))
    context = bench.settings.model_copy(update={"embedding_text": "context"})
    assert _search(bench, context, "receipt")  # same model, other style: usable
    rep = index_project(bench.db, context, name="shop", source=str(repo))
    assert rep.stats["embedding_model"] == "hash:test:256+text=context"
    assert rep.stats["embedded"] == rep.chunks  # every vector recomputed in the new style
    again = index_project(bench.db, context, name="shop", source=str(repo))
    assert again.stats["embedded"] == 0
    assert _search(bench, bench.settings, "receipt")[0].symbol == "send_receipt"


def test_another_model_is_still_refused(hashed, monkeypatch):
    bench, repo = hashed
    index_project(bench.db, bench.settings, name="shop", source=str(repo))
    other = HashEmbedder()
    other.key = "hash:other:256"
    monkeypatch.setattr(retrieval_mod, "get_embedder", lambda settings: other)
    with pytest.raises(InvalidInput, match="re-ingest"):
        _search(bench, bench.settings, "receipt", mode="semantic")


def test_unknown_stage_or_style_is_a_clear_settings_error():
    from devlab.config import load_settings

    with pytest.raises(InvalidInput, match="search_rerank"):
        load_settings(search_rerank="cross-encoder")
    with pytest.raises(InvalidInput, match="embedding_text"):
        load_settings(embedding_text="everything")


def test_name_field_scores_the_leaf_name_first_then_class_and_module():
    stems = query_stems("how are passwords hashed and checked against the stored hash")
    assert {"password", "hash", "check"} <= stems and "how" not in stems
    check = _Meta("auth/hashers.py", "check_password", kind="function")
    encode = _Meta("auth/hashers.py", "MD5PasswordHasher.encode")
    other = _Meta("core/paginator.py", "Paginator.page")
    assert name_score(check, stems) > name_score(encode, stems) > 0  # class part counts less
    assert name_score(other, stems) == 0
    assert name_ranks({1: encode, 2: check, 3: other}, "passwords checked") == {2: 1, 1: 2}
    assert name_ranks({1: check}, "the of") == {}  # nothing but stop words: no list


def test_definition_factor_lowers_module_code_and_test_files():
    assert definition_factor(_Meta("pkg/core.py", "run", kind="function")) == 1.0
    assert definition_factor(_Meta("pkg/__init__.py", None, kind="module")) == 0.5
    for path in ("tests/test_core.py", "pkg/test_core.py", "src/core_test.go", "a/b.spec.ts"):
        assert definition_factor(_Meta(path, "f", kind="function")) == 0.5, path
    assert definition_factor(_Meta("django/test/testcases.py", "f", kind="function")) == 1.0


def test_diversify_lowers_each_further_member_of_a_family():
    metas = {
        1: _Meta("p.py", "Page.a"),
        2: _Meta("p.py", "Page.b"),
        3: _Meta("p.py", "Page.c"),
        4: _Meta("q.py", "Paginator", kind="class"),
    }
    out = diversify([(1.0, 1), (0.9, 2), (0.8, 3), (0.7, 4)], metas, decay=0.5)
    assert [cid for _, cid in out] == [1, 4, 2, 3]
    assert [s for s, _ in out] == pytest.approx([1.0, 0.7, 0.45, 0.2])


class _CountingEmbedder(HashEmbedder):
    def __init__(self):
        self.calls: list[int] = []

    def embed(self, texts):
        self.calls.append(len(texts))
        return super().embed(texts)


def test_summaries_are_embedded_at_index_time_and_read_by_the_rerank(bench, tmp_path, monkeypatch):
    embedder = _CountingEmbedder()
    monkeypatch.setattr(indexer_mod, "get_embedder", lambda settings: embedder)
    monkeypatch.setattr(retrieval_mod, "get_embedder", lambda settings: embedder)
    repo = write_tree(tmp_path / "shop-src", LIB)
    rep = index_project(bench.db, bench.settings, name="shop", source=str(repo))
    assert rep.stats["summaries_embedded"] > 0
    assert (bench.settings.cache_dir / summaries_mod.STORE_NAME).is_file()
    monkeypatch.setattr(ranking_mod, "_SUMMARY_VECTORS", {})  # a new process: nothing in memory
    embedder.calls.clear()
    top = _search(bench, bench.settings, "send the receipt email for an order", limit=3)
    assert top[0].symbol == "send_receipt"
    assert embedder.calls == [1, 1]  # the query for the vector search and for the rerank
    again = index_project(bench.db, bench.settings, name="shop", source=str(repo))
    assert again.stats["summaries_embedded"] == 0  # content-addressed: nothing new


def test_an_unusable_summary_store_only_costs_time(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the store's directory should be")
    store = summaries_mod.SummaryStore(blocker / "summary-vectors.sqlite")
    assert store.get("m", ["x"]) == {}
    store.put("m", [("x", np.ones(4, dtype=np.float32))])  # no error, nothing kept
    metas = {
        1: _Meta("a.py", "parse_header", "# File: a.py\n# Symbol: parse_header (function)\n"),
        2: _Meta("b.py", "send_mail", "# File: b.py\n# Symbol: send_mail (function)\n"),
        3: _Meta("c.py", "unrelated", "# File: c.py\n# Symbol: unrelated (function)\n"),
    }
    out = rerank([1, 3, 2], metas, "send mail", HashEmbedder().embed, model="m2", store=store)
    assert [cid for _, cid in out] == [1, 2, 3]  # embedded per query, as without a store
    kept = summaries_mod.SummaryStore(tmp_path / "ok.sqlite")
    kept.put("m", [("x", np.ones(4, dtype=np.float32))])
    assert list(kept.get("m", ["x", "y"])) == ["x"] and kept.get("other", ["x"]) == {}
    kept.close()


def test_definitions_preference_puts_the_code_above_its_test(bench, tmp_path, monkeypatch):
    embedder = HashEmbedder()
    monkeypatch.setattr(indexer_mod, "get_embedder", lambda settings: embedder)
    monkeypatch.setattr(retrieval_mod, "get_embedder", lambda settings: embedder)
    tree = {
        **LIB,
        "tests/test_mail.py": (
            "from shop.mail import send_receipt\n\n\n"
            "def test_send_receipt_email_order():\n"
            '    """Send the receipt email for an order: the receipt reaches the address."""\n'
            "    receipt = send_receipt('a@b.c', 'order')  # receipt email order\n"
            "    assert receipt\n"
        ),
    }
    repo = write_tree(tmp_path / "shop-src", tree)
    index_project(bench.db, bench.settings, name="shop", source=str(repo))
    plain = bench.settings.model_copy(update={"search_rerank": "off", "search_definitions": "off"})
    query = "send the receipt email for an order"
    before = [r.path for r in _search(bench, plain, query, limit=2)]
    assert "tests/test_mail.py" in before  # the test repeats every word (first on SQLite)
    prefer = plain.model_copy(update={"search_definitions": "prefer"})
    after = _search(bench, prefer, query, limit=2)
    assert (after[0].path, after[0].symbol) == ("shop/mail.py", "send_receipt")


def test_reindexing_unchanged_code_skips_its_summaries(bench, tmp_path, monkeypatch):
    embedder = _CountingEmbedder()
    monkeypatch.setattr(indexer_mod, "get_embedder", lambda settings: embedder)
    repo = write_tree(tmp_path / "shop-src", LIB)
    first = index_project(bench.db, bench.settings, name="shop", source=str(repo))
    assert first.stats["summaries_embedded"] > 0
    made: list[str] = []
    real_summary = ranking_mod.summary

    def counting_summary(content: str, chars: int = ranking_mod.SUMMARY_CHARS) -> str:
        made.append(content)
        return real_summary(content, chars)

    monkeypatch.setattr(ranking_mod, "summary", counting_summary)
    again = index_project(bench.db, bench.settings, name="shop", source=str(repo))
    assert again.stats["summaries_embedded"] == 0
    assert made == []  # no chunk of an unchanged tree was read or summarised
    mail = repo / "shop" / "mail.py"
    mail.write_text(mail.read_text() + "\n\ndef refund(order):\n    return order\n")
    changed = index_project(bench.db, bench.settings, name="shop", source=str(repo))
    assert made and all(c.startswith("# File: shop/mail.py") for c in made)
    assert changed.stats["summaries_embedded"] >= 1  # refund's summary is new
    store = summaries_mod.store_for(bench.settings)
    store.close()
    (bench.settings.cache_dir / summaries_mod.STORE_NAME).unlink()  # markers go with it
    made.clear()
    refilled = index_project(bench.db, bench.settings, name="shop", source=str(repo))
    assert refilled.stats["summaries_embedded"] == first.stats["summaries_embedded"] + 1
    assert len(made) == refilled.chunks
