"""Scoring a complete response: reverse keying and (sub)scale means. Pure; no Flask or database."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class ItemKey:
    key: str
    subscale: str
    reverse: bool


def recode(value: int, scale_min: int, scale_max: int, reverse: bool) -> int:
    """Reverse-keyed answers count as (min + max) − x."""
    return scale_min + scale_max - value if reverse else value


def scale_sums(
    answers: Mapping[str, int], items: Iterable[ItemKey], scale_min: int, scale_max: int
) -> dict[str, tuple[int, int]]:
    """The total and each subscale as (sum of recoded items, item count); every item required."""
    sums: dict[str, list[int]] = {"total": [0, 0]}
    for item in items:
        value = recode(answers[item.key], scale_min, scale_max, item.reverse)
        for name in ("total", item.subscale):
            entry = sums.setdefault(name, [0, 0])
            entry[0] += value
            entry[1] += 1
    return {name: (total, count) for name, (total, count) in sums.items()}


def means(sums: Mapping[str, tuple[int, int]]) -> dict[str, float]:
    """Each scale's score from its (sum, count): the mean of its recoded items."""
    # Exact means, rounded once: equal scores compare equal downstream (Wilcoxon ties).
    return {name: float(Fraction(total, count)) for name, (total, count) in sums.items()}


def score(
    answers: Mapping[str, int], items: Iterable[ItemKey], scale_min: int, scale_max: int
) -> dict[str, float]:
    """The total and each subscale score: the mean of its recoded items."""
    return means(scale_sums(answers, items, scale_min, scale_max))
