"""Versioned questionnaires: items on one integer response scale."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crossover.db import utcnow
from crossover.extensions import db


class Instrument(db.Model):
    """One version of a questionnaire; versions of the same questionnaire share a family."""

    __tablename__ = "instruments"
    __table_args__ = (
        sa.UniqueConstraint("family", "version"),
        sa.CheckConstraint("scale_min < scale_max", name="scale_range"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # shipped instruments only
    family: Mapped[str] = mapped_column(sa.String(36), index=True)
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(sa.String(200))
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    scale_min: Mapped[int]
    scale_max: Mapped[int]
    anchors: Mapped[list] = mapped_column(default=list)  # [{value, label_ja, label_en}]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list["InstrumentItem"]] = relationship(
        order_by="InstrumentItem.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def subscales(self) -> list[str]:
        return list(dict.fromkeys(item.subscale for item in self.items))


class InstrumentItem(db.Model):
    __tablename__ = "instrument_items"
    __table_args__ = (sa.UniqueConstraint("instrument_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(sa.ForeignKey("instruments.id"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(64))
    text_ja: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text)
    subscale: Mapped[str] = mapped_column(sa.String(64))
    reverse: Mapped[bool] = mapped_column(default=False)
