"""Who answered a round, as owners may see it: only counts, overall and by groups of at least K
invited.

While a round is open this is all its owners see (nothing about scores): the response count of
the whole round and of each age band, tenure band and unit that holds at least K invited, with
complementary suppression over the invited (a band of K that equals another group minus one
person would say whether that person answered). Once the round is closed, the participation of
its frozen publication is shown instead (crossover.company.publication).
"""

import numpy as np
import sqlalchemy as sa

from crossover.catalogue.bands import AGE_BANDS, TENURE_BANDS
from crossover.company import suppression as groups
from crossover.company.models import RoundResponse, SurveyRound
from crossover.company.rounds import roster_of
from crossover.config import privacy_k
from crossover.extensions import db
from crossover.privacy.suppression import withhold


def open_participation(survey_round: SurveyRound) -> dict:
    """Counts of an open (or not yet open) round, withheld over the invited."""
    k = privacy_k()
    roster = roster_of(survey_round)
    answered = np.fromiter(
        db.session.scalars(
            sa.select(RoundResponse.member_id).where(RoundResponse.round_id == survey_round.id)
        ),
        dtype=np.int64,
    )
    responded = np.isin(roster.member_ids, answered)
    no_bin = np.full(roster.age.size, -1)
    invited_atoms = groups.Atoms.of_people(roster.age, roster.tenure, roster.unit, no_bin)
    answered_atoms = groups.Atoms.of_people(
        roster.age[responded], roster.tenure[responded], roster.unit[responded], no_bin[responded]
    )
    keys = [
        groups.TOTAL,
        *(groups.age_row(a) for a in range(len(AGE_BANDS))),
        *(groups.tenure_column(t) for t in range(len(TENURE_BANDS))),
        *(groups.unit_group(u) for u in range(len(roster.units))),
    ]
    invited = invited_atoms.group_sizes(keys)
    present = [key for key in keys if invited[key] > 0]
    reasons = withhold(groups.family(invited_atoms, present), k) if present else {}
    respondents = answered_atoms.group_sizes(present)
    return shaped(reasons, respondents, invited, roster.units)


def shaped(reasons: dict, respondents: dict, invited: dict, units) -> dict:
    """The participation block: the round's counts and its breakdowns, withheld groups null."""

    def entry(group: tuple, **label) -> dict:
        n_invited = invited.get(group, 0)
        if group in reasons:
            # Invited counts are the company's own roster; only who answered is protected.
            return {
                **label,
                "invited": n_invited,
                "responded": None,
                "rate": None,
                "suppressed": True,
                "suppressed_reason": reasons[group],
            }
        n = respondents.get(group, 0)
        return {
            **label,
            "invited": n_invited,
            "responded": n,
            "rate": n / n_invited if n_invited else None,
            "suppressed": False,
        }

    return {
        **entry(groups.TOTAL),
        "by_age_band": [
            entry(groups.age_row(a), key=band)
            for a, band in enumerate(AGE_BANDS)
            if invited.get(groups.age_row(a))
        ],
        "by_tenure_band": [
            entry(groups.tenure_column(t), key=band)
            for t, band in enumerate(TENURE_BANDS)
            if invited.get(groups.tenure_column(t))
        ],
        "by_unit": [
            entry(groups.unit_group(u), key=name)
            for u, name in enumerate(units)
            if invited.get(groups.unit_group(u))
        ],
    }
