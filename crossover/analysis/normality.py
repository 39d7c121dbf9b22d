"""Shapiro–Wilk normality of the changes."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from crossover.analysis._checks import as_array


@dataclass(frozen=True, slots=True)
class ShapiroWilk:
    n: int
    w: float | None
    p: float | None
    note: str | None = None


def shapiro_wilk(values: ArrayLike) -> ShapiroWilk:
    """Shapiro–Wilk test: R ``shapiro.test(x)`` (Royston's algorithm, 3 ≤ n ≤ 5000)."""
    x = as_array(values)
    n = x.size
    if n < 3 or n > 5000:
        return ShapiroWilk(n, None, None, note="Shapiro–Wilk needs between 3 and 5000 values.")
    if np.ptp(x) == 0:
        return ShapiroWilk(n, None, None, note="All values are identical.")
    result = stats.shapiro(x)
    return ShapiroWilk(n, float(result.statistic), float(result.pvalue))
