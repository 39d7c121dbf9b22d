"""Ranking as survey tables do: ties share the best rank and the next rank skips (1, 2, 2, 4)."""

from collections.abc import Sequence


def competition_ranks(values: Sequence[float], *, descending: bool = True) -> list[int]:
    """Standard competition ranks; R ``rank(-x, ties.method = "min")`` for descending order."""
    sign = -1 if descending else 1
    return [1 + sum(1 for other in values if sign * other < sign * value) for value in values]
