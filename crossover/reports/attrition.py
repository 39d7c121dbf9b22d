"""Attrition: who did not answer after, and whether they started differently from those who did."""

import numpy as np

from crossover import analysis, waves
from crossover.pilots.models import Arm
from crossover.privacy.suppression import withheld
from crossover.reports.comparison import WELCH_FIELDS, welch_dict
from crossover.reports.gather import PilotData


def attrition_summary(data: PilotData, k: int) -> dict:
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
        "welch": {**welch_dict(test), "suppressed": False, "suppressed_reason": None},
        "suppressed": False,
        "suppressed_reason": None,
    }
