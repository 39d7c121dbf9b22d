"""Paired statistics of the primary outcome: who answered both waves, the full result of the
primary test and of each subscale, and the compact change summary of follow-ups and subgroups,
each with its effect intervals (and the primary with its BF10)."""

import numpy as np

from crossover import analysis, waves
from crossover.pilots.models import Arm, Pilot
from crossover.privacy.suppression import withheld
from crossover.reports.gather import PilotData

# Every effect with its interval (DESIGN "third edition"); withheld with the rest of a group.
INTERVAL_FIELDS = ["dz_ci_low", "dz_ci_high", "gz_ci_low", "gz_ci_high", "hodges_lehmann"]
# BF10's prior, named by its support: ttestBF's nullInterval c(0, Inf) / c(-Inf, 0) / none
BF10_PRIOR = {"increase": "positive", "decrease": "negative", "two-sided": "two-sided"}
OUTCOME_FIELDS = [
    "n",
    "pre_mean",
    "post_mean",
    "mean_change",
    "sd_change",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p_t",
    "wilcoxon_v",
    "p_wilcoxon",
    "dz",
    "gz",
    "rank_biserial",
    "shapiro_w",
    "p_shapiro",
    "p_primary",
    "ci_test_low",
    "ci_test_high",
    "ci_test_sided",
    "wilcoxon_method",
    "wilcoxon_nonzero",
    "wilcoxon_zeros",
    "sign_nonzero",
    "sign_positive",
    "p_sign",
    *INTERVAL_FIELDS,
    "bf10",
    "bf10_prior",
    "bf10_reading",
]
CHANGE_FIELDS = [
    "n",
    "mean_change",
    "sd_change",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
    "dz",
    "gz",
    "ci_test_low",
    "ci_test_high",
    "ci_test_sided",
    *INTERVAL_FIELDS,
]


def pairs(
    data: PilotData,
    outcome: str,
    *,
    first: str = waves.PRE,
    second: str = waves.POST,
    arm: Arm = Arm.PARTICIPANT,
):
    """Enrollment ids and the first/second scores of everyone in `arm` who answered both waves."""
    a, b = data.waves.get(first), data.waves.get(second)
    if a is None or b is None:
        return np.empty(0, dtype=np.int64), np.empty(0), np.empty(0)
    common, in_a, in_b = np.intersect1d(a.ids, b.ids, assume_unique=True, return_indices=True)
    keep = data.attribute("arm", common) == arm.value
    column = data.scales.index(outcome)
    return common[keep], a.scores[in_a[keep], column], b.scores[in_b[keep], column]


def intervals(change: np.ndarray, dz: float | None) -> dict:
    """The dz and gz intervals (noncentral t) and the Hodges–Lehmann estimate with its interval
    (wilcox.test(conf.int = TRUE)) of one group's changes."""
    effect = analysis.effect_intervals(dz, int(change.size))
    hl = analysis.hodges_lehmann(change)
    return {
        "dz_ci_low": effect.dz_low,
        "dz_ci_high": effect.dz_high,
        "gz_ci_low": effect.gz_low,
        "gz_ci_high": effect.gz_high,
        "hodges_lehmann": {
            "estimate": hl.estimate,
            "ci_low": hl.ci_low,
            "ci_high": hl.ci_high,
            "conf_level": hl.conf_level,
            "method": "exact" if hl.exact else "normal",
        },
    }


def bayes_factor(change: np.ndarray, direction: str) -> dict:
    """BF10 of the paired changes, its prior's side and its reading in words."""
    result = analysis.paired_bf10(change, direction=direction)
    return {
        "bf10": result.bf10,
        "bf10_prior": BF10_PRIOR[direction],
        "bf10_reading": result.reading,
    }


def outcome_result(
    pre: np.ndarray,
    post: np.ndarray,
    outcome: str,
    pilot: Pilot,
    k: int,
    items: int | None = None,
    *,
    with_bayes: bool = False,
) -> dict:
    """Every paired statistic of one outcome, or the withheld form below k pairs; BF10 with
    `with_bayes` (the primary outcome), else null.

    Changes are put on the scale's grid of 1/items first, so that equal changes are equal.
    """
    n = int(pre.size)
    if n < k:
        return withheld(OUTCOME_FIELDS, outcome=outcome, n=None, note=f"Fewer than {k} pairs.")
    direction = pilot.direction.value
    change = analysis.changes(pre, post, grid=items)
    t = analysis.one_sample_t(change, direction=direction, alpha=pilot.alpha)
    w = analysis.signed_rank(change, direction=direction)
    sign = analysis.sign_of_changes(change, direction=direction)
    effects = analysis.change_effects(change)
    shapiro = analysis.shapiro_wilk(change)
    p_primary = t.p if pilot.primary_test.value == "paired_t" else w.p
    return {
        "outcome": outcome,
        "n": n,
        "pre_mean": float(pre.mean()),
        "post_mean": float(post.mean()),
        "mean_change": t.mean_change,
        "sd_change": t.sd_change,
        "ci_low": t.ci_low,
        "ci_high": t.ci_high,
        "t": t.t,
        "df": t.df,
        "p_t": t.p,
        "wilcoxon_v": w.v,
        "p_wilcoxon": w.p,
        "dz": effects.dz,
        "gz": effects.gz,
        "rank_biserial": effects.rank_biserial,
        "shapiro_w": shapiro.w,
        "p_shapiro": shapiro.p,
        "p_primary": p_primary,
        "ci_test_low": t.ci_test_low,
        "ci_test_high": t.ci_test_high,
        "ci_test_sided": t.ci_test_sided,
        # How R's wilcox.test got its p: exact below 50 non-zero changes without ties.
        "wilcoxon_method": "exact" if w.exact else "normal",
        "wilcoxon_nonzero": w.n_nonzero,
        "wilcoxon_zeros": w.zeros,
        "sign_nonzero": sign.n,
        "sign_positive": sign.positive,
        "p_sign": sign.p,
        **intervals(change, effects.dz),
        **(
            bayes_factor(change, direction)
            if with_bayes
            else dict.fromkeys(["bf10", "bf10_prior", "bf10_reading"])
        ),
        "suppressed": False,
        "suppressed_reason": None,
        "note": t.note or w.note,
    }


def change_summary(
    pre: np.ndarray,
    post: np.ndarray,
    k: int,
    direction: str,
    items: int | None = None,
    alpha: float = 0.05,
    **keep,
) -> dict:
    """A compact paired summary (follow-ups, subgroups), with the test's interval at the pilot's
    alpha and the effect intervals."""
    if pre.size < k:
        return withheld(CHANGE_FIELDS, **keep)
    change = analysis.changes(pre, post, grid=items)
    t = analysis.one_sample_t(change, direction=direction, alpha=alpha)
    effects = analysis.change_effects(change, with_rank_biserial=False)
    return {
        **keep,
        "n": int(pre.size),
        "mean_change": t.mean_change,
        "sd_change": t.sd_change,
        "ci_low": t.ci_low,
        "ci_high": t.ci_high,
        "t": t.t,
        "df": t.df,
        "p": t.p,
        "dz": effects.dz,
        "gz": effects.gz,
        **ci_of_test(t),
        **intervals(change, effects.dz),
        "suppressed": False,
        "suppressed_reason": None,
    }


TEST_CI_FIELDS = ["ci_test_low", "ci_test_high", "ci_test_sided"]


def ci_of_test(result) -> dict:
    """The interval of a test at the pilot's alpha, on the preregistered side."""
    return {
        "ci_test_low": result.ci_test_low,
        "ci_test_high": result.ci_test_high,
        "ci_test_sided": result.ci_test_sided,
    }


def subscale_results(data: PilotData, k: int) -> list[dict]:
    """Every subscale's paired result, with its p adjusted across the subscales (Holm)."""
    results = [
        outcome_result(*pairs(data, s)[1:], s, data.pilot, k, data.items[s])
        for s in data.instrument.subscales
    ]
    adjusted = analysis.holm([r["p_primary"] for r in results])
    for result, p_holm in zip(results, adjusted, strict=True):
        result["p_holm"] = p_holm
    return results
