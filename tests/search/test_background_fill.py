"""The first index of a project: lexical search at once, vectors filled afterwards in
PageRank order (issue 18), over the real parser and a real SQLite file."""

from __future__ import annotations

import pytest

from devlab.codebase import project_info
from devlab.progress import JobCancelled
from devlab.search import SearchRequest, index_project, search
from devlab.search.indexer import _chunks_by_importance, semantic_coverage
from devlab.store import Project, Snapshot
from helpers import write_tree

# core.py's helpers are called from everywhere, so they rank first; leaf.py's
# functions are called by nobody.
CORE = '''"""Core helpers."""


def normalise_name(text):
    return text.strip().lower()


def parse_amount(text):
    return float(text.replace(",", ""))
'''


def _leaf(i: int) -> str:
    return (
        f'"""Feature {i}."""\n\nfrom core import normalise_name, parse_amount\n\n\n'
        f"def feature_{i}(name, amount):\n"
        f"    return normalise_name(name), parse_amount(amount) * {i}\n"
    )


TREE = {"core.py": CORE, **{f"features/f{i}.py": _leaf(i) for i in range(12)}}


def _rank_of_chunk(bench, snapshot_id: int) -> dict[int, float]:
    from sqlalchemy import text

    with bench.db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.id, COALESCE((SELECT MAX(x.rank) FROM symbols x WHERE "
                "x.file_id = c.file_id AND x.qualname = c.symbol), 0) FROM chunks c "
                "JOIN snapshot_files sf ON sf.file_id = c.file_id WHERE sf.snapshot_id = :s"
            ),
            {"s": snapshot_id},
        ).all()
    return {int(cid): float(rank) for cid, rank in rows}


def test_chunks_are_embedded_most_important_first(bench, tmp_path):
    repo = write_tree(tmp_path / "src", TREE)
    rep = index_project(bench.db, bench.settings, name="p", source=str(repo), embed=False)
    order, total = _chunks_by_importance(bench.db, rep.snapshot_id, "some-model:384")
    assert total == len(order) > 13
    ranks = _rank_of_chunk(bench, rep.snapshot_id)
    symbol_ranks = [ranks[cid] for cid in order if ranks[cid] > 0]
    assert symbol_ranks == sorted(symbol_ranks, reverse=True)
    with bench.db.session() as s:
        from devlab.store import ChunkRow

        first = s.get(ChunkRow, order[0])
        assert first is not None and first.symbol in ("normalise_name", "parse_amount")


def test_coverage_reads_the_snapshot_stats():
    assert semantic_coverage(None) is None
    assert semantic_coverage({}) is None  # before the background fill: complete
    assert semantic_coverage({"semantic": {"embedded": 3, "total": 12}}) == 0.25
    assert semantic_coverage({"semantic": {"embedded": 0, "total": 0}}) is None


@pytest.mark.model
@pytest.mark.slow
def test_lexical_at_once_then_vectors_by_pagerank_and_partial_coverage_said(bench, tmp_path):
    bench.settings.embedding_batch_size = 1  # batches of 4 chunks
    repo = write_tree(tmp_path / "src", TREE)
    seen: list[tuple[str, int, int]] = []

    def progress(p) -> None:  # type: ignore[no-untyped-def]
        seen.append((p.stage, p.done, p.total))
        if p.stage == "embed" and p.done == 0:
            # the snapshot is current before any vector exists: lexical search answers
            hits = search(
                bench.db,
                bench.settings,
                SearchRequest(project="p", query="parse amount", mode="lexical"),
            )
            assert hits and hits[0].symbol == "parse_amount"
        if p.stage == "embed" and p.done >= 4:
            raise JobCancelled("stop after one batch")

    with pytest.raises(JobCancelled):
        index_project(bench.db, bench.settings, name="p", source=str(repo), progress=progress)
    info = project_info(bench.db, "p")
    snap = info.current_snapshot
    assert snap is not None and snap.embedding_model == "sentence-transformers:all-MiniLM-L6-v2:384"
    semantic = snap.stats["semantic"]
    assert semantic["state"] == "cancelled" and semantic["embedded"] == 4
    assert semantic["total"] > 13
    results = search(
        bench.db,
        bench.settings,
        SearchRequest(project="p", query="lower-case a name", mode="semantic"),
    )
    coverage = results[0].semantic_coverage
    assert coverage is not None and abs(coverage - 4 / semantic["total"]) < 1e-3
    assert {r.symbol for r in results} <= {"normalise_name", "parse_amount", None}
    assert results[0].symbol == "normalise_name"  # the most important code is there first

    again = index_project(bench.db, bench.settings, name="p", source=str(repo))
    assert again.stats["embedded"] == semantic["total"] - 4  # only the rest
    assert again.stats["semantic"]["state"] == "complete"
    with bench.db.session() as s:
        current = s.get(Project, again.project_id).current_snapshot_id
        assert s.get(Snapshot, current).stats["semantic"]["embedded"] == semantic["total"]
    full = search(
        bench.db,
        bench.settings,
        SearchRequest(project="p", query="lower-case a name", mode="semantic"),
    )
    assert full[0].semantic_coverage is None
