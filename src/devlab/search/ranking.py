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
  first ranking. No model beyond the configured embedder is loaded; the summaries'
  vectors are embedded at ingestion and read back from the home's store
  (devlab.search.summaries), so a question embeds only itself.
  With ``search_rerank = "rich"`` the text compared is ``rich_summary``: the summary
  plus the words of the identifiers the code uses (measured on SQLAlchemy, i14r; off).
* **Symbol-graph expansion** (``search_graph = "expand"``): a candidate that shares
  its class (or, for a module-level function, its file) with other strong candidates
  gains a share of the best one's score (the hits agree on where the answer lives);
  a class whose members score is added when it was missed; and the PageRank prior
  weighs more than its tie-breaking default.
* **Name field** (``search_names = "field"``): a third ranked list fused with the
  lexical and semantic ones, ranking the candidates by how much of their own name
  (the symbol's last part, split and stemmed; its class and module count less)
  the question's words cover. BM25 over a whole chunk drowns the name among the body's
  words; code search engines weigh the name field apart (BM25F) for this reason.
* **Call-graph neighbours** (``search_graph = "calls"``, with expansion): the best
  hits' callers and callees join the candidates with a share of the hit's score
  (``add_neighbours``; the look-up is devlab.search.expansion's).
* **Definitions first** (``search_definitions = "prefer"``): module-level chunks
  (imports, ``__all__`` lists) and test files' code lose a share of their score: a
  question asks for the code that does something, not the lines that import it or
  the tests that exercise it.
* **Diversity** (``search_diversity = "family"``): each further candidate of one
  family (the same class, or the same file's module-level functions, or the same
  symbol's continuation chunks) keeps only a share of its score, so one class's many
  methods do not fill the top 10.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

import numpy as np
import snowballstemmer  # type: ignore[import-untyped]  # no type information

from devlab.search.embedtext import context_line, words
from devlab.store import query_tokens, split_identifier

RERANK_DEPTH = 50
FEEDBACK_HITS = 3  # semantic hits whose names join the lexical query
RERANK_K = 10  # RRF constant of the rerank fusion
RERANK_WEIGHT = 1.0  # weight of the summary ranking against the first ranking
SUMMARY_CHARS = 300
RICH_CHARS = 600  # rich_summary: the summary plus the code's identifier words (i14r)
SUMMARY_CACHE = 50_000  # summary vectors kept per process (a warm server reuses them)
FAMILY_SHARE = 0.3  # share of its family's best other score a candidate gains
PARENT_SHARE = 0.5  # score of a missed class, as a share of its best member's
PAGERANK_WEIGHT = 0.02
CALL_SHARE = 0.3  # score a caller/callee of a hit gains, as a share of the hit's
CALL_HITS = 10  # hits whose call-graph neighbours are added
NAME_WEIGHT = 1.0  # weight of the name-field ranking in the hybrid fusion
NAME_CLASS_SHARE = 0.3  # a name part matched in the class counts this much
NAME_MODULE_SHARE = 0.2  # ... and in the module's file name
MODULE_FACTOR = 0.5  # score kept by a module-level chunk
TEST_FACTOR = 0.5  # score kept by a chunk of a test file (test_*.py, tests/, ...)
DIVERSITY_DECAY = 0.6  # score kept by each further member of a family, compounding
# question words that name no code (beyond the index's English stop words)
_QUESTION_WORDS = frozenset({"how", "what", "where", "why", "which", "way", "some", "there"})
_STEMMER = snowballstemmer.stemmer("porter")

# (embedder key, summary text) -> vector: a candidate's summary is embedded once per
# process (a warm server reuses them); cleared when it fills.
_SUMMARY_VECTORS: dict[tuple[str, str], np.ndarray] = {}
_LOCK = threading.Lock()
_HEADER_LINE = re.compile(r"^\W*(File|Class|Symbol|Section|Module-level code)\b")


class SummaryVectors(Protocol):
    """A persistent summary-vector store (devlab.search.summaries.SummaryStore fits)."""

    def get(self, model: str, texts: Iterable[str]) -> dict[str, np.ndarray]: ...

    def put(self, model: str, pairs: Sequence[tuple[str, np.ndarray]]) -> None: ...


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


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PROSE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"[^"\n]*"|\'[^\'\n]*\'|#[^\n]*')
_PLAIN_TEXT = (  # Python keywords and common builtins: no help to a question
    "self cls def return if else elif for while in is not and or none true false "
    "import from as with try except finally raise class pass lambda yield await "
    "async del global nonlocal assert break continue kw args kwargs isinstance len "
    "str int dict list tuple set bool getattr setattr hasattr super object type "
)
_PLAIN_WORDS = frozenset(_PLAIN_TEXT.split())


def rich_summary(content: str, chars: int = RICH_CHARS) -> str:
    """The summary (``summary``) followed by the words of the identifiers the chunk's
    code uses, split and in first-use order (``pool_size``, ``max_overflow`` -> "pool
    size max overflow"), Python's keywords and common builtins left out, cut to
    ``chars``: what the code works with, in words the question may share."""
    head = summary(content)
    lines = content.splitlines()
    header = sum(1 for line in lines[:6] if _HEADER_LINE.match(line))
    code = _PROSE.sub(" ", "\n".join(lines[header:]))  # docstrings, strings, comments out
    known = {w for ident in _IDENTIFIER.findall(head) for w in words(ident).split()}
    seen: dict[str, None] = {}
    for ident in _IDENTIFIER.findall(code):
        for word in words(ident).split():
            if len(word) > 1 and word not in _PLAIN_WORDS and word not in known:
                seen.setdefault(word, None)
    return f"{head}. uses: {' '.join(seen)}"[:chars]


def rerank(
    order: list[int],
    metas: dict[int, Candidate],
    query: str,
    embed: Callable[[list[str]], np.ndarray],
    depth: int = RERANK_DEPTH,
    model: str = "",
    store: SummaryVectors | None = None,
    describe: Callable[[str], str] = summary,
) -> list[tuple[float, int]]:
    """``order`` (best first) with its top ``depth`` reordered by weighted RRF of the
    first ranking and the summaries' similarity to the query; the rest keep their
    place below. Summary vectors come from the process's cache, then ``store`` (filled
    at index time, see devlab.search.summaries), and are embedded (and saved to both)
    only when neither has them. Returns (score, chunk id) best first."""
    top = order[:depth]
    if not top:
        return []
    texts = [describe(metas[cid].content) for cid in top]
    with _LOCK:
        vecs = {t: _SUMMARY_VECTORS[(model, t)] for t in texts if (model, t) in _SUMMARY_VECTORS}
    missing = [t for t in dict.fromkeys(texts) if t not in vecs]
    if missing and store is not None:
        vecs.update(store.get(model, missing))
        missing = [t for t in missing if t not in vecs]
    vectors = embed([query, *missing])
    fresh = list(zip(missing, vectors[1:], strict=True))
    if fresh and store is not None:
        store.put(model, fresh)
    vecs.update(fresh)
    with _LOCK:
        if len(_SUMMARY_VECTORS) + len(vecs) > SUMMARY_CACHE:
            _SUMMARY_VECTORS.clear()
        _SUMMARY_VECTORS.update(((model, t), v) for t, v in vecs.items())
    sims = np.array([float(vecs[t] @ vectors[0]) for t in texts])
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


def add_neighbours(
    scores: dict[int, float],
    metas: dict[int, Candidate],
    neighbours: Callable[[list[tuple[str, str]]], dict[tuple[str, str], list[int]]],
    load: Callable[[list[int]], dict[int, Candidate]],
    hits: int = CALL_HITS,
) -> dict[int, float]:
    """Call-graph expansion: each of the best ``hits`` candidates with a symbol passes
    ``CALL_SHARE`` of its score to the chunks ``neighbours`` names for it (its callers
    and callees); chunks not yet candidates are loaded with ``load`` into ``metas``."""
    top = [c for c in sorted(scores, key=lambda c: (-scores[c], c)) if metas[c].symbol][:hits]
    keys = {(metas[c].path, str(metas[c].symbol)): c for c in reversed(top)}
    found = neighbours(list(dict.fromkeys((metas[c].path, str(metas[c].symbol)) for c in top)))
    missing = [cid for ids in found.values() for cid in ids if cid not in metas]
    metas.update(load(list(dict.fromkeys(missing))))
    out = dict(scores)
    for key, ids in found.items():
        for cid in ids:
            if cid in metas and cid != keys[key]:
                out[cid] = out.get(cid, 0.0) + CALL_SHARE * scores[keys[key]]
    return out


def _stems(words: list[str]) -> set[str]:
    return {_STEMMER.stemWord(w) for w in words if len(w) > 1 and not w.isdigit()}


def query_stems(query: str) -> set[str]:
    """The question's content words, stemmed (what the name field is matched with)."""
    parts: list[str] = []
    for token in query_tokens(query):
        parts.extend(split_identifier(token.replace(".", "_")))
    return _stems([p for p in parts if p not in _QUESTION_WORDS])


def name_score(meta: Candidate, stems: set[str]) -> float:
    """How much of a candidate's own name the question covers: the share of its leaf
    name's parts found among ``stems`` (plus 0.1 per part, so longer full matches
    win), and smaller shares for its class's and module file's parts."""
    symbol = meta.symbol or ""
    leaf = symbol.rsplit(".", 1)[-1]
    owner = symbol.split(".", 1)[0] if "." in symbol else ""
    module = meta.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    score = 0.0
    for share, name in ((1.0, leaf), (NAME_CLASS_SHARE, owner), (NAME_MODULE_SHARE, module)):
        parts = _stems(split_identifier(name))
        if parts:
            hit = len(parts & stems)
            score += share * (hit / len(parts) + 0.1 * hit)
    return score


def name_ranks(metas: dict[int, Candidate], query: str) -> dict[int, int]:
    """Rank (1 = best) of each candidate whose name the question touches."""
    stems = query_stems(query)
    if not stems:
        return {}
    scored = [(name_score(m, stems), cid) for cid, m in metas.items()]
    ordered = sorted(((s, c) for s, c in scored if s > 0), key=lambda x: (-x[0], x[1]))
    return {cid: i + 1 for i, (_, cid) in enumerate(ordered)}


_TEST_PATH = re.compile(
    r"(^|/)(tests|__tests__)/|(^|/)(test_[^/]*|[^/]*_test\.\w+|conftest\.py|[^/]*\.(test|spec)\.\w+)$"
)


def definition_factor(meta: Candidate) -> float:
    """Score kept by a candidate: module-level code keeps MODULE_FACTOR and a test
    file's code TEST_FACTOR (a question asks how the code does something, so the code
    that does it comes before the lines importing it and the tests exercising it)."""
    factor = MODULE_FACTOR if meta.kind == "module" else 1.0
    return factor * (TEST_FACTOR if _TEST_PATH.search(meta.path) else 1.0)


def diversify(
    scored: list[tuple[float, int]], metas: dict[int, Candidate], decay: float | None = None
) -> list[tuple[float, int]]:
    """``scored`` (best first) with each candidate's score times ``decay`` to the power
    of the number of better candidates of its family (see ``_family``), re-sorted."""
    decay = DIVERSITY_DECAY if decay is None else decay
    seen: dict[tuple[str, str], int] = defaultdict(int)
    out = []
    for score, cid in scored:
        family = _family(metas[cid])
        out.append((score * decay ** seen[family], cid))
        seen[family] += 1
    out.sort(key=lambda x: (-x[0], x[1]))
    return out
