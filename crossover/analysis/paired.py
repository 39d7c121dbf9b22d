"""Paired tests of post − pre: t-test and Wilcoxon signed-rank, both as R computes them."""

from dataclasses import dataclass
from functools import lru_cache
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from crossover.analysis._checks import (
    ALTERNATIVE,
    as_array,
    as_pairs,
    check_direction,
    finite_or_none,
)

SAME_CHANGE = "Every change is the same; the t-test is undefined."
ALL_ZERO = "Every change is zero; there is nothing to rank."


@dataclass(frozen=True, slots=True)
class PairedTTest:
    n: int
    mean_change: float
    sd_change: float
    t: float | None  # None when every change is equal (no spread: t is undefined)
    df: int | None  # None beside a None t: R's t.test stops there, with no df either
    p: float | None  # for the preregistered direction
    ci_low: float | None  # two-sided 95% CI of the mean change (descriptive)
    ci_high: float | None
    note: str | None = None
    # The interval that matches the test: R t.test(alternative = ALT, conf.level = 1 − alpha).
    # A one-sided bound is infinite and given as None; ci_test_sided names R's alternative.
    ci_test_low: float | None = None
    ci_test_high: float | None = None
    ci_test_sided: str | None = None

    @property
    def constant(self) -> bool:
        """Every change is the same value (in exact arithmetic): no spread, no t, no dz."""
        return self.t is None and self.sd_change == 0


def changes(
    pre: ArrayLike, post: ArrayLike, *, grid: int | None = None, min_n: int = 1
) -> np.ndarray:
    """post − pre, with changes that are equal in exact arithmetic equal as doubles.

    Scores are means of integers: with ``grid`` (the number of items averaged) each change is put
    on the grid of 1/grid, which is exact; without it, changes that agree to 12 significant digits
    are made one double (no two distinct means of a few hundred integers are that close).
    """
    pre_a, post_a = as_pairs(pre, post, min_n=min_n)
    return on_grid(post_a - pre_a, grid)


def on_grid(change: ArrayLike, grid: int | None = None) -> np.ndarray:
    """Changes that are equal in exact arithmetic made equal as doubles (see ``changes``)."""
    change = as_array(change, name="change")
    if grid:
        return np.rint(change * grid) / grid
    # Changes that agree to 12 significant digits all take the first one's double.
    _, first, inverse = np.unique(signif(change, 12), return_index=True, return_inverse=True)
    return change[first][inverse.ravel()]


def is_constant(change: np.ndarray) -> bool:
    return bool(change.size and np.all(change == change[0]))


def paired_t(
    pre: ArrayLike,
    post: ArrayLike,
    *,
    direction: str = "two-sided",
    with_ci: bool = True,
    alpha: float = 0.05,
    grid: int | None = None,
) -> PairedTTest:
    """Paired t-test of post − pre.

    Matches R ``t.test(post, pre, paired = TRUE, alternative = ALT)`` for t, df and p, the
    two-sided ``conf.int`` of ``t.test(post, pre, paired = TRUE)`` and, as the test's interval,
    ``t.test(post, pre, paired = TRUE, alternative = ALT, conf.level = 1 - alpha)$conf.int``.
    Where every change is equal R stops ("data are essentially constant"); here t, df, p and the
    CIs are None with a note.
    """
    return one_sample_t(
        changes(pre, post, grid=grid, min_n=2), direction=direction, with_ci=with_ci, alpha=alpha
    )


def one_sample_t(
    change: ArrayLike, *, direction: str = "two-sided", with_ci: bool = True, alpha: float = 0.05
) -> PairedTTest:
    """One-sample t-test of the mean change against 0: R ``t.test(change, alternative = ALT)``.

    ``change`` should come from ``changes``/``on_grid`` so that equal changes are equal doubles.
    """
    check_direction(direction)
    change = as_array(change, name="change")
    if change.size < 2:
        raise ValueError("at least 2 pairs are needed")
    n, df = change.size, change.size - 1
    if is_constant(change):
        return PairedTTest(n, float(change[0]), 0.0, None, None, None, None, None, note=SAME_CHANGE)
    mean, sd = float(change.mean()), float(change.std(ddof=1))
    se = sd / math.sqrt(n)
    t = mean / se
    alternative = ALTERNATIVE[direction]
    p = t_p_value(t, df, alternative)
    if not with_ci:  # the evidence board needs no interval; skipping it saves a quantile per pilot
        return PairedTTest(n, mean, sd, float(t), df, p, None, None)
    half = stats.t.ppf(0.975, df) * se
    test_low, test_high = t_interval(mean, se, df, alternative, alpha)
    return PairedTTest(
        n,
        mean,
        sd,
        float(t),
        df,
        p,
        mean - half,
        mean + half,
        None,
        test_low,
        test_high,
        alternative,
    )


def t_interval(
    estimate: float, se: float, df: float, alternative: str, alpha: float
) -> tuple[float | None, float | None]:
    """The confidence interval R's t.test gives with ``alternative`` and ``conf.level = 1 − alpha``;
    the infinite bound of a one-sided interval is None."""
    if alternative == "greater":
        return float(estimate - stats.t.ppf(1 - alpha, df) * se), None
    if alternative == "less":
        return None, float(estimate + stats.t.ppf(1 - alpha, df) * se)
    half = float(stats.t.ppf(1 - alpha / 2, df)) * se
    return estimate - half, estimate + half


def t_p_value(t: float, df: float, alternative: str) -> float:
    """P-value of Student's t for an alternative ("greater", "less", "two-sided")."""
    if alternative == "greater":
        return float(special.stdtr(df, -t))
    if alternative == "less":
        return float(special.stdtr(df, t))
    return float(2 * special.stdtr(df, -abs(t)))


@dataclass(frozen=True, slots=True)
class WilcoxonTest:
    n: int  # pairs given
    n_nonzero: int  # pairs with a non-zero change (the ones ranked)
    v: float  # R's V: the sum of ranks of the positive changes
    p: float | None
    exact: bool
    ties: bool
    zeros: int
    note: str | None = None


def signif(values: np.ndarray, digits: int = 7) -> np.ndarray:
    """R's signif(): round to `digits` significant digits (R's digits.rank = 7), vectorized."""
    values = np.asarray(values, dtype=float)
    out = np.zeros_like(values)
    nonzero = values != 0
    magnitude = np.floor(np.log10(np.abs(values[nonzero])))
    scale = 10.0 ** (digits - 1 - magnitude)
    out[nonzero] = np.rint(values[nonzero] * scale) / scale
    return out


@lru_cache(maxsize=64)
def _signrank_counts(n: int) -> tuple[int, ...]:
    """Number of sign assignments of ranks 1..n giving each sum V = 0..n(n+1)/2."""
    top = n * (n + 1) // 2
    counts = [0] * (top + 1)
    counts[0] = 1
    for rank in range(1, n + 1):
        for total in range(top, rank - 1, -1):
            counts[total] += counts[total - rank]
    return tuple(counts)


def psignrank(q: float, n: int, *, lower_tail: bool = True) -> float:
    """P(V ≤ q) under H0, or P(V > q) with lower_tail=False, as R's psignrank(q, n).

    Both tails are summed exactly from integer counts, so small upper tails keep their precision.
    """
    counts = _signrank_counts(n)
    q = max(-1, min(math.floor(q + 1e-7), len(counts) - 1))
    below = counts[: q + 1]
    above = counts[q + 1 :]
    return (sum(below) if lower_tail else sum(above)) / 2**n


def wilcoxon_signed_rank(
    pre: ArrayLike, post: ArrayLike, *, direction: str = "two-sided", grid: int | None = None
) -> WilcoxonTest:
    """Wilcoxon signed-rank test of post − pre.

    Matches R ``wilcox.test(post, pre, paired = TRUE, digits.rank = 7, alternative = ALT)``:
    zero changes are dropped; the exact null distribution is used when fewer than 50 non-zero
    changes remain and there are neither ties nor zeros; otherwise the normal approximation
    with tie correction and continuity correction. Changes are rounded to 7 significant digits
    before ranking, so changes equal in exact arithmetic tie even if floating point differs.
    """
    return signed_rank(changes(pre, post, grid=grid), direction=direction)


def signed_rank(change: ArrayLike, *, direction: str = "two-sided") -> WilcoxonTest:
    """Wilcoxon signed-rank test of changes against 0: R
    ``wilcox.test(change, digits.rank = 7)``."""
    check_direction(direction)
    change = as_array(change, name="change")
    if change.size < 1:
        raise ValueError("at least 1 pairs are needed")
    zeros = int(np.sum(change == 0))
    nonzero = change[change != 0]
    n = nonzero.size
    alternative = ALTERNATIVE[direction]
    if n == 0:
        # R ranks nothing: V = 0 and, in its normal approximation, z = (0 − correction) / 0. A
        # one-sided test gets ∓0.5 / 0 = ∓∞ and p = 1; the two-sided correction is sign(0) · 0.5
        # = 0, so z = 0 / 0 and R's p is NaN (None here).
        return WilcoxonTest(
            change.size,
            0,
            0.0,
            None if alternative == "two-sided" else 1.0,
            False,
            False,
            zeros,
            note=ALL_ZERO,
        )
    ranks = stats.rankdata(np.abs(signif(nonzero)))
    v = float(ranks[nonzero > 0].sum())
    _, tie_sizes = np.unique(ranks, return_counts=True)
    ties = bool(np.any(tie_sizes > 1))
    if n < 50 and not ties and zeros == 0:
        p = _exact_p(v, n, alternative)
        return WilcoxonTest(change.size, n, v, p, True, False, zeros)
    z = v - n * (n + 1) / 4
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - float(np.sum(tie_sizes**3 - tie_sizes)) / 48)
    if sigma == 0:
        return WilcoxonTest(
            change.size, n, v, None, False, ties, zeros, note="No spread in the ranks."
        )
    correction = {
        "two-sided": math.copysign(0.5, z) if z != 0 else 0.0,
        "greater": 0.5,
        "less": -0.5,
    }[alternative]
    z = (z - correction) / sigma
    if alternative == "greater":
        p = stats.norm.sf(z)
    elif alternative == "less":
        p = stats.norm.cdf(z)
    else:
        p = 2 * min(stats.norm.cdf(z), stats.norm.sf(z))
    return WilcoxonTest(change.size, n, v, finite_or_none(p), False, ties, zeros)


def _exact_p(v: float, n: int, alternative: str) -> float:
    if alternative == "greater":
        return psignrank(v - 1, n, lower_tail=False)
    if alternative == "less":
        return psignrank(v, n)
    p = psignrank(v - 1, n, lower_tail=False) if v > n * (n + 1) / 4 else psignrank(v, n)
    return min(2 * p, 1.0)


@dataclass(frozen=True, slots=True)
class SignTest:
    n: int  # non-zero changes
    positive: int
    p: float | None


def sign_test(
    pre: ArrayLike, post: ArrayLike, *, direction: str = "two-sided", grid: int | None = None
) -> SignTest:
    """Sign test of post − pre: R ``binom.test(sum(d > 0), sum(d != 0), alternative = ALT)``."""
    return sign_of_changes(changes(pre, post, grid=grid), direction=direction)


def sign_of_changes(change: ArrayLike, *, direction: str = "two-sided") -> SignTest:
    """Sign test of changes against 0 (zero changes dropped)."""
    check_direction(direction)
    change = as_array(change, name="change")
    positive, n = int(np.sum(change > 0)), int(np.sum(change != 0))
    if n == 0:
        return SignTest(0, 0, None)
    result = stats.binomtest(positive, n, 0.5, alternative=ALTERNATIVE[direction])
    return SignTest(n, positive, float(result.pvalue))
