"""Which groups of a round's results to withhold, against an attacker who combines them.

A round publishes two variables over groups of its people, and each is its own family
(crossover.privacy.suppression):

- scores, over the respondents: the total, every age × tenure cell of the map, every age band
  (map rows), every tenure band (map columns), the respondents with an engagement score, each
  engagement group (the company's scores coarsened into ordered groups, crossover.company.
  engagement) and, when the trend publishes a panel, the respondents who also answered the
  previous round. Means × n give sums, SDs sums of squares, so sums and differences of these
  groups are figures about the people they leave. The engagement relation (r, the fitted line,
  each subscale's and item's r, the scatter) is a function of the engagement groups' sums: the
  company chose the engagement values, so it is published only while every group is.
- the response count, over the invited: the same groups (each shows how many responded) and the
  participation breakdown by unit. The invited counts themselves come from the company's own
  roster, so they tell the company nothing it did not upload; what the counts add is who
  answered. A combination that leaves fewer than K invited people would say whether those people
  answered, so the attacker's "people" here are the invited.

Every group with fewer than K respondents is withheld first (small); then each family is
searched for combinations that single out 1..K−1 people, withholding one more group at a time
(complementary). Withholding more never exposes anything, so the groups withheld for one family
stay withheld for the other. The total of a round with at least K respondents is always
published: when the search would give it up, every other group of that family gives way instead
(the total alone singles out nobody).
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

from crossover.privacy.suppression import COMPLEMENTARY, SMALL, Family, withhold

TOTAL = ("total",)
ENGAGED = ("engaged",)
PANEL = ("panel",)


def cell(age: int, tenure: int) -> tuple:
    return ("cell", age, tenure)


def age_row(age: int) -> tuple:
    return ("age", age)


def tenure_column(tenure: int) -> tuple:
    return ("tenure", tenure)


def unit_group(unit: int) -> tuple:
    return ("unit", unit)


def engagement_bin(index: int) -> tuple:
    return ("bin", index)


@dataclass(frozen=True)
class Atoms:
    """People who no published group tells apart, as codes per atom and a head count.

    `age`, `tenure`: band indexes; `unit`: unit index (-1 when units are not in the family);
    `bin`: engagement group index, -1 for people without an engagement score; `panel`: 1 for
    respondents who also answered the previous round (-1 when no panel is judged).
    """

    age: np.ndarray
    tenure: np.ndarray
    unit: np.ndarray
    bin: np.ndarray
    panel: np.ndarray
    sizes: np.ndarray

    @classmethod
    def of_people(cls, age, tenure, unit, engagement_bin, weights=None, panel=None) -> "Atoms":
        """Atoms from one row per person (or per group of people with `weights`)."""
        panel = np.full(np.asarray(age).size, -1) if panel is None else panel
        columns = [
            np.asarray(c, dtype=np.int64) + 1 for c in (age, tenure, unit, engagement_bin, panel)
        ]
        weights = np.ones(columns[0].size, dtype=np.int64) if weights is None else weights
        if columns[0].size == 0:
            empty = np.empty(0, dtype=np.int64)
            return cls(empty, empty, empty, empty, empty, empty)
        # One integer per person (codes shifted by one so that -1 fits), then one pass of unique.
        spans = [int(c.max()) + 1 for c in columns]
        code = columns[0]
        for column, span in zip(columns[1:], spans[1:], strict=True):
            code = code * span + column
        distinct, inverse = np.unique(code, return_inverse=True)
        sizes = np.bincount(inverse, weights=weights, minlength=distinct.size).astype(np.int64)
        decoded = []
        for span in reversed(spans[1:]):
            decoded.append(distinct % span - 1)
            distinct = distinct // span
        decoded.append(distinct - 1)
        age_, tenure_, unit_, bin_, panel_ = reversed(decoded)
        keep = sizes > 0
        return cls(age_[keep], tenure_[keep], unit_[keep], bin_[keep], panel_[keep], sizes[keep])

    def membership(self, key: tuple) -> np.ndarray:
        kind = key[0]
        if kind == "total":
            return np.ones(self.sizes.size, dtype=bool)
        if kind == "cell":
            return (self.age == key[1]) & (self.tenure == key[2])
        if kind == "age":
            return self.age == key[1]
        if kind == "tenure":
            return self.tenure == key[1]
        if kind == "unit":
            return self.unit == key[1]
        if kind == "engaged":
            return self.bin >= 0
        if kind == "bin":
            return self.bin == key[1]
        if kind == "panel":
            return self.panel == 1
        raise ValueError(f"unknown group {key!r}")

    def group_sizes(self, keys: Iterable[tuple]) -> dict[tuple, int]:
        return {key: int(self.sizes[self.membership(key)].sum()) for key in keys}


def family(atoms: Atoms, keys: list[Hashable]) -> Family:
    """The groups `keys` over these atoms (the total, when among them, is the anchor)."""
    membership = np.array([atoms.membership(key) for key in keys], dtype=bool).reshape(
        len(keys), atoms.sizes.size
    )
    # People in exactly the same groups cannot be told apart: one atom (fewer small atoms to try).
    columns, inverse = _distinct_columns(membership)
    sizes = np.bincount(inverse, weights=atoms.sizes, minlength=columns.shape[1])
    return Family(
        list(keys),
        columns,
        sizes.astype(np.int64),
        TOTAL if TOTAL in keys else None,
        priority=withholding_order,
    )


def _distinct_columns(membership: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(membership, axis=1, return_inverse=True), in the same order, at a tenth of the
    cost: each column packed into bytes and compared whole (packbits puts the first group in
    the highest bit, so byte order is the columns' order)."""
    packed = np.packbits(membership, axis=0)
    keys = np.ascontiguousarray(packed.T).view(np.dtype((np.void, packed.shape[0]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return membership[:, first], inverse.ravel()


# When a group must be withheld to protect another, the map's cells go last: the trend's panel
# the engagement groups, the unit breakdown and the engaged group are given up first, then age
# and tenure margins.
WITHHOLDING_ORDER = {
    "panel": -1,  # the trend's panel before the engagement relation
    "bin": 0,
    "unit": 1,
    "engaged": 2,
    "age": 3,
    "tenure": 3,
    "cell": 3,
}


def withholding_order(key: Hashable) -> int:
    return WITHHOLDING_ORDER.get(key[0], 5)


def protect(
    score_atoms: Atoms,
    count_atoms: Atoms,
    score_keys: list[tuple],
    count_keys: list[tuple],
    respondents: dict[tuple, int],
    k: int,
    settled: dict[tuple, str] | None = None,
) -> dict[tuple, str]:
    """Reasons (SMALL or COMPLEMENTARY) for every group to withhold.

    `score_keys` are the groups publishing scores (over respondents); `count_keys` those
    publishing a response count (over the invited), a superset that adds the units;
    `respondents` the respondents of each count group; `settled`: the reasons found for the
    same round without engagement groups or panel (then only those are added to the search).
    """
    reasons: dict[tuple, str] = {key: SMALL for key, n in respondents.items() if n < k}
    if settled is not None:
        # The page's own groups were judged already (with the same roster and respondents):
        # only what the engagement groups and the panel add is searched.
        reasons.update(settled)
        shown = [key for key in score_keys if key not in reasons]
        if shown:
            reasons.update(_withheld_keeping_total(score_atoms, shown, k))
        return reasons
    for atoms, keys in ((score_atoms, score_keys), (count_atoms, count_keys)):
        # The page's own groups first, then the engagement groups and the panel beside what
        # stays: they give way only to exposures they add (a greedy search that may withhold
        # them first would lose the engagement relation to a small map cell it did not cause).
        own = [key for key in keys if key[0] not in ADDED]
        for stage in (own, keys) if len(own) < len(keys) else (keys,):
            shown = [key for key in stage if key not in reasons]
            if shown:
                reasons.update(_withheld_keeping_total(atoms, shown, k))
    return reasons


ADDED = ("bin", "panel")


def _withheld_keeping_total(atoms: Atoms, shown: list[tuple], k: int) -> dict[tuple, str]:
    found = withhold(family(atoms, shown), k)
    if found.get(TOTAL) == COMPLEMENTARY:
        # The headline stays: everything else of this family gives way (the total alone is a
        # sum over at least K people).
        found = {key: COMPLEMENTARY for key in shown if key != TOTAL}
    return found
