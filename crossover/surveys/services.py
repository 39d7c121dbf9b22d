"""The participant's side: find an invitation by token, show its wave, store one complete response."""
from dataclasses import dataclass
from datetime import date, datetime
import math

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from crossover.catalogue.services import options
from crossover.config import local_today
from crossover.db import utcnow
from crossover.errors import Conflict, Invalid, NotFound
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.pilots import schedule
from crossover.surveys import tokens
from crossover.pilots.models import Enrollment, Pilot, PilotStatus, WaveWindow
from crossover.surveys.models import Invitation, Response
from crossover.surveys import store
from crossover.surveys.models import SurveyDraft

UNKNOWN_LINK = "This survey link is not valid."
# What the opening screen promises: measured on the shipped 12-item scale, with time to read.
SECONDS_PER_ITEM, INTAKE_MINUTES = 15, 2
NO_CONCERN = "none"  # the shipped "none of these" concern; it excludes every other one


def find_invitation(token: str) -> Invitation:
    """The invitation behind a token; an unknown token reveals nothing."""
    invitation = None
    if 16 <= len(token) <= 64:
        # One query for the invitation, its enrollment and pilot: every submission needs all three.
        invitation = db.session.scalar(
            sa.select(Invitation)
            .options(joinedload(Invitation.enrollment).joinedload(Enrollment.pilot))
            .where(Invitation.token_hash == tokens.hash_token(token))
        )
    if invitation is None:
        raise NotFound(UNKNOWN_LINK)
    return invitation


def _window(invitation: Invitation) -> tuple[Pilot, WaveWindow, date]:
    pilot = invitation.enrollment.pilot
    window = pilot.wave(invitation.wave)
    opens = window.opens_on or invitation.enrollment.created_at.date()
    return pilot, window, opens


def existing_response(invitation: Invitation) -> Response | None:
    return db.session.scalar(sa.select(Response).where(Response.invitation_id == invitation.id))


def status(invitation: Invitation) -> str:
    """open, not_open, closed or answered."""
    if existing_response(invitation) is not None:
        return "answered"
    pilot, window, opens = _window(invitation)
    today = local_today()
    if pilot.status is PilotStatus.CLOSED or today > window.closes_on:
        return "closed"
    return "not_open" if today < opens else "open"


def survey_view(invitation: Invitation, lang: str) -> dict:
    """What the participant sees: wave, window, scale with anchor labels, items or concerns."""
    pilot, window, opens = _window(invitation)
    view = {
        "wave": invitation.wave, "lang": lang, "pilot_title": pilot.title, "status": status(invitation),
        "window": {"opens_on": opens, "closes_on": window.closes_on}, "scale": None, "items": [], "concerns": [],
        "draft": None,
    }
    if view["status"] == "open":  # a draft left beside a stored response (a race) is not offered
        view["draft"] = _draft_view(draft_of(invitation))
    if invitation.wave == schedule.INTAKE:
        view["concerns"] = [{"key": o.key, "label": getattr(o, f"label_{lang}")} for o in options("concern")]
        view["minutes"] = INTAKE_MINUTES
        return view
    instrument = db.session.get(Instrument, pilot.instrument_id)
    view["scale"] = {
        "min": instrument.scale_min, "max": instrument.scale_max,
        "anchors": [{"value": a["value"], "label": a[f"label_{lang}"]} for a in instrument.anchors],
    }
    view["items"] = [{"key": i.key, "text": getattr(i, f"text_{lang}")} for i in instrument.items]
    view["minutes"] = max(1, math.ceil(len(view["items"]) * SECONDS_PER_ITEM / 60))
    return view


def _check_open(invitation: Invitation) -> None:
    if existing_response(invitation) is not None:
        raise Conflict("This survey has already been answered; a response cannot be changed.")
    pilot, window, opens = _window(invitation)
    if pilot.status is PilotStatus.CLOSED:
        raise Conflict(f"The pilot is closed. This survey was open from {opens} to {window.closes_on}.")
    today = local_today()
    if not opens <= today <= window.closes_on:
        raise Conflict(f"This survey is open from {opens} to {window.closes_on}, not on {today}.")


def _validated_answers(instrument: Instrument, answers: dict, *, complete: bool = True) -> dict[str, int]:
    """The answers in item order; every given value is checked, and all are required when complete."""
    errors: dict[str, list[str]] = {}
    low, high = instrument.scale_min, instrument.scale_max
    for item in instrument.items:
        value = answers.get(item.key)
        if value is None:
            if complete:
                errors[item.key] = ["Missing answer."]
        elif isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[item.key] = [f"Must be a whole number from {low} to {high}."]
    for key in sorted(set(answers) - {item.key for item in instrument.items}):
        errors[key] = ["Unknown item."]
    if errors:
        raise Invalid(f"{len(errors)} answer(s) missing or invalid: {', '.join(errors)}.", errors)
    return {item.key: answers[item.key] for item in instrument.items if answers.get(item.key) is not None}


def _intake_fields(payload: dict, *, complete: bool = True) -> tuple[list[str], str | None]:
    known = {o.key for o in options("concern")}
    chosen = list(dict.fromkeys(payload.get("concerns") or []))
    errors = {}
    if not chosen:
        if complete:
            errors["concerns"] = ["Choose at least one concern."]
    elif unknown := [c for c in chosen if c not in known]:
        errors["concerns"] = [f"Unknown concern {c!r}." for c in unknown]
    elif NO_CONCERN in chosen and len(chosen) > 1:
        errors["concerns"] = ["'None of these' cannot be combined with another concern."]
    if payload.get("answers"):
        errors["answers"] = ["The intake wave has no scale items."]
    if errors:
        raise Invalid("Invalid intake answers.", errors)
    note = (payload.get("note") or "").strip() or None
    return chosen, note


def prepare(invitation: Invitation, payload: dict) -> Response:
    """Check a submission and build its response with scores, without storing it."""
    _check_open(invitation)
    pilot = invitation.enrollment.pilot
    fields = dict(invitation_id=invitation.id, enrollment_id=invitation.enrollment_id, pilot_id=pilot.id,
                  wave=invitation.wave, submitted_at=utcnow())
    if invitation.wave == schedule.INTAKE:
        concerns, note = _intake_fields(payload)
        return store.intake_response(concerns, note, **fields)
    instrument = db.session.get(Instrument, pilot.instrument_id)
    answers = _validated_answers(instrument, payload.get("answers") or {})
    return store.scored_response(instrument, answers, **fields)


@dataclass(frozen=True)
class NextWave:
    """Another survey the same person can answer right now (intake leads straight on to pre)."""

    wave: str
    token: str

    @property
    def url(self) -> str:
        return tokens.survey_url(self.token)


@dataclass(frozen=True)
class Receipt:
    wave: str
    submitted_at: datetime
    next: NextWave | None = None


def next_open_wave(invitation: Invitation) -> NextWave | None:
    """The first other wave of this enrollment, in schedule order, that is open and unanswered."""
    pilot, today = invitation.enrollment.pilot, local_today()
    if pilot.status is PilotStatus.CLOSED:
        return None
    enrolled_on = invitation.enrollment.created_at.date()
    open_by_date = {w.wave for w in pilot.waves
                    if (w.opens_on or enrolled_on) <= today <= w.closes_on and w.wave != invitation.wave}
    if not open_by_date:  # the usual case after pre or post: no query at all
        return None
    candidate = db.session.scalar(
        sa.select(Invitation)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.enrollment_id == invitation.enrollment_id, Invitation.wave.in_(open_by_date),
               Response.id.is_(None))
        .order_by(Invitation.position)
        .limit(1)
    )
    return None if candidate is None else NextWave(candidate.wave, tokens.token_for(candidate.nonce))


def submit(invitation: Invitation, payload: dict) -> Receipt:
    """Store one complete response with its scores, or refuse: 409 twice/late, 422 invalid."""
    response = prepare(invitation, payload)
    receipt = Receipt(response.wave, response.submitted_at)  # read before the commit expires it
    try:
        store.add_with_copies(db.session, [response])
        db.session.execute(sa.delete(SurveyDraft).where(SurveyDraft.invitation_id == invitation.id))
        db.session.commit()
    except sa.exc.IntegrityError:
        # Two submissions raced; the unique invitation_id let exactly one in.
        db.session.rollback()
        raise Conflict("This survey has already been answered; a response cannot be changed.") from None
    return Receipt(receipt.wave, receipt.submitted_at, next_open_wave(invitation))


# --- drafts ------------------------------------------------------------------------------------

def draft_of(invitation: Invitation) -> SurveyDraft | None:
    return db.session.get(SurveyDraft, invitation.id)


def _draft_view(draft: SurveyDraft | None) -> dict | None:
    if draft is None:
        return None
    return {"answers": dict(draft.answers), "concerns": list(draft.concerns), "note": draft.note,
            "saved_at": draft.saved_at}


def save_draft(invitation: Invitation, payload: dict) -> dict:
    """Keep the answers given so far (each given value checked); 409 once answered or closed."""
    _check_open(invitation)
    if invitation.wave == schedule.INTAKE:
        concerns, note = _intake_fields(payload, complete=False)
        fields = {"answers": {}, "concerns": concerns, "note": note}
    else:
        instrument = db.session.get(Instrument, invitation.enrollment.pilot.instrument_id)
        fields = {"answers": _validated_answers(instrument, payload.get("answers") or {}, complete=False),
                  "concerns": [], "note": None}
    draft = draft_of(invitation)
    if draft is None:
        db.session.add(SurveyDraft(invitation_id=invitation.id, **fields))
    else:
        for name, value in fields.items():
            setattr(draft, name, value)
        draft.saved_at = utcnow()  # also when nothing changed: the participant was here
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # Two saves of a new draft raced (two tabs); the first one made the row, update it.
        db.session.rollback()
        db.session.execute(sa.update(SurveyDraft).where(SurveyDraft.invitation_id == invitation.id)
                           .values(**fields, saved_at=utcnow()))
        db.session.commit()
    return _draft_view(draft_of(invitation))
