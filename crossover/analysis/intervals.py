"""Intervals of effects: dz and gz by inverting the noncentral t, the Hodges–Lehmann estimate and
interval of the signed-rank test, and the normal interval of a between-arm Hedges' g."""

import bisect
from dataclasses import dataclass
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special

from crossover.analysis._checks import as_array
from crossover.analysis.effect_sizes import hedges_correction
from crossover.analysis.meta import normal_interval, smd_variance
from crossover.analysis.paired import _signrank_counts, is_constant, psignrank, signif
from crossover.analysis.roots import uniroot

CONF_LEVEL = 0.95
# R's pt(q, df, ncp) leaves its series for a normal approximation beyond this |ncp| (pnt.c:
# del² > 2 ln 2 · (−DBL_MIN_EXP)), so an interval reaching there is R's only with the same switch.
_PNT_SERIES_LIMIT = math.sqrt(2 * math.log(2) * 1021)
WILCOXON_TOL = 1e-4  # wilcox.test's tol.root: uniroot's tolerance for the interval and estimate
_CACHE_DISTINCT = 400  # distinct changes up to which W's values are shared within a step


# --- dz and gz: the noncentral t ---------------------------------------------------------------


def pt_noncentral(q: float, df: float, ncp: float) -> float:
    """P(T ≤ q) for T noncentral t: R ``pt(q, df, ncp)``.

    scipy's noncentral t where R sums its series; where R switches to the normal approximation
    (Abramowitz & Stegun 26.7.10: |ncp| > 37.62 or df > 4e5), the same approximation, and for
    q < 0 with ncp > 40 the 0 R returns there.
    """
    if q >= 0:
        tt, delta, negative = q, ncp, False
    else:
        if ncp > 40:
            return 0.0
        tt, delta, negative = -q, -ncp, True
    if df > 4e5 or delta * delta > _PNT_SERIES_LIMIT**2:
        s = 1 / (4 * df)
        z = (tt * (1 - s) - delta) / math.sqrt(1 + tt * tt * 2 * s)
        return float(special.ndtr(-z) if negative else special.ndtr(z))
    return float(special.nctdtr(df, ncp, q))  # scipy's nct.cdf without its per-call overhead


def noncentrality_interval(
    t: float, df: float, conf_level: float = CONF_LEVEL
) -> tuple[float, float]:
    """The noncentrality parameters whose t distributions put t at their upper and lower
    (1 − conf_level)/2 quantiles: the ncp interval that MBESS ``conf.limits.nct`` finds (here
    solved with a root finder to full precision, as ``uniroot(function(ncp) pt(t, df, ncp) − p,
    tol = 1e-12)`` in R)."""
    tail = (1 - conf_level) / 2

    def solve(target: float) -> float:
        def gap(ncp: float) -> float:
            return pt_noncentral(t, df, ncp) - target

        # pt falls as ncp grows: widen a bracket around t until the target lies inside it.
        step = 2.0 + abs(t) / 4
        low, high = t - step, t + step
        while gap(low) < 0:
            low -= step
            step *= 2
        while gap(high) > 0:
            high += step
            step *= 2
        return float(optimize.brentq(gap, low, high, xtol=1e-14, rtol=4 * np.finfo(float).eps))

    return solve(1 - tail), solve(tail)


@dataclass(frozen=True, slots=True)
class EffectIntervals:
    dz_low: float | None
    dz_high: float | None
    gz_low: float | None  # the dz interval times J = 1 − 3 / (4(n − 1) − 1), as gz is dz × J
    gz_high: float | None


def effect_intervals(dz: float | None, n: int, conf_level: float = CONF_LEVEL) -> EffectIntervals:
    """The two-sided interval of a paired dz (t = dz √n on n − 1 df, the noncentral t inverted,
    divided by √n) and of gz (the same times J). None where dz is None (no spread); gz's
    interval, like gz itself, needs n > 2."""
    if dz is None or n < 2:
        return EffectIntervals(None, None, None, None)
    low, high = noncentrality_interval(dz * math.sqrt(n), n - 1, conf_level)
    low, high = low / math.sqrt(n), high / math.sqrt(n)
    if n < 3:
        return EffectIntervals(low, high, None, None)
    j = hedges_correction(n - 1)
    return EffectIntervals(low, high, low * j, high * j)


def change_intervals(change: ArrayLike, conf_level: float = CONF_LEVEL) -> EffectIntervals:
    """dz and gz intervals of changes (from ``changes``/``on_grid``: equal changes equal)."""
    change = as_array(change, name="change")
    if change.size < 2 or is_constant(change):
        return EffectIntervals(None, None, None, None)
    return effect_intervals(float(change.mean() / change.std(ddof=1)), change.size, conf_level)


def smd_interval(g: float | None, n1: int, n2: int) -> tuple[float | None, float | None]:
    """95% interval of a between-arm Hedges' g: g ± z(0.975) √v with metafor's
    ``escalc("SMD")`` variance v = 1/n1 + 1/n2 + g² / (2 (n1 + n2))."""
    if g is None:
        return None, None
    return normal_interval(g, smd_variance(g, n1, n2))


# --- Hodges–Lehmann: the location estimate of the signed-rank test -----------------------------


@dataclass(frozen=True, slots=True)
class HodgesLehmann:
    estimate: float | None  # R's "(pseudo)median"; the midrange when R has no interval
    ci_low: float | None
    ci_high: float | None
    conf_level: float | None  # the level reached: below the one asked for with very few changes
    exact: bool


def qsignrank(p: float, n: int) -> int:
    """The smallest V with P(V ≤ q) ≥ p under H0: R ``qsignrank(p, n)`` (with R's fuzz of
    10 ε against rounding)."""
    counts = _signrank_counts(n)
    total = 2**n
    if p <= 0:
        return 0
    if p >= 1:
        return n * (n + 1) // 2
    cumulative = 0.0
    if p <= 0.5:
        p -= 10 * np.finfo(float).eps
        for q, count in enumerate(counts):
            cumulative += count / total
            if cumulative >= p:
                return q
    p = 1 - p + 10 * np.finfo(float).eps
    for q, count in enumerate(counts):
        cumulative += count / total
        if cumulative > p:
            return n * (n + 1) // 2 - q
    return n * (n + 1) // 2


def hodges_lehmann(change: ArrayLike, conf_level: float = CONF_LEVEL) -> HodgesLehmann:
    """The Hodges–Lehmann estimate of the changes with its two-sided interval, as R
    ``wilcox.test(change, conf.int = TRUE, conf.level = , digits.rank = 7)``.

    Zero changes are dropped first, as R does. Without ties or zeros and fewer than 50 changes:
    the exact interval from the Walsh averages and the estimate their median. Otherwise the
    interval inverts the normal approximation (with tie and continuity correction) by R's
    uniroot at tol 1e-4, and the estimate is the root without correction — R's answers to that
    tolerance, step by step. Where the changes cannot be ranked (one non-zero change, or all
    equal) R gives no interval and the midrange as the estimate; with all changes zero, nothing.
    When the level asked for cannot be reached (n ≤ 5 exactly, say), the interval and the level
    are R's widened ones.
    """
    change = as_array(change, name="change")
    x = change[change != 0]
    n = x.size
    if n == 0:
        return HodgesLehmann(None, None, None, None, False)
    if n < 50 and x.size == change.size:
        ties = np.unique(np.abs(signif(x))).size != n  # tied |changes| share a rank
        if not ties:
            return _exact_hodges_lehmann(x, conf_level)
    return _normal_hodges_lehmann(x, conf_level)


def _exact_hodges_lehmann(x: np.ndarray, conf_level: float) -> HodgesLehmann:
    n = x.size
    upper = np.triu_indices(n)
    walsh = np.sort(np.add.outer(x, x)[upper]) / 2
    alpha = 1 - conf_level
    qu = qsignrank(alpha / 2, n) or 1
    ql = n * (n + 1) // 2 - qu
    achieved = 2 * psignrank(qu - 1, n)
    if achieved - alpha > alpha / 2:  # "requested conf.level not achievable"
        conf_level = 1 - float(f"{achieved:.2g}")  # 1 − signif(achieved, 2)
    return HodgesLehmann(
        float(np.median(walsh)), float(walsh[qu - 1]), float(walsh[ql]), conf_level, True
    )


class _StandardizedRankSum:
    """R's W(d) inside wilcox.test: the signed-rank statistic of x − d, standardised (normal
    approximation with tie correction; continuity correction when `correct`).

    Computed over the distinct values of x with their counts (changes are on the scale's grid:
    ten thousand changes hold a hundred distinct values). Between two Walsh averages
    (v_i + v_j) / 2 no |v − d| changes order and none is zero, and there the sum of the
    positive ranks is the number of Walsh averages of the changes above d — a look-up in their
    sorted, weighted list. Ranks are half-integers and every sum is an exact double, so W is
    bit for bit what ranking gives (the property test in tests/analysis checks it); points
    within 1e-6 of a Walsh average, where R's signif() can tie two |v − d|, are ranked.
    """

    def __init__(self, x: np.ndarray):
        self.values, counts = np.unique(x, return_counts=True)
        self.counts = counts.astype(float)
        m = self.values.size
        self.margin = 1e-6 * (1 + float(np.abs(self.values).max()))
        # Only for values far apart (a grid): two values closer than the margin could tie under
        # signif() at one d and not at another between the same Walsh averages.
        apart = m < 2 or float(np.min(np.diff(self.values))) > 4 * self.margin
        self.walsh = None
        if m <= _CACHE_DISTINCT and apart:
            i, j = np.triu_indices(m)
            c = self.counts
            weights = np.where(i == j, c[i] * (c[i] + 1) / 2, c[i] * c[j])  # pairs of changes
            averages = (self.values[i] + self.values[j]) / 2
            order = np.argsort(averages, kind="stable")
            # Python lists: uniroot asks one point at a time, and bisect beats numpy per call
            self.walsh = averages[order].tolist()
            # above[k]: pairs of changes whose average is one of walsh[k:]
            self.above = np.append(np.cumsum(weights[order][::-1])[::-1], 0.0).tolist()
            self.n = int(c.sum())
            self.ties = float(np.sum(c**3 - c))

    def __call__(self, d: float, correct: bool = True) -> float:
        walsh = self.walsh
        if walsh is None:
            return self._compute(d, correct)
        k = bisect.bisect_left(walsh, d)  # as np.searchsorted(walsh, d)
        below = d - walsh[k - 1] if k > 0 else math.inf
        above = walsh[k] - d if k < len(walsh) else math.inf
        if min(below, above) <= self.margin * (1 + abs(d)):
            return self._compute(d, correct)
        n = self.n
        z = -n * (n + 1) / 4
        z += self.above[k]
        return self._standardise(z, n, self.ties, correct)

    @staticmethod
    def _standardise(z: float, n: int, ties: float, correct: bool) -> float:
        sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - ties / 48)
        numerator = z - (math.copysign(0.5, z) if correct and z != 0 else 0.0)
        if sigma == 0:  # R divides by zero here: NaN or ±Inf, never a usable value
            return math.nan if numerator == 0 else math.copysign(math.inf, numerator)
        return numerator / sigma

    def _compute(self, d: float, correct: bool) -> float:
        shifted = self.values - d
        keep = shifted != 0
        shifted, counts = shifted[keep], self.counts[keep]
        n = int(counts.sum())
        z = -n * (n + 1) / 4
        ties = 0.0
        if n:
            magnitude = np.abs(shifted)
            scale = 10.0 ** (6 - np.floor(np.log10(magnitude)))  # R's signif(, 7)
            magnitude = np.rint(magnitude * scale) / scale
            order = np.argsort(magnitude, kind="stable")
            ordered = magnitude[order]
            starts = np.empty(ordered.size, dtype=bool)  # a new |value| begins a rank group
            starts[0] = True
            np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
            group = np.cumsum(starts) - 1
            sizes = np.bincount(group, weights=counts[order])
            average_rank = np.cumsum(sizes) - (sizes - 1) / 2  # ties share their average rank
            positive = shifted[order] > 0
            z += float(average_rank[group[positive]] @ counts[order][positive])
            ties = float(np.sum(sizes**3 - sizes))
        return self._standardise(z, n, ties, correct)


def _lower_quantile(p: float) -> float:
    """R's qnorm(p); NaN beyond 1, where R's loop has stopped widening (see below)."""
    return float(special.ndtri(p)) if p <= 1 else math.nan


def _upper_quantile(p: float) -> float:
    """R's qnorm(p, lower.tail = FALSE)."""
    return -float(special.ndtri(p)) if p <= 1 else math.nan


def _normal_hodges_lehmann(x: np.ndarray, conf_level: float) -> HodgesLehmann:
    w = _StandardizedRankSum(x)
    low_end, high_end = float(w.values[0]), float(w.values[-1])
    w_low = w(low_end)
    w_high = w(high_end) if math.isfinite(w_low) else math.nan
    if not math.isfinite(w_high):
        return HodgesLehmann((low_end + high_end) / 2, None, None, None, False)
    alpha = 1 - conf_level
    # qnorm(alpha / 2, lower.tail = FALSE) and qnorm(alpha / 2)
    while w_low - _upper_quantile(alpha / 2) < 0 or w_high - _lower_quantile(alpha / 2) > 0:
        alpha *= 2  # R widens the interval until its ends lie inside the data
    if alpha >= 1 or 1 - conf_level < alpha * 0.75:
        conf_level = 1 - min(1.0, alpha)

    def root(zq: float) -> float:
        return uniroot(
            lambda d: w(d) - zq,
            low_end,
            high_end,
            f_lower=w_low - zq,
            f_upper=w_high - zq,
            tol=WILCOXON_TOL,
        )

    if alpha < 1:
        ci_low, ci_high = (
            root(_upper_quantile(alpha / 2)),
            root(_lower_quantile(alpha / 2)),
        )
    else:
        ci_low = ci_high = float(np.median(x))
    estimate = uniroot(lambda d: w(d, correct=False), low_end, high_end, tol=WILCOXON_TOL)
    return HodgesLehmann(float(estimate), float(ci_low), float(ci_high), conf_level, False)
