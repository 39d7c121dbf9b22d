"""Due invitations and reminders: chosen in a few queries, claimed in the outbox, then sent."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
import sqlalchemy as sa

from crossover.config import local_today
from crossover.db import utcnow
from crossover.extensions import db
from crossover.outbox.mailer import send_mail
from crossover.outbox.models import OutboxMessage
from crossover.pilots.models import Contact, Enrollment, Pilot, PilotStatus, WaveWindow
from crossover.surveys import tokens
from crossover.surveys.models import Invitation, Response

STALE_CLAIM = timedelta(minutes=15)  # a pending row older than this was left by a crashed run


@dataclass(frozen=True)
class Due:
    invitation_id: int
    kind: str
    recipient: str
    subject: str
    body: str


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


def _outbox_state(invitation_ids: list[int]) -> dict[tuple[int, str], OutboxMessage]:
    if not invitation_ids:
        return {}
    rows = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.invitation_id.in_(invitation_ids))
    )
    return {(row.invitation_id, row.kind): row for row in rows}


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


def due_messages(pilot_id: int | None = None) -> list[Due]:
    """Invitations whose wave has opened and were not sent; reminders near the close
    (of one pilot when `pilot_id` is given: the owner's send button)."""
    today = local_today()
    remind_within = timedelta(days=int(current_app.config["REMINDER_DAYS_BEFORE_CLOSE"]))
    rows = _candidates(today, pilot_id)
    state = _outbox_state([invitation.id for invitation, *_ in rows])
    due = []
    for invitation, window, pilot, email in rows:
        sent = state.get((invitation.id, "invitation"))
        kind = None
        if _needs_sending(sent):
            kind = "invitation"
        elif (
            sent.status == "sent"
            and sent.sent_at.date() < today
            and today >= window.closes_on - remind_within
            and _needs_sending(state.get((invitation.id, "reminder")))
        ):
            kind = "reminder"
        if kind:
            subject, body = _render(kind, invitation, window, pilot)
            due.append(Due(invitation.id, kind, email, subject, body))
    return due


def _claim(item: Due) -> OutboxMessage | None:
    """Record the message before sending; a concurrent run that got there first wins."""
    row = db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.invitation_id == item.invitation_id, OutboxMessage.kind == item.kind
        )
    )
    if row is None:
        row = OutboxMessage(
            invitation_id=item.invitation_id,
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


def send_due(dry_run: bool = False, pilot_id: int | None = None) -> list[tuple[Due, str]]:
    """Send every due message once; returns each with its outcome (sent, failed, skipped,
    dry-run)."""
    results = []
    for item in due_messages(pilot_id):
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
