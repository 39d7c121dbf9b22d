"""The pilots' survey mail, as a source for the outbox (crossover.outbox.sources): one invitation
and one reminder per invitation of an enrolled person with an e-mail address, while their wave
is open and their pilot is live; a pilot's mail followed wave by wave."""

from datetime import date

from flask import render_template
from flask_babel import force_locale
import sqlalchemy as sa

from crossover.extensions import db
from crossover.outbox.models import OutboxMessage
from crossover.outbox.sources import Candidate
from crossover.pilots.models import Contact, Enrollment, Pilot, PilotStatus, WaveWindow
from crossover.surveys import tokens
from crossover.surveys.models import Invitation, Response

LIVE = (PilotStatus.RECRUITING, PilotStatus.RUNNING)


def _open_today(today: date):
    """The wave's window contains today (a window without an opening day is open until it
    closes)."""
    return sa.and_(
        WaveWindow.closes_on >= today,
        sa.or_(WaveWindow.opens_on.is_(None), WaveWindow.opens_on <= today),
    )


def _one_pilot(pilot_id: int | None) -> list:
    return [] if pilot_id is None else [Pilot.id == pilot_id]


class PilotInvitations:
    """Invitations of live pilots' enrolled people, by invitation id."""

    name = "pilots"
    scope_key = "pilot_id"
    subject_key = "invitation_id"  # its column in OutboxMessage
    noun = "invitation"

    def candidates(
        self, today: date, scope_id: int | None, *, after: int, limit: int
    ) -> list[Candidate]:
        """Open, unanswered invitations of live pilots whose person has an e-mail address."""
        rows = db.session.execute(
            sa.select(Invitation, WaveWindow, Pilot, Contact.email)
            .join(Enrollment, Enrollment.id == Invitation.enrollment_id)
            .join(Pilot, Pilot.id == Enrollment.pilot_id)
            .join(
                WaveWindow,
                sa.and_(WaveWindow.pilot_id == Pilot.id, WaveWindow.wave == Invitation.wave),
            )
            .join(Contact, Contact.enrollment_id == Enrollment.id)
            .outerjoin(Response, Response.invitation_id == Invitation.id)
            .where(
                Pilot.status.in_(LIVE),
                Enrollment.erased_at.is_(None),
                Response.id.is_(None),
                _open_today(today),
                Invitation.id > after,
                *_one_pilot(scope_id),
            )
            .order_by(Invitation.id)
            .limit(limit)
        ).all()
        return [
            Candidate(invitation.id, window.closes_on, email, (invitation, window, pilot))
            for invitation, window, pilot, email in rows
        ]

    def render(self, kind: str, candidate: Candidate) -> tuple[str, str]:
        invitation, window, pilot = candidate.details
        context = {
            "kind": kind,
            "wave": invitation.wave,
            "pilot": pilot,
            "closes_on": window.closes_on,
            "url": tokens.survey_url(tokens.token_for(invitation.nonce)),
        }
        with force_locale("ja"):  # participants are written to in Japanese, with an English line
            subject = render_template("outbox/subject.txt", **context).strip()
            body = render_template("outbox/body.txt", **context)
        return subject, body

    def due_count_base(self, today: date, scope_id: int | None):
        base = (
            sa.select(sa.func.count())
            .select_from(Invitation)
            .join(Enrollment, Enrollment.id == Invitation.enrollment_id)
            .join(Pilot, Pilot.id == Enrollment.pilot_id)
            .join(
                WaveWindow,
                sa.and_(WaveWindow.pilot_id == Pilot.id, WaveWindow.wave == Invitation.wave),
            )
            .join(Contact, Contact.enrollment_id == Enrollment.id)
            .where(
                Pilot.status.in_(LIVE),
                Enrollment.erased_at.is_(None),
                ~sa.exists().where(Response.invitation_id == Invitation.id),
                _open_today(today),
                *_one_pilot(scope_id),
            )
        )
        return base, Invitation.id, WaveWindow.closes_on

    def unwanted(self) -> sa.Select:
        """Invitations answered, or whose person's contact data were erased."""
        return (
            sa.select(Invitation.id)
            .join(Enrollment, Enrollment.id == Invitation.enrollment_id)
            .where(
                sa.or_(
                    Enrollment.erased_at.is_not(None),
                    sa.exists().where(Response.invitation_id == Invitation.id),
                )
            )
        )

    def progress_rows(self, scope_id: int):
        """A pilot's mail by wave."""
        group = Invitation.wave
        query = (
            sa.select(group, OutboxMessage.kind, OutboxMessage.status, OutboxMessage.failure)
            .join(Invitation, Invitation.id == OutboxMessage.invitation_id)
            .join(Enrollment, Enrollment.id == Invitation.enrollment_id)
            .where(Enrollment.pilot_id == scope_id)
        )
        return group, query


SOURCE = PilotInvitations()
