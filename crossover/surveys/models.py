"""What the surveys own: invitations, stored responses with their analysis copies, and drafts.

Table names predate the move from the pilots' models and stay as they were. Foreign keys and
the invitation's enrollment are named by table and class name only: this module imports no
study (the pilots' Enrollment maps its side, Enrollment.invitations).
"""

from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crossover.db import utcnow
from crossover.extensions import db


class Invitation(db.Model):
    """One wave's survey link for one enrollment; the token is derived, only its hash is looked
    up."""

    __tablename__ = "invitations"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "wave"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id"), index=True)
    wave: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[int]
    nonce: Mapped[str] = mapped_column(sa.String(32))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Un-annotated, by class name: the Enrollment class belongs to the pilots, resolved when the
    # mappers are configured (every room's models are imported by then).
    enrollment = relationship("Enrollment", back_populates="invitations")


class Response(db.Model):
    """One stored, unchangeable answer to one invitation, with its scores computed on arrival."""

    __tablename__ = "responses"
    __table_args__ = (sa.Index("ix_responses_pilot_wave", "pilot_id", "wave"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # unique: the database itself refuses a second response, even from two requests at once
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitations.id"), unique=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id"), index=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id"))
    wave: Mapped[str] = mapped_column(sa.String(32))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    answers: Mapped[dict] = mapped_column(default=dict)  # item key -> integer
    scores: Mapped[dict] = mapped_column(default=dict)  # "total" and each subscale -> mean
    concerns: Mapped[list] = mapped_column(default=list)  # intake only
    note: Mapped[str | None] = mapped_column(sa.Text)  # intake only

    # The analysis copies, written with the response; read in bulk by reports, never through here.
    score_copy: Mapped["ResponseScore | None"] = relationship(lazy="raise")
    concern_rows: Mapped[list["ResponseConcern"]] = relationship(lazy="raise")


class ResponseScore(db.Model):
    """The analysis copy of a response's scores, packed so one query reads a whole wave.

    `packed` is one little-endian record: the enrollment id (int32); the int16 sums of recoded
    items, total first, then each subscale in the instrument's order (a score is its sum over its
    item count, exactly as stored in Response.scores); the recoded answers (int8) in item order,
    for reliability. Written in the same transaction as its Response.
    """

    __tablename__ = "response_scores"
    # Clustered by pilot and wave (SQLite WITHOUT ROWID), so a wave is one sequential read.
    __table_args__: ClassVar[dict] = {"sqlite_with_rowid": False}
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id"), primary_key=True)
    wave: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("responses.id"), primary_key=True, unique=True
    )
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id"))
    packed: Mapped[bytes] = mapped_column(sa.LargeBinary)


class ResponseConcern(db.Model):
    """One concern chosen at intake, one row each, so concern tables are a GROUP BY."""

    __tablename__ = "response_concerns"
    __table_args__ = (sa.Index("ix_response_concerns_pilot", "pilot_id"),)
    response_id: Mapped[int] = mapped_column(sa.ForeignKey("responses.id"), primary_key=True)
    concern: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id"))
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id"))


class SurveyDraft(db.Model):
    """Answers given so far to one invitation, so a reopened link resumes where it stopped.

    A draft is never counted anywhere (reports read responses only) and is deleted in the same
    transaction that stores the response.
    """

    __tablename__ = "survey_drafts"
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitations.id"), primary_key=True)
    answers: Mapped[dict] = mapped_column(default=dict)
    concerns: Mapped[list] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(sa.Text)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
