"""The participant's side: find an invitation by token, show its wave, store one complete
response."""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
import math

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from crossover import waves
from crossover.catalogue.services import options
from crossover.company import links as roster_links
from crossover.company.models import RoundResponse
from crossover.config import local_today
from crossover.db import utcnow
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.pilots.models import Enrollment, Pilot, PilotStatus, WaveWindow
from crossover.surveys import draft_keys, store, tokens
from crossover.surveys.frozen import FrozenInstrument, frozen_instrument
from crossover.surveys.models import Invitation, Response, SurveyDraft
from crossover.web.errors import Conflict, Invalid, NotFound

UNKNOWN_LINK = "This survey link is not valid."
# What the opening screen promises: measured on the shipped 12-item scale, with time to read.
SECONDS_PER_ITEM, INTAKE_MINUTES = 15, 2
NO_CONCERN = "none"  # the shipped "none of these" concern; it excludes every other one


@dataclass(frozen=True)
class Window:
    """One wave of the person's pilot, with their own invitation to it."""

    wave: str
    opens_on: date  # a window open from enrolment opens on the enrolment day
    closes_on: date
    nonce: str  # of this person's invitation to the wave
    answered: bool

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on


class LinkKind(StrEnum):
    PILOT = "pilot"  # a pilot invitation: one wave of one enrolled person
    COMPANY = "company"  # a company survey roster row: one round of one employee


@dataclass(frozen=True)
class Link:
    """What a token opens, read in one query: its invitation, the pilot and every wave's window.

    A company link (kind COMPANY) opens one roster row of a company survey round: its
    invitation_id and enrollment_id are the roster member's id, pilot_id the round's id,
    pilot_title the company survey's title, and its one window is the round's.
    """

    invitation_id: int
    enrollment_id: int
    wave: str
    pilot_id: int
    pilot_title: str
    pilot_closed: bool
    instrument_id: int
    instrument_created_at: datetime
    windows: tuple[Window, ...]  # every wave of the pilot, in schedule order
    has_draft: bool
    kind: LinkKind = LinkKind.PILOT
    round_label: str | None = None

    @property
    def answered(self) -> bool:
        return self.window.answered

    @property
    def window(self) -> Window:
        return next(w for w in self.windows if w.wave == self.wave)


def _link_query() -> sa.Select:
    """One query, one row per wave of the pilot with the person's invitation to it: everything a
    submission, its checks and the next open wave need. Built once: building costs more than
    running."""
    mine, theirs = aliased(Invitation), aliased(Invitation)
    return (
        sa.select(
            mine.id,
            mine.enrollment_id,
            mine.wave,
            Enrollment.created_at,
            Pilot.id,
            Pilot.title,
            Pilot.status,
            Pilot.instrument_id,
            Instrument.created_at,
            WaveWindow.wave,
            WaveWindow.opens_on,
            WaveWindow.closes_on,
            theirs.nonce,
            sa.exists().where(Response.invitation_id == theirs.id),
            sa.exists().where(SurveyDraft.invitation_id == mine.id),
        )
        .join(Enrollment, Enrollment.id == mine.enrollment_id)
        .join(Pilot, Pilot.id == Enrollment.pilot_id)
        .join(Instrument, Instrument.id == Pilot.instrument_id)
        .join(WaveWindow, WaveWindow.pilot_id == Pilot.id)
        .join(
            theirs,
            sa.and_(theirs.enrollment_id == mine.enrollment_id, theirs.wave == WaveWindow.wave),
        )
        .where(mine.token_hash == sa.bindparam("token_hash"))
        .order_by(WaveWindow.position)
    )


LINK_QUERY = _link_query()


def find_invitation(token: str) -> Link:
    """The invitation behind a token; an unknown token reveals nothing."""
    rows = []
    if 16 <= len(token) <= 64:
        rows = db.session.execute(LINK_QUERY, {"token_hash": tokens.hash_token(token)}).all()
    if not rows:
        return _company_link(token)
    first = rows[0]
    enrolled_on = first[3].date()
    windows = tuple(Window(r[9], r[10] or enrolled_on, r[11], r[12], r[13]) for r in rows)
    return Link(
        first[0],
        first[1],
        first[2],
        first[4],
        first[5],
        first[6] is PilotStatus.CLOSED,
        first[7],
        first[8],
        windows,
        first[14],
    )


def _company_link(token: str) -> Link:
    """The roster row behind a token no pilot invitation has; an unknown token reveals nothing."""
    found = None
    if 16 <= len(token) <= 64:
        found = roster_links.find_roster_link(tokens.hash_token(token))
    if found is None:
        raise NotFound(UNKNOWN_LINK)
    window = Window(waves.ROUND, found.opens_on, found.closes_on, found.nonce, found.answered)
    return Link(
        found.member_id,
        found.member_id,
        waves.ROUND,
        found.round_id,
        found.survey_title,
        found.closed,
        found.instrument_id,
        found.instrument_created_at,
        (window,),
        found.has_draft,
        LinkKind.COMPANY,
        found.round_label,
    )


def status(link: Link) -> str:
    """open, not_open, closed or answered."""
    if link.answered:
        return "answered"
    window, today = link.window, local_today()
    if link.pilot_closed or today > window.closes_on:
        return "closed"
    return "not_open" if today < window.opens_on else "open"


def survey_view(link: Link, lang: str) -> dict:
    """What the participant sees: wave, window, scale with anchor labels, items or concerns."""
    window = link.window
    view = {
        "wave": link.wave,
        "lang": lang,
        "kind": link.kind.value,
        "title": link.pilot_title,
        "pilot_title": link.pilot_title if link.kind is LinkKind.PILOT else None,
        "round_label": link.round_label,
        "status": status(link),
        "window": {"opens_on": window.opens_on, "closes_on": window.closes_on},
        "scale": None,
        "items": [],
        "concerns": [],
        "draft": None,
    }
    if (
        view["status"] == "open" and link.has_draft
    ):  # a draft beside a stored response (a race) is not offered
        view["draft"] = _draft_view(draft_of(link))
    if not waves.asks_scale(link.wave):
        view["concerns"] = [
            {"key": o.key, "label": getattr(o, f"label_{lang}")} for o in options("concern")
        ]
        view["minutes"] = INTAKE_MINUTES
        return view
    instrument = frozen_instrument(link.instrument_id, link.instrument_created_at)
    view["scale"] = {
        "min": instrument.scale_min,
        "max": instrument.scale_max,
        "anchors": [{"value": a["value"], "label": a[f"label_{lang}"]} for a in instrument.anchors],
    }
    view["items"] = [{"key": i.key, "text": getattr(i, f"text_{lang}")} for i in instrument.items]
    view["minutes"] = max(1, math.ceil(len(view["items"]) * SECONDS_PER_ITEM / 60))
    return view


def _check_open(link: Link) -> None:
    if link.answered:
        raise Conflict("This survey has already been answered; a response cannot be changed.")
    window, today = link.window, local_today()
    if link.pilot_closed and today <= window.closes_on:  # closed early: no "was open until" ahead
        raise Conflict(
            f"The pilot was closed before this survey's planned end ({window.closes_on}); "
            "it no longer accepts answers."
        )
    if link.pilot_closed:
        what = "round" if link.kind is LinkKind.COMPANY else "pilot"
        raise Conflict(
            f"The {what} is closed. This survey was open from {window.opens_on} to "
            f"{window.closes_on}."
        )
    if not window.opens_on <= today <= window.closes_on:
        raise Conflict(
            f"This survey is open from {window.opens_on} to {window.closes_on}, not on {today}."
        )


def _validated_answers(
    instrument: FrozenInstrument, answers: dict, *, complete: bool = True
) -> dict[str, int]:
    """The answers in item order; every given value is checked, and all are required when
    complete."""
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
    return {
        item.key: answers[item.key]
        for item in instrument.items
        if answers.get(item.key) is not None
    }


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


def prepare(link: Link, payload: dict) -> store.NewResponse | RoundResponse:
    """Check a submission and build its response with scores, without storing it."""
    _check_open(link)
    if link.kind is LinkKind.COMPANY:
        instrument = frozen_instrument(link.instrument_id, link.instrument_created_at)
        answers = _validated_answers(instrument, payload.get("answers") or {})
        return roster_links.round_response(
            link.invitation_id, link.pilot_id, instrument.layout, answers, utcnow()
        )
    fields = dict(
        invitation_id=link.invitation_id,
        enrollment_id=link.enrollment_id,
        pilot_id=link.pilot_id,
        wave=link.wave,
        submitted_at=utcnow(),
    )
    if not waves.asks_scale(link.wave):
        concerns, note = _intake_fields(payload)
        return store.intake_values(concerns, note, **fields)
    instrument = frozen_instrument(link.instrument_id, link.instrument_created_at)
    answers = _validated_answers(instrument, payload.get("answers") or {})
    return store.scored_values(instrument, answers, layout=instrument.layout, **fields)


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


def next_open_wave(link: Link) -> NextWave | None:
    """The first other wave of this enrollment, in schedule order, that is open and unanswered.

    Read with the link (no query): the only wave answered since is the link's own.
    """
    if link.pilot_closed:
        return None
    today = local_today()
    nxt = next(
        (w for w in link.windows if w.wave != link.wave and not w.answered and w.is_open(today)),
        None,
    )
    return None if nxt is None else NextWave(nxt.wave, tokens.token_for(nxt.nonce))


def _store(link: Link, response) -> None:
    """Insert the response with its analysis copies and drop the link's draft, uncommitted.

    A second response to the same invitation or roster row raises IntegrityError (unique keys).
    """
    if link.kind is LinkKind.COMPANY:
        db.session.add(response)
        db.session.flush()
        if link.has_draft:
            roster_links.delete_draft(link.invitation_id)
        return
    store.insert_with_copies(db.session, response)
    if link.has_draft:  # read with the link, in this transaction: most submissions have none
        db.session.execute(
            sa.delete(SurveyDraft).where(SurveyDraft.invitation_id == link.invitation_id)
        )


def submit(link: Link, payload: dict) -> Receipt:
    """Store one complete response with its scores, or refuse: 409 twice/late, 422 invalid."""
    response = prepare(link, payload)
    submitted_at = response.submitted_at  # read before the commit expires an ORM row
    try:
        _store(link, response)
        db.session.commit()
    except sa.exc.IntegrityError:
        # Two submissions raced; the unique invitation (or roster row) let exactly one in.
        db.session.rollback()
        raise Conflict(
            "This survey has already been answered; a response cannot be changed."
        ) from None
    return Receipt(link.wave, submitted_at, next_open_wave(link))


# --- drafts ------------------------------------------------------------------------------------


def draft_of(link: Link) -> SurveyDraft | None:
    if link.kind is LinkKind.COMPANY:
        return roster_links.draft_of(link.invitation_id, draft_keys.current_hash())
    return db.session.get(SurveyDraft, link.invitation_id)


def _draft_view(draft: SurveyDraft | None) -> dict | None:
    if draft is None:
        return None
    return {
        "answers": dict(draft.answers),
        "concerns": list(getattr(draft, "concerns", [])),  # a round's draft has answers only
        "note": getattr(draft, "note", None),
        "saved_at": draft.saved_at,
    }


def save_draft(link: Link, payload: dict) -> dict:
    """Keep the answers given so far (each given value checked); 409 once answered or closed."""
    _check_open(link)
    if not waves.asks_scale(link.wave):
        concerns, note = _intake_fields(payload, complete=False)
        fields = {"answers": {}, "concerns": concerns, "note": note}
    else:
        instrument = frozen_instrument(link.instrument_id, link.instrument_created_at)
        fields = {
            "answers": _validated_answers(instrument, payload.get("answers") or {}, complete=False),
            "concerns": [],
            "note": None,
        }
    saved_at = utcnow()  # also when nothing changed: the participant was here
    if link.kind is LinkKind.COMPANY:
        key_hash = draft_keys.ensure()
        roster_links.save_draft(
            link.invitation_id, link.has_draft, fields["answers"], saved_at, key_hash
        )
        return {**fields, "saved_at": saved_at}
    if not link.has_draft:
        db.session.add(SurveyDraft(invitation_id=link.invitation_id, saved_at=saved_at, **fields))
        try:
            db.session.commit()
            return {**fields, "saved_at": saved_at}
        except sa.exc.IntegrityError:
            db.session.rollback()  # another tab saved this link's first draft a moment before
    db.session.execute(
        sa.update(SurveyDraft)
        .where(SurveyDraft.invitation_id == link.invitation_id)
        .values(**fields, saved_at=saved_at)
    )
    db.session.commit()
    return {**fields, "saved_at": saved_at}
