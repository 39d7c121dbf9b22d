"""The comparison arm: Welch on the two arms' changes, a randomised pilot's ANCOVA, and how the
arms were allocated, with each stratum's balance."""

import numpy as np

from crossover import analysis
from crossover.pilots import allocation
from crossover.pilots.models import Allocation, Arm, Pilot, PilotStatus
from crossover.privacy.suppression import TOTAL, Family, withheld, withhold
from crossover.reports.gather import PilotData
from crossover.reports.paired import TEST_CI_FIELDS, ci_of_test, pairs

WELCH_FIELDS = ["t", "df", "p", "difference", "ci_low", "ci_high", "hedges_g"]
G_INTERVAL_FIELDS = ["hedges_g_ci_low", "hedges_g_ci_high"]


def welch_dict(result: analysis.WelchTest) -> dict:
    """The figures of a Welch test, in WELCH_FIELDS' order."""
    return {
        "t": result.t,
        "df": result.df,
        "p": result.p,
        "difference": result.difference,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "hedges_g": result.hedges_g,
    }


def compare_arms(data: PilotData, k: int) -> dict | None:
    """Welch on the two arms' changes, when the pilot has a comparison arm."""
    if not data.pilot.has_comparison:
        return None
    outcome = data.pilot.outcome
    _, a_pre, a_post = pairs(data, outcome)
    _, c_pre, c_post = pairs(data, outcome, arm=Arm.COMPARISON)
    fields = [
        "n_participant",
        "n_comparison",
        "mean_change_participant",
        "mean_change_comparison",
        *WELCH_FIELDS,
        *TEST_CI_FIELDS,
        *G_INTERVAL_FIELDS,
    ]
    if a_pre.size < k or c_pre.size < k:
        return withheld(fields, label=comparison_label(data.pilot))
    items = data.items[outcome]
    test = analysis.welch(
        analysis.changes(a_pre, a_post, grid=items),
        analysis.changes(c_pre, c_post, grid=items),
        direction=data.pilot.direction.value,
        alpha=data.pilot.alpha,
    )
    return {
        "n_participant": int(a_pre.size),
        "n_comparison": int(c_pre.size),
        "mean_change_participant": test.mean_x,
        "mean_change_comparison": test.mean_y,
        **welch_dict(test),
        **ci_of_test(test),
        "hedges_g_ci_low": test.hedges_g_ci_low,
        "hedges_g_ci_high": test.hedges_g_ci_high,
        "label": comparison_label(data.pilot),
        "suppressed": False,
        "suppressed_reason": None,
    }


NON_RANDOMISED = "non-randomised comparison"
ANCOVA_FIELDS = [
    "n_participant",
    "n_comparison",
    "coefficient",
    "se",
    "t",
    "df",
    "p",
    "ci_low",
    "ci_high",
    "standardized",
    *TEST_CI_FIELDS,
    "standardized_ci_low",
    "standardized_ci_high",
    "pre_coefficient",
    "r_squared",
    "slopes_p",
    "slopes_note",
]


def comparison_label(pilot: Pilot) -> str | None:
    """Every result of an owner-assigned comparison arm carries this label."""
    return NON_RANDOMISED if pilot.allocation_method is Allocation.ASSIGNED else None


def randomised_ancova(data: PilotData, k: int) -> dict | None:
    """A randomised pilot's primary analysis: lm(post ~ pre + arm), arm 1 = participant."""
    if not data.pilot.randomised:
        return None
    _, a_pre, a_post = pairs(data, data.pilot.outcome)
    _, c_pre, c_post = pairs(data, data.pilot.outcome, arm=Arm.COMPARISON)
    if a_pre.size < k or c_pre.size < k:
        return withheld(ANCOVA_FIELDS)
    arm = np.concatenate([np.ones(a_pre.size), np.zeros(c_pre.size)])
    fit = analysis.ancova(
        np.concatenate([a_pre, c_pre]),
        np.concatenate([a_post, c_post]),
        arm,
        direction=data.pilot.direction.value,
        alpha=data.pilot.alpha,
    )
    return {
        "n_participant": fit.n_participant,
        "n_comparison": fit.n_comparison,
        "coefficient": fit.coefficient,
        "se": fit.se,
        "t": fit.t,
        "df": fit.df,
        "p": fit.p,
        "ci_low": fit.ci_low,
        "ci_high": fit.ci_high,
        "standardized": fit.standardized,
        **ci_of_test(fit),
        "standardized_ci_low": fit.standardized_ci_low,
        "standardized_ci_high": fit.standardized_ci_high,
        "pre_coefficient": fit.pre_coefficient,
        "r_squared": fit.r_squared,
        "slopes_p": fit.slopes_p,
        "slopes_note": fit.slopes_note,
        "note": fit.note,
        "suppressed": False,
        "suppressed_reason": None,
    }


def allocation_summary(data: PilotData, k: int) -> dict | None:
    """How arms were given and, when drawn, the balance of arms in each stratum (small strata
    withheld as the privacy rules say: the strata partition the enrolled)."""
    pilot = data.pilot
    method = pilot.allocation_method
    if method is None:
        return None
    section = {
        "method": method.value,
        "label": comparison_label(pilot),
        "strata": pilot.stratum_fields if pilot.randomised else None,
        "seed": pilot.allocation_seed if pilot.status is PilotStatus.CLOSED else None,
    }
    people = [
        {"age_band": band, "career_phase": phase, "arm": arm}
        for band, phase, arm in zip(data.age_band, data.career_phase, data.arm, strict=True)
    ]
    counts = allocation.balance(pilot, people) if pilot.randomised else {}
    reasons = (
        withhold(
            Family.from_partition({s: sum(c.values()) for s, c in counts.items()}, total=TOTAL), k
        )
        if counts
        else {}
    )
    section["balance"] = [
        withheld(["n", "participant", "comparison"], reasons[stratum], stratum=stratum)
        if stratum in reasons
        else {
            "stratum": stratum,
            "n": sum(c.values()),
            "participant": c["participant"],
            "comparison": c["comparison"],
            "suppressed": False,
            "suppressed_reason": None,
        }
        for stratum, c in sorted(counts.items())
    ]
    return section
