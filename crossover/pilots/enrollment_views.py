"""Owners' view of enrolled people: each wave's link, window, status and e-mail delivery.

Views, not ORM instances: nothing is attached to an Enrollment for display. It reads the
surveys' invitations and responses and the outbox's delivery state, both below the pilots.
"""

import dataclasses
from datetime import date, datetime

import sqlalchemy as sa

from crossover.config import local_today
from crossover.extensions import db
from crossover.outbox import services as outbox  # a module: may be mid-import (imports pilots)
from crossover.pilots.models import Arm, Contact, Enrollment, Pilot, PilotStatus, WaveWindow
from crossover.surveys import tokens
from crossover.surveys.models import Response


@dataclasses.dataclass
class EnrollmentView:
    """One enrolled person as owners see them, with one link per wave."""

    id: int
    pilot_id: int
    code: str
    arm: Arm
    age_band: str
    career_phase: str
    consented_at: datetime
    created_at: datetime
    has_contact: bool
    pilot: Pilot = dataclasses.field(repr=False)
    links: list[dict] = dataclasses.field(default_factory=list)
    erased_at: datetime | None = None
    tenure_band: str | None = None

    @classmethod
    def of(cls, enrollment: Enrollment, has_contact: bool) -> "EnrollmentView":
        return cls(
            id=enrollment.id,
            pilot_id=enrollment.pilot_id,
            code=enrollment.code,
            arm=enrollment.arm,
            age_band=enrollment.age_band,
            career_phase=enrollment.career_phase,
            consented_at=enrollment.consented_at,
            created_at=enrollment.created_at,
            has_contact=has_contact,
            pilot=enrollment.pilot,
            erased_at=enrollment.erased_at,
            tenure_band=enrollment.tenure_band,
        )


def invitation_status(
    window: WaveWindow, enrollment: Enrollment | EnrollmentView, answered: bool, today: date
) -> str:
    if answered:
        return "answered"
    opens = window.opens_on or enrollment.created_at.date()
    if today < opens:
        return "not_open"
    if today > window.closes_on or enrollment.pilot.status is PilotStatus.CLOSED:
        return "closed"
    return "open"


def link(token: str, window: WaveWindow, opens_on: date, status: str, sent: dict) -> dict:
    """One wave's link as owners see it."""
    return {
        "wave": window.wave,
        "token": token,
        "url": tokens.survey_url(token),
        "opens_on": opens_on,
        "closes_on": window.closes_on,
        "status": status,
        "sent_at": sent.get("invitation"),
        "reminded_at": sent.get("reminder"),
    }


def annotate_enrollments(
    pilot: Pilot, enrollments: list[Enrollment], answered: set[int] | None = None
) -> list[EnrollmentView]:
    """Views of the enrollments with their links (token, url, window, status) and has_contact."""
    windows = {w.wave: w for w in pilot.waves}
    answered = answered or set()
    with_contact = (
        set(
            db.session.scalars(
                sa.select(Contact.enrollment_id).where(
                    Contact.enrollment_id.in_([e.id for e in enrollments])
                )
            )
        )
        if enrollments
        else set()
    )
    delivered = outbox.delivery_state([i.id for e in enrollments for i in e.invitations])
    today = local_today()
    views = []
    for enrollment in enrollments:
        view = EnrollmentView.of(enrollment, enrollment.id in with_contact)
        for invitation in enrollment.invitations:
            window = windows[invitation.wave]
            status = invitation_status(window, enrollment, invitation.id in answered, today)
            view.links.append(
                link(
                    tokens.token_for(invitation.nonce),
                    window,
                    window.opens_on or enrollment.created_at.date(),
                    status,
                    delivered.get(invitation.id, {}),
                )
            )
        views.append(view)
    return views


def answered_invitation_ids(pilot: Pilot) -> set[int]:
    """Invitations of this pilot that have a stored response."""
    return set(
        db.session.scalars(sa.select(Response.invitation_id).where(Response.pilot_id == pilot.id))
    )


def list_enrollments(pilot: Pilot) -> list[EnrollmentView]:
    enrollments = list(
        db.session.scalars(
            sa.select(Enrollment).where(Enrollment.pilot_id == pilot.id).order_by(Enrollment.id)
        )
    )
    return annotate_enrollments(pilot, enrollments, answered_invitation_ids(pilot))


ENROLLMENT_PAGE_SIZE = 50


def enrollment_page(
    pilot: Pilot, page: int, size: int = ENROLLMENT_PAGE_SIZE
) -> tuple[list[EnrollmentView], int]:
    """One page of the pilot's enrolments as views, and the total count: the owner's page stays
    small however many people are enrolled."""
    total = db.session.scalar(sa.select(sa.func.count()).where(Enrollment.pilot_id == pilot.id))
    enrollments = list(
        db.session.scalars(
            sa.select(Enrollment)
            .where(Enrollment.pilot_id == pilot.id)
            .order_by(Enrollment.id)
            .offset((page - 1) * size)
            .limit(size)
        )
    )
    ids = [e.id for e in enrollments]
    answered = (
        set(
            db.session.scalars(
                sa.select(Response.invitation_id).where(Response.enrollment_id.in_(ids))
            )
        )
        if ids
        else set()
    )
    return annotate_enrollments(pilot, enrollments, answered), total
