"""The score family and the subgroups: the career-phase and age-band cells of the pairs, what
their search (with the dose's groups) withholds, and the change in each visible cell."""

import numpy as np

from crossover.privacy.suppression import TOTAL, Family, withheld, withhold
from crossover.reports.dose import DOSE
from crossover.reports.gather import PilotData
from crossover.reports.paired import CHANGE_FIELDS, change_summary

SUBGROUP_DIMENSIONS = ("career_phase", "age_band")


def subgroup_cells(data: PilotData, ids: np.ndarray, breakdowns: dict) -> dict:
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


def score_reasons(data: PilotData, k: int, cells: dict, dose_labels: dict) -> dict:
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


def subgroup_changes(
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
