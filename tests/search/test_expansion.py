"""The vocabulary rewrite, consensus feedback and call-graph neighbours
(devlab.search.expansion, ranking.add_neighbours): pure functions on hand-made tables,
then the look-ups on a tiny real index (SQLite, real parser and chunker)."""

from __future__ import annotations

from collections import Counter

import pytest

from devlab.codebase import require_snapshot, resolve_project
from devlab.search import SearchRequest, expansion, index_project, search
from devlab.search.ranking import add_neighbours
from helpers import write_tree


def _vocabulary(n_filler: int = 500) -> expansion.Vocabulary:
    """Four csrf symbols whose docstrings say "forgery", one stray, and filler names."""
    parts = [("csrf", "check"), ("csrf", "token"), ("csrf", "rotat"), ("csrf", "view"), ("log",)]
    parts += [(f"filler{i}",) for i in range(n_filler)]
    postings = {"forgeri": [0, 1, 2, 3, 4], "token": [1, 5]}
    part_df = Counter(p for names in parts for p in names)
    surface = {p: p for names in parts for p in names} | {"rotat": "rotate"}
    return expansion.Vocabulary(postings, parts, part_df, surface)


def test_vocabulary_maps_question_words_to_the_names_their_docstrings_sit_on():
    vocab = _vocabulary()
    assert vocab.terms("reject posts with a forged anti forgery token") == ["csrf"]
    assert vocab.terms("nothing we know") == []
    small = _vocabulary(n_filler=10)  # 15 symbols: "forgery" is on a third, says nothing
    assert small.terms("anti forgery") == []


def test_consensus_terms_need_two_hits_that_share_a_name_part():
    vocab = _vocabulary()
    hits = ["CsrfView.process_view", "csrf_token", None, "log"]
    assert expansion.consensus_terms(vocab, hits, "reject forged posts") == ["csrf"]
    assert expansion.consensus_terms(vocab, hits[2:], "reject forged posts") == []
    assert expansion.consensus_terms(vocab, hits, "csrf checks") == []  # already asked


class _Meta:
    def __init__(self, path, symbol, kind="function"):
        self.path, self.symbol, self.kind, self.content, self.rank = path, symbol, kind, "", 0.0


def test_add_neighbours_passes_a_share_of_each_hit_score_to_its_callers_and_callees():
    metas = {1: _Meta("a.py", "view"), 2: _Meta("a.py", None, "module"), 3: _Meta("b.py", "x")}
    scores = {1: 0.1, 2: 0.2, 3: 0.01}
    asked = []

    def neighbours(hits):
        asked.extend(hits)
        return {("a.py", "view"): [3, 7, 1]}

    out = add_neighbours(scores, metas, neighbours, lambda ids: {7: _Meta("c.py", "check")})
    assert asked == [("a.py", "view"), ("b.py", "x")]  # symbols only, best first
    assert out[3] == pytest.approx(0.01 + 0.3 * 0.1) and out[7] == pytest.approx(0.03)
    assert out[1] == 0.1 and out[2] == 0.2 and 7 in metas


LIB = {
    "shop/mail.py": '''"""Outgoing messages."""


def send_receipt(address, order):
    """Email the customer a receipt for the order."""
    return deliver(address, str(order))


def deliver(address, body):
    """Hand a message to the mail server."""
    return (address, body)


def resend(address, order):
    """Email the receipt again."""
    return send_receipt(address, order)
''',
}


def test_call_neighbours_and_vocabulary_from_a_real_index(bench, tmp_path):
    repo = write_tree(tmp_path / "shop-src", LIB)
    index_project(bench.db, bench.settings, name="shop", source=str(repo), embed=False)
    snap = require_snapshot(resolve_project(bench.db, "shop"))
    found = expansion.call_neighbours(bench.db, snap, [("shop/mail.py", "send_receipt")])
    ids = found[("shop/mail.py", "send_receipt")]
    with bench.db.engine.connect() as conn:
        from sqlalchemy import text

        symbols = {
            cid: sym for cid, sym in conn.execute(text("SELECT id, symbol FROM chunks")).all()
        }
    assert sorted(symbols[i] for i in ids) == ["deliver", "resend"]  # callee and caller
    vocab = expansion.vocabulary(bench.db, snap)
    assert vocab is expansion.vocabulary(bench.db, snap)  # built once per snapshot
    receipt = vocab.postings["receipt"]
    assert sorted(vocab.parts[i] for i in receipt) == [("resend",), ("send", "receipt")]
    calls = bench.settings.model_copy(update={"search_graph": "calls", "search_rerank": "off"})
    req = SearchRequest(project="shop", query="email receipt", mode="hybrid", limit=5)
    assert {r.symbol for r in search(bench.db, calls, req)} >= {"send_receipt", "deliver"}
