"""The verdict on a pilot's primary outcome, from its preregistration (DESIGN.md)."""

from dataclasses import dataclass
import enum
import math


class Verdict(enum.Enum):
    INSUFFICIENT_DATA = "insufficient_data"
    SMALL_SUCCESS = "small_success"
    PROMISING = "promising"
    ADVERSE = "adverse"
    NO_EVIDENCE = "no_evidence"


class Rule(enum.Enum):
    """The branch of the verdict that was taken (the report words each one)."""

    TOO_FEW_PAIRS = "too_few_pairs"  # n < k
    NO_EFFECT_SIZE = "no_effect_size"  # no standardized effect could be computed
    # p < alpha in the hoped way, effect ≥ the smallest of interest
    SIGNIFICANT_AND_LARGE = "significant_and_large"
    SIGNIFICANT_BUT_SMALL = "significant_but_small"  # p < alpha, hoped way, effect below it
    SIGNIFICANT_WRONG_WAY = "significant_wrong_way"  # p < alpha against the hope
    # p >= alpha, hoped way, effect ≥ the smallest of interest
    LARGE_NOT_SIGNIFICANT = "large_not_significant"
    NEITHER = "neither"  # p >= alpha and the effect below it (or the wrong way)


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    rule: Rule
    significant: bool
    # the effect signed so that > 0 is the hoped way (±inf when every change is the same)
    hoped_effect: float | None


def judge(
    *,
    n: int,
    k: int,
    p: float | None,
    effect: float | None,
    alpha: float,
    min_effect: float,
    direction: str,
    constant_change: float | None = None,
) -> Judgement:
    """Judge a result against its preregistration, naming the branch taken.

    ``effect`` is the standardized effect (dz, Hedges' g of the difference between arms, or the
    standardized ANCOVA coefficient); ``p`` is the primary test's p-value for the preregistered
    direction. The hoped-for direction is an increase unless the preregistration says
    "decrease"; "two-sided" changes the test, not the hope, so a significant fall under a
    two-sided test is adverse. When every change is the same (``constant_change``, with no
    spread the effect is undefined) the effect condition counts as met in that change's direction.
    """
    significant = p is not None and p < alpha
    if n < k:
        return Judgement(Verdict.INSUFFICIENT_DATA, Rule.TOO_FEW_PAIRS, False, None)
    if effect is None and constant_change:
        effect = math.copysign(math.inf, constant_change)
    if effect is None:
        return Judgement(Verdict.NO_EVIDENCE, Rule.NO_EFFECT_SIZE, significant, None)
    hoped = -effect if direction == "decrease" else effect
    if significant and hoped > 0:
        if hoped >= min_effect:
            return Judgement(Verdict.SMALL_SUCCESS, Rule.SIGNIFICANT_AND_LARGE, True, hoped)
        return Judgement(Verdict.NO_EVIDENCE, Rule.SIGNIFICANT_BUT_SMALL, True, hoped)
    if significant and hoped < 0:
        return Judgement(Verdict.ADVERSE, Rule.SIGNIFICANT_WRONG_WAY, True, hoped)
    if hoped >= min_effect:
        return Judgement(Verdict.PROMISING, Rule.LARGE_NOT_SIGNIFICANT, significant, hoped)
    return Judgement(Verdict.NO_EVIDENCE, Rule.NEITHER, significant, hoped)


def verdict(**kwargs) -> Verdict:
    """The verdict alone (see ``judge`` for the arguments)."""
    return judge(**kwargs).verdict
