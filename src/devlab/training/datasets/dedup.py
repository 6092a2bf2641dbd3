"""Exact and near deduplication (BigCode's settings by default).

* **Exact**: examples whose kind, prompt and completion are equal once whitespace runs
  are collapsed (``extract.normalised_hash``) keep their first occurrence.
* **Near**: every unit (function, method, class) gets a MinHash of its code's word
  5-gram shingles (tokens split on non-alphanumerics, as BigCode does) with 256
  permutations. The signature is computed in numpy (one matrix product per unit, with
  datasketch's permutations and pre-mix; each shingle's hash folds its tokens' CRC32s,
  which is about 10x faster than hashing every joined shingle); datasketch's
  ``MinHashLSH`` at Jaccard 0.7 proposes candidates, the
  signatures' estimated Jaccard confirms them, and each cluster keeps one
  representative (the first unit in path order). Every example of a dropped unit goes
  (augmented copies included).

Deduplicating units rather than examples is on purpose: the bug-fix pairs of one
function differ by a token and would all collapse, while two copies of a function in
two files are exactly what near-dedup is for. Signatures are computed in the worker
processes (``unit_signature``), the LSH index in the main process.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

__all__ = ["near_duplicates", "unit_signature"]

_NON_ALNUM = re.compile(r"[^A-Za-z_0-9]+")
_SEED = 42
_SCHEME = "affine32"


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's own affine permutations for ``num_perm`` (seed 42)."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=_SEED, scheme=_SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (what datasketch applies before permuting)."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


_token_hashes: dict[str, int] = {}


def _token_hash(token: str) -> int:
    found = _token_hashes.get(token)
    if found is None:
        if len(_token_hashes) > 500_000:
            _token_hashes.clear()
        found = _token_hashes[token] = zlib.crc32(token.encode())
    return found


def shingle_hashes(text: str, size: int) -> np.ndarray:
    """One uint32 per word ``size``-gram: the token hashes folded left to right."""
    tokens = [t for t in _NON_ALNUM.split(text) if t]
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    hashed = np.fromiter(map(_token_hash, tokens), dtype=np.uint32, count=len(tokens))
    if len(hashed) <= size:
        size = len(hashed)
    count = len(hashed) - size + 1
    with np.errstate(over="ignore"):
        acc = hashed[:count].copy()
        for j in range(1, size):
            acc = acc * np.uint32(0x9E3779B1) + hashed[j : j + count]
    return np.unique(acc)


def unit_signature(text: str, num_perm: int, size: int) -> np.ndarray | None:
    """The MinHash hash values of ``text`` (uint32[num_perm]) computed in numpy with
    datasketch's permutations and pre-mix, or None when it has no tokens."""
    grams = shingle_hashes(text, size)
    if not len(grams):
        return None
    a, b = _permutations(num_perm)
    with np.errstate(over="ignore"):
        mixed = _fmix32(grams)[:, None]
        return (mixed * a + b).min(axis=0)


def near_duplicates(
    signatures: Iterable[tuple[str, np.ndarray]], *, threshold: float, num_perm: int
) -> dict[str, str]:
    """Map each near-duplicate unit id to its cluster's representative (units not in
    the result are representatives or unique). ``signatures`` come in the order that
    decides representatives."""
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    kept: dict[str, np.ndarray] = {}
    duplicates: dict[str, str] = {}
    for key, values in signatures:
        lean = LeanMinHash(seed=_SEED, hashvalues=values, scheme=_SCHEME)
        best = None
        for candidate in lsh.query(lean):
            similarity = float(np.mean(kept[candidate] == values))
            if similarity >= threshold and (best is None or similarity > best[1]):
                best = (candidate, similarity)
        if best is not None:
            duplicates[key] = best[0]
        else:
            lsh.insert(key, lean)
            kept[key] = values
    return duplicates
