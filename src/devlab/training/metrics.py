"""Evaluation arithmetic: the unbiased pass@k estimator, edit similarity, bootstrap
confidence intervals. Pure functions, no model (syntax checks: ``llm.codeblocks``)."""

from __future__ import annotations

import difflib
import random
from collections.abc import Sequence

__all__ = ["bootstrap_ci", "edit_similarity", "pass_at_k"]


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased estimator of Chen et al. (2021): with ``n`` samples of which ``c``
    pass, the chance that at least one of ``k`` drawn without replacement passes,
    ``1 - C(n - c, k) / C(n, k)``, computed as a stable product."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"need 0 <= c <= n and 1 <= k <= n (n={n}, c={c}, k={k})")
    if n - c < k:
        return 1.0
    product = 1.0
    for i in range(n - c + 1, n + 1):
        product *= 1.0 - k / i
    return 1.0 - product


def edit_similarity(a: str, b: str) -> float:
    """1 for equal strings, towards 0 as they differ (difflib's ratio)."""
    if not a and not b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def bootstrap_ci(
    deltas: Sequence[float], *, resamples: int = 1000, alpha: float = 0.05, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of per-task ``deltas``."""
    if not deltas:
        return (0.0, 0.0)
    rng = random.Random(seed)
    n = len(deltas)
    means = sorted(sum(rng.choice(deltas) for _ in range(n)) / n for _ in range(resamples))
    low = means[int(alpha / 2 * resamples)]
    high = means[min(resamples - 1, int((1 - alpha / 2) * resamples))]
    return (low, high)
