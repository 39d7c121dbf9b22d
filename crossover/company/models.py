"""Company surveys, their rounds, each round's roster, and the responses to it.

A roster row is one employee invited to one round. The company's own employee id is never
stored: `person_key` is a keyed hash of it (secret key and organisation), equal across the
rounds of one organisation, so a panel of people who answered two rounds can be linked without
keeping who they are. E-mail addresses live apart (RosterContact) so they can be erased.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crossover.db import utcnow
from crossover.extensions import db


class CompanySurvey(db.Model):
    """One organisation's series of rounds of one instrument family."""

    __tablename__ = "company_surveys"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    # The instrument the next round freezes; a later version of its family makes a trend break.
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rounds: Mapped[list["SurveyRound"]] = relationship(
        order_by="SurveyRound.opens_on, SurveyRound.id", back_populates="survey", lazy="raise"
    )


class SurveyRound(db.Model):
    """One round ("2026") of a company survey: a window and the instrument version it froze."""

    __tablename__ = "survey_rounds"
    __table_args__ = (
        sa.UniqueConstraint("company_survey_id", "label"),
        sa.CheckConstraint("closes_on >= opens_on", name="round_dates_in_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    company_survey_id: Mapped[int] = mapped_column(sa.ForeignKey("company_surveys.id"), index=True)
    # Denormalised from the survey so that access checks and the consortium view need no join.
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(64))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    # Bumped by every roster or engagement upload: what cached roster arrays check.
    data_version: Mapped[int] = mapped_column(default=0, server_default="0")
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The owner closed the round before its window ended (POST /rounds/<id>/close).
    closed_at: Mapped[datetime | None]
    # When engagement scores were given (with the roster or one later upload): once per round.
    engagement_given_at: Mapped[datetime | None]
    # An operator wrote the round's links to a file for sealed paper delivery (export-links).
    paper_links_at: Mapped[datetime | None]
    # The round's publication: computed once, at the first read after it closed, and kept
    # (crossover.company.publication); never recomputed.
    publication: Mapped[dict | None]
    published_at: Mapped[datetime | None]

    survey: Mapped[CompanySurvey] = relationship(back_populates="rounds")


class RosterMember(db.Model):
    """One employee invited to one round, known by a keyed hash of the company's id."""

    __tablename__ = "roster_members"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "person_key"),
        # Covers results' read of a round's roster grouped by band (no table rows, no sort).
        sa.Index(
            "ix_roster_members_round_bands",
            "round_id",
            "age_band",
            "tenure_band",
            "unit",
            "id",
            "engagement",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_rounds.id"))
    person_key: Mapped[str] = mapped_column(sa.String(64))  # keyed hash of employee_ref
    age_band: Mapped[str] = mapped_column(sa.String(16))
    tenure_band: Mapped[str] = mapped_column(sa.String(16))
    unit: Mapped[str] = mapped_column(sa.String(100))
    career_phase: Mapped[str | None] = mapped_column(sa.String(32))
    engagement: Mapped[float | None]  # the company's own engagement score, any scale
    nonce: Mapped[str] = mapped_column(sa.String(32))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RosterContact(db.Model):
    """A roster row's e-mail address, kept apart from answers so it can be erased."""

    __tablename__ = "roster_contacts"
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_members.id"), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))


class RosterUpload(db.Model):
    """An accepted roster CSV: the same file (by SHA-256) is imported once per round, ever."""

    __tablename__ = "roster_uploads"
    __table_args__ = (sa.UniqueConstraint("round_id", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_rounds.id"))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    added: Mapped[int]


class RoundResponse(db.Model):
    """One stored, unchangeable answer of one roster row, with its scores.

    `total` is the mean of the recoded items, stored as a column so the consortium view can
    aggregate in SQL; `packed` is the surveys' packed record (crossover.surveys.packed, with the
    roster member id in the id slot) that results decode in bulk.
    """

    __tablename__ = "round_responses"
    __table_args__ = (
        sa.Index("ix_round_responses_round_total", "round_id", "total"),
        # Covers the read of a round's packed records, without the answers' JSON in each row:
        # 100,000 responses in 30 ms instead of 180 (SQLite).
        sa.Index("ix_round_responses_round_packed", "round_id", "packed"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    # unique: the database itself refuses a second response, even from two requests at once
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_members.id"), unique=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_rounds.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    answers: Mapped[dict] = mapped_column(default=dict)  # item key -> integer
    total: Mapped[float]
    packed: Mapped[bytes] = mapped_column(sa.LargeBinary)


class RoundDraft(db.Model):
    """Answers given so far by one roster row; never counted, deleted with the submission."""

    __tablename__ = "round_drafts"
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("roster_members.id"), primary_key=True)
    answers: Mapped[dict] = mapped_column(default=dict)
    # SHA-256 of the key in the cookie of the browser that saved it: only that browser gets the
    # answers back (whoever else holds the link sees no draft).
    key_hash: Mapped[str | None] = mapped_column(sa.String(64))
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
