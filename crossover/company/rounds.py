"""A company survey's rounds and rosters as the figures read them: the rounds in time order, a
round's roster as arrays (kept between uploads, crossover.company.roster_cache) and the people
on two rounds' rosters. Results, participation, publication and the trend all start here."""

from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from crossover.catalogue.bands import AGE_BANDS, TENURE_BANDS
from crossover.company.models import CompanySurvey, RosterMember, SurveyRound
from crossover.company.roster_cache import roster_derived
from crossover.extensions import db
from crossover.surveys.bulk import listed_together, split_together


def rounds_of(survey: CompanySurvey) -> list[SurveyRound]:
    """The survey's rounds in time order (opening day, then creation)."""
    return list(
        db.session.scalars(
            sa.select(SurveyRound)
            .where(SurveyRound.company_survey_id == survey.id)
            .order_by(SurveyRound.opens_on, SurveyRound.id)
        )
    )


def roster_pairs(earlier: SurveyRound, later: SurveyRound) -> tuple[np.ndarray, np.ndarray]:
    """Member ids, in both rounds, of everyone on both rosters (same hashed ref), in one
    statement of two index probes a person."""
    first, second = aliased(RosterMember), aliased(RosterMember)
    lists = db.session.execute(
        sa.select(*listed_together(first.id, second.id))
        .select_from(first)
        .join(
            second,
            sa.and_(second.person_key == first.person_key, second.round_id == later.id),
        )
        .where(first.round_id == earlier.id)
    ).one()
    pairs = split_together(lists, 2, np.int64)
    return pairs[:, 0], pairs[:, 1]


def _codes(values: list[str], known: tuple[str, ...]) -> np.ndarray:
    index = {key: i for i, key in enumerate(known)}
    return np.array([index.get(v, -1) for v in values], dtype=np.int64)


@dataclass
class Roster:
    """A round's roster rows as arrays, in member-id order (see RoundData)."""

    units: tuple[str, ...]
    member_ids: np.ndarray
    age: np.ndarray
    tenure: np.ndarray
    unit: np.ndarray
    engagement: np.ndarray


def read_roster(survey_round: SurveyRound) -> Roster:
    """The round's roster, in one statement: rows grouped by age, tenure and unit, each group
    listing its members' ids and engagement scores in pairs."""
    engagement_text = sa.func.coalesce(sa.cast(RosterMember.engagement, sa.Text), "nan")
    rows = db.session.execute(
        sa.select(
            RosterMember.age_band,
            RosterMember.tenure_band,
            RosterMember.unit,
            sa.func.count(),
            *listed_together(RosterMember.id, engagement_text),
        )
        .where(RosterMember.round_id == survey_round.id)
        .group_by(RosterMember.age_band, RosterMember.tenure_band, RosterMember.unit)
    ).all()
    # One parse for all groups' lists, and each group's codes repeated over its members (a
    # 100,000-person roster comes in some 1,500 groups).
    units = sorted({row.unit for row in rows})
    unit_index = {name: i for i, name in enumerate(units)}
    counts = np.array([row[3] for row in rows], dtype=np.int64)
    # (id, engagement) per member; ids below 2^53 parse exactly as floats
    lists = [",".join(column) for column in zip(*(row[4:] for row in rows), strict=True)]
    pairs = split_together(lists, 2)
    member_ids = pairs[:, 0].astype(np.int64)
    order = np.argsort(member_ids, kind="stable")

    def per_member(codes: np.ndarray) -> np.ndarray:
        return np.repeat(codes.astype(np.int64), counts)[order]

    return Roster(
        tuple(units),
        member_ids[order],
        per_member(_codes([row.age_band for row in rows], AGE_BANDS)),
        per_member(_codes([row.tenure_band for row in rows], TENURE_BANDS)),
        per_member(np.array([unit_index[row.unit] for row in rows], dtype=np.int64)),
        pairs[order, 1],
    )


def roster_of(survey_round: SurveyRound) -> Roster:
    """The round's roster, read once until it changes."""
    return roster_derived("roster", [survey_round], lambda: read_roster(survey_round))
