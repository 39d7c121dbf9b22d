"""Due invitations and reminders: chosen in a few queries, claimed in the outbox, then sent.

Two kinds of survey link get mail: a pilot's invitations (one per wave of an enrolled person)
and a company survey round's roster rows; each gets at most one invitation and one reminder.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
import sqlalchemy as sa

from crossover.company.models import (
    CompanySurvey,
    RosterContact,
    RosterMember,
    RoundResponse,
    SurveyRound,
)
from crossover.config import local_today
from crossover.db import utcnow
from crossover.extensions import db
from crossover.outbox.mailer import send_mail
from crossover.outbox.models import OutboxMessage
from crossover.pilots.models import Contact, Enrollment, Pilot, PilotStatus, WaveWindow
from crossover.surveys import tokens
from crossover.surveys.models import Invitation, Response

STALE_CLAIM = timedelta(minutes=15)  # a pending row older than this was left by a crashed run
ERASED_RECIPIENT = "(erased)"  # what an outbox row keeps once its address was erased


@dataclass(frozen=True)
class Due:
    invitation_id: int | None  # a pilot invitation, or
    kind: str
    recipient: str
    subject: str
    body: str
    roster_member_id: int | None = None  # a company survey round's roster row

    @property
    def about(self) -> str:
        if self.roster_member_id is not None:
            return f"roster row {self.roster_member_id}"
        return f"invitation {self.invitation_id}"

    def subject_filter(self):
        if self.roster_member_id is not None:
            return OutboxMessage.roster_member_id == self.roster_member_id
        return OutboxMessage.invitation_id == self.invitation_id


def _candidates(today, pilot_id: int | None = None):
    """Open, unanswered invitations of live pilots whose person has an e-mail address."""
    one_pilot = [] if pilot_id is None else [Pilot.id == pilot_id]
    return db.session.execute(
        sa.select(Invitation, WaveWindow, Pilot, Contact.email)
        .join(Enrollment, Enrollment.id == Invitation.enrollment_id)
        .join(Pilot, Pilot.id == Enrollment.pilot_id)
        .join(
            WaveWindow, sa.and_(WaveWindow.pilot_id == Pilot.id, WaveWindow.wave == Invitation.wave)
        )
        .join(Contact, Contact.enrollment_id == Enrollment.id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(
            Pilot.status.in_([PilotStatus.RECRUITING, PilotStatus.RUNNING]),
            Enrollment.erased_at.is_(None),
            Response.id.is_(None),
            WaveWindow.closes_on >= today,
            sa.or_(WaveWindow.opens_on.is_(None), WaveWindow.opens_on <= today),
            *one_pilot,
        )
        .order_by(Invitation.id)
    ).all()


def _outbox_state(
    invitation_ids: list[int], column=OutboxMessage.invitation_id
) -> dict[tuple[int, str], OutboxMessage]:
    """The outbox rows of these subjects (pilot invitations, or roster rows by `column`)."""
    state = {}
    for start in range(0, len(invitation_ids), 10_000):  # bounded IN lists for large rounds
        rows = db.session.scalars(
            sa.select(OutboxMessage).where(column.in_(invitation_ids[start : start + 10_000]))
        )
        state.update({(getattr(row, column.key), row.kind): row for row in rows})
    return state


def _needs_sending(row: OutboxMessage | None) -> bool:
    if row is None or row.status == "failed":
        return True
    return row.status == "pending" and row.claimed_at < utcnow() - STALE_CLAIM


def _render(kind: str, invitation: Invitation, window: WaveWindow, pilot: Pilot) -> tuple[str, str]:
    url = tokens.survey_url(tokens.token_for(invitation.nonce))
    context = {
        "kind": kind,
        "wave": invitation.wave,
        "pilot": pilot,
        "closes_on": window.closes_on,
        "url": url,
    }
    with force_locale("ja"):  # participants are written to in Japanese, with an English line
        subject = render_template("outbox/subject.txt", **context).strip()
        body = render_template("outbox/body.txt", **context)
    return subject, body


def _kind_due(state: dict, subject_id: int, closes_on, today) -> str | None:
    """invitation (never sent, or failed), reminder (near the close, a day after the invitation)
    or None."""
    remind_within = timedelta(days=int(current_app.config["REMINDER_DAYS_BEFORE_CLOSE"]))
    sent = state.get((subject_id, "invitation"))
    if _needs_sending(sent):
        return "invitation"
    if (
        sent.status == "sent"
        and sent.sent_at.date() < today
        and today >= closes_on - remind_within
        and _needs_sending(state.get((subject_id, "reminder")))
    ):
        return "reminder"
    return None


def _pilot_due(today, pilot_id: int | None) -> list[Due]:
    rows = _candidates(today, pilot_id)
    state = _outbox_state([invitation.id for invitation, *_ in rows])
    due = []
    for invitation, window, pilot, email in rows:
        if kind := _kind_due(state, invitation.id, window.closes_on, today):
            subject, body = _render(kind, invitation, window, pilot)
            due.append(Due(invitation.id, kind, email, subject, body))
    return due


def _roster_candidates(today, round_id: int | None):
    """Unanswered roster rows with an e-mail address, of rounds open today."""
    one_round = [] if round_id is None else [SurveyRound.id == round_id]
    return db.session.execute(
        sa.select(
            RosterMember.id,
            RosterMember.nonce,
            SurveyRound.label,
            SurveyRound.closes_on,
            CompanySurvey.title,
            RosterContact.email,
        )
        .join(SurveyRound, SurveyRound.id == RosterMember.round_id)
        .join(CompanySurvey, CompanySurvey.id == SurveyRound.company_survey_id)
        .join(RosterContact, RosterContact.member_id == RosterMember.id)
        .outerjoin(RoundResponse, RoundResponse.member_id == RosterMember.id)
        .where(
            RoundResponse.id.is_(None),
            SurveyRound.opens_on <= today,
            SurveyRound.closes_on >= today,
            SurveyRound.closed_at.is_(None),  # closed early by an owner
            *one_round,
        )
        .order_by(RosterMember.id)
    ).all()


def _render_round(kind: str, nonce: str, label: str, closes_on, title: str) -> tuple[str, str]:
    context = {
        "kind": kind,
        "title": title,
        "round_label": label,
        "closes_on": closes_on,
        "url": tokens.survey_url(tokens.token_for(nonce)),
    }
    with force_locale("ja"):  # employees are written to in Japanese, with an English line
        subject = render_template("outbox/round_subject.txt", **context).strip()
        body = render_template("outbox/round_body.txt", **context)
    return subject, body


def _roster_due(today, round_id: int | None) -> list[Due]:
    rows = _roster_candidates(today, round_id)
    state = _outbox_state([row[0] for row in rows], OutboxMessage.roster_member_id)
    due = []
    for member_id, nonce, label, closes_on, title, email in rows:
        if kind := _kind_due(state, member_id, closes_on, today):
            subject, body = _render_round(kind, nonce, label, closes_on, title)
            due.append(Due(None, kind, email, subject, body, roster_member_id=member_id))
    return due


def due_messages(pilot_id: int | None = None, round_id: int | None = None) -> list[Due]:
    """Invitations whose wave (or round) has opened and were not sent; reminders near the close
    (of one pilot or one company survey round when given: the owner's send button)."""
    today = local_today()
    due = [] if round_id is not None else _pilot_due(today, pilot_id)
    if pilot_id is None:
        due += _roster_due(today, round_id)
    return due


def _claim(item: Due) -> OutboxMessage | None:
    """Record the message before sending; a concurrent run that got there first wins."""
    row = db.session.scalar(
        sa.select(OutboxMessage).where(item.subject_filter(), OutboxMessage.kind == item.kind)
    )
    if row is None:
        row = OutboxMessage(
            invitation_id=item.invitation_id,
            roster_member_id=item.roster_member_id,
            kind=item.kind,
            recipient=item.recipient,
            subject=item.subject,
            body=item.body,
            attempts=0,
        )
        db.session.add(row)
    elif not _needs_sending(row):
        return None
    row.status, row.claimed_at, row.attempts = "pending", utcnow(), row.attempts + 1
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return None
    return row


def send_due(
    dry_run: bool = False, pilot_id: int | None = None, round_id: int | None = None
) -> list[tuple[Due, str]]:
    """Send every due message once; returns each with its outcome (sent, failed, skipped,
    dry-run)."""
    results = []
    for item in due_messages(pilot_id, round_id):
        if dry_run:
            results.append((item, "dry-run"))
            continue
        row = _claim(item)
        if row is None:
            results.append((item, "skipped"))
            continue
        try:
            send_mail(item.recipient, item.subject, item.body)
            row.status, row.sent_at, row.error = "sent", utcnow(), None
        except (
            Exception
        ) as error:  # smtplib and sockets raise many kinds; all mean "retry next run"
            row.status, row.error = "failed", f"{type(error).__name__}: {error}"[:2000]
        db.session.commit()
        results.append((item, row.status))
    return results


def delivery_state(invitation_ids: list[int]) -> dict[int, dict[str, object]]:
    """For owner pages: when each invitation's e-mail and reminder went out."""
    state: dict[int, dict[str, object]] = {}
    for (invitation_id, kind), row in _outbox_state(invitation_ids).items():
        if row.status == "sent":
            state.setdefault(invitation_id, {})[kind] = row.sent_at
    return state


def roster_delivery_state(member_ids: list[int]) -> dict[int, dict[str, object]]:
    """For owner pages: when each roster row's e-mail and reminder went out."""
    state: dict[int, dict[str, object]] = {}
    for (member_id, kind), row in _outbox_state(member_ids, OutboxMessage.roster_member_id).items():
        if row.status == "sent":
            state.setdefault(member_id, {})[kind] = row.sent_at
    return state
