"""Where survey mail stands, for owner pages: one scope's messages (a pilot's by wave, a round's)
queued, sent and failed and why, with the worker's last run; and when each subject's invitation
and reminder went out."""

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from crossover.extensions import db
from crossover.outbox import mailer, sources
from crossover.outbox.due import outbox_state
from crossover.outbox.models import FAILED, QUEUED, SENDING, SENT, JobRun, OutboxMessage

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


def _failure_rank(kind: str) -> int:
    return FAILURE_ORDER.index(kind) if kind in FAILURE_ORDER else len(FAILURE_ORDER)


def _last_run() -> JobRun | None:
    """The schedule's run or a 「送信」's, whichever is later."""
    return db.session.scalar(
        sa.select(JobRun)
        .where(JobRun.name.in_(("outbox", "send")))
        .order_by(JobRun.started_at.desc())
        .limit(1)
    )


def progress(**scope: int | None) -> Progress:
    """Where one scope's mail (pilot_id=… per wave, round_id=…) stands: queued, sent, failed
    and why, and when the worker last ran."""
    source, scope_id = sources.one_scope(scope)
    group, query = source.progress_rows(scope_id)
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
        failures=sorted(failures.items(), key=lambda kv: _failure_rank(kv[0])),
        by_group=[(name, kind, dict(c)) for (name, kind), c in sorted(groups.items())],
        last_run=_last_run(),
    )


def delivery_state(
    subject_ids: list[int], column=OutboxMessage.invitation_id
) -> dict[int, dict[str, object]]:
    """For owner pages: when each subject's e-mail and reminder went out (pilot invitations, or
    another source's subjects by its subject column)."""
    state: dict[int, dict[str, object]] = {}
    for (subject_id, kind), row in outbox_state(subject_ids, column).items():
        if row.status == "sent":
            state.setdefault(subject_id, {})[kind] = row.sent_at
    return state
