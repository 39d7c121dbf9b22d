"""Input coercion shared by the analysis functions."""

import numpy as np
from numpy.typing import ArrayLike

DIRECTIONS = ("increase", "decrease", "two-sided")
# scipy / R names of the alternative hypothesis for each preregistered direction
ALTERNATIVE = {"increase": "greater", "decrease": "less", "two-sided": "two-sided"}


def as_array(values: ArrayLike, *, name: str = "values") -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers")
    return array


def as_pairs(pre: ArrayLike, post: ArrayLike, *, min_n: int = 1) -> tuple[np.ndarray, np.ndarray]:
    pre_a, post_a = as_array(pre, name="pre"), as_array(post, name="post")
    if pre_a.shape != post_a.shape:
        raise ValueError("pre and post must have the same length")
    if pre_a.size < min_n:
        raise ValueError(f"at least {min_n} pairs are needed")
    return pre_a, post_a


def check_direction(direction: str) -> str:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}")
    return direction


def finite_or_none(value) -> float | None:
    """A Python float, or None where the statistic is undefined (never NaN into JSON)."""
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None
