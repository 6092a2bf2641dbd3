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

from sqlalchemy import text

from devlab.codebase import require_snapshot, resolve_project
from devlab.config import Settings
from devlab.errors import InvalidInput
from devlab.search.embeddings import get_embedder
from devlab.search.indexer import semantic_coverage
from devlab.search.models import SearchRequest, SearchResult
from devlab.store import Database, Snapshot, crypto

RRF_K = 10
LEXICAL_WEIGHT = 0.5
GRAPH_BOOST = 0.005  # a tie-breaker: a first-rank semantic vote is worth 1/11
SNIPPET_LINES = 12


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


def _semantic(
    db: Database,
    settings: Settings,
    project_id: int,
    snapshot_id: int,
    query: str,
    k: int,
    required: bool,
) -> tuple[list[tuple[int, float]], float | None]:
    """Nearest chunks to ``query`` and the snapshot's semantic coverage (None: all
    chunks have vectors). A project indexed without embeddings gives an empty list in
    hybrid mode (``required`` False): hybrid is then lexical alone, and every result's
    ``semantic_rank`` is None."""
    with db.session() as s:
        snap = s.get(Snapshot, snapshot_id)
        model = snap.embedding_model if snap else None
        coverage = semantic_coverage(snap.stats if snap else None)
    if coverage is not None and coverage >= 1.0:
        coverage = None
    if model is None and not required:
        return [], None
    if model is None:  # refused before the model is loaded (seconds on a cold process)
        raise InvalidInput(
            "this project was ingested without embeddings: use --mode lexical, "
            "or re-ingest it with embeddings"
        )
    embedder = get_embedder(settings)
    if model != embedder.key:
        raise InvalidInput(
            f"this project was embedded with {model} but DevLab is configured for "
            f"{embedder.key}: re-ingest the project or change the embedding settings back"
        )
    return db.vectors.search(project_id, snapshot_id, embedder.embed([query])[0], k), coverage


def search(db: Database, settings: Settings, req: SearchRequest) -> list[SearchResult]:
    """Run ``req`` against the project's latest complete snapshot."""
    if not req.query.strip():
        raise InvalidInput("the query is empty: give some words or an identifier to search for")
    ref = resolve_project(db, req.project)
    snapshot_id = require_snapshot(ref)
    filtered = bool(req.language or req.kind or req.path)
    k = max(req.limit * 5, 50) * (20 if filtered else 1)
    lexical = db.lexical.search(snapshot_id, req.query, k) if req.mode != "semantic" else []
    semantic, coverage = (
        _semantic(
            db, settings, ref.id, snapshot_id, req.query, min(k, 4096), req.mode == "semantic"
        )
        if req.mode != "lexical"
        else ([], None)
    )
    lex_rank = {cid: i + 1 for i, (cid, _) in enumerate(lexical)}
    sem_rank = {cid: i + 1 for i, (cid, _) in enumerate(semantic)}
    metas = _load_chunks(
        db, list(dict.fromkeys([c for c, _ in lexical] + [c for c, _ in semantic]))
    )
    raw = dict(lexical) if req.mode == "lexical" else dict(semantic)
    scored: list[tuple[float, int]] = []
    for cid, meta in metas.items():
        if not _matches(meta, req):
            continue
        if req.mode == "hybrid":
            score = LEXICAL_WEIGHT / (RRF_K + lex_rank[cid]) if cid in lex_rank else 0.0
            score += 1.0 / (RRF_K + sem_rank[cid]) if cid in sem_rank else 0.0
            score += GRAPH_BOOST * meta.rank
        else:
            score = raw[cid]
        scored.append((score, cid))
    scored.sort(key=lambda x: (-x[0], x[1]))
    results = []
    for score, cid in scored[: req.limit]:
        m = metas[cid]
        results.append(
            SearchResult(
                path=m.path,
                start_line=m.start_line,
                end_line=m.end_line,
                symbol=m.symbol,
                kind=m.kind,
                language=m.language,
                snippet=snippet(m.content),
                score=round(score, 6),
                lexical_rank=lex_rank.get(cid),
                semantic_rank=sem_rank.get(cid),
                semantic_coverage=None if coverage is None else round(coverage, 4),
            )
        )
    return results
