"""Lexical, semantic and hybrid retrieval over a project's current snapshot.

Hybrid (the default) fuses the two rankings with weighted reciprocal rank
fusion, ``LEXICAL_WEIGHT / (RRF_K + lexical rank) + 1 / (RRF_K + semantic rank)``,
then adds a small boost from the symbol graph (the chunk's symbol PageRank,
normalised to [0, 1]) as a tie-breaker towards code the project depends on.
The constants come from the retrieval benchmark (docs/benchmarks.md): with
equal weights and the textbook k=60, the weaker lexical list pulled hybrid
below semantic alone; k=10 with lexical at half weight beat both single modes
on Werkzeug and Flask. Filters (language, path glob, symbol kind) apply to the
fused candidates; the retrievers over-fetch so filtering still leaves enough.
"""

from __future__ import annotations

from fnmatch import fnmatch
from typing import NamedTuple

import numpy as np
from sqlalchemy import text

from devlab.codebase import require_snapshot, resolve_project
from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.search import adapter, expansion, ranking, summaries
from devlab.search.embeddings import Embedder, get_embedder, static_embedder
from devlab.search.embedtext import embedding_text, model_of_key
from devlab.search.indexer import semantic_coverage
from devlab.search.models import SearchRequest, SearchResult
from devlab.store import Database, Snapshot, crypto

RRF_K = 10
LEXICAL_WEIGHT = 0.5
SUMMARY_LIST_WEIGHT = 1.0  # the summary list's vote, as the semantic list's (i14r)
GRAPH_BOOST = 0.005  # a tie-breaker: a first-rank semantic vote is worth 1/11
SNIPPET_LINES = 12
# A two-tier first index's mixed state (semantic mode): "rrf" (merge_mixed) or the
# first merge, "quantile" (merge_tiers); measured in docs/benchmarks.md "#18 (i18h)".
MIXED_MERGE = "rrf"
MIXED_RRF_K = 10
MIXED_MODEL_WEIGHT = 2.0  # MiniLM's vote counts twice: best on Werkzeug (tuning)


class _ChunkMeta(NamedTuple):
    id: int
    path: str
    start_line: int
    end_line: int
    symbol: str | None
    kind: str
    language: str
    content: str
    rank: float


def _load_chunks(db: Database, chunk_ids: list[int]) -> dict[int, _ChunkMeta]:
    if not chunk_ids:
        return {}
    marks = ",".join(str(int(c)) for c in chunk_ids)
    sql = text(
        "SELECT c.id, f.path, c.start_line, c.end_line, c.symbol, c.kind, c.language, c.content, "
        "COALESCE((SELECT MAX(x.rank) FROM symbols x WHERE x.file_id = c.file_id "
        "AND x.qualname = c.symbol), 0) "
        f"FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id IN ({marks})"
    )
    with db.engine.connect() as conn:
        rows = conn.execute(sql)  # raw SQL skips the column type: decrypt here
        return {int(r[0]): _ChunkMeta._make((*r[:7], crypto.decrypt(r[7]), r[8])) for r in rows}


def snippet(content: str, limit: int = SNIPPET_LINES) -> str:
    """The chunk's code without its context header, cut to ``limit`` lines."""
    lines = content.splitlines()
    body_start = 0
    for i, line in enumerate(lines[:6]):
        stripped = line.lstrip("#/-* ").lower()
        if stripped.startswith(("file:", "class:", "symbol:", "in:", "module:", "path:")):
            body_start = i + 1
    body = lines[body_start:]
    cut = body[:limit]
    return "\n".join(cut) + ("\n..." if len(body) > limit else "")


def _matches(meta: _ChunkMeta, req: SearchRequest) -> bool:
    if req.language and meta.language != req.language:
        return False
    if req.kind and meta.kind != req.kind:
        return False
    return not (req.path and not fnmatch(meta.path, req.path))


class _Semantic(NamedTuple):
    """The semantic list and what it saw: ``coverage`` is the share of chunks with the
    configured model's vectors (None: all), ``tier`` the static tier's part in the
    ranking (None: none; "static" or "mixed" during a two-tier first index)."""

    hits: list[tuple[int, float]]
    coverage: float | None = None
    tier: str | None = None
    query_vector: np.ndarray | None = None  # the question's own vector (no adapter)


def _semantic(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    query: str,
    k: int,
    required: bool,
) -> _Semantic:
    """Nearest chunks to ``query``. A project indexed without embeddings gives an
    empty list in hybrid mode (``required`` False): hybrid is then lexical alone, and
    every result's ``semantic_rank`` is None. While a two-tier first index fills
    (search/indexer.py), each chunk is ranked by its own model's vector
    (``_two_tiers``)."""
    with db.session() as s:
        snap = s.get(Snapshot, snapshot_id)
        model = snap.embedding_model if snap else None
        stats = snap.stats if snap else None
    coverage = semantic_coverage(stats)
    if coverage is not None and coverage >= 1.0:
        coverage = None
    if model is None and not required:
        return _Semantic([])
    if model is None:  # refused before the model is loaded (seconds on a cold process)
        raise InvalidInput(
            "this project was ingested without embeddings: use --mode lexical, "
            "or re-ingest it with embeddings"
        )
    embedder = _query_embedder(settings, model_of_key(model))
    vector = raw = embedder.embed([query])[0]
    if settings.search_adapter == "codebase" and coverage is None:
        w = adapter.for_snapshot(settings, stats)  # None: the snapshot has none
        vector = vector if w is None else adapter.apply(w, vector)
    hits = db.vectors.search(project_id, snapshot_id, vector, k)
    semantic = (stats or {}).get("semantic") or {}
    if coverage is None or not semantic.get("static") or not semantic.get("static_model"):
        return _Semantic(hits, coverage, query_vector=raw)
    static = static_embedder(settings, int(semantic["total"]))
    if static is None or model_of_key(str(semantic["static_model"])) != static.key:
        # the tier is off now: the configured model alone
        return _Semantic(hits, coverage, query_vector=raw)
    q_static = static.embed([query])[0]
    static_hits = db.vectors.search(project_id, snapshot_id, q_static, k)
    if MIXED_MERGE == "quantile":
        merged = merge_tiers(
            [(hits, int(semantic.get("embedded", 0))), (static_hits, int(semantic["static"]))], k
        )
    else:
        again = _static_scores(db, settings, static, q_static, hits)
        merged = merge_mixed(hits, static_hits, again, k)
    return _Semantic(merged, coverage, "mixed" if semantic.get("embedded") else "static")


def _static_scores(
    db: Database,
    settings: Settings,
    static: Embedder,
    q_static: np.ndarray,
    hits: list[tuple[int, float]],
) -> list[tuple[int, float]]:
    """The static model's cosine to the query for the chunks in ``hits`` (the configured
    model's best, whose static vectors the fill replaced), computed from their text as
    the indexer embedded it: model2vec does thousands of texts a second."""
    metas = _load_chunks(db, [cid for cid, _ in hits])
    ids = [cid for cid, _ in hits if cid in metas]
    if not ids:
        return []
    limit, style = settings.embedding_max_chars, settings.embedding_text
    vectors = static.embed([embedding_text(metas[cid].content, limit, style) for cid in ids])
    return [(cid, float(np.dot(vectors[i], q_static))) for i, cid in enumerate(ids)]


def merge_mixed(
    model_hits: list[tuple[int, float]],
    static_hits: list[tuple[int, float]],
    static_again: list[tuple[int, float]],
    k: int,
) -> list[tuple[int, float]]:
    """The semantic ranking while a two-tier first index fills (issue 18, i18h): one
    static ranking of every candidate, the chunks still static (``static_hits``, from
    the store) and the configured model's best (``static_again``: their static cosines
    computed now), fused with the configured model's own ranking of its chunks by
    reciprocal rank (``MIXED_RRF_K``). Unlike ``merge_tiers`` (each model's part
    interleaved by quantile), a good chunk of either part competes on one scale, and
    the better model's vote (``MIXED_MODEL_WEIGHT``) is added where it has one."""
    static_rank = {**dict(static_hits), **dict(static_again)}
    ordered = sorted(static_rank.items(), key=lambda x: (-x[1], x[0]))
    scores = {cid: 1.0 / (MIXED_RRF_K + r) for r, (cid, _) in enumerate(ordered, 1)}
    for r, (cid, _) in enumerate(model_hits, 1):
        scores[cid] = scores.get(cid, 0.0) + MIXED_MODEL_WEIGHT / (MIXED_RRF_K + r)
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:k]


def _query_embedder(settings: Settings, model: str) -> Embedder:
    """The embedder whose vectors the snapshot holds (``model``, its key without the
    text style). The configured one, or, for an index made with the fp32 runtime of
    the same packaged model while ``onnx-int8`` is configured (the default before
    it), the fp32 runtime: such an index keeps serving until it is re-ingested."""
    embedder = get_embedder(settings)
    if model == embedder.key:
        return embedder
    if settings.embedding_backend == "onnx-int8" and model.startswith("sentence-transformers:"):
        fp32 = get_embedder(settings.model_copy(update={"embedding_backend": "onnx"}))
        if fp32.key == model:
            return fp32
    raise InvalidInput(
        f"this project was embedded with {model} but DevLab is configured for "
        f"{embedder.key}: re-ingest the project or change the embedding settings back"
    )


def merge_tiers(
    lists: list[tuple[list[tuple[int, float]], int]], k: int
) -> list[tuple[int, float]]:
    """One ranking from rankings of disjoint parts of the snapshot: ``(hits, n)``, the
    hits of a model over the ``n`` chunks that hold its vectors. Cosines of two models
    are not comparable (a static model's run higher and flatter), so each hit is placed
    by its estimated place among all chunks: rank ``r`` of ``n`` is the quantile
    ``(r - 0.5) / n``. The score is ``1 - quantile`` (higher first)."""
    placed = []
    for hits, n in lists:
        for rank, (cid, _) in enumerate(hits, 1):
            placed.append(((rank - 0.5) / max(n, rank), cid))
    placed.sort()
    return [(cid, 1.0 - q) for q, cid in placed[:k]]


def _class_chunks(
    db: Database, snapshot_id: int, wanted: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, _ChunkMeta]]:
    """The first chunk of each (path, class qualname) in the snapshot (graph expansion)."""
    found: dict[tuple[str, str], int] = {}
    sql = text(
        "SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id "
        "JOIN snapshot_files sf ON sf.file_id = c.file_id AND sf.snapshot_id = :s "
        "WHERE f.path = :p AND c.symbol = :q ORDER BY c.start_line LIMIT 1"
    )
    with db.engine.connect() as conn:
        for path, qualname in wanted[:20]:
            cid = conn.execute(sql, {"s": snapshot_id, "p": path, "q": qualname}).scalar()
            if cid is not None:
                found[(path, qualname)] = int(cid)
    metas = _load_chunks(db, list(found.values()))
    return {key: (cid, metas[cid]) for key, cid in found.items() if cid in metas}


def _lexical(
    db: Database,
    settings: Settings,
    req: SearchRequest,
    snapshot_id: int,
    semantic: list[tuple[int, float]],
    k: int,
) -> list[tuple[int, float]]:
    """The lexical list; with ``search_rewrite = "feedback"`` (hybrid), its query
    carries the best semantic hits' names (ranking.feedback_terms)."""
    if req.mode == "semantic":
        return []
    query = req.query
    if req.mode == "hybrid" and settings.search_rewrite == "feedback" and semantic:
        head = [cid for cid, _ in semantic[: ranking.FEEDBACK_HITS * 3]]
        metas = _load_chunks(db, head)
        query = ranking.feedback_terms([metas[c].symbol for c in head if c in metas], query)
    elif req.mode == "hybrid" and settings.search_rewrite == "vocabulary":
        query = expansion.rewrite(db, snapshot_id, query)
    elif req.mode == "hybrid" and settings.search_rewrite == "consensus":
        first = db.lexical.search(snapshot_id, query, k)
        depth = expansion.FEEDBACK_DEPTH
        head = list(dict.fromkeys([c for c, _ in first[:depth]] + [c for c, _ in semantic[:depth]]))
        metas = _load_chunks(db, head)
        vocab = expansion.vocabulary(db, snapshot_id)
        terms = expansion.consensus_terms(
            vocab, [metas[c].symbol for c in head if c in metas], query
        )
        if not terms:
            return first
        query = " ".join([query, *terms])
    return db.lexical.search(snapshot_id, query, k)


def _hybrid_scores(
    db: Database,
    settings: Settings,
    snapshot_id: int,
    metas: dict[int, _ChunkMeta],
    lex_rank: dict[int, int],
    sem_rank: dict[int, int],
    query: str,
    sum_rank: dict[int, int] | None = None,
) -> dict[int, float]:
    """Weighted RRF of the two lists, then the symbol graph (a PageRank tie-breaker,
    or ranking.expand with ``search_graph = "expand"``). With ``search_names =
    "field"`` the name-field ranking is a third list (ranking.name_ranks); with
    ``search_definitions = "prefer"`` module-level code and test files weigh less
    (ranking.definition_factor)."""
    names = settings.search_names == "field"
    prefer = settings.search_definitions == "prefer"
    name_rank = ranking.name_ranks(metas, query) if names else {}  # type: ignore[arg-type]
    scores = {}
    for cid in metas:
        score = LEXICAL_WEIGHT / (RRF_K + lex_rank[cid]) if cid in lex_rank else 0.0
        score += 1.0 / (RRF_K + sem_rank[cid]) if cid in sem_rank else 0.0
        if sum_rank and cid in sum_rank:
            score += SUMMARY_LIST_WEIGHT / (RRF_K + sum_rank[cid])
        if cid in name_rank:
            score += ranking.NAME_WEIGHT / (RRF_K + name_rank[cid])
        factor = ranking.definition_factor(metas[cid]) if prefer else 1.0  # type: ignore[arg-type]
        scores[cid] = score * factor
    if settings.search_graph == "calls":
        scores = ranking.add_neighbours(
            scores,
            metas,  # type: ignore[arg-type]
            lambda hits: expansion.call_neighbours(db, snapshot_id, hits),
            lambda ids: _load_chunks(db, ids),  # type: ignore[arg-type,return-value]
        )
    if settings.search_graph in ("expand", "calls"):
        return ranking.expand(
            scores,
            metas,  # type: ignore[arg-type]
            lambda wanted: _class_chunks(db, snapshot_id, wanted),  # type: ignore[arg-type,return-value]
        )
    return {cid: s + GRAPH_BOOST * metas[cid].rank for cid, s in scores.items()}


def _summary_list(
    db: Database,
    settings: Settings,
    req: SearchRequest,
    snapshot_id: int,
    sem: _Semantic,
    k: int,
) -> list[tuple[int, float]]:
    """With ``search_summaries = "list"`` (hybrid): the chunks whose stored rerank
    summary (what the chunk is, its class and module in words, its signature and
    docstring start) is nearest the question, over the whole snapshot
    (summaries.nearest). A second view of each chunk for the same model: the chunk
    vector is dominated by the body's code, the summary by the names and the prose."""
    if req.mode != "hybrid" or settings.search_summaries != "list" or sem.query_vector is None:
        return []
    model = get_embedder(settings).key
    return summaries.nearest(db, settings, snapshot_id, model, sem.query_vector, k)


def search(db: Database, settings: Settings, req: SearchRequest) -> list[SearchResult]:
    """Run ``req`` against the project's latest complete snapshot."""
    if not req.query.strip():
        raise InvalidInput("the query is empty: give some words or an identifier to search for")
    ref = resolve_project(db, req.project)
    snapshot_id = require_snapshot(ref)
    filtered = bool(req.language or req.kind or req.path)
    k = max(req.limit * 5, 50) * (20 if filtered else 1)
    sem = (
        _semantic(
            db, settings, ref.id, snapshot_id, req.query, min(k, 4096), req.mode == "semantic"
        )
        if req.mode != "lexical"
        else _Semantic([])
    )
    semantic = sem.hits
    lexical = _lexical(db, settings, req, snapshot_id, semantic, k)
    listed = _summary_list(db, settings, req, snapshot_id, sem, k)
    lex_rank = {cid: i + 1 for i, (cid, _) in enumerate(lexical)}
    sem_rank = {cid: i + 1 for i, (cid, _) in enumerate(semantic)}
    sum_rank = {cid: i + 1 for i, (cid, _) in enumerate(listed)}
    metas = _load_chunks(
        db, list(dict.fromkeys([c for c, _ in lexical] + [c for c, _ in semantic] + list(sum_rank)))
    )
    if req.mode == "hybrid":
        raw = _hybrid_scores(
            db, settings, snapshot_id, metas, lex_rank, sem_rank, req.query, sum_rank
        )
    else:
        raw = dict(lexical) if req.mode == "lexical" else dict(semantic)
    scored = sorted(
        ((score, cid) for cid, score in raw.items() if _matches(metas[cid], req)),
        key=lambda x: (-x[0], x[1]),
    )
    # a project without vectors stays lexical: no model is loaded for it
    if req.mode == "hybrid" and settings.search_rerank != "off" and semantic and scored:
        embedder = get_embedder(settings)
        scored = ranking.rerank(
            [cid for _, cid in scored],
            metas,  # type: ignore[arg-type]
            req.query,
            lambda texts: embedder.embed(texts),
            model=embedder.key,
            store=summaries.store_for(settings),
            describe=ranking.rich_summary if settings.search_rerank == "rich" else ranking.summary,
        )
    if req.mode == "hybrid" and settings.search_diversity == "family":
        scored = ranking.diversify(scored, metas)  # type: ignore[arg-type]
    return [
        _result(metas[cid], score, lex_rank, sem_rank, sem) for score, cid in scored[: req.limit]
    ]


def _result(
    m: _ChunkMeta,
    score: float,
    lex_rank: dict[int, int],
    sem_rank: dict[int, int],
    sem: _Semantic,
) -> SearchResult:
    return SearchResult(
        path=m.path,
        start_line=m.start_line,
        end_line=m.end_line,
        symbol=m.symbol,
        kind=m.kind,
        language=m.language,
        snippet=snippet(m.content),
        score=round(score, 6),
        lexical_rank=lex_rank.get(m.id),
        semantic_rank=sem_rank.get(m.id),
        semantic_coverage=None if sem.coverage is None else round(sem.coverage, 4),
        semantic_tier=sem.tier,
    )
