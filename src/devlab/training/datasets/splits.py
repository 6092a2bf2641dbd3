"""Train / validation / test splits by file (or by repository), balanced and reproducible.

An example's split is decided by its *group*: the file its code comes from (the
project and path), or the whole project when several repositories are combined
(``split_by="repository"``, the default for several projects under ``"auto"``), so a
file's examples never straddle two splits and augmented copies, which keep their
origin's group, stay with it. Near duplicates are gone by then (one representative
per cluster), so none can leak across.

Groups are **balanced by example count**: files differ wildly in how many examples
they give (one big module can give a thousand), so hashing each file to a split by
the ratio of *files* missed the configured ratio of *examples* (a build came out
4755/56/80 against 0.8/0.1/0.1). Groups are taken largest first (ties in a seeded
order) and each goes to the split furthest below its target count. The same seed and
inputs always give the same split. :func:`assign_splits` returns the realised ratios
and, when they still differ from the target, why (a single file larger than a split's
share cannot be divided); the data card shows both.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from devlab.errors import InvalidInput
from devlab.training.datasets.models import SPLITS

__all__ = ["assign_splits", "check_ratios"]


def check_ratios(ratios: dict[str, float]) -> dict[str, float]:
    unknown = set(ratios) - set(SPLITS)
    if unknown:
        raise InvalidInput(
            f"unknown split(s) {', '.join(sorted(unknown))}: use {', '.join(SPLITS)}"
        )
    if any(v < 0 for v in ratios.values()) or abs(sum(ratios.values()) - 1.0) > 1e-6:
        raise InvalidInput(f"split ratios must be >= 0 and add up to 1, got {ratios}")
    return {s: float(ratios.get(s, 0.0)) for s in SPLITS}


def _order_key(seed: int, group: str) -> bytes:
    return hashlib.sha256(f"{seed}\x00{group}".encode()).digest()[:8]


def assign_splits(
    examples: list[dict[str, Any]], *, seed: int, ratios: dict[str, float], by_repository: bool
) -> dict[str, Any]:
    """Set ``split`` on every example in place; one that carries a fixed ``_split``
    (a user correction: always ``train``) keeps it. Returns the target and realised
    ratios, the number of groups and, when they differ by more than 2 points, why."""
    sizes: Counter[str] = Counter()
    current = dict.fromkeys(SPLITS, 0)
    for example in examples:
        if example.get("_split"):
            current[example["_split"]] = current.get(example["_split"], 0) + 1
        else:
            sizes[_group(example, by_repository)] += 1
    total = sum(sizes.values()) + sum(current.values())
    active = [name for name in SPLITS if ratios.get(name, 0.0) > 0] or [SPLITS[0]]
    chosen: dict[str, str] = {}
    for group in sorted(sizes, key=lambda g: (-sizes[g], _order_key(seed, g))):
        best = max(
            active, key=lambda n: (ratios.get(n, 0.0) * total - current[n], -active.index(n))
        )
        chosen[group] = best
        current[best] += sizes[group]
    for example in examples:
        if example.get("_split"):
            example["split"] = example["_split"]
        else:
            example["split"] = chosen[_group(example, by_repository)]
    return _summary(ratios, current, sizes, total, by_repository)


def _group(example: dict[str, Any], by_repository: bool) -> str:
    group = example["_group"]
    return group.split("\x00", 1)[0] if by_repository else group


def _summary(
    ratios: dict[str, float], counts: dict[str, int], sizes: Counter, total: int, by_repo: bool
) -> dict[str, Any]:
    realised = {n: (counts[n] / total if total else 0.0) for n in SPLITS}
    unit = "repository" if by_repo else "file"
    summary: dict[str, Any] = {
        "target": {n: ratios.get(n, 0.0) for n in SPLITS},
        "realised": {n: round(v, 4) for n, v in realised.items()},
        "counts": {n: counts[n] for n in SPLITS},
        "groups": len(sizes),
        "unit": unit,
        "why": "",
    }
    gap = max(abs(realised[n] - ratios.get(n, 0.0)) for n in SPLITS) if total else 0.0
    if gap > 0.02 and sizes:
        size = sizes.most_common(1)[0][1]
        summary["why"] = (
            f"examples are split by {unit} (a {unit}'s examples never straddle two splits, "
            f"so nothing leaks from train into test) and balanced by example count; with "
            f"{len(sizes):,} {unit}s, the largest holding {size:,} of {total:,} examples "
            f"({size / total:.0%}), the configured ratios cannot be met more closely"
        )
    return summary
