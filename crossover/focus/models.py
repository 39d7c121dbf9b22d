"""Focus areas: what an owner chose to work on from a closed round, and the actions taken.

A focus area names a scale (the total or a subscale) or an item, optionally narrowed to a group
the round published (an age × tenure map cell, an age row, a tenure column, or a unit). Its
baseline is copied from the round's frozen publication when the focus is created, so it never
shows a figure the results did not publish (crossover.focus.services).
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crossover.db import utcnow
from crossover.extensions import db

ACTION_STATUSES = ("planned", "in_progress", "done", "dropped")


class FocusArea(db.Model):
    """One thing an owner will work on, marked on a closed round of its company survey."""

    __tablename__ = "focus_areas"
    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    company_survey_id: Mapped[int] = mapped_column(sa.ForeignKey("company_surveys.id"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_rounds.id"), index=True)
    scale: Mapped[str | None] = mapped_column(sa.String(64))  # "total" or a subscale key
    item: Mapped[str | None] = mapped_column(sa.String(64))  # an item key (scale is then null)
    age_band: Mapped[str | None] = mapped_column(sa.String(16))
    tenure_band: Mapped[str | None] = mapped_column(sa.String(16))
    unit: Mapped[str | None] = mapped_column(sa.String(100))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The published figure it starts from: {figure, n, mean, sd, favourable, ci_low, ci_high}.
    baseline: Mapped[dict]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actions: Mapped[list["FocusAction"]] = relationship(
        order_by="FocusAction.starts_on, FocusAction.id",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class FocusAction(db.Model):
    """What the company does about a focus area: what, who, when, and how far it got."""

    __tablename__ = "focus_actions"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="action_dates_in_order"),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'dropped')", name="action_status"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    focus_area_id: Mapped[int] = mapped_column(sa.ForeignKey("focus_areas.id"), index=True)
    what: Mapped[str] = mapped_column(sa.String(500))
    who: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(16), default="planned")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
