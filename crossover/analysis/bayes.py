"""The JZS Bayes factor of a one-sample (paired) t-test, as BayesFactor::ttestBF computes it.

A pilot that finds nothing is either evidence of no effect or no evidence at all; the p-value
cannot tell them apart, BF10 can: it is how much more likely the data are if the standardised
effect δ follows a Cauchy(0, r) prior than if δ = 0 (Rouder et al. 2009, "Bayesian t tests for
accepting and rejecting the null hypothesis"; Morey & Rouder 2011 for one-sided priors).
"""

from dataclasses import dataclass
import math
import sys

import numpy as np
from numpy.typing import ArrayLike
from scipy import integrate, optimize, special, stats

from crossover.analysis._checks import as_array, check_direction
from crossover.analysis.intervals import _PNT_SERIES_LIMIT, pt_noncentral
from crossover.analysis.paired import is_constant
from crossover.analysis.roots import EPSILON

MEDIUM = math.sqrt(2) / 2  # BayesFactor's rscale = "medium" for t-tests
# Readings of BF10 (Jeffreys' thresholds): below 1/3 the data favour no effect, above 3 an effect.
NO_EFFECT, INCONCLUSIVE, EFFECT = "evidence_for_no_effect", "inconclusive", "evidence_for_effect"
# BayesFactor leaves quadrature for its Savage–Dickey approximation of a one-sided prior beyond
# this |t| (meta.t.bf: "t is large; approximation invoked").
_ONE_SIDED_APPROXIMATION_T = 5
_LOG_DOUBLE_MAX = math.log(sys.float_info.max)


TOO_LARGE = "BF10 is beyond the largest number a double holds (10^308): overwhelming evidence."


@dataclass(frozen=True, slots=True)
class BayesFactor:
    bf10: float | None
    null_interval: tuple[float, float] | None  # the prior's support: (0, ∞) for an increase…
    reading: str | None  # evidence_for_no_effect (< 1/3), inconclusive, evidence_for_effect (> 3)
    note: str | None = None


def reading(bf10: float | None) -> str | None:
    """BF10 in words: < 1/3 evidence for no effect, > 3 evidence for an effect, else neither."""
    if bf10 is None:
        return None
    if bf10 < 1 / 3:
        return NO_EFFECT
    return EFFECT if bf10 > 3 else INCONCLUSIVE


def _log_reading(log_bf10: float) -> str:
    if log_bf10 < -math.log(3):
        return NO_EFFECT
    return EFFECT if log_bf10 > math.log(3) else INCONCLUSIVE


def interval_of(direction: str) -> tuple[float, float] | None:
    """ttestBF's nullInterval for a preregistered direction: the effects the alternative allows."""
    check_direction(direction)
    return {"increase": (0.0, math.inf), "decrease": (-math.inf, 0.0)}.get(direction)


def jzs_bf10(
    t: float,
    n: int,
    *,
    interval: tuple[float, float] | None = None,
    rscale: float = MEDIUM,
) -> float:
    """BF10 of a one-sample t statistic on n values (n − 1 df): BayesFactor's ``ttest.tstat(t,
    n1 = n, nullInterval = interval, rscale = rscale, simple = TRUE)``; ∞ beyond a double's
    range (see ``jzs_log_bf10``)."""
    log_bf = jzs_log_bf10(t, n, interval=interval, rscale=rscale)
    return math.exp(log_bf) if log_bf < _LOG_DOUBLE_MAX else math.inf


def jzs_log_bf10(
    t: float,
    n: int,
    *,
    interval: tuple[float, float] | None = None,
    rscale: float = MEDIUM,
) -> float:
    """log BF10 (BayesFactor's ``ttest.tstat(...)$bf``, which is kept as a log too: a large
    pilot with a clear change has a BF10 beyond 10³⁰⁸).

    The marginal likelihood integrates the noncentral t density of t over δ ~ Cauchy(0, rscale)
    (truncated to `interval` and renormalised), divided by the central t density. For a
    one-sided interval and |t| > 5 BayesFactor approximates the posterior mass of the interval by
    a shifted central t; that is done here too, so the figure is BayesFactor's.
    """
    if n < 2:
        raise ValueError("at least 2 values are needed")
    if not math.isfinite(t):
        raise ValueError("t must be finite")
    df = n - 1
    lower, upper = interval if interval is not None else (-math.inf, math.inf)
    full = lower == -math.inf and upper == math.inf
    if not full and abs(t) > _ONE_SIDED_APPROXIMATION_T:
        # log BF = log(posterior mass of the interval / prior mass) + log BF of the full prior
        centre, scale = t / math.sqrt(n), 1 / math.sqrt(n)
        posterior = stats.t.cdf((upper - centre) / scale, df) - stats.t.cdf(
            (lower - centre) / scale, df
        )
        if posterior <= 0:
            return -math.inf
        return math.log(posterior / _cauchy_mass(lower, upper, rscale)) + jzs_log_bf10(
            t, n, rscale=rscale
        )
    if full and abs(t) > _PNT_SERIES_LIMIT:
        # Beyond R's pt() series its noncentral density is a difference of two approximations
        # (and BF10 is astronomically large): the same integral in Rouder's g form, exact.
        return _log_full_bf_by_g(t, n, df, rscale)
    return _log_interval_bf(lower, upper, t, n, df, rscale)


def _log_full_bf_by_g(t: float, n: int, df: int, rscale: float) -> float:
    """log BF10 of the full Cauchy prior as Rouder et al. (2009, eq. 1) write it: δ | g ~ N(0, g),
    g ~ inverse-gamma(1/2, r²/2), integrated over u = log g in logs (no overflow at any t)."""
    log_null = -(df + 1) / 2 * math.log1p(t * t / df)
    log_prior_const = math.log(rscale / math.sqrt(2 * math.pi))

    log_n = math.log(n)

    def log_integrand(u: float) -> float:
        log_spread = np.logaddexp(0.0, log_n + u)  # log(1 + n g), safe for any u
        return float(
            -0.5 * log_spread
            - (df + 1) / 2 * math.log1p(t * t / df * math.exp(-log_spread))
            + log_prior_const
            - 0.5 * u  # g^(-3/2) dg = e^(-3u/2) e^u du
            - rscale * rscale / 2 * math.exp(-u)
        )

    peak_at = optimize.minimize_scalar(
        lambda u: -log_integrand(u), bounds=(-30.0, 60.0), method="bounded", options={"xatol": 1e-9}
    ).x
    peak = log_integrand(peak_at)
    # Beyond these bounds the integrand is below e^-40 of its peak: e^(-r²/2g) on the left, e^-u/2
    # at most on the right.
    total = sum(
        integrate.quad(
            lambda u: math.exp(log_integrand(u) - peak), lo, hi, epsabs=0, epsrel=1e-11, limit=200
        )[0]
        for lo, hi in ((peak_at - 12.0, peak_at), (peak_at, peak_at + 90.0))
    )
    return peak + math.log(total) - log_null


def _cauchy_mass(lower: float, upper: float, rscale: float) -> float:
    return float(stats.cauchy.cdf(upper, scale=rscale) - stats.cauchy.cdf(lower, scale=rscale))


def _log_interval_bf(lower: float, upper: float, t: float, n: int, df: int, rscale: float) -> float:
    """log BF10 with the prior on [lower, upper]: BayesFactor's meta.bf.interval, by quadrature
    in the same coordinates (δ centred at t/√n in units of 1/√n) so the integrand peaks near 0."""
    centre, scale = t / math.sqrt(n), 1 / math.sqrt(n)
    root_n = math.sqrt(n)

    log_prior_scale = math.log(rscale / math.pi)

    def log_like(delta: float) -> float:  # noncentral t likelihood × Cauchy(0, rscale) prior
        return (
            log_dt_noncentral(t, df, delta * root_n)
            + log_prior_scale
            - math.log(rscale * rscale + delta * delta)
        )

    peak = log_like(centre)

    def integrand(z: float) -> float:
        return math.exp(log_like(scale * z + centre) - peak)

    a, b = (lower - centre) / scale, (upper - centre) / scale
    # Split at the peak (z = 0) when it lies inside, so quad sees each side's shape.
    pieces = [(a, 0.0), (0.0, b)] if a < 0 < b else [(a, b)]
    total = sum(
        integrate.quad(integrand, lo, hi, epsabs=0, epsrel=1e-11, limit=200)[0] for lo, hi in pieces
    )
    prior = _cauchy_mass(lower, upper, rscale)
    null = float(stats.t.logpdf(t, df))
    return math.log(total * scale) + peak - math.log(prior) - null


def log_dt_noncentral(x: float, df: float, ncp: float) -> float:
    """log of R's ``dt(x, df, ncp)``: R takes the noncentral density from two of its pt() values,
    (df / |x|) · |pt(x √((df + 2) / df), df + 2, ncp) − pt(x, df, ncp)|, and those switch to a
    normal approximation beyond |ncp| ≈ 37.6; doing the same keeps a large t's Bayes factor R's
    (scipy's exact density differs there by a few per mille)."""
    if ncp == 0:
        return float(stats.t.logpdf(x, df))
    if abs(x) > math.sqrt(df * EPSILON):
        gap = abs(
            pt_noncentral(x * math.sqrt((df + 2) / df), df + 2, ncp) - pt_noncentral(x, df, ncp)
        )
        # The two probabilities agree to the last bit far in a tail: R's density is 0 there.
        return math.log(df) - math.log(abs(x)) + math.log(gap) if gap > 0 else -math.inf
    return float(
        special.gammaln((df + 1) / 2)
        - special.gammaln(df / 2)
        - (0.5 * math.log(math.pi) + 0.5 * (math.log(df) + ncp * ncp))
    )


def paired_bf10(
    change: ArrayLike, *, direction: str = "two-sided", rscale: float = MEDIUM
) -> BayesFactor:
    """BF10 of the changes against no change: BayesFactor ``ttestBF(x = post, y = pre,
    paired = TRUE, rscale = "medium", nullInterval = …)``, the prior one-sided for a one-sided
    preregistration (c(0, Inf) for an increase, c(-Inf, 0) for a decrease).

    Where every change is the same (zero included) ttestBF stops ("data are essentially
    constant"); here bf10 is None with a note.
    """
    interval = interval_of(direction)
    change = as_array(change, name="change")
    if change.size < 2:
        return BayesFactor(None, interval, None, note="At least 2 pairs are needed.")
    if is_constant(change):
        return BayesFactor(
            None, interval, None, note="Every change is the same; the Bayes factor is undefined."
        )
    n = change.size
    t = float(change.mean() / (change.std(ddof=1) / math.sqrt(n)))
    log_bf = jzs_log_bf10(t, n, interval=interval, rscale=rscale)
    if math.isnan(log_bf):  # not expected: the integrals are of positive, finite functions
        return BayesFactor(None, interval, None, note="The Bayes factor could not be computed.")
    if log_bf >= _LOG_DOUBLE_MAX:  # +∞ included
        return BayesFactor(None, interval, EFFECT, note=TOO_LARGE)
    return BayesFactor(math.exp(log_bf), interval, _log_reading(log_bf))
