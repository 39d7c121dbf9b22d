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


def score(answers: Mapping[str, int], items: Iterable[ItemKey], scale_min: int, scale_max: int) -> dict[str, float]:
    """The total and each subscale score: the mean of its recoded items (every item required)."""
    groups: dict[str, list[int]] = {"total": []}
    for item in items:
        value = recode(answers[item.key], scale_min, scale_max, item.reverse)
        groups["total"].append(value)
        groups.setdefault(item.subscale, []).append(value)
    # Exact means, rounded once: equal scores compare equal downstream (Wilcoxon ties).
    return {name: float(Fraction(sum(values), len(values))) for name, values in groups.items()}
