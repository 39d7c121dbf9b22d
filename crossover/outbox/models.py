"""Every invitation and reminder e-mail, recorded before it is sent."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crossover.db import utcnow
from crossover.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    # One invitation e-mail and one reminder per invitation, ever: a second run finds the row.
    __table_args__ = (sa.UniqueConstraint("invitation_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(sa.ForeignKey("invitations.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # invitation | reminder
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending | sent | failed
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
