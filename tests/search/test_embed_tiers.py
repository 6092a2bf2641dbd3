"""The two-tier first index (issue 18): a static vector for every chunk at once, then
the configured model's vectors in PageRank order; searches in between rank each chunk
by its own model's vector, and a completed fill searches exactly as a one-tier index.

Real SQLite, the real parser and the real packaged all-MiniLM-L6-v2. The static model
of the model test is built from MiniLM's own input token embeddings (a real model2vec
``StaticModel`` over MiniLM's vocabulary, made in well under a second) and put where
the distillation leaves its result: the distillation itself (every vocabulary token
through MiniLM, a minute or more on two cores) is what benchmarks/bench_first_index.py
runs, not the suite."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from devlab.codebase import project_info
from devlab.errors import ComponentUnavailable, InvalidInput
from devlab.search import SearchRequest, index_project, search
from devlab.search import embeddings as emb
from devlab.search.indexer import semantic_tier
from devlab.search.retrieval import merge_tiers
from helpers import write_tree

CORE = '''"""Core helpers."""


def normalise_name(text):
    return text.strip().lower()


def parse_amount(text):
    return float(text.replace(",", ""))
'''

LEAVES = {
    "mail.py": "def send_welcome_email(smtp, user):\n    smtp.send(user.email, 'Welcome!')\n",
    "geo.py": "def haversine_distance(lat1, lon1, lat2, lon2):\n"
    "    return 6371 * great_circle(lat1, lon1, lat2, lon2)\n",
    "cache.py": "def evict_oldest_entries(cache, limit):\n"
    "    while len(cache) > limit:\n        cache.popitem(last=False)\n",
}


def _tree() -> dict[str, str]:
    uses = "from core import normalise_name, parse_amount\n\n\n"
    files = {"core.py": CORE}
    for name, body in LEAVES.items():
        files[f"features/{name}"] = uses + body
    for i in range(6):
        files[f"features/f{i}.py"] = (
            f"{uses}def feature_{i}(name, amount):\n"
            f"    return normalise_name(name), parse_amount(amount) * {i}\n"
        )
    return files


def _static_model_from_minilm(cache_dir: Path) -> None:
    """A model2vec StaticModel of MiniLM's input token embeddings (PCA to 256
    dimensions), saved where ``ensure_model2vec`` keeps the distilled one."""
    from model2vec import StaticModel
    from safetensors import safe_open
    from tokenizers import Tokenizer

    source = emb.packaged_minilm_dir()
    with safe_open(str(source / "model.safetensors"), "np") as f:
        name = next(k for k in f.keys() if k.endswith("word_embeddings.weight"))  # noqa: SIM118
        table = f.get_tensor(name).astype(np.float32)
    centred = table - table.mean(axis=0)
    _, axes = np.linalg.eigh(centred.T @ centred)  # PCA: the top 256 of 384 axes
    vectors = centred @ axes[:, ::-1][:, : emb.M2V_DIMS]
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    model = StaticModel(vectors=vectors, tokenizer=tokenizer, normalize=True)
    model.save_pretrained(str(cache_dir / f"model2vec-{source.name}"))


# --- no model ------------------------------------------------------------------------


def test_merge_places_each_hit_by_its_quantile_in_its_own_part():
    minilm = [(1, 0.61), (2, 0.55), (3, 0.40)]  # 10 chunks hold MiniLM vectors
    static = [(7, 0.93), (8, 0.91), (9, 0.90)]  # 90 hold static ones: cosines not comparable
    merged = merge_tiers([(minilm, 10), (static, 90)], k=5)
    # quantiles: 1 -> 0.05, 7 -> 0.0056, 8 -> 0.0167, 9 -> 0.0278, 2 -> 0.15
    assert [cid for cid, _ in merged] == [7, 8, 9, 1, 2]
    scores = [s for _, s in merged]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)
    assert merge_tiers([([], 0), (static, 90)], k=2) == merge_tiers([(static, 90)], k=2)
    # a stale count smaller than the list never gives a quantile above 1
    assert all(s > 0 for _, s in merge_tiers([(static, 1)], k=3))


def test_mixed_merge_ranks_every_candidate_by_static_and_adds_the_minilm_vote():
    from devlab.search.retrieval import MIXED_MODEL_WEIGHT, merge_mixed

    minilm = [(1, 0.61), (2, 0.55)]  # MiniLM's best among the chunks it filled
    static = [(7, 0.90), (8, 0.85)]  # the static tier's best among the rest
    again = [(1, 0.88), (2, 0.80)]  # the static cosines of MiniLM's hits, computed now
    # static order 7, 1, 8, 2 (one scale); MiniLM's vote (weight w) lifts 1 and 2 (k = 10):
    # 1: 1/12 + w/11, 2: 1/14 + w/12, 7: 1/11, 8: 1/13
    merged = merge_mixed(minilm, static, again, k=3)
    assert [cid for cid, _ in merged] == [1, 2, 7]
    assert merged[0][1] == pytest.approx(1 / 12 + MIXED_MODEL_WEIGHT / 11)
    assert MIXED_MODEL_WEIGHT == 2.0  # the measured choice (docs/benchmarks.md, #18 i18h)
    # no MiniLM vectors yet: the static ranking itself
    assert [c for c, _ in merge_mixed([], static, [], 5)] == [7, 8]


def test_tier_of_a_snapshot_from_its_coverage():
    assert semantic_tier({"embedded": 10, "total": 10}) == "full"
    assert semantic_tier({"embedded": 4, "static": 6, "total": 10}) == "mixed"
    assert semantic_tier({"embedded": 0, "static": 10, "total": 10}) == "static"
    assert semantic_tier({"embedded": 4, "total": 10}) == "partial"
    assert semantic_tier({"embedded": 0, "static": 3, "total": 10}) == "partial"


def test_static_tier_applies_only_to_large_local_fills(sqlite_settings):
    s = sqlite_settings
    assert s.embedding_first_tier == "static" and s.embedding_static_min_chunks == 1000
    assert emb.static_embedder(s, 999) is None  # a small snapshot: MiniLM alone soon
    off = s.model_copy(update={"embedding_first_tier": "off"})
    assert emb.static_embedder(off, 10**6) is None
    static_backend = s.model_copy(update={"embedding_backend": "model2vec"})
    assert emb.static_embedder(static_backend, 10**6) is None  # already static


def test_a_failed_distillation_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(emb, "_DISTILLED", {})
    monkeypatch.setattr(emb, "_DISTILL", "import sys; sys.exit('no distill extra here')")
    cache = tmp_path / "cache"
    with pytest.raises(ComponentUnavailable, match="no distill extra here"):
        emb.ensure_model2vec(emb.packaged_minilm_dir(), cache)
    assert [p.name for p in cache.iterdir()] == [".model2vec-model.lock"]  # no half model


def test_a_distilled_model_is_copied_to_another_cache_not_distilled_again(tmp_path, monkeypatch):
    monkeypatch.setattr(emb, "_DISTILLED", {})
    monkeypatch.setattr(emb, "_DISTILL", "import sys; sys.exit('must not distil again')")
    first, second = tmp_path / "a", tmp_path / "b"
    made = first / "model2vec-model"  # what a distillation leaves (its files' bytes here)
    made.mkdir(parents=True)
    (made / "config.json").write_text("{}")
    (made / "model.safetensors").write_bytes(b"\x00weights")
    found = emb.ensure_model2vec(emb.packaged_minilm_dir(), first)
    copied = emb.ensure_model2vec(emb.packaged_minilm_dir(), second)
    assert copied.parent == second and (copied / "config.json").is_file()
    assert (copied / "model.safetensors").read_bytes() == (found / "model.safetensors").read_bytes()


def test_warm_distils_once_and_a_second_call_finds_the_cache(tmp_path, monkeypatch):
    """`devlab warm` (run by `setup.sh serve` in the background) makes the static
    model ahead of a first large index; the second run distils nothing."""
    from typer.testing import CliRunner

    from devlab.search.project_cli import app  # mounted at the root: `devlab warm`

    count = tmp_path / "distillations"
    fake = (  # what a distillation leaves, and one line per child run
        "import os, pathlib, sys\n"
        "out = pathlib.Path(sys.argv[2]); out.mkdir(parents=True)\n"
        "(out / 'config.json').write_text('{}')\n"
        "open(os.environ['DISTILL_COUNT'], 'a').write('run\\n')\n"
    )
    monkeypatch.setattr(emb, "_DISTILLED", {})
    monkeypatch.setattr(emb, "_DISTILL", fake)
    monkeypatch.setenv("DISTILL_COUNT", str(count))
    runner = CliRunner()
    first = runner.invoke(app, ["warm"])
    assert first.exit_code == 0, first.output
    assert "distilled in" in first.output
    second = runner.invoke(app, ["warm"])
    assert second.exit_code == 0 and "ready (cached)" in second.output
    assert count.read_text() == "run\n"  # one distillation for both calls
    monkeypatch.setenv("DEVLAB_EMBEDDING_FIRST_TIER", "off")
    assert "nothing to prepare" in runner.invoke(app, ["warm"]).output


# --- the real packaged model ---------------------------------------------------------


def _semantic(bench, query: str):  # type: ignore[no-untyped-def]
    req = SearchRequest(project="p", query=query, mode="semantic", limit=5)
    return search(bench.db, bench.settings, req)


def _static_rows(bench, snapshot_id: int) -> int:
    with bench.db.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT COUNT(*) FROM chunks c JOIN snapshot_files sf ON sf.file_id = "
                    "c.file_id WHERE sf.snapshot_id = :s AND c.embedded_with LIKE 'model2vec:%'"
                ),
                {"s": snapshot_id},
            ).scalar()
        )


@pytest.mark.model
@pytest.mark.slow
def test_two_tiers_cover_all_code_at_once_then_minilm_replaces_them(bench, tmp_path, monkeypatch):
    from devlab.progress import JobCancelled

    monkeypatch.setattr(emb, "_DISTILLED", {})
    monkeypatch.setattr(emb, "_DISTILL", "import sys; sys.exit('the suite never distils')")
    _static_model_from_minilm(emb.embedding_cache_dir(bench.settings))
    bench.settings.embedding_static_min_chunks = 0  # every fill is "large" here
    bench.settings.embedding_batch_size = 1  # MiniLM batches of 4 chunks
    repo = write_tree(tmp_path / "src", _tree())
    seen: dict[str, object] = {}

    def progress(p) -> None:  # type: ignore[no-untyped-def]
        if p.stage == "embed" and p.done == 0:
            # every chunk has its static vector before MiniLM's first batch
            hits = _semantic(bench, "send a welcome email to a new user")
            seen["static"] = [(h.symbol, h.semantic_tier) for h in hits]
        if p.stage == "embed" and p.done >= 4:
            raise JobCancelled("stop after one MiniLM batch")

    with pytest.raises(JobCancelled):
        index_project(bench.db, bench.settings, name="p", source=str(repo), progress=progress)
    static_hits = seen["static"]
    assert static_hits and all(tier == "static" for _, tier in static_hits)  # type: ignore[union-attr]
    assert "send_welcome_email" in [s for s, _ in static_hits]  # type: ignore[union-attr]

    snap = project_info(bench.db, "p").current_snapshot
    assert snap is not None
    semantic, snapshot_id = dict(snap.stats["semantic"]), snap.id
    total = semantic["total"]
    assert semantic["embedded"] == 4 and semantic["static"] == total - 4
    assert semantic["tier"] == "mixed" and semantic["state"] == "cancelled"
    assert semantic["static_model"].startswith("model2vec:") and ":256" in semantic["static_model"]
    assert _static_rows(bench, snapshot_id) == total - 4  # one vector per chunk: its tier's

    mixed = _semantic(bench, "great circle distance between two points")
    assert mixed[0].semantic_tier == "mixed"
    assert mixed[0].semantic_coverage is not None
    assert abs(mixed[0].semantic_coverage - 4 / total) < 1e-3
    # the leaf is not among MiniLM's first four (core's helpers are): static found it
    assert "haversine_distance" in [h.symbol for h in mixed]

    again = index_project(bench.db, bench.settings, name="p", source=str(repo))
    assert again.stats["semantic"]["state"] == "complete"
    assert again.stats["semantic"]["tier"] == "full" and again.stats["semantic"]["static"] == 0
    assert _static_rows(bench, again.snapshot_id) == 0
    full = _semantic(bench, "great circle distance between two points")
    assert all(h.semantic_tier is None and h.semantic_coverage is None for h in full)

    # exactly today's search: the same ranking as an index made without the tier
    bench.settings.embedding_first_tier = "off"
    index_project(bench.db, bench.settings, name="q", source=str(repo))
    for query in ("great circle distance between two points", "drop old cache entries"):
        one = search(bench.db, bench.settings, SearchRequest(project="q", query=query, limit=5))
        two = search(bench.db, bench.settings, SearchRequest(project="p", query=query, limit=5))
        assert [(h.path, h.start_line, h.score) for h in one] == [
            (h.path, h.start_line, h.score) for h in two
        ]

    # an index of the fp32 runtime keeps serving when onnx-int8 is configured (its
    # queries are embedded by fp32); another model's index is refused, saying why
    bench.settings.embedding_backend = "onnx-int8"
    served = _semantic(bench, "great circle distance between two points")
    assert [h.symbol for h in served] == [h.symbol for h in full]
    bench.settings.embedding_backend = "model2vec"
    with pytest.raises(InvalidInput, match="re-ingest the project"):
        _semantic(bench, "great circle distance between two points")
