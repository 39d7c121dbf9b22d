"""Claims: a worker takes a batch of queued messages for itself, under a lease.

A claim marks a batch `sending`, with the claim and the time. A worker killed mid-batch leaves
its claim behind; once the lease (CROSSOVER_OUTBOX_LEASE_SECONDS) has passed, another worker
claims that batch again: its messages already sent go out twice, nothing is lost. Claims are one
UPDATE of rows still claimable (on PostgreSQL FOR UPDATE SKIP LOCKED chooses them), so two
workers never claim the same row. Survey mail no longer wanted (each mail source says which) is
cancelled as it is claimed.
"""

from dataclasses import dataclass
from datetime import timedelta
import secrets

from flask import current_app
import sqlalchemy as sa

from crossover.db import utcnow
from crossover.extensions import db
from crossover.outbox import sources
from crossover.outbox.models import CANCELLED, QUEUED, SENDING, OutboxMessage


def config_seconds(name: str) -> float:
    return float(current_app.config[name])


def claimable(now, ignore_backoff: bool):
    """Queued rows whose wait (after a temporary failure) is over, and claims whose lease ended."""
    lease = timedelta(seconds=config_seconds("OUTBOX_LEASE_SECONDS"))
    waited = (
        sa.true()
        if ignore_backoff
        else sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)
    )
    return sa.or_(
        sa.and_(OutboxMessage.status == QUEUED, waited),
        # A claim whose lease ended: its worker died (or stalled) mid-batch.
        sa.and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - lease),
    )


@dataclass(frozen=True)
class Claimed:
    id: int
    recipient: str
    subject: str
    body: str
    attempts: int
    account_link_id: int | None


def claim_batch(size: int, ignore_backoff: bool = False) -> tuple[str, list[Claimed]]:
    """Claim up to `size` claimable messages for this worker, oldest first, and commit."""
    now = utcnow()
    claim = secrets.token_hex(16)
    # Chosen and locked first, then claimed by id: on PostgreSQL an IN (… LIMIT … FOR UPDATE
    # SKIP LOCKED) subquery inside the UPDATE may be run again and claim more than `size` rows.
    # On SQLite the worker's transaction holds the write lock from its start (BEGIN IMMEDIATE).
    chosen = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(claimable(now, ignore_backoff))
        .order_by(OutboxMessage.id)
        .limit(size)
        .with_for_update(skip_locked=True)  # PostgreSQL: rows another worker holds are skipped
    ).all()
    if not chosen:
        db.session.commit()
        return claim, []
    db.session.execute(
        sa.update(OutboxMessage)
        # The condition again: a row claimed meanwhile (a worker without row locks) is left out.
        .where(OutboxMessage.id.in_(chosen), claimable(now, ignore_backoff))
        .values(status=SENDING, claim=claim, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    _withdraw(claim)
    db.session.commit()
    rows = db.session.execute(
        sa.select(
            OutboxMessage.id,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.attempts,
            OutboxMessage.account_link_id,
        )
        .where(OutboxMessage.claim == claim)
        .order_by(OutboxMessage.id)
    ).all()
    db.session.commit()  # no transaction (on SQLite no write lock) stays open while sending
    return claim, [Claimed(*row) for row in rows]


def _withdraw(claim: str) -> None:
    """Cancel claimed survey mail that is no longer wanted: queued before the person answered,
    before their address was erased, or before the owner closed the survey early (as each
    source tells)."""
    unwanted = [
        sources.subject_column(source).in_(source.unwanted()) for source in sources.registered()
    ]
    if not unwanted:
        return
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.claim == claim, sa.or_(*unwanted))
        .values(status=CANCELLED, claim=None)
        .execution_options(synchronize_session=False)
    )
