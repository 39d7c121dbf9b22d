"""Descriptive figures of one sample: mean with its t interval, quartiles, a fitted line.

Used by the company survey (round results, the trend, the disclosure export, the consortium
distribution); plain arrays in, frozen dataclasses out.
"""

from dataclasses import dataclass
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from crossover.analysis._checks import as_array

QUARTILE_PROBS = (0.25, 0.5, 0.75)


@dataclass(frozen=True, slots=True)
class Summary:
    n: int
    mean: float | None
    sd: float | None  # n − 1 in the denominator, as R's sd()
    ci_low: float | None  # two-sided 95% t interval of the mean, as R's t.test(x)$conf.int
    ci_high: float | None


def summarise(values: ArrayLike) -> Summary:
    """n, mean, SD and the 95% t interval of the mean: R ``mean(x); sd(x); t.test(x)$conf.int``.

    One value has a mean but no SD or interval; none has nothing. A sample without spread has
    SD 0 and the interval collapses to the mean (R's t.test stops there; the interval is still
    the mean ± 0).
    """
    x = as_array(values)
    n = x.size
    if n == 0:
        return Summary(0, None, None, None, None)
    mean = float(x.mean())
    if n == 1:
        return Summary(1, mean, None, None, None)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return Summary(n, mean, sd, mean - half, mean + half)


def quartiles(values: ArrayLike) -> tuple[float, float, float]:
    """The first quartile, median and third quartile as R ``quantile(x, c(.25, .5, .75))``
    (its default type 7: linear interpolation between order statistics)."""
    x = as_array(values)
    if x.size == 0:
        raise ValueError("at least one value is needed")
    q1, median, q3 = np.quantile(x, QUARTILE_PROBS, method="linear")
    return float(q1), float(median), float(q3)


def favourable_point(scale_min: int, scale_max: int) -> float:
    """The score from which a mean counts as favourable: 4 on a 1–5 scale, and the same point
    (three quarters of the way up) on any other: min + 3/4 · (max − min)."""
    return scale_min + 0.75 * (scale_max - scale_min)


@dataclass(frozen=True, slots=True)
class Line:
    n: int
    intercept: float | None
    slope: float | None


def least_squares_line(x: ArrayLike, y: ArrayLike) -> Line:
    """The ordinary least-squares line of y on x: R ``coef(lm(y ~ x))``; None when x does not
    vary."""
    xa, ya = as_array(x, name="x"), as_array(y, name="y")
    if xa.shape != ya.shape:
        raise ValueError("x and y must have the same length")
    if xa.size < 2 or np.ptp(xa) == 0:
        return Line(xa.size, None, None)
    dx = xa - xa.mean()
    slope = float(dx @ (ya - ya.mean()) / (dx @ dx))
    return Line(xa.size, float(ya.mean() - slope * xa.mean()), slope)
