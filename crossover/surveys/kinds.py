"""The kinds of survey link: what the participant survey needs from the study a token belongs to.

A token opens one person's survey in one study: today a pilot's wave (the pilots' invitation)
or a company survey round's roster row. The surveys room knows no study. Each study implements
LinkKind in its own room and registers it when the app is built (crossover.modules);
crossover.surveys.services asks the registered kinds in order, checks and validates answers, and
hands the kind the checked answers to build, store and draft.

Imports: surveys' own frozen instruments only; never a study.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from flask import Flask, current_app

from crossover.surveys.frozen import FrozenInstrument


@dataclass(frozen=True)
class Window:
    """One wave of the person's study, with their own link to it."""

    wave: str
    opens_on: date  # a window open from enrolment opens on the enrolment day
    closes_on: date
    nonce: str  # of this person's link to the wave
    answered: bool

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on


@dataclass(frozen=True)
class Link:
    """What a token opens, read by its kind in one query: the person's row, the study and every
    wave's window.

    row_id is the kind's row the answers are stored against (a pilot invitation, a roster row);
    person_id who answers (an enrollment, a roster member); study_id and title the study's (a
    pilot, a company survey round with its survey's title). pilot_title and round_label are the
    survey view's fields of the same names: each kind fills its own, others leave them None.
    """

    row_id: int
    person_id: int
    wave: str
    study_id: int
    title: str
    closed: bool  # closed by an owner (early or not)
    instrument_id: int
    instrument_created_at: datetime
    windows: tuple[Window, ...]  # every wave of the study, in schedule order
    has_draft: bool
    kind: "LinkKind"
    pilot_title: str | None = None
    round_label: str | None = None

    @property
    def answered(self) -> bool:
        return self.window.answered

    @property
    def window(self) -> Window:
        return next(w for w in self.windows if w.wave == self.wave)


@dataclass(frozen=True)
class Checked:
    """Answers that passed the surveys' checks: a scale wave's answers in item order with the
    frozen instrument they answer, or an intake's concerns and note (instrument None)."""

    answers: dict[str, int]
    concerns: list[str]
    note: str | None
    instrument: FrozenInstrument | None = None

    def draft_fields(self) -> dict:
        return {"answers": self.answers, "concerns": self.concerns, "note": self.note}


class Draft(Protocol):
    """A saved draft as the survey view reads it (concerns and note when the kind keeps them)."""

    answers: dict
    saved_at: datetime


class NewResponse(Protocol):
    """A response built but not stored yet."""

    @property
    def submitted_at(self) -> datetime: ...


class LinkKind(Protocol):
    """One kind of survey link, implemented by the study it belongs to."""

    name: str  # the survey view's "kind", which the pages and API clients read
    closed_noun: str  # what "The … is closed." names

    def find(self, token_hash: str) -> Link | None:
        """The link with this token hash, or None when it is not one of this kind's."""

    def new_response(self, link: Link, checked: Checked, submitted_at: datetime) -> NewResponse:
        """The response to store for these checked answers, with its scores, not stored yet."""

    def store(self, link: Link, response: NewResponse) -> None:
        """Insert the response and drop the link's draft in the caller's transaction (no
        commit). A second response to the same row raises IntegrityError."""

    def draft_of(self, link: Link) -> Draft | None:
        """The link's draft, if this request may see it."""

    def save_draft(self, link: Link, checked: Checked, saved_at: datetime) -> None:
        """Keep the answers given so far (a first draft, else replace it) and commit."""


REGISTRY = "crossover.survey_link_kinds"  # key in app.extensions


def register(app: Flask, kind: LinkKind) -> None:
    """Add a kind of link to an app; looked up in the order first registered. Registering a kind
    again replaces it in its place."""
    app.extensions.setdefault(REGISTRY, {})[kind.name] = kind


def registered() -> tuple[LinkKind, ...]:
    """The current app's kinds, in lookup order."""
    return tuple(current_app.extensions.get(REGISTRY, {}).values())
