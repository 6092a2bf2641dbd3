"""The optional stages of hybrid ranking, each switched by a setting.

Measured side by side on developer questions about Django and SQLAlchemy
(``benchmarks/bench_retrieval_large.py``, docs/benchmarks.md "Retrieval on large
codebases"); which ones are on by default is decided there.

* **Query rewriting into the code's vocabulary** (``search_rewrite = "feedback"``):
  a question in English shares few words with the code that answers it. The
  semantic list's best hits name the code's own identifiers for the concept, so
  their symbol names (split into parts, as the lexical index splits them) are added
  to the lexical query: pseudo-relevance feedback drawn from the index's vocabulary.
* **Reranking the top candidates** (``search_rerank = "summary"``): each of the top
  ``RERANK_DEPTH`` fused candidates is embedded again as a short summary (what it
  is, its class and module in words, its signature and the start of its docstring,
  without the body), and the summary's similarity to the query is fused with the
  first ranking. No model beyond the configured embedder is loaded.
* **Symbol-graph expansion** (``search_graph = "expand"``): a candidate that shares
  its class (or, for a module-level function, its file) with other strong candidates
  gains a share of the best one's score (the hits agree on where the answer lives);
  a class whose members score is added when it was missed; and the PageRank prior
  weighs more than its tie-breaking default.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from devlab.search.embedtext import context_line

RERANK_DEPTH = 50
FEEDBACK_HITS = 3  # semantic hits whose names join the lexical query
RERANK_K = 10  # RRF constant of the rerank fusion
RERANK_WEIGHT = 1.0  # weight of the summary ranking against the first ranking
SUMMARY_CHARS = 300
SUMMARY_CACHE = 50_000  # summary vectors kept per process (a warm server reuses them)
FAMILY_SHARE = 0.3  # share of its family's best other score a candidate gains
PARENT_SHARE = 0.5  # score of a missed class, as a share of its best member's
PAGERANK_WEIGHT = 0.02

# (embedder key, summary text) -> vector: a candidate's summary is embedded once per
# process (a warm server reuses them); cleared when it fills.
_SUMMARY_VECTORS: dict[tuple[str, str], np.ndarray] = {}
_LOCK = threading.Lock()
_HEADER_LINE = re.compile(r"^\W*(File|Class|Symbol|Section|Module-level code)\b")


class Candidate(Protocol):
    """What the stages read of a chunk (``retrieval._ChunkMeta`` fits)."""

    path: str
    symbol: str | None
    kind: str
    content: str
    rank: float


def feedback_terms(symbols: Sequence[str | None], query: str, hits: int = FEEDBACK_HITS) -> str:
    """The lexical query rewritten: ``query`` plus the leaf names of the first ``hits``
    distinct symbols (``QuerySet.select_related`` adds ``select_related``)."""
    names: list[str] = []
    for symbol in symbols:
        if not symbol:
            continue
        leaf = symbol.rsplit(".", 1)[-1].strip("_")
        if leaf and leaf not in names:
            names.append(leaf)
        if len(names) == hits:
            break
    return " ".join([query, *names]) if names else query


def summary(content: str, chars: int = SUMMARY_CHARS) -> str:
    """A chunk's short description: its context line, then its first code lines
    (signature, docstring start) without the header, cut to ``chars``."""
    body = [line for line in content.splitlines()[:6] if _HEADER_LINE.match(line)]
    rest = content.splitlines()[len(body) :]
    text = " ".join(" ".join(rest).split())
    return f"{context_line(content)}. {text}"[:chars]


def rerank(
    order: list[int],
    metas: dict[int, Candidate],
    query: str,
    embed: Callable[[list[str]], np.ndarray],
    depth: int = RERANK_DEPTH,
    model: str = "",
) -> list[tuple[float, int]]:
    """``order`` (best first) with its top ``depth`` reordered by weighted RRF of the
    first ranking and the summaries' similarity to the query; the rest keep their
    place below. Summary vectors are cached per process under ``model`` (the
    embedder's key). Returns (score, chunk id) best first."""
    top = order[:depth]
    if not top:
        return []
    texts = [(model, summary(metas[cid].content)) for cid in top]
    missing = list(dict.fromkeys(t for t in texts if t not in _SUMMARY_VECTORS))
    vectors = embed([query, *(t for _, t in missing)])
    with _LOCK:
        if len(_SUMMARY_VECTORS) + len(missing) > SUMMARY_CACHE:
            _SUMMARY_VECTORS.clear()
        _SUMMARY_VECTORS.update(zip(missing, vectors[1:], strict=True))
        sims = np.array([float(_SUMMARY_VECTORS[t] @ vectors[0]) for t in texts])
    by_sim = {cid: i + 1 for i, cid in enumerate(top[j] for j in np.argsort(-sims, kind="stable"))}
    scored = [
        (1.0 / (RERANK_K + i + 1) + RERANK_WEIGHT / (RERANK_K + by_sim[cid]), cid)
        for i, cid in enumerate(top)
    ]
    scored.sort(key=lambda x: (-x[0], x[1]))
    floor = scored[-1][0]
    return scored + [(floor * 0.5 / (i + 1), cid) for i, cid in enumerate(order[depth:])]


def _family(meta: Candidate) -> tuple[str, str]:
    """Where a candidate lives: its file and its class (the symbol's first part)."""
    symbol = meta.symbol or ""
    if "." in symbol:
        return meta.path, symbol.split(".", 1)[0]
    return meta.path, symbol if meta.kind == "class" else ""


def expand(
    scores: dict[int, float],
    metas: dict[int, Candidate],
    class_chunks: Callable[[list[tuple[str, str]]], dict[tuple[str, str], tuple[int, Candidate]]],
    depth: int = RERANK_DEPTH,
) -> dict[int, float]:
    """Graph expansion over the top ``depth`` candidates (see the module docstring).
    ``class_chunks`` maps (path, class qualname) to that class's chunk, for classes
    missing from ``metas``; the new chunks are added to ``metas``."""
    top = sorted(scores, key=lambda c: (-scores[c], c))[:depth]
    families: dict[tuple[str, str], list[int]] = defaultdict(list)
    for cid in top:
        families[_family(metas[cid])].append(cid)
    out = dict(scores)
    for members in families.values():
        for cid in members:
            others = [scores[c] for c in members if c != cid]
            out[cid] += FAMILY_SHARE * max(others, default=0.0)
    wanted = []
    present = {(m.path, m.symbol) for m in metas.values()}
    for (path, owner), members in families.items():
        if (
            owner
            and (path, owner) not in present
            and any((metas[c].symbol or "").startswith(owner + ".") for c in members)
        ):
            wanted.append((path, owner))
    for key, (cid, meta) in class_chunks(wanted).items():
        best = max(scores[c] for c in families[key])
        metas[cid] = meta
        out[cid] = PARENT_SHARE * best
    for cid in out:
        out[cid] += PAGERANK_WEIGHT * metas[cid].rank
    return out
