"""Power of a paired design, as R's ``power.t.test(type = "paired", strict = FALSE)``."""

from dataclasses import dataclass
import math

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


def _power(n: float, dz: float, alpha: float, direction: str) -> float:
    # strict = FALSE: only the tail in the hoped-for direction counts, as R's default.
    tails = 1 if direction in ONE_SIDED else 2
    df = n - 1
    critical = stats.t.isf(alpha / tails, df)
    return float(stats.nct.sf(critical, df, math.sqrt(n) * abs(dz)))


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
