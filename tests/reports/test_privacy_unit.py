"""The suppression core on its own: random families of groups, checked by the brute-force
attacker."""

import numpy as np
import pytest

from crossover.reports.privacy import COMPLEMENTARY, SMALL, Family, suppress_breakdown, withhold
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
