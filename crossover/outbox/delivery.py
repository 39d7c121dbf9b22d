"""Delivery: a worker claims queued messages in batches (crossover.outbox.claims), sends each
batch over one connection, and records the outcome of the whole batch in one transaction.

A temporary failure (refused, timeout, 4xx) is tried again later, each wait twice the last (up
to MAX_BACKOFF); a permanent one (5xx, a bad address), or too many tries, fails for good. A
batch still unsent when it runs past half its lease goes back to the queue untried.
"""

from collections import Counter
from datetime import timedelta
import re
import time

from flask import current_app
import sqlalchemy as sa

from crossover.db import utcnow
from crossover.extensions import db
from crossover.outbox import mailer
from crossover.outbox.claims import Claimed, claim_batch, config_seconds
from crossover.outbox.models import FAILED, QUEUED, SENT, OutboxMessage

MAX_BACKOFF = timedelta(hours=6)
# An account link in a body: replaced once the message is out (only its hash is kept elsewhere).
ACCOUNT_LINK = re.compile(r"\S+/account/(?:setup|reset)/\S+")


def _backoff(attempts: int) -> timedelta:
    first = config_seconds("OUTBOX_RETRY_SECONDS")
    return min(timedelta(seconds=first * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


def _send_batch(sender, rows: list[Claimed], deadline: float) -> tuple[dict, list[int], bool]:
    """Send each claimed row; returns {id: failure or None}, the ids left unsent (the batch ran
    past its deadline or the server could not be reached) and whether the server was down."""
    outcomes: dict[int, mailer.DeliveryFailure | None] = {}
    for index, row in enumerate(rows):
        if time.monotonic() > deadline:
            return outcomes, [r.id for r in rows[index:]], False
        try:
            sender.send(mailer.build_message(row.recipient, row.subject, row.body))
            outcomes[row.id] = None
        except mailer.DeliveryFailure as failure:
            outcomes[row.id] = failure
            if failure.kind in (mailer.REFUSED, mailer.TIMEOUT) and not getattr(sender, "smtp", 1):
                # Could not (re)connect: the rest of the batch would fail the same way.
                for rest in rows[index + 1 :]:
                    outcomes[rest.id] = failure
                return outcomes, [], True
    return outcomes, [], False


def _record(claim: str, rows: list[Claimed], outcomes: dict, unsent: list[int]) -> Counter:
    """Write the batch's outcomes in one transaction (only rows this claim still holds)."""
    now = utcnow()
    counts: Counter = Counter()
    mine = OutboxMessage.claim == claim
    by_id = {row.id: row for row in rows}
    sent = [i for i, failure in outcomes.items() if failure is None]
    for i in sent:
        if by_id[i].account_link_id is not None:  # the link was for its recipient only
            db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id == i, mine)
                .values(body=ACCOUNT_LINK.sub("<link>", by_id[i].body))
            )
    for start in range(0, len(sent), 1_000):
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(sent[start : start + 1_000]), mine)
            .values(status=SENT, sent_at=now, claim=None, error=None, failure=None)
            .execution_options(synchronize_session=False)
        )
    counts["sent"] = len(sent)
    max_attempts = int(current_app.config["OUTBOX_MAX_ATTEMPTS"])
    for i, failure in outcomes.items():
        if failure is None:
            continue
        row = by_id[i]
        values = {"error": failure.detail, "failure": failure.kind, "claim": None}
        if failure.permanent or row.attempts >= max_attempts:
            kind = failure.kind if failure.permanent else mailer.GAVE_UP
            values.update(status=FAILED, failure=kind, next_attempt_at=None)
            counts["failed"] += 1
        else:
            values.update(status=QUEUED, next_attempt_at=now + _backoff(row.attempts))
            counts["retry"] += 1
        db.session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == i, mine).values(values)
        )
    if unsent:  # not tried: back in the queue, the claim's attempt not counted
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(unsent), mine)
            .values(status=QUEUED, claim=None, attempts=OutboxMessage.attempts - 1)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return counts


def deliver(*, ignore_backoff: bool = False, max_batches: int | None = None) -> Counter:
    """Claim and send batches until nothing claimable is left (or the server is down); returns
    counts of sent, retry (temporary failures, tried again later) and failed (for good)."""
    counts: Counter = Counter()
    if mailer.mail_state() == mailer.MAIL_OFF:
        return counts
    size = int(current_app.config["OUTBOX_BATCH_SIZE"])
    # A batch ends by half its lease, so no other worker takes it over while it is being sent.
    budget = config_seconds("OUTBOX_LEASE_SECONDS") / 2
    batches = 0
    sender = mailer.connection()  # one connection, kept across the batches of this run
    try:
        while max_batches is None or batches < max_batches:
            claim, rows = claim_batch(size, ignore_backoff)
            if not rows:
                break
            batches += 1
            outcomes, unsent, down = _send_batch(sender, rows, time.monotonic() + budget)
            counts.update(_record(claim, rows, outcomes, unsent))
            if down:
                break  # the server cannot be reached: the schedule tries again later
    finally:
        sender.close()
    counts["batches"] = batches
    counts["connections"] = sender.opened
    return +counts
