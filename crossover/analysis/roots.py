"""Brent's root finder as R's ``uniroot`` runs it, for results that must land where R's do.

R's ``wilcox.test(conf.int = TRUE)`` finds its interval and its estimate as roots of a step
function with ``uniroot(tol = 1e-4)``. A step function has no exact root: the answer is wherever
the search stops inside the step, up to the tolerance. Another root finder (scipy's ``brentq``)
stops at a different point of the same step, up to 1e-4 away, so the steps here follow Brent's
algorithm (R. P. Brent, *Algorithms for Minimization without Derivatives*, 1973, ch. 4) in the
form R's ``zeroin`` takes: the same bracket bookkeeping, the same interpolation test and the
same tolerance, tol_act = 2 ε |b| + tol / 2.
"""

from collections.abc import Callable
import math
import sys

EPSILON = sys.float_info.epsilon  # DBL_EPSILON


def uniroot(
    f: Callable[[float], float],
    lower: float,
    upper: float,
    *,
    f_lower: float | None = None,
    f_upper: float | None = None,
    tol: float = EPSILON**0.25,
    maxiter: int = 1000,
) -> float:
    """A root of f in [lower, upper], as R ``uniroot(f, lower = , upper = , f.lower = ,
    f.upper = , tol = )$root`` (its default tolerance is ε^¼).

    f(lower) and f(upper) must not have the same sign (R stops there; here ValueError).
    """
    if not lower < upper:
        raise ValueError("lower < upper is not fulfilled")
    fa = f(lower) if f_lower is None else f_lower
    fb = f(upper) if f_upper is None else f_upper
    if math.isnan(fa) or math.isnan(fb):
        raise ValueError("f is NA at an end point")
    if _sign(fa) * _sign(fb) > 0:
        raise ValueError("f() values at end points not of opposite sign")
    a, b = lower, upper
    c, fc = a, fa
    if fa == 0:
        return a
    if fb == 0:
        return b
    for _ in range(maxiter + 1):
        previous_step = b - a
        if abs(fc) < abs(fb):  # b is the best guess so far, c the other end of the bracket
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * EPSILON * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0:
            return b
        if abs(previous_step) >= tol_act and abs(fa) > abs(fb):
            # Interpolation may be tried: secant with two distinct points, else inverse quadratic.
            cb = c - b
            if a == c:
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:
                q, t1, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < 0.75 * cb * q - abs(tol_act * q) / 2 and p < abs(previous_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:  # never a step below the tolerance
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa  # keep the root bracketed between b and c
    return b  # R warns "_NOT_ converged" and returns the last guess


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)
