"""The pilot report: who may read it, and its assembly from the sections (stored scores →
analysis → suppression), in the shape DESIGN.md gives."""

import numpy as np

from crossover import waves
from crossover.auth.models import Role, User
from crossover.catalogue.services import options
from crossover.config import privacy_k
from crossover.pilots.access import get_pilot
from crossover.pilots.cells import cell_of
from crossover.pilots.models import Arm, Pilot, PilotStatus
from crossover.reports import head_counts
from crossover.reports.attrition import attrition_summary
from crossover.reports.comparison import (
    allocation_summary,
    compare_arms,
    comparison_label,
    randomised_ancova,
)
from crossover.reports.concerns import concern_tables
from crossover.reports.dose import dose_correlations, dose_groups, logged_dose
from crossover.reports.followups import followup_changes, wave_reliability
from crossover.reports.gather import PilotData, gather
from crossover.reports.head_counts import DOSE_VARIABLES
from crossover.reports.paired import outcome_result, pairs, subscale_results
from crossover.reports.subgroups import (
    SUBGROUP_DIMENSIONS,
    score_reasons,
    subgroup_cells,
    subgroup_changes,
)
from crossover.reports.verdicts import report_verdict
from crossover.web.errors import Conflict, Forbidden

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
    cells = subgroup_cells(data, ids, breakdowns)
    dose_values = logged_dose(data, ids)
    dose_labels = dose_groups(dose_values, k) if ids.size >= k else dict.fromkeys(DOSE_VARIABLES)
    reasons = score_reasons(data, k, cells, dose_labels)
    primary = outcome_result(
        pre, post, pilot.outcome, pilot, k, data.items[pilot.outcome], with_bayes=True
    )
    comparison = compare_arms(data, k)
    ancova = randomised_ancova(data, k)
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
        "subscales": subscale_results(data, k),
        "followups": followup_changes(data, k),
        "subgroups": subgroup_changes(data, k, pre, post, breakdowns, cells, reasons),
        "reliability": wave_reliability(data, k),
        "attrition": attrition_summary(data, k),
        "comparison": comparison,
        "ancova": ancova,
        "allocation": allocation_summary(data, k),
        "dose": dose_correlations(data, k, pre, post, dose_values, dose_labels, reasons),
        "concerns": concern_tables(data, k),
        "verdict": report_verdict(data, primary, comparison, ancova, k),
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
        "comparison_label": comparison_label(pilot),
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
