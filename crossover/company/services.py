"""Company survey rules: surveys, rounds with a frozen instrument, closing a round early,
invitation delivery (never who answered, per row), erasure.

Rosters and engagement scores are in crossover.company.rosters; results, trend and the
consortium view are elsewhere in this package.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
import sqlalchemy as sa

from crossover import audit
from crossover.auth.models import Role, User
from crossover.company import round_state
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
from crossover.instruments.models import Instrument
from crossover.instruments.services import chosen_instrument
from crossover.outbox import mailer
from crossover.outbox import services as outbox
from crossover.outbox.models import OutboxMessage
from crossover.web.errors import Conflict, Forbidden, Invalid, NotFound

INVITATION_PAGE_SIZE = 50


def _require_owner(actor: User) -> None:
    if actor.role is not Role.OWNER:
        raise Forbidden("Only owners run company surveys, for their own organisation.")


def create_survey(data: dict, *, actor: User) -> CompanySurvey:
    _require_owner(actor)
    instrument = chosen_instrument(data.get("instrument_id"), actor)
    survey = CompanySurvey(
        organization_id=actor.organization_id,
        title=data["title"].strip(),
        instrument_id=instrument.id,
        created_by_id=actor.id,
    )
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "company.survey_create", "company_survey", survey.id)
    db.session.commit()
    return survey


def update_survey(survey: CompanySurvey, data: dict, *, actor: User) -> CompanySurvey:
    """Rename the survey, or move it to another version of its instrument: later rounds freeze
    that version (a break in the trend); rounds made before keep theirs."""
    if "title" in data:
        survey.title = data["title"].strip()
    if data.get("instrument_id") is not None:
        current = db.session.get(Instrument, survey.instrument_id)
        instrument = chosen_instrument(data["instrument_id"], actor)
        if instrument.family != current.family:
            raise Invalid(
                "A company survey keeps one instrument family; choose a version of it.",
                {"instrument_id": ["Not a version of this survey's questionnaire."]},
            )
        survey.instrument_id = instrument.id
    audit.record(actor, "company.survey_update", "company_survey", survey.id, fields=sorted(data))
    db.session.commit()
    return survey


def list_surveys(actor: User) -> list[CompanySurvey]:
    _require_owner(actor)
    return list(
        db.session.scalars(
            sa.select(CompanySurvey)
            .where(CompanySurvey.organization_id == actor.organization_id)
            .order_by(CompanySurvey.id.desc())
        )
    )


def _last_day(survey_round: SurveyRound) -> date:
    """The round's last day of answers: its closing day, or the day it was closed early (a
    later round may open that day, since the early-closed one takes no more answers)."""
    if survey_round.closed_at is None:
        return survey_round.closes_on
    tz = ZoneInfo(current_app.config["TIMEZONE"])
    closed_at = survey_round.closed_at
    if closed_at.tzinfo is None:  # stored as UTC
        closed_at = closed_at.replace(tzinfo=UTC)
    closed = closed_at.astimezone(tz).date()
    return min(survey_round.closes_on, closed - timedelta(days=1))


def _check_no_overlap(survey: CompanySurvey, opens_on: date, closes_on: date) -> None:
    """Rounds of one survey follow each other (422 naming the dates of the round in the way):
    the trend compares consecutive rounds, and one person would be invited twice at once."""
    candidates = db.session.scalars(
        sa.select(SurveyRound)
        .where(
            SurveyRound.company_survey_id == survey.id,
            SurveyRound.opens_on <= closes_on,
            SurveyRound.closes_on >= opens_on,
        )
        .order_by(SurveyRound.opens_on)
    )
    for other in candidates:
        if _last_day(other) < opens_on:
            continue
        last = _last_day(other)
        dates = f"{other.opens_on.isoformat()} to {last.isoformat()}"
        problem = f"Overlaps round '{other.label}' ({dates})."
        raise Invalid(
            f"The dates overlap round '{other.label}' of this survey ({dates}).",
            {"opens_on": [problem], "closes_on": [problem]},
        )


def create_round(survey: CompanySurvey, data: dict, *, actor: User) -> SurveyRound:
    """A round of the survey; it freezes the survey's current instrument."""
    label = data["label"].strip()
    if not label:
        raise Invalid("A round needs a label.", {"label": ["Required."]})
    if data["closes_on"] < data["opens_on"]:
        raise Invalid("Dates out of order.", {"closes_on": ["Must not be before opens_on."]})
    taken = db.session.scalar(
        sa.select(
            sa.exists().where(
                SurveyRound.company_survey_id == survey.id, SurveyRound.label == label
            )
        )
    )
    if taken:
        raise Conflict(
            f"A round labelled {label!r} already exists in this survey.",
            {"label": ["Already used by another round of this survey."]},
        )
    _check_no_overlap(survey, data["opens_on"], data["closes_on"])
    round_ = SurveyRound(
        company_survey_id=survey.id,
        organization_id=survey.organization_id,
        label=label,
        opens_on=data["opens_on"],
        closes_on=data["closes_on"],
        instrument_id=survey.instrument_id,
    )
    db.session.add(round_)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same label, added a moment ago by another request
        db.session.rollback()
        raise Conflict(
            f"A round labelled {label!r} already exists in this survey.",
            {"label": ["Already used by another round of this survey."]},
        ) from None
    audit.record(actor, "company.round_create", "survey_round", round_.id, survey=survey.id)
    db.session.commit()
    return round_


# --- closing early ------------------------------------------------------------------------------


def close_round(round_: SurveyRound, *, actor: User) -> SurveyRound:
    """Close the round before its window ends: no more answers, and its results are published
    (computed once, at the first read). 409 when it is already closed."""
    if round_state.is_closed(round_):
        raise Conflict(_("This round is already closed."))
    changed = db.session.execute(
        sa.update(SurveyRound)
        .where(SurveyRound.id == round_.id, SurveyRound.closed_at.is_(None))
        .values(closed_at=utcnow())
    ).rowcount
    if not changed:
        db.session.rollback()
        raise Conflict(_("This round is already closed."))
    audit.record(actor, "company.round_close", "survey_round", round_.id)
    db.session.commit()
    db.session.refresh(round_)
    return round_


def round_status(round_: SurveyRound, today: date | None = None) -> str:
    """not_open, open or closed."""
    today = today or local_today()
    if round_state.is_closed(round_, today):
        return "closed"
    return "not_open" if today < round_.opens_on else "open"


# --- invitation delivery -------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    """One roster row as owners see it: no ref, no e-mail address, and not whether the person
    answered (owners learn that only as counts of groups of at least K invited; a reminder, which
    goes only to those who have not answered, is counted, never shown per row)."""

    id: int
    age_band: str
    tenure_band: str
    unit: str
    career_phase: str | None
    has_contact: bool
    sent_at: datetime | None


def invitation_page(
    round_: SurveyRound, page: int, size: int = INVITATION_PAGE_SIZE
) -> tuple[list[InvitationRow], int]:
    """One page of the round's roster rows with their invitation e-mail, and how many rows
    there are."""
    total = db.session.scalar(sa.select(sa.func.count()).where(RosterMember.round_id == round_.id))
    rows = db.session.execute(
        sa.select(
            RosterMember.id,
            RosterMember.age_band,
            RosterMember.tenure_band,
            RosterMember.unit,
            RosterMember.career_phase,
            sa.exists().where(RosterContact.member_id == RosterMember.id),
        )
        .where(RosterMember.round_id == round_.id)
        .order_by(RosterMember.id)
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    delivered = outbox.delivery_state([row[0] for row in rows], OutboxMessage.roster_member_id)
    return [InvitationRow(*row, delivered.get(row[0], {}).get("invitation")) for row in rows], total


def round_counts(round_: SurveyRound) -> dict[str, int]:
    """Invited, answered, with an e-mail address, with an engagement score, invitations and
    reminders sent: counts over the whole round only."""
    invited, with_engagement = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(RosterMember.engagement)).where(
            RosterMember.round_id == round_.id
        )
    ).one()
    answered = db.session.scalar(
        sa.select(sa.func.count()).where(RoundResponse.round_id == round_.id)
    )
    with_contact = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RosterContact)
        .join(RosterMember, RosterMember.id == RosterContact.member_id)
        .where(RosterMember.round_id == round_.id)
    )
    sent = dict(
        db.session.execute(
            sa.select(OutboxMessage.kind, sa.func.count())
            .join(RosterMember, RosterMember.id == OutboxMessage.roster_member_id)
            .where(RosterMember.round_id == round_.id, OutboxMessage.status == "sent")
            .group_by(OutboxMessage.kind)
        ).all()
    )
    return {
        "invited": invited,
        "answered": answered,
        "with_contact": with_contact,
        "with_engagement": with_engagement,
        "invitations_sent": sent.get("invitation", 0),
        "reminders_sent": sent.get("reminder", 0),
    }


# --- erasure and sending -------------------------------------------------------------------------


def round_member(round_: SurveyRound, member_id: int) -> RosterMember:
    member = db.session.scalar(
        sa.select(RosterMember).where(
            RosterMember.id == member_id, RosterMember.round_id == round_.id
        )
    )
    if member is None:
        raise NotFound(f"No roster row {member_id} in this round.")
    return member


def erase_contact(round_: SurveyRound, member_id: int, *, actor: User) -> None:
    """Forget a roster row's e-mail address, also where the outbox kept it as a recipient."""
    member = round_member(round_, member_id)
    db.session.execute(sa.delete(RosterContact).where(RosterContact.member_id == member.id))
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.roster_member_id == member.id)
        .values(recipient=outbox.ERASED_RECIPIENT)
    )
    audit.record(actor, "company.contact_erase", "roster_member", member.id, round=round_.id)
    db.session.commit()


def send_invitations(round_: SurveyRound, *, actor: User) -> dict:
    """Queue the round's due invitations and reminders for the worker (by the outbox's rules)
    and answer at once with what was queued; audit-logged."""
    if mailer.mail_state() == mailer.MAIL_OFF:
        raise Conflict(
            "Mail is off: SMTP is not configured (CROSSOVER_SMTP_HOST), so nothing can be sent.",
            {"mail": ["SMTP is not configured."]},
        )
    round_id = round_.id
    due = outbox.request_send(round_id=round_id)
    counts = {"invitations": due["invitation"], "reminders": due["reminder"]}
    audit.record(actor, "company.send_invitations", "survey_round", round_id, **counts)
    db.session.commit()
    return {**counts, "nudged": outbox.nudge_send(round_id=round_id) if due else True}
