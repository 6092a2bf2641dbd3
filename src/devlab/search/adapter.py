"""A query-side linear adapter, trained per snapshot on the codebase's own text.

The packaged embedder (all-MiniLM-L6-v2) is a general sentence model: a developer's
question often shares no word with the code that answers it, and only the model can
bridge that (docs/benchmarks.md, issue 14 item 7). No stronger model is packaged and
nothing may download at run time, so ``search_adapter = "codebase"`` adapts the one we
have to the codebase it indexes, from the codebase's own text (never from questions):

- **Pairs.** Each documented function, method or class gives one pair: the first
  sentence of its docstring (what it does, in words) and its first chunk with the
  docstring cut out (how the code says it). The target must not contain the query's
  text: a chunk embedded with its own docstring matches that docstring trivially and
  teaches nothing. So the targets are re-embedded without their docstrings
  (``MAX_PAIRS`` at most, a deterministic sample), the index's vectors are not touched.
- **Model.** A 384 x 384 matrix ``W`` (the model's dimension), applied to the query
  vector only: ``q' = W q / |W q|``. Chunk vectors stay as indexed, so nothing is
  re-embedded for search and the adapter can be switched off at any time.
- **Training.** Softmax cross-entropy of ``q'`` against *every* chunk vector of the
  snapshot (the pair's own chunk replaced by its docstring-free vector), temperature
  ``TEMPERATURE``, plus ``strength * |W - I|^2`` pulling towards the identity (the
  plain model); Adam on mini-batches of queries, numpy only (no torch at run time).
- **Validation.** The pairs of a fifth of the files are held out; each strength of
  ``STRENGTHS`` is trained on the rest and scored by MRR@10 of the held-out pairs
  against all chunks. The best one is kept only if it beats the identity by
  ``MIN_GAIN``; otherwise the snapshot has no adapter (state ``no-gain``), and a
  codebase with fewer than ``MIN_PAIRS`` pairs gets none either (``too-few-pairs``).

The result is stored beside the index in the home's cache (``adapters/<digest>.npz``),
keyed by the model's index key and the content hashes of the snapshot's chunks: an
unchanged re-index finds it and trains nothing. The snapshot's ``stats
["search_adapter"]`` records what happened (state, pairs, validation MRR before and
after, strength, seconds, bytes); search reads the matrix named there, once per
process. A snapshot indexed with the setting off has no adapter: search then uses the
plain query vector until the project is ingested again with the setting on.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import bindparam, text

from devlab.config import Settings
from devlab.progress import ProgressFn, report
from devlab.search.embedtext import embedding_text
from devlab.search.summaries import snapshot_chunks
from devlab.store import Database, Snapshot, crypto

log = logging.getLogger(__name__)

ADAPTER_VERSION = 1  # bump when pairs, training or the file format change
MIN_PAIRS = 100  # fewer documented symbols: no adapter
MAX_PAIRS = 1500  # docstring-free targets embedded at index time (the main cost)
TEMPERATURE = 0.05
STRENGTHS = (0.1, 0.01, 0.001)  # the pull towards identity, chosen on held-out pairs
MIN_GAIN = 0.005  # held-out pair MRR@10 the adapter must add over the plain model
STEPS = 120
BATCH = 128
LEARNING_RATE = 2e-3
HELD_OUT_SHARE = 0.2  # of files, by a hash of the path
_KINDS = ("function", "method", "class", "async function", "async method")
_DOCSTRING = re.compile(r"[rRbBuU]{0,2}(\"\"\"|''')[\s\S]*?\1")
_BLOCK_COMMENT = re.compile(r"/\*\*[\s\S]*?\*/")
_LINE_COMMENTS = re.compile(r"(?m)^[ \t]*(//|#(?!\s*(File|Class|Symbol|Section):)).*\n")


class Pair(NamedTuple):
    query: str  # the docstring's first sentence
    chunk_id: int  # the symbol's first chunk
    target: str  # that chunk's embedding text without the docstring
    path: str


def first_sentence(docstring: str) -> str | None:
    """A docstring's first sentence, if it says something (3 to 60 words)."""
    para = re.split(r"\n\s*\n", docstring.strip(), maxsplit=1)[0]
    para = " ".join(para.split())
    match = re.match(r"(.+?[.!?])(\s|$)", para)
    sentence = (match.group(1) if match else para).strip()
    n = len(sentence.split())
    return sentence if 3 <= n <= 60 else None


def strip_docstring(content: str, docstring: str) -> str | None:
    """``content`` without the docstring (a Python string literal, a ``/** */`` block or
    comment lines); None when the docstring's words are still in it (the pair would be
    trivial) or nothing but the header is left."""
    out = _DOCSTRING.sub("", content, count=1)
    out = _BLOCK_COMMENT.sub("", out, count=1)
    out = _LINE_COMMENTS.sub("", out)
    probe = " ".join(docstring.split())[:40]
    if not probe or probe in " ".join(out.split()):
        return None
    body = [ln for ln in out.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return out if len(body) >= 2 else None


def _held_out(path: str) -> bool:
    digest = hashlib.blake2b(path.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") / 2**32 < HELD_OUT_SHARE


def training_pairs(db: Database, settings: Settings, snapshot_id: int) -> list[Pair]:
    """The snapshot's (docstring sentence, docstring-free first chunk) pairs, at most
    ``MAX_PAIRS``, sampled by a hash of the symbol so a re-run picks the same ones."""
    sql = text(
        "SELECT x.qualname, x.docstring, f.path, "
        "(SELECT c.id FROM chunks c WHERE c.file_id = x.file_id AND c.symbol = x.qualname "
        " ORDER BY c.start_line LIMIT 1) "
        "FROM symbols x JOIN snapshot_files sf ON sf.file_id = x.file_id "
        "JOIN files f ON f.id = x.file_id WHERE sf.snapshot_id = :s AND x.kind IN :k"
    ).bindparams(bindparam("k", expanding=True))
    candidates: list[tuple[bytes, str, int, str]] = []
    with db.engine.connect() as conn:
        for qualname, doc, path, cid in conn.execute(sql, {"s": snapshot_id, "k": list(_KINDS)}):
            docstring = crypto.decrypt(doc) if doc else ""
            sentence = first_sentence(docstring) if docstring else None
            if sentence and cid is not None:
                order = hashlib.blake2b(f"{path}\0{qualname}".encode(), digest_size=8).digest()
                candidates.append((order, sentence, int(cid), f"{path}\0{docstring}"))
        candidates.sort()
        pairs: list[Pair] = []
        for start in range(0, len(candidates), 500):
            part = candidates[start : start + 500]
            ids = ",".join(str(c[2]) for c in part)
            rows = conn.execute(text(f"SELECT id, content FROM chunks WHERE id IN ({ids})"))
            content = {int(i): crypto.decrypt(c) for i, c in rows}
            for _, sentence, cid, key in part:
                path, _, docstring = key.partition("\0")
                stripped = strip_docstring(content.get(cid, ""), docstring)
                if stripped is not None:
                    target = embedding_text(
                        stripped, settings.embedding_max_chars, settings.embedding_text
                    )
                    pairs.append(Pair(sentence, cid, target, path))
            if len(pairs) >= MAX_PAIRS:
                break
    return pairs[:MAX_PAIRS]


def fit(
    queries: np.ndarray,
    chunks: np.ndarray,
    positives: np.ndarray,
    strength: float,
    steps: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """``W`` minimising the softmax cross-entropy of ``normalise(W q_i)`` against all
    rows of ``chunks`` (row ``positives[i]`` the answer) + ``strength |W - I|^2``, by
    Adam on mini-batches of ``BATCH`` queries. One BLAS thread: these mid-sized
    products ran five times slower with two threads on busy shared cores."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    dim = queries.shape[1]
    eye = np.eye(dim, dtype=np.float32)
    w = eye.copy()
    moments = (np.zeros_like(w), np.zeros_like(w))
    rng = np.random.default_rng(seed)
    with threadpool_limits(limits=1, user_api="blas"):
        for step in range(1, (steps or STEPS) + 1):
            idx = rng.choice(len(queries), size=min(BATCH, len(queries)), replace=False)
            grad = _gradient(w, queries[idx], chunks, positives[idx])
            grad += 2.0 * strength * (w - eye)
            w, moments = _adam(w, grad, moments, step)
    return w.astype(np.float32)


def _gradient(w: np.ndarray, q: np.ndarray, chunks: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """d(mean cross-entropy)/dW of a batch, through the normalisation of ``W q``."""
    z = q @ w.T
    norm = np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-9)
    u = z / norm
    logits = (u @ chunks.T) / TEMPERATURE
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(q)), pos] -= 1.0
    gu = (p @ chunks) / (TEMPERATURE * len(q))
    gz = (gu - u * (gu * u).sum(axis=1, keepdims=True)) / norm
    return np.asarray(gz.T @ q, dtype=np.float32)


def _adam(
    w: np.ndarray, grad: np.ndarray, moments: tuple[np.ndarray, np.ndarray], step: int
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    beta1, beta2 = 0.9, 0.999
    m = beta1 * moments[0] + (1 - beta1) * grad
    v = beta2 * moments[1] + (1 - beta2) * grad * grad
    update = (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    return (w - LEARNING_RATE * update).astype(np.float32), (m, v)


def apply(w: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """The adapted unit query vector."""
    z = w @ np.asarray(vector, dtype=np.float32)
    return (z / max(float(np.linalg.norm(z)), 1e-9)).astype(np.float32)


def pair_mrr(
    w: np.ndarray | None, queries: np.ndarray, chunks: np.ndarray, positives: np.ndarray
) -> float:
    """MRR@10 of the pairs' own chunks among all ``chunks`` (``w`` None: the plain model)."""
    if len(queries) == 0:
        return 0.0
    z = queries if w is None else queries @ w.T
    z = z / np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-9)
    total = 0.0
    for start in range(0, len(z), 256):
        sims = z[start : start + 256] @ chunks.T
        own = sims[np.arange(len(sims)), positives[start : start + 256]]
        rank = (sims >= own[:, None]).sum(axis=1)  # ties count against
        total += float(np.where(rank <= 10, 1.0 / rank, 0.0).sum())
    return total / len(z)


def _fingerprint(key: str, chunks: list[tuple[int, str]]) -> str:
    """The adapter's file name: model index key + the snapshot's chunk contents."""
    digest = hashlib.blake2b(f"adapter-v{ADAPTER_VERSION}\0{key}\0".encode(), digest_size=16)
    for content_hash in sorted(h for _, h in chunks):
        digest.update(content_hash.encode())
    return digest.hexdigest()


def adapter_dir(settings: Settings) -> Path:
    """Where a home keeps its adapters (beside the summary store)."""
    return settings.cache_dir / "adapters"


def _save(path: Path, info: dict[str, Any], w: np.ndarray | None) -> None:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    arrays: dict[str, Any] = {"info": np.array(json.dumps(info))}
    if w is not None:
        arrays["w"] = w.astype(np.float32)
    np.savez(tmp, **arrays)
    tmp.replace(path)


def _read_info(path: Path) -> dict[str, Any] | None:
    import json

    try:
        with np.load(path) as data:
            return dict(json.loads(str(data["info"])))
    except (OSError, ValueError, KeyError) as exc:
        log.warning("search adapter %s unreadable (%s): training again", path, exc)
        return None


def _choose(
    queries: np.ndarray, chunks: np.ndarray, positives: np.ndarray, held: np.ndarray
) -> tuple[np.ndarray | None, dict[str, Any]]:
    """Train one adapter per strength on the kept pairs, score each on the held-out
    pairs; the best, or None when it does not beat the plain model by ``MIN_GAIN``."""
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    train, val = ~held, held
    scores: dict[str, float] = {}
    best: tuple[float, float, np.ndarray] | None = None
    # one BLAS thread: these mid-sized products ran 5x slower with two on shared cores
    with threadpool_limits(limits=1, user_api="blas"):
        base = pair_mrr(None, queries[val], chunks, positives[val])
        for strength in STRENGTHS:
            w = fit(queries[train], chunks, positives[train], strength)
            score = pair_mrr(w, queries[val], chunks, positives[val])
            scores[str(strength)] = round(score, 4)
            if best is None or score > best[0]:
                best = (score, strength, w)
    assert best is not None
    info: dict[str, Any] = {
        "validation_pairs": int(val.sum()),
        "validation_mrr_plain": round(base, 4),
        "validation_mrr_by_strength": scores,
        "validation_mrr": round(best[0], 4),
        "strength": best[1],
        "distance_from_identity": round(float(np.linalg.norm(best[2] - np.eye(len(best[2])))), 4),
    }
    return (best[2] if best[0] >= base + MIN_GAIN else None), info


def train(
    db: Database,
    settings: Settings,
    snapshot_id: int,
    key: str,
    embed: Callable[[list[str]], np.ndarray],
    dim: int,
    progress: ProgressFn | None = None,
) -> dict[str, Any]:
    """Train (or find) the snapshot's adapter for the index ``key`` and record it in
    the snapshot's stats; returns that record (see the module docstring)."""
    started = time.perf_counter()
    chunks = snapshot_chunks(db, snapshot_id)
    path = adapter_dir(settings) / f"{_fingerprint(key, chunks)}.npz"
    info = _read_info(path) if path.is_file() else None
    if info is not None:
        info = {**info, "reused": True}
    else:
        info = _train_new(db, settings, snapshot_id, chunks, (embed, dim), progress)
        info["seconds"] = round(time.perf_counter() - started, 1)
        _save(path, info, info.pop("_w", None))
        info["reused"] = False
    info["file"] = path.name if info["state"] == "trained" else None
    _record(db, snapshot_id, info)
    return info


def _train_new(
    db: Database,
    settings: Settings,
    snapshot_id: int,
    chunks: list[tuple[int, str]],
    model: tuple[Callable[[list[str]], np.ndarray], int],
    progress: ProgressFn | None,
) -> dict[str, Any]:
    embed, dim = model
    pairs = training_pairs(db, settings, snapshot_id)
    stored = db.vectors.fetch([cid for cid, _ in chunks], dim)
    row = {cid: i for i, cid in enumerate(sorted(stored))}
    pairs = [p for p in pairs if p.chunk_id in row]
    held = np.array([_held_out(p.path) for p in pairs], dtype=bool)
    info: dict[str, Any] = {"version": ADAPTER_VERSION, "pairs": len(pairs)}
    if len(pairs) < MIN_PAIRS or held.sum() < 10 or (~held).sum() < MIN_PAIRS // 2:
        return {**info, "state": "too-few-pairs", "min_pairs": MIN_PAIRS}
    matrix = np.stack([stored[cid] for cid in sorted(stored)]).astype(np.float32)
    queries = np.zeros((len(pairs), dim), dtype=np.float32)
    step = 256
    for start in range(0, len(pairs), step):
        part = pairs[start : start + step]
        queries[start : start + len(part)] = embed([p.query for p in part])
        targets = embed([p.target for p in part])
        for p, vec in zip(part, targets, strict=True):
            matrix[row[p.chunk_id]] = vec
        done = min(start + step, len(pairs))
        report(progress, "adapter", done, len(pairs), "search adapter: docstring-free targets")
    positives = np.array([row[p.chunk_id] for p in pairs], dtype=np.int64)
    w, chosen = _choose(queries, matrix, positives, held)
    info.update(chosen)
    info["state"] = "trained" if w is not None else "no-gain"
    info["bytes"] = 0 if w is None else int(w.nbytes)
    if w is not None:
        info["_w"] = w
    return info


def _record(db: Database, snapshot_id: int, info: dict[str, Any]) -> None:
    with db.session() as s:
        snap = s.get(Snapshot, snapshot_id)
        if snap is not None:
            snap.stats = {**(snap.stats or {}), "search_adapter": dict(info)}


_LOADED: dict[Path, np.ndarray] = {}
_LOADED_LOCK = threading.Lock()


def for_snapshot(settings: Settings, stats: dict[str, Any] | None) -> np.ndarray | None:
    """The snapshot's trained adapter matrix (loaded once per process), or None when
    it has none (indexed with the setting off, too few pairs, no gain, file gone)."""
    record = (stats or {}).get("search_adapter")
    name = record.get("file") if isinstance(record, dict) else None
    if not name:
        return None
    path = adapter_dir(settings) / str(name)
    with _LOADED_LOCK:
        if path not in _LOADED:
            try:
                with np.load(path) as data:
                    _LOADED[path] = np.asarray(data["w"], dtype=np.float32)
            except (OSError, ValueError, KeyError) as exc:
                log.warning("search adapter %s unusable (%s): plain query vectors", path, exc)
                return None
        return _LOADED[path]
