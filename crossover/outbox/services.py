"""The outbox's door for the rest of crossover: survey mail found due and queued
(crossover.outbox.due), delivered by the worker (claims, delivery), followed on pages
(progress); and here the command run by hand and the owner's 「送信」.

Survey mail comes from the mail sources the studies register (crossover.outbox.sources); a call
about one scope names it by the source's scope key (pilot_id=…, round_id=…). Account mail
(setup and reset links, crossover.auth.accounts.mail) is queued the same way and delivered with it.
"""

from collections import Counter

from flask import current_app
import sqlalchemy as sa

from crossover.db import utcnow
from crossover.extensions import db
from crossover.outbox import sources
from crossover.outbox.claims import claimable
from crossover.outbox.delivery import deliver
from crossover.outbox.due import Due, count_due, due_messages, enqueue_due
from crossover.outbox.models import ERASED_RECIPIENT, FAILED, SENT, OutboxMessage
from crossover.outbox.progress import Progress, delivery_state, progress

__all__ = [
    "ERASED_RECIPIENT",
    "Due",
    "Progress",
    "count_due",
    "deliver",
    "delivery_state",
    "due_messages",
    "enqueue_due",
    "nudge_send",
    "progress",
    "request_send",
    "send_due",
]

OUTCOMES = {SENT: "sent", FAILED: "failed"}  # anything else is waiting for a retry


def _waiting_survey_mail() -> list[int]:
    """Every survey message claimable now, waiting retries included (ids)."""
    ids = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(claimable(utcnow(), True), OutboxMessage.account_link_id.is_(None))
        .order_by(OutboxMessage.id)
    ).all()
    db.session.commit()
    return ids


def _outcomes(ids: list[int]) -> list[tuple[Due, str]]:
    """Each of these messages (without its body) with where it stands: sent, failed or retry."""
    registered = sources.registered()
    subjects = [sources.subject_column(source) for source in registered]
    results = []
    for start in range(0, len(ids), 10_000):
        rows = db.session.execute(
            sa.select(
                OutboxMessage.kind,
                OutboxMessage.recipient,
                OutboxMessage.subject,
                OutboxMessage.status,
                *subjects,
            ).where(OutboxMessage.id.in_(ids[start : start + 10_000]))
        ).all()
        for kind, recipient, subject, status, *subject_ids in rows:
            if found := sources.source_of(subject_ids):
                source, subject_id = found
                item = Due(source, subject_id, kind, recipient, subject, "")
                results.append((item, OUTCOMES.get(status, "retry")))
    return results


def send_due(dry_run: bool = False, **scope: int | None) -> list[tuple[Due, str]]:
    """Queue what is due and send everything queued now, waiting retries included (the command
    run by hand); returns each message tried with its outcome (sent, retry, failed), or each
    due message with `dry-run`."""
    if dry_run:
        return [(item, "dry-run") for item in due_messages(**scope)]
    enqueue_due(**scope)
    waiting = _waiting_survey_mail()
    deliver(ignore_backoff=True)
    return _outcomes(waiting)


def request_send(**scope: int | None) -> Counter:
    """What the owner's 「送信」 would queue now (counted, not yet queued: the worker's job
    queues and sends it; call nudge_send after the caller's commit)."""
    return count_due(**scope)


def nudge_send(**scope: int | None) -> bool:
    """Ask the worker to queue and send one scope's due mail now (pilot_id=…, round_id=…);
    False when the queue cannot be reached (the schedule's next run does it)."""
    # Every source's key, unset but the one given: the job's log line names them all.
    every = {source.scope_key: None for source in sources.registered()}
    return current_app.extensions["worker"].nudge("send", **{**every, **scope})
