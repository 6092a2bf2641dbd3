"""Train / validation / test splits by file (or by repository), seeded and reproducible.

An example's split is decided by its *group*: the file its code comes from (the
project and path), or the whole project when several repositories are combined
(``split_by="repository"``, the default for several projects under ``"auto"``). The
group is hashed with the seed into [0, 1) and compared with the cumulative ratios, so
the same seed always gives the same split, a file's examples never straddle two
splits, and augmented copies, which keep their origin's group, stay with it. Near
duplicates are gone by then (one representative per cluster), so none can leak across.
"""

from __future__ import annotations

import hashlib
from typing import Any

from devlab.errors import InvalidInput
from devlab.training.datasets.models import SPLITS

__all__ = ["assign_splits", "check_ratios", "split_of"]


def check_ratios(ratios: dict[str, float]) -> dict[str, float]:
    unknown = set(ratios) - set(SPLITS)
    if unknown:
        raise InvalidInput(
            f"unknown split(s) {', '.join(sorted(unknown))}: use {', '.join(SPLITS)}"
        )
    if any(v < 0 for v in ratios.values()) or abs(sum(ratios.values()) - 1.0) > 1e-6:
        raise InvalidInput(f"split ratios must be >= 0 and add up to 1, got {ratios}")
    return {s: float(ratios.get(s, 0.0)) for s in SPLITS}


def split_of(group: str, seed: int, ratios: dict[str, float]) -> str:
    digest = hashlib.sha256(f"{seed}\x00{group}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    total = 0.0
    last = SPLITS[0]
    for name in SPLITS:
        share = ratios.get(name, 0.0)
        if share <= 0:
            continue
        last = name
        total += share
        if point < total:
            return name
    return last


def assign_splits(
    examples: list[dict[str, Any]], *, seed: int, ratios: dict[str, float], by_repository: bool
) -> None:
    """Set ``split`` on every example in place; one that carries a fixed ``_split``
    (a user correction: always ``train``) keeps it."""
    cache: dict[str, str] = {}
    for example in examples:
        if example.get("_split"):
            example["split"] = example["_split"]
            continue
        group = example["_group"]
        if by_repository:
            group = group.split("\x00", 1)[0]
        split = cache.get(group)
        if split is None:
            split = cache[group] = split_of(group, seed, ratios)
        example["split"] = split
