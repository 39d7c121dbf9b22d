"""Company survey rounds' mail, as a source for the outbox (crossover.outbox.sources): one
invitation and one reminder per roster row with an e-mail address, while its round is open and
not closed early by its owner; a round's mail followed on its page."""

from datetime import date

from flask import render_template
from flask_babel import force_locale
import sqlalchemy as sa

from crossover.company.models import (
    CompanySurvey,
    RosterContact,
    RosterMember,
    RoundResponse,
    SurveyRound,
)
from crossover.extensions import db
from crossover.outbox.models import OutboxMessage
from crossover.outbox.sources import Candidate
from crossover.surveys import tokens


def _open_today(today: date) -> list:
    return [
        SurveyRound.opens_on <= today,
        SurveyRound.closes_on >= today,
        SurveyRound.closed_at.is_(None),  # closed early by an owner
    ]


def _one_round(round_id: int | None) -> list:
    return [] if round_id is None else [SurveyRound.id == round_id]


class RosterRows:
    """Roster rows of company survey rounds, by roster row id."""

    name = "rounds"
    scope_key = "round_id"
    subject_key = "roster_member_id"  # its column in OutboxMessage
    noun = "roster row"

    def candidates(
        self, today: date, scope_id: int | None, *, after: int, limit: int
    ) -> list[Candidate]:
        """Unanswered roster rows with an e-mail address, of rounds open today."""
        rows = db.session.execute(
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
                *_open_today(today),
                RosterMember.id > after,
                *_one_round(scope_id),
            )
            .order_by(RosterMember.id)
            .limit(limit)
        ).all()
        return [
            Candidate(member_id, closes_on, email, (nonce, label, title))
            for member_id, nonce, label, closes_on, title, email in rows
        ]

    def render(self, kind: str, candidate: Candidate) -> tuple[str, str]:
        nonce, label, title = candidate.details
        context = {
            "kind": kind,
            "title": title,
            "round_label": label,
            "closes_on": candidate.closes_on,
            "url": tokens.survey_url(tokens.token_for(nonce)),
        }
        with force_locale("ja"):  # employees are written to in Japanese, with an English line
            subject = render_template("outbox/round_subject.txt", **context).strip()
            body = render_template("outbox/round_body.txt", **context)
        return subject, body

    def due_count_base(self, today: date, scope_id: int | None):
        base = (
            sa.select(sa.func.count())
            .select_from(RosterMember)
            .join(SurveyRound, SurveyRound.id == RosterMember.round_id)
            .join(RosterContact, RosterContact.member_id == RosterMember.id)
            .where(
                ~sa.exists().where(RoundResponse.member_id == RosterMember.id),
                *_open_today(today),
                *_one_round(scope_id),
            )
        )
        return base, RosterMember.id, SurveyRound.closes_on

    def unwanted(self) -> sa.Select:
        """Roster rows answered, whose address was erased, or whose round was closed early."""
        return (
            sa.select(RosterMember.id)
            .join(SurveyRound, SurveyRound.id == RosterMember.round_id)
            .where(
                sa.or_(
                    ~sa.exists().where(RosterContact.member_id == RosterMember.id),
                    sa.exists().where(RoundResponse.member_id == RosterMember.id),
                    SurveyRound.closed_at.is_not(None),  # the owner closed the round early
                )
            )
        )

    def progress_rows(self, scope_id: int):
        """A round's mail (grouped by its label: one group)."""
        group = SurveyRound.label
        query = (
            sa.select(group, OutboxMessage.kind, OutboxMessage.status, OutboxMessage.failure)
            .join(RosterMember, RosterMember.id == OutboxMessage.roster_member_id)
            .join(SurveyRound, SurveyRound.id == RosterMember.round_id)
            .where(RosterMember.round_id == scope_id)
        )
        return group, query


SOURCE = RosterRows()
