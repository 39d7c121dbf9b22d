"""Internal consistency of an instrument."""

import numpy as np
from numpy.typing import ArrayLike


def cronbach_alpha(items: ArrayLike) -> float | None:
    """Cronbach's alpha of a respondents × items matrix (recoded answers).

    alpha = k / (k − 1) × (1 − Σ var(item) / var(total)), variances with n − 1, as
    R ``psych::alpha(x)$total$raw_alpha``. None when undefined (k < 2, n < 2, no spread).
    """
    matrix = np.asarray(items, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        return None
    k = matrix.shape[1]
    total_variance = matrix.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return None
    return float(k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / total_variance))
