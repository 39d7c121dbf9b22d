"""The mentoring match picker's search: a pilot's participants without a match yet (read from the
pilots' enrolments)."""

import dataclasses

import sqlalchemy as sa

from crossover.extensions import db
from crossover.pilots.models import Arm, Enrollment, Pilot

PICKER_SIZE = 200


@dataclasses.dataclass(frozen=True, slots=True)
class PickerSearch:
    """What the owner typed to find a participant for the match picker (any part may be blank)."""

    code: str = ""  # part of the enrolment code, any case
    age_band: str = ""
    career_phase: str = ""

    @property
    def active(self) -> bool:
        return bool(self.code or self.age_band or self.career_phase)


def _unmatched_query(pilot: Pilot, matched: set[int], search: PickerSearch | None):
    search = search or PickerSearch()
    query = sa.select(Enrollment).where(
        Enrollment.pilot_id == pilot.id, Enrollment.arm == Arm.PARTICIPANT
    )
    if matched:
        query = query.where(Enrollment.id.not_in(matched))
    if search.code:
        # autoescape: a typed % or _ is a character to find, not a wildcard.
        query = query.where(
            sa.func.upper(Enrollment.code).contains(search.code.upper(), autoescape=True)
        )
    if search.age_band:
        query = query.where(Enrollment.age_band == search.age_band)
    if search.career_phase:
        query = query.where(Enrollment.career_phase == search.career_phase)
    return query


def unmatched_participants(
    pilot: Pilot,
    matched: set[int],
    limit: int = PICKER_SIZE,
    search: PickerSearch | None = None,
) -> list[Enrollment]:
    """Participants without a match fitting the search, oldest first, at most `limit`."""
    query = _unmatched_query(pilot, matched, search)
    return list(db.session.scalars(query.order_by(Enrollment.id).limit(limit)))


def count_unmatched(pilot: Pilot, matched: set[int], search: PickerSearch | None = None) -> int:
    """How many fit the search: the picker says so when its cap hides some."""
    query = _unmatched_query(pilot, matched, search)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
