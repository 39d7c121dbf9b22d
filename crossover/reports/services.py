"""The pilot report: stored scores → analysis → suppression, in the shape DESIGN.md gives."""

from collections import Counter

import numpy as np

from crossover import analysis, waves
from crossover.auth.models import Role, User
from crossover.catalogue.services import options
from crossover.config import privacy_k
from crossover.pilots import allocation
from crossover.pilots.access import get_pilot
from crossover.pilots.cells import cell_of
from crossover.pilots.models import Allocation, Arm, Pilot, PilotStatus
from crossover.reports import head_counts
from crossover.reports.gather import PilotData, gather
from crossover.reports.head_counts import CORRELATION_FIELDS, DOSE_VARIABLES
from crossover.reports.privacy import (
    SMALL,
    VALUES_UNDER_K,
    Family,
    ordered_groups,
    withheld,
    withhold,
)
from crossover.reports.verdicts import verdict_block
from crossover.web.errors import Conflict, Forbidden

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
UNCONTROLLED_WARNING = (
    "Uncontrolled pre/post: without a comparison arm, a change may come from time, other events or "
    "regression to the mean (people who start low tend to score higher the second time), not from "
    "the experience."
)


NOT_CLOSED = (
    "This pilot's figures are shown to reviewers once the pilot is closed: while it runs, two "
    "reads would differ by the newest person's answers."
)


def report_for(pilot_id: int, actor: User) -> dict:
    """The report of a pilot the actor may read (owners: their own; reviewers and admins: closed
    ones)."""
    if actor.role not in (Role.OWNER, Role.REVIEWER, Role.ADMIN):
        raise Forbidden("Your role may not read reports.")
    pilot = get_pilot(pilot_id, actor)
    if not may_read_figures(pilot, actor):
        # 409, not 403: the role may read this report, the pilot's state does not allow it yet.
        raise Conflict(NOT_CLOSED, {"status": [f"The pilot is {pilot.status.value}, not closed."]})
    return build_report(pilot, reviewer_counts=not sees_own_counts(pilot, actor))


def sees_own_counts(pilot: Pilot, actor: User) -> bool:
    """Owners read their own pilot's head counts as they are (get_pilot lets them reach no
    other); everyone else reads them through the head-count search."""
    return actor.role is Role.OWNER and actor.organization_id == pilot.organization_id


def may_read_figures(pilot: Pilot, actor: User) -> bool:
    """Owners follow their own pilots as they run (get_pilot lets them reach no other); reviewers
    and admins, who see aggregates only, read figures of closed pilots only (issue 15 V1)."""
    return actor.role is Role.OWNER or pilot.status is PilotStatus.CLOSED


# --- pairs ------------------------------------------------------------------------------------


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
        **_test_ci(t),
        **intervals(change, effects.dz),
        "suppressed": False,
        "suppressed_reason": None,
    }


# --- sections ------------------------------------------------------------------------------------


def _subscales(data: PilotData, k: int) -> list[dict]:
    results = [
        outcome_result(*pairs(data, s)[1:], s, data.pilot, k, data.items[s])
        for s in data.instrument.subscales
    ]
    adjusted = analysis.holm([r["p_primary"] for r in results])
    for result, p_holm in zip(results, adjusted, strict=True):
        result["p_holm"] = p_holm
    return results


def _followups(data: PilotData, k: int) -> list[dict]:
    out = []
    for days in sorted(data.pilot.followup_days):
        wave = waves.followup_wave(days)
        _, pre, later = pairs(data, data.pilot.outcome, second=wave)
        out.append(
            change_summary(
                pre,
                later,
                k,
                data.pilot.direction.value,
                data.items[data.pilot.outcome],
                data.pilot.alpha,
                wave=wave,
                days=days,
            )
        )
    return out


SUBGROUP_DIMENSIONS = ("career_phase", "age_band")
TOTAL = "total"


def _cells(data: PilotData, ids: np.ndarray, breakdowns: dict) -> dict:
    """The pairs' total and every career-phase and age-band cell, as masks over the pairs."""
    masks = {TOTAL: np.ones(ids.size, dtype=bool)}
    for dimension, dimension_options in breakdowns.items():
        values = data.attribute(dimension, ids)
        masks.update(
            {(dimension, option.key): values == option.key for option in dimension_options}
        )
    return masks


def _family_priority(key) -> int:
    """The score family: the dose's groups go before the subgroup cells when one must go."""
    return 0 if key[0] == DOSE else 1


def _score_reasons(data: PilotData, k: int, cells: dict, dose_labels: dict) -> dict:
    """What the paired changes' family withholds: the total, every career-phase and age-band cell
    and each ordered group of the dose (an owner-set variable relates to the changes only through
    them), searched as one family (an age band may equal a phase group minus one person, a dose
    group a phase group with one person swapped)."""
    masks = dict(cells)
    for variable, labels in dose_labels.items():
        if labels is not None:
            masks.update({(DOSE, variable, g): labels == g for g in range(int(labels.max()) + 1)})
    family = Family.from_masks(masks, anchor=TOTAL)
    family.priority = _family_priority
    return withhold(family, k)


def _subgroups(
    data: PilotData,
    k: int,
    pre: np.ndarray,
    post: np.ndarray,
    breakdowns: dict,
    cells: dict,
    reasons: dict,
) -> dict:
    """Change by career phase and by age band, as the score family's search allows.

    The total is never withheld for another group's sake: a combination only it takes part in is
    the total itself, then small.
    """
    result = {}
    for dimension, dimension_options in breakdowns.items():
        groups = []
        for option in dimension_options:
            label = {"key": option.key, "label_ja": option.label_ja, "label_en": option.label_en}
            reason, mask = reasons.get((dimension, option.key)), cells[(dimension, option.key)]
            groups.append(
                withheld(CHANGE_FIELDS, reason, **label)
                if reason
                else change_summary(
                    pre[mask],
                    post[mask],
                    k,
                    data.pilot.direction.value,
                    data.items[data.pilot.outcome],
                    data.pilot.alpha,
                    **label,
                )
            )
        result[dimension] = groups
    return result


def _reliability(data: PilotData, k: int) -> list[dict]:
    """Cronbach's alpha of the instrument in each scale wave (every respondent, both arms)."""
    out = []
    for wave in waves.scale_waves(data.pilot.followup_days):
        scores = data.waves.get(wave)
        n = 0 if scores is None else int(scores.ids.size)
        if n < k:
            out.append(withheld(["n", "alpha"], wave=wave))
        else:
            out.append(
                {
                    "wave": wave,
                    "n": n,
                    "alpha": analysis.cronbach_alpha(scores.items),
                    "suppressed": False,
                    "suppressed_reason": None,
                }
            )
    return out


WELCH_FIELDS = ["t", "df", "p", "difference", "ci_low", "ci_high", "hedges_g"]
G_INTERVAL_FIELDS = ["hedges_g_ci_low", "hedges_g_ci_high"]
TEST_CI_FIELDS = ["ci_test_low", "ci_test_high", "ci_test_sided"]


def _welch_dict(result: analysis.WelchTest) -> dict:
    return {
        "t": result.t,
        "df": result.df,
        "p": result.p,
        "difference": result.difference,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "hedges_g": result.hedges_g,
    }


def _test_ci(result) -> dict:
    return {
        "ci_test_low": result.ci_test_low,
        "ci_test_high": result.ci_test_high,
        "ci_test_sided": result.ci_test_sided,
    }


def _attrition(data: PilotData, k: int) -> dict:
    """Who did not answer after, and whether they started differently (Welch on pre scores)."""
    participants = data.ids[data.arm == Arm.PARTICIPANT.value]
    post_ids = (
        data.waves[waves.POST].ids if waves.POST in data.waves else np.empty(0, dtype=np.int64)
    )
    without_post = int(np.sum(~np.isin(participants, post_ids)))
    section = {
        "enrolled": int(participants.size),
        "with_post": int(participants.size) - without_post,
        "without_post": without_post,
        "rate": without_post / participants.size if participants.size else None,
        "suppressed_counts": {},
    }
    completers = dropped = np.empty(0)
    if waves.PRE in data.waves:
        pre = data.waves[waves.PRE]
        mine = np.isin(pre.ids, participants)
        stayed = np.isin(pre.ids, post_ids)
        column = pre.scores[:, data.scales.index(data.pilot.outcome)]
        completers, dropped = column[mine & stayed], column[mine & ~stayed]
    if completers.size < k or dropped.size < k:
        return withheld(
            ["completers_pre_mean", "non_completers_pre_mean"],
            **section,
            welch=withheld(WELCH_FIELDS),
        )
    test = analysis.welch(completers, dropped)
    return {
        **section,
        "completers_pre_mean": test.mean_x,
        "non_completers_pre_mean": test.mean_y,
        "welch": {**_welch_dict(test), "suppressed": False, "suppressed_reason": None},
        "suppressed": False,
        "suppressed_reason": None,
    }


def _comparison(data: PilotData, k: int) -> dict | None:
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
        return withheld(fields, label=_comparison_label(data.pilot))
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
        **_welch_dict(test),
        **_test_ci(test),
        "hedges_g_ci_low": test.hedges_g_ci_low,
        "hedges_g_ci_high": test.hedges_g_ci_high,
        "label": _comparison_label(data.pilot),
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


def _comparison_label(pilot: Pilot) -> str | None:
    """Every result of an owner-assigned comparison arm carries this label."""
    return NON_RANDOMISED if pilot.allocation_method is Allocation.ASSIGNED else None


def _ancova(data: PilotData, k: int) -> dict | None:
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
        **_test_ci(fit),
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


def _allocation(data: PilotData, k: int) -> dict | None:
    """How arms were given and, when drawn, the balance of arms in each stratum (small strata
    withheld as the privacy rules say: the strata partition the enrolled)."""
    pilot = data.pilot
    method = pilot.allocation_method
    if method is None:
        return None
    section = {
        "method": method.value,
        "label": _comparison_label(pilot),
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


DOSE = "dose"


def _dose_values(data: PilotData, ids: np.ndarray) -> dict[str, np.ndarray]:
    """Sessions and minutes logged for each of `ids` (none without a match)."""
    sessions = np.zeros(ids.size, dtype=np.int64)
    minutes = np.zeros(ids.size, dtype=np.int64)
    if data.sessions and ids.size:
        matched = np.fromiter(data.sessions, dtype=np.int64, count=len(data.sessions))
        logged = np.array(list(data.sessions.values()), dtype=np.int64).reshape(-1, 2)
        order = np.argsort(matched)
        matched, logged = matched[order], logged[order]
        at = np.minimum(np.searchsorted(matched, ids), matched.size - 1)
        found = matched[at] == ids
        sessions[found], minutes[found] = logged[at[found], 0], logged[at[found], 1]
    return {"sessions": sessions, "minutes": minutes}


DOSE_GROUPS = 5  # at most: each group then holds a fifth of the pairs or more (and K or more)


def _dose_labels(values: dict[str, np.ndarray], k: int) -> dict[str, np.ndarray | None]:
    """Each dose variable's ordered groups (ties together) of at least k pairs and at most
    DOSE_GROUPS of them (a big pilot's minutes would otherwise give a group per value), or
    None."""
    return {
        variable: ordered_groups(v, max(k, -(-v.size // DOSE_GROUPS)))
        for variable, v in values.items()
    }


def _dose(
    data: PilotData,
    k: int,
    pre: np.ndarray,
    post: np.ndarray,
    values: dict[str, np.ndarray],
    labels: dict,
    reasons: dict,
) -> dict:
    """Spearman's rho of change against each dose variable, coarsened into its ordered groups.

    Who is matched and how many sessions or minutes each person gets is the owner's choice: with
    raw values, one mentored person among six pairs fixes that person's rank of change. So rho is
    computed over the groups (each of at least K pairs, and in the score family's search), and a
    variable whose values do not form two such groups publishes nothing, saying why.
    """
    if pre.size < k:
        return {
            **withheld(["n", "total_sessions", "total_minutes"]),
            **{variable: withheld(CORRELATION_FIELDS) for variable in DOSE_VARIABLES},
        }
    change = analysis.changes(pre, post, grid=data.items[data.pilot.outcome])
    section: dict = {"n": int(pre.size)}
    for variable in DOSE_VARIABLES:
        label, value = labels[variable], values[variable]
        count = 0 if label is None else int(label.max()) + 1
        reason = VALUES_UNDER_K if label is None else None
        reason = reason or next(
            (reasons[(DOSE, variable, g)] for g in range(count) if (DOSE, variable, g) in reasons),
            None,
        )
        if reason:
            section[variable] = withheld(CORRELATION_FIELDS, reason)
            section[f"total_{variable}"] = None
            continue
        result = analysis.spearman(change, label)
        section[variable] = {
            "rho": result.rho,
            "p": result.p,
            "note": result.note,
            "groups": [
                {
                    "low": int(value[label == g].min()),
                    "high": int(value[label == g].max()),
                    "n": int(np.sum(label == g)),
                }
                for g in range(count)
            ],
            "suppressed": False,
            "suppressed_reason": None,
        }
        section[f"total_{variable}"] = int(value.sum())
    shown = [v for v in DOSE_VARIABLES if not section[v]["suppressed"]]
    section["suppressed"] = not shown
    section["suppressed_reason"] = None if shown else section["sessions"]["suppressed_reason"]
    return section


def _concern_table(counts: Counter, n: int, concern_options, k: int) -> dict:
    """Selection rate and competition rank of each concern among n respondents."""
    if n < k:
        return withheld(["n", "items"])
    keyed = [(o, counts.get(o.key, 0)) for o in concern_options]
    ranks = analysis.competition_ranks(
        [count for _, count in keyed]
    )  # same n: counts rank as rates
    items = [
        {
            "key": o.key,
            "label_ja": o.label_ja,
            "label_en": o.label_en,
            "count": count,
            "rate": count / n,
            "rank": rank,
        }
        for (o, count), rank in zip(keyed, ranks, strict=True)
    ]
    return {
        "n": n,
        "items": sorted(items, key=lambda item: (item["rank"], item["key"])),
        "suppressed": False,
        "suppressed_reason": None,
    }


def _concerns(data: PilotData, k: int) -> dict:
    """Concern tables overall and per career phase: one family (the phases split the overall)."""
    concern_options = options("concern")
    overall = Counter()
    for (_, concern), count in data.concern_counts.items():
        overall[concern] += count
    parts = {phase: n for phase, n in data.intake_respondents.items() if n > 0}
    reasons = withhold(Family.from_partition(parts, total=TOTAL), k) if parts else {}
    phases = []
    for phase in options("career_phase"):
        label = {"key": phase.key, "label_ja": phase.label_ja, "label_en": phase.label_en}
        n = data.intake_respondents.get(phase.key, 0)
        reason = reasons.get(phase.key, SMALL if n < k else None)
        if reason:
            phases.append(withheld(["n", "items"], reason, **label))
            continue
        counts = Counter(
            {concern: c for (p, concern), c in data.concern_counts.items() if p == phase.key}
        )
        phases.append({**label, **_concern_table(counts, n, concern_options, k)})
    total = sum(data.intake_respondents.values())
    return {
        "overall": _concern_table(overall, total, concern_options, k),
        "by_career_phase": phases,
    }


def _verdict(
    data: PilotData, primary: dict, comparison: dict | None, ancova: dict | None, k: int
) -> dict:
    pilot = data.pilot
    common = dict(k=k, alpha=pilot.alpha, min_effect=pilot.min_dz, direction=pilot.direction.value)
    if ancova is not None:  # a randomised pilot's verdict rests on the ANCOVA
        n = min(ancova["n_participant"] or 0, ancova["n_comparison"] or 0)
        return verdict_block(
            n=n,
            basis="ancova",
            test="ancova",
            p=ancova["p"],
            effect=ancova["standardized"],
            effect_name="ancova_d",
            **common,
        )
    if comparison is not None:
        n = min(comparison["n_participant"] or 0, comparison["n_comparison"] or 0)
        # both arms without spread: the difference itself decides the effect condition
        constant = comparison["difference"] if n and comparison["hedges_g"] is None else None
        return verdict_block(
            n=n,
            basis="comparison",
            test="welch",
            p=comparison["p"],
            effect=comparison["hedges_g"],
            effect_name="hedges_g",
            constant_change=constant,
            **common,
        )
    n = primary["n"] or 0
    constant = primary["mean_change"] if n and primary["sd_change"] == 0 else None
    return verdict_block(
        n=n,
        basis="paired",
        test=pilot.primary_test.value,
        p=primary["p_primary"],
        effect=primary["dz"],
        effect_name="dz",
        constant_change=constant,
        **common,
    )


def build_report(
    pilot: Pilot, data: PilotData | None = None, *, reviewer_counts: bool = False
) -> dict:
    """The full report of one pilot (from `data` when the caller has gathered it already).

    `reviewer_counts`: for anyone but the pilot's owners, every head count joins one more
    suppression search (see head_counts), so no count under K is shown or can be differenced out.
    """
    k = privacy_k()
    data = data or gather(pilot)
    ids, pre, post = pairs(data, pilot.outcome)
    participants = data.ids[data.arm == Arm.PARTICIPANT.value]

    def answered(wave):
        return int(np.isin(participants, data.waves[wave].ids).sum()) if wave in data.waves else 0

    breakdowns = {dimension: options(dimension) for dimension in SUBGROUP_DIMENSIONS}
    cells = _cells(data, ids, breakdowns)
    dose_values = _dose_values(data, ids)
    dose_labels = _dose_labels(dose_values, k) if ids.size >= k else dict.fromkeys(DOSE_VARIABLES)
    reasons = _score_reasons(data, k, cells, dose_labels)
    primary = outcome_result(
        pre, post, pilot.outcome, pilot, k, data.items[pilot.outcome], with_bayes=True
    )
    comparison = _comparison(data, k)
    ancova = _ancova(data, k)
    report = {
        "pilot": _pilot_header(pilot, k),
        "counts": {
            "enrolled": int(participants.size),
            "pre": answered(waves.PRE),
            "post": answered(waves.POST),
            "pairs": int(pre.size),
            "suppressed": False,
            "suppressed_counts": {},
        },
        "primary": primary,
        "subscales": _subscales(data, k),
        "followups": _followups(data, k),
        "subgroups": _subgroups(data, k, pre, post, breakdowns, cells, reasons),
        "reliability": _reliability(data, k),
        "attrition": _attrition(data, k),
        "comparison": comparison,
        "ancova": ancova,
        "allocation": _allocation(data, k),
        "dose": _dose(data, k, pre, post, dose_values, dose_labels, reasons),
        "concerns": _concerns(data, k),
        "verdict": _verdict(data, primary, comparison, ancova, k),
    }
    if reviewer_counts:
        head_counts.protect(report, data, k, ids, dose_labels)
    return report


def _pilot_header(pilot: Pilot, k: int) -> dict:
    controlled = pilot.has_comparison
    venue, level = cell_of(pilot)
    return {
        "id": pilot.id,
        "title": pilot.title,
        "status": pilot.status.value,
        "format": pilot.format.value,
        "organization": pilot.organization.slug,
        "initiative_id": pilot.initiative_id,
        "venue": venue.key,
        "level": level.key,
        "design": "controlled" if controlled else "uncontrolled pre/post",
        "allocation": pilot.allocation_method.value if pilot.allocation_method else None,
        "comparison_label": _comparison_label(pilot),
        "warning": None if controlled else UNCONTROLLED_WARNING,
        "preregistration": {
            "outcome": pilot.outcome,
            "direction": pilot.direction.value,
            "alpha": pilot.alpha,
            "test": pilot.primary_test.value,
            "min_dz": pilot.min_dz,
            "planned_n": pilot.planned_n,
        },
        "privacy_k": k,
    }
