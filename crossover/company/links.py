"""A roster row's survey link, as the participant survey reads and stores it: the company's
kind of survey link (crossover.surveys.kinds), registered by crossover.modules after the pilots'.

crossover.surveys.services looks here when no pilot invitation matches a token's hash (tokens
are 192 random bits, so the two tables never share one). Reading is one query; storing writes
a RoundResponse (answers, mean total, packed record with the roster member id in the id slot)
and drops the row's draft, in the caller's transaction. A draft is given back only to the
browser that saved it (crossover.surveys.draft_keys).
"""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from crossover import waves
from crossover.company.models import (
    CompanySurvey,
    RosterMember,
    RoundDraft,
    RoundResponse,
    SurveyRound,
)
from crossover.extensions import db
from crossover.instruments.models import Instrument
from crossover.surveys import draft_keys
from crossover.surveys.kinds import Checked, Link, Window
from crossover.surveys.packed import RecordLayout
from crossover.surveys.scoring import means, scale_sums


@dataclass(frozen=True)
class RosterLink:
    """What a roster token opens: the row, its round's window and frozen instrument."""

    member_id: int
    nonce: str
    round_id: int
    round_label: str
    survey_title: str
    opens_on: date
    closes_on: date
    instrument_id: int
    instrument_created_at: datetime
    answered: bool
    has_draft: bool
    closed: bool  # closed early by an owner


ROSTER_LINK_QUERY = (
    sa.select(
        RosterMember.id,
        RosterMember.nonce,
        SurveyRound.id,
        SurveyRound.label,
        CompanySurvey.title,
        SurveyRound.opens_on,
        SurveyRound.closes_on,
        SurveyRound.instrument_id,
        Instrument.created_at,
        sa.exists().where(RoundResponse.member_id == RosterMember.id),
        sa.exists().where(RoundDraft.member_id == RosterMember.id),
        SurveyRound.closed_at.is_not(None),
    )
    .join(SurveyRound, SurveyRound.id == RosterMember.round_id)
    .join(CompanySurvey, CompanySurvey.id == SurveyRound.company_survey_id)
    .join(Instrument, Instrument.id == SurveyRound.instrument_id)
    .where(RosterMember.token_hash == sa.bindparam("token_hash"))
)


def find_roster_link(token_hash: str) -> RosterLink | None:
    row = db.session.execute(ROSTER_LINK_QUERY, {"token_hash": token_hash}).first()
    return None if row is None else RosterLink(*row)


def round_response(
    member_id: int, round_id: int, layout: RecordLayout, answers: dict[str, int], submitted_at
) -> RoundResponse:
    """A complete round response with its mean total and packed record (not yet added)."""
    sums = scale_sums(answers, layout.items, layout.scale_min, layout.scale_max)
    return RoundResponse(
        member_id=member_id,
        round_id=round_id,
        submitted_at=submitted_at,
        answers=answers,
        total=means(sums)["total"],
        packed=layout.pack(member_id, answers, sums),
    )


def delete_draft(member_id: int) -> None:
    db.session.execute(sa.delete(RoundDraft).where(RoundDraft.member_id == member_id))


def keyed_draft(member_id: int, key_hash: str | None) -> RoundDraft | None:
    """The row's draft, only for the browser that saved it (its cookie key's hash): whoever
    else holds the link — a forwarded mail, a shared phone — sees none."""
    draft = db.session.get(RoundDraft, member_id)
    if draft is None or key_hash is None or draft.key_hash != key_hash:
        return None
    return draft


def save_keyed_draft(
    member_id: int, has_draft: bool, answers: dict[str, int], saved_at, key_hash: str
) -> None:
    """Insert the row's first draft, else replace it (keyed to this browser); commits."""
    values = {"answers": answers, "saved_at": saved_at, "key_hash": key_hash}
    if not has_draft:
        db.session.add(RoundDraft(member_id=member_id, **values))
        try:
            db.session.commit()
            return
        except sa.exc.IntegrityError:
            db.session.rollback()  # another tab saved this row's first draft a moment before
    db.session.execute(
        sa.update(RoundDraft).where(RoundDraft.member_id == member_id).values(**values)
    )
    db.session.commit()


class CompanyLinks:
    """One round of one employee: row_id and person_id are the roster member's id, study_id the
    round's, title the company survey's; its one window is the round's."""

    name = "company"
    closed_noun = "round"

    def find(self, token_hash: str) -> Link | None:
        found = find_roster_link(token_hash)
        if found is None:
            return None
        window = Window(waves.ROUND, found.opens_on, found.closes_on, found.nonce, found.answered)
        return Link(
            row_id=found.member_id,
            person_id=found.member_id,
            wave=waves.ROUND,
            study_id=found.round_id,
            title=found.survey_title,
            closed=found.closed,
            instrument_id=found.instrument_id,
            instrument_created_at=found.instrument_created_at,
            windows=(window,),
            has_draft=found.has_draft,
            kind=self,
            round_label=found.round_label,
        )

    def new_response(self, link: Link, checked: Checked, submitted_at: datetime) -> RoundResponse:
        layout = checked.instrument.layout  # a round always asks the scale
        return round_response(link.row_id, link.study_id, layout, checked.answers, submitted_at)

    def store(self, link: Link, response: RoundResponse) -> None:
        db.session.add(response)
        db.session.flush()
        if link.has_draft:
            delete_draft(link.row_id)

    def draft_of(self, link: Link) -> RoundDraft | None:
        return keyed_draft(link.row_id, draft_keys.current_hash())

    def save_draft(self, link: Link, checked: Checked, saved_at: datetime) -> None:
        key_hash = draft_keys.ensure()
        save_keyed_draft(link.row_id, link.has_draft, checked.answers, saved_at, key_hash)


COMPANY_LINKS = CompanyLinks()
