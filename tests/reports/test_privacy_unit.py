"""The suppression core on its own: random families of groups, checked by the brute-force
attacker."""

import numpy as np
import pytest

from crossover.privacy import suppression as privacy
from crossover.privacy.suppression import COMPLEMENTARY, SMALL, Family, suppress_breakdown, withhold
from tests.privacy_attacker import find_leak


def _random_family(rng) -> dict:
    """A total with one or two lopsided breakdowns and sometimes an arbitrary extra group."""
    people = int(rng.integers(3, 40))
    masks = {"total": np.ones(people, dtype=bool)}
    for dimension in ("phase", "band")[: int(rng.integers(1, 3))]:
        values = rng.choice(5, size=people, p=rng.dirichlet(np.full(5, 0.5)))
        masks.update({(dimension, v): values == v for v in range(5)})
    if rng.random() < 0.3:
        masks["extra"] = rng.random(people) < 0.5
    return masks


@pytest.mark.parametrize("k", [3, 5, 7])
def test_no_visible_combination_singles_anyone_out(k):
    rng = np.random.default_rng(k)
    complemented = 0
    for _ in range(150):
        masks = _random_family(rng)
        reasons = withhold(Family.from_masks(masks, anchor="total"), k)
        visible = {
            str(key): mask.astype(np.int64) for key, mask in masks.items() if key not in reasons
        }
        leak = find_leak("family", visible, k)
        assert leak is None, (str(leak), reasons)
        assert all(reason == SMALL for key, reason in reasons.items() if masks[key].sum() < k)
        assert all(
            masks[key].sum() >= k for key, reason in reasons.items() if reason == COMPLEMENTARY
        )
        complemented += sum(reason == COMPLEMENTARY for reason in reasons.values())
    assert complemented >= 20  # the shapes do need complementary suppression


def test_nothing_more_is_withheld_than_needed_when_all_cells_are_large():
    values = np.repeat(np.arange(5), 10)
    masks = {"total": np.ones(50, dtype=bool), **{("phase", v): values == v for v in range(5)}}
    assert withhold(Family.from_masks(masks, anchor="total"), 5) == {}


def test_the_total_is_kept_and_a_cell_goes_instead():
    """Total = A1 + A2 + one person: only the total touches that person, yet a cell is withheld."""
    masks = {
        "total": np.ones(13, dtype=bool),
        "a1": np.arange(13) < 6,
        "a2": (np.arange(13) >= 6) & (np.arange(13) < 12),
    }
    assert withhold(Family.from_masks(masks, anchor="total"), 5) == {"a1": COMPLEMENTARY}


def test_breakdown_reports_the_reason():
    groups = [{"key": "a", "n": 10}, {"key": "b", "n": 3}, {"key": "c", "n": 7}]
    result = suppress_breakdown(
        groups, 5, lambda g: {"key": g["key"], "n": None, "suppressed": True}
    )
    assert [g.get("suppressed_reason") for g in result] == [None, SMALL, COMPLEMENTARY]


@pytest.mark.parametrize("k", [3, 5])
def test_the_shortcut_for_too_many_light_sets_is_never_weaker(k, monkeypatch):
    """With no budget for the exact search, every family takes the shortcut: the attacker still
    singles out nobody."""
    monkeypatch.setattr(privacy, "SEARCH_BUDGET", 0)
    rng = np.random.default_rng(100 + k)
    for _ in range(100):
        masks = _random_family(rng)
        reasons = withhold(Family.from_masks(masks, anchor="total"), k)
        visible = {
            str(key): mask.astype(np.int64) for key, mask in masks.items() if key not in reasons
        }
        assert find_leak("family", visible, k) is None, reasons


def test_hundreds_of_tiny_atoms_are_protected_without_trying_every_set():
    """A workforce of 3,000 across 10 age bands, 6 tenure bands and 30 units: hundreds of atoms
    of one or two people, far too many light sets to try one by one (billions at K = 5). The
    answer comes, and afterwards no combination vanishing on the large atoms reaches a small
    one."""
    rng = np.random.default_rng(7)
    people = 3000
    age = rng.choice(10, size=people, p=rng.dirichlet(np.full(10, 2.0)))
    tenure = rng.choice(6, size=people, p=rng.dirichlet(np.full(6, 2.0)))
    unit = rng.choice(30, size=people, p=rng.dirichlet(np.full(30, 0.7)))
    masks = {"total": np.ones(people, dtype=bool)}
    masks.update({("age", a): age == a for a in range(10)})
    masks.update({("tenure", t): tenure == t for t in range(6)})
    masks.update({("unit", u): unit == u for u in range(30)})
    family = Family.from_masks(masks, anchor="total")
    assert (family.sizes < 5).sum() > 100
    reasons = withhold(family, 5)
    visible = [i for i, key in enumerate(family.keys) if key not in reasons]
    assert privacy.isolated_atoms(family.membership[visible], family.sizes, 5) is None
    assert "total" not in reasons and len(reasons) < len(family.keys) // 2


def _two_rows_three_cells(with_second_row: bool) -> dict:
    """40 people, everyone with an engagement score (so the engaged group equals the total);
    cell 0 holds 3 people, row 0 = cells 0 and 1, row 1 = cell 2."""
    people = np.arange(40)
    masks = {
        "total": np.ones(40, dtype=bool),
        "engaged": np.ones(40, dtype=bool),
        ("row", 0): people < 20,
        ("row", 1): people >= 20,
        ("cell", 0): people < 3,  # small: withheld first
        ("cell", 1): (people >= 3) & (people < 20),
        ("cell", 2): people >= 20,
    }
    if not with_second_row:
        del masks[("row", 1)], masks[("cell", 2)]
    return masks


def _withhold_rows_first(masks: dict) -> dict:
    order = {"row": 0, "cell": 1}
    family = Family.from_masks(masks, anchor="total")
    family.priority = lambda key: order.get(key[0], 2) if isinstance(key, tuple) else 2
    reasons = withhold(family, 5)
    visible = {str(k): m.astype(np.int64) for k, m in masks.items() if k not in reasons}
    assert find_leak("family", visible, 5) is None
    return reasons


def test_a_copy_of_the_total_is_withheld_last_and_priority_decides_before_size():
    """Row 0 − cell 1 gives cell 0 away; withholding either ends it. Withholding the engaged
    group (a copy of the total) would protect nobody; the family's priority picks the margin,
    though it is larger than the cell."""
    reasons = _withhold_rows_first(_two_rows_three_cells(with_second_row=False))
    assert reasons == {("cell", 0): SMALL, ("row", 0): COMPLEMENTARY}


def test_a_group_that_ends_the_exposure_alone_goes_before_priority():
    """With row 1 shown as well, total − row 1 − cell 1 gives cell 0 away too: withholding row
    0 (first by priority) would end neither combination, so cell 1 goes, and only it."""
    reasons = _withhold_rows_first(_two_rows_three_cells(with_second_row=True))
    assert reasons == {("cell", 0): SMALL, ("cell", 1): COMPLEMENTARY}


def _exposing_after_withholding(matrix: np.ndarray, exposed: list[int], group: int) -> bool:
    """Brute force: with `group` withheld, is some combination of the other groups zero off
    the exposed atoms and nonzero on them?"""
    rest = np.delete(matrix, group, axis=0)
    others = np.setdiff1d(np.arange(matrix.shape[1]), exposed)
    combos = privacy._left_null(rest[:, others])
    return bool(np.abs(combos.T @ rest[:, exposed]).max(initial=0) > 1e-9)


def test_the_groups_said_to_end_an_exposure_alone_do_and_the_others_do_not():
    """_ends_exposure_alone's closed form against withholding each group and looking again."""
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(200):
        family = Family.from_masks(_random_family(rng), anchor="total")
        k = 5
        visible = [i for i, size in enumerate(family.group_sizes()) if size >= k]
        matrix = family.membership[visible].astype(float)
        null = privacy._left_null(matrix[:, family.sizes >= k])
        exposed = privacy.isolated_atoms(matrix, family.sizes, k, null)
        if exposed is None:
            continue
        others = np.setdiff1d(np.flatnonzero(family.sizes < k), exposed)
        exposing = null @ privacy._left_null(null.T @ matrix[:, others])
        ends = privacy._ends_exposure_alone(exposing, matrix[:, exposed])
        for group in range(len(visible)):
            assert ends[group] == (not _exposing_after_withholding(matrix, exposed, group))
            checked += 1
    assert checked > 100


# --- groups an owner chooses (issue 26) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "groups"),
    [
        ([0] * 5 + [1, 1, 2, 3, 3], [0] * 5 + [1] * 5),  # none / 1–3
        ([0] * 5 + [1] * 4 + [2] * 5 + [3], [0] * 5 + [1] * 10),  # a short last group joins
        ([3, 0, 0, 3, 0, 3, 0, 3, 0, 3], [1, 0, 0, 1, 0, 1, 0, 1, 0, 1]),  # order of people kept
        ([0] * 4 + [1] * 6, [0] * 4 + [0] * 6),  # ties together: 0 and 1 join, one group
        ([0] * 5 + [60], None),  # the six pairs: one mentored person
        ([0] * 5 + [2] * 4, None),  # the second group would hold four
        ([], None),
    ],
)
def test_ordered_groups_hold_k_each_with_ties_together(values, groups):
    found = privacy.ordered_groups(np.array(values), 5)
    if groups is None or len(set(groups)) < 2:
        assert found is None
    else:
        assert found.tolist() == groups


def test_ordered_groups_never_split_a_value_and_hold_k():
    rng = np.random.default_rng(26)
    for _ in range(200):
        values = rng.integers(0, int(rng.integers(1, 8)), size=int(rng.integers(0, 40)))
        labels = privacy.ordered_groups(values, 5)
        if labels is None:
            continue
        assert labels.max() >= 1 and np.bincount(labels).min() >= 5
        for value in np.unique(values):
            assert np.unique(labels[values == value]).size == 1  # ties together
        lows = [values[labels == g].min() for g in range(labels.max() + 1)]
        highs = [values[labels == g].max() for g in range(labels.max() + 1)]
        assert all(h < low for h, low in zip(highs, lows[1:], strict=False))  # ordered


def test_family_of_many_groups_matches_from_masks():
    """family_of packs memberships into bytes (any number of groups); for a family that fits
    from_masks' 63 bits it decides the same, and it takes 100 groups too."""
    rng = np.random.default_rng(7)
    for _ in range(30):
        masks = _random_family(rng)
        packed = privacy.family_of(masks, anchor="total")
        assert withhold(packed, 5) == withhold(Family.from_masks(masks, anchor="total"), 5)
    people = 300
    many = {"total": np.ones(people, dtype=bool)}
    many.update({i: rng.random(people) < 0.5 for i in range(100)})
    family = privacy.family_of(many, anchor="total")
    assert family.membership.shape[0] == 101 and family.sizes.sum() == people
