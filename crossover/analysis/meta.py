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
    q: float | None
    p: float | None


def gz_variance(gz: float, n: int) -> float:
    """Sampling variance of a paired gz: v = 1/n + gz² / (2n) (DESIGN.md)."""
    return 1 / n + gz**2 / (2 * n)


def smd_variance(g: float, n1: int, n2: int) -> float:
    """Sampling variance of a between-arm Hedges' g: v = (n1 + n2) / (n1 n2) + g² / (2 (n1 + n2)).

    The large-sample form (Hedges & Olkin 1985; metafor's escalc("SMD") with vtype = "LS" uses
    n1 + n2 − 2 in the last denominator instead; the board keeps the form it has always used).
    """
    return (n1 + n2) / (n1 * n2) + g**2 / (2 * (n1 + n2))


Z_975 = float(stats.norm.ppf(0.975))  # the two-sided 95% normal quantile, 1.959963984540054


def normal_interval(estimate: float, variance: float) -> tuple[float, float]:
    """Estimate ± z(0.975) × √variance: the 95% Wald interval of one pilot's effect."""
    half = Z_975 * math.sqrt(variance)
    return estimate - half, estimate + half


def dersimonian_laird(effects: Sequence[float], variances: Sequence[float]) -> PooledEffect:
    """DerSimonian–Laird random-effects estimate; matches metafor ``rma(yi, vi, method = "DL")``.

    With one study the estimate is that study (tau² = 0, I² = 0).
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
    return PooledEffect(
        k, estimate, se, estimate - z * se, estimate + z * se, tau2, i2, q if k > 1 else 0.0, p
    )
