"""Scoring: reverse keying and exact (sub)scale means."""

import pytest

from crossover.surveys.scoring import ItemKey, means, recode, scale_sums, score

ITEMS = [ItemKey("a1", "a", False), ItemKey("a2", "a", True), ItemKey("b1", "b", False)]


def test_reverse_keyed_items_are_recoded():
    assert recode(1, 1, 5, True) == 5 and recode(4, 1, 5, True) == 2 and recode(4, 1, 5, False) == 4
    assert recode(0, 0, 6, True) == 6


def test_scores_are_means_of_recoded_items():
    result = score({"a1": 4, "a2": 2, "b1": 5}, ITEMS, 1, 5)
    assert result == {"total": pytest.approx((4 + 4 + 5) / 3), "a": 4.0, "b": 5.0}


def test_equal_rational_scores_are_equal_floats():
    # 1/3 reached by different sums must be the very same float (ties in Wilcoxon depend on it).
    one = score({"a1": 1, "a2": 5, "b1": 2}, ITEMS, 1, 5)["total"]  # (1 + 1 + 2) / 3
    two = score({"a1": 2, "a2": 4, "b1": 0}, ITEMS, 0, 5)[
        "total"
    ]  # (2 + 1 + 0) / 3 + ... distinct path
    assert one == float(4 / 3) and two == 1.0


def test_every_item_is_required():
    with pytest.raises(KeyError):
        score({"a1": 4}, ITEMS, 1, 5)


def test_scores_are_the_means_of_the_scale_sums():
    # The submit path reads the sums once and derives the scores from them (and packs the sums).
    answers = {"a1": 4, "a2": 2, "b1": 5}
    sums = scale_sums(answers, ITEMS, 1, 5)
    assert sums == {"total": (13, 3), "a": (8, 2), "b": (5, 1)}
    assert means(sums) == score(answers, ITEMS, 1, 5)
