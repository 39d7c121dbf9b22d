"""The verdict on a pilot's primary outcome, from its preregistration (DESIGN.md)."""
import enum


class Verdict(enum.Enum):
    INSUFFICIENT_DATA = "insufficient_data"
    SMALL_SUCCESS = "small_success"
    PROMISING = "promising"
    ADVERSE = "adverse"
    NO_EVIDENCE = "no_evidence"


def verdict(*, n: int, k: int, p: float | None, effect: float | None, alpha: float, min_effect: float,
            direction: str) -> Verdict:
    """Judge a result against its preregistration.

    ``effect`` is the standardized effect (dz, or Hedges' g of the difference between arms);
    ``p`` is the primary test's p-value for the preregistered direction. The hoped-for direction
    is an increase unless the preregistration says "decrease"; "two-sided" changes the test,
    not the hope, so a significant fall under a two-sided test is adverse.
    """
    if n < k:
        return Verdict.INSUFFICIENT_DATA
    if effect is None:
        return Verdict.NO_EVIDENCE
    hoped = -effect if direction == "decrease" else effect
    significant = p is not None and p < alpha
    if significant and hoped > 0:
        return Verdict.SMALL_SUCCESS if hoped >= min_effect else Verdict.NO_EVIDENCE
    if significant and hoped < 0:
        return Verdict.ADVERSE
    if hoped >= min_effect:
        return Verdict.PROMISING
    return Verdict.NO_EVIDENCE
