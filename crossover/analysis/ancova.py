"""ANCOVA of a randomised pilot: post adjusted for pre, the arm's coefficient (R's lm)."""

from dataclasses import dataclass
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from crossover.analysis._checks import ALTERNATIVE, as_array, check_direction
from crossover.analysis.meta import normal_interval
from crossover.analysis.paired import t_interval, t_p_value


@dataclass(frozen=True, slots=True)
class Ancova:
    n_participant: int
    n_comparison: int
    coefficient: float | None  # adjusted difference participant − comparison
    se: float | None
    t: float | None
    df: int
    p: float | None  # for the preregistered direction
    ci_low: float | None  # two-sided 95% CI, R confint()
    ci_high: float | None
    standardized: float | None  # coefficient / pooled within-arm SD of pre
    variance: float | None  # sampling variance of `standardized`, for pooling (see ancova())
    ci_test_low: float | None = None  # with the preregistered alternative, level 1 − alpha
    ci_test_high: float | None = None
    ci_test_sided: str | None = None
    note: str | None = None
    standardized_ci_low: float | None = None  # standardized ± z(0.975) √variance
    standardized_ci_high: float | None = None
    pre_coefficient: float | None = None  # the slope of post on pre, R's coef(fit)["pre"]
    r_squared: float | None = None  # summary(fit)$r.squared
    # Homogeneity of slopes: the pre:arm row of anova(lm(post ~ pre * arm)); a p below
    # SLOPES_ALPHA means the arms' slopes differ and slopes_note says so.
    slopes_p: float | None = None
    slopes_note: str | None = None


SLOPES_ALPHA = 0.05  # a diagnostic, not a preregistered test: the conventional level
SLOPES_DIFFER = (
    "The slope of post on pre differs between the arms (pre × arm interaction p < 0.05): the "
    "adjusted difference depends on where people started, so read it with care."
)


def ancova(
    pre: ArrayLike,
    post: ArrayLike,
    arm: ArrayLike,
    *,
    direction: str = "two-sided",
    alpha: float = 0.05,
) -> Ancova:
    """The arm coefficient of ``lm(post ~ pre + arm)`` with arm 1 = participant, 0 = comparison.

    Matches R ``summary(lm(post ~ pre + arm))`` for the coefficient, SE, t and df = n − 3, the
    p-value for the preregistered direction (``pt(t, df, lower.tail = FALSE)`` for an increase,
    ``pt(t, df)`` for a decrease, the two-sided Pr(>|t|) otherwise) and ``confint(fit)["arm", ]``.

    Beside the arm: the pre coefficient, R² (``summary(fit)$r.squared``) and the homogeneity of
    slopes, the interaction row of ``anova(lm(post ~ pre * arm))`` (its F test on 1 and n − 4
    df), with a note when p < 0.05; d's 95% interval is d ± z(0.975) √v.

    The standardised effect is d = b / s, s the pooled within-arm SD of pre
    (√(((n1 − 1) s1² + (n0 − 1) s0²) / (n − 2))). Its sampling variance, used to pool randomised
    pilots on the evidence board, is v = SE(b)² / s² + d² / (2 (n − 2)): the first term is the
    coefficient's own variance on the SD scale, the second the usual large-sample term for an SD
    that is itself estimated (as in the variance of a standardised mean difference).
    """
    check_direction(direction)
    pre_a, post_a = as_array(pre, name="pre"), as_array(post, name="post")
    arm_a = as_array(arm, name="arm")
    if not (pre_a.shape == post_a.shape == arm_a.shape):
        raise ValueError("pre, post and arm must have the same length")
    if not np.all((arm_a == 0) | (arm_a == 1)):
        raise ValueError("arm must be 1 (participant) or 0 (comparison)")
    n1, n0 = int(arm_a.sum()), int((1 - arm_a).sum())
    if n1 < 2 or n0 < 2:
        raise ValueError("each arm needs at least 2 pairs")
    n, df = pre_a.size, pre_a.size - 3
    design = np.column_stack([np.ones(n), pre_a, arm_a])
    beta, _, rank, _ = np.linalg.lstsq(design, post_a, rcond=None)
    s = _pooled_sd(pre_a, arm_a)
    if rank < 3:
        return Ancova(  # the pre coefficient, R² and slopes are not estimable either
            n1,
            n0,
            None,
            None,
            None,
            df,
            None,
            None,
            None,
            None,
            None,
            note="Pre does not vary: the adjusted model cannot be fitted.",
        )
    residual = post_a - design @ beta
    rss = float(residual @ residual)
    sigma2 = rss / df
    b = float(beta[2])
    unscaled = np.linalg.inv(design.T @ design)
    se = math.sqrt(sigma2 * unscaled[2, 2])
    d = b / s if s > 0 else None
    extras = {"pre_coefficient": float(beta[1]), "r_squared": _r_squared(post_a, rss)}
    if se == 0 or se < 1e-12 * max(1.0, abs(b)):
        return Ancova(  # an exact fit: no residual left for the slopes' test either
            n1,
            n0,
            b,
            0.0,
            None,
            df,
            None,
            None,
            None,
            d,
            None,
            note="The model fits exactly: the test is undefined.",
            **extras,
        )
    t = b / se
    alternative = ALTERNATIVE[direction]
    half = float(stats.t.ppf(0.975, df)) * se
    low, high = t_interval(b, se, df, alternative, alpha)
    variance = None if d is None else se**2 / s**2 + d**2 / (2 * (n - 2))
    p = t_p_value(t, df, alternative)
    d_low, d_high = normal_interval(d, variance) if d is not None else (None, None)
    slopes_p = _slopes_p(pre_a, post_a, arm_a, rss)
    return Ancova(
        n1,
        n0,
        b,
        se,
        t,
        df,
        p,
        b - half,
        b + half,
        d,
        variance,
        low,
        high,
        alternative,
        None,
        d_low,
        d_high,
        slopes_p=slopes_p,
        slopes_note=SLOPES_DIFFER if slopes_p is not None and slopes_p < SLOPES_ALPHA else None,
        **extras,
    )


def _r_squared(post: np.ndarray, rss: float) -> float | None:
    """1 − RSS / TSS, as summary(lm())$r.squared; None when post does not vary (R gives NaN)."""
    total = float(np.sum((post - post.mean()) ** 2))
    return None if total == 0 else 1 - rss / total


def _slopes_p(pre: np.ndarray, post: np.ndarray, arm: np.ndarray, rss: float) -> float | None:
    """P of the pre:arm row of anova(lm(post ~ pre * arm)): F = (RSS − RSS_full) / (RSS_full /
    (n − 4)) on 1 and n − 4 df. None when there is no residual df left, when the interaction
    cannot be estimated (pre constant in an arm: R's coefficient is NA and the row is missing),
    or when the full model fits exactly."""
    n = pre.size
    if n < 5:
        return None
    design = np.column_stack([np.ones(n), pre, arm, pre * arm])
    beta, _, rank, _ = np.linalg.lstsq(design, post, rcond=None)
    if rank < 4:
        return None
    residual = post - design @ beta
    rss_full = float(residual @ residual)
    if rss_full <= 1e-24 * max(1.0, float(post @ post)):
        return None
    f = max(0.0, rss - rss_full) / (rss_full / (n - 4))
    return float(stats.f.sf(f, 1, n - 4))


def _pooled_sd(pre: np.ndarray, arm: np.ndarray) -> float:
    one, zero = pre[arm == 1], pre[arm == 0]
    squares = (one.size - 1) * one.var(ddof=1) + (zero.size - 1) * zero.var(ddof=1)
    return math.sqrt(squares / (pre.size - 2))
