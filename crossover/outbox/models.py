"""Every e-mail, recorded before it is sent: invitations and reminders to participants (of
pilots and of company survey rounds), and account mail (setup and password-reset links) to
staff."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crossover.db import utcnow
from crossover.extensions import db

SUBJECTS = ("invitation_id", "account_link_id", "roster_member_id")
ONE_SUBJECT = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in SUBJECTS) + " = 1"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # One invitation e-mail and one reminder per invitation, ever: a second run finds the row.
        sa.UniqueConstraint("invitation_id", "kind"),
        sa.UniqueConstraint("roster_member_id", "kind"),  # the same for a company roster row
        # Each message is about exactly one thing: an invitation, an account link or a roster row.
        sa.CheckConstraint(ONE_SUBJECT, name="one_subject"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invitations.id"), index=True)
    account_link_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account_links.id"), index=True, unique=True
    )
    roster_member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roster_members.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # invitation | reminder | setup | reset
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending | sent | failed
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
