"""Two independent groups: Welch's t-test with its CI and Hedges' g."""

from dataclasses import dataclass
import math

from numpy.typing import ArrayLike
from scipy import stats

from crossover.analysis._checks import ALTERNATIVE, as_array, check_direction
from crossover.analysis.effect_sizes import hedges_correction_exact
from crossover.analysis.meta import normal_interval, smd_variance
from crossover.analysis.paired import t_interval, t_p_value


@dataclass(frozen=True, slots=True)
class WelchTest:
    n_x: int
    n_y: int
    mean_x: float
    mean_y: float
    difference: float  # mean_x − mean_y
    t: float | None
    df: float | None
    p: float | None
    ci_low: float | None  # two-sided 95% CI of the difference
    ci_high: float | None
    hedges_g: float | None  # pooled-SD standardized difference, small-sample corrected
    note: str | None = None
    ci_test_low: float | None = None  # t.test(x, y, alternative = ALT, conf.level = 1 - alpha)
    ci_test_high: float | None = None  # (an infinite one-sided bound is None)
    ci_test_sided: str | None = None
    # 95% interval of hedges_g: g ± z(0.975) √v, v metafor's escalc("SMD") variance
    hedges_g_ci_low: float | None = None
    hedges_g_ci_high: float | None = None


def welch(
    x: ArrayLike, y: ArrayLike, *, direction: str = "two-sided", alpha: float = 0.05
) -> WelchTest:
    """Welch two-sample t-test of mean(x) − mean(y).

    Matches R ``t.test(x, y, alternative = ALT)`` (var.equal = FALSE) for t, df, p and the
    two-sided ``conf.int`` of ``t.test(x, y)``, and the test's interval with ``conf.level = 1 −
    alpha``. Hedges' g uses the pooled SD and the exact
    small-sample correction, as metafor ``escalc("SMD", ...)``; its interval is g ± z(0.975) √vi
    with escalc's vi = 1/nx + 1/ny + g² / (2 (nx + ny)) (metafor 3.8, vtype = "LS").
    """
    check_direction(direction)
    xa, ya = as_array(x, name="x"), as_array(y, name="y")
    if xa.size < 2 or ya.size < 2:
        raise ValueError("each group needs at least 2 values")
    nx, ny = xa.size, ya.size
    mx, my = float(xa.mean()), float(ya.mean())
    vx, vy = xa.var(ddof=1), ya.var(ddof=1)
    diff = mx - my
    pooled = math.sqrt(((nx - 1) * vx + (ny - 1) * vy) / (nx + ny - 2))
    g = diff / pooled * hedges_correction_exact(nx + ny - 2) if pooled > 0 else None
    g_low, g_high = normal_interval(g, smd_variance(g, nx, ny)) if g is not None else (None, None)
    se2 = vx / nx + vy / ny
    if se2 == 0:
        return WelchTest(
            nx,
            ny,
            mx,
            my,
            diff,
            None,
            None,
            None,
            None,
            None,
            g,
            note="Neither group varies; the t-test is undefined.",
            hedges_g_ci_low=g_low,
            hedges_g_ci_high=g_high,
        )
    se = math.sqrt(se2)
    df = se2**2 / ((vx / nx) ** 2 / (nx - 1) + (vy / ny) ** 2 / (ny - 1))
    t = diff / se
    alternative = ALTERNATIVE[direction]
    p = t_p_value(t, df, alternative)
    half = stats.t.ppf(0.975, df) * se
    low, high = t_interval(diff, se, df, alternative, alpha)
    return WelchTest(
        nx,
        ny,
        mx,
        my,
        diff,
        float(t),
        float(df),
        float(p),
        diff - half,
        diff + half,
        g,
        None,
        low,
        high,
        alternative,
        g_low,
        g_high,
    )
