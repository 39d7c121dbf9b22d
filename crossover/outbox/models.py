"""Every e-mail, recorded before it is sent: invitations and reminders to participants (of
pilots and of company survey rounds), and account mail (setup and password-reset links) to
staff. Also the development mail box and when each background job last ran."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crossover.db import utcnow
from crossover.extensions import db

SUBJECTS = ("invitation_id", "account_link_id", "roster_member_id")
ONE_SUBJECT = " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in SUBJECTS) + " = 1"

# queued: waits for a worker (from next_attempt_at on); sending: claimed by a worker until its
# lease ends (claimed_at + OUTBOX_LEASE_SECONDS), then claimable again; sent; failed: for good
# (a permanent refusal, a bad address, too many tries), with the reason in `failure`;
# cancelled: no longer wanted when claimed (the person answered, or their address was erased).
QUEUED, SENDING, SENT, FAILED, CANCELLED = "queued", "sending", "sent", "failed", "cancelled"
ERASED_RECIPIENT = "(erased)"  # what an outbox row keeps once its address was erased


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # One invitation e-mail and one reminder per invitation, ever: a second run finds the row.
        sa.UniqueConstraint("invitation_id", "kind"),
        sa.UniqueConstraint("roster_member_id", "kind"),  # the same for a company roster row
        # Each message is about exactly one thing: an invitation, an account link or a roster row.
        sa.CheckConstraint(ONE_SUBJECT, name="one_subject"),
        # What a worker claims: queued rows by when they may be tried.
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
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
    status: Mapped[str] = mapped_column(sa.String(16), default=QUEUED)
    error: Mapped[str | None] = mapped_column(sa.Text)  # the last failure's SMTP reply
    failure: Mapped[str | None] = mapped_column(sa.String(16))  # its kind (outbox.delivery)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim: Mapped[str | None] = mapped_column(sa.String(32))  # the claiming worker's batch
    next_attempt_at: Mapped[datetime | None]  # a temporary failure waits until then
    sent_at: Mapped[datetime | None]


class MailboxMessage(db.Model):
    """A message kept instead of sent (CROSSOVER_MAIL_BACKEND=dev), for an admin to read."""

    __tablename__ = "mailbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobRun(db.Model):
    """The last run of each background job, for pages, /metrics and operators."""

    __tablename__ = "job_runs"
    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    ok: Mapped[bool] = mapped_column(default=True)
    summary: Mapped[dict] = mapped_column(default=dict)
