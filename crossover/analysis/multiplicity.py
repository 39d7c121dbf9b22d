"""Multiplicity adjustment, as R's p.adjust (missing p-values stay missing and are not counted)."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


def _present(p_values: Sequence[float | None]) -> tuple[np.ndarray, np.ndarray]:
    index = np.array([i for i, p in enumerate(p_values) if p is not None], dtype=int)
    values = np.array([p_values[i] for i in index], dtype=float)
    if np.any((values < 0) | (values > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    return index, values


def _place(p_values, index, adjusted) -> list[float | None]:
    result: list[float | None] = [None] * len(p_values)
    for i, value in zip(index, adjusted, strict=True):
        result[i] = float(value)
    return result


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """R ``p.adjust(p, method = "holm")``."""
    index, p = _present(p_values)
    n = p.size
    if n == 0:
        return [None] * len(p_values)
    order = np.argsort(p, kind="stable")
    adjusted = np.minimum(1, np.maximum.accumulate((n - np.arange(n)) * p[order]))
    out = np.empty(n)
    out[order] = adjusted
    return _place(p_values, index, out)


def benjamini_hochberg(p_values: Sequence[float | None]) -> list[float | None]:
    """R ``p.adjust(p, method = "BH")``."""
    index, p = _present(p_values)
    n = p.size
    if n == 0:
        return [None] * len(p_values)
    order = np.argsort(-p, kind="stable")  # decreasing
    ranks = n - np.arange(n)  # n, n − 1, …, 1
    adjusted = np.minimum(1, np.minimum.accumulate(n / ranks * p[order]))
    out = np.empty(n)
    out[order] = adjusted
    return _place(p_values, index, out)


@dataclass(frozen=True, slots=True)
class HolmSelection:
    adjusted: list[float | None]  # p.adjust(p, "holm"), None where p is None
    selected: list[bool]  # adjusted p below alpha


def holm_select(p_values: Sequence[float | None], alpha: float = 0.05) -> HolmSelection:
    """Holm-adjust a family of tests (the company survey's 12 item correlations) and keep those
    whose adjusted p is below alpha: R ``p.adjust(p, "holm") < alpha``. A missing p (an item
    that does not vary) is neither counted in the family nor selected, as p.adjust leaves NA."""
    adjusted = holm(p_values)
    return HolmSelection(adjusted, [p is not None and p < alpha for p in adjusted])
