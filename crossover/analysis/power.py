"""Power of a paired design, as R's ``power.t.test(type = "paired", strict = FALSE)``, and of a
randomised two-arm design analysed by ANCOVA, as ``power.t.test(type = "two.sample")`` on the
pre-adjusted SD."""

from dataclasses import dataclass
import math
from typing import ClassVar

from scipy import optimize, stats

ONE_SIDED = {"increase", "decrease"}
DIRECTIONS = ONE_SIDED | {"two-sided"}


@dataclass(frozen=True, slots=True)
class PowerResult:
    dz: float
    alpha: float
    direction: str
    n: float  # pairs, fractional as R reports it
    pairs_needed: int  # n rounded up: what to recruit
    power: float


def _check(dz: float, alpha: float, direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {sorted(DIRECTIONS)}")
    if not (math.isfinite(dz) and dz != 0):
        raise ValueError("dz must be a non-zero finite number")
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie strictly between 0 and 1")


def _t_power(df: float, noncentrality: float, alpha: float, direction: str) -> float:
    # strict = FALSE: only the tail in the hoped-for direction counts, as R's default.
    tails = 1 if direction in ONE_SIDED else 2
    critical = stats.t.isf(alpha / tails, df)
    return float(stats.nct.sf(critical, df, abs(noncentrality)))


def _power(n: float, dz: float, alpha: float, direction: str) -> float:
    return _t_power(n - 1, math.sqrt(n) * dz, alpha, direction)


def paired_power(
    n: float, dz: float, alpha: float = 0.05, direction: str = "two-sided"
) -> PowerResult:
    """Power of n pairs to detect a standardized change dz.

    Matches R ``power.t.test(n = n, delta = dz, sd = 1, sig.level = alpha, type = "paired",
    alternative = "one.sided" | "two.sided")``. The effect is taken in the hoped-for direction,
    so ``dz`` may be given with either sign.
    """
    _check(dz, alpha, direction)
    if not (math.isfinite(n) and n >= 2):
        raise ValueError("n must be at least 2 pairs")
    power = _power(n, dz, alpha, direction)
    return PowerResult(
        dz=dz, alpha=alpha, direction=direction, n=float(n), pairs_needed=math.ceil(n), power=power
    )


def paired_n_for_power(
    dz: float, alpha: float = 0.05, power: float = 0.8, direction: str = "two-sided"
) -> PowerResult:
    """Pairs needed to reach the given power for a standardized change dz.

    Solves R's ``power.t.test(delta = dz, power = power, type = "paired")`` for n, to a much
    tighter tolerance than R's default (``tol = .Machine$double.eps^0.25``).
    """
    _check(dz, alpha, direction)
    if not 0 < power < 1:
        raise ValueError("power must lie strictly between 0 and 1")
    if _power(2, dz, alpha, direction) >= power:
        n = 2.0
    else:
        upper = 4.0
        while _power(upper, dz, alpha, direction) < power:
            upper *= 2
            if upper > 1e7:
                raise ValueError("more than 10 million pairs would be needed")
        n = optimize.brentq(
            lambda x: _power(x, dz, alpha, direction) - power, 2, upper, xtol=1e-12, rtol=1e-14
        )
    return PowerResult(
        dz=dz,
        alpha=alpha,
        direction=direction,
        n=float(n),
        pairs_needed=math.ceil(n - 1e-9),
        power=_power(n, dz, alpha, direction),
    )


@dataclass(frozen=True, slots=True)
class TwoArmPowerResult:
    design: ClassVar[str] = "two_arm"
    d: float  # difference in post means over the SD of post
    rho: float  # pre-post correlation
    alpha: float
    direction: str
    n: float  # per arm, fractional as R reports it
    per_arm_needed: int  # n rounded up (R's ceiling): what to recruit in each arm
    power: float

    @property
    def adjusted_sd(self) -> float:
        """SD of post once pre is accounted for: what ANCOVA's residuals vary by."""
        return adjusted_sd(self.rho)

    @property
    def total_needed(self) -> int:
        return 2 * self.per_arm_needed


def adjusted_sd(rho: float) -> float:
    return math.sqrt(1 - rho * rho)


def _check_rho(rho: float) -> None:
    if not (math.isfinite(rho) and 0 <= rho < 1):
        raise ValueError("rho must lie in [0, 1)")


def _two_arm_power(n: float, d: float, rho: float, alpha: float, direction: str) -> float:
    # R: df = 2 (n - 1), ncp = sqrt(n / 2) * delta / sd, with sd = sqrt(1 - rho^2).
    return _t_power(2 * (n - 1), math.sqrt(n / 2) * d / adjusted_sd(rho), alpha, direction)


def two_arm_power(
    n: float, d: float, rho: float = 0.5, alpha: float = 0.05, direction: str = "two-sided"
) -> TwoArmPowerResult:
    """Power of n people per arm to detect a standardised difference d, adjusted for pre.

    Matches R ``power.t.test(type = "two.sample", n = n, delta = d, sd = sqrt(1 - rho^2),
    sig.level = alpha, alternative = "one.sided" | "two.sided")``: ANCOVA on post with pre as
    covariate leaves a residual SD of sqrt(1 - rho^2) of post's SD. ``d`` may take either sign.
    """
    _check(d, alpha, direction)
    _check_rho(rho)
    if not (math.isfinite(n) and n >= 2):
        raise ValueError("n must be at least 2 per arm")
    return TwoArmPowerResult(
        d=d,
        rho=rho,
        alpha=alpha,
        direction=direction,
        n=float(n),
        per_arm_needed=math.ceil(n),
        power=_two_arm_power(n, d, rho, alpha, direction),
    )


def two_arm_n_for_power(
    d: float,
    rho: float = 0.5,
    alpha: float = 0.05,
    power: float = 0.8,
    direction: str = "two-sided",
) -> TwoArmPowerResult:
    """People per arm needed to reach the given power, as R's ``power.t.test(type =
    "two.sample", delta = d, sd = sqrt(1 - rho^2), power = power)``.

    R's search may end below 2 per arm for a large effect (its interval extends downwards);
    the fractional n follows it there, and ceiling(n) is still at least 2.
    """
    _check(d, alpha, direction)
    _check_rho(rho)
    if not 0 < power < 1:
        raise ValueError("power must lie strictly between 0 and 1")

    def shortfall(x: float) -> float:
        return _two_arm_power(x, d, rho, alpha, direction) - power

    if shortfall(2) >= 0:
        # Power falls towards 0 as n -> 1 (no degrees of freedom left): step down towards 1
        # until it is short, staying where the noncentral t is still computed reliably.
        lower, upper = 1.5, 2.0
        while shortfall(lower) >= 0:
            lower, upper = 1 + (lower - 1) / 2, lower
            if lower < 1.01:
                lower = upper = 2.0  # an effect this large: 2 per arm, the least R allows
                break
    else:
        lower, upper = 2.0, 4.0
        while shortfall(upper) < 0:
            lower, upper = upper, upper * 2
            if upper > 1e7:
                raise ValueError("more than 10 million people per arm would be needed")
    n = (
        upper
        if lower == upper
        else optimize.brentq(shortfall, lower, upper, xtol=1e-12, rtol=1e-14)
    )
    return TwoArmPowerResult(
        d=d,
        rho=rho,
        alpha=alpha,
        direction=direction,
        n=float(n),
        per_arm_needed=max(2, math.ceil(n - 1e-9)),
        power=_two_arm_power(n, d, rho, alpha, direction),
    )
