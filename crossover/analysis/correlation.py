"""Rank correlation of the change with the dose (sessions, minutes)."""
from dataclasses import dataclass
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from crossover.analysis._checks import as_array


@dataclass(frozen=True, slots=True)
class Spearman:
    n: int
    rho: float | None
    p: float | None
    note: str | None = None


def spearman(x: ArrayLike, y: ArrayLike) -> Spearman:
    """Spearman's rho with the asymptotic t p-value (two-sided).

    Matches R ``cor.test(x, y, method = "spearman", exact = FALSE)``: rho is Pearson's r of the
    average ranks; p from t = rho √((n − 2) / (1 − rho²)) on n − 2 df. (R's default switches to
    an exact p for small n without ties; sessions and minutes are usually tied, so the
    asymptotic form is the one used throughout.)
    """
    xa, ya = as_array(x, name="x"), as_array(y, name="y")
    if xa.shape != ya.shape:
        raise ValueError("x and y must have the same length")
    n = xa.size
    if n < 3:
        return Spearman(n, None, None, note="At least 3 pairs are needed.")
    if np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return Spearman(n, None, None, note="One of the variables does not vary.")
    rx, ry = stats.rankdata(xa), stats.rankdata(ya)
    rho = float(np.corrcoef(rx, ry)[0, 1])
    if abs(rho) >= 1:
        return Spearman(n, rho, 0.0)
    t = rho * math.sqrt((n - 2) / (1 - rho ** 2))
    return Spearman(n, rho, float(2 * stats.t.sf(abs(t), n - 2)))
