"""The query-side adapter (devlab.search.adapter): its pairs, its training, and a real
index (SQLite, real parser and chunker) that trains it at ingestion, reuses it on an
unchanged re-index and applies it to the query vector.

The embedder is a bag-of-words hashing embedder patched in for speed. The project is
written so that docstrings and code use two vocabularies that share no word
("erase the customer entry" documents ``client_store.delete``): a plain bag-of-words
query cannot reach undocumented code, a linear map learnt from the documented code's
own pairs can. The packaged model's gain is measured by the benchmark
(benchmarks/bench_retrieval_large.py), not here."""

from __future__ import annotations

import numpy as np
import pytest

from devlab.search import SearchRequest, index_project, search
from devlab.search import adapter as adapter_mod
from devlab.search import indexer as indexer_mod
from devlab.search import retrieval as retrieval_mod
from devlab.search.adapter import first_sentence, fit, pair_mrr, strip_docstring
from helpers import HashEmbedder, write_tree

VERBS = {"erase": "delete", "fetch": "load", "keep": "save", "draw": "render", "audit": "verify"}
NOUNS = {
    "customer": "client",
    "invoice": "bill",
    "shipment": "parcel",
    "employee": "worker",
    "warehouse": "depot",
    "coupon": "voucher",
}


def _project(undocumented: bool = True) -> dict[str, str]:
    """30 modules of documented functions (docstring words never in the code), and a
    module of undocumented ones the questions look for."""
    files: dict[str, str] = {}
    combos = [(dv, cv, dn, cn) for dv, cv in VERBS.items() for dn, cn in NOUNS.items()]
    for m in range(30):
        body = []
        for j in range(5):
            dv, cv, dn, cn = combos[(m * 5 + j) % len(combos)]
            body.append(
                f"def {cv}_{cn}_{m}_{j}(key):\n"
                f'    """{dv.capitalize()} one {dn} entry.\n\n    More words here.\n    """\n'
                f"    found = {cn}_store.{cv}(key)\n"
                f"    return found\n"
            )
        files[f"pkg/m{m}.py"] = "\n\n".join(body)
    if undocumented:
        files["pkg/plain.py"] = (
            "def delete_client_records(ids):\n    gone = client_store.delete(ids)\n"
            "    return gone\n\n\n"
            "def render_depot_map(area):\n    shown = depot_store.render(area)\n"
            "    return shown\n"
        )
    return files


def test_first_sentence_and_docstring_removal():
    assert first_sentence("Erase one customer entry.\n\nMore.") == "Erase one customer entry."
    assert first_sentence("Short.") is None  # says too little
    assert first_sentence("Return the value of the\n  setting, or a default") == (
        "Return the value of the setting, or a default"
    )
    chunk = (
        "# File: pkg/m.py\n# Symbol: f (function)\n"
        'def f(key):\n    """Erase one customer entry."""\n    x = store.delete(key)\n'
        "    return x\n"
    )
    stripped = strip_docstring(chunk, "Erase one customer entry.")
    assert stripped is not None
    assert "Erase" not in stripped and "store.delete(key)" in stripped
    assert stripped.startswith("# File: pkg/m.py")  # the header stays
    # a docstring that is still there after removal (an unknown form): no pair
    odd = "# File: a.py\ndef g():\n    # Erase one customer entry.\n    return 1\n"
    assert strip_docstring(odd.replace("#", "'", 2), "Erase one customer entry.") is None
    # nothing but a signature left: no pair
    assert strip_docstring('def h():\n    """Does h."""\n', "Does h.") is None


def test_fit_learns_a_rotation_the_identity_cannot_see():
    rng = np.random.default_rng(1)
    dim, n = 24, 300
    chunks = rng.normal(size=(n, dim)).astype(np.float32)
    chunks /= np.linalg.norm(chunks, axis=1, keepdims=True)
    rotation, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    queries = (chunks @ rotation.T).astype(np.float32)  # q = R c: W = R^T answers
    positives = np.arange(n)
    plain = pair_mrr(None, queries[200:], chunks, positives[200:])
    w = fit(queries[:200], chunks, positives[:200], strength=0.001, steps=300)
    adapted = pair_mrr(w, queries[200:], chunks, positives[200:])  # pairs never trained on
    assert plain < 0.2 < 0.8 < adapted
    strong = fit(queries[:200], chunks, positives[:200], strength=100.0, steps=300)
    assert np.abs(strong - np.eye(dim)).max() < 0.05  # a hard pull keeps the identity


@pytest.fixture
def hashed(bench, tmp_path, monkeypatch):
    embedder = HashEmbedder()
    monkeypatch.setattr(indexer_mod, "get_embedder", lambda settings: embedder)
    monkeypatch.setattr(retrieval_mod, "get_embedder", lambda settings: embedder)
    monkeypatch.setattr(adapter_mod, "MIN_PAIRS", 40)
    monkeypatch.setattr(adapter_mod, "STRENGTHS", (0.01, 1.0))  # two, so the choice is made
    monkeypatch.setattr(adapter_mod, "STEPS", 100)
    settings = bench.settings.model_copy(
        update={"search_adapter": "codebase", "search_rerank": "off"}
    )
    return bench, settings, tmp_path


def _rank(bench, settings, query, symbol):
    req = SearchRequest(project="shop", query=query, mode="semantic", limit=50)
    found = [r.symbol for r in search(bench.db, settings, req)]
    return found.index(symbol) + 1 if symbol in found else None


@pytest.mark.slow  # two ingestions and a training: about 8 s at load 8
def test_adapter_is_trained_at_ingestion_reused_and_applied(hashed, monkeypatch):
    bench, settings, tmp_path = hashed
    repo = write_tree(tmp_path / "shop-src", _project())
    rep = index_project(bench.db, settings, name="shop", source=str(repo))
    info = rep.stats["search_adapter"]
    assert info["state"] == "trained", info
    assert info["pairs"] >= 140 and info["reused"] is False
    assert info["validation_mrr"] >= info["validation_mrr_plain"] + adapter_mod.MIN_GAIN
    assert info["distance_from_identity"] > 0.1  # it learnt something, not the identity
    assert (adapter_mod.adapter_dir(settings) / info["file"]).is_file()
    # undocumented code, asked for in the docstrings' words: only the adapter bridges
    # (the documented code, whose chunks hold the question's words, stays above it)
    off = settings.model_copy(update={"search_adapter": "off"})
    question = "erase customer entry"
    assert _rank(bench, off, question, "delete_client_records") is None
    found = _rank(bench, settings, question, "delete_client_records")
    assert found is not None
    # an unchanged re-index finds the adapter: nothing is trained or embedded for it
    monkeypatch.setattr(adapter_mod, "fit", lambda *a, **k: pytest.fail("trained again"))
    again = index_project(bench.db, settings, name="shop", source=str(repo))
    assert again.stats["search_adapter"]["reused"] is True
    assert again.stats["search_adapter"]["file"] == info["file"]
    assert _rank(bench, settings, question, "delete_client_records") == found


def test_too_few_pairs_means_no_adapter_and_plain_search(hashed):
    bench, settings, tmp_path = hashed
    small = {k: v for k, v in _project().items() if k in ("pkg/m0.py", "pkg/plain.py")}
    repo = write_tree(tmp_path / "tiny-src", small)
    rep = index_project(bench.db, settings, name="shop", source=str(repo))
    info = rep.stats["search_adapter"]
    assert info["state"] == "too-few-pairs" and info["file"] is None
    assert info["pairs"] == 5 and info["min_pairs"] == 40
    off = settings.model_copy(update={"search_adapter": "off"})
    q = "delete client records"
    assert (
        _rank(bench, settings, q, "delete_client_records")
        == _rank(bench, off, q, "delete_client_records")
        == 1
    )


def test_a_snapshot_indexed_with_the_setting_off_answers_without_adapter(hashed):
    bench, settings, tmp_path = hashed
    off = settings.model_copy(update={"search_adapter": "off"})
    repo = write_tree(tmp_path / "shop-src", _project())
    rep = index_project(bench.db, off, name="shop", source=str(repo))
    assert "search_adapter" not in rep.stats
    assert _rank(bench, settings, "erase customer entry", "delete_client_records") is None
    assert not adapter_mod.adapter_dir(settings).exists()
