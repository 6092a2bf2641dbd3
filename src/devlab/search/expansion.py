"""Two more optional stages of hybrid search, both read from the snapshot's own index.

* **The codebase's own vocabulary** (``search_rewrite = "vocabulary"``): a developer
  asks in English ("reject posts that lack a valid anti forgery token") while the
  code names the concept its own way (``csrf``). The code's docstrings say both: a
  docstring mentioning *forgery* sits on symbols whose names say *csrf*. So each
  snapshot's symbols give a small translation table: docstring words -> the
  identifier parts of the names they document (split and stemmed like the lexical
  index). A question's words pull the name parts they co-occur with most, weighted
  by how rare the part is among names (``P(part | word in docstring) x idf(part)``);
  the best few join the lexical query. Built once per snapshot per process (about a
  second on Django's 40,000 symbols) and kept in memory.
* **Consensus feedback** (``search_rewrite = "consensus"``): pseudo-relevance
  feedback from the first hits of both the lexical and the semantic list: name parts
  that at least two of those hits share (``paginator`` when ``Paginator.page`` and
  ``Paginator.count`` both surface) join the lexical query, which runs again. Unlike
  ``"feedback"`` (ranking.feedback_terms: the semantic hits' whole names), a single
  stray hit adds nothing.
* **Call-graph neighbours** (``search_graph = "calls"``): the answer often calls, or
  is called by, what the question's words found (a view's ``process_view`` calls the
  ``_check_token`` that matched "token"). The best hits' callees and callers, as the
  symbol references recorded at ingestion name them (only names defined at most
  ``MAX_DEFS`` times in the snapshot: ``get`` would link everything), become
  candidates too, with a share of the hit's score (``ranking.CALL_SHARE``), on top of
  the class/file expansion of ``search_graph = "expand"``.

Both are measured against the other stages in benchmarks/bench_retrieval_large.py
(docs/benchmarks.md, issue 14 item 7, i14f).
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]  # no type information
from sqlalchemy import bindparam, text

from devlab.search.ranking import query_stems
from devlab.store import Database, crypto, split_identifier

VOCAB_TERMS = 3  # name parts added to the lexical query
VOCAB_MIN_PAIRS = 3  # a (word, part) pair must co-occur on this many symbols
VOCAB_MIN_SHARE = 0.2  # ... and on this share of the symbols whose docstring has the word
VOCAB_COMMON = 0.05  # docstring words on more than this share of symbols say nothing
VOCAB_GENERIC = 0.01  # name parts on more than this share of names (get, base) neither
CONSENSUS_HITS = 2  # hits that must share a name part for it to join the query
FEEDBACK_DEPTH = 5  # first hits of each list read for the consensus
DOC_WORDS = 60  # words read from the start of each docstring
MAX_DEFS = 3  # a referenced name links to its definitions only when it has this few
CALL_HITS = 10  # hits whose callers and callees are added
CALL_LIMIT = 40  # neighbour chunks added at most
_WORD = re.compile(r"[a-z][a-z]+")
_STEMMER = snowballstemmer.stemmer("porter")


@dataclass
class Vocabulary:
    """Docstring word -> symbols (postings) and each symbol's name parts."""

    postings: dict[str, list[int]]
    parts: list[tuple[str, ...]]
    part_df: Counter[str]
    surface: dict[str, str]  # stemmed part -> its commonest spelling in names

    def terms(self, question: str, n: int = VOCAB_TERMS) -> list[str]:
        """The ``n`` name parts the question's words point to (see the module doc)."""
        stems = query_stems(question)
        total = max(len(self.parts), 1)
        scores: dict[str, float] = defaultdict(float)
        for word in stems:
            symbols = self.postings.get(word, [])
            if not symbols or len(symbols) > VOCAB_COMMON * total:
                continue
            pairs = Counter(p for s in symbols for p in self.parts[s])
            for part, count in pairs.items():
                share = count / len(symbols)
                if (
                    count >= VOCAB_MIN_PAIRS
                    and share >= VOCAB_MIN_SHARE
                    and part not in stems
                    and self.part_df[part] <= VOCAB_GENERIC * total
                ):
                    scores[part] += share * math.log(share * total / self.part_df[part])
        best = sorted(scores, key=lambda p: (-scores[p], p))[:n]
        return [self.surface[p] for p in best]


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    """Porter stem (cached: the pure-Python stemmer is slow, and words repeat)."""
    return str(_STEMMER.stemWord(word))


def build_vocabulary(db: Database, snapshot_id: int) -> Vocabulary:
    """The snapshot's docstring-word -> name-part table (see the module docstring)."""
    sql = text(
        "SELECT x.qualname, x.docstring FROM symbols x JOIN snapshot_files sf "
        "ON sf.file_id = x.file_id WHERE sf.snapshot_id = :s AND x.kind != 'module'"
    )
    with db.engine.connect() as conn:
        rows = conn.execute(sql, {"s": snapshot_id}).all()
    postings: dict[str, list[int]] = defaultdict(list)
    parts: list[tuple[str, ...]] = []
    part_df: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for qualname, doc in rows:
        names: dict[str, None] = {}
        for piece in str(qualname).split(".")[-2:]:  # the symbol and its class
            for raw in split_identifier(piece):
                if len(raw) > 2 and not raw.isdigit():
                    stem = _stem(raw)
                    names[stem] = None
                    spellings[stem][raw] += 1
        index = len(parts)
        parts.append(tuple(names))
        part_df.update(list(names))
        docstring = crypto.decrypt(doc) if doc else ""
        words = _WORD.findall(docstring.lower())[:DOC_WORDS]
        for word in {_stem(w) for w in words if len(w) > 2}:
            postings[word].append(index)
    surface = {stem: counts.most_common(1)[0][0] for stem, counts in spellings.items()}
    return Vocabulary(dict(postings), parts, part_df, surface)


_VOCABULARIES: OrderedDict[tuple[str, int], Vocabulary] = OrderedDict()
_VOCAB_LOCK = threading.Lock()
_VOCAB_KEEP = 4  # snapshots whose tables a process keeps


def vocabulary(db: Database, snapshot_id: int) -> Vocabulary:
    """The snapshot's table, built on first use and kept (a snapshot never changes)."""
    key = (str(db.engine.url), snapshot_id)
    with _VOCAB_LOCK:
        if key in _VOCABULARIES:
            _VOCABULARIES.move_to_end(key)
            return _VOCABULARIES[key]
    built = build_vocabulary(db, snapshot_id)
    with _VOCAB_LOCK:
        _VOCABULARIES[key] = built
        while len(_VOCABULARIES) > _VOCAB_KEEP:
            _VOCABULARIES.popitem(last=False)
    return built


def consensus_terms(
    vocab: Vocabulary, symbols: list[str | None], question: str, n: int = VOCAB_TERMS
) -> list[str]:
    """Pseudo-relevance feedback from the first hits of both lists (``symbols``, best
    first): the name parts (symbol and class, split and stemmed) that at least
    ``CONSENSUS_HITS`` distinct hits share, most shared first, rarer first on ties,
    leaving out the question's own words and parts common to 1% of all names."""
    stems = query_stems(question)
    total = max(len(vocab.parts), 1)
    counts: Counter[str] = Counter()
    for symbol in dict.fromkeys(s for s in symbols if s):
        parts = {
            _stem(raw)
            for piece in symbol.split(".")[-2:]
            for raw in split_identifier(piece)
            if len(raw) > 2 and not raw.isdigit()
        }
        counts.update(parts - stems)
    shared = [
        p
        for p, c in counts.items()
        if c >= CONSENSUS_HITS and 0 < vocab.part_df[p] <= VOCAB_GENERIC * total
    ]
    best = sorted(shared, key=lambda p: (-counts[p], vocab.part_df[p], p))[:n]
    return [vocab.surface.get(p, p) for p in best]


def rewrite(db: Database, snapshot_id: int, question: str) -> str:
    """The lexical query with the vocabulary's name parts added."""
    terms = vocabulary(db, snapshot_id).terms(question)
    return " ".join([question, *terms]) if terms else question


_REFS = (
    "SELECT f.path, r.scope, r.name FROM symbol_refs r JOIN files f ON f.id = r.file_id "
    "JOIN snapshot_files sf ON sf.file_id = r.file_id AND sf.snapshot_id = :s "
)


def call_neighbours(
    db: Database, snapshot_id: int, hits: list[tuple[str, str]]
) -> dict[tuple[str, str], list[int]]:
    """For each (path, qualname) hit, the first chunks of the symbols it calls or
    refers to, and of the symbols that call it, by unambiguous names (defined at most
    ``MAX_DEFS`` times in the snapshot)."""
    if not hits:
        return {}
    snap = {"s": snapshot_id}
    leaf_of = {hit: hit[1].rsplit(".", 1)[-1] for hit in hits}
    with db.engine.connect() as conn:
        files = conn.execute(  # the hits' file versions: symbol_refs is indexed by file
            text(
                "SELECT f.id FROM files f JOIN snapshot_files sf ON sf.file_id = f.id "
                "AND sf.snapshot_id = :s WHERE f.path IN :paths"
            ).bindparams(bindparam("paths", expanding=True)),
            {**snap, "paths": sorted({p for p, _ in hits})},
        ).all()
        callees = conn.execute(
            text(_REFS + "WHERE r.file_id IN :fids AND r.scope IN :scopes").bindparams(
                bindparam("fids", expanding=True), bindparam("scopes", expanding=True)
            ),
            {**snap, "fids": [int(r[0]) for r in files], "scopes": sorted({q for _, q in hits})},
        ).all()
        callers = conn.execute(
            text(_REFS + "WHERE r.name IN :names AND r.scope IS NOT NULL").bindparams(
                bindparam("names", expanding=True)
            ),
            {**snap, "names": sorted(set(leaf_of.values()))},
        ).all()
        names = {n for _, _, n in callees} | set(leaf_of.values())
        defs = conn.execute(
            text(
                "SELECT f.path, x.qualname, x.name FROM symbols x JOIN files f ON f.id = x.file_id "
                "JOIN snapshot_files sf ON sf.file_id = x.file_id AND sf.snapshot_id = :s "
                "WHERE x.name IN :names AND x.kind != 'module'"
            ).bindparams(bindparam("names", expanding=True)),
            {**snap, "names": sorted(names)},
        ).all()
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for path, qualname, name in defs:
        by_name[name].append((path, qualname))
    wanted: dict[tuple[str, str], list[tuple[str, str]]] = {hit: [] for hit in hits}  # best first
    hit_set = set(hits)
    for path, scope, name in callees:
        targets = by_name.get(name, [])
        if (path, scope) in hit_set and 0 < len(targets) <= MAX_DEFS:
            wanted[(path, scope)].extend(t for t in targets if t != (path, scope))
    for hit, leaf in leaf_of.items():
        if 0 < len(by_name.get(leaf, [])) <= MAX_DEFS:
            wanted[hit].extend((p, s) for p, s, n in callers if n == leaf and (p, s) != hit)
    return _first_chunks(db, snapshot_id, wanted)


def _first_chunks(
    db: Database, snapshot_id: int, wanted: dict[tuple[str, str], list[tuple[str, str]]]
) -> dict[tuple[str, str], list[int]]:
    """Each hit's neighbour symbols as their first chunk ids (at most CALL_LIMIT)."""
    symbols = sorted({s for targets in wanted.values() for s in targets})[: CALL_LIMIT * 4]
    if not symbols:
        return {}
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT f.path, c.symbol, MIN(c.id) FROM chunks c JOIN files f ON f.id = c.file_id "
                "JOIN snapshot_files sf ON sf.file_id = c.file_id AND sf.snapshot_id = :s "
                "WHERE c.symbol IN :names GROUP BY f.path, c.symbol"
            ).bindparams(bindparam("names", expanding=True)),
            {"s": snapshot_id, "names": sorted({q for _, q in symbols})},
        ).all()
    first = {(path, symbol): int(cid) for path, symbol, cid in rows}
    out: dict[tuple[str, str], list[int]] = {}
    added = 0
    for hit, targets in wanted.items():
        ids = list(dict.fromkeys(first[t] for t in targets if t in first))[: CALL_LIMIT - added]
        if ids:
            out[hit] = ids
            added += len(ids)
    return out
