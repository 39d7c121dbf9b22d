"""Correlations: Spearman for the change against the dose (sessions, minutes), Pearson with a
Fisher-z interval for scores against engagement (the company survey)."""

from dataclasses import dataclass
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from crossover.analysis._checks import ALTERNATIVE, as_array, check_direction


@dataclass(frozen=True, slots=True)
class Spearman:
    n: int
    rho: float | None
    p: float | None
    note: str | None = None


def spearman(x: ArrayLike, y: ArrayLike, *, x_ranks: np.ndarray | None = None) -> Spearman:
    """Spearman's rho with the asymptotic t p-value (two-sided).

    Matches R ``cor.test(x, y, method = "spearman", exact = FALSE)``: rho is Pearson's r of the
    average ranks; p from t = rho √((n − 2) / (1 − rho²)) on n − 2 df. (R's default switches to
    an exact p for small n without ties; sessions and minutes are usually tied, so the
    asymptotic form is the one used throughout.)

    `x_ranks`: x's average ranks when the caller correlates one x with many y (a company's
    engagement with each scale) and has ranked x once.
    """
    xa, ya = as_array(x, name="x"), as_array(y, name="y")
    if xa.shape != ya.shape:
        raise ValueError("x and y must have the same length")
    n = xa.size
    if n < 3:
        return Spearman(n, None, None, note="At least 3 pairs are needed.")
    if np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return Spearman(n, None, None, note="One of the variables does not vary.")
    rx = stats.rankdata(xa) if x_ranks is None else x_ranks
    ry = stats.rankdata(ya)
    rho = float(np.corrcoef(rx, ry)[0, 1])
    if abs(rho) >= 1:
        return Spearman(n, rho, 0.0)
    t = rho * math.sqrt((n - 2) / (1 - rho**2))
    return Spearman(n, rho, float(2 * stats.t.sf(abs(t), n - 2)))


@dataclass(frozen=True, slots=True)
class Pearson:
    n: int
    r: float | None
    t: float | None
    df: int | None
    p: float | None
    ci_low: float | None
    ci_high: float | None
    note: str | None = None


def pearson(
    x: ArrayLike, y: ArrayLike, *, direction: str = "two-sided", conf_level: float = 0.95
) -> Pearson:
    """Pearson's r with its t test and Fisher-z confidence interval.

    Matches R ``cor.test(x, y, alternative = …, conf.level = …)``: t = r √((n − 2) / (1 − r²)) on
    n − 2 df; the interval is tanh(atanh(r) ± z / √(n − 3)), one-sided bounds at ±1 as R gives
    them. The interval needs at least 4 pairs, the test 3.
    """
    check_direction(direction)
    xa, ya = as_array(x, name="x"), as_array(y, name="y")
    if xa.shape != ya.shape:
        raise ValueError("x and y must have the same length")
    n = xa.size
    if n < 3:
        return _no_pearson(n, "At least 3 pairs are needed.")
    if np.ptp(xa) == 0 or np.ptp(ya) == 0:
        return _no_pearson(n, "One of the variables does not vary.")
    r = float(np.clip(np.corrcoef(xa, ya)[0, 1], -1.0, 1.0))
    df = n - 2
    t = math.copysign(math.inf, r) if abs(r) == 1 else r * math.sqrt(df / (1 - r**2))
    p = _t_p_value(t, df, ALTERNATIVE[direction])
    low, high = _fisher_interval(r, n, ALTERNATIVE[direction], conf_level)
    return Pearson(n, r, t, df, p, low, high)


def _no_pearson(n: int, note: str) -> Pearson:
    return Pearson(n, None, None, None, None, None, None, note=note)


def _t_p_value(t: float, df: int, alternative: str) -> float:
    if alternative == "greater":
        return float(stats.t.sf(t, df))
    if alternative == "less":
        return float(stats.t.cdf(t, df))
    return float(min(1.0, 2 * stats.t.sf(abs(t), df)))


def _fisher_interval(
    r: float, n: int, alternative: str, conf_level: float
) -> tuple[float | None, float | None]:
    if n < 4 or abs(r) == 1:
        return None, None
    z, se = math.atanh(r), 1 / math.sqrt(n - 3)
    if alternative == "greater":
        return math.tanh(z - stats.norm.ppf(conf_level) * se), 1.0
    if alternative == "less":
        return -1.0, math.tanh(z + stats.norm.ppf(conf_level) * se)
    half = stats.norm.ppf((1 + conf_level) / 2) * se
    return math.tanh(z - half), math.tanh(z + half)
