"""Due invitations and reminders: chosen in a few queries and queued in the outbox; then a
worker claims queued messages in batches and sends each batch over one connection.

Two kinds of survey link get mail: a pilot's invitations (one per wave of an enrolled person)
and a company survey round's roster rows; each gets at most one invitation and one reminder.
Account mail (setup and reset links, crossover.outbox.accounts) is queued the same way.

A message goes out at most once: a worker claims a batch (status `sending`, its claim and the
time), sends it, and records the outcome of the whole batch in one transaction. A worker killed
mid-batch leaves its claim behind; once the lease (CROSSOVER_OUTBOX_LEASE_SECONDS) has passed,
another worker sends that batch again: its messages already sent go out twice, nothing is lost.
Claims are one UPDATE of rows still claimable (on PostgreSQL FOR UPDATE SKIP LOCKED chooses
them), so two workers never claim the same row.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import re
import secrets
import time

from flask import current_app, render_template
from flask_babel import force_locale
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from crossover.company.models import (
    CompanySurvey,
    RosterContact,
    RosterMember,
    RoundResponse,
    SurveyRound,
)
from crossover.config import local_today
from crossover.db import utcnow
from crossover.extensions import db
from crossover.outbox import mailer
from crossover.outbox.models import (
    CANCELLED,
    FAILED,
    QUEUED,
    SENDING,
    SENT,
    JobRun,
    OutboxMessage,
)
from crossover.pilots.models import Contact, Enrollment, Pilot, PilotStatus, WaveWindow
from crossover.surveys import tokens
from crossover.surveys.models import Invitation, Response

PLAN_CHUNK = 2_000  # candidates read, rendered and queued at a time: memory stays bounded
MAX_BACKOFF = timedelta(hours=6)
# An account link in a body: replaced once the message is out (only its hash is kept elsewhere).
ACCOUNT_LINK = re.compile(r"\S+/account/(?:setup|reset)/\S+")
ERASED_RECIPIENT = "(erased)"  # what an outbox row keeps once its address was erased


@dataclass(frozen=True)
class Due:
    invitation_id: int | None  # a pilot invitation, or
    kind: str
    recipient: str
    subject: str
    body: str
    roster_member_id: int | None = None  # a company survey round's roster row

    @property
    def about(self) -> str:
        if self.roster_member_id is not None:
            return f"roster row {self.roster_member_id}"
        return f"invitation {self.invitation_id}"

    def subject_filter(self):
        if self.roster_member_id is not None:
            return OutboxMessage.roster_member_id == self.roster_member_id
        return OutboxMessage.invitation_id == self.invitation_id


def _candidates(today, pilot_id: int | None = None, *, after: int = 0, limit: int | None = None):
    """Open, unanswered invitations of live pilots whose person has an e-mail address (by id,
    from after `after`, at most `limit`)."""
    one_pilot = [] if pilot_id is None else [Pilot.id == pilot_id]
    return db.session.execute(
        sa.select(Invitation, WaveWindow, Pilot, Contact.email)
        .join(Enrollment, Enrollment.id == Invitation.enrollment_id)
        .join(Pilot, Pilot.id == Enrollment.pilot_id)
        .join(
            WaveWindow, sa.and_(WaveWindow.pilot_id == Pilot.id, WaveWindow.wave == Invitation.wave)
        )
        .join(Contact, Contact.enrollment_id == Enrollment.id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(
            Pilot.status.in_([PilotStatus.RECRUITING, PilotStatus.RUNNING]),
            Enrollment.erased_at.is_(None),
            Response.id.is_(None),
            WaveWindow.closes_on >= today,
            sa.or_(WaveWindow.opens_on.is_(None), WaveWindow.opens_on <= today),
            Invitation.id > after,
            *one_pilot,
        )
        .order_by(Invitation.id)
        .limit(limit)
    ).all()


def _outbox_state(
    invitation_ids: list[int], column=OutboxMessage.invitation_id
) -> dict[tuple[int, str], OutboxMessage]:
    """The outbox rows of these subjects (pilot invitations, or roster rows by `column`)."""
    state = {}
    for start in range(0, len(invitation_ids), 10_000):  # bounded IN lists for large rounds
        rows = db.session.scalars(
            sa.select(OutboxMessage).where(column.in_(invitation_ids[start : start + 10_000]))
        )
        state.update({(getattr(row, column.key), row.kind): row for row in rows})
    return state


def _needs_sending(row: OutboxMessage | None) -> bool:
    # A row, once made, is the worker's: queued, sending (its lease decides), sent or failed.
    return row is None


def _render(kind: str, invitation: Invitation, window: WaveWindow, pilot: Pilot) -> tuple[str, str]:
    url = tokens.survey_url(tokens.token_for(invitation.nonce))
    context = {
        "kind": kind,
        "wave": invitation.wave,
        "pilot": pilot,
        "closes_on": window.closes_on,
        "url": url,
    }
    with force_locale("ja"):  # participants are written to in Japanese, with an English line
        subject = render_template("outbox/subject.txt", **context).strip()
        body = render_template("outbox/body.txt", **context)
    return subject, body


def _kind_due(state: dict, subject_id: int, closes_on, today) -> str | None:
    """invitation (never queued), reminder (near the close, a day after the invitation was sent)
    or None."""
    remind_within = timedelta(days=int(current_app.config["REMINDER_DAYS_BEFORE_CLOSE"]))
    sent = state.get((subject_id, "invitation"))
    if _needs_sending(sent):
        return "invitation"
    if (
        sent.status == "sent"
        and sent.sent_at.date() < today
        and today >= closes_on - remind_within
        and _needs_sending(state.get((subject_id, "reminder")))
    ):
        return "reminder"
    return None


def _pilot_due(today, pilot_id: int | None, *, render: bool = True) -> list[Due]:
    return _pilot_due_of(_candidates(today, pilot_id), today, render)


def _pilot_due_of(rows, today, render: bool = True) -> list[Due]:
    state = _outbox_state([invitation.id for invitation, *_ in rows])
    due = []
    for invitation, window, pilot, email in rows:
        if kind := _kind_due(state, invitation.id, window.closes_on, today):
            subject, body = _render(kind, invitation, window, pilot) if render else ("", "")
            due.append(Due(invitation.id, kind, email, subject, body))
    return due


def _roster_candidates(today, round_id: int | None, *, after: int = 0, limit: int | None = None):
    """Unanswered roster rows with an e-mail address, of rounds open today (by id, from after
    `after`, at most `limit`)."""
    one_round = [] if round_id is None else [SurveyRound.id == round_id]
    return db.session.execute(
        sa.select(
            RosterMember.id,
            RosterMember.nonce,
            SurveyRound.label,
            SurveyRound.closes_on,
            CompanySurvey.title,
            RosterContact.email,
        )
        .join(SurveyRound, SurveyRound.id == RosterMember.round_id)
        .join(CompanySurvey, CompanySurvey.id == SurveyRound.company_survey_id)
        .join(RosterContact, RosterContact.member_id == RosterMember.id)
        .outerjoin(RoundResponse, RoundResponse.member_id == RosterMember.id)
        .where(
            RoundResponse.id.is_(None),
            SurveyRound.opens_on <= today,
            SurveyRound.closes_on >= today,
            SurveyRound.closed_at.is_(None),  # closed early by an owner
            RosterMember.id > after,
            *one_round,
        )
        .order_by(RosterMember.id)
        .limit(limit)
    ).all()


def _render_round(kind: str, nonce: str, label: str, closes_on, title: str) -> tuple[str, str]:
    context = {
        "kind": kind,
        "title": title,
        "round_label": label,
        "closes_on": closes_on,
        "url": tokens.survey_url(tokens.token_for(nonce)),
    }
    with force_locale("ja"):  # employees are written to in Japanese, with an English line
        subject = render_template("outbox/round_subject.txt", **context).strip()
        body = render_template("outbox/round_body.txt", **context)
    return subject, body


def _roster_due(today, round_id: int | None, *, render: bool = True) -> list[Due]:
    return _roster_due_of(_roster_candidates(today, round_id), today, render)


def _roster_due_of(rows, today, render: bool = True) -> list[Due]:
    state = _outbox_state([row[0] for row in rows], OutboxMessage.roster_member_id)
    due = []
    for member_id, nonce, label, closes_on, title, email in rows:
        if kind := _kind_due(state, member_id, closes_on, today):
            subject, body = (
                _render_round(kind, nonce, label, closes_on, title) if render else ("", "")
            )
            due.append(Due(None, kind, email, subject, body, roster_member_id=member_id))
    return due


def _due_chunks(
    pilot_id: int | None, round_id: int | None, render: bool = True
) -> Iterator[list[Due]]:
    """Due messages, a bounded chunk of candidates at a time (pilots first, then rounds)."""
    today = local_today()
    if round_id is None:
        after = 0
        while rows := _candidates(today, pilot_id, after=after, limit=PLAN_CHUNK):
            after = rows[-1][0].id
            yield _pilot_due_of(rows, today, render)
    if pilot_id is None:
        after = 0
        while rows := _roster_candidates(today, round_id, after=after, limit=PLAN_CHUNK):
            after = rows[-1][0]
            yield _roster_due_of(rows, today, render)


def due_messages(pilot_id: int | None = None, round_id: int | None = None) -> list[Due]:
    """Invitations whose wave (or round) has opened and were not sent; reminders near the close
    (of one pilot or one company survey round when given: the owner's send button)."""
    return [item for chunk in _due_chunks(pilot_id, round_id) for item in chunk]


def count_due(pilot_id: int | None = None, round_id: int | None = None) -> Counter:
    """How many invitations and reminders are due, by the rules of `_kind_due`, in one count
    per kind (nothing rendered, nothing written): what 「送信」 answers at once."""
    today = local_today()
    remind_within = timedelta(days=int(current_app.config["REMINDER_DAYS_BEFORE_CLOSE"]))
    # sent_at.date() < today, as _kind_due compares them
    start_of_today = datetime.combine(today, datetime.min.time(), tzinfo=UTC)

    def row_of(column, kind: str):
        return sa.select(OutboxMessage.id).where(column, OutboxMessage.kind == kind)

    def counts(base, subject, closes_on) -> Counter:
        invited_sent = row_of(subject, "invitation").where(
            OutboxMessage.status == SENT, OutboxMessage.sent_at < start_of_today
        )
        invitations = db.session.scalar(base.where(~row_of(subject, "invitation").exists()))
        reminders = db.session.scalar(
            base.where(
                closes_on <= today + remind_within,
                invited_sent.exists(),
                ~row_of(subject, "reminder").exists(),
            )
        )
        return Counter({"invitation": invitations, "reminder": reminders})

    due: Counter = Counter()
    if round_id is None:
        one_pilot = [] if pilot_id is None else [Pilot.id == pilot_id]
        base = (
            sa.select(sa.func.count())
            .select_from(Invitation)
            .join(Enrollment, Enrollment.id == Invitation.enrollment_id)
            .join(Pilot, Pilot.id == Enrollment.pilot_id)
            .join(
                WaveWindow,
                sa.and_(WaveWindow.pilot_id == Pilot.id, WaveWindow.wave == Invitation.wave),
            )
            .join(Contact, Contact.enrollment_id == Enrollment.id)
            .where(
                Pilot.status.in_([PilotStatus.RECRUITING, PilotStatus.RUNNING]),
                Enrollment.erased_at.is_(None),
                ~sa.exists().where(Response.invitation_id == Invitation.id),
                WaveWindow.closes_on >= today,
                sa.or_(WaveWindow.opens_on.is_(None), WaveWindow.opens_on <= today),
                *one_pilot,
            )
        )
        subject = OutboxMessage.invitation_id == Invitation.id
        due.update(counts(base, subject, WaveWindow.closes_on))
    if pilot_id is None:
        one_round = [] if round_id is None else [SurveyRound.id == round_id]
        base = (
            sa.select(sa.func.count())
            .select_from(RosterMember)
            .join(SurveyRound, SurveyRound.id == RosterMember.round_id)
            .join(RosterContact, RosterContact.member_id == RosterMember.id)
            .where(
                ~sa.exists().where(RoundResponse.member_id == RosterMember.id),
                SurveyRound.opens_on <= today,
                SurveyRound.closes_on >= today,
                SurveyRound.closed_at.is_(None),  # closed early by an owner
                *one_round,
            )
        )
        subject = OutboxMessage.roster_member_id == RosterMember.id
        due.update(counts(base, subject, SurveyRound.closes_on))
    db.session.commit()
    return +due


def _insert_ignoring_duplicates(rows: list[dict]) -> None:
    """Insert outbox rows; a row another run queued first (same subject and kind) is skipped."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(OutboxMessage).on_conflict_do_nothing(), rows)


def enqueue_due(pilot_id: int | None = None, round_id: int | None = None) -> Counter:
    """Queue every due invitation and reminder (of one pilot or round when given), a chunk and a
    commit at a time; returns how many of each kind were found due."""
    queued: Counter = Counter()
    if mailer.mail_state() == mailer.MAIL_OFF:
        return queued  # nothing could leave: queue nothing rather than a backlog
    for chunk in _due_chunks(pilot_id, round_id):
        if chunk:
            now = utcnow()
            _insert_ignoring_duplicates(
                [
                    {
                        "invitation_id": item.invitation_id,
                        "roster_member_id": item.roster_member_id,
                        "kind": item.kind,
                        "recipient": item.recipient,
                        "subject": item.subject,
                        "body": item.body,
                        "status": QUEUED,
                        "attempts": 0,
                        "created_at": now,
                        "claimed_at": now,
                    }
                    for item in chunk
                ]
            )
            queued.update(item.kind for item in chunk)
        db.session.commit()
        db.session.expunge_all()
    return queued


# --- delivery ------------------------------------------------------------------------------------


def _config_seconds(name: str) -> float:
    return float(current_app.config[name])


def _claimable(now, ignore_backoff: bool):
    lease = timedelta(seconds=_config_seconds("OUTBOX_LEASE_SECONDS"))
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
        .where(_claimable(now, ignore_backoff))
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
        .where(OutboxMessage.id.in_(chosen), _claimable(now, ignore_backoff))
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
    before their address was erased, or before the owner closed the round early."""
    answered_or_erased = (
        sa.select(Invitation.id)
        .join(Enrollment, Enrollment.id == Invitation.enrollment_id)
        .where(
            sa.or_(
                Enrollment.erased_at.is_not(None),
                sa.exists().where(Response.invitation_id == Invitation.id),
            )
        )
    )
    roster_gone = (
        sa.select(RosterMember.id)
        .join(SurveyRound, SurveyRound.id == RosterMember.round_id)
        .where(
            sa.or_(
                ~sa.exists().where(RosterContact.member_id == RosterMember.id),
                sa.exists().where(RoundResponse.member_id == RosterMember.id),
                SurveyRound.closed_at.is_not(None),  # the owner closed the round early
            )
        )
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.claim == claim,
            sa.or_(
                OutboxMessage.invitation_id.in_(answered_or_erased),
                OutboxMessage.roster_member_id.in_(roster_gone),
            ),
        )
        .values(status=CANCELLED, claim=None)
        .execution_options(synchronize_session=False)
    )


def _backoff(attempts: int) -> timedelta:
    first = _config_seconds("OUTBOX_RETRY_SECONDS")
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
    budget = _config_seconds("OUTBOX_LEASE_SECONDS") / 2
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


def send_due(
    dry_run: bool = False, pilot_id: int | None = None, round_id: int | None = None
) -> list[tuple[Due, str]]:
    """Queue what is due and send everything queued now, waiting retries included (the command
    run by hand); returns each message tried with its outcome (sent, retry, failed), or each
    due message with `dry-run`."""
    if dry_run:
        return [(item, "dry-run") for item in due_messages(pilot_id, round_id)]
    enqueue_due(pilot_id, round_id)
    waiting = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(_claimable(utcnow(), True), OutboxMessage.account_link_id.is_(None))
        .order_by(OutboxMessage.id)
    ).all()
    db.session.commit()
    deliver(ignore_backoff=True)
    results = []
    outcome = {SENT: "sent", FAILED: "failed"}
    for start in range(0, len(waiting), 10_000):
        rows = db.session.execute(
            sa.select(
                OutboxMessage.invitation_id,
                OutboxMessage.kind,
                OutboxMessage.recipient,
                OutboxMessage.subject,
                OutboxMessage.roster_member_id,
                OutboxMessage.status,
            ).where(OutboxMessage.id.in_(waiting[start : start + 10_000]))
        ).all()
        for invitation_id, kind, recipient, subject, member_id, status in rows:
            item = Due(invitation_id, kind, recipient, subject, "", roster_member_id=member_id)
            results.append((item, outcome.get(status, "retry")))
    return results


def request_send(pilot_id: int | None = None, round_id: int | None = None) -> Counter:
    """What the owner's 「送信」 would queue now (counted, not yet queued: the worker's job
    queues and sends it; call nudge_send after the caller's commit)."""
    return count_due(pilot_id, round_id)


def nudge_send(pilot_id: int | None = None, round_id: int | None = None) -> bool:
    """Ask the worker to queue and send one pilot's or round's due mail now; False when the
    queue cannot be reached (the schedule's next run does it)."""
    return current_app.extensions["worker"].nudge("send", pilot_id=pilot_id, round_id=round_id)


# --- progress ------------------------------------------------------------------------------------


FAILURE_ORDER = (
    mailer.REFUSED,
    mailer.TIMEOUT,
    mailer.CONNECTION,
    mailer.TEMPORARY,
    mailer.REJECTED,
    mailer.BAD_ADDRESS,
    mailer.GAVE_UP,
    mailer.LINK_EXPIRED,
)


@dataclass(frozen=True)
class Progress:
    mail: str  # smtp | dev | off
    queued: int  # waiting or being sent (retries included)
    sent: int
    failed: int  # for good
    waiting_retry: int  # queued after a temporary failure
    failures: list[tuple[str, int]]  # failure kind → messages (failed or waiting to retry)
    by_group: list[tuple[str, str, dict[str, int]]]  # (wave or round label, kind, status counts)
    last_run: JobRun | None


def progress(pilot_id: int | None = None, round_id: int | None = None) -> Progress:
    """Where one pilot's (per wave) or one round's mail stands: queued, sent, failed and why,
    and when the worker last ran."""
    if pilot_id is not None:
        group = Invitation.wave
        query = (
            sa.select(group, OutboxMessage.kind, OutboxMessage.status, OutboxMessage.failure)
            .join(Invitation, Invitation.id == OutboxMessage.invitation_id)
            .join(Enrollment, Enrollment.id == Invitation.enrollment_id)
            .where(Enrollment.pilot_id == pilot_id)
        )
    else:
        group = SurveyRound.label
        query = (
            sa.select(group, OutboxMessage.kind, OutboxMessage.status, OutboxMessage.failure)
            .join(RosterMember, RosterMember.id == OutboxMessage.roster_member_id)
            .join(SurveyRound, SurveyRound.id == RosterMember.round_id)
            .where(RosterMember.round_id == round_id)
        )
    counted = db.session.execute(
        query.add_columns(sa.func.count()).group_by(
            group, OutboxMessage.kind, OutboxMessage.status, OutboxMessage.failure
        )
    ).all()
    totals: Counter = Counter()
    failures: Counter = Counter()
    groups: dict[tuple[str, str], Counter] = {}
    for name, kind, status, failure, n in counted:
        status = QUEUED if status == SENDING else status
        totals[status] += n
        groups.setdefault((str(name), kind), Counter())[status] += n
        if failure and status in (QUEUED, FAILED):
            failures[failure] += n
            if status == QUEUED:
                totals["retry"] += n
    return Progress(
        mail=mailer.mail_state(),
        queued=totals[QUEUED],
        sent=totals[SENT],
        failed=totals[FAILED],
        waiting_retry=totals["retry"],
        failures=sorted(
            failures.items(),
            key=lambda kv: FAILURE_ORDER.index(kv[0])
            if kv[0] in FAILURE_ORDER
            else len(FAILURE_ORDER),
        ),
        by_group=[(name, kind, dict(c)) for (name, kind), c in sorted(groups.items())],
        last_run=db.session.scalar(  # the schedule's run or a 「送信」's, whichever is later
            sa.select(JobRun)
            .where(JobRun.name.in_(("outbox", "send")))
            .order_by(JobRun.started_at.desc())
            .limit(1)
        ),
    )


def delivery_state(invitation_ids: list[int]) -> dict[int, dict[str, object]]:
    """For owner pages: when each invitation's e-mail and reminder went out."""
    state: dict[int, dict[str, object]] = {}
    for (invitation_id, kind), row in _outbox_state(invitation_ids).items():
        if row.status == "sent":
            state.setdefault(invitation_id, {})[kind] = row.sent_at
    return state


def roster_delivery_state(member_ids: list[int]) -> dict[int, dict[str, object]]:
    """For owner pages: when each roster row's e-mail and reminder went out."""
    state: dict[int, dict[str, object]] = {}
    for (member_id, kind), row in _outbox_state(member_ids, OutboxMessage.roster_member_id).items():
        if row.status == "sent":
            state.setdefault(member_id, {})[kind] = row.sent_at
    return state
