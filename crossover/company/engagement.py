"""The company's engagement scores as the results use them: ordered groups of at least K
respondents.

Engagement values are chosen by the company itself, so any statistic relating them to scores is
a weighted sum the company designed: a Pearson r, a fitted line or an item's r with engagement
1 for one person and 0 for everyone else is that person's answer. So every distinct value the
results use must be held by at least K respondents, and those value groups join the suppression
search (crossover.company.suppression). A scale with few values, each held by K respondents or
more, is used as it is; a finer one is coarsened: the roster's own quantiles (which the company
can compute from its upload, whoever answered) cut it into at most `count` ordered groups, ties
kept together, and neighbouring groups are merged until each holds K respondents. Each group
stands for the mean engagement of its invited people (again the company's own figures), so the
relation keeps the scale's units; the page says when the scores were coarsened.
"""

from dataclasses import dataclass

import numpy as np

from crossover.privacy.suppression import joined_in_order

MAX_GROUPS = 10
# Tried in turn until no group has to be withheld for another (fewer, larger groups protect
# more); below two groups there is no relation to show.
GROUP_COUNTS = (MAX_GROUPS, 5, 3, 2)


@dataclass(frozen=True)
class EngagementGroups:
    """Each roster row's group (-1 without a score), and per group its value and range."""

    codes: np.ndarray
    values: np.ndarray
    lows: np.ndarray
    highs: np.ndarray
    coarsened: bool

    @property
    def count(self) -> int:
        return int(self.values.size)

    def x(self, rows: np.ndarray) -> np.ndarray:
        """The engagement value each of these roster rows stands for (rows with a group)."""
        return self.values[self.codes[rows]]

    def edges(self) -> list[float]:
        """What reproduces the grouping from raw scores: each group's highest roster value."""
        return self.highs.tolist()


NO_GROUPS = EngagementGroups(
    np.empty(0, dtype=np.int64), np.empty(0), np.empty(0), np.empty(0), False
)


def _as_groups(engagement: np.ndarray, segment: np.ndarray, coarsened: bool) -> EngagementGroups:
    """Groups from a segment number per roster row (-1: none), numbered 0.. in value order."""
    used = np.unique(segment[segment >= 0])
    codes = np.where(segment >= 0, np.searchsorted(used, segment), -1)
    has = codes >= 0
    counts = np.bincount(codes[has], minlength=used.size)
    values = np.bincount(codes[has], weights=engagement[has], minlength=used.size) / counts
    lows = np.full(used.size, np.inf)
    highs = np.full(used.size, -np.inf)
    np.minimum.at(lows, codes[has], engagement[has])
    np.maximum.at(highs, codes[has], engagement[has])
    return EngagementGroups(codes, values, lows, highs, coarsened)


def group(engagement: np.ndarray, responded: np.ndarray, k: int, count: int) -> EngagementGroups:
    """At most `count` ordered groups of the roster's engagement scores (NaN: none), each held
    by at least k respondents; NO_GROUPS when fewer than two such groups can be made."""
    has = np.isfinite(engagement)
    if not has.any():
        return NO_GROUPS
    distinct, inverse = np.unique(engagement[has], return_inverse=True)
    answered = np.bincount(inverse, weights=responded[has], minlength=distinct.size)
    if distinct.size <= count and (answered >= k).all():
        segment = np.full(engagement.size, -1)
        segment[has] = inverse
        found = _as_groups(engagement, segment, coarsened=False)
        return found if found.count >= 2 else NO_GROUPS
    # The roster's quantiles cut the distinct values (ties stay together: a value is one unit).
    inner = np.quantile(engagement[has], np.linspace(0, 1, count + 1)[1:-1]) if count > 1 else []
    start = np.searchsorted(distinct, np.unique(inner), side="right")
    cut = np.zeros(distinct.size, dtype=np.int64)
    cut[start[(start > 0) & (start < distinct.size)]] = 1
    piece = np.cumsum(cut)
    # Merge neighbouring pieces until each holds k respondents; a short tail joins the last.
    merged = joined_in_order(np.bincount(piece, weights=answered), k)
    if merged is None:
        return NO_GROUPS
    value_group = merged[piece]
    segment = np.full(engagement.size, -1)
    segment[has] = value_group[inverse]
    found = _as_groups(engagement, segment, coarsened=True)
    return found if found.count >= 2 else NO_GROUPS


def regroup(engagement: np.ndarray, highs: list[float]) -> np.ndarray:
    """Group codes of raw scores from a publication's stored group tops (-1: no score; without
    groups, every score in group 0: the engaged respondents)."""
    if not highs:
        return np.where(np.isfinite(engagement), 0, -1)
    tops = np.asarray(highs)
    codes = np.searchsorted(tops, np.nan_to_num(engagement), side="left")
    codes = np.minimum(codes, tops.size - 1)
    return np.where(np.isfinite(engagement), codes, -1)
