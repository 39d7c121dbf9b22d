"""Random-effects pooling of standardized paired effects across pilots."""

from collections.abc import Sequence
from dataclasses import dataclass
import math

import numpy as np
from scipy import stats


@dataclass(frozen=True, slots=True)
class PooledEffect:
    k: int
    estimate: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    tau2: float | None
    i2: float | None  # percent, as metafor reports it
    q: float | None  # Cochran's Q of heterogeneity
    p: float | None  # of the pooled estimate (z test)
    q_df: int | None = None  # k − 1
    q_p: float | None = None  # P(χ²(k − 1) ≥ Q); metafor's QEp (1 when k = 1)
    z: float | None = None  # estimate / se
    # 95% prediction interval: where the next pilot's true effect is expected, estimate ±
    # z(0.975) √(se² + τ²) (metafor predict(), normal quantile); None below MIN_PREDICTION_K
    pi_low: float | None = None
    pi_high: float | None = None


# A prediction interval rests on τ², which two pilots barely estimate: none below three.
MIN_PREDICTION_K = 3


def gz_variance(gz: float, n: int) -> float:
    """Sampling variance of a paired gz: v = 1/n + gz² / (2n) (DESIGN.md)."""
    return 1 / n + gz**2 / (2 * n)


def smd_variance(g: float, n1: int, n2: int) -> float:
    """Sampling variance of a between-arm Hedges' g: v = (n1 + n2) / (n1 n2) + g² / (2 (n1 + n2)).

    The large-sample form (Hedges & Olkin 1985), which is metafor 3.8's ``escalc("SMD")`` vi
    (its default vtype = "LS"; checked against R in tests/analysis/test_other.py).
    """
    return (n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2))


Z_975 = float(stats.norm.ppf(0.975))  # the two-sided 95% normal quantile, 1.959963984540054


def normal_interval(estimate: float, variance: float) -> tuple[float, float]:
    """Estimate ± z(0.975) × √variance: the 95% Wald interval of one pilot's effect."""
    half = Z_975 * math.sqrt(variance)
    return estimate - half, estimate + half


def dersimonian_laird(effects: Sequence[float], variances: Sequence[float]) -> PooledEffect:
    """DerSimonian–Laird random-effects estimate; matches metafor ``rma(yi, vi, method = "DL")``
    (estimate, se, zval, pval, ci.lb/ci.ub, tau2, I2, QE on k − 1 df and QEp) and, from k = 3 on,
    ``predict(fit)`` for pi.lb/pi.ub.

    With one study the estimate is that study (tau² = 0, I² = 0, Q = 0 on 0 df, QEp = 1).
    """
    y, v = np.asarray(effects, dtype=float), np.asarray(variances, dtype=float)
    k = y.size
    if k == 0:
        return PooledEffect(0, None, None, None, None, None, None, None, None)
    if np.any(v <= 0) or not np.all(np.isfinite(y)):
        raise ValueError("variances must be positive and effects finite")
    w = 1 / v
    fixed = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - fixed) ** 2))
    df = k - 1
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (q - df) / c) if k > 1 else 0.0
    w_star = 1 / (v + tau2)
    estimate = float(np.sum(w_star * y) / np.sum(w_star))
    se = math.sqrt(1 / np.sum(w_star))
    z = Z_975
    # metafor: I² = 100 × tau² / (tau² + s²), s² the "typical" within-study variance (df / c).
    i2 = 100 * tau2 / (tau2 + df / c) if k > 1 and c > 0 else 0.0
    p = float(2 * stats.norm.sf(abs(estimate / se)))
    q = q if k > 1 else 0.0
    q_p = float(stats.chi2.sf(q, df)) if df > 0 else 1.0
    pi_low = pi_high = None
    if k >= MIN_PREDICTION_K:
        half = z * math.sqrt(se**2 + tau2)
        pi_low, pi_high = estimate - half, estimate + half
    return PooledEffect(
        k,
        estimate,
        se,
        estimate - z * se,
        estimate + z * se,
        tau2,
        i2,
        q,
        p,
        df,
        q_p,
        estimate / se,
        pi_low,
        pi_high,
    )
