"""The shared mentor pool, matches across organizations, and logged sessions."""

from datetime import date, datetime
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crossover.db import enum_column, utcnow
from crossover.extensions import db


class SessionMode(enum.Enum):
    ONLINE = "online"
    IN_PERSON = "in_person"


class Mentor(db.Model):
    """A volunteer mentor or interviewer registered by an owner of their organization."""

    __tablename__ = "mentors"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        # The database enforces capacity too: the counter can never pass it.
        sa.CheckConstraint(
            "active_matches >= 0 AND active_matches <= capacity", name="within_capacity"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    expertise: Mapped[list] = mapped_column(default=list)
    languages: Mapped[list] = mapped_column(default=list)
    capacity: Mapped[int]
    active_matches: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization = relationship("Organization", lazy="joined")


class Match(db.Model):
    """A participant paired with a mentor from another organization."""

    __tablename__ = "matches"
    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id"), index=True)
    # One match per participant: a second is a double submit or a mistake.
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id"), unique=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("mentors.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    mentor: Mapped[Mentor] = relationship(lazy="joined")
    enrollment = relationship("Enrollment", lazy="joined")
    sessions: Mapped[list["MentoringSession"]] = relationship(
        order_by="MentoringSession.held_on", lazy="selectin", back_populates="match"
    )


class MentoringSession(db.Model):
    __tablename__ = "mentoring_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("matches.id"), index=True)
    held_on: Mapped[date]
    minutes: Mapped[int]
    mode: Mapped[SessionMode] = mapped_column(enum_column(SessionMode))
    topics: Mapped[list] = mapped_column(default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    match: Mapped[Match] = relationship(back_populates="sessions")
