"""The grid (venues × levels, data not code), initiatives and reference options."""

from datetime import datetime
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crossover.db import enum_column, utcnow
from crossover.extensions import db


class InitiativeStatus(enum.Enum):
    IDEA = "idea"
    PILOTING = "piloting"
    VALIDATED = "validated"
    RETIRED = "retired"


class Venue(db.Model):
    """The receiving side of a crossing (a grid column)."""

    __tablename__ = "venues"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_ja: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[int]


class Level(db.Model):
    """How firm a crossing is (a grid row): loose, middle, firm."""

    __tablename__ = "levels"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_ja: Mapped[str] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    description_ja: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int]


class Initiative(db.Model):
    """A catalogue entry (施策) placed in exactly one grid cell."""

    __tablename__ = "initiatives"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # shipped entries only
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id"), index=True)
    level_id: Mapped[int] = mapped_column(sa.ForeignKey("levels.id"), index=True)
    title_ja: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    description_ja: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    effects: Mapped[list] = mapped_column(default=list)
    status: Mapped[InitiativeStatus] = mapped_column(
        enum_column(InitiativeStatus), default=InitiativeStatus.IDEA
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    venue: Mapped[Venue] = relationship(lazy="joined")
    level: Mapped[Level] = relationship(lazy="joined")


class ReferenceOption(db.Model):
    """A shipped choice list entry: age band, career phase, concern or effect tag."""

    __tablename__ = "reference_options"
    __table_args__ = (sa.UniqueConstraint("kind", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    key: Mapped[str] = mapped_column(sa.String(64))
    label_ja: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int]
