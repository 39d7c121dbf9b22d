"""Pilots with their preregistration and wave schedule; enrollments and contacts.

Invitations and responses belong to the surveys (crossover.surveys.models).
"""

from datetime import date, datetime
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crossover.db import enum_column, utcnow
from crossover.extensions import db

if TYPE_CHECKING:  # mapped in crossover.surveys.models, which names Enrollment by string
    from crossover.surveys.models import Invitation


class PilotStatus(enum.Enum):
    DRAFT = "draft"
    RECRUITING = "recruiting"
    RUNNING = "running"
    CLOSED = "closed"


class PilotFormat(enum.Enum):
    MENTORING = "mentoring"
    CAREER_INTERVIEW = "career_interview"
    OTHER = "other"


class Direction(enum.Enum):
    INCREASE = "increase"
    DECREASE = "decrease"
    TWO_SIDED = "two-sided"


class PrimaryTest(enum.Enum):
    PAIRED_T = "paired_t"
    WILCOXON = "wilcoxon"


class Arm(enum.Enum):
    PARTICIPANT = "participant"
    COMPARISON = "comparison"


class Allocation(enum.Enum):
    """How people reach the comparison arm (DESIGN.md, second edition)."""

    RANDOMISED = "randomised"  # permuted blocks within strata; the default with a comparison arm
    ASSIGNED = "assigned"  # the owner picks: a non-randomised comparison


DEFAULT_STRATA = ["age_band", "career_phase"]
STRATUM_FIELDS = ("age_band", "career_phase")  # the enrollment attributes a stratum may use


class Pilot(db.Model):
    """One organization's time-boxed trial of one initiative."""

    __tablename__ = "pilots"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        sa.CheckConstraint("planned_n >= 2", name="planned_n_min"),
        sa.CheckConstraint("alpha > 0 AND alpha < 1", name="alpha_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    initiative_id: Mapped[int] = mapped_column(sa.ForeignKey("initiatives.id"), index=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    format: Mapped[PilotFormat] = mapped_column(enum_column(PilotFormat))
    status: Mapped[PilotStatus] = mapped_column(
        enum_column(PilotStatus), default=PilotStatus.DRAFT, index=True
    )
    has_comparison: Mapped[bool] = mapped_column(default=False)
    planned_n: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    eligible_age_bands: Mapped[list] = mapped_column(default=list)  # empty: every band
    eligible_career_phases: Mapped[list] = mapped_column(default=list)  # empty: every phase
    # Company-survey tenure bands (crossover.catalogue.bands); null: every tenure, unrecorded.
    eligible_tenure_bands: Mapped[list | None]
    followup_days: Mapped[list] = mapped_column(default=list)  # offsets after ends_on
    # Preregistration: editable in draft, frozen when the pilot leaves draft.
    outcome: Mapped[str] = mapped_column(sa.String(64), default="total")
    direction: Mapped[Direction] = mapped_column(enum_column(Direction), default=Direction.INCREASE)
    alpha: Mapped[float] = mapped_column(default=0.05)
    primary_test: Mapped[PrimaryTest] = mapped_column(
        enum_column(PrimaryTest), default=PrimaryTest.PAIRED_T
    )
    min_dz: Mapped[float] = mapped_column(default=0.2)
    # Started from a company survey's focus area (crossover.focus): the rationale says so and is
    # frozen with the rest of the preregistration.
    focus_area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("focus_areas.id"), index=True)
    rationale: Mapped[str | None] = mapped_column(sa.Text)
    # With a comparison arm: randomised unless preregistered "assigned" (null: the default).
    allocation: Mapped[Allocation | None] = mapped_column(enum_column(Allocation))
    strata: Mapped[list | None]  # enrollment attributes to stratify on; null: DEFAULT_STRATA
    # Drawn when the pilot leaves draft; shown to nobody before the pilot is closed.
    allocation_seed: Mapped[str | None] = mapped_column(sa.String(64))
    preregistered_at: Mapped[datetime | None]
    # The grid cell the pilot ran in, kept when it closes (see crossover.pilots.cells).
    closed_venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venues.id"))
    closed_level_id: Mapped[int | None] = mapped_column(sa.ForeignKey("levels.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    initiative = relationship("Initiative", lazy="joined")
    instrument = relationship("Instrument")
    organization = relationship("Organization", lazy="joined")
    closed_venue = relationship("Venue")
    closed_level = relationship("Level")
    waves: Mapped[list["WaveWindow"]] = relationship(
        order_by="WaveWindow.position", cascade="all, delete-orphan", lazy="selectin"
    )

    def wave(self, name: str) -> "WaveWindow | None":
        return next((w for w in self.waves if w.wave == name), None)

    @property
    def allocation_method(self) -> Allocation | None:
        """How arms are given: None without a comparison arm, else randomised unless assigned."""
        if not self.has_comparison:
            return None
        return self.allocation or Allocation.RANDOMISED

    @property
    def randomised(self) -> bool:
        return self.allocation_method is Allocation.RANDOMISED

    @property
    def stratum_fields(self) -> list[str]:
        return DEFAULT_STRATA if self.strata is None else list(self.strata)


class WaveWindow(db.Model):
    """When one wave of a pilot is open. A null opens_on means: from enrolment."""

    __tablename__ = "wave_windows"
    __table_args__ = (
        sa.UniqueConstraint("pilot_id", "wave"),
        sa.CheckConstraint("opens_on IS NULL OR closes_on >= opens_on", name="window_in_order"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id"), index=True)
    wave: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[int]
    opens_on: Mapped[date | None]
    closes_on: Mapped[date]


class Enrollment(db.Model):
    """A person in one pilot, known only by a pseudonymous code."""

    __tablename__ = "enrollments"
    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    arm: Mapped[Arm] = mapped_column(enum_column(Arm), default=Arm.PARTICIPANT)
    # Randomised pilots: the stratum and the place in its sequence of permuted blocks.
    stratum: Mapped[str | None] = mapped_column(sa.String(64))
    allocation_slot: Mapped[int | None]
    age_band: Mapped[str] = mapped_column(sa.String(16))
    career_phase: Mapped[str] = mapped_column(sa.String(32))
    tenure_band: Mapped[str | None] = mapped_column(sa.String(16))  # pilots with tenure rules
    consented_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None]

    pilot: Mapped[Pilot] = relationship()
    invitations: Mapped[list["Invitation"]] = relationship(
        order_by="Invitation.position",
        cascade="all, delete-orphan",
        lazy="selectin",
        back_populates="enrollment",
    )


class Contact(db.Model):
    """Contact data, kept apart from answers so it can be erased on request."""

    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrollments.id"), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254))


class EnrollmentUpload(db.Model):
    """An accepted enrolment CSV: the same file (by SHA-256) is enrolled once per pilot, ever."""

    __tablename__ = "enrollment_uploads"
    # unique: two simultaneous uploads of one file cannot both commit, on either engine
    __table_args__ = (sa.UniqueConstraint("pilot_id", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = mapped_column(sa.ForeignKey("pilots.id"))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    enrolled: Mapped[int]
    summary: Mapped[dict] = mapped_column(default=dict)  # with_email, and people per arm
