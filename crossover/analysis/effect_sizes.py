"""Standardized effects of a paired change."""

from dataclasses import dataclass
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats

from crossover.analysis._checks import as_array
from crossover.analysis.paired import changes, is_constant, signif


def hedges_correction(df: float) -> float:
    """Small-sample correction J ≈ 1 − 3 / (4 df − 1) (Hedges 1981), the form DESIGN.md gives for
    gz."""
    return 1 - 3 / (4 * df - 1)


def hedges_correction_exact(df: float) -> float:
    """Exact J = Γ(df/2) / (√(df/2) Γ((df − 1)/2)), as metafor's escalc("SMD") uses."""
    return math.exp(
        special.gammaln(df / 2) - 0.5 * math.log(df / 2) - special.gammaln((df - 1) / 2)
    )


@dataclass(frozen=True, slots=True)
class PairedEffects:
    dz: float | None  # Cohen's dz = mean change / SD of the changes (n − 1)
    gz: float | None  # Hedges' gz = dz × (1 − 3 / (4(n − 1) − 1))
    rank_biserial: float | None  # matched-pairs: (R+ − R−) / (R+ + R−), zeros dropped


def paired_effects(
    pre: ArrayLike, post: ArrayLike, *, with_rank_biserial: bool = True, grid: int | None = None
) -> PairedEffects:
    """Cohen's dz, Hedges' gz and the matched-pairs rank-biserial correlation of post − pre.

    Note that pingouin's paired "cohen-d" is d_av (mean over the average SD), not dz.
    """
    return change_effects(
        changes(pre, post, grid=grid, min_n=2), with_rank_biserial=with_rank_biserial
    )


def change_effects(change: ArrayLike, *, with_rank_biserial: bool = True) -> PairedEffects:
    """dz, gz and rank-biserial of changes (from ``changes``/``on_grid``); dz and gz are None when
    every change is the same (no spread), never a ratio of floating-point noise."""
    change = as_array(change, name="change")
    if change.size < 2:
        raise ValueError("at least 2 pairs are needed")
    n = change.size
    dz = None if is_constant(change) else float(change.mean() / change.std(ddof=1))
    gz = dz * hedges_correction(n - 1) if dz is not None and n > 2 else None
    return PairedEffects(dz, gz, rank_biserial(change) if with_rank_biserial else None)


def rank_biserial(change: ArrayLike) -> float | None:
    """Matched-pairs rank-biserial correlation (Kerby 2014), ranks as in wilcox.test."""
    change = np.asarray(change, dtype=float)
    nonzero = change[change != 0]
    if nonzero.size == 0:
        return None
    ranks = stats.rankdata(np.abs(signif(nonzero)))
    positive, negative = ranks[nonzero > 0].sum(), ranks[nonzero < 0].sum()
    return float((positive - negative) / (positive + negative))
