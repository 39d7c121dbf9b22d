"""Head counts as reviewers read them: none under K, and none that differencing recovers.

A report states how many people are in many groups: the participants enrolled, those who
answered before and after, the pairs, each follow-up's pairs, each wave's respondents of both
arms (reliability), the visible career-phase and age-band cells, the comparison arm's pairs, the
non-completers of the attrition test, the intake respondents overall and per career phase, each
ordered dose group, and each stratum's participants and comparison members. A count is the sum of
a 0/1 variable over a group, so these groups form one family (crossover.privacy.suppression) over
everyone enrolled: every group under K is withheld, then groups are withheld until no sum or
difference of the visible counts is about 1..K−1 people. "enrolled 10, post 9" would otherwise
say that one person did not answer after.

The pairs (both arms' when there is a comparison arm) are what every statistic and the evidence
board rest on: they are withheld only when small. Should the search want one of them for
another group's sake, everything but the pairs, the comparison arm's pairs and the groups the
score family already judged safe (subgroup cells and dose groups, all made of pairs) is withheld
instead — a family that the score family's search has shown to be safe.

Owners read their own pilot's counts as they are; this applies to everyone else.
"""

import numpy as np

from crossover import waves
from crossover.pilots import allocation
from crossover.pilots.models import Arm
from crossover.privacy.suppression import COMPLEMENTARY, SMALL, family_of, withheld, withhold
from crossover.reports.gather import PilotData

DOSE_VARIABLES = ("sessions", "minutes")  # logged per match by the owner, per person
CORRELATION_FIELDS = ["rho", "p", "note", "groups"]
PAIRS = ("counts", "pairs")
COMPARISON_PAIRS = ("comparison", "pairs")
COUNT_FIELDS = ("enrolled", "pre", "post", "pairs")
KEPT = (PAIRS, COMPARISON_PAIRS)
# When a group must go to protect another, the lowest first: the strata and each wave's
# respondents of both arms, then the owner-set dose groups, follow-ups and per-phase intake counts,
# then the attrition test and the subgroup cells, the response counts and main figures last.
ORDER = {
    "stratum": 0,
    "reliability": 0,
    "dose": 1,
    "followup": 1,
    "concerns": 1,
    "attrition": 2,
    "career_phase": 2,
    "age_band": 2,
    "counts": 3,
    "concerns_total": 4,
    "comparison": 5,
}


def _priority(key) -> int:
    if key[0] == "concerns" and key[1] == "total":
        return ORDER["concerns_total"]
    return ORDER.get(key[0], 2)


def _shown(entry: dict | None) -> bool:
    return entry is not None and not entry.get("suppressed")


def groups(report: dict, data: PilotData, pair_ids: np.ndarray, dose_labels: dict) -> dict:
    """Every group whose head count the report shows, as a mask over everyone enrolled."""
    everyone = data.ids
    none = np.zeros(everyone.size, dtype=bool)
    answered = {
        wave: np.isin(everyone, scores.ids, assume_unique=True)
        for wave, scores in data.waves.items()
    }
    participant = data.arm == Arm.PARTICIPANT.value
    pre, post = answered.get(waves.PRE, none), answered.get(waves.POST, none)
    paired = participant & pre & post
    masks = {
        ("counts", "enrolled"): participant,
        ("counts", "pre"): participant & pre,
        ("counts", "post"): participant & post,
        PAIRS: paired,
    }
    for followup in report["followups"]:
        if _shown(followup):
            masks[("followup", followup["wave"])] = participant & pre & answered[followup["wave"]]
    for entry in report["reliability"]:
        if _shown(entry):
            masks[("reliability", entry["wave"])] = answered[entry["wave"]]
    for dimension, cells in report["subgroups"].items():
        values = getattr(data, dimension)
        for cell in cells:
            if _shown(cell):
                masks[(dimension, cell["key"])] = paired & (values == cell["key"])
    if _shown(report["comparison"]) or _shown(report["ancova"]):
        masks[COMPARISON_PAIRS] = (data.arm == Arm.COMPARISON.value) & pre & post
    if _shown(report["attrition"]["welch"]):
        masks[("attrition", "non_completers")] = participant & pre & ~post
    intake = np.isin(everyone, data.intake_ids)
    concerns = report["concerns"]
    if _shown(concerns["overall"]):
        masks[("concerns", "total")] = intake
    for cell in concerns["by_career_phase"]:
        if _shown(cell):
            masks[("concerns", cell["key"])] = intake & (data.career_phase == cell["key"])
    at = np.searchsorted(everyone, pair_ids)
    for variable, labels in dose_labels.items():
        if labels is not None and _shown(report["dose"][variable]):
            for g in range(int(labels.max()) + 1):
                mask = none.copy()
                mask[at[labels == g]] = True
                masks[("dose", variable, g)] = mask
    section = report["allocation"]
    if section and section["balance"]:
        strata = _strata(data)
        for row in section["balance"]:
            if _shown(row):
                for arm in Arm:
                    masks[("stratum", row["stratum"], arm.value)] = (strata == row["stratum"]) & (
                        data.arm == arm.value
                    )
    return masks


def _strata(data: PilotData) -> np.ndarray:
    people = [
        {"age_band": band, "career_phase": phase}
        for band, phase in zip(data.age_band.tolist(), data.career_phase.tolist(), strict=True)
    ]
    return np.array([allocation.stratum_of(data.pilot, p) for p in people], dtype=object)


# The head counts' family crosses every wave, arm, stratum, cell and dose group: a big pilot has
# hundreds of small atoms, and the exact search over 100,000 light sets took seconds per read.
SEARCH_BUDGET = 5_000


def judge(masks: dict, k: int) -> dict:
    """Which head counts to withhold, and why (the pairs only when small: see the module)."""
    family = family_of(masks, anchor=PAIRS, priority=_priority)
    family.search_budget = SEARCH_BUDGET
    reasons = withhold(family, k)
    if all(reasons.get(key) != COMPLEMENTARY for key in KEPT):
        return reasons
    safe = [key for key in masks if key in KEPT or key[0] in ("career_phase", "age_band", "dose")]
    kept = withhold(family_of({key: masks[key] for key in safe}, anchor=PAIRS), k)
    others = {key: reasons.get(key, COMPLEMENTARY) for key in masks if key not in safe}
    return {**others, **kept}


def protect(report: dict, data: PilotData, k: int, pair_ids: np.ndarray, dose_labels: dict) -> None:
    """Withhold, in place, every head count (and what it is the size of) the search withholds."""
    masks = groups(report, data, pair_ids, dose_labels)
    reasons = judge(masks, k)
    counts = report["counts"]
    for field in COUNT_FIELDS:
        reason = reasons.get(("counts", field))
        if reason:
            counts[field] = None
            counts["suppressed_counts"][field] = reason
    counts["suppressed"] = bool(counts["suppressed_counts"])
    _attrition(report["attrition"], counts, reasons)
    report["followups"] = [
        _withhold_entry(f, reasons.get(("followup", f["wave"])), ("wave", "days"))
        for f in report["followups"]
    ]
    report["reliability"] = [
        _withhold_entry(r, reasons.get(("reliability", r["wave"])), ("wave",))
        for r in report["reliability"]
    ]
    for dimension, cells in report["subgroups"].items():
        report["subgroups"][dimension] = [
            _withhold_entry(c, reasons.get((dimension, c["key"])), LABELS) for c in cells
        ]
    concerns = report["concerns"]
    concerns["overall"] = _withhold_entry(
        concerns["overall"], reasons.get(("concerns", "total")), ()
    )
    concerns["by_career_phase"] = [
        _withhold_entry(c, reasons.get(("concerns", c["key"])), LABELS)
        for c in concerns["by_career_phase"]
    ]
    _dose(report["dose"], reasons)
    section = report["allocation"]
    if section and section["balance"]:
        section["balance"] = [_stratum(row, reasons) for row in section["balance"]]


LABELS = ("key", "label_ja", "label_en")


def _withhold_entry(entry: dict, reason: str | None, labels: tuple[str, ...]) -> dict:
    """The entry withheld when `reason`: every figure null, only its labels kept."""
    if not reason or entry.get("suppressed"):
        return entry
    return _blank(entry, reason, **{key: entry[key] for key in labels})


def _blank(entry: dict, reason: str, **keep) -> dict:
    figures = [key for key in entry if key not in keep and key not in STATE]
    return withheld(figures, reason, **keep)


STATE = ("suppressed", "suppressed_reason")


def _attrition(section: dict, counts: dict, reasons: dict) -> None:
    """enrolled and with_post are the counts' enrolled and post; without_post and the rate are
    their difference, shown only with both."""
    hidden = counts["suppressed_counts"]
    for field, source in (("enrolled", "enrolled"), ("with_post", "post")):
        if source in hidden:
            section[field] = None
            section["suppressed_counts"][field] = hidden[source]
    if "enrolled" in hidden or "post" in hidden:
        reason = SMALL if SMALL in (hidden.get("enrolled"), hidden.get("post")) else COMPLEMENTARY
        section["without_post"] = section["rate"] = None
        section["suppressed_counts"].update(without_post=reason, rate=reason)
    reason = reasons.get(("attrition", "non_completers"))
    if reason and not section["welch"]["suppressed"]:
        section["completers_pre_mean"] = section["non_completers_pre_mean"] = None
        section["welch"] = _blank(section["welch"], reason)
        section["suppressed"], section["suppressed_reason"] = True, reason


def _dose(section: dict, reasons: dict) -> None:
    for variable in DOSE_VARIABLES:
        found = [r for key, r in reasons.items() if key[:2] == ("dose", variable)]
        if found and not section[variable]["suppressed"]:
            section[variable] = withheld(CORRELATION_FIELDS, found[0])
            section[f"total_{variable}"] = None
    if all(section[v]["suppressed"] for v in DOSE_VARIABLES) and not section["suppressed"]:
        section["suppressed"] = True
        section["suppressed_reason"] = section["sessions"]["suppressed_reason"]


def _stratum(row: dict, reasons: dict) -> dict:
    found = [reasons.get(("stratum", row["stratum"], arm.value)) for arm in Arm]
    reason = SMALL if SMALL in found else next((r for r in found if r), None)
    if not reason or row["suppressed"]:
        return row
    return withheld(["n", "participant", "comparison"], reason, stratum=row["stratum"])
