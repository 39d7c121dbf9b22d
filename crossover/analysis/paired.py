"""Paired tests of post − pre: t-test and Wilcoxon signed-rank, both as R computes them."""
from dataclasses import dataclass
from functools import lru_cache
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from crossover.analysis._checks import ALTERNATIVE, as_pairs, check_direction, finite_or_none


@dataclass(frozen=True, slots=True)
class PairedTTest:
    n: int
    mean_change: float
    sd_change: float
    t: float | None  # None when every change is equal (no spread: t is undefined)
    df: int
    p: float | None  # for the preregistered direction
    ci_low: float | None  # two-sided 95% CI of the mean change
    ci_high: float | None
    note: str | None = None


def paired_t(pre: ArrayLike, post: ArrayLike, *, direction: str = "two-sided", with_ci: bool = True) -> PairedTTest:
    """Paired t-test of post − pre.

    Matches R ``t.test(post, pre, paired = TRUE, alternative = ALT)`` for t, df and p, and the
    two-sided ``conf.int`` of ``t.test(post, pre, paired = TRUE)``. Where every change is equal
    R stops ("data are essentially constant"); here t, p and the CI are None with a note.
    """
    check_direction(direction)
    pre_a, post_a = as_pairs(pre, post, min_n=2)
    change = post_a - pre_a
    n = change.size
    mean, sd = float(change.mean()), float(change.std(ddof=1))
    if sd == 0 or sd < 1e-12 * max(1.0, abs(mean)):
        return PairedTTest(n, mean, 0.0, None, n - 1, None, None, None,
                           note="Every change is the same; the t-test is undefined.")
    se = sd / math.sqrt(n)
    t = mean / se
    df = n - 1
    p = t_p_value(t, df, ALTERNATIVE[direction])
    if not with_ci:  # the evidence board needs no interval; skipping it saves a quantile per pilot
        return PairedTTest(n, mean, sd, float(t), df, p, None, None)
    half = stats.t.ppf(0.975, df) * se
    return PairedTTest(n, mean, sd, float(t), df, p, mean - half, mean + half)


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
    above = counts[q + 1:]
    return (sum(below) if lower_tail else sum(above)) / 2 ** n


def wilcoxon_signed_rank(pre: ArrayLike, post: ArrayLike, *, direction: str = "two-sided") -> WilcoxonTest:
    """Wilcoxon signed-rank test of post − pre.

    Matches R ``wilcox.test(post, pre, paired = TRUE, digits.rank = 7, alternative = ALT)``:
    zero changes are dropped; the exact null distribution is used when fewer than 50 non-zero
    changes remain and there are neither ties nor zeros; otherwise the normal approximation
    with tie correction and continuity correction. Changes are rounded to 7 significant digits
    before ranking, so changes equal in exact arithmetic tie even if floating point differs.
    """
    check_direction(direction)
    pre_a, post_a = as_pairs(pre, post, min_n=1)
    change = post_a - pre_a
    zeros = int(np.sum(change == 0))
    nonzero = change[change != 0]
    n = nonzero.size
    if n == 0:
        return WilcoxonTest(change.size, 0, 0.0, None, False, False, zeros,
                            note="Every change is zero; there is nothing to rank.")
    ranks = stats.rankdata(np.abs(signif(nonzero)))
    v = float(ranks[nonzero > 0].sum())
    _, tie_sizes = np.unique(ranks, return_counts=True)
    ties = bool(np.any(tie_sizes > 1))
    alternative = ALTERNATIVE[direction]
    if n < 50 and not ties and zeros == 0:
        p = _exact_p(v, n, alternative)
        return WilcoxonTest(change.size, n, v, p, True, False, zeros)
    z = v - n * (n + 1) / 4
    sigma = math.sqrt(n * (n + 1) * (2 * n + 1) / 24 - float(np.sum(tie_sizes ** 3 - tie_sizes)) / 48)
    if sigma == 0:
        return WilcoxonTest(change.size, n, v, None, False, ties, zeros, note="No spread in the ranks.")
    correction = {"two-sided": math.copysign(0.5, z) if z != 0 else 0.0, "greater": 0.5, "less": -0.5}[alternative]
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


def sign_test(pre: ArrayLike, post: ArrayLike, *, direction: str = "two-sided") -> SignTest:
    """Sign test of post − pre: R ``binom.test(sum(d > 0), sum(d != 0), alternative = ALT)``."""
    check_direction(direction)
    pre_a, post_a = as_pairs(pre, post)
    change = post_a - pre_a
    positive, n = int(np.sum(change > 0)), int(np.sum(change != 0))
    if n == 0:
        return SignTest(0, 0, None)
    result = stats.binomtest(positive, n, 0.5, alternative=ALTERNATIVE[direction])
    return SignTest(n, positive, float(result.pvalue))
