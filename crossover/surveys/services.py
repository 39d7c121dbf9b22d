"""The participant's side: find a link by token, show its wave, store one complete response.

What is the same for every kind of link lives here: status, the survey view, the open-window
check, answer and intake validation, the next open wave, submission (a race ends in 409) and
drafts. What a link is, and how its response and draft are stored, belongs to its study, behind
crossover.surveys.kinds.

Imports: waves, catalogue (the intake's concerns), config, db, the surveys' own modules and the
request edge's errors; never a study.
"""

from dataclasses import dataclass
from datetime import datetime
import math

import sqlalchemy as sa

from crossover import waves
from crossover.catalogue.services import options
from crossover.config import local_today
from crossover.db import utcnow
from crossover.extensions import db
from crossover.surveys import kinds, tokens
from crossover.surveys.frozen import FrozenInstrument, frozen_instrument
from crossover.surveys.kinds import Checked, Draft, Link, NewResponse
from crossover.web.errors import Conflict, Invalid, NotFound

UNKNOWN_LINK = "This survey link is not valid."
# What the opening screen promises: measured on the shipped 12-item scale, with time to read.
SECONDS_PER_ITEM, INTAKE_MINUTES = 15, 2
NO_CONCERN = "none"  # the shipped "none of these" concern; it excludes every other one


def find_invitation(token: str) -> Link:
    """The link behind a token, asking each kind of link in turn; an unknown token reveals
    nothing."""
    if 16 <= len(token) <= 64:
        token_hash = tokens.hash_token(token)
        for kind in kinds.registered():
            if (link := kind.find(token_hash)) is not None:
                return link
    raise NotFound(UNKNOWN_LINK)


def status(link: Link) -> str:
    """open, not_open, closed or answered."""
    if link.answered:
        return "answered"
    window, today = link.window, local_today()
    if link.closed or today > window.closes_on:
        return "closed"
    return "not_open" if today < window.opens_on else "open"


def survey_view(link: Link, lang: str) -> dict:
    """What the participant sees: wave, window, scale with anchor labels, items or concerns."""
    window = link.window
    view = {
        "wave": link.wave,
        "lang": lang,
        "kind": link.kind.name,
        "title": link.title,
        "pilot_title": link.pilot_title,
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
    if link.closed and today <= window.closes_on:  # closed early: no "was open until" ahead
        # Worded as it always was, for every kind (clients and tests match the text).
        raise Conflict(
            f"The pilot was closed before this survey's planned end ({window.closes_on}); "
            "it no longer accepts answers."
        )
    if link.closed:
        raise Conflict(
            f"The {link.kind.closed_noun} is closed. This survey was open from "
            f"{window.opens_on} to {window.closes_on}."
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


def _checked(link: Link, payload: dict, *, complete: bool = True) -> Checked:
    """The payload's answers, each checked: the intake's concerns, or the scale's answers."""
    if not waves.asks_scale(link.wave):
        concerns, note = _intake_fields(payload, complete=complete)
        return Checked({}, concerns, note)
    instrument = frozen_instrument(link.instrument_id, link.instrument_created_at)
    answers = _validated_answers(instrument, payload.get("answers") or {}, complete=complete)
    return Checked(answers, [], None, instrument)


def prepare(link: Link, payload: dict) -> NewResponse:
    """Check a submission and build its response with scores, without storing it."""
    _check_open(link)
    return link.kind.new_response(link, _checked(link, payload), utcnow())


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
    """The person's first other wave, in schedule order, that is open and unanswered.

    Read with the link (no query): the only wave answered since is the link's own.
    """
    if link.closed:
        return None
    today = local_today()
    nxt = next(
        (w for w in link.windows if w.wave != link.wave and not w.answered and w.is_open(today)),
        None,
    )
    return None if nxt is None else NextWave(nxt.wave, tokens.token_for(nxt.nonce))


def submit(link: Link, payload: dict) -> Receipt:
    """Store one complete response with its scores, or refuse: 409 twice/late, 422 invalid."""
    response = prepare(link, payload)
    submitted_at = response.submitted_at  # read before the commit expires an ORM row
    try:
        link.kind.store(link, response)
        db.session.commit()
    except sa.exc.IntegrityError:
        # Two submissions raced; the kind's unique row (invitation, roster row) let one in.
        db.session.rollback()
        raise Conflict(
            "This survey has already been answered; a response cannot be changed."
        ) from None
    return Receipt(link.wave, submitted_at, next_open_wave(link))


# --- drafts ------------------------------------------------------------------------------------


def draft_of(link: Link) -> Draft | None:
    return link.kind.draft_of(link)


def _draft_view(draft: Draft | None) -> dict | None:
    if draft is None:
        return None
    return {
        "answers": dict(draft.answers),
        "concerns": list(getattr(draft, "concerns", [])),  # some kinds keep answers only
        "note": getattr(draft, "note", None),
        "saved_at": draft.saved_at,
    }


def save_draft(link: Link, payload: dict) -> dict:
    """Keep the answers given so far (each given value checked); 409 once answered or closed."""
    _check_open(link)
    checked = _checked(link, payload, complete=False)
    saved_at = utcnow()  # also when nothing changed: the participant was here
    link.kind.save_draft(link, checked, saved_at)
    return {**checked.draft_fields(), "saved_at": saved_at}
