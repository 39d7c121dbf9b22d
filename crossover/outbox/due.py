"""Due invitations and reminders: found among the mail sources' candidates a chunk at a time (in
a few queries per chunk), counted for the owner's send button, and queued in the outbox.

Each subject (a pilot's invitation, a round's roster row) gets at most one invitation and one
reminder: a row, once queued, is the worker's, and a second run's duplicates are skipped by the
table's unique constraints.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from crossover.config import local_today
from crossover.db import utcnow
from crossover.extensions import db
from crossover.outbox import mailer, sources
from crossover.outbox.models import QUEUED, SENT, OutboxMessage
from crossover.outbox.sources import Candidate, MailSource

PLAN_CHUNK = 2_000  # candidates read, rendered and queued at a time: memory stays bounded
IN_LIST = 10_000  # ids in one IN list: bounded for large rounds


@dataclass(frozen=True)
class Due:
    """One message due: an invitation or a reminder to one subject of one source."""

    source: MailSource
    subject_id: int  # in the source's subject column
    kind: str
    recipient: str
    subject: str
    body: str

    @property
    def about(self) -> str:
        return f"{self.source.noun} {self.subject_id}"


def outbox_state(subject_ids: list[int], column) -> dict[tuple[int, str], OutboxMessage]:
    """The outbox rows of these subjects (ids in the subject column `column`), by id and kind."""
    state = {}
    for start in range(0, len(subject_ids), IN_LIST):
        rows = db.session.scalars(
            sa.select(OutboxMessage).where(column.in_(subject_ids[start : start + IN_LIST]))
        )
        state.update({(getattr(row, column.key), row.kind): row for row in rows})
    return state


def _needs_sending(row: OutboxMessage | None) -> bool:
    # A row, once made, is the worker's: queued, sending (its lease decides), sent or failed.
    return row is None


def _remind_within() -> timedelta:
    return timedelta(days=int(current_app.config["REMINDER_DAYS_BEFORE_CLOSE"]))


def _kind_due(state: dict, subject_id: int, closes_on, today) -> str | None:
    """invitation (never queued), reminder (near the close, a day after the invitation was sent)
    or None."""
    sent = state.get((subject_id, "invitation"))
    if _needs_sending(sent):
        return "invitation"
    if (
        sent.status == "sent"
        and sent.sent_at.date() < today
        and today >= closes_on - _remind_within()
        and _needs_sending(state.get((subject_id, "reminder")))
    ):
        return "reminder"
    return None


def _due_of(source: MailSource, candidates: list[Candidate], today) -> list[Due]:
    state = outbox_state([c.subject_id for c in candidates], sources.subject_column(source))
    due = []
    for candidate in candidates:
        if kind := _kind_due(state, candidate.subject_id, candidate.closes_on, today):
            subject, body = source.render(kind, candidate)
            due.append(Due(source, candidate.subject_id, kind, candidate.recipient, subject, body))
    return due


def _due_chunks(scope: dict[str, int | None]) -> Iterator[list[Due]]:
    """Due messages, a bounded chunk of candidates at a time (source by source, in the order
    they were registered: pilots first, then rounds)."""
    today = local_today()
    for source, scope_id in sources.in_scope(scope):
        after = 0
        while candidates := source.candidates(today, scope_id, after=after, limit=PLAN_CHUNK):
            after = candidates[-1].subject_id
            yield _due_of(source, list(candidates), today)


def due_messages(**scope: int | None) -> list[Due]:
    """Invitations whose wave (or round) has opened and were not sent; reminders near the close
    (of one scope when given, e.g. pilot_id=…: the owner's send button)."""
    return [item for chunk in _due_chunks(scope) for item in chunk]


def _counts(base: sa.Select, subject, closes_on, today) -> Counter:
    """Invitations and reminders due among a source's counted candidates, in one count each."""
    # sent_at.date() < today, as _kind_due compares them
    start_of_today = datetime.combine(today, datetime.min.time(), tzinfo=UTC)

    def row_of(kind: str):
        return sa.select(OutboxMessage.id).where(subject, OutboxMessage.kind == kind)

    invited_sent = row_of("invitation").where(
        OutboxMessage.status == SENT, OutboxMessage.sent_at < start_of_today
    )
    invitations = db.session.scalar(base.where(~row_of("invitation").exists()))
    reminders = db.session.scalar(
        base.where(
            closes_on <= today + _remind_within(),
            invited_sent.exists(),
            ~row_of("reminder").exists(),
        )
    )
    return Counter({"invitation": invitations, "reminder": reminders})


def count_due(**scope: int | None) -> Counter:
    """How many invitations and reminders are due, by the rules of `_kind_due`, in one count
    per kind and source (nothing rendered, nothing written): what 「送信」 answers at once."""
    today = local_today()
    due: Counter = Counter()
    for source, scope_id in sources.in_scope(scope):
        base, subject_id, closes_on = source.due_count_base(today, scope_id)
        subject = sources.subject_column(source) == subject_id
        due.update(_counts(base, subject, closes_on, today))
    db.session.commit()
    return +due


def _insert_ignoring_duplicates(rows: list[dict]) -> None:
    """Insert outbox rows; a row another run queued first (same subject and kind) is skipped."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(OutboxMessage).on_conflict_do_nothing(), rows)


def _row_of(item: Due, now) -> dict:
    return {
        item.source.subject_key: item.subject_id,
        "kind": item.kind,
        "recipient": item.recipient,
        "subject": item.subject,
        "body": item.body,
        "status": QUEUED,
        "attempts": 0,
        "created_at": now,
        "claimed_at": now,
    }


def enqueue_due(**scope: int | None) -> Counter:
    """Queue every due invitation and reminder (of one scope when given), a chunk and a commit
    at a time; returns how many of each kind were found due."""
    queued: Counter = Counter()
    if mailer.mail_state() == mailer.MAIL_OFF:
        return queued  # nothing could leave: queue nothing rather than a backlog
    for chunk in _due_chunks(scope):
        if chunk:
            now = utcnow()
            _insert_ignoring_duplicates([_row_of(item, now) for item in chunk])
            queued.update(item.kind for item in chunk)
        db.session.commit()
        db.session.expunge_all()
    return queued
